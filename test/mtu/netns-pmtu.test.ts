import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { findPathMtu, sendFrom } from '../../src/probes/pmtu.js';
import { execLocal } from '../../src/vantage/local.js';
import type { Vantage } from '../../src/vantage/types.js';

/**
 * The search on a real kernel, no lab: sender ── router ── receiver in three network namespaces, the
 * router's link to the receiver at MTU 1400. With ICMP working the router answers "Frag needed" and the
 * sender's route cache learns 1400 (a second search sees "message too long, mtu=1400"); with the router's
 * ICMP dropped the same path is silent. Addresses from 198.18.0.0/15; everything removed afterwards.
 */
const skip = process.platform !== 'linux' || process.getuid?.() !== 0 ? 'needs Linux and root' : undefined;

function sh(script: string): void {
  const r = spawnSync('bash', ['-c', `set -e\n${script}`], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`setup failed: ${r.stderr}`);
}

function path3(t: { after: (fn: () => void) => void }, icmp: boolean): { sender: Vantage; target: string } {
  const id = `h6p${process.pid % 10000}${icmp ? 'i' : 's'}`;
  const [a, r, b] = [`${id}-a`, `${id}-r`, `${id}-b`];
  t.after(() => {
    spawnSync('bash', ['-c', `ip netns del ${a}; ip netns del ${r}; ip netns del ${b}`], { timeout: 10_000 });
  });
  sh(`
ip netns add ${a}; ip netns add ${r}; ip netns add ${b}
ip -n ${a} link add eth0 type veth peer name ra netns ${r}
ip -n ${r} link add rb type veth peer name eth0 netns ${b}
ip -n ${a} addr add 198.18.250.2/24 dev eth0; ip -n ${a} link set eth0 up; ip -n ${a} link set lo up
ip -n ${r} addr add 198.18.250.1/24 dev ra; ip -n ${r} link set ra up
ip -n ${r} addr add 198.18.251.1/24 dev rb; ip -n ${r} link set rb mtu 1400 up
ip -n ${b} addr add 198.18.251.2/24 dev eth0; ip -n ${b} link set eth0 mtu 1400 up
ip -n ${a} route add default via 198.18.250.1
ip -n ${b} route add default via 198.18.251.1
ip netns exec ${r} sysctl -qw net.ipv4.ip_forward=1
${icmp ? '' : `ip netns exec ${r} nft add table ip h6; ip netns exec ${r} nft add chain ip h6 out '{ type filter hook output priority 0; }'; ip netns exec ${r} nft add rule ip h6 out icmp type destination-unreachable drop`}
`);
  const sender: Vantage = {
    id: 'netns-sender',
    kind: 'local',
    exec: (argv, opts) => execLocal(['ip', 'netns', 'exec', a, ...argv], opts),
  };
  return { sender, target: '198.18.251.2' };
}

test(
  'real kernel, ICMP answered: exact 1400 announced by the router, then learnt in the route cache',
  { skip },
  async (t) => {
    const { sender, target } = path3(t, true);
    const first = await findPathMtu(target, sendFrom(sender), { maxMtu: 1500, interfaceMtu: 1500 });
    assert.equal(first.status, 'found', first.summary);
    assert.equal(first.pathMtu, 1400);
    assert.equal(first.fate, 'icmp');
    assert.deepEqual(first.announced, { mtu: 1400, source: 'icmp', from: '198.18.250.1' });
    assert.equal(first.silentLoss, false);
    assert.ok(
      first.probes.length <= 16 && first.rounds <= 3,
      `${first.probes.length} probes, ${first.rounds} rounds`,
    );
    const again = await findPathMtu(target, sendFrom(sender), { maxMtu: 1500, interfaceMtu: 1500 });
    assert.equal(again.pathMtu, 1400);
    assert.equal(again.fate, 'route-cache');
    assert.ok(again.probes.some((p) => p.result.kind === 'too-big-local' && p.result.mtu === 1400));
    t.diagnostic(
      `ICMP: ${first.probes.length} probes, ${first.rounds} rounds, ${first.durationMs} ms; cached: ${again.probes.length} probes, ${again.rounds} rounds`,
    );
  },
);

test(
  'real kernel, ICMP dropped: the same path is silent above 1400 (the blackhole), still exact',
  { skip },
  async (t) => {
    const { sender, target } = path3(t, false);
    const r = await findPathMtu(target, sendFrom(sender), { maxMtu: 1500, interfaceMtu: 1500 });
    assert.equal(r.status, 'found', r.summary);
    assert.equal(r.pathMtu, 1400);
    assert.equal(r.fate, 'silent');
    assert.equal(r.silentLoss, true);
    assert.equal(r.announced, undefined);
    assert.ok(r.probes.length <= 16, `${r.probes.length} probes`);
    assert.ok(r.durationMs < 3000, `${r.durationMs} ms`);
    t.diagnostic(`silent: ${r.probes.length} probes, ${r.rounds} rounds, ${r.durationMs} ms`);
  },
);
