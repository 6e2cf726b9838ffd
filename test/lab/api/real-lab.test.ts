import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labUnsupported, withLab } from '../../helpers/lab.js';

// The lab API process with the real netns PodRuntime, driven by kubectl from the lab's client namespace.
const skip = labUnsupported();

describe('lab API in a real lab', { skip }, () => {
  it('runs, execs into and deletes a pod that is a network namespace', async (t) => {
    const lab = await withLab(t, { name: 'h4api' });
    // Named by a host only the lab's resolvers know (issue 17: never a lab address on a real network).
    assert.equal(lab.apiServer, `https://kubernetes.${lab.name}.lab.internal:6443`);
    const kubectl = (args: string[]) => lab.run(['kubectl', ...args], { timeoutMs: 30_000 });

    const pods = await kubectl(['get', 'pods', '-A', '-o', 'name']);
    assert.equal(pods.code, 0, pods.stderr);
    assert.match(pods.stdout, /^pod\/web-/m);

    // The lab's own pods: exec lands in the namespace whose address the API reports.
    const web = await kubectl([
      'get',
      'pods',
      '-n',
      'shop',
      '-o',
      'jsonpath={.items[0].metadata.name} {.items[0].status.podIP}',
    ]);
    const [webName, webIP] = web.stdout.trim().split(' ');
    const webAddr = await kubectl([
      'exec',
      '-n',
      'shop',
      webName!,
      '--',
      'ip',
      '-o',
      '-4',
      'addr',
      'show',
      'dev',
      'eth0',
    ]);
    assert.equal(webAddr.code, 0, webAddr.stderr);
    assert.match(webAddr.stdout, new RegExp(`inet ${webIP!.replaceAll('.', '\\.')}/`));

    const run = await kubectl([
      'run',
      'probe',
      '--image=nicolaka/netshoot',
      '--restart=Never',
      '--',
      'sleep',
      '300',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const wait = await kubectl(['wait', '--for=condition=Ready', 'pod/probe', '--timeout=20s']);
    assert.equal(wait.code, 0, wait.stderr);
    const ip = await kubectl(['get', 'pod', 'probe', '-o', 'jsonpath={.status.podIP} {.spec.nodeName}']);
    const [podIP, nodeName] = ip.stdout.trim().split(' ');
    assert.match(podIP ?? '', /^198\.18\.\d+\.\d+$/);
    assert.match(nodeName ?? '', /^node-\d$/);

    // The command runs inside the pod's namespace: its eth0 carries the address the API reports.
    const addr = await kubectl(['exec', 'probe', '--', 'ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0']);
    assert.equal(addr.code, 0, addr.stderr);
    assert.match(addr.stdout, new RegExp(`inet ${podIP!.replaceAll('.', '\\.')}/`));
    const exit = await kubectl(['exec', 'probe', '--', 'sh', '-c', 'echo to-stderr >&2; exit 3']);
    assert.equal(exit.code, 3);
    assert.match(exit.stderr, /to-stderr/);

    const del = await kubectl(['delete', 'pod', 'probe']);
    assert.equal(del.code, 0, del.stderr);
    const gone = await kubectl(['get', 'pod', 'probe']);
    assert.match(gone.stderr, /pods "probe" not found/);
    const ns = await lab.run(['ip', 'netns', 'list'], { timeoutMs: 10_000 });
    assert.doesNotMatch(ns.stdout, /idl-h4api-pod-default-probe/);
  });
});
