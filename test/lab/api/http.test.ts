import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { type Lab, startTestLab } from './harness.js';

interface Reply {
  status: number;
  contentType: string;
  text: string;
  json: () => Record<string, unknown>;
}

// Raw HTTP against the lab API: the parts of the protocol kubectl and client-node do not show directly.
describe('lab API over HTTP', () => {
  let lab: Lab;
  let ca: Buffer;
  before(async () => {
    lab = await startTestLab();
    ca = await readFile(lab.files.caPath);
  });
  after(async () => {
    await lab?.close();
  });

  function call(
    method: string,
    path: string,
    opts: { accept?: string; body?: unknown; token?: string | null } = {},
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json' };
      const token = opts.token === undefined ? lab.files.token : opts.token;
      if (token !== null) headers.Authorization = `Bearer ${token}`;
      const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
      if (payload) headers['Content-Type'] = 'application/json';
      const req = httpsRequest(`${lab.url}${path}`, { method, headers, ca }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type']),
            text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          }),
        );
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  it('answers 401 with a Status without the bearer token, but serves /version', async () => {
    for (const token of [null, 'wrong']) {
      const r = await call('GET', '/api/v1/pods', { token });
      assert.equal(r.status, 401);
      assert.deepEqual([r.json().kind, r.json().reason, r.json().code], ['Status', 'Unauthorized', 401]);
    }
    const v = await call('GET', '/version', { token: null });
    assert.equal(v.status, 200);
    assert.equal(v.json().minor, '32');
  });

  it('serves aggregated discovery when asked, legacy otherwise', async () => {
    const agg = await call('GET', '/apis', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    assert.equal(agg.contentType, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const groups = (agg.json().items as { metadata: { name: string } }[]).map((g) => g.metadata.name);
    assert.deepEqual(groups, [
      'discovery.k8s.io',
      'networking.k8s.io',
      'apps',
      'policy',
      'gateway.networking.k8s.io',
      'cloud.google.com',
      'coordination.k8s.io',
    ]);
    const legacy = await call('GET', '/apis');
    assert.equal(legacy.json().kind, 'APIGroupList');
    const core = await call('GET', '/api/v1');
    const pods = (core.json().resources as { name: string; verbs: string[] }[]).find(
      (r) => r.name === 'pods',
    );
    assert.deepEqual(pods?.verbs, [
      'create',
      'delete',
      'deletecollection',
      'get',
      'list',
      'patch',
      'update',
      'watch',
    ]);
    const unknown = await call('GET', '/apis/example.test/v1');
    assert.equal(unknown.status, 404);
  });

  it('returns a Table for one object and for lists', async () => {
    const r = await call('GET', '/api/v1/namespaces/shop/pods/web-1', {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    const table = r.json() as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    assert.equal(table.kind, 'Table');
    assert.deepEqual(table.columnDefinitions.map((c) => c.name).slice(0, 5), [
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    assert.deepEqual(table.rows[0]!.cells.slice(0, 4), ['web-1', '1/1', 'Running', '0']);
  });

  it('answers invalid writes with 422 and field causes, unknown verbs with 405, bad selectors with 400', async () => {
    const post = await call('POST', '/api/v1/namespaces/shop/services', { body: { kind: 'Service' } });
    assert.deepEqual([post.status, post.json().reason], [422, 'Invalid']);
    assert.deepEqual(
      (post.json().details as { causes: { field: string }[] }).causes.map((c) => c.field),
      ['metadata.name', 'spec.ports'],
    );
    const put = await call('PUT', '/api/v1/namespaces/shop/pods/web-1', {
      body: { metadata: { name: 'other' } },
    });
    assert.deepEqual([put.status, put.json().reason], [400, 'BadRequest']);
    const patchList = await call('PATCH', '/api/v1/namespaces/shop/pods', { body: {} });
    assert.equal(patchList.status, 405);
    const field = await call('GET', '/api/v1/pods?fieldSelector=spec.hostname%3Dx');
    assert.deepEqual([field.status, field.json().message], [400, 'field label not supported: spec.hostname']);
    const label = await call('GET', '/api/v1/pods?labelSelector=app%20in%20()');
    assert.equal(label.status, 400);
    const ns = await call('GET', '/api/v1/pods?fieldSelector=metadata.namespace!%3Dshop');
    assert.deepEqual(
      (ns.json().items as { metadata: { name: string } }[]).map((p) => p.metadata.name),
      ['controller-1'],
    );
  });

  it('answers malformed requests with 400, not a crash', async () => {
    const path = await call('GET', '/api/v1/namespaces/%zz/pods');
    assert.deepEqual([path.status, path.json().reason], [400, 'BadRequest']);
    const token = await call('GET', '/api/v1/pods?limit=1&continue=not-a-token');
    assert.deepEqual([token.status, token.json().reason], [400, 'BadRequest']);
    const body = await call('POST', '/api/v1/namespaces/default/pods', { body: 'not an object' });
    assert.deepEqual([body.status, body.json().reason], [400, 'BadRequest']);
    const kind = await call('POST', '/api/v1/namespaces/default/pods', {
      body: { kind: 'Service', metadata: { name: 'x' } },
    });
    assert.equal(kind.status, 400);
    const after = await call('GET', '/api/v1/namespaces/shop/pods/web-1');
    assert.equal(after.status, 200);
  });

  it('counts requests on /debug/request-count without counting itself', async () => {
    const a = (await call('GET', '/debug/request-count')).json().requestCount as number;
    await call('GET', '/api/v1/nodes');
    await call('GET', '/api/v1/nodes/node-1');
    const b = (await call('GET', '/debug/request-count')).json().requestCount as number;
    assert.equal(b - a, 2);
    assert.equal(lab.api.requestCount, b);
    const denied = await call('GET', '/debug/request-count', { token: null });
    assert.equal(denied.status, 401);
  });

  it('ends a watch after timeoutSeconds', async () => {
    const started = Date.now();
    const r = await call(
      'GET',
      '/api/v1/namespaces/shop/pods?watch=1&labelSelector=app%3Dweb&timeoutSeconds=1',
    );
    const elapsed = Date.now() - started;
    const events = r.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED web-1', 'ADDED web-2'],
    );
    assert.ok(elapsed >= 900 && elapsed < 5000, `watch lasted ${elapsed} ms`);
  });

  it('watches one object by name, also in the old /watch/ path form', async () => {
    for (const path of [
      '/api/v1/namespaces/shop/pods/web-2?watch=true&timeoutSeconds=1',
      '/api/v1/watch/namespaces/shop/pods/web-2?timeoutSeconds=1',
    ]) {
      const r = await call('GET', path);
      const events = r.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
      assert.deepEqual(
        events.map((e) => `${e.type} ${e.object.metadata.name}`),
        ['ADDED web-2'],
      );
    }
  });

  it('replays changes after a resourceVersion and reports expired ones', async () => {
    const list = await call('GET', '/api/v1/namespaces/default/pods');
    const rv = (list.json().metadata as { resourceVersion: string }).resourceVersion;
    const pod = { metadata: { name: 'rv-probe' }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    assert.equal((await call('POST', '/api/v1/namespaces/default/pods', { body: pod })).status, 201);
    await waitForPhase('rv-probe', 'Running');
    // Graceful: 202 with deletionTimestamp set; the kubelet stops the pod and removes it.
    assert.equal((await call('DELETE', '/api/v1/namespaces/default/pods/rv-probe')).status, 202);
    for (
      let i = 0;
      i < 100 && (await call('GET', '/api/v1/namespaces/default/pods/rv-probe')).status !== 404;
      i++
    )
      await new Promise((r) => setTimeout(r, 20));
    const r = await call(
      'GET',
      `/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3Drv-probe&resourceVersion=${rv}&timeoutSeconds=1`,
    );
    const types = r.text
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string; object: { status?: { phase?: string } } }).type);
    // Created, bound to a node, Running, marked for deletion, removed.
    assert.deepEqual(types, ['ADDED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'DELETED']);
  });

  it('marks a pod Failed when the runtime cannot start it', async () => {
    lab.runtime.failStart = 'node-9 does not exist';
    try {
      const pod = { metadata: { name: 'doomed' }, spec: { containers: [{ name: 'c', image: 'x' }] } };
      assert.equal((await call('POST', '/api/v1/namespaces/default/pods', { body: pod })).status, 201);
      const failed = await waitForPhase('doomed', 'Failed');
      assert.match(String((failed.status as { message: string }).message), /node-9 does not exist/);
    } finally {
      lab.runtime.failStart = undefined;
    }
    assert.equal((await call('DELETE', '/api/v1/namespaces/default/pods/doomed')).status, 200);
  });

  it('creates in existing namespaces only; deletecollection with dryRun deletes nothing', async () => {
    const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const missing = await call('POST', '/api/v1/namespaces/nowhere/pods', { body: pod });
    assert.deepEqual([missing.status, missing.json().message], [404, 'namespaces "nowhere" not found']);
    const mismatch = await call('POST', '/api/v1/namespaces/shop/pods', {
      body: { ...pod, metadata: { name: 'p', namespace: 'default' } },
    });
    assert.equal(mismatch.status, 400);
    const collection = await call(
      'DELETE',
      '/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb&dryRun=All',
    );
    assert.deepEqual([collection.status, (collection.json().items as unknown[]).length], [200, 2]);
    const still = await call('GET', '/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb');
    assert.equal((still.json().items as unknown[]).length, 2);
  });

  it('answers exec without a WebSocket upgrade with 400', async () => {
    const r = await call('POST', '/api/v1/namespaces/shop/pods/web-1/exec?command=true&stdout=1');
    assert.equal(r.status, 400);
    assert.match(String(r.json().message), /WebSocket/);
  });

  async function waitForPhase(name: string, phase: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 250; i++) {
      const r = await call('GET', `/api/v1/namespaces/default/pods/${name}`);
      const p = r.json();
      if ((p.status as { phase?: string } | undefined)?.phase === phase) return p;
      await new Promise((res) => setTimeout(res, 20));
    }
    throw new Error(`pod ${name} never reached ${phase}`);
  }
});
