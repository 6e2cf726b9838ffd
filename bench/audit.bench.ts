/**
 * `audit -f FILE` against the floor (bench/floor.ts: a bare Node process reading the same file and
 * JSON.parse-ing it, or loading it with js-yaml), back to back and interleaved, 5 runs each, on the synthetic
 * cluster (bench/synthetic.ts):
 *
 *   JSON 10 % / 100 %   the plain cluster as written in manifests, one kubectl-style List (100 % = 100,105 objects,
 *                       184 MB: the benchmark file of the earlier rounds)
 *   JSON 1 GB served    the cluster as `kubectl get -A -o json` prints it from an API server (status, defaults,
 *                       last-applied annotations), scaled to ≥ 1 GB
 *   JSON 1 GB plain     the plain cluster scaled to ≥ 1 GB: every byte is read, memory grows with the objects
 *   YAML 100 % served   `kubectl get -A -o yaml` of the served cluster, one List (≥ 300 MB)
 *
 * Each run is the real CLI in a child process (`node bin/ingress-doctor.js audit -f FILE -o json`); wall time
 * includes Node start-up for both. Peak RSS is each child's own maxRSS (a preloaded exit hook). Targets (issue 15):
 * audit ≤ 1.3 × floor for JSON, ≤ 1.5 × for YAML; peak RSS under 1 GB for the 1 GB dumps, and at most 1.2 × the
 * 462 MB the earlier reader took for JSON 100 %.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ClusterFormat, type SyntheticOptions, writeCluster as writeSynthetic } from './synthetic.js';

export { syntheticCluster } from './synthetic.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/ingress-doctor.js');
const FLOOR = path.join(ROOT, 'dist/bench/floor.js');
const RUNS = 5;
/** Peak RSS of the earlier reader (whole file in memory, line-counting worker) for JSON 100 %: docs/benchmarks.md. */
const EARLIER_RSS_MB = 462;

/** The cluster written to a file (see synthetic.ts); returns the object count. */
export async function writeCluster(
  file: string,
  scale: number,
  format: ClusterFormat,
  options: SyntheticOptions = {},
): Promise<number> {
  return writeSynthetic(file, scale, format, options);
}

export interface RunResult {
  ms: number;
  /** user + system CPU time of the child (all its threads, GC included). */
  cpuMs: number;
  rssMB: number;
  code: number;
  findings: number;
}

/** A child process with the RSS hook; resolves with its wall time, CPU time, peak RSS and stdout file. */
async function runChild(
  argv: string[],
  dir: string,
  ok: (code: number) => boolean,
): Promise<RunResult & { out: string }> {
  const hook = path.join(dir, 'rss-hook.cjs');
  const rssFile = path.join(dir, 'rss.txt');
  const outFile = path.join(dir, 'out.txt');
  await writeFile(
    hook,
    "process.on('exit', () => { const u = process.resourceUsage(); require('fs').writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify(u)); });\n",
  );
  const started = process.hrtime.bigint();
  const code = await new Promise<number>((resolve, reject) => {
    const out = createWriteStream(outFile);
    const child = spawn(process.execPath, ['-r', hook, ...argv], {
      env: { ...process.env, BENCH_RSS_FILE: rssFile, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out);
    let err = '';
    child.stderr.on('data', (d) => {
      if (err.length < 4000) err += d;
    });
    child.on('error', reject);
    child.on('close', (c) => {
      if (c === null || !ok(c)) reject(new Error(`${argv.join(' ')} exited ${c}: ${err}`));
      else out.end(() => resolve(c));
    });
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const usage = JSON.parse(await readFile(rssFile, 'utf8')) as NodeJS.ResourceUsage;
  return {
    ms,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    rssMB: usage.maxRSS / 1024,
    code,
    findings: 0,
    out: outFile,
  };
}

/** One `audit -f FILE -o json` in a child process; `bin` is another checkout's CLI for side-by-side runs. */
export async function runAudit(file: string, dir: string, bin = BIN): Promise<RunResult> {
  const r = await runChild([bin, 'audit', '-f', file, '-o', 'json'], dir, (c) => c === 0 || c === 1);
  const report = JSON.parse(await readFile(r.out, 'utf8')) as { findings: unknown[] };
  return { ...r, findings: report.findings.length };
}

/** The floor: read + parse the same file, nothing else. */
async function runFloor(file: string, format: 'json' | 'yaml', dir: string): Promise<RunResult> {
  return runChild([FLOOR, format, file], dir, (c) => c === 0);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/** CPU seconds of a fixed loop (~0.3 s on an idle modern core): lets readers scale numbers from a busy machine. */
export function calibrate(): number {
  const started = process.cpuUsage();
  let s = 0;
  for (let i = 0; i < 3e8; i++) s += i;
  const used = process.cpuUsage(started);
  if (s < 0) throw new Error('unreachable');
  return (used.user + used.system) / 1e6;
}

interface Row {
  label: string;
  format: ClusterFormat;
  options: SyntheticOptions;
  /** A scale, or the smallest size in MB to scale to. */
  scale?: number;
  minMB?: number;
  target: number;
  rssBound?: number;
}

const ROWS: Row[] = [
  { label: 'JSON 10 %', format: 'json', options: {}, scale: 0.1, target: 1.3 },
  { label: 'JSON 100 %', format: 'json', options: {}, scale: 1, target: 1.3, rssBound: 1.2 * EARLIER_RSS_MB },
  {
    label: 'JSON 1 GB served',
    format: 'json',
    options: { served: true },
    minMB: 1024,
    target: 1.3,
    rssBound: 1024,
  },
  { label: 'JSON 1 GB plain', format: 'json', options: {}, minMB: 1024, target: 1.3, rssBound: 1024 },
  { label: 'YAML 100 % served', format: 'yaml-list', options: { served: true }, scale: 1, target: 1.5 },
];

/** Bytes per object at scale 0.01, to choose the scale of a row given in MB. */
async function scaleFor(row: Row, dir: string): Promise<number> {
  if (row.scale !== undefined) return row.scale;
  const probe = path.join(dir, 'probe');
  await writeSynthetic(probe, 0.02, row.format, row.options);
  const perScale = (await stat(probe)).size / 0.02;
  await rm(probe, { force: true });
  // A little over: the size per scale is not quite linear (fixed objects).
  return Math.ceil((((row.minMB ?? 0) * 1024 * 1024 * 1.02) / perScale) * 100) / 100;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export default async function bench(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-audit-'));
  const loadBefore = os.loadavg()[0];
  const calibration = calibrate();
  const only = process.env.BENCH_AUDIT_ROWS?.split(',');
  try {
    const lines: string[] = [
      '| input | objects | file size | floor | audit | audit / floor | target | audit peak RSS | floor peak RSS | objects/s | findings |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
    ];
    const verdicts: string[] = [];
    for (const row of ROWS) {
      if (only && !only.some((o) => row.label.includes(o))) continue;
      const scale = await scaleFor(row, dir);
      const file = path.join(dir, `cluster.${row.format.startsWith('json') ? 'json' : 'yaml'}`);
      const objects = await writeSynthetic(file, scale, row.format, row.options);
      const size = (await stat(file)).size / 1024 ** 2;
      const floorFormat = row.format.startsWith('json') ? 'json' : 'yaml';
      const floors: RunResult[] = [];
      const audits: RunResult[] = [];
      // Interleaved, alternating which goes first, so both meet the same load.
      for (let r = 0; r < RUNS; r++) {
        if (r % 2 === 0) {
          floors.push(await runFloor(file, floorFormat, dir));
          audits.push(await runAudit(file, dir));
        } else {
          audits.push(await runAudit(file, dir));
          floors.push(await runFloor(file, floorFormat, dir));
        }
      }
      await rm(file, { force: true });
      const floor = median(floors.map((x) => x.ms));
      const audit = median(audits.map((x) => x.ms));
      // The ratio of each interleaved pair, then its median: steadier than the ratio of the medians.
      const ratio = median(audits.map((a, i) => a.ms / floors[i].ms));
      const rss = Math.max(...audits.map((x) => x.rssMB));
      const floorRss = Math.max(...floors.map((x) => x.rssMB));
      const sizeText = size >= 1024 ? `${(size / 1024).toFixed(2)} GB` : `${size.toFixed(0)} MB`;
      lines.push(
        `| ${row.label} | ${objects.toLocaleString('en')} | ${sizeText} | ${fmt(floor)} | ${fmt(audit)} (CPU ${fmt(median(audits.map((x) => x.cpuMs)))}) | ${ratio.toFixed(2)} | ≤ ${row.target} | ${rss.toFixed(0)} MB | ${floorRss.toFixed(0)} MB | ${Math.round(objects / (audit / 1000)).toLocaleString('en')} | ${audits[0].findings.toLocaleString('en')} |`,
      );
      const met = (ok: boolean) => (ok ? 'met' : '**not met**');
      verdicts.push(
        `${row.label}: time ${ratio.toFixed(2)} × floor (≤ ${row.target}), ${met(ratio <= row.target)}`,
      );
      if (row.rssBound !== undefined) {
        verdicts.push(
          `${row.label}: peak RSS ${rss.toFixed(0)} MB (< ${row.rssBound.toFixed(0)} MB), ${met(rss < row.rssBound)}`,
        );
      }
    }
    return [
      '## audit',
      '',
      'Synthetic cluster (bench/synthetic.ts) audited by the real CLI in a child process, `node bin/ingress-doctor.js ' +
        'audit -f FILE -o json`, against the floor: a bare Node process reading the same file and parsing it ' +
        '(bench/floor.ts: `JSON.parse`, in pieces of at most 256 MB between items above that size, since V8 strings ' +
        'end near 512 MB; js-yaml `load` with the core schema for YAML). Floor and audit run back to back, ' +
        `interleaved, ${RUNS} runs each; times are medians, the ratio is the median of the ratios of the pairs. ` +
        '"served": the cluster as an API server returns it and kubectl prints it (status, defaulted fields, ' +
        'last-applied annotations; no managedFields, which kubectl leaves out since 1.21); "plain": as written in ' +
        'manifests, where every byte is read.',
      '',
      ...lines,
      '',
      ...verdicts.map((v) => `- ${v}`),
      '',
      `Load average ${loadBefore.toFixed(1)} before and ${os.loadavg()[0].toFixed(1)} after the run on ${os.availableParallelism()} CPUs; ` +
        `calibration loop (3e8 additions): ${calibration.toFixed(2)} s CPU before the run and ${calibrate().toFixed(2)} s after, ` +
        'about 0.3 s on an idle modern core. CPU time counts every thread (GC helpers, the worker checking members ' +
        'read unparsed).',
      '',
    ].join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
