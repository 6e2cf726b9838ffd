import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  type DfPingResult,
  type DfPingSpec,
  describeDfPing,
  dfPingArgv,
  dfPingBatchArgv,
  mtuForPayload,
  parseDfPing,
  parseDfPingBatch,
  payloadForMtu,
  runDfPings,
  shellQuote,
} from '../../src/probes/ping.js';
import type { ExecResult, Vantage } from '../../src/vantage/types.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/mtu/ping');

interface Recorded {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

function recorded(name: string): Recorded {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Recorded;
}

// Every recorded output (iputils 20221126) and what it must parse to.
const RECORDED: Record<string, DfPingResult> = {
  reply: { kind: 'reply', bytes: 1380, from: '198.19.251.2', ttl: 63, rttMs: 0.069 },
  small: { kind: 'reply', bytes: 556, from: '198.19.251.2', ttl: 63, rttMs: 0.054 },
  fragneeded: { kind: 'frag-needed', mtu: 1400, from: '198.19.250.1' },
  localtoolong: { kind: 'too-big-local', mtu: 1400 },
  'cached-pmtu-above-iface': { kind: 'too-big-local', mtu: 1400 },
  silent: { kind: 'lost' },
  'arp-timeout': { kind: 'lost' },
  hostunreach: { kind: 'unreachable', from: '198.19.250.2', message: 'Destination Host Unreachable' },
  netunreach: { kind: 'unreachable', from: '198.19.250.1', message: 'Destination Net Unreachable' },
  prohibited: { kind: 'unreachable', from: '198.19.250.1', message: 'Destination Host Prohibited' },
  adminprohibited: { kind: 'unreachable', from: '198.19.250.1', message: 'Packet filtered' },
  'output-reject': { kind: 'unreachable', from: '198.19.250.2', message: 'Destination Port Unreachable' },
  'output-drop': { kind: 'lost' },
  unknownhost: { kind: 'error', message: 'nosuch.invalid: Temporary failure in name resolution' },
  nonetroute: { kind: 'error', message: 'connect: Network is unreachable' },
};

test('every recorded ping output has an expectation (and vice versa)', () => {
  const files = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .filter((f) => f !== 'badopt')
    .sort();
  assert.deepEqual(files, Object.keys(RECORDED).sort());
});

for (const [name, expected] of Object.entries(RECORDED)) {
  test(`parseDfPing: recorded "${name}"`, () => {
    const r = recorded(name);
    assert.deepEqual(parseDfPing(r), expected);
  });
}

test('parseDfPing: a bad option is an error that says iputils is needed', () => {
  const r = parseDfPing(recorded('badopt'));
  assert.equal(r.kind, 'error');
  assert.match((r as { message: string }).message, /invalid -M argument: bogus.*iputils/);
});

test('parseDfPing: busybox ping (no -M) is an error, not silent loss', () => {
  const r = parseDfPing({
    exitCode: 1,
    stdout: '',
    stderr: 'ping: unrecognized option: M\nBusyBox v1.36.1 multi-call binary.\n',
  });
  assert.equal(r.kind, 'error');
});

test('parseDfPing: IPv6 "Packet too big" and the IPv6 local error are announced MTUs', () => {
  assert.deepEqual(
    parseDfPing({
      exitCode: 1,
      stdout: 'PING fd00::2(fd00::2) 1452 data bytes\nFrom fd00::1 icmp_seq=1 Packet too big: mtu=1280\n',
      stderr: '',
    }),
    { kind: 'frag-needed', mtu: 1280, from: 'fd00::1' },
  );
  assert.deepEqual(
    parseDfPing({ exitCode: 1, stdout: '', stderr: 'ping: local error: message too long, mtu: 1280\n' }),
    { kind: 'too-big-local', mtu: 1280 },
  );
});

test('parseDfPing: older iputils capitalises "Message too long"', () => {
  assert.deepEqual(
    parseDfPing({ exitCode: 1, stdout: '', stderr: 'ping: local error: Message too long, mtu=1450\n' }),
    {
      kind: 'too-big-local',
      mtu: 1450,
    },
  );
});

test('parseDfPing: reply from a named host keeps the address; start errors and missing binary are errors', () => {
  const r = parseDfPing({
    exitCode: 0,
    stdout: '64 bytes from web-1.shop (198.18.16.5): icmp_seq=1 ttl=64 time=1.2 ms\n',
    stderr: '',
  });
  assert.deepEqual(r, { kind: 'reply', bytes: 64, from: '198.18.16.5', ttl: 64, rttMs: 1.2 });
  assert.deepEqual(parseDfPing({ exitCode: -1, stdout: '', stderr: '', startError: 'spawn ping ENOENT' }), {
    kind: 'error',
    message: 'spawn ping ENOENT',
  });
  assert.equal(parseDfPing({ exitCode: 127, stdout: '', stderr: '' }).kind, 'error');
  assert.equal(parseDfPing({ exitCode: 3, stdout: 'garbage', stderr: '' }).kind, 'error');
});

test('dfPingArgv is the command a human runs; sizes convert both ways; bad targets are refused', () => {
  const spec: DfPingSpec = {
    target: '198.18.17.4',
    payload: payloadForMtu(1450, '198.18.17.4'),
    timeoutS: 0.3,
  };
  assert.deepEqual(dfPingArgv(spec), [
    'ping',
    '-M',
    'do',
    '-s',
    '1422',
    '-c',
    '1',
    '-W',
    '0.3',
    '198.18.17.4',
  ]);
  assert.equal(mtuForPayload(1422, '198.18.17.4'), 1450);
  assert.equal(payloadForMtu(1500, 'fd00::1'), 1452);
  assert.throws(() => dfPingArgv({ ...spec, target: '1.2.3.4; rm -rf /' }), /invalid ping target/);
  assert.throws(() => dfPingArgv({ ...spec, target: '-f' }), /invalid ping target/);
  assert.throws(() => dfPingArgv({ ...spec, payload: -1 }), /invalid ping payload/);
  assert.equal(shellQuote(['sh', '-c', "echo 'x'"]), `sh -c 'echo '\\''x'\\'''`);
});

test('describeDfPing says silent loss and ICMP answers differently', () => {
  const spec: DfPingSpec = { target: '198.18.17.4', payload: 1472, timeoutS: 0.3 };
  assert.match(describeDfPing(spec, { kind: 'lost' }), /1500 bytes: no reply and no ICMP within 0.3 s/);
  assert.match(
    describeDfPing(spec, { kind: 'frag-needed', mtu: 1450, from: '198.18.0.1' }),
    /fragmentation needed.*1450/,
  );
  assert.match(describeDfPing(spec, { kind: 'too-big-local', mtu: 1450 }), /refused locally, route MTU 1450/);
});

/** A fake `ping` on PATH that replays recorded outputs by payload size, to run the real batch script. */
function fakePingDir(bySize: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'idoc-fakeping-'));
  const cases = Object.entries(bySize)
    .map(([size, name]) => {
      const r = recorded(name);
      const out = path.join(dir, `${name}.out`);
      const err = path.join(dir, `${name}.err`);
      writeFileSync(out, r.stdout);
      writeFileSync(err, r.stderr);
      return `  ${size}) sleep 0.$(( $1 % 3 )); cat '${out}'; cat '${err}' >&2; exit ${r.exitCode} ;;`;
    })
    .join('\n');
  // argv: -M do -s SIZE -c 1 -W T TARGET → $4 is the size; a random-ish sleep shuffles completion order.
  const script = `#!/bin/sh\nset -- "$4" "$@"\ncase "$1" in\n${cases}\n  *) echo "ping: unexpected size $1" >&2; exit 2 ;;\nesac\n`;
  writeFileSync(path.join(dir, 'ping'), script);
  chmodSync(path.join(dir, 'ping'), 0o755);
  return dir;
}

function shVantage(env: NodeJS.ProcessEnv): Vantage & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    id: 'local',
    kind: 'local',
    calls,
    async exec(argv, opts): Promise<ExecResult> {
      calls.push(argv);
      const t0 = Date.now();
      const r = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8', timeout: opts.timeoutMs });
      return {
        exitCode: r.status ?? -1,
        stdout: r.stdout ?? '',
        stderr: r.stderr ?? '',
        durationMs: Date.now() - t0,
        timedOut: r.error !== undefined && /ETIMEDOUT/.test(String(r.error)),
      };
    },
  };
}

test('runDfPings: one sh exec runs every ping concurrently and gives each its own output back, in order', async (t) => {
  const dir = fakePingDir({
    '1372': 'reply',
    '1400': 'fragneeded',
    '1300': 'silent',
    '1600': 'localtoolong',
  });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const v = shVantage({ PATH: `${dir}:${process.env.PATH}` });
  const specs: DfPingSpec[] = [1600, 1400, 1372, 1300].map((payload) => ({
    target: '198.19.251.2',
    payload,
    timeoutS: 0.3,
  }));
  const probes = await runDfPings(v, specs);
  assert.equal(v.calls.length, 1, 'one exec for the whole batch');
  assert.deepEqual(
    probes.map((p) => p.result.kind),
    ['too-big-local', 'frag-needed', 'reply', 'lost'],
  );
  assert.equal(probes[2].command, 'ping -M do -s 1372 -c 1 -W 0.3 198.19.251.2');
  assert.match(probes[0].raw.stderr, /message too long, mtu=1400/);
});

test('parseDfPingBatch: a failed exec turns every probe into an error with the reason', () => {
  const specs: DfPingSpec[] = [{ target: '198.18.17.4', payload: 1422, timeoutS: 0.3 }];
  const [p] = parseDfPingBatch(specs, {
    exitCode: -1,
    stdout: '',
    stderr: '',
    durationMs: 5000,
    timedOut: true,
  });
  assert.deepEqual(p.result, { kind: 'error', message: 'the batch of pings timed out after 5000 ms' });
  const [q] = parseDfPingBatch(specs, {
    exitCode: 126,
    stdout: '',
    stderr: 'sh: exec format error\n',
    durationMs: 5,
    timedOut: false,
  });
  assert.match((q.result as { message: string }).message, /exit 126: sh: exec format error/);
  assert.equal(dfPingBatchArgv(specs)[0], 'sh');
});
