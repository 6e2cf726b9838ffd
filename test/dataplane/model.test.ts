/**
 * The data-plane model over real install shapes (test/fixtures/dataplane/, written for these tests): for each route,
 * the proxy family and each setting's value with the place it must come from.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseManifests, snapshotFromObjects } from '../../src/cluster/parse.js';
import { buildDataPlane } from '../../src/dataplane/build.js';
import { routeDataPlaneJson } from '../../src/dataplane/json.js';
import { describeProvenance, describeSource } from '../../src/dataplane/provenance.js';
import type { Provenance, RouteDataPlane, SettingId } from '../../src/dataplane/types.js';
import { buildGraph } from '../../src/graph/build.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/dataplane');

function model(file: string, host: string, pathname = '/', live = false) {
  const parsed = parseManifests(readFileSync(path.join(FIXTURES, file), 'utf8'), file);
  assert.deepEqual(parsed.warnings, [], 'fixture parses cleanly');
  const snapshot = snapshotFromObjects(parsed.objects, parsed.origins, { live });
  assert.deepEqual(snapshot.warnings, [], 'fixture objects are valid');
  const graph = buildGraph(snapshot);
  const route = graph.resolve(host, pathname)?.route;
  assert.ok(route, `a route for ${host}${pathname}`);
  const dataplane = buildDataPlane(graph);
  return { dp: dataplane.route(route), dataplane, graph, route };
}

/** What a setting must be: its value, and where it comes from (the provenance's kind and its words). */
type Expected = Partial<Record<SettingId, [unknown, Provenance['kind'], string]>>;

function assertSettings(dp: RouteDataPlane, expected: Expected): void {
  for (const [id, [value, kind, from]] of Object.entries(expected) as [
    SettingId,
    [unknown, string, string],
  ][]) {
    const s = dp.settings[id];
    assert.ok(s, `setting ${id} is known`);
    assert.deepEqual(s.value, value, `${id} value`);
    assert.equal(s.from.kind, kind, `${id} comes from a ${kind}: ${describeProvenance(s.from)}`);
    assert.equal(describeProvenance(s.from), from, `${id} provenance`);
  }
}

describe('ingress-nginx, the chart shape (--configmap=$(POD_NAMESPACE)/ingress-nginx-controller)', () => {
  const { dp } = model('ingress-nginx-chart.yaml', 'shop.example.com');

  it('recognises the family by the IngressClass controller, and the controller by its labels', () => {
    assert.equal(dp.family, 'ingress-nginx');
    assert.equal(dp.familyEvidence, 'IngressClass nginx (controller k8s.io/ingress-nginx)');
    assert.deepEqual(
      dp.controllers.map((c) => c.service.metadata?.name),
      ['ingress-nginx-controller'],
    );
  });

  it('finds the ConfigMap through the argument, expanded the way the kubelet does (from the Deployment template)', () => {
    assert.equal(dp.config.length, 1);
    const [use] = dp.config;
    assert.equal(use?.object.name, 'ingress-nginx-controller');
    assert.equal(use?.object.line, 17, 'file:line of the ConfigMap');
    assert.deepEqual(use?.via, {
      kind: 'argument',
      object: {
        kind: 'Deployment',
        name: 'ingress-nginx-controller',
        namespace: 'ingress-nginx',
        file: 'ingress-nginx-chart.yaml',
        line: 44,
      },
      container: 'controller',
      arg: '--configmap=$(POD_NAMESPACE)/ingress-nginx-controller',
      expanded: '--configmap=ingress-nginx/ingress-nginx-controller',
    });
  });

  it('a timeout set only in the ConfigMap is the ConfigMap key; the rest are the documented defaults', () => {
    assertSettings(dp, {
      'read-timeout': [
        5,
        'configmap',
        'ConfigMap ingress-nginx/ingress-nginx-controller key proxy-read-timeout',
      ],
      'upstream-keepalive-timeout': [
        30,
        'configmap',
        'ConfigMap ingress-nginx/ingress-nginx-controller key upstream-keepalive-timeout',
      ],
      'send-timeout': [60, 'default', 'ingress-nginx default'],
      'connect-timeout': [5, 'default', 'ingress-nginx default'],
      'client-keepalive-timeout': [75, 'default', 'ingress-nginx default'],
      'upstream-keepalive-connections': [320, 'default', 'ingress-nginx default'],
      'retry-on': ['error timeout', 'default', 'ingress-nginx default'],
      'retry-tries': [3, 'default', 'ingress-nginx default'],
      'buffer-size': [4096, 'default', 'ingress-nginx default'],
      'body-limit': [1048576, 'default', 'ingress-nginx default'],
      'backend-protocol': ['HTTP', 'default', 'ingress-nginx default'],
      'external-traffic-policy': [
        'Local',
        'field',
        'Service ingress-nginx/ingress-nginx-controller spec.externalTrafficPolicy',
      ],
    });
    const hc = dp.settings['lb-health-check'];
    assert.equal(hc?.value.path, '/healthz');
    assert.equal(hc?.value.provider, 'aws-nlb');
    assert.equal(
      describeProvenance(hc?.from as Provenance),
      'annotation service.beta.kubernetes.io/aws-load-balancer-healthcheck-path on Service ingress-nginx/ingress-nginx-controller',
    );
  });

  it('every default is a data record with its source and version', () => {
    const d = dp.settings['send-timeout']?.from;
    assert.equal(d?.kind, 'default');
    if (d?.kind !== 'default') return;
    assert.equal(
      describeSource(d.default.source),
      'https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/#proxy-send-timeout',
    );
    assert.ok('version' in d.default, 'a version field (null: not recorded yet)');
    assert.deepEqual(d.default.setBy, [
      'annotation nginx.ingress.kubernetes.io/proxy-send-timeout',
      'controller ConfigMap key proxy-send-timeout',
    ]);
  });

  it('an Ingress annotation overrides the ConfigMap, and says so; unreadable text is kept, not used', () => {
    const { dp: reports } = model('ingress-nginx-chart.yaml', 'reports.example.com');
    assertSettings(reports, {
      'read-timeout': [
        120,
        'annotation',
        'annotation nginx.ingress.kubernetes.io/proxy-read-timeout on Ingress shop/reports',
      ],
      'backend-protocol': [
        'HTTPS',
        'annotation',
        'annotation nginx.ingress.kubernetes.io/backend-protocol on Ingress shop/reports',
      ],
      'body-limit': [1048576, 'default', 'ingress-nginx default'],
    });
    assert.deepEqual(
      reports.settings['read-timeout']?.overrides?.map((o) => [o.value, describeProvenance(o.from)]),
      [[5, 'ConfigMap ingress-nginx/ingress-nginx-controller key proxy-read-timeout']],
    );
    assert.deepEqual(
      reports.settings['body-limit']?.unreadable?.map((u) => u.raw),
      ['soon'],
    );
  });

  it('live: the pods themselves, their real names in the argument provenance', () => {
    const parsed = parseManifests(readFileSync(path.join(FIXTURES, 'ingress-nginx-chart.yaml'), 'utf8'), 'x');
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'ingress-nginx-controller-7c9f8-x2lqp',
        namespace: 'ingress-nginx',
        labels: {
          'app.kubernetes.io/name': 'ingress-nginx',
          'app.kubernetes.io/instance': 'ingress-nginx',
          'app.kubernetes.io/component': 'controller',
        },
      },
      spec: (parsed.objects[4] as { spec: { template: { spec: unknown } } }).spec.template.spec,
    };
    const graph = buildGraph(snapshotFromObjects([...parsed.objects, pod], undefined, { live: true }));
    const route = graph.resolve('shop.example.com', '/')?.route;
    assert.ok(route);
    const live = buildDataPlane(graph).route(route);
    assert.equal(live.config[0]?.via.kind, 'argument');
    assert.match(
      describeProvenance(live.config[0]?.via as Provenance),
      /in Pod ingress-nginx\/ingress-nginx-controller-7c9f8-x2lqp/,
    );
    assert.equal(live.settings['read-timeout']?.value, 5);
  });
});

describe('Envoy Gateway', () => {
  it('defaults apply where the HTTPRoute rule sets no timeouts (the family by its GatewayClass)', () => {
    const { dp } = model('envoy-gateway.yaml', 'www.example.com');
    assert.equal(dp.api, 'gateway');
    assert.equal(dp.family, 'envoy-gateway');
    assert.equal(
      dp.familyEvidence,
      'GatewayClass eg (controllerName gateway.envoyproxy.io/gatewayclass-controller)',
    );
    assert.deepEqual(
      dp.controllers.map((c) => c.service.metadata?.name),
      ['envoy-default-eg-e41e7b31'],
    );
    assertSettings(dp, {
      'read-timeout': [15, 'default', 'envoy-gateway default'],
      'buffer-size': [65536, 'default', 'envoy-gateway default'],
      'backend-protocol': ['HTTP', 'default', 'Gateway API default'],
      'external-traffic-policy': [
        'Cluster',
        'field',
        'Service envoy-gateway-system/envoy-default-eg-e41e7b31 spec.externalTrafficPolicy',
      ],
    });
    const d = dp.settings['read-timeout']?.from;
    assert.ok(d?.kind === 'default' && 'unsourced' in d.default.source, 'carried over, marked unsourced');
  });

  it('a rule with timeouts: backendRequest is what the proxy waits for, request the whole request', () => {
    const { dp } = model('envoy-gateway.yaml', 'www.example.com', '/reports/2026');
    assertSettings(dp, {
      'read-timeout': [10, 'field', 'HTTPRoute default/backend spec.rules[1].timeouts.backendRequest'],
      'route-timeout': [30, 'field', 'HTTPRoute default/backend spec.rules[1].timeouts.request'],
      'backend-request-timeout': [
        10,
        'field',
        'HTTPRoute default/backend spec.rules[1].timeouts.backendRequest',
      ],
    });
    assert.deepEqual(
      dp.settings['read-timeout']?.overrides?.map((o) => [o.value, describeProvenance(o.from)]),
      [[15, 'envoy-gateway default']],
    );
  });
});

describe('AWS Load Balancer Controller (ALB)', () => {
  const { dp } = model('aws-alb.yaml', 'api.example.com');

  it('annotations: idle timeout from load-balancer-attributes, backend protocol, health check', () => {
    assert.equal(dp.family, 'aws-alb');
    assert.equal(dp.familyEvidence, 'IngressClass alb (controller ingress.k8s.aws/alb)');
    assert.deepEqual(dp.controllers, [], 'the ALB is outside the cluster: no controller Service');
    const attrs = 'annotation alb.ingress.kubernetes.io/load-balancer-attributes on Ingress shop/api';
    assertSettings(dp, {
      'read-timeout': [120, 'annotation', attrs],
      'upstream-keepalive-timeout': [120, 'annotation', attrs],
      'client-keepalive-timeout': [120, 'annotation', attrs],
      'backend-protocol': [
        'HTTPS',
        'annotation',
        'annotation alb.ingress.kubernetes.io/backend-protocol on Ingress shop/api',
      ],
    });
  });

  it('the Service annotation of the health-check path overrides the Ingress one; the interval from the Ingress', () => {
    const hc = dp.settings['lb-health-check'];
    assert.ok(hc);
    assert.equal(hc.value.provider, 'aws-alb');
    assert.equal(hc.value.path, '/ready');
    assert.equal(hc.value.intervalS, 10);
    assert.equal(
      describeProvenance(hc.from),
      'annotation alb.ingress.kubernetes.io/healthcheck-path on Service shop/api',
    );
    assert.equal(
      describeProvenance(hc.value.parts?.interval as Provenance),
      'annotation alb.ingress.kubernetes.io/healthcheck-interval-seconds on Ingress shop/api',
    );
  });
});

describe('GKE Ingress with a BackendConfig', () => {
  const { dp } = model('gke-backendconfig.yaml', 'web.example.com');

  it('the backend service timeout and the health check come from the BackendConfig the Service names', () => {
    assert.equal(dp.family, 'gce');
    assert.equal(dp.familyEvidence, 'class name gce');
    assertSettings(dp, {
      'read-timeout': [45, 'field', 'BackendConfig shop/web-bc spec.timeoutSec'],
    });
    const hc = dp.settings['lb-health-check'];
    assert.ok(hc);
    assert.deepEqual(
      { path: hc.value.path, port: hc.value.port, protocol: hc.value.protocol, interval: hc.value.intervalS },
      { path: '/healthz', port: 8080, protocol: 'HTTP', interval: 15 },
    );
    assert.equal(describeProvenance(hc.from), 'BackendConfig shop/web-bc spec.healthCheck.requestPath');
    assert.deepEqual(
      dp.config.map((c) => [c.object.kind, c.object.name, describeProvenance(c.via)]),
      [['BackendConfig', 'web-bc', 'annotation cloud.google.com/backend-config on Service shop/web']],
    );
  });
});

describe('the JSON form', () => {
  it('carries the family, the controllers, the config objects and every setting with its provenance as data', () => {
    const { dp } = model('ingress-nginx-chart.yaml', 'shop.example.com');
    const j = JSON.parse(JSON.stringify(routeDataPlaneJson(dp)));
    assert.equal(j.family, 'ingress-nginx');
    assert.equal(j.backend, 'shop/web:80');
    assert.deepEqual(j.controllers, [
      { kind: 'Service', name: 'ingress-nginx-controller', namespace: 'ingress-nginx' },
    ]);
    assert.deepEqual(j.settings['read-timeout'].from, {
      kind: 'configmap',
      object: {
        kind: 'ConfigMap',
        name: 'ingress-nginx-controller',
        namespace: 'ingress-nginx',
        file: 'ingress-nginx-chart.yaml',
        line: 17,
      },
      key: 'proxy-read-timeout',
      raw: '5',
    });
  });
});
