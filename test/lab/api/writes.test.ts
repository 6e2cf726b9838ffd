import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Lab, startTestLab } from './harness.js';

// Every write verb through the real kubectl 1.32 against the lab API (fake pod runtime, no namespaces needed).
describe('kubectl writes against the lab API', () => {
  let lab: Lab;
  before(async () => {
    lab = await startTestLab();
  });
  after(async () => {
    await lab?.close();
  });

  const file = async (name: string, text: string) => {
    const f = path.join(lab.dir, name);
    await writeFile(f, text);
    return f;
  };
  const json = async (args: string[]) => {
    const r = await lab.kubectl([...args, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    // biome-ignore lint/suspicious/noExplicitAny: kubectl's JSON, read field by field in assertions
    return JSON.parse(r.stdout) as Record<string, any>;
  };

  const DEPLOY = (image: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shopfront
  namespace: shop
  labels: {app: shopfront}
spec:
  replicas: 2
  selector:
    matchLabels: {app: shopfront}
  template:
    metadata:
      labels: {app: shopfront}
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 8080
        env:
        - {name: A, value: "1"}
${extra}`;

  it('apply -f creates, applies a change as a strategic merge patch, and bumps generation only on spec changes', async () => {
    const f = await file('deploy.yaml', DEPLOY('registry.example.test/shopfront:1'));
    const create = await lab.kubectl(['apply', '-f', f]);
    assert.equal(create.code, 0, create.stderr);
    assert.match(create.stdout, /deployment.apps\/shopfront created/);
    const d1 = await json(['get', 'deploy', 'shopfront', '-n', 'shop']);
    assert.equal(d1.metadata.generation, 1);
    assert.ok(d1.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    // Server-filled defaults, like a real API server.
    assert.equal(d1.spec.revisionHistoryLimit, 10);
    assert.equal(d1.spec.progressDeadlineSeconds, 600);
    assert.deepEqual(d1.spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    });
    const c = d1.spec.template.spec.containers[0];
    assert.equal(c.imagePullPolicy, 'IfNotPresent');
    assert.equal(c.terminationMessagePath, '/dev/termination-log');
    assert.equal(c.ports[0].protocol, 'TCP');
    assert.equal(d1.spec.template.spec.restartPolicy, 'Always');

    const unchanged = await lab.kubectl(['apply', '-f', f]);
    assert.match(unchanged.stdout, /unchanged/);
    assert.equal(
      (await json(['get', 'deploy', 'shopfront', '-n', 'shop'])).metadata.resourceVersion,
      d1.metadata.resourceVersion,
    );

    const f2 = await file(
      'deploy2.yaml',
      DEPLOY('registry.example.test/shopfront:2').replace(
        '{name: A, value: "1"}',
        '{name: A, value: "2"}\n        - {name: B, value: "x"}',
      ),
    );
    const apply = await lab.kubectl(['apply', '-f', f2]);
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(apply.stdout, /configured/);
    const d2 = await json(['get', 'deploy', 'shopfront', '-n', 'shop']);
    assert.equal(d2.metadata.generation, 2);
    assert.equal(d2.spec.template.spec.containers[0].image, 'registry.example.test/shopfront:2');
    assert.deepEqual(d2.spec.template.spec.containers[0].env, [
      { name: 'A', value: '2' },
      { name: 'B', value: 'x' },
    ]);
    const label = await lab.kubectl(['label', 'deploy', 'shopfront', '-n', 'shop', 'tier=front']);
    assert.equal(label.code, 0, label.stderr);
    const d3 = await json(['get', 'deploy', 'shopfront', '-n', 'shop', '--show-managed-fields']);
    assert.equal(d3.metadata.labels.tier, 'front');
    assert.equal(d3.metadata.generation, 2, 'a label is not a spec change');
    assert.ok(
      (d3.metadata.managedFields as { manager: string }[]).some((m) => m.manager === 'kubectl-label'),
      'managedFields name the label manager',
    );
  });

  it('patch: strategic (merge by name), merge and JSON patch; annotate; set image; rollout restart', async () => {
    const smp = await lab.kubectl([
      'patch',
      'deploy',
      'shopfront',
      '-n',
      'shop',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"C","value":"3"}]}]}}}}',
    ]);
    assert.equal(smp.code, 0, smp.stderr);
    let d = await json(['get', 'deploy', 'shopfront', '-n', 'shop']);
    assert.deepEqual(
      d.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name),
      ['A', 'B', 'C'],
    );
    const merge = await lab.kubectl([
      'patch',
      'deploy',
      'shopfront',
      '-n',
      'shop',
      '--type=merge',
      '-p',
      '{"spec":{"replicas":3}}',
    ]);
    assert.equal(merge.code, 0, merge.stderr);
    const jp = await lab.kubectl([
      'patch',
      'deploy',
      'shopfront',
      '-n',
      'shop',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/template/spec/containers/0/env/0/value","value":"9"}]',
    ]);
    assert.equal(jp.code, 0, jp.stderr);
    d = await json(['get', 'deploy', 'shopfront', '-n', 'shop']);
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.spec.template.spec.containers[0].env[0].value, '9');
    const badTest = await lab.kubectl([
      'patch',
      'deploy',
      'shopfront',
      '-n',
      'shop',
      '--type=json',
      '-p',
      '[{"op":"test","path":"/spec/replicas","value":7}]',
    ]);
    assert.notEqual(badTest.code, 0);

    const ann = await lab.kubectl(['annotate', 'deploy', 'shopfront', '-n', 'shop', 'owner=team-a']);
    assert.equal(ann.code, 0, ann.stderr);
    const img = await lab.kubectl([
      'set',
      'image',
      'deploy/shopfront',
      '-n',
      'shop',
      'web=registry.example.test/shopfront:3',
    ]);
    assert.equal(img.code, 0, img.stderr);
    const restart = await lab.kubectl(['rollout', 'restart', 'deploy/shopfront', '-n', 'shop']);
    assert.equal(restart.code, 0, restart.stderr);
    d = await json(['get', 'deploy', 'shopfront', '-n', 'shop']);
    assert.equal(d.metadata.annotations.owner, 'team-a');
    assert.equal(d.spec.template.spec.containers[0].image, 'registry.example.test/shopfront:3');
    assert.ok(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
  });

  it('scale uses the scale subresource', async () => {
    const r = await lab.kubectl(['scale', 'deploy/shopfront', '-n', 'shop', '--replicas=5']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /scaled/);
    const scale = await lab.kubectl([
      'get',
      '--raw',
      '/apis/apps/v1/namespaces/shop/deployments/shopfront/scale',
    ]);
    const s = JSON.parse(scale.stdout) as {
      kind: string;
      spec: { replicas: number };
      status: { selector: string };
    };
    assert.equal(s.kind, 'Scale');
    assert.equal(s.spec.replicas, 5);
    assert.equal(s.status.selector, 'app=shopfront');
  });

  it('edit with a scripted EDITOR', async () => {
    const editor = await file('editor.sh', '#!/bin/sh\nsed -i "s/replicas: 5/replicas: 4/" "$1"\n');
    await chmod(editor, 0o755);
    const r = await lab.kubectl(['edit', 'deploy/shopfront', '-n', 'shop'], { env: { EDITOR: editor } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /edited/);
    assert.equal((await json(['get', 'deploy', 'shopfront', '-n', 'shop'])).spec.replicas, 4);
  });

  it('create, replace with a stale resourceVersion (409), delete', async () => {
    const f = await file(
      'cm.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {mode: a}\n',
    );
    const c = await lab.kubectl(['create', '-f', f]);
    assert.equal(c.code, 0, c.stderr);
    const again = await lab.kubectl(['create', '-f', f]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /AlreadyExists|already exists/);
    const cm = await json(['get', 'cm', 'settings', '-n', 'shop']);
    const stale = { ...cm, data: { mode: 'b' } };
    await lab.kubectl([
      'patch',
      'cm',
      'settings',
      '-n',
      'shop',
      '--type=merge',
      '-p',
      '{"data":{"mode":"c"}}',
    ]);
    const sf = await file('stale.json', JSON.stringify(stale));
    const rep = await lab.kubectl(['replace', '-f', sf]);
    assert.notEqual(rep.code, 0);
    assert.match(rep.stderr, /Conflict|the object has been modified/);
    const del = await lab.kubectl(['delete', 'cm', 'settings', '-n', 'shop']);
    assert.equal(del.code, 0, del.stderr);
    const gone = await lab.kubectl(['get', 'cm', 'settings', '-n', 'shop']);
    assert.match(gone.stderr, /not found/);
  });

  it('answers invalid objects with 422 and field paths, unknown fields with a strict decoding error', async () => {
    const bad = await file(
      'bad.yaml',
      DEPLOY('x:1')
        .replace('matchLabels: {app: shopfront}', 'matchLabels: {app: other}')
        .replace('name: shopfront\n', 'name: broken\n'),
    );
    const r = await lab.kubectl(['apply', '-f', bad]);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /The Deployment "broken" is invalid: spec.template.metadata.labels: Invalid value: .*`selector` does not match template `labels`/,
    );
    const svc = await file(
      'svc.yaml',
      'apiVersion: v1\nkind: Service\nmetadata: {name: bad, namespace: shop}\nspec:\n  ports: [{port: 70000}]\n',
    );
    const s = await lab.kubectl(['apply', '-f', svc]);
    assert.match(
      s.stderr,
      /spec.ports\[0\].port: Invalid value: 70000: must be between 1 and 65535, inclusive/,
    );
    const unknown = await file(
      'unknown.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: u, namespace: shop}\ndatta: {a: b}\n',
    );
    const u = await lab.kubectl(['apply', '-f', unknown]);
    assert.notEqual(u.code, 0);
    assert.match(u.stderr, /strict decoding error: unknown field "datta"/);
  });

  it('refuses server-side apply with 415 naming client-side apply', async () => {
    const f = await file(
      'ssa.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: shop}\ndata: {a: b}\n',
    );
    const r = await lab.kubectl(['apply', '--server-side', '-f', f]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /server-side apply.*client-side apply/);
  });

  it('serves Services with allocated ClusterIP and NodePort and the real defaults; ClusterIP is immutable', async () => {
    const f = await file(
      'np.yaml',
      'apiVersion: v1\nkind: Service\nmetadata: {name: np, namespace: shop}\nspec:\n  type: NodePort\n  selector: {app: x}\n  ports: [{port: 80}]\n',
    );
    assert.equal((await lab.kubectl(['apply', '-f', f])).code, 0);
    const s = await json(['get', 'svc', 'np', '-n', 'shop']);
    assert.match(s.spec.clusterIP, /^198\.1[89]\./);
    assert.deepEqual(s.spec.clusterIPs, [s.spec.clusterIP]);
    assert.deepEqual(s.spec.ipFamilies, ['IPv4']);
    assert.equal(s.spec.ipFamilyPolicy, 'SingleStack');
    assert.equal(s.spec.internalTrafficPolicy, 'Cluster');
    assert.equal(s.spec.externalTrafficPolicy, 'Cluster');
    assert.equal(s.spec.ports[0].targetPort, 80);
    assert.ok(s.spec.ports[0].nodePort >= 30000 && s.spec.ports[0].nodePort <= 32767);
    const r = await lab.kubectl([
      'patch',
      'svc',
      'np',
      '-n',
      'shop',
      '--type=merge',
      '-p',
      '{"spec":{"clusterIP":"198.18.130.9"}}',
    ]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /field is immutable|may not change/);
    // kubectl apply again keeps the allocations (the manifest has none).
    assert.equal((await lab.kubectl(['apply', '-f', f])).code, 0);
    assert.equal((await json(['get', 'svc', 'np', '-n', 'shop'])).spec.clusterIP, s.spec.clusterIP);
  });

  it('ignores .status on create and update of kinds with a status subresource', async () => {
    const f = await file(
      'ing.yaml',
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: st, namespace: shop}
spec:
  rules:
  - host: st.example.test
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
status:
  loadBalancer:
    ingress: [{ip: 198.19.0.77}]
`,
    );
    assert.equal((await lab.kubectl(['create', '-f', f])).code, 0);
    const ing = await json(['get', 'ing', 'st', '-n', 'shop']);
    assert.deepEqual(ing.status, { loadBalancer: {} });
    assert.equal(ing.metadata.generation, 1);
  });

  it('lists built-in items without kind/apiVersion and custom resources with them; remainingItemCount with limit', async () => {
    const raw = JSON.parse(
      (await lab.kubectl(['get', '--raw', '/api/v1/namespaces/shop/pods?limit=1'])).stdout,
    ) as {
      items: Record<string, unknown>[];
      metadata: { remainingItemCount?: number; continue?: string };
    };
    assert.equal(raw.items.length, 1);
    assert.equal(raw.items[0]!.kind, undefined);
    assert.equal(raw.items[0]!.apiVersion, undefined);
    assert.ok((raw.metadata.remainingItemCount ?? 0) >= 1);
    assert.ok(raw.metadata.continue);
    const cr = JSON.parse(
      (await lab.kubectl(['get', '--raw', '/apis/gateway.networking.k8s.io/v1/httproutes'])).stdout,
    ) as {
      items: Record<string, unknown>[];
    };
    assert.equal(cr.items[0]!.kind, 'HTTPRoute');
  });

  it('deletes pods gracefully through the kubelet and a watch sees the deletion', async () => {
    const run = await lab.kubectl([
      'run',
      'tmp',
      '-n',
      'shop',
      '--image=registry.example.test/tools:1',
      '--restart=Never',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const wait = await lab.kubectl([
      'wait',
      '-n',
      'shop',
      '--for=condition=Ready',
      'pod/tmp',
      '--timeout=10s',
    ]);
    assert.equal(wait.code, 0, wait.stderr);
    const pod = await json(['get', 'pod', 'tmp', '-n', 'shop']);
    assert.ok(pod.spec.tolerations.some((t: { key: string }) => t.key === 'node.kubernetes.io/not-ready'));
    assert.equal(pod.spec.serviceAccountName, 'default');
    assert.ok(pod.spec.volumes.some((v: { name: string }) => v.name.startsWith('kube-api-access-')));
    const del = await lab.kubectl(['delete', 'pod', 'tmp', '-n', 'shop', '--timeout=10s']);
    assert.equal(del.code, 0, del.stderr);
    assert.ok(lab.runtime.stopped.includes('shop/tmp'));
    const edit = await lab.kubectl([
      'run',
      'tmp2',
      '-n',
      'shop',
      '--image=registry.example.test/tools:1',
      '--restart=Never',
    ]);
    assert.equal(edit.code, 0);
    const envPatch = await lab.kubectl([
      'patch',
      'pod',
      'tmp2',
      '-n',
      'shop',
      '-p',
      '{"spec":{"containers":[{"name":"tmp2","env":[{"name":"X","value":"1"}]}]}}',
    ]);
    assert.notEqual(envPatch.code, 0);
    assert.match(envPatch.stderr, /pod updates may not change fields other than/);
  });

  it('gives every namespace kube-root-ca.crt and a default ServiceAccount; deleting one empties it first', async () => {
    const nsFile = await file('ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: scratch}\n');
    const c = await lab.kubectl(['create', '-f', nsFile]);
    assert.equal(c.code, 0, c.stderr);
    await lab.cp.controllers.idle();
    const cm = await json(['get', 'cm', 'kube-root-ca.crt', '-n', 'scratch']);
    assert.match(cm.data['ca.crt'], /BEGIN CERTIFICATE/);
    const sa = await json(['get', 'sa', 'default', '-n', 'scratch']);
    assert.equal(sa.metadata.name, 'default');
    assert.equal(
      (await json(['get', 'ns', 'scratch'])).metadata.labels['kubernetes.io/metadata.name'],
      'scratch',
    );
    const cmFile = await file(
      'cmx.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: scratch}\n',
    );
    assert.equal((await lab.kubectl(['apply', '-f', cmFile])).code, 0);
    const del = await lab.kubectl(['delete', 'namespace', 'scratch', '--timeout=20s']);
    assert.equal(del.code, 0, del.stderr);
    const gone = await lab.kubectl(['get', 'ns', 'scratch']);
    assert.match(gone.stderr, /not found/);
    const left = await lab.kubectl(['get', 'cm', '-n', 'scratch', '-o', 'name']);
    assert.equal(left.stdout.trim(), '');
  });

  it('ends a pod after activeDeadlineSeconds like a kubelet (a leaked probe pod ends by itself)', async () => {
    const f = await file(
      'deadline.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: leaked, namespace: shop}\nspec:\n  activeDeadlineSeconds: 1\n  restartPolicy: Never\n  containers: [{name: probe, image: registry.example.test/tools:1}]\n',
    );
    assert.equal((await lab.kubectl(['create', '-f', f])).code, 0);
    // biome-ignore lint/suspicious/noExplicitAny: kubectl's JSON, read field by field
    let pod: Record<string, any> = {};
    for (let i = 0; i < 100; i++) {
      pod = await json(['get', 'pod', 'leaked', '-n', 'shop']);
      if (pod.status?.phase === 'Failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(pod.status.phase, 'Failed');
    assert.equal(pod.status.reason, 'DeadlineExceeded');
    assert.match(pod.status.message, /longer than the specified deadline/);
  });
});
