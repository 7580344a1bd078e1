// A study's findings as tables of the store (tornado, sobol_indices, break_even), so the analysis
// is queryable beside the points it came from. Pure: no I/O.
import type { DuckDBValue } from '@duckdb/node-api';
import type { BreakEvenFinding, OneAtATimeAnalysis, SobolMetricIndices } from './studyAnalysis.js';
import type { AnalysisTable } from './studyStore.js';

const finite = (x: number) => (Number.isFinite(x) ? x : null);

export function analysisTables(analysis: { oneAtATime?: OneAtATimeAnalysis; sobol?: SobolMetricIndices[]; breakEven?: BreakEvenFinding[] }): AnalysisTable[] {
  const tables: AnalysisTable[] = [];
  if (analysis.oneAtATime) {
    const rows = analysis.oneAtATime.tornadoes.flatMap((t) =>
      t.bars.map((bar): DuckDBValue[] => [t.metric, bar.input, bar.label, bar.lowValue, bar.highValue, t.atBase.value, bar.atLow.value, bar.atHigh.value, bar.swing]),
    );
    tables.push({
      name: 'tornado',
      columns: [
        { name: 'metric', type: 'VARCHAR' }, { name: 'input', type: 'VARCHAR' }, { name: 'label', type: 'VARCHAR' },
        { name: 'low_value', type: 'DOUBLE' }, { name: 'high_value', type: 'DOUBLE' },
        { name: 'at_base_usd', type: 'DOUBLE' }, { name: 'at_low_usd', type: 'DOUBLE' }, { name: 'at_high_usd', type: 'DOUBLE' }, { name: 'swing_usd', type: 'DOUBLE' },
      ],
      rows,
    });
  }
  if (analysis.sobol) {
    const rows = analysis.sobol.flatMap((m) =>
      m.inputs.map((r): DuckDBValue[] => [m.metric, r.input, r.label, r.first.estimate, r.first.standardError, r.first.ci95[0], r.first.ci95[1], r.total.estimate, r.total.standardError, r.total.ci95[0], r.total.ci95[1]]),
    );
    tables.push({
      name: 'sobol_indices',
      columns: [
        { name: 'metric', type: 'VARCHAR' }, { name: 'input', type: 'VARCHAR' }, { name: 'label', type: 'VARCHAR' },
        { name: 'first', type: 'DOUBLE' }, { name: 'first_se', type: 'DOUBLE' }, { name: 'first_lo', type: 'DOUBLE' }, { name: 'first_hi', type: 'DOUBLE' },
        { name: 'total', type: 'DOUBLE' }, { name: 'total_se', type: 'DOUBLE' }, { name: 'total_lo', type: 'DOUBLE' }, { name: 'total_hi', type: 'DOUBLE' },
      ],
      rows,
    });
  }
  if (analysis.breakEven) {
    const rows = analysis.breakEven.map((f): DuckDBValue[] => {
      const r = f.result;
      return r.found
        ? [f.input, f.label, f.criterion, true, r.x, finite(r.standardError), finite(r.ci95[0]), finite(r.ci95[1]), r.bracket[0].x, r.bracket[1].x, r.probes]
        : [f.input, f.label, f.criterion, false, null, null, null, null, null, null, r.probes];
    });
    tables.push({
      name: 'break_even',
      columns: [
        { name: 'input', type: 'VARCHAR' }, { name: 'label', type: 'VARCHAR' }, { name: 'criterion', type: 'VARCHAR' }, { name: 'found', type: 'BOOLEAN' },
        { name: 'value', type: 'DOUBLE' }, { name: 'se', type: 'DOUBLE' }, { name: 'ci_lo', type: 'DOUBLE' }, { name: 'ci_hi', type: 'DOUBLE' },
        { name: 'bracket_lo', type: 'DOUBLE' }, { name: 'bracket_hi', type: 'DOUBLE' }, { name: 'points', type: 'INTEGER' },
      ],
      rows,
    });
  }
  return tables;
}
