// The engine's peers: the same model written the ways a quant otherwise would, run beside it by the
// benchmark. All three read the resolved scenario JSON and print one JSON line (simulation wall and
// CPU seconds, mean NPV and its standard error per strategy):
//
//   bench/peer.py                  NumPy, vectorised over trials, loop over months (in this repository)
//   PEERS/peer_tuned.py            the same in NumPy written with care (preallocated, in place, shared work)
//   PEERS/peer_numba.py            a Numba per-trial loop: LLVM-compiled code, compile time excluded
//
// The last two live outside the repository, in the workplace's shared folder (`shared/peers` next
// to the checkout, found by walking up from it), or where --peers / HASHPIVOT_PEERS say. Numba
// comes from a virtual environment (`numba-venv` next to the checkout, or --numba-python /
// HASHPIVOT_NUMBA_PYTHON). A peer whose file or runtime is missing is reported and skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { lastJsonLine, runChild, type Measured } from './child.js';

export interface StrategyNpv {
  name: string;
  npvMean: number;
  npvSe: number;
}

export interface PeerResult {
  trials: number;
  months: number;
  /** Simulation wall time: no interpreter start-up, import or (Numba) compilation. */
  seconds: number;
  cpuSeconds: number;
  strategies: StrategyNpv[];
}

export interface Peer {
  key: 'numpy' | 'tuned' | 'numba';
  label: string;
  script: string;
  python: string;
  /** Python, NumPy (and Numba) versions. */
  versions: string;
}

/** Every peer wanted, found (ok) or not (why). */
export type PeerLookup = { key: Peer['key']; label: string } & ({ ok: true; peer: Peer } | { ok: false; why: string });

export interface PeerOptions {
  /** The repository root (bench/peer.py lives there). */
  root: string;
  /** Folder of peer_tuned.py and peer_numba.py; default: `shared/peers` in the nearest folder above the root that has one. */
  peersDir?: string;
  /** Python with NumPy, for bench/peer.py and peer_tuned.py; default python3. */
  python?: string;
  /** Python with Numba; default: `numba-venv/bin/python` above the root, else `python`. */
  numbaPython?: string;
}

/**
 * NumPy's BLAS and Numba start threads of their own; every peer is a one-core contender (its CPU
 * seconds are compared with one engine worker's), so pin them to one.
 */
const ONE_THREAD = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', NUMBA_NUM_THREADS: '1' };

/** The nearest folder at or above `from` holding `relative`, or undefined. */
function above(from: string, relative: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
    if (dirname(dir) === dir) return undefined;
  }
}

function probe(python: string, modules: string[]): { ok: true; versions: string } | { ok: false; why: string } {
  const code = `import sys; ${modules.map((m) => `import ${m}`).join('; ')}; print('Python ' + sys.version.split()[0]${modules.map((m) => ` + ', ${m} ' + ${m}.__version__`).join('')})`;
  const child = spawnSync(python, ['-c', code], { encoding: 'utf8' });
  if (child.error) return { ok: false, why: `${python} not found (${(child.error as NodeJS.ErrnoException).code ?? child.error.message})` };
  if (child.status !== 0) return { ok: false, why: `${python} cannot import ${modules.join(' and ')}` };
  return { ok: true, versions: child.stdout.trim() };
}

export function findPeers(options: PeerOptions): PeerLookup[] {
  const python = options.python ?? process.env.HASHPIVOT_PYTHON ?? 'python3';
  const peersDir = options.peersDir ?? process.env.HASHPIVOT_PEERS ?? above(options.root, join('shared', 'peers'));
  const numbaPython = options.numbaPython ?? process.env.HASHPIVOT_NUMBA_PYTHON ?? above(options.root, join('numba-venv', 'bin', 'python')) ?? python;
  const wanted: { key: Peer['key']; label: string; script: string | undefined; python: string; modules: string[] }[] = [
    { key: 'numpy', label: 'NumPy peer (bench/peer.py)', script: join(options.root, 'bench', 'peer.py'), python, modules: ['numpy'] },
    { key: 'tuned', label: 'tuned NumPy (peer_tuned.py)', script: peersDir && join(peersDir, 'peer_tuned.py'), python, modules: ['numpy'] },
    { key: 'numba', label: 'Numba (peer_numba.py)', script: peersDir && join(peersDir, 'peer_numba.py'), python: numbaPython, modules: ['numpy', 'numba'] },
  ];
  return wanted.map(({ key, label, script, python: exe, modules }): PeerLookup => {
    if (!script || !existsSync(script)) {
      return { ok: false, key, label, why: `${script ?? 'no shared/peers folder above the checkout'} not found` };
    }
    const runtime = probe(exe, modules);
    if (!runtime.ok) return { ok: false, key, label, why: runtime.why };
    return { ok: true, key, label, peer: { key, label, script, python: exe, versions: runtime.versions } };
  });
}

export function runPeer(peer: Peer, root: string, scenarioJson: string, trials: number, seed: number): Measured<PeerResult> {
  const child = runChild(peer.python, [peer.script, scenarioJson, String(trials), String(seed)], { cwd: root, env: { ...process.env, ...ONE_THREAD } });
  return { result: lastJsonLine<PeerResult>(child.stdout), wallSeconds: child.wallSeconds, peakRssKb: child.peakRssKb };
}
