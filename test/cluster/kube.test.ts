import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { connect, KubeError, loadKubeConfig } from '../../src/cluster/kube.js';
import { LiveSource } from '../../src/cluster/live.js';
import { list, startFakeApi, status } from './fake-api.js';

function kubeconfigFile(dir: string, name: string, current: string, contexts: [string, string][]): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: "${current}"`,
      'clusters:',
      ...contexts.map(([c]) => `- name: ${c}-${name}\n  cluster:\n    server: https://198.18.0.1:6443`),
      'users:',
      `- name: u-${name}\n  user:\n    token: t`,
      'contexts:',
      ...contexts.map(
        ([c, ns]) =>
          `- name: ${c}\n  context:\n    cluster: ${c}-${name}\n    user: u-${name}\n    namespace: ${ns}`,
      ),
    ].join('\n'),
  );
  return file;
}

describe('kubeconfig resolution (like kubectl)', () => {
  it('merges $KUBECONFIG files: the first file to set a value wins, missing files are ignored', (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'h1-kc-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const first = kubeconfigFile(dir, 'one', 'a', [['a', 'from-one']]);
    const second = kubeconfigFile(dir, 'two', 'b', [
      ['a', 'from-two'],
      ['b', 'bee'],
    ]);
    const env = { KUBECONFIG: [path.join(dir, 'missing'), first, second].join(path.delimiter), HOME: dir };
    const loaded = loadKubeConfig({ env });
    assert.equal(loaded.context, 'a');
    assert.equal(loaded.namespace, 'from-one');
    assert.equal(loadKubeConfig({ env, context: 'b' }).namespace, 'bee');
    // --kubeconfig wins over $KUBECONFIG.
    assert.equal(loadKubeConfig({ env, kubeconfig: second }).context, 'b');
  });

  it('explains an unknown context, a missing --kubeconfig and a machine without any kubeconfig', (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'h1-kc-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = kubeconfigFile(dir, 'one', 'a', [['a', 'x']]);
    assert.throws(
      () => loadKubeConfig({ kubeconfig: file, context: 'nope', env: {} }),
      (e: unknown) =>
        e instanceof KubeError && /context "nope" not found/.test(e.message) && /a/.test(e.hint ?? ''),
    );
    assert.throws(() => loadKubeConfig({ kubeconfig: path.join(dir, 'nope'), env: {} }), /does not exist/);
    assert.throws(
      () => loadKubeConfig({ env: { HOME: dir } }),
      (e: unknown) =>
        e instanceof KubeError && /no kubeconfig found/.test(e.message) && /-f PATH/.test(e.hint ?? ''),
    );
  });

  it('uses ~/.kube/config when nothing else is set; a context without namespace means "default"', (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'h1-kc-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const kube = path.join(dir, '.kube');
    kubeconfigFile(dir, 'one', 'a', [['a', '']]);
    mkdirSync(kube, { recursive: true });
    writeFileSync(
      path.join(kube, 'config'),
      readFileSync(path.join(dir, 'one'), 'utf8').replace('    namespace: \n', ''),
    );
    const loaded = loadKubeConfig({ env: { HOME: dir } });
    assert.equal(loaded.context, 'a');
    assert.equal(loaded.namespace, 'default');
  });
});

const pod = (name: string) => ({
  metadata: { name, namespace: 'shop', labels: { app: 'web' } },
  spec: { containers: [] },
});

describe('Kube: the counting API wrapper', () => {
  it('lists with selectors, stamps kind/apiVersion on items and counts requests (pages included)', async (t) => {
    const api = await startFakeApi({}, (url) => {
      if (url.pathname !== '/api/v1/namespaces/shop/pods') return undefined;
      return url.searchParams.get('continue') === 'page2'
        ? list('PodList', [pod('web-2')])
        : list('PodList', [pod('web-1')], 'page2');
    });
    t.after(() => api.close());
    const kube = connect({ kubeconfig: api.kubeconfig, env: {} });
    assert.equal(kube.namespace, 'shop');
    const pods = await kube.list('pods', {
      namespace: 'shop',
      labelSelector: 'app=web',
      fieldSelector: 'status.phase=Running',
    });
    assert.deepEqual(
      pods.map((p) => [p.kind, p.apiVersion, p.metadata?.name]),
      [
        ['Pod', 'v1', 'web-1'],
        ['Pod', 'v1', 'web-2'],
      ],
    );
    assert.equal(kube.requestCount, 2);
    assert.equal(api.requests[0].searchParams.get('labelSelector'), 'app=web');
    assert.equal(api.requests[0].searchParams.get('fieldSelector'), 'status.phase=Running');
  });

  it('turns a 403 into an empty result and a warning naming verb, resource and namespace', async (t) => {
    const api = await startFakeApi({
      '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies': status(
        403,
        'Forbidden',
        'networkpolicies.networking.k8s.io is forbidden: User "dev" cannot list resource "networkpolicies"',
      ),
    });
    t.after(() => api.close());
    const kube = connect({ kubeconfig: api.kubeconfig, env: {} });
    assert.deepEqual(await kube.list('networkpolicies', { namespace: 'shop' }), []);
    assert.equal(kube.warnings.length, 1);
    const w = kube.warnings[0];
    assert.equal(w.code, 'forbidden');
    assert.deepEqual(w.permission, {
      verb: 'list',
      resource: 'networkpolicies.networking.k8s.io',
      namespace: 'shop',
    });
    assert.match(w.message, /cannot list networkpolicies\.networking\.k8s\.io in namespace "shop"/);
  });

  it('treats a 404 on a CRD as "not installed" quietly, and tries older versions of a kind', async (t) => {
    const api = await startFakeApi({
      '/apis/gateway.networking.k8s.io/v1alpha3/backendtlspolicies': list('BackendTLSPolicyList', [
        { metadata: { name: 'tls', namespace: 'shop' }, spec: {} },
      ]),
    });
    t.after(() => api.close());
    const kube = connect({ kubeconfig: api.kubeconfig, env: {} });
    assert.deepEqual(await kube.list('httproutes'), []);
    assert.deepEqual([...kube.notInstalled], ['HTTPRoute']);
    const policies = await kube.list('backendtlspolicies');
    assert.deepEqual(
      policies.map((p) => [p.kind, p.apiVersion, p.metadata.name]),
      [['BackendTLSPolicy', 'gateway.networking.k8s.io/v1alpha3', 'tls']],
    );
    assert.deepEqual(kube.warnings, []);
    assert.equal(kube.requestCount, 3);
  });

  it('gets one object, undefined when it does not exist', async (t) => {
    const api = await startFakeApi({
      '/api/v1/namespaces/shop/services/web': {
        status: 200,
        body: { metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } },
      },
    });
    t.after(() => api.close());
    const kube = connect({ kubeconfig: api.kubeconfig, env: {} });
    const svc = await kube.get('services', 'shop', 'web');
    assert.equal(svc?.kind, 'Service');
    assert.equal(svc?.spec?.ports?.[0].port, 80);
    assert.equal(await kube.get('services', 'shop', 'missing'), undefined);
    assert.equal(kube.requestCount, 2);
  });

  it('says what to do when the server rejects the credentials or cannot be reached', async () => {
    const api = await startFakeApi({ '/api/v1/namespaces': status(401, 'Unauthorized', 'Unauthorized') });
    const kube = connect({ kubeconfig: api.kubeconfig, env: {} });
    await assert.rejects(
      kube.list('namespaces'),
      (e: unknown) => e instanceof KubeError && /401/.test(e.message),
    );
    const gone = connect({ kubeconfig: api.kubeconfig, env: {} });
    await api.close();
    await assert.rejects(
      gone.list('namespaces'),
      (e: unknown) => e instanceof KubeError && /cannot reach the API server/.test(e.message),
    );
  });
});

describe('LiveSource', () => {
  it('reads the kinds audit needs from one namespace, continuing past a 403', async (t) => {
    const api = await startFakeApi({
      '/api/v1/namespaces/shop': { status: 200, body: { metadata: { name: 'shop' } } },
      '/api/v1/namespaces/shop/pods': list('PodList', [pod('web-1')]),
      '/api/v1/namespaces/shop/services': list('ServiceList', [
        {
          metadata: { name: 'web', namespace: 'shop' },
          spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
        },
      ]),
      '/api/v1/services': list('ServiceList', [
        { metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'ClusterIP' } },
        {
          metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx' },
          spec: { type: 'LoadBalancer' },
        },
        { metadata: { name: 'metrics', namespace: 'monitoring' }, spec: { type: 'ClusterIP' } },
      ]),
      '/apis/networking.k8s.io/v1/namespaces/shop/ingresses': list('IngressList', [
        { metadata: { name: 'web', namespace: 'shop' }, spec: { rules: [] } },
      ]),
      '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies': status(403, 'Forbidden', 'forbidden'),
      '/apis/apps/v1/namespaces/shop/deployments': list('DeploymentList', []),
    });
    t.after(() => api.close());
    const kube = connect({ kubeconfig: api.kubeconfig, env: {} });
    const source = new LiveSource(kube);
    const s = await source.read({ allNamespaces: false });
    assert.equal(s.live, true);
    assert.deepEqual(
      s.namespaces.map((n) => n.metadata?.name),
      ['shop'],
    );
    assert.deepEqual(
      s.services.map((x) => `${x.metadata?.namespace}/${x.metadata?.name}`),
      ['shop/web', 'ingress-nginx/ingress-nginx-controller'],
    );
    assert.equal(s.pods.length, 1);
    assert.equal(s.ingresses.length, 1);
    assert.deepEqual(
      s.warnings.map((w) => [w.code, w.permission?.resource]),
      [['forbidden', 'networkpolicies.networking.k8s.io']],
    );
    // Finished pods are filtered on the server; one request per planned read (CRDs: one per version tried).
    const podReq = api.requests.find((u) => u.pathname === '/api/v1/namespaces/shop/pods');
    assert.equal(podReq?.searchParams.get('fieldSelector'), 'status.phase!=Succeeded,status.phase!=Failed');
    assert.equal(kube.requestCount, api.requests.length);
    assert.ok(
      kube.requestCount <= source.plan({ allNamespaces: false }).length + 2,
      `${kube.requestCount} requests`,
    );
    assert.match(source.describe(), /^context fake \(http:\/\/127\.0\.0\.1:\d+\)$/);
  });

  it('reads the CNI ConfigMaps by name, also outside kube-system (Flannel in kube-flannel)', async (t) => {
    const flannel = {
      metadata: { name: 'kube-flannel-cfg', namespace: 'kube-flannel' },
      data: { 'net-conf.json': '{"Network":"198.18.0.0/16","Backend":{"Type":"vxlan"}}' },
    };
    const cilium = { metadata: { name: 'cilium-config', namespace: 'kube-system' }, data: { mtu: '1450' } };
    const api = await startFakeApi({
      '/api/v1/namespaces/shop': { status: 200, body: { metadata: { name: 'shop' } } },
      // Listing kube-system is forbidden: the by-name reads still find what they may get.
      '/api/v1/namespaces/kube-system/configmaps': status(403, 'Forbidden', 'forbidden'),
      '/api/v1/namespaces/kube-flannel/configmaps/kube-flannel-cfg': { status: 200, body: flannel },
      '/api/v1/namespaces/kube-system/configmaps/cilium-config': { status: 200, body: cilium },
    });
    t.after(() => api.close());
    const kube = connect({ kubeconfig: api.kubeconfig, env: {} });
    const source = new LiveSource(kube);
    const s = await source.read({ allNamespaces: false });
    assert.deepEqual(s.configMaps.map((c) => `${c.metadata?.namespace}/${c.metadata?.name}`).sort(), [
      'kube-flannel/kube-flannel-cfg',
      'kube-system/cilium-config',
    ]);
    // A missing ConfigMap (404) is no warning; the forbidden list is one.
    assert.deepEqual(
      s.warnings.map((w) => [w.code, w.permission?.resource, w.permission?.namespace]),
      [['forbidden', 'configmaps', 'kube-system']],
    );
    const gets = api.requests.filter((u) => /\/configmaps\/[^/]+$/.test(u.pathname)).map((u) => u.pathname);
    assert.ok(gets.includes('/api/v1/namespaces/kube-flannel/configmaps/kube-flannel-cfg'), gets.join(' '));
    assert.ok(gets.includes('/api/v1/namespaces/kube-system/configmaps/cilium-config'), gets.join(' '));
  });
});

describe('LiveSource: paged reads at scale', () => {
  /** Pods of all namespaces in pages of `limit`, continue tokens "after:N"; `expire` decides which answer 410. */
  function pagedPods(total: number, expire: (token: string, hit: number) => boolean) {
    let hits = 0;
    return (url: URL) => {
      if (url.pathname !== '/api/v1/pods') return undefined;
      const limit = Number(url.searchParams.get('limit'));
      const token = url.searchParams.get('continue');
      if (token && expire(token, hits++)) {
        // What kube-apiserver answers once etcd has compacted past the list's resourceVersion.
        return status(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      }
      const from = token ? Number(token.split(':')[1]) : 0;
      const items = Array.from({ length: Math.min(limit, total - from) }, (_, k) => ({
        metadata: {
          name: `p-${from + k}`,
          namespace: `ns-${(from + k) % 7}`,
          managedFields: [{ manager: 'kubelet', fieldsV1: { 'f:status': {} } }],
        },
        spec: {
          nodeName: 'n1',
          containers: [{ name: 'c', image: 'i', resources: {} }],
          volumes: [{ name: 'v' }],
        },
        status: { phase: 'Running', podIP: '198.18.1.1' },
      }));
      const next = from + items.length;
      return list('PodList', items, next < total ? `after:${next}` : undefined);
    };
  }

  it('pages every list 500 at a time, keeps only what the checks read, and reports progress', async (t) => {
    const api = await startFakeApi(
      {},
      pagedPods(1234, () => false),
    );
    t.after(() => api.close());
    const kube = connect({ kubeconfig: api.kubeconfig, env: {} });
    const seen: { objects: number; kindsLeft?: number }[] = [];
    const s = await new LiveSource(kube, { onProgress: (p) => seen.push(p) }).read({ allNamespaces: true });
    assert.equal(s.pods.length, 1234);
    const podLists = api.requests.filter((u) => u.pathname === '/api/v1/pods');
    assert.deepEqual(
      podLists.map((u) => [u.searchParams.get('limit'), u.searchParams.get('continue')]),
      [
        ['500', null],
        ['500', 'after:500'],
        ['500', 'after:1000'],
      ],
    );
    const p = s.pods[0] as unknown as Record<string, Record<string, unknown>>;
    assert.equal(p.metadata.managedFields, undefined);
    assert.equal(p.spec.volumes, undefined);
    assert.equal(p.spec.nodeName, 'n1');
    assert.ok(seen.some((x) => x.objects >= 500 && (x.kindsLeft ?? 0) > 0));
    assert.deepEqual(seen.at(-1), { objects: seen.at(-1)?.objects, kindsLeft: 0 });
  });

  it('starts a list over when its continue token expired (410), without duplicates', async (t) => {
    // The second page expires once: the list starts again from the first page.
    const api = await startFakeApi(
      {},
      pagedPods(1100, (_token, hit) => hit === 0),
    );
    t.after(() => api.close());
    const kube = connect({ kubeconfig: api.kubeconfig, env: {} });
    const s = await new LiveSource(kube).read({ allNamespaces: true });
    assert.equal(s.pods.length, 1100);
    assert.equal(new Set(s.pods.map((x) => x.metadata?.name)).size, 1100);
    assert.deepEqual(
      api.requests.filter((u) => u.pathname === '/api/v1/pods').map((u) => u.searchParams.get('continue')),
      [null, 'after:500', null, 'after:500', 'after:1000'],
    );
  });

  it('gives up with what to do when the list keeps expiring', async (t) => {
    const api = await startFakeApi(
      {},
      pagedPods(1100, () => true),
    );
    t.after(() => api.close());
    const kube = connect({ kubeconfig: api.kubeconfig, env: {} });
    await assert.rejects(
      new LiveSource(kube).read({ allNamespaces: true }),
      (e: unknown) =>
        e instanceof KubeError &&
        /expired the list of pods 4 times/.test(e.message) &&
        /-n NAMESPACE/.test(e.hint ?? ''),
    );
  });
});
