import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { RESOURCES } from '../../../src/lab/api/resources.js';
import { ObjectStore } from '../../../src/lab/api/store.js';
import { toTable } from '../../../src/lab/api/tables.js';
import { FIXTURES } from './harness.js';

interface Table {
  columnDefinitions: { name: string; priority: number }[];
  rows: { cells: unknown[]; object?: { kind: string; metadata: { name: string } } }[];
}

// The first row of `kubectl get <kind>` for each kind in the fixture, as columns → cells.
const expected: Record<string, Record<string, unknown>> = {
  pods: {
    Name: 'controller-1',
    Ready: '1/1',
    Status: 'Running',
    Restarts: '0',
    IP: '198.18.16.20',
    Node: 'node-1',
  },
  services: {
    Name: 'ingress-nginx-controller',
    Type: 'NodePort',
    'Cluster-IP': '198.18.128.30',
    'External-IP': '<none>',
    'Port(s)': '80:30080/TCP',
    Selector: 'app.kubernetes.io/name=ingress-nginx',
  },
  endpoints: { Name: 'web', Endpoints: '198.18.16.10:8080,198.18.17.10:8080' },
  endpointslices: {
    Name: 'web-abc12',
    AddressType: 'IPv4',
    Ports: '8080',
    Endpoints: '198.18.16.10,198.18.17.10',
  },
  nodes: {
    Name: 'node-1',
    Status: 'Ready',
    Roles: 'worker',
    Version: 'v1.32.4',
    'Internal-IP': '198.18.0.11',
  },
  namespaces: { Name: 'default', Status: 'Active' },
  configmaps: { Name: 'ingress-nginx-controller', Data: 2 },
  ingresses: { Name: 'web', Class: 'nginx', Hosts: 'app.example.test', Address: '198.19.0.1', Ports: '80' },
  ingressclasses: { Name: 'nginx', Controller: 'k8s.io/ingress-nginx', Parameters: '<none>' },
  networkpolicies: { Name: 'allow-ingress', 'Pod-Selector': 'app=web' },
  deployments: {
    Name: 'web',
    Ready: '2/2',
    'Up-to-date': 2,
    Available: 2,
    Images: 'lab/web:1',
    Selector: 'app=web',
  },
  poddisruptionbudgets: {
    Name: 'web',
    'Min Available': '1',
    'Max Unavailable': 'N/A',
    'Allowed Disruptions': 1,
  },
  gateways: { Name: 'public', Class: 'lab', Programmed: 'Unknown' },
  gatewayclasses: { Name: 'lab', Controller: 'example.test/gateway' },
  httproutes: { Name: 'api', Hostnames: 'api.example.test' },
  backendconfigs: { Name: 'web' },
  leases: { Name: 'node-1', Holder: 'node-1' },
};

describe('server-side printing', () => {
  let store: ObjectStore;
  before(async () => {
    ({ store } = await ObjectStore.fromFiles([path.join(FIXTURES, 'objects.json')]));
  });

  for (const [resource, cells] of Object.entries(expected)) {
    it(`prints ${resource}`, () => {
      const info = RESOURCES.find((r) => r.resource === resource)!;
      const table = toTable(info, store.list(info), { resourceVersion: '1' }) as unknown as Table;
      const names = table.columnDefinitions.map((c) => c.name);
      assert.equal(names[0], 'Name');
      assert.ok(names.includes('Age'), `${resource} has an Age column`);
      const row = table.rows[0]!;
      const got = Object.fromEntries(Object.keys(cells).map((k) => [k, row.cells[names.indexOf(k)]]));
      assert.deepEqual(got, cells);
      assert.equal(row.object?.kind, 'PartialObjectMetadata');
      assert.equal(row.object?.metadata.name, cells.Name);
    });
  }

  it('shows Terminating for a pod being deleted and the real status of a failed one', () => {
    const info = RESOURCES.find((r) => r.resource === 'pods')!;
    const base = store.get(info, 'shop', 'web-1')!;
    const deleting = { ...base, metadata: { ...base.metadata, deletionTimestamp: new Date() } };
    const failed = { ...base, status: { phase: 'Failed', reason: 'LabRuntimeError' } };
    const table = toTable(info, [deleting, failed], { resourceVersion: '1' }, 'None') as unknown as Table;
    assert.deepEqual(
      table.rows.map((r) => r.cells.slice(1, 3)),
      [
        ['1/1', 'Terminating'],
        ['0/1', 'LabRuntimeError'],
      ],
    );
    assert.equal(table.rows[0]!.object, undefined);
  });
});
