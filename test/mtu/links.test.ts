import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  effectiveMtu,
  interfaceArgv,
  overlayLinks,
  parseInterfaceReport,
  parseIpLinks,
  parseRouteGet,
} from '../../src/mtu/links.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/mtu/ip');

test('parseIpLinks: recorded `ip -o -d link show` with veth, an unbound-capable vxlan and a bridge', () => {
  const links = parseIpLinks(readFileSync(path.join(FIXTURES, 'node-links.txt'), 'utf8'));
  assert.deepEqual(
    links.map((l) => [l.name, l.mtu, l.kind, l.up, l.boundTo]),
    [
      ['lo', 65536, undefined, false, undefined],
      ['ra', 1500, 'veth', true, undefined],
      ['eth1', 1400, 'veth', true, undefined],
      ['vx0', 1350, 'vxlan', true, 'eth1'],
      ['br0', 1500, 'bridge', true, undefined],
    ],
  );
  assert.deepEqual(
    overlayLinks(links).map((l) => l.name),
    ['vx0'],
  );
});

test('parseIpLinks: a VXLAN created without `dev` has no boundTo; garbage lines are skipped', () => {
  const out =
    '7: vxlan.calico: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN mode DEFAULT group default \\    link/ether 66:93:0c:91:10:db brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 68 maxmtu 65535 \\    vxlan id 4096 local 198.18.0.11 srcport 0 0 dstport 4789 nolearning ttl auto ageing 300\nnot a link line\n';
  const [l] = parseIpLinks(out);
  assert.equal(l.name, 'vxlan.calico');
  assert.equal(l.kind, 'vxlan');
  assert.equal(l.mtu, 1500);
  assert.equal(l.boundTo, undefined);
  assert.equal(parseIpLinks('RTNETLINK answers: Operation not permitted').length, 0);
});

test('parseRouteGet: plain, cached PMTU, route mtu attribute, error', () => {
  assert.deepEqual(
    parseRouteGet(
      '198.19.251.2',
      '198.19.251.2 via 198.19.250.1 dev eth0 src 198.19.250.2 uid 0 \n    cache \n',
    ),
    {
      peer: '198.19.251.2',
      dev: 'eth0',
      via: '198.19.250.1',
      src: '198.19.250.2',
      cached: false,
    },
  );
  const cached = parseRouteGet(
    '198.19.251.2',
    '198.19.251.2 via 198.19.250.1 dev eth0 src 198.19.250.2 uid 0 \n    cache expires 599sec mtu 1400 \n',
  );
  assert.equal(cached.mtu, 1400);
  assert.equal(cached.cached, true);
  const attr = parseRouteGet(
    '198.18.17.4',
    '198.18.17.4 dev cilium_host src 198.18.16.9 uid 0 \n    cache mtu 1450\n',
  );
  assert.equal(attr.mtu, 1450);
  assert.equal(attr.cached, false);
  assert.match(
    parseRouteGet('198.18.99.1', 'RTNETLINK answers: Network is unreachable\n').error ?? '',
    /unreachable/,
  );
});

test('effectiveMtu: a route mtu attribute caps the interface, a cached PMTU does not change the sender MTU', () => {
  const report = parseInterfaceReport(
    [
      '::idoc-mtu links',
      '2: eth0@if9: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP',
      '::idoc-mtu route 198.18.17.4',
      '198.18.17.4 dev eth0 src 198.18.16.9 uid 0 ',
      '    cache mtu 1450 ',
      '::idoc-mtu route 198.18.17.5',
      '198.18.17.5 via 198.18.16.1 dev eth0 src 198.18.16.9 uid 0 ',
      '    cache expires 300sec mtu 1400 ',
      '::idoc-mtu end',
      '',
    ].join('\n'),
  );
  assert.deepEqual(report.problems, []);
  assert.deepEqual(effectiveMtu(report, '198.18.17.4'), { mtu: 1450, dev: 'eth0', cached: false });
  assert.deepEqual(effectiveMtu(report, '198.18.17.5'), { mtu: 1500, dev: 'eth0', cached: true });
  assert.deepEqual(effectiveMtu(report, '198.18.17.6'), { cached: false });
});

test('parseInterfaceReport: says so when nothing could be read', () => {
  assert.match(parseInterfaceReport('').problems[0], /printed nothing/);
  assert.match(
    parseInterfaceReport('::idoc-mtu links\nsh: ip: not found\n::idoc-mtu end\n').problems[0],
    /could not read interfaces: sh: ip: not found/,
  );
});

test('interfaceArgv runs here: real `ip` output round-trips through the parser', () => {
  const argv = interfaceArgv(['127.0.0.1', 'bad target; rm -rf /']);
  assert.ok(!argv[2].includes('rm -rf'), 'invalid peers are dropped, never reach the shell');
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 5000 });
  const report = parseInterfaceReport(r.stdout);
  assert.ok(report.links.some((l) => l.name === 'lo' && l.mtu === 65536));
  assert.equal(report.routes[0].peer, '127.0.0.1');
  assert.equal(report.routes[0].dev, 'lo');
});

test('without a working `ip`, the interfaces still come from /sys/class/net', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idoc-noip-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'ip'), '#!/bin/sh\necho "ip: applet not found" >&2\nexit 1\n');
  chmodSync(path.join(dir, 'ip'), 0o755);
  const argv = interfaceArgv(['127.0.0.1']);
  const r = spawnSync(argv[0], argv.slice(1), {
    encoding: 'utf8',
    timeout: 5000,
    env: { PATH: `${dir}:${process.env.PATH}` },
  });
  const report = parseInterfaceReport(r.stdout);
  const lo = report.links.find((l) => l.name === 'lo');
  assert.equal(lo?.mtu, 65536);
  assert.deepEqual(report.problems, []);
  assert.equal(report.routes[0].dev, undefined, 'no route without ip');
});
