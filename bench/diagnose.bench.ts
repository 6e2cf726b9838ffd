import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Diagnosis } from '../src/protocol/types.js';
import { type Lab, labUnsupported, withLab } from '../test/helpers/lab.js';
import { restartApiWithExtra } from './lab-extra.js';

/**
 * `diagnose` on the lab: time to verdict per scenario (median of RUNS, the diagnosis' own durationMs: from
 * the first API read to the verdict; probe pod deletion after it is shown apart) and Kubernetes API requests
 * per diagnosis, counted by the client and by the lab API server (GET /debug/request-count). Then the same
 * healthy diagnosis against a second lab API process loaded with 10,000 extra pods and 10,000 extra Services
 * (`--extra FILE`), to show the request count does not grow with unrelated objects.
 * Targets (issue 4): every scenario under 5 s, at most 20 API requests.
 */
const RUNS = 5;
const SCENARIOS: { label: string; name: string; faults: string[]; path: string }[] = [
  { label: 'healthy /healthz', name: 'b5ok', faults: [], path: '/healthz' },
  { label: 'healthy /large', name: 'b5ok', faults: [], path: '/large' },
  { label: 'dns-mismatch', name: 'b5dns', faults: ['dns-mismatch'], path: '/healthz' },
  {
    label: 'health-check-path-mismatch',
    name: 'b5hc',
    faults: ['health-check-path-mismatch'],
    path: '/healthz',
  },
  { label: 'nodeport-blocked', name: 'b5np', faults: ['nodeport-blocked'], path: '/healthz' },
  { label: 'kube-proxy-down', name: 'b5kp', faults: ['kube-proxy-down'], path: '/healthz' },
  { label: 'conntrack-exhaustion', name: 'b5ct', faults: ['conntrack-exhaustion'], path: '/healthz' },
  { label: 'host-rule-mismatch', name: 'b5hr', faults: ['host-rule-mismatch'], path: '/healthz' },
  { label: 'service-not-found', name: 'b5snf', faults: ['service-not-found'], path: '/healthz' },
  { label: 'service-port-not-found', name: 'b5spn', faults: ['service-port-not-found'], path: '/healthz' },
  { label: 'no-endpoints', name: 'b5ne', faults: ['no-endpoints'], path: '/healthz' },
  { label: 'target-port-mismatch', name: 'b5tp', faults: ['target-port-mismatch'], path: '/healthz' },
  { label: 'mtu-blackhole /healthz', name: 'b5mtu', faults: ['mtu-blackhole'], path: '/healthz' },
  { label: 'mtu-blackhole /large', name: 'b5mtu', faults: ['mtu-blackhole'], path: '/large' },
  { label: 'network-policy-blocked', name: 'b5pol', faults: ['network-policy-blocked'], path: '/healthz' },
  {
    label: 'backend-protocol-mismatch',
    name: 'b5bp',
    faults: ['backend-protocol-mismatch'],
    path: '/healthz',
  },
  { label: 'app-not-listening', name: 'b5an', faults: ['app-not-listening'], path: '/healthz' },
  { label: 'proxy-timeout', name: 'b5pt', faults: ['proxy-timeout'], path: '/healthz' },
  { label: 'upstream-header-too-big', name: 'b5hb', faults: ['upstream-header-too-big'], path: '/healthz' },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] ?? Number.NaN) : Number.NaN;
}

async function serverCount(lab: Lab, kubeconfig?: string): Promise<number> {
  const argv = ['kubectl', 'get', '--raw', '/debug/request-count'];
  const r = await lab.run(kubeconfig ? ['env', `KUBECONFIG=${kubeconfig}`, ...argv] : argv, {
    timeoutMs: 20_000,
  });
  const n = (JSON.parse(r.stdout || '{}') as { requestCount?: number; count?: number }).requestCount;
  return typeof n === 'number' ? n : Number.NaN;
}

async function diagnoseOnce(lab: Lab, urlPath: string, kubeconfig?: string) {
  const argv = ['ingress-doctor', 'diagnose', `http://app.example.test${urlPath}`, '-o', 'json'];
  const before = await serverCount(lab, kubeconfig);
  const r = await lab.run(kubeconfig ? ['env', `KUBECONFIG=${kubeconfig}`, ...argv] : argv, {
    timeoutMs: 90_000,
  });
  const after = await serverCount(lab, kubeconfig);
  let d: Diagnosis;
  try {
    d = JSON.parse(r.stdout) as Diagnosis;
  } catch {
    throw new Error(
      `diagnose ${urlPath} printed no JSON (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-2).join(' / ')}`,
    );
  }
  // The server does not count /debug/request-count itself.
  return { d, wallMs: r.ms, server: after - before };
}

/** 10,000 pods and 10,000 Services in 200 unrelated namespaces. */
async function extraObjects(dir: string): Promise<string> {
  const items: unknown[] = [];
  for (let i = 0; i < 10_000; i++) {
    const ns = `bulk-${i % 200}`;
    items.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `bulk-${i}`, namespace: ns, labels: { app: `bulk-${i % 500}` } },
      spec: {
        nodeName: i % 2 ? 'node-1' : 'node-2',
        containers: [{ name: 'c', image: 'registry.example/bulk:1' }],
      },
      status: { phase: 'Running', podIP: `198.18.${200 + (i % 50)}.${i % 250}` },
    });
    items.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `bulk-${i}`, namespace: ns },
      spec: { selector: { app: `bulk-${i % 500}` }, ports: [{ port: 80, targetPort: 8080 }] },
    });
  }
  const file = path.join(dir, 'extra.json');
  await writeFile(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  return file;
}

export default async function bench(): Promise<string> {
  const head =
    '## diagnose\n\nTime to verdict per lab scenario (median of 5 runs of `ingress-doctor lab run -- ingress-doctor diagnose URL -o json`;' +
    " the diagnosis' own time from the first API read to the verdict; probe pod deletion follows it) and Kubernetes API requests per diagnosis" +
    ' (client count / lab API server count).\n\n';
  const skip = labUnsupported();
  if (skip) return `${head}Skipped: ${skip}.\n`;
  const rows = [
    '| scenario | verdict | time to verdict (median / max) | command wall time (median) | API requests (client / server) | target met |',
    '|---|---|---|---|---|---|',
  ];
  // INGRESS_DOCTOR_BENCH_LABS=b5ok,b5mtu runs only those labs (for a quick look).
  const only = process.env.INGRESS_DOCTOR_BENCH_LABS?.split(',');
  const byLab = new Map<string, typeof SCENARIOS>();
  for (const s of SCENARIOS) {
    if (!only || only.includes(s.name)) byLab.set(s.name, [...(byLab.get(s.name) ?? []), s]);
  }
  let allMet = true;
  for (const [name, list] of byLab) {
    const cleanups: (() => Promise<void> | void)[] = [];
    try {
      const lab = await withLab(
        { after: (fn) => void cleanups.push(fn as () => Promise<void>) },
        { name, faults: list[0]?.faults ?? [] },
      );
      for (const s of list) {
        const times: number[] = [];
        const walls: number[] = [];
        const client: number[] = [];
        const server: number[] = [];
        let verdict = '';
        for (let i = 0; i < RUNS; i++) {
          const { d, wallMs, server: sc } = await diagnoseOnce(lab, s.path);
          times.push(d.durationMs);
          walls.push(wallMs);
          client.push(d.apiRequests);
          server.push(sc);
          verdict = `${d.verdict.status}${d.verdict.cause ? ` ${d.verdict.cause} (hop ${d.verdict.hop})` : ''}`;
        }
        const met = median(times) < 5000 && Math.max(...client, ...server) <= 20;
        allMet &&= met;
        rows.push(
          `| ${s.label} | ${verdict} | ${median(times)} ms / ${Math.max(...times)} ms | ${median(walls)} ms | ${median(client)} / ${median(server)} | ${met ? 'yes' : 'NO'} |`,
        );
      }
      if (name === 'b5ok') {
        const dir = await mkdtemp(path.join(tmpdir(), 'h5-bench-'));
        cleanups.push(() => rm(dir, { recursive: true, force: true }));
        const extra = await extraObjects(dir);
        const api = await restartApiWithExtra(lab, extra);
        cleanups.unshift(() => {
          api.kill('SIGTERM');
        });
        const objects = await lab.run([
          'sh',
          '-c',
          'kubectl get pods -A --no-headers | wc -l; kubectl get svc -A --no-headers | wc -l',
        ]);
        const times: number[] = [];
        const client: number[] = [];
        const server: number[] = [];
        let verdict = '';
        for (let i = 0; i < RUNS; i++) {
          const { d, server: sc } = await diagnoseOnce(lab, '/healthz');
          times.push(d.durationMs);
          client.push(d.apiRequests);
          server.push(sc);
          verdict = d.verdict.status;
        }
        const met = median(times) < 5000 && Math.max(...client, ...server) <= 20;
        allMet &&= met;
        rows.push(
          `| healthy /healthz with ${objects.stdout.trim().split('\n').join(' pods, ')} Services in the API (10,000 extra of each) | ${verdict} | ${median(times)} ms / ${Math.max(...times)} ms | – | ${median(client)} / ${median(server)} | ${met ? 'yes' : 'NO'} |`,
        );
      }
    } catch (err) {
      allMet = false;
      rows.push(
        `| ${list.map((s) => s.label).join(', ')} | error: ${(err as Error).message.split('\n')[0]} | | | | NO |`,
      );
    } finally {
      for (const c of cleanups.reverse()) await c();
    }
  }
  return `${head}${rows.join('\n')}\n\nTargets (median under 5 s per scenario, at most 20 requests in every run): ${allMet ? 'all met' : 'NOT all met'}.\n`;
}
