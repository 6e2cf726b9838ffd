/**
 * The audit benchmark's 100 % JSON input, audited by two builds side by side in one run: this checkout and another
 * one (e.g. the commit a change started from), interleaved run by run so both meet the same machine load.
 *
 *   node dist/bench/audit-compare.js --base /path/to/other/checkout [--runs 7] [--scale 1]
 *
 * The other checkout must be built (`npm run build` there). Prints wall and CPU time medians and their ratio.
 * Not a *.bench.ts: `npm run bench` does not run it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { calibrate, median, type RunResult, runAudit, writeCluster } from './audit.bench.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { base: { type: 'string' }, runs: { type: 'string' }, scale: { type: 'string' } },
  });
  if (!values.base) {
    process.stderr.write('usage: node dist/bench/audit-compare.js --base CHECKOUT [--runs N] [--scale S]\n');
    return 2;
  }
  const runs = Number(values.runs ?? 7);
  const scale = Number(values.scale ?? 1);
  const bins = {
    base: path.join(path.resolve(values.base), 'bin/ingress-doctor.js'),
    this: path.join(ROOT, 'bin/ingress-doctor.js'),
  };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-compare-'));
  try {
    const file = path.join(dir, 'cluster.json');
    const objects = await writeCluster(file, scale, 'json');
    const cal = calibrate();
    const results: Record<keyof typeof bins, RunResult[]> = { base: [], this: [] };
    // One warm-up each (page cache, module cache), then interleaved: base, this, this, base, …
    await runAudit(file, dir, bins.base);
    await runAudit(file, dir, bins.this);
    for (let i = 0; i < runs; i++) {
      const order: (keyof typeof bins)[] = i % 2 === 0 ? ['base', 'this'] : ['this', 'base'];
      for (const k of order) results[k].push(await runAudit(file, dir, bins[k]));
    }
    const row = (k: keyof typeof bins) => {
      const r = results[k];
      return {
        wall: median(r.map((x) => x.ms)),
        cpu: median(r.map((x) => x.cpuMs)),
        rss: Math.max(...r.map((x) => x.rssMB)),
        findings: r[0]?.findings ?? 0,
      };
    };
    const a = row('base');
    const b = row('this');
    const line = (name: string, x: ReturnType<typeof row>) =>
      `| ${name} | ${(x.wall / 1000).toFixed(2)} s | ${(x.cpu / 1000).toFixed(2)} s | ${x.rss.toFixed(0)} MB | ${x.findings.toLocaleString('en')} |`;
    process.stdout.write(
      [
        `${objects.toLocaleString('en')} objects, ${runs} interleaved runs each (medians); calibration ${cal.toFixed(2)} s before, ${calibrate().toFixed(2)} s after; load ${os.loadavg()[0].toFixed(1)}`,
        '',
        '| build | wall time | CPU time | peak RSS | findings |',
        '|---|---|---|---|---|',
        line(`base (${values.base})`, a),
        line('this checkout', b),
        '',
        `this / base: wall ${((b.wall / a.wall) * 100).toFixed(1)} %, CPU ${((b.cpu / a.cpu) * 100).toFixed(1)} %`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
