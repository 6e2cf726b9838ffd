import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cover, findPathMtu, minRounds, planRound } from '../../src/probes/pmtu.js';
import { simulatedSender } from './simulated-path.js';

const TARGET = '198.18.17.4';

test('cover/minRounds: what k-ary rounds can tell apart', () => {
  assert.equal(cover(16, 1), 17);
  assert.equal(cover(16, 16), 2 ** 16);
  assert.equal(cover(16, 4), 5 ** 4);
  assert.equal(cover(0, 3), 1);
  assert.equal(minRounds(1, 16), 0);
  assert.equal(minRounds(926, 16), 5);
  assert.equal(minRounds(2 ** 16 + 1, 16), undefined);
});

test('planRound: sizes stay inside the bracket and pin the likely size with a pair', () => {
  const sizes = planRound(575, 1501, 16, [[1500], [1450, 1451], [576]]);
  assert.ok(sizes.every((s) => s > 575 && s < 1501));
  for (const s of [1500, 1450, 1451]) assert.ok(sizes.includes(s), `round 1 includes ${s}: ${sizes}`);
  assert.ok(sizes.length <= 16);
  assert.deepEqual(planRound(1450, 1451, 16, [[1450]]), [], 'nothing left to learn');
  assert.deepEqual(
    planRound(1440, 1444, 16, []),
    [1441, 1442, 1443],
    'a small bracket is finished in one round',
  );
});

for (const mode of ['silent', 'icmp'] as const) {
  test(`findPathMtu (${mode}): exact for EVERY path MTU 576..1500 on a 1500 interface, ≤ 16 probes, ≤ 7 rounds`, async () => {
    let worstRounds = 0;
    for (let p = 576; p <= 1500; p++) {
      const send = simulatedSender({ pathMtu: p, interfaceMtu: 1500, mode });
      const r = await findPathMtu(TARGET, send, { maxMtu: 1500, interfaceMtu: 1500 });
      assert.equal(r.status, 'found', `path ${p}: ${r.summary}`);
      assert.equal(r.pathMtu, p);
      assert.equal(r.exact, true);
      assert.ok(r.probes.length <= 16, `path ${p}: ${r.probes.length} probes`);
      assert.equal(send.sent, r.probes.length);
      if (p < 1500) {
        assert.equal(r.firstFailing, p + 1);
        assert.equal(r.fate, mode === 'silent' ? 'silent' : r.rounds === 1 ? 'icmp' : r.fate);
        assert.equal(r.silentLoss, mode === 'silent');
      } else {
        assert.equal(r.fate, undefined);
      }
      worstRounds = Math.max(worstRounds, r.rounds);
    }
    assert.ok(worstRounds <= (mode === 'silent' ? 7 : 3), `worst case ${worstRounds} rounds`);
  });
}

test('findPathMtu: exact on a 9000 (jumbo) interface for a sample of path MTUs, ≤ 24 probes', async () => {
  for (let p = 576; p <= 9000; p += 97) {
    for (const mode of ['silent', 'icmp'] as const) {
      const r = await findPathMtu(TARGET, simulatedSender({ pathMtu: p, interfaceMtu: 9000, mode }), {
        maxMtu: 9000,
        interfaceMtu: 9000,
      });
      assert.equal(r.pathMtu, p, `${mode} ${p}`);
      assert.ok(r.exact && r.probes.length <= 24, `${mode} ${p}: ${r.probes.length}`);
    }
  }
});

test('the lab cases finish in one round: healthy 1450 pods, blackhole 1500 pods over a 1450 path, jumbo', async () => {
  const cases = [
    { iface: 1450, path: 1450, probes: 16 },
    { iface: 1500, path: 1450, probes: 16 },
    { iface: 1500, path: 1500, probes: 16 },
    { iface: 9000, path: 9000, probes: 24 },
    { iface: 9000, path: 1500, probes: 24 },
    { iface: 9000, path: 8950, probes: 24 },
  ];
  for (const c of cases) {
    const r = await findPathMtu(
      TARGET,
      simulatedSender({ pathMtu: c.path, interfaceMtu: c.iface, mode: 'silent' }),
      {
        maxMtu: c.iface,
        interfaceMtu: c.iface,
      },
    );
    assert.equal(r.pathMtu, c.path);
    assert.equal(r.rounds, 1, `${c.iface}→${c.path}: ${r.rounds} rounds`);
    assert.ok(r.probes.length <= c.probes);
  }
});

test('ICMP "fragmentation needed" is reported as PMTUD working, with the announced MTU and who sent it', async () => {
  const r = await findPathMtu(TARGET, simulatedSender({ pathMtu: 1400, interfaceMtu: 1500, mode: 'icmp' }), {
    maxMtu: 1500,
    interfaceMtu: 1500,
  });
  assert.equal(r.pathMtu, 1400);
  assert.equal(r.fate, 'icmp');
  assert.deepEqual(r.announced, { mtu: 1400, source: 'icmp', from: '198.18.0.1' });
  assert.equal(r.silentLoss, false);
  assert.ok(r.rounds <= 2);
  assert.match(r.summary, /path MTU 1400: .*fragmentation needed.*mtu 1400.*PMTUD works/);
});

test('probes racing in one round (ICMP for the first, "message too long" for the rest) still say ICMP', async () => {
  const r = await findPathMtu(
    TARGET,
    simulatedSender({ pathMtu: 1400, interfaceMtu: 1500, mode: 'icmp', race: true }),
    { maxMtu: 1500, interfaceMtu: 1500 },
  );
  assert.equal(r.pathMtu, 1400);
  assert.ok(
    r.probes.some((p) => p.result.kind === 'too-big-local'),
    'the race happened',
  );
  assert.equal(r.fate, 'icmp');
  assert.equal(r.announced?.source, 'icmp');
});

test('a route MTU cached from an earlier ICMP answer ("message too long") counts as announced', async () => {
  const r = await findPathMtu(
    TARGET,
    simulatedSender({ pathMtu: 1450, interfaceMtu: 1500, mode: 'icmp', cachedMtu: 1450 }),
    { maxMtu: 1500, interfaceMtu: 1500 },
  );
  assert.equal(r.pathMtu, 1450);
  assert.equal(r.fate, 'route-cache');
  assert.deepEqual(r.announced, { mtu: 1450, source: 'route-cache' });
  assert.match(r.summary, /learnt path MTU of 1450/);
});

test('silent loss above the path MTU is the blackhole and says so', async () => {
  const r = await findPathMtu(
    TARGET,
    simulatedSender({ pathMtu: 1450, interfaceMtu: 1500, mode: 'silent' }),
    {
      maxMtu: 1500,
      interfaceMtu: 1500,
    },
  );
  assert.equal(r.fate, 'silent');
  assert.equal(r.silentLoss, true);
  assert.equal(r.announced, undefined);
  assert.match(r.summary, /path MTU 1450: larger packets are silently lost/);
  assert.ok(r.probes.some((p) => p.mtu === 1451 && p.result.kind === 'lost'));
  assert.ok(r.probes.some((p) => p.mtu === 1450 && p.result.kind === 'reply'));
});

test('nothing through even at 576 bytes: unreachable, not an MTU problem, in a few rounds', async () => {
  const r = await findPathMtu(TARGET, simulatedSender({ pathMtu: 100, interfaceMtu: 1500, mode: 'silent' }), {
    maxMtu: 1500,
  });
  assert.equal(r.status, 'unreachable');
  assert.equal(r.pathMtu, undefined);
  assert.ok(r.rounds <= 3, `${r.rounds} rounds`);
  assert.ok(r.probes.some((p) => p.mtu === 576 && p.result.kind === 'lost'));
  assert.match(r.summary, /unreachable, not an MTU problem/);
});

test('every ping erroring stops the search as inconclusive with the reason', async () => {
  const r = await findPathMtu(
    TARGET,
    simulatedSender({
      pathMtu: 1500,
      interfaceMtu: 1500,
      mode: 'silent',
      error: 'connect: Network is unreachable',
    }),
    { maxMtu: 1500 },
  );
  assert.equal(r.status, 'inconclusive');
  assert.equal(r.rounds, 1);
  assert.match(r.notes[0], /every ping failed: connect: Network is unreachable/);
});

test('a random loss contradicted by a larger reply is noted, and the answer stays exact', async () => {
  const r = await findPathMtu(
    TARGET,
    simulatedSender({ pathMtu: 1500, interfaceMtu: 1500, mode: 'silent', flaky: new Set([1450]) }),
    { maxMtu: 1500, interfaceMtu: 1500 },
  );
  assert.equal(r.pathMtu, 1500);
  assert.ok(r.notes.some((n) => /1450 bytes was lost once although 1500 bytes got through/.test(n)));
});

test('a smaller budget still finds the exact answer when it can, and says "at least" when it cannot', async () => {
  const r = await findPathMtu(
    TARGET,
    simulatedSender({ pathMtu: 1000, interfaceMtu: 1500, mode: 'silent' }),
    {
      maxMtu: 1500,
      maxProbes: 4,
    },
  );
  assert.equal(r.exact, false);
  assert.equal(r.status, 'inconclusive');
  assert.ok(r.probes.length <= 4);
  assert.ok(r.pathMtu !== undefined && r.pathMtu <= 1000 && (r.firstFailing ?? 0) > 1000);
  assert.match(r.summary, /path MTU at least \d+, below \d+/);
});

test('likely sizes given by the caller are tried early (e.g. the configured CNI MTU)', async () => {
  const r = await findPathMtu(
    TARGET,
    simulatedSender({ pathMtu: 1234, interfaceMtu: 1500, mode: 'silent' }),
    {
      maxMtu: 1500,
      interfaceMtu: 1500,
      likely: [1234],
    },
  );
  assert.equal(r.pathMtu, 1234);
  assert.equal(r.rounds, 1);
});

test('a loopback-sized MTU (65536) is capped at the largest IP packet, 65535', async () => {
  const r = await findPathMtu(
    TARGET,
    simulatedSender({ pathMtu: 65535, interfaceMtu: 65536, mode: 'silent' }),
    {
      maxMtu: 65536,
    },
  );
  assert.equal(r.pathMtu, 65535);
  assert.equal(r.range.max, 65535);
  assert.equal(r.rounds, 1);
});
