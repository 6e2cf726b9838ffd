import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseConntrackCount, parseConntrackStats } from '../../src/probes/conntrack.js';
import { parsePing } from '../../src/probes/df-ping-check.js';
import { parseGetent } from '../../src/probes/dns.js';
import { curlArgv, parseCurl, summarizeHttp } from '../../src/probes/http.js';
import { shellJoin } from '../../src/probes/shell.js';

// Outputs recorded on this machine (curl 7.88.1, iputils 20221126) against local servers and a scratch netns.
const dir = path.resolve(import.meta.dirname, '../../../test/fixtures/probes');
const rec = JSON.parse(readFileSync(path.join(dir, 'recorded.json'), 'utf8')) as Record<
  string,
  { exitCode: number; stdout: string; stderr: string }
>;
function curl(name: string) {
  const r = rec[name];
  assert.ok(r, `fixture ${name}`);
  return parseCurl(r.stdout, r.stderr, r.exitCode);
}

const table: [string, string, Partial<ReturnType<typeof parseCurl>>][] = [
  ['ok', 'response', { status: 200, connected: true, exitCode: 0 }],
  ['notfound', 'response', { status: 404 }],
  ['bigheader', 'response', { status: 200, headerBytes: 8131 }],
  ['stall', 'stall', { status: 200, bytes: 20000, exitCode: 28 }],
  ['slow', 'timeout', { status: 0, bytes: 0, connected: true, exitCode: 28 }],
  ['conn-timeout', 'timeout', { connected: false, exitCode: 28 }],
  ['refused', 'refused', { exitCode: 7 }],
  ['empty', 'empty-reply', { exitCode: 52 }],
  ['reset', 'reset', { exitCode: 56 }],
  ['tls-to-http', 'tls-error', { exitCode: 35 }],
  ['http-to-https', 'empty-reply', { exitCode: 52 }],
  ['https-k', 'response', { status: 200 }],
  ['cert-mismatch', 'cert-error', { exitCode: 60 }],
  ['dns-fail', 'dns-error', { exitCode: 6 }],
];

for (const [name, outcome, fields] of table) {
  test(`curl %{json} ${name} → ${outcome}`, () => {
    const r = curl(name);
    assert.equal(r.outcome, outcome);
    for (const [k, v] of Object.entries(fields))
      assert.equal((r as unknown as Record<string, unknown>)[k], v, k);
    assert.ok(summarizeHttp(r).length > 0);
  });
}

test('curl: a stall is told apart from a plain timeout and summarised with its bytes', () => {
  assert.match(summarizeHttp(curl('stall')), /stalled: HTTP 200, 20 KB then nothing/);
  assert.match(summarizeHttp(curl('conn-timeout')), /no connection/);
  assert.match(summarizeHttp(curl('slow')), /connected in \d+ ms, then no answer/);
});

test('curl: garbage or missing output is an error value, never a throw', () => {
  assert.equal(parseCurl('', '', 127).outcome, 'error');
  assert.equal(parseCurl('not json', '', 0).outcome, 'error');
  assert.match(parseCurl('', '', 127).errormsg ?? '', /not found/);
  // exit code from the process when the JSON has none (killed by the batch timeout)
  assert.equal(parseCurl('', 'curl: (28) Operation timed out', 28).outcome, 'timeout');
});

test('curl argv: the command a human re-runs, Host and --resolve quoted for a shell', () => {
  const argv = curlArgv({
    url: 'http://app.example.test/healthz',
    host: 'app.example.test',
    resolve: { host: 'app.example.test', port: 80, address: '198.19.0.10' },
    maxTimeS: 3,
  });
  assert.equal(
    shellJoin(argv),
    "curl -sS -o /dev/null -w '%{json}' --max-time 3 -H 'Host: app.example.test' --resolve app.example.test:80:198.19.0.10 http://app.example.test/healthz",
  );
});

test('ping with DF: reply, silent loss, local "message too long", frag needed', () => {
  const p = (n: string, size: number) => {
    const r = rec[n];
    assert.ok(r);
    return parsePing(r.stdout, r.stderr, r.exitCode, size);
  };
  assert.equal(p('ping-ok', 1472).received, 1);
  const lost = p('ping-lost', 1472);
  assert.equal(lost.received, 0);
  assert.equal(lost.silentLoss, true);
  const local = p('ping-toolong', 1472);
  assert.equal(local.silentLoss, false);
  assert.equal(local.localMtu, 1400);
  const frag = p('ping-frag-needed', 1472);
  assert.equal(frag.silentLoss, false);
  assert.equal(frag.fragNeededMtu, 1450);
});

test('getent ahosts: addresses deduplicated; exit 2 = does not resolve', () => {
  const r = rec.getent;
  assert.ok(r);
  assert.deepEqual(parseGetent('localhost', r.stdout, r.stderr, r.exitCode).addresses, ['127.0.0.1']);
  const nx = parseGetent('nonexistent.invalid', '', '', 2);
  assert.equal(nx.notFound, true);
  assert.deepEqual(nx.addresses, []);
});

test('conntrack counters and conntrack -S statistics', () => {
  const c = rec.ct;
  const s = rec.cts;
  assert.ok(c && s);
  assert.deepEqual(parseConntrackCount(c.stdout, c.stderr, c.exitCode), {
    kind: 'conntrack',
    count: 0,
    max: 262144,
  });
  const st = parseConntrackStats(s.stdout, s.stderr, s.exitCode);
  assert.deepEqual(st.stats, { drop: 0, insertFailed: 0, earlyDrop: 0, found: 0, insert: 0 });
  const busy = parseConntrackStats(
    'cpu=0 found=1 insert=2 insert_failed=3 drop=4 early_drop=5\ncpu=1 drop=6\n',
    '',
    0,
  );
  assert.equal(busy.stats?.drop, 10);
  assert.equal(busy.stats?.insertFailed, 3);
  assert.match(
    parseConntrackCount('', 'cat: /proc/sys/net/netfilter/nf_conntrack_count: No such file', 1).error ?? '',
    /No such file/,
  );
});
