/**
 * `audit -A` against the lab API holding the synthetic cluster as an API server returns it (100,105 extra
 * objects, bench/synthetic.ts), next to the floor of reading the same lists: `kubectl get <the kinds audit
 * reads> -A --chunk-size=500 -o json` (kubectl pages like audit, and prints what it read). Interleaved, 5 runs
 * each, both through `ingress-doctor lab run` (inside the lab, the lab's kubeconfig). Reports wall time, peak
 * RSS (audit: its own maxRSS; kubectl: GNU time's), objects/s and requests (audit's own count / the lab API's
 * count of what it served).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Lab, labUnsupported, ROOT, withLab } from '../test/helpers/lab.js';
import { calibrate, median } from './audit.bench.js';
import { restartApiWithExtra } from './lab-extra.js';
import { writeCluster } from './synthetic.js';

const RUNS = 5;
const BIN = path.join(ROOT, 'bin/ingress-doctor.js');
/** What audit -A lists (LiveSource.plan), by the names kubectl knows them. */
const KINDS = [
  'namespaces',
  'nodes',
  'pods',
  'services',
  'endpointslices.discovery.k8s.io',
  'deployments.apps',
  'statefulsets.apps',
  'daemonsets.apps',
  'replicasets.apps',
  'ingresses.networking.k8s.io',
  'ingressclasses.networking.k8s.io',
  'networkpolicies.networking.k8s.io',
  'poddisruptionbudgets.policy',
  'configmaps',
];

async function serverCount(lab: Lab): Promise<number> {
  const r = await lab.run(['kubectl', 'get', '--raw', '/debug/request-count'], { timeoutMs: 20_000 });
  const n = (JSON.parse(r.stdout || '{}') as { requestCount?: number }).requestCount;
  return typeof n === 'number' ? n : Number.NaN;
}

interface Run {
  ms: number;
  rssMB: number;
  server: number;
  client?: number;
  findings?: number;
  objects?: number;
}

async function auditOnce(lab: Lab, dir: string): Promise<Run> {
  const hook = path.join(dir, 'rss.cjs');
  const rssFile = path.join(dir, 'rss.json');
  await writeFile(
    hook,
    "process.on('exit', () => require('fs').writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify(process.resourceUsage())));\n",
  );
  const before = await serverCount(lab);
  const r = await lab.run(
    ['env', `BENCH_RSS_FILE=${rssFile}`, process.execPath, '-r', hook, BIN, 'audit', '-A', '-o', 'json'],
    {
      timeoutMs: 600_000,
    },
  );
  const server = (await serverCount(lab)) - before;
  if (r.code !== 0 && r.code !== 1) throw new Error(`audit -A exited ${r.code}: ${r.stderr.slice(-500)}`);
  const report = JSON.parse(r.stdout) as {
    findings: unknown[];
    source: { requests?: number };
    counts: { objects: Record<string, number> };
  };
  const usage = JSON.parse(await readFile(rssFile, 'utf8')) as NodeJS.ResourceUsage;
  return {
    ms: r.ms,
    rssMB: usage.maxRSS / 1024,
    server,
    client: report.source.requests,
    findings: report.findings.length,
    objects: Object.values(report.counts.objects).reduce((a, b) => a + b, 0),
  };
}

async function kubectlOnce(lab: Lab, kinds: string[]): Promise<Run> {
  const before = await serverCount(lab);
  const r = await lab.run(
    [
      'sh',
      '-c',
      `/usr/bin/time -f 'maxrss %M' kubectl get ${kinds.join(',')} -A --chunk-size=500 -o json > /dev/null`,
    ],
    { timeoutMs: 600_000 },
  );
  const server = (await serverCount(lab)) - before;
  const rss = /maxrss (\d+)/.exec(r.stderr);
  if (r.code !== 0 || !rss) throw new Error(`kubectl get exited ${r.code}: ${r.stderr.slice(-500)}`);
  return { ms: r.ms, rssMB: Number(rss[1]) / 1024, server };
}

export default async function bench(): Promise<string> {
  const head =
    '## audit live\n\n`audit -A -o json` against the lab API loaded with the synthetic cluster as an API server returns it ' +
    '(bench/synthetic.ts, served: status, defaulted fields, last-applied annotations), next to the floor `kubectl get <the kinds ' +
    `audit lists> -A --chunk-size=500 -o json > /dev/null\`; both inside the lab (\`ingress-doctor lab run\`), interleaved, ${RUNS} runs each, medians.\n\n`;
  const skip = labUnsupported();
  if (skip) return `${head}Skipped: ${skip}.\n`;
  const cleanups: (() => Promise<void> | void)[] = [];
  const calibration = calibrate();
  try {
    const lab = await withLab(
      { after: (fn) => void cleanups.push(fn as () => Promise<void>) },
      { name: 'b15live' },
    );
    const dir = await mkdtemp(path.join(tmpdir(), 'bench-live-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // In three files: the lab API reads each as one string (V8 strings end near 512 MB).
    const extra = [0, 1, 2].map((k) => path.join(dir, `extra-${k}.json`));
    const third = 33_400;
    let objects = 0;
    for (const [k, file] of extra.entries()) {
      objects += await writeCluster(file, 1, 'json', {
        served: true,
        from: k * third,
        to: k === 2 ? undefined : (k + 1) * third,
      });
    }
    const before = await lab.run(['sh', '-c', 'kubectl get pods -A --no-headers | wc -l']);
    const api = await restartApiWithExtra(lab, extra, 600_000);
    cleanups.unshift(() => {
      api.kill('SIGTERM');
    });
    // The extra objects are seeded, not created: nothing may start pods for them (a lab controller that did would
    // start thousands of network namespaces). Stop at once if their number moves.
    const count = async () =>
      Number((await lab.run(['sh', '-c', 'kubectl get pods -A --no-headers | wc -l'])).stdout.trim());
    const pods = await count();
    await new Promise((r) => setTimeout(r, 3000));
    if ((await count()) !== pods) throw new Error('pods appeared after loading the extra objects; stopped');
    const served = (await lab.run(['kubectl', 'api-resources', '-o', 'name'])).stdout.split('\n');
    const kinds = [
      ...KINDS,
      ...['gateways', 'gatewayclasses', 'httproutes', 'grpcroutes'].map(
        (k) => `${k}.gateway.networking.k8s.io`,
      ),
    ].filter((k) => served.includes(k));
    const floors: Run[] = [];
    const audits: Run[] = [];
    for (let r = 0; r < RUNS; r++) {
      if (r % 2 === 0) {
        floors.push(await kubectlOnce(lab, kinds));
        audits.push(await auditOnce(lab, dir));
      } else {
        audits.push(await auditOnce(lab, dir));
        floors.push(await kubectlOnce(lab, kinds));
      }
    }
    const floor = median(floors.map((x) => x.ms));
    const audit = median(audits.map((x) => x.ms));
    const ratio = median(audits.map((a, i) => a.ms / floors[i].ms));
    const read = audits[0].objects ?? 0;
    return [
      head,
      `Lab API: ${objects.toLocaleString('en')} extra objects (${pods.toLocaleString('en')} pods in the API, ${Number(before.stdout.trim())} before); audit keeps ${read.toLocaleString('en')} objects (finished pods and ConfigMaps outside kube-system and the controllers' are not listed).`,
      '',
      '| read | floor: kubectl get | audit -A | audit / floor | audit peak RSS | kubectl peak RSS | objects/s | requests (audit / server; kubectl server) | findings |',
      '|---|---|---|---|---|---|---|---|---|',
      `| live 100k | ${(floor / 1000).toFixed(2)} s | ${(audit / 1000).toFixed(2)} s | ${ratio.toFixed(2)} | ${Math.max(...audits.map((x) => x.rssMB)).toFixed(0)} MB | ${Math.max(...floors.map((x) => x.rssMB)).toFixed(0)} MB | ${Math.round(read / (audit / 1000)).toLocaleString('en')} | ${median(audits.map((x) => x.client ?? 0))} / ${median(audits.map((x) => x.server))}; ${median(floors.map((x) => x.server))} | ${(audits[0].findings ?? 0).toLocaleString('en')} |`,
      '',
      `Calibration loop (3e8 additions): ${calibration.toFixed(2)} s CPU before, ${calibrate().toFixed(2)} s after.`,
      '',
    ].join('\n');
  } catch (err) {
    return `${head}Failed: ${(err as Error).message.split('\n')[0]}\n`;
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}
