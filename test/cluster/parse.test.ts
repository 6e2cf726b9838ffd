import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addObject,
  parseManifestBytes,
  parseManifests,
  snapshotFromObjects,
} from '../../src/cluster/parse.js';
import { emptySnapshot } from '../../src/cluster/types.js';

function snapshotOf(text: string, file: string) {
  const p = parseManifests(text, file);
  const s = snapshotFromObjects(p.objects, p.origins);
  return { parsed: p, snapshot: s, warnings: [...p.warnings, ...s.warnings] };
}

describe('parseManifests: YAML', () => {
  it('reads multi-document YAML and remembers each object’s first line', () => {
    const text = [
      '# comment before the first document',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: web',
      '---',
      '---',
      '# an empty document above, comments here',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web, namespace: shop}',
      'spec: {}',
      '...',
      '--- # a comment on the marker line',
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: p',
    ].join('\n');
    const { snapshot, warnings } = snapshotOf(text, 'app.yaml');
    assert.deepEqual(warnings, []);
    assert.equal(snapshot.services.length, 1);
    assert.deepEqual(snapshot.origins.get(snapshot.services[0]), { file: 'app.yaml', line: 3 });
    assert.equal(snapshot.workloads[0].kind, 'Deployment');
    assert.deepEqual(snapshot.origins.get(snapshot.workloads[0]), { file: 'app.yaml', line: 10 });
    assert.deepEqual(snapshot.origins.get(snapshot.pods[0]), { file: 'app.yaml', line: 16 });
  });

  it('unwraps kind: List and gives each item its own line', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: v1',
      '  kind: Service',
      '  metadata:',
      '    name: a',
      '- apiVersion: v1',
      '  kind: Service',
      '  metadata:',
      '    name: b',
    ].join('\n');
    const { snapshot, warnings } = snapshotOf(text, 'list.yaml');
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      snapshot.services.map((s) => [s.metadata?.name, snapshot.origins.get(s)?.line]),
      [
        ['a', 4],
        ['b', 8],
      ],
    );
  });

  it('supports merge keys (<<) as kubectl does', () => {
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: web',
      '  labels: &l {app: web}',
      'spec:',
      '  selector:',
      '    <<: *l',
      '    tier: front',
    ].join('\n');
    const { snapshot, warnings } = snapshotOf(text, 'm.yaml');
    assert.deepEqual(warnings, []);
    assert.deepEqual(snapshot.services[0].spec?.selector, { app: 'web', tier: 'front' });
  });

  it('reports malformed YAML with file, line and parser message, and still reads the other documents', () => {
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: ok',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: [unclosed',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: also-ok}',
    ].join('\n');
    const { snapshot, parsed } = snapshotOf(text, 'bad.yaml');
    assert.equal(parsed.warnings.length, 1);
    const w = parsed.warnings[0];
    assert.equal(w.code, 'parse-error');
    assert.equal(w.file, 'bad.yaml');
    assert.ok(w.line !== undefined && w.line >= 9 && w.line <= 10, `line ${w.line}`);
    assert.match(w.message, /^bad\.yaml:\d+: invalid YAML: /);
    assert.equal(snapshot.services.length, 1);
    assert.equal(snapshot.configMaps.length, 1);
  });

  it('reports a tab-indented document at its line', () => {
    const p = parseManifests('apiVersion: v1\nkind: Service\nmetadata:\n\tname: x\n', 'tab.yaml');
    assert.equal(p.warnings.length, 1);
    assert.equal(p.warnings[0].line, 4);
  });

  it('rejects a YAML alias bomb quickly instead of expanding it', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) {
      lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    }
    const started = Date.now();
    const p = parseManifests(lines.join('\n'), 'bomb.yaml');
    assert.ok(Date.now() - started < 10_000, 'took too long');
    assert.equal(p.objects.length, 0);
    assert.equal(p.warnings.length, 1);
    assert.equal(p.warnings[0].code, 'parse-error');
    assert.match(p.warnings[0].message, /alias/i);
  });

  it('does not crash on deeply nested input', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    for (const file of ['deep.yaml', 'deep.json']) {
      const p = parseManifests(deep, file);
      const s = snapshotFromObjects(p.objects, p.origins);
      // Either a parse error or a non-object document: never an exception.
      assert.ok(p.warnings.length + s.warnings.length >= 1, file);
    }
  });

  it('reads a 100 MB document without hanging', () => {
    const big = 'x'.repeat(100 * 1024 * 1024);
    const started = Date.now();
    const p = parseManifests(
      `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"${big}"}}`,
      'big.json',
    );
    assert.deepEqual(p.warnings, []);
    const s = snapshotFromObjects(p.objects, p.origins);
    assert.equal(s.configMaps[0].data?.k.length, big.length);
    const y = parseManifests(`# ${big}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n`, 'big.yaml');
    assert.deepEqual(y.warnings, []);
    assert.equal(snapshotFromObjects(y.objects, y.origins).configMaps.length, 1);
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
  });
});

describe('parseManifests: JSON', () => {
  const list = JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '' },
      items: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'a', namespace: 'x', labels: { 'a{': 'b"}' } },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'b', namespace: 'x' },
          spec: { ports: [{ port: 80 }] },
        },
      ],
    },
    null,
    4,
  );

  it('reads `kubectl get -o json` List output with a line per item', () => {
    const { snapshot, warnings } = snapshotOf(list, 'dump.json');
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      snapshot.services.map((s) => [s.metadata?.name, snapshot.origins.get(s)?.line]),
      [
        ['a', 8],
        ['b', 19],
      ],
    );
  });

  it('finds item lines of pretty-printed Lists at any indent, with CRLF, whatever the strings contain', () => {
    const value = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'a', annotations: { x: '{\n        {\n    {' } },
        },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' }, spec: { ports: [{ port: 1 }] } },
      ],
    };
    for (const indent of [2, 3, 4, 8]) {
      for (const eol of ['\n', '\r\n']) {
        const text = JSON.stringify(value, null, indent).replace(/\n/g, eol);
        const { snapshot, warnings } = snapshotOf(text, 'p.json');
        assert.deepEqual(warnings, []);
        const lines = text.split(eol);
        for (const svc of snapshot.services) {
          const line = snapshot.origins.get(svc)?.line ?? 0;
          assert.equal(lines[line - 1].trim(), '{', `indent ${indent}: ${svc.metadata?.name} at ${line}`);
          assert.match(lines[line], /"apiVersion"/);
        }
        assert.deepEqual(
          snapshot.services.map((x) => snapshot.origins.get(x)?.line),
          [5, 15],
        );
      }
    }
  });

  it('reads JSON from text without a .json name (stdin) and several concatenated values', () => {
    const text = `${JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } })}\n\n${JSON.stringify(
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' } },
    )}\n`;
    const { snapshot, warnings } = snapshotOf(text, '<stdin>');
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      snapshot.services.map((s) => [s.metadata?.name, snapshot.origins.get(s)?.line]),
      [
        ['a', 1],
        ['b', 3],
      ],
    );
  });

  it('types the items of a typed list (PodList items carry no kind)', () => {
    const text = JSON.stringify({
      apiVersion: 'v1',
      kind: 'PodList',
      items: [{ metadata: { name: 'p1', namespace: 'a' } }, { metadata: { name: 'p2', namespace: 'a' } }],
    });
    const { snapshot, warnings } = snapshotOf(text, 'pods.json');
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      snapshot.pods.map((p) => [p.kind, p.apiVersion, p.metadata?.name]),
      [
        ['Pod', 'v1', 'p1'],
        ['Pod', 'v1', 'p2'],
      ],
    );
  });

  it('reports malformed JSON with the line of the error', () => {
    const text = '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "x",}\n}\n';
    const p = parseManifests(text, 'bad.json');
    assert.equal(p.objects.length, 0);
    assert.equal(p.warnings.length, 1);
    assert.equal(p.warnings[0].code, 'parse-error');
    assert.equal(p.warnings[0].line, 4);
    assert.match(p.warnings[0].message, /^bad\.json:4: invalid JSON: /);
  });

  it('lets YAML read a flow mapping that is not JSON when the file is not .json', () => {
    const p = parseManifests('{apiVersion: v1, kind: Service, metadata: {name: flow}}\n', 'flow.yaml');
    assert.deepEqual(p.warnings, []);
    assert.equal(snapshotFromObjects(p.objects, p.origins).services[0].metadata?.name, 'flow');
  });
});

describe('parseManifestBytes: pretty-printed Lists item by item', () => {
  // kubectl prints keys sorted: apiVersion, items, kind, metadata.
  const dump = {
    apiVersion: 'v1',
    items: [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'ä-ö', annotations: { note: 'grüße {\n    ]' } },
      },
      { metadata: { name: 'typed' } },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'c' },
        spec: { ports: [{ port: 1 }, { port: 2 }] },
      },
    ],
    kind: 'ServiceList',
    metadata: { resourceVersion: '' },
  };

  it('gives the same objects and lines as parsing the whole text, at any indent, LF or CRLF', () => {
    for (const indent of [2, 4, 8]) {
      for (const eol of ['\n', '\r\n']) {
        const text = JSON.stringify(dump, null, indent).replace(/\n/g, eol);
        const fromBytes = parseManifestBytes(Buffer.from(text), 'd.json');
        const fromText = parseManifests(text, 'd.json');
        assert.deepEqual(fromBytes.warnings, []);
        assert.deepEqual(fromBytes.objects, fromText.objects);
        const s = snapshotFromObjects(fromBytes.objects, fromBytes.origins);
        assert.deepEqual(
          s.services.map((x) => [x.metadata?.name, s.origins.get(x)?.line]),
          [
            ['ä-ö', 4],
            ['typed', 14],
            ['c', 19],
          ],
          `indent ${indent}`,
        );
        assert.equal(s.services[1].kind, 'Service');
      }
    }
  });

  it('falls back to the general path for anything else, errors included', () => {
    const cases: [string, string][] = [
      ['empty list', JSON.stringify({ apiVersion: 'v1', items: [], kind: 'List' }, null, 4)],
      ['compact', JSON.stringify(dump)],
      ['strings as items', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: ['a', 'b'] }, null, 4)],
      ['trailing garbage', `${JSON.stringify(dump, null, 4)}\nnope`],
      ['broken item', JSON.stringify(dump, null, 4).replace('"typed"', '"typed",')],
    ];
    for (const [name, text] of cases) {
      const fromBytes = parseManifestBytes(Buffer.from(text), 'x.json');
      const fromText = parseManifests(text, 'x.json');
      assert.deepEqual(fromBytes.objects, fromText.objects, name);
      assert.deepEqual(fromBytes.warnings, fromText.warnings, name);
    }
    const broken = parseManifestBytes(Buffer.from(cases[4][1]), 'x.json');
    assert.equal(broken.warnings[0].code, 'parse-error');
    assert.equal(broken.warnings[0].line, 17); // the line after the stray comma
  });

  it('still refuses binary and non-UTF-8 bytes', () => {
    assert.equal(parseManifestBytes(Buffer.from([0x7b, 0, 0x7d]), 'b.json').warnings[0].code, 'binary-file');
    assert.equal(
      parseManifestBytes(Buffer.from([0x7b, 0xff, 0x7d]), 'b.json').warnings[0].code,
      'invalid-encoding',
    );
  });
});

describe('parseManifestBytes: encodings', () => {
  it('refuses binary files (NUL bytes) and invalid UTF-8', () => {
    const bin = parseManifestBytes(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), 'a.out');
    assert.equal(bin.warnings[0]?.code, 'binary-file');
    assert.match(bin.warnings[0]?.message ?? '', /^a\.out: binary data/);
    const latin1 = parseManifestBytes(Uint8Array.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0xe9, 0xff]), 'l.yaml');
    assert.equal(latin1.warnings[0]?.code, 'invalid-encoding');
  });

  it('decodes UTF-8 (with or without BOM) and UTF-16 with a BOM', () => {
    assert.deepEqual(parseManifestBytes(Buffer.from('kind: Service'), 'a').objects, [{ kind: 'Service' }]);
    assert.deepEqual(parseManifestBytes(Buffer.from('\ufeffkind: Service'), 'a.yaml').objects, [
      { kind: 'Service' },
    ]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('kind: Service', 'utf16le')]);
    assert.deepEqual(parseManifestBytes(utf16, 'w.yaml').objects, [{ kind: 'Service' }]);
    const be = Buffer.from('kind: Service', 'utf16le').swap16();
    assert.deepEqual(parseManifestBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'w.yaml').objects, [
      { kind: 'Service' },
    ]);
  });
});

describe('addObject: sorting into a snapshot', () => {
  it('warns about objects without kind, apiVersion or metadata.name, and documents that are not objects', () => {
    const s = emptySnapshot(false);
    const origin = { file: 'x.yaml', line: 7 };
    addObject(s, { apiVersion: 'v1', metadata: { name: 'a' } }, origin);
    addObject(s, { kind: 'Service', metadata: { name: 'a' } }, origin);
    addObject(s, { apiVersion: 'v1', kind: 'Service', metadata: {} }, origin);
    addObject(s, { apiVersion: 'v1', kind: 'Service' }, origin);
    addObject(s, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: 'oops' }, origin);
    addObject(s, 'just a string', origin);
    addObject(s, [1, 2], origin);
    assert.equal(s.services.length, 0);
    assert.equal(s.warnings.length, 7);
    for (const w of s.warnings) {
      assert.equal(w.code, 'invalid-object');
      assert.equal(w.line, 7);
      assert.match(w.message, /^x\.yaml:7: /);
    }
    assert.match(s.warnings[0].message, /no "kind"/);
    assert.match(s.warnings[2].message, /no metadata\.name/);
  });

  it('counts unknown kinds and treats a known kind in a foreign API group as unknown (one warning)', () => {
    const s = snapshotFromObjects([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b' } },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c' } },
      { apiVersion: 'example.com/v1', kind: 'Service', metadata: { name: 'd' } },
      { apiVersion: 'example.com/v1', kind: 'Service', metadata: { name: 'e' } },
    ]);
    assert.deepEqual(s.unknownKinds, { Secret: 2, Certificate: 1, 'Service (example.com/v1)': 2 });
    assert.equal(s.services.length, 0);
    assert.equal(s.warnings.length, 1);
    assert.equal(s.warnings[0].code, 'unknown-api-version');
  });

  it('accepts other versions of a known group (Gateway API v1beta1) as the same kind', () => {
    const s = snapshotFromObjects([
      {
        apiVersion: 'gateway.networking.k8s.io/v1beta1',
        kind: 'HTTPRoute',
        metadata: { name: 'r' },
        spec: {},
      },
    ]);
    assert.equal(s.httpRoutes.length, 1);
    assert.deepEqual(s.warnings, []);
  });

  it('reads removed extensions/v1beta1 Ingresses as networking.k8s.io/v1', () => {
    const s = snapshotFromObjects([
      {
        apiVersion: 'extensions/v1beta1',
        kind: 'Ingress',
        metadata: { name: 'old' },
        spec: {
          backend: { serviceName: 'default', servicePort: 80 },
          rules: [
            {
              host: 'a.test',
              http: { paths: [{ path: '/', backend: { serviceName: 'web', servicePort: 'http' } }] },
            },
          ],
        },
      },
    ]);
    const ing = s.ingresses[0];
    assert.equal(ing.apiVersion, 'networking.k8s.io/v1');
    assert.deepEqual(ing.spec?.defaultBackend, { service: { name: 'default', port: { number: 80 } } });
    assert.deepEqual(ing.spec?.rules?.[0].http?.paths[0], {
      path: '/',
      pathType: 'ImplementationSpecific',
      backend: { service: { name: 'web', port: { name: 'http' } } },
    });
    assert.equal(s.warnings[0].code, 'deprecated-api-version');
  });

  it('fills the namespace of namespaced objects, drops it from cluster-scoped ones, stringifies label values', () => {
    const s = snapshotFromObjects(
      [
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', labels: { on: true, n: 1 } } },
        { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'c', namespace: 'x' } },
      ],
      undefined,
      { defaultNamespace: 'shop' },
    );
    assert.equal(s.services[0].metadata?.namespace, 'shop');
    assert.deepEqual(s.services[0].metadata?.labels, { on: 'true', n: '1' });
    assert.equal(s.ingressClasses[0].metadata?.namespace, undefined);
    assert.equal(
      snapshotFromObjects([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }]).pods[0].metadata
        ?.namespace,
      'default',
    );
  });

  it('sorts every kind it reads into its list', () => {
    const kinds: [string, string][] = [
      ['v1', 'Namespace'],
      ['v1', 'Node'],
      ['v1', 'Pod'],
      ['v1', 'Service'],
      ['v1', 'Endpoints'],
      ['v1', 'ConfigMap'],
      ['apps/v1', 'Deployment'],
      ['apps/v1', 'StatefulSet'],
      ['apps/v1', 'DaemonSet'],
      ['apps/v1', 'ReplicaSet'],
      ['discovery.k8s.io/v1', 'EndpointSlice'],
      ['networking.k8s.io/v1', 'Ingress'],
      ['networking.k8s.io/v1', 'IngressClass'],
      ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['cloud.google.com/v1', 'BackendConfig'],
      ['gateway.networking.k8s.io/v1', 'Gateway'],
      ['gateway.networking.k8s.io/v1', 'GatewayClass'],
      ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
      ['gateway.networking.k8s.io/v1', 'GRPCRoute'],
      ['gateway.networking.k8s.io/v1alpha3', 'BackendTLSPolicy'],
    ];
    const s = snapshotFromObjects(
      kinds.map(([apiVersion, kind]) => ({ apiVersion, kind, metadata: { name: 'x' } })),
    );
    assert.deepEqual(s.warnings, []);
    assert.deepEqual(s.unknownKinds, {});
    const sizes = [
      s.namespaces,
      s.nodes,
      s.pods,
      s.services,
      s.endpoints,
      s.configMaps,
      s.endpointSlices,
      s.ingresses,
      s.ingressClasses,
      s.networkPolicies,
      s.podDisruptionBudgets,
      s.backendConfigs,
      s.gateways,
      s.gatewayClasses,
      s.httpRoutes,
      s.grpcRoutes,
      s.backendTLSPolicies,
    ].map((l) => l.length);
    assert.deepEqual(sizes, Array(17).fill(1));
    assert.deepEqual(
      s.workloads.map((w) => w.kind),
      ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
    );
  });
});
