import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { createNetnsPodRuntime } from '../../src/lab/pod-runtime.js';
import { httpCodeArgv, labUnsupported, withLab } from '../helpers/lab.js';

function probePod(name: string, extra: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'probe', image: 'nicolaka/netshoot:v0.13' }], ...extra },
  };
}

function collect(child: ReturnType<Awaited<ReturnType<typeof createNetnsPodRuntime>>['exec']>) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

test('the netns pod runtime: start, exec, hostNetwork, stop', { skip: labUnsupported() }, async (t) => {
  const lab = await withLab(t, { name: 'podrt' });
  const runtime = await createNetnsPodRuntime(lab.stateDir);
  const pod = probePod('probe-a', { nodeName: 'node-2' });
  const started = await runtime.startPod(pod);
  t.after(() => runtime.stopPod(pod));
  assert.equal(started.nodeName, 'node-2');
  assert.equal(started.hostIP, '198.18.0.12');
  assert.match(started.podIP, /^198\.18\.17\.(\d+)$/);
  assert.ok(Number(started.podIP.split('.')[3]) >= 10, 'pods get .10 and up');
  assert.deepEqual(await runtime.startPod(pod), started, 'starting twice is the same pod');

  // Inside: its address, the CNI's MTU, cluster DNS, and the public URL through the LB.
  const addr = await collect(
    runtime.exec(pod, ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'], { tty: false }),
  );
  assert.match(addr.out, new RegExp(`inet ${started.podIP.replace(/\./g, '\\.')}/24`));
  const mtu = await collect(runtime.exec(pod, ['cat', '/sys/class/net/eth0/mtu'], { tty: false }));
  assert.equal(mtu.out.trim(), '1450');
  const dns = await collect(runtime.exec(pod, ['getent', 'hosts', 'kubernetes.default'], { tty: false }));
  assert.match(dns.out, /^198\.18\.128\.1\s/);
  const curl = await collect(
    runtime.exec(pod, httpCodeArgv('http://app.example.test/healthz', 5), { tty: false }),
  );
  assert.equal(curl.out, '200');
  const exit = await collect(runtime.exec(pod, ['sh', '-c', 'exit 3'], { tty: false }));
  assert.equal(exit.code, 3);

  // A second pod on the default node (node-1) gets another address.
  const other = probePod('probe-b');
  const second = await runtime.startPod(other);
  t.after(() => runtime.stopPod(other));
  assert.equal(second.nodeName, 'node-1');
  assert.match(second.podIP, /^198\.18\.16\./);

  // hostNetwork: no namespace of its own, exec runs in the node's.
  const host = probePod('probe-host', { nodeName: 'node-1', hostNetwork: true });
  assert.deepEqual(await runtime.startPod(host), {
    podIP: '198.18.0.11',
    hostIP: '198.18.0.11',
    nodeName: 'node-1',
  });
  const ct = await collect(
    runtime.exec(host, ['cat', '/proc/sys/net/netfilter/nf_conntrack_max'], { tty: false }),
  );
  assert.match(ct.out, /^\d+/);
  const nodeAddr = await collect(
    runtime.exec(host, ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'], { tty: false }),
  );
  assert.match(nodeAddr.out, /inet 198\.18\.0\.11\//);

  await runtime.stopPod(pod);
  const netns = (await lab.pods()).find((p) => p.pod === 'default/probe-a');
  assert.equal(netns, undefined, 'its address is released');
  assert.equal(existsSync('/run/netns/idl-podrt-pod-default-probe-a'), false);
  assert.equal(existsSync('/etc/netns/idl-podrt-pod-default-probe-a'), false);
  await assert.rejects(
    runtime.startPod(probePod('probe-c', { nodeName: 'node-9' })),
    /node "node-9" not found/,
  );
});
