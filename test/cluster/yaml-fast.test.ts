import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { syntheticCluster } from '../../bench/synthetic.js';
import { parseManifests, snapshotFromObjects } from '../../src/cluster/parse.js';
import { fastYamlDocument } from '../../src/cluster/yaml-fast.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(name) ? [full] : [];
  });
}

/** Objects, warnings and every object's line, through both paths. */
function both(text: string, file = 'x.yaml') {
  const run = (fastYaml: boolean) => {
    const p = parseManifests(text, file, { fastYaml });
    const s = snapshotFromObjects(p.objects, p.origins);
    const all = [
      ...s.services,
      ...s.pods,
      ...s.workloads,
      ...s.ingresses,
      ...s.configMaps,
      ...s.networkPolicies,
      ...s.httpRoutes,
    ];
    return {
      objects: p.objects,
      warnings: [...p.warnings, ...s.warnings],
      lines: all.map((o) => `${o.kind}/${o.metadata?.name}@${s.origins.get(o)?.line}`),
    };
  };
  return { fast: run(true), full: run(false) };
}

const LIST = [
  '# kubectl get svc,deploy -o yaml',
  'apiVersion: v1',
  'items:',
  '- apiVersion: v1',
  '  kind: Service',
  '  metadata:',
  '    name: web',
  '    annotations:',
  '      note: |',
  '        - not an item',
  '        items:',
  '  spec:',
  '    ports:',
  '    - port: 80',
  '',
  '- apiVersion: apps/v1',
  '  kind: Deployment',
  '  metadata: {name: api, labels: {on: yes, n: "1"}}',
  '  spec:',
  '    replicas: 0x10',
  'kind: List',
  'metadata:',
  '  resourceVersion: ""',
  '',
].join('\n');

describe('YAML fast path (js-yaml) against the yaml library', () => {
  it('gives the same objects, warnings and lines for every YAML fixture', () => {
    const files = yamlFiles(FIXTURES);
    assert.ok(files.length >= 10, `fixtures found: ${files.length}`);
    for (const file of files) {
      const { fast, full } = both(readFileSync(file, 'utf8'), path.basename(file));
      assert.deepEqual(fast.objects, full.objects, file);
      assert.deepEqual(fast.warnings, full.warnings, file);
      assert.deepEqual(fast.lines, full.lines, file);
    }
  });

  it('gives the same on kubectl-style Lists (block scalars, flow maps, CRLF) and multi-document files', () => {
    const synthetic = [...syntheticCluster(0.01)].map((o) => stringify(o)).join('---\n');
    for (const text of [LIST, LIST.replace(/\n/g, '\r\n'), synthetic, `---\n# c\n${LIST}---\n---\n`]) {
      const { fast, full } = both(text);
      assert.deepEqual(fast.objects, full.objects);
      assert.deepEqual(fast.warnings, full.warnings);
      assert.deepEqual(fast.lines, full.lines);
    }
    assert.deepEqual(both(LIST).fast.lines, ['Service/web@4', 'Deployment/api@16']);
  });

  it('leaves anchors, aliases, tags, merge keys, directives and errors to the yaml library', () => {
    for (const text of [
      'a: &x 1\nb: *x\n',
      'base: &b {k: v}\nm:\n  <<: *b\n',
      'v: !!str 1\n',
      '%YAML 1.2\n---\na: 1\n',
      '--- a: 1\n',
      'a: 1\na: 2\n',
      'a: [1\n',
      'items:\n-\n  kind: Service\n',
      '? [a, b]\n: c\n',
      'm:\n  ? k\n  : v\n',
    ]) {
      assert.equal(fastYamlDocument(text), undefined, JSON.stringify(text));
    }
    assert.equal(fastYamlDocument('# nothing\n'), 'empty');
    assert.deepEqual(fastYamlDocument('---\n# c\nkind: Service\n'), { value: { kind: 'Service' }, line: 3 });
  });
});
