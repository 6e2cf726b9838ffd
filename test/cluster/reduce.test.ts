import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { writeCluster } from '../../bench/synthetic.js';
import { checkErrors, checkInput, runChecks } from '../../src/checks/runner.js';
import { FileSource } from '../../src/cluster/files.js';
import { keptPath, LAST_APPLIED, reduceObject } from '../../src/cluster/reduce.js';
import type { ClusterSnapshot } from '../../src/cluster/types.js';
import { buildGraph } from '../../src/graph/build.js';
import { assertReadsKept, recordReads } from '../helpers/reduction.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures');
/** Every manifest fixture (the other fixtures are reports and recordings). */
const MANIFESTS = [
  'audit/broken.yaml',
  'audit/malformed.yaml',
  'audit/only-unknown.yaml',
  'audit/weird.yaml',
  'checks/broken.yaml',
  'checks/hardened.yaml',
  'graph/endpoints.json',
  'graph/gateway.yaml',
  'graph/shop.yaml',
  'report/audit-input.yaml',
  'lab-api/objects.json',
  'dataplane/ingress-nginx-chart.yaml',
  'dataplane/envoy-gateway.yaml',
  'dataplane/aws-alb.yaml',
  'dataplane/gke-backendconfig.yaml',
].map((f) => path.join(FIXTURES, f));

async function read(file: string, reduce: boolean, live: boolean): Promise<ClusterSnapshot> {
  const s = await new FileSource([file], { reduce }).read({ allNamespaces: false });
  s.live = live;
  return s;
}

/** Findings and warnings of a snapshot, as audit would give them. */
function audit(s: ClusterSnapshot) {
  const { findings, runs } = runChecks(checkInput(buildGraph(s)));
  return { findings, failures: checkErrors(runs), warnings: s.warnings };
}

describe('reduce: the typed subset audit keeps', () => {
  it('drops what the checks never read and keeps the rest as it is', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'a',
        uid: 'u',
        labels: { app: 'web' },
        annotations: { [LAST_APPLIED]: '{…}', keep: 'me' },
        managedFields: [{ manager: 'kubelet' }],
      },
      spec: {
        nodeName: 'n1',
        volumes: [{ name: 'v' }],
        containers: [{ name: 'c', image: 'i', resources: { limits: {} }, ports: [{ containerPort: 80 }] }],
      },
      status: {
        phase: 'Running',
        podIPs: [{ ip: '198.18.0.1' }],
        conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null }],
      },
    };
    assert.deepEqual(reduceObject(structuredClone(pod)), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'a', labels: { app: 'web' }, annotations: { keep: 'me' } },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
  });

  it('returns the object itself when it holds nothing to drop, and leaves unknown kinds and odd values alone', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { ports: [{ port: 80 }] },
    };
    assert.equal(reduceObject(svc), svc);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', managedFields: [] }, data: {} };
    assert.equal(reduceObject(secret), secret);
    assert.deepEqual(secret.metadata.managedFields, []);
    // A list where a mapping belongs (and the reverse) reaches the checks as written: they report it.
    const odd = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: { name: 'c' } },
      status: 'x',
    };
    assert.deepEqual(reduceObject(structuredClone(odd)), odd);
  });

  it('says which paths stay readable', () => {
    assert.equal(keptPath('Pod', ['spec', 'containers', '[]', 'ports']), true);
    assert.equal(keptPath('Pod', ['spec', 'volumes']), false);
    assert.equal(keptPath('Pod', ['metadata', 'managedFields']), false);
    assert.equal(keptPath('Pod', ['metadata', 'annotations', '*']), true);
    assert.equal(keptPath('Pod', ['metadata', 'annotations', LAST_APPLIED]), false);
    assert.equal(keptPath('Pod', ['spec', '*']), false, 'enumerating a reduced mapping would miss members');
    assert.equal(keptPath('Service', ['spec', 'anything', 'below']), true);
    assert.equal(keptPath('Deployment', ['status']), false);
  });
});

describe('reduce: every fixture gives the same findings reduced, and the checks read only what is kept', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reduce-'));
  const synthetic = [
    path.join(dir, 'served.json'),
    path.join(dir, 'served.yaml'),
    path.join(dir, 'plain.json'),
  ];
  const ready = (async () => {
    // As an API server returns objects (managedFields, status…), pretty JSON so members are cut unread too.
    await writeCluster(synthetic[0], 0.01, 'json', { served: true });
    await writeCluster(synthetic[1], 0.01, 'yaml-list', { served: true });
    await writeCluster(synthetic[2], 0.01, 'json');
  })();

  for (const live of [false, true]) {
    for (const file of [...MANIFESTS, ...synthetic]) {
      it(`${path.basename(file)}${live ? ' (as if live)' : ''}`, async (t) => {
        await ready;
        if (file === synthetic[2] && live) t.after(() => rmSync(dir, { recursive: true, force: true }));
        const whole = await read(file, false, live);
        const reduced = await read(file, true, live);
        assert.deepEqual(audit(reduced), audit(whole));
        const { snapshot, reads } = recordReads(await read(file, false, live));
        runChecks(checkInput(buildGraph(snapshot)));
        assertReadsKept(reads, `${path.basename(file)}: `);
      });
    }
  }

  it('the served cluster gives the findings of the plain one (served fields change no finding)', async () => {
    await ready;
    const strip = (s: ClusterSnapshot) =>
      audit(s).findings.map((f) => ({ ...f, object: { ...f.object, file: undefined, line: undefined } }));
    assert.deepEqual(
      strip(await read(synthetic[0], true, false)),
      strip(await read(synthetic[2], true, false)),
    );
  });
});
