import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Lab, startTestLab } from './harness.js';

// The real kubectl (1.32, via its version dispatcher) against the lab API with a fake pod runtime.
describe('kubectl against the lab API', () => {
  let lab: Lab;
  before(async () => {
    lab = await startTestLab();
  });
  after(async () => {
    await lab?.close();
  });

  it('gets pods across namespaces as a table', async () => {
    const r = await lab.kubectl(['get', 'pods', '-A']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/).slice(0, 4)),
      [
        ['ingress-nginx', 'controller-1', '1/1', 'Running'],
        ['shop', 'api-1', '1/1', 'Running'],
        ['shop', 'web-1', '1/1', 'Running'],
        ['shop', 'web-2', '1/1', 'Running'],
      ],
    );
  });

  it('gets services as JSON and YAML objects', async () => {
    const json = await lab.kubectl(['get', 'svc', '-n', 'shop', '-o', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const list = JSON.parse(json.stdout) as {
      items: { kind: string; metadata: { name: string }; spec: { clusterIP: string } }[];
    };
    assert.deepEqual(
      list.items.map((s) => [s.kind, s.metadata.name, s.spec.clusterIP]),
      [
        ['Service', 'api', '198.18.128.21'],
        ['Service', 'web', '198.18.128.20'],
      ],
    );
    const yaml = await lab.kubectl(['get', 'svc', 'web', '-n', 'shop', '-o', 'yaml']);
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.match(yaml.stdout, /^kind: Service$/m);
    assert.match(yaml.stdout, /targetPort: 8080/);
  });

  it('filters with label and field selectors', async () => {
    const r = await lab.kubectl([
      'get',
      'pods',
      '-A',
      '-l',
      'app in (web,api),tier!=backend',
      '--field-selector',
      'spec.nodeName=node-2',
      '-o',
      'name',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'pod/web-2');
    const none = await lab.kubectl(['get', 'pods', '-n', 'shop', '-l', '!tier', '-o', 'name']);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout.trim(), '');
  });

  it('sorts on full objects and pages with --chunk-size', async () => {
    const sorted = await lab.kubectl(['get', 'pods', '-A', '--sort-by=.status.podIP', '-o', 'name']);
    assert.equal(sorted.code, 0, sorted.stderr);
    assert.deepEqual(sorted.stdout.trim().split('\n'), [
      'pod/web-1',
      'pod/controller-1',
      'pod/web-2',
      'pod/api-1',
    ]);
    const paged = await lab.kubectl(['get', 'pods', '-A', '--chunk-size=3', '-o', 'name']);
    assert.equal(paged.code, 0, paged.stderr);
    assert.deepEqual(paged.stdout.trim().split('\n'), [
      'pod/controller-1',
      'pod/api-1',
      'pod/web-1',
      'pod/web-2',
    ]);
  });

  it('prints ingresses, nodes and gateway routes with their columns', async () => {
    const ing = await lab.kubectl(['get', 'ingress', '-n', 'shop']);
    assert.equal(ing.code, 0, ing.stderr);
    assert.match(ing.stdout, /^web\s+nginx\s+app\.example\.test\s+198\.19\.0\.1\s+80\s+/m);
    const nodes = await lab.kubectl(['get', 'nodes', '-o', 'wide']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stdout, /^node-1\s+Ready\s+worker\s+\S+\s+v1\.32\.4\s+198\.18\.0\.11\s/m);
    const routes = await lab.kubectl(['get', 'httproutes', '-A']);
    assert.match(routes.stdout, /^shop\s+api\s+api\.example\.test\s/m);
  });

  it('lists api-resources from discovery', async () => {
    const r = await lab.kubectl(['api-resources']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(r.stdout, /^ingresses\s+ing\s+networking\.k8s\.io\/v1\s+true\s+Ingress$/m);
    assert.match(r.stdout, /^poddisruptionbudgets\s+pdb\s+policy\/v1\s+true\s+PodDisruptionBudget$/m);
    assert.match(r.stdout, /^httproutes\s+gateway\.networking\.k8s\.io\/v1\s+true\s+HTTPRoute$/m);
    assert.match(r.stdout, /^backendtlspolicies\s+btlspolicy\s+gateway\.networking\.k8s\.io\/v1\s/m);
  });

  it('describes a pod, a service, an ingress and a node', async () => {
    const pod = await lab.kubectl(['describe', 'pod', 'web-1', '-n', 'shop']);
    assert.equal(pod.code, 0, pod.stderr);
    assert.match(pod.stdout, /^Node:\s+node-1\/198\.18\.0\.11$/m);
    assert.match(pod.stdout, /^IP:\s+198\.18\.16\.10$/m);
    const svc = await lab.kubectl(['describe', 'service', 'web', '-n', 'shop']);
    assert.equal(svc.code, 0, svc.stderr);
    assert.match(svc.stdout, /^Endpoints:\s+198\.18\.16\.10:8080,198\.18\.17\.10:8080$/m);
    const ing = await lab.kubectl(['describe', 'ingress', 'web', '-n', 'shop']);
    assert.equal(ing.code, 0, ing.stderr);
    assert.match(ing.stdout, /\/\s+web:80 \(198\.18\.16\.10:8080,198\.18\.17\.10:8080\)/);
    const node = await lab.kubectl(['describe', 'node', 'node-1']);
    assert.equal(node.code, 0, node.stderr);
    assert.match(node.stdout, /Non-terminated Pods:\s+\(2 in total\)/);
    assert.match(node.stdout, /^\s+HolderIdentity:\s+node-1$/m);
    assert.match(node.stdout, /^\s+shop\s+web-1\s/m);
  });

  it('runs a pod, execs into it and deletes it', async () => {
    const run = await lab.kubectl(['run', 'probe', '--image=x', '--restart=Never', '--', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'pod/probe created');
    const get = await lab.kubectl(['get', 'pod', 'probe', '-o', 'wide']);
    // The scheduler binds it (workloads go to the last node in the lab's layout), the runtime starts it there.
    assert.match(get.stdout, /^probe\s+1\/1\s+Running\s+0\s+\S+\s+198\.18\.17\.\d+\s+node-2\s/m);
    assert.deepEqual(lab.runtime.started, ['default/probe']);

    const hi = await lab.kubectl(['exec', 'probe', '--', 'echo', 'hi']);
    assert.deepEqual([hi.code, hi.stdout], [0, 'hi\n']);
    const three = await lab.kubectl(['exec', 'probe', '--', 'sh', '-c', 'exit 3']);
    assert.equal(three.code, 3);
    assert.match(three.stderr, /command terminated with exit code 3/);
    const err = await lab.kubectl(['exec', 'probe', '--', 'sh', '-c', 'echo oops >&2; echo out']);
    assert.deepEqual([err.code, err.stdout, err.stderr], [0, 'out\n', 'oops\n']);

    const del = await lab.kubectl(['delete', 'pod', 'probe']);
    assert.equal(del.code, 0, del.stderr);
    assert.equal(del.stdout.trim(), 'pod "probe" deleted');
    assert.deepEqual(lab.runtime.stopped, ['default/probe']);
    const gone = await lab.kubectl(['get', 'pod', 'probe']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /pods "probe" not found/);
  });

  it('passes stdin through exec -i', async () => {
    const run = await lab.kubectl(['run', 'cat', '--image=x', '--restart=Never', '--', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    const { spawn } = await import('node:child_process');
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(
        'kubectl',
        ['--kubeconfig', lab.files.kubeconfigPath, 'exec', '-i', 'cat', '--', 'wc', '-c'],
        {
          env: { PATH: process.env.PATH, HOME: lab.dir },
        },
      );
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.on('close', (code) => resolve({ code, stdout }));
      child.stdin.end('twelve bytes');
    });
    assert.deepEqual([out.code, out.stdout.trim()], [0, '12']);
    await lab.kubectl(['delete', 'pod', 'cat', '--wait=false']);
  });

  it('explains errors like a real cluster', async () => {
    const missing = await lab.kubectl(['get', 'pod', 'nope', '-n', 'shop']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), 'Error from server (NotFound): pods "nope" not found');
    const ing = await lab.kubectl(['get', 'ingress', 'nope', '-n', 'shop']);
    assert.match(ing.stderr, /ingresses\.networking\.k8s\.io "nope" not found/);
    const badGrace = await lab.kubectl([
      'delete',
      'pod',
      'web-1',
      '-n',
      'shop',
      '--grace-period=-5',
      '--dry-run=server',
      '--propagation-policy=Sideways',
    ]);
    assert.equal(badGrace.code, 1);
    const gone = await lab.kubectl(['delete', 'service', 'nope', '-n', 'shop']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /Error from server \(NotFound\): services "nope" not found/);
  });

  it('refuses kubectl without the token (401)', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const noToken = `${lab.dir}/kubeconfig-no-token`;
    const text = await readFile(lab.files.kubeconfigPath, 'utf8');
    await writeFile(noToken, text.replace(/token: \S+/, 'token: wrong'));
    const r = await lab.kubectl(['get', 'pods'], { kubeconfig: noToken });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /You must be logged in to the server \(Unauthorized\)/);
  });

  it('refuses exec into a pod that is not running', async () => {
    let release = () => {};
    lab.runtime.startGate = new Promise<void>((r) => {
      release = r;
    });
    try {
      const run = await lab.kubectl(['run', 'slow', '--image=x', '--restart=Never']);
      assert.equal(run.code, 0, run.stderr);
      const r = await lab.kubectl(['exec', 'slow', '--', 'true']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /container "slow" in pod "slow" is waiting to start: ContainerCreating/);
    } finally {
      lab.runtime.startGate = undefined;
      release();
    }
    const del = await lab.kubectl(['delete', 'pod', 'slow']);
    assert.equal(del.code, 0, del.stderr);
  });
});
