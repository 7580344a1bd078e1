// report.pdf and compare.pdf: the page printed by a headless Chromium (playwright-core drives the
// system's browser; it downloads none of its own), offline, after every chart is drawn. Charts are
// SVG, so they reach the PDF as vectors with real text. playwright-core is imported only here, and
// only when a PDF is asked for.
import { existsSync } from 'node:fs';
import { html as markup } from './html.js';

export class PdfError extends Error {}

export type PaperFormat = 'A4' | 'Letter';

/**
 * The flags of the machine notes: no sandbox (CI runs as root), no GPU, and none of the background
 * connections (updates, sync, QUIC) that a closed network refuses.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The browser binary: HASHPIVOT_CHROMIUM when set, else Debian's chromium. */
export function chromiumPath(): string {
  return process.env.HASHPIVOT_CHROMIUM || DEFAULT_CHROMIUM;
}

/** Fails early (before any trial runs) when no browser is there to print with. */
export function requireChromium(): string {
  const path = chromiumPath();
  if (!existsSync(path)) {
    throw new PdfError(
      `--pdf needs a headless Chromium, and there is none at ${path}. Install it (Debian/Ubuntu: apt-get install chromium) or set HASHPIVOT_CHROMIUM to a Chromium or Chrome binary.`,
    );
  }
  return path;
}

/** Page margins, and the printable width in CSS pixels (96 per inch) the charts are drawn at. */
const MARGIN_MM = { top: 12, bottom: 14, side: 12 };
const PAPER_WIDTH_MM: Record<PaperFormat, number> = { A4: 210, Letter: 215.9 };

export function printableWidthPx(format: PaperFormat): number {
  return Math.floor(((PAPER_WIDTH_MM[format] - 2 * MARGIN_MM.side) / 25.4) * 96);
}

export interface PdfOptions {
  format: PaperFormat;
  /** Text of every page's footer, beside the page number: scenario, as-of date, trials, seed, engine. */
  footer: string;
}

/**
 * Prints a self-contained page to PDF: loaded with no network (every request is aborted), laid out
 * at the printable width so the charts fit the paper, printed once every chart has been drawn.
 */
export async function htmlToPdf(html: string, options: PdfOptions): Promise<Uint8Array> {
  const executablePath = requireChromium();
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
  } catch (error) {
    throw new PdfError(`could not start Chromium at ${executablePath} to print the PDF: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    const context = await browser.newContext({ offline: true, viewport: { width: printableWidthPx(options.format), height: 1100 } });
    const page = await context.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.hasAttribute('data-charts-rendered') || document.body.hasAttribute('data-charts-failed'), null, { timeout: 120_000 });
    const failed = await page.evaluate(() => document.body.dataset.chartsFailed);
    if (failed) throw new PdfError(`${failed} chart(s) could not be drawn in Chromium; no PDF written`);
    // The page opens its folded sections for print; Chromium's printing to PDF does not say it prints.
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    const footer = markup`<div style="font: 7.5px DejaVu Sans, Arial, sans-serif; color: #5b6670; width: 100%; padding: 0 ${MARGIN_MM.side}mm; display: flex; justify-content: space-between;"><span>${options.footer}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`.markup;
    const pdf = await page.pdf({
      format: options.format,
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: footer,
      margin: { top: `${MARGIN_MM.top}mm`, bottom: `${MARGIN_MM.bottom}mm`, left: `${MARGIN_MM.side}mm`, right: `${MARGIN_MM.side}mm` },
    });
    return new Uint8Array(pdf);
  } finally {
    await browser.close();
  }
}
