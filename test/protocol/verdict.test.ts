import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CauseId, Hop } from '../../src/causes/types.js';
import type { Finding } from '../../src/checks/types.js';
import { runDiagnosis } from '../../src/protocol/run.js';
import type { RouteFacts, Verdict } from '../../src/protocol/types.js';
import { ScriptedVantageProvider } from '../../src/vantage/scripted.js';
import {
  type Behavior,
  type HttpRequest,
  healthyFacts,
  healthyNet,
  type Net,
  responder,
  where,
} from './sim.js';

/**
 * The verdict table: each row is a cluster's facts plus what the network answers at each vantage, and the
 * verdict the protocol must reach. Rows mirror the lab's faults with the evidence a real cluster gives.
 */

interface Row {
  name: string;
  facts?: (f: RouteFacts) => void;
  /** Answer per request; undefined = healthy default (HTTP 200). */
  http?: (r: HttpRequest, at: ReturnType<typeof where>, f: RouteFacts) => Behavior | undefined;
  net?: (f: RouteFacts) => Partial<Net>;
  findings?: Finding[];
  probePods?: boolean;
  /** Pod creation refused, as with a 403. */
  forbidden?: boolean;
  expect: {
    status: Verdict['status'];
    cause?: CauseId;
    hop?: Hop;
    confidence?: Verdict['confidence'];
    also?: CauseId[];
    applicationAnswer?: number;
    unproven?: RegExp;
  };
}

const npFinding: Finding = {
  check: 'network-policy-controller',
  cause: 'network-policy-blocked',
  hop: 5,
  severity: 'error',
  object: { kind: 'NetworkPolicy', namespace: 'shop', name: 'deny-all' },
  route: 'app.example.test/',
  message: 'NetworkPolicy shop/deny-all selects app pods and admits nothing from ingress-nginx',
  fix: 'allow the controller namespace',
};

const rows: Row[] = [
  { name: 'healthy lab', expect: { status: 'healthy' } },
  {
    name: 'application answers 404 at / (healthy path)',
    facts: (f) => {
      f.target.path = '/';
    },
    http: (_r, at) =>
      at === 'lb' || at === 'url' || at === 'endpoint' || at === 'service' || at === 'nodeport'
        ? { status: 404 }
        : undefined,
    expect: { status: 'healthy', applicationAnswer: 404 },
  },
  {
    name: 'application answers 500 at /status/500 (healthy path)',
    facts: (f) => {
      f.target.path = '/status/500';
    },
    http: (_r, at) => (at === 'healthcheck' ? undefined : { status: 500 }),
    expect: { status: 'healthy', applicationAnswer: 500 },
  },
  {
    name: 'dns-mismatch: the host resolves elsewhere',
    http: (_r, at) => (at === 'url' ? 'timeout' : undefined),
    net: () => ({ dns: () => ['198.19.0.99'] }),
    expect: { status: 'broken', cause: 'dns-mismatch', hop: 1, confidence: 'high' },
  },
  {
    name: 'tls-certificate-mismatch: https, the certificate does not name the host; routing is fine',
    facts: (f) => {
      f.target.scheme = 'https';
      f.target.port = 443;
    },
    http: (_r, at) => (at === 'url' ? 'cert-mismatch' : undefined),
    expect: { status: 'broken', cause: 'tls-certificate-mismatch', hop: 1, confidence: 'high' },
  },
  {
    name: 'health-check-path-mismatch: LB 503 for every host, NodePort fine, health-check path 404',
    http: (_r, at) =>
      at === 'lb' || at === 'url' ? { status: 503 } : at === 'healthcheck' ? { status: 404 } : undefined,
    expect: { status: 'broken', cause: 'health-check-path-mismatch', hop: 2, confidence: 'high' },
  },
  {
    name: 'nodeport-blocked: LB times out, NodePorts answer from inside, health check path 200',
    http: (_r, at) => (at === 'lb' || at === 'url' ? 'timeout' : undefined),
    expect: { status: 'broken', cause: 'nodeport-blocked', hop: 2, confidence: 'medium' },
  },
  {
    name: 'nodeport-blocked: LB has no healthy backend (503 with and without Host)',
    http: (_r, at) => (at === 'lb' || at === 'url' ? { status: 503 } : undefined),
    expect: { status: 'broken', cause: 'nodeport-blocked', hop: 2 },
  },
  {
    name: 'conntrack-exhaustion on node-a beats "LB cannot reach the NodePort"',
    http: (r, at) =>
      at === 'lb' || at === 'url'
        ? 'timeout'
        : (at === 'nodeport' || at === 'healthcheck') && r.url.hostname === '198.18.0.11'
          ? 'timeout'
          : undefined,
    net: () => ({
      conntrack: (v) =>
        v === 'node@node-a' ? { count: 262144, max: 262144, drop: 512 } : { count: 90, max: 262144 },
    }),
    expect: { status: 'broken', cause: 'conntrack-exhaustion', hop: 3, confidence: 'high' },
  },
  {
    name: 'kube-proxy-down on node-b: its NodePort refuses, the URL still works through node-a',
    http: (r, at) =>
      at === 'nodeport' && r.url.hostname === '198.18.0.12'
        ? 'refused'
        : at === 'healthcheck' && r.url.hostname === '198.18.0.12'
          ? 'refused'
          : undefined,
    expect: { status: 'broken', cause: 'kube-proxy-down', hop: 3, confidence: 'high' },
  },
  {
    name: 'service-not-found: the route names a Service that does not exist',
    facts: (f) => {
      if (f.backend) {
        f.backend.service = 'web-svc';
        f.backend.problem = 'service-not-found';
        delete f.backend.servicePortNumber;
      }
      f.endpoints = [];
      f.pods = [];
    },
    http: (_r, at) => (at === 'lb' || at === 'url' || at === 'nodeport' ? { status: 503 } : undefined),
    expect: { status: 'broken', cause: 'service-not-found', hop: 4, confidence: 'high' },
  },
  {
    name: 'host-rule-mismatch: no rule for the host; controller 404 with and without Host',
    facts: (f) => {
      f.routeFound = false;
      if (f.route) f.route.host = 'app.example.invalid';
    },
    http: (_r, at) => (at === 'lb' || at === 'url' || at === 'nodeport' ? { status: 404 } : undefined),
    expect: { status: 'broken', cause: 'host-rule-mismatch', hop: 4, confidence: 'high' },
  },
  {
    name: "host-rule-mismatch: the default server's own /healthz answers 200, the API has no rule for the host",
    facts: (f) => {
      f.routeFound = false;
      if (f.route) f.route.host = 'app.example.com';
    },
    expect: { status: 'broken', cause: 'host-rule-mismatch', hop: 4, confidence: 'high' },
  },
  {
    name: 'ingress-class-missing: the route names a class no controller serves; the default server answers',
    facts: (f) => {
      if (f.route)
        f.route.unserved =
          'Ingress shop/app names IngressClass "nginx-old", which does not exist (known: nginx)';
    },
    http: (_r, at) => (at === 'lb' || at === 'url' || at === 'nodeport' ? { status: 404 } : undefined),
    expect: { status: 'broken', cause: 'ingress-class-missing', hop: 4, confidence: 'high' },
  },
  {
    name: 'default-deny blocks the probe pod; the endpoint refuses on its own node: app-not-listening',
    facts: (f) => {
      f.policiesSelectingBackend = ['default-deny', 'allow-controller'];
    },
    http: (r, at) =>
      at === 'endpoint' || at === 'service'
        ? r.vantage.startsWith('pod@')
          ? 'timeout'
          : 'refused'
        : at === 'lb' || at === 'url' || at === 'nodeport'
          ? { status: 502 }
          : undefined,
    expect: { status: 'broken', cause: 'app-not-listening', hop: 5, confidence: 'high' },
  },
  {
    name: 'no-endpoints: selector matches no pods; controller 503',
    facts: (f) => {
      f.endpoints = [];
      f.pods = [];
    },
    http: (_r, at) =>
      at === 'lb' || at === 'url' || at === 'nodeport'
        ? { status: 503 }
        : at === 'service'
          ? 'refused'
          : undefined,
    expect: { status: 'broken', cause: 'no-endpoints', hop: 4, confidence: 'high' },
  },
  {
    name: 'target-port-mismatch: endpoint port refused, container port answers',
    facts: (f) => {
      if (f.backend) f.backend.targetPort = 8081;
      for (const e of f.endpoints) e.port = 8081;
    },
    http: (_r, at) =>
      at === 'endpoint' || at === 'service'
        ? 'refused'
        : at === 'lb' || at === 'url' || at === 'nodeport'
          ? { status: 502 }
          : undefined,
    expect: { status: 'broken', cause: 'target-port-mismatch', hop: 4, confidence: 'high' },
  },
  {
    name: 'app-not-listening: refused at the declared container port',
    http: (_r, at) =>
      at === 'endpoint' || at === 'service'
        ? 'refused'
        : at === 'lb' || at === 'url' || at === 'nodeport'
          ? { status: 502 }
          : undefined,
    expect: { status: 'broken', cause: 'app-not-listening', hop: 5, confidence: 'high' },
  },
  {
    name: 'backend-protocol-mismatch: plain HTTP gets an empty reply, HTTPS answers',
    http: (r, at) =>
      at === 'endpoint' || at === 'service'
        ? r.url.protocol === 'https:'
          ? { status: 200 }
          : 'empty'
        : at === 'lb' || at === 'url' || at === 'nodeport'
          ? { status: 502 }
          : undefined,
    expect: { status: 'broken', cause: 'backend-protocol-mismatch', hop: 5, confidence: 'high' },
  },
  {
    name: 'HTTPS backend declared: plain HTTP failing is expected, healthy',
    facts: (f) => {
      if (f.backend) {
        f.backend.protocol = 'HTTPS';
        f.backend.protocolSource = 'annotation';
      }
    },
    http: (r, at) => (at === 'endpoint' && r.url.protocol === 'http:' ? 'empty' : undefined),
    expect: { status: 'healthy' },
  },
  {
    name: 'network-policy-blocked: endpoint drops SYNs, policy does not admit the controller',
    facts: (f) => {
      f.policiesSelectingBackend = ['deny-all'];
    },
    findings: [npFinding],
    http: (_r, at) =>
      at === 'endpoint' || at === 'service'
        ? 'timeout'
        : at === 'lb' || at === 'url' || at === 'nodeport'
          ? { status: 504 }
          : undefined,
    expect: { status: 'broken', cause: 'network-policy-blocked', hop: 5, confidence: 'high' },
  },
  {
    name: 'policies that admit the controller but not the probe pod: not a fault',
    facts: (f) => {
      f.policiesSelectingBackend = ['allow-controller'];
    },
    http: (_r, at) => (at === 'endpoint' || at === 'service' || at === 'pod' ? 'timeout' : undefined),
    expect: { status: 'healthy' },
  },
  {
    name: 'proxy-timeout: first byte later than proxy-read-timeout 2 s; controller 504',
    facts: (f) => {
      f.proxyReadTimeoutS = 2;
      f.proxyReadTimeoutSource = 'annotation nginx.ingress.kubernetes.io/proxy-read-timeout';
    },
    http: (_r, at) =>
      at === 'endpoint' || at === 'service'
        ? 'connected-timeout'
        : at === 'lb' || at === 'url' || at === 'nodeport'
          ? { status: 504 }
          : undefined,
    expect: { status: 'broken', cause: 'proxy-timeout', hop: 5, confidence: 'high' },
  },
  {
    name: 'upstream-header-too-big: 8 KB of response headers over a 4k buffer; controller 502',
    http: (_r, at) =>
      at === 'endpoint' || at === 'service'
        ? { status: 200, headerBytes: 8131 }
        : at === 'lb' || at === 'url' || at === 'nodeport'
          ? { status: 502 }
          : undefined,
    expect: { status: 'broken', cause: 'upstream-header-too-big', hop: 5, confidence: 'high' },
  },
  {
    name: 'mtu-blackhole at /healthz: pod MTU 1500 lost silently across nodes, 1450 passes',
    facts: (f) => {
      f.podMtu = 1500;
    },
    expect: { status: 'broken', cause: 'mtu-blackhole', hop: 5, confidence: 'high' },
  },
  {
    name: 'mtu-blackhole at /large: the body stalls and DF pings confirm',
    facts: (f) => {
      f.podMtu = 1500;
      f.target.path = '/large';
    },
    http: (_r, at) => (at === 'lb' || at === 'url' ? 'stall' : undefined),
    expect: { status: 'broken', cause: 'mtu-blackhole', hop: 5, confidence: 'high' },
  },
  {
    name: 'a stall without ping evidence is still named, with medium confidence',
    http: (_r, at) => (at === 'lb' || at === 'url' ? 'stall' : undefined),
    net: () => ({ ping: () => 'reply' }),
    expect: { status: 'broken', cause: 'mtu-blackhole', hop: 5, confidence: 'medium' },
  },
  {
    name: 'combined dns-mismatch + no-endpoints: first hop wins, the other is mentioned',
    facts: (f) => {
      f.endpoints = [];
      f.pods = [];
    },
    http: (_r, at) =>
      at === 'url'
        ? 'timeout'
        : at === 'lb' || at === 'nodeport'
          ? { status: 503 }
          : at === 'service'
            ? 'refused'
            : undefined,
    net: () => ({ dns: () => ['198.19.0.99'] }),
    expect: { status: 'broken', cause: 'dns-mismatch', hop: 1, also: ['no-endpoints'] },
  },
  {
    name: 'read-only (--no-probe-pods), healthy from outside: healthy with what is unproven',
    probePods: false,
    expect: { status: 'healthy', unproven: /phase 1.*--no-probe-pods/ },
  },
  {
    name: 'pod create forbidden (403): healthy from outside, the report says what needs the permission',
    forbidden: true,
    expect: { status: 'healthy', unproven: /needs create pods in default/ },
  },
  {
    name: 'read-only and the LB fails: static finding explains it, medium',
    probePods: false,
    findings: [npFinding],
    http: (_r, at) => (at === 'lb' || at === 'url' ? { status: 504 } : undefined),
    expect: { status: 'broken', cause: 'network-policy-blocked', hop: 5, confidence: 'medium' },
  },
  {
    name: 'LB 502 nothing explains: inconclusive, not blamed on a guess',
    http: (_r, at) => (at === 'lb' || at === 'url' || at === 'nodeport' ? { status: 502 } : undefined),
    expect: { status: 'inconclusive' },
  },
];

for (const row of rows) {
  test(`verdict: ${row.name}`, async () => {
    const f = healthyFacts();
    row.facts?.(f);
    const net = healthyNet(f, {
      http: (r) => row.http?.(r, where(f, r), f) ?? { status: 200 },
      ...(row.net?.(f) ?? {}),
    });
    const provider = new ScriptedVantageProvider({
      respond: responder(net),
      ...(row.forbidden
        ? {
            unavailable: {
              reason: 'forbidden' as const,
              message: 'needs create pods in default (403 Forbidden)',
            },
          }
        : {}),
    });
    const res = await runDiagnosis({
      facts: f,
      findings: row.findings ?? [],
      provider,
      probePods: row.probePods ?? true,
    });
    const v = res.verdict;
    const why = `${v.status} ${v.cause ?? ''} hop ${v.hop ?? ''}: ${v.summary}\n${res.phases.map((p) => `${p.number} ${p.status}: ${p.summary}`).join('\n')}`;
    assert.equal(v.status, row.expect.status, why);
    if (row.expect.cause) assert.equal(v.cause, row.expect.cause, why);
    if (row.expect.hop) assert.equal(v.hop, row.expect.hop, why);
    if (row.expect.confidence) assert.equal(v.confidence, row.expect.confidence, why);
    for (const c of row.expect.also ?? [])
      assert.ok(
        v.also.some((a) => a.cause === c),
        `also should mention ${c}: ${why}`,
      );
    if (row.expect.applicationAnswer)
      assert.equal(v.applicationAnswer?.status, row.expect.applicationAnswer, why);
    else assert.equal(v.applicationAnswer, undefined, why);
    if (row.expect.unproven)
      assert.ok(
        v.unproven.some((u) => row.expect.unproven?.test(u)),
        `unproven: ${v.unproven.join(' | ')}`,
      );
    if (v.status === 'broken') {
      assert.ok(v.evidence.length > 0, 'a broken verdict names its evidence');
      for (const id of v.evidence.filter((e) => !e.startsWith('finding:'))) {
        assert.ok(
          res.probes.some((p) => p.id === id),
          `evidence ${id} is a recorded probe`,
        );
      }
      if (v.cause) assert.ok(v.fix && !/<namespace>|<service>/.test(v.fix), `fix is concrete: ${v.fix}`);
      assert.equal(res.hops.find((h) => h.hop === v.hop)?.status, 'fail');
    }
    if (row.probePods === false || row.forbidden) {
      assert.equal(provider.calls.filter((c) => c.vantage !== 'local').length, 0);
      assert.ok(res.phases.find((p) => p.id === 'cluster')?.status === 'skipped');
    }
  });
}
