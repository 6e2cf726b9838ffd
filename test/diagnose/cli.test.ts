import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TestContext, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import type { Diagnosis } from '../../src/protocol/types.js';
import { captureIO } from '../helpers/io.js';
import { startTestLab } from '../lab/api/harness.js';

/** An HTTP server on loopback that answers like a controller's default backend (404), closed after the test. */
async function fakeLoadBalancer(t: TestContext): Promise<number> {
  const lb = http.createServer((_req, res) => {
    res.statusCode = 404;
    res.end('default backend - 404');
  });
  await new Promise<void>((r) => lb.listen(0, '127.0.0.1', r));
  t.after(() => lb.close());
  return (lb.address() as AddressInfo).port;
}

test('diagnose --help prints the flags and exits 0', async () => {
  const io = captureIO();
  assert.equal(await main(['diagnose', '--help'], io), 0);
  assert.match(io.out(), /--no-probe-pods/);
  assert.match(io.out(), /Exit codes: 0 healthy, 1 broken, 2 usage or input error, 3 inconclusive/);
});

const usage: [string[], RegExp][] = [
  [['diagnose'], /missing TARGET/],
  [['diagnose', 'a', 'b'], /one TARGET expected/],
  [['diagnose', 'ftp://x/'], /unsupported scheme/],
  [['diagnose', 'ingress/Not_A_Name'], /not a valid ingress name/],
  [['diagnose', 'app.example.test', '-o', 'sarif'], /unknown output format "sarif"/],
  [['diagnose', 'app.example.test', '--timeout', 'soon'], /--timeout must be a number/],
  [['diagnose', 'app.example.test', '--lb-address', 'a b'], /--lb-address/],
  [['diagnose', 'app.example.test', '--no-probe-pods', '--keep-probe-pods'], /contradict/],
  [['diagnose', 'app.example.test', '--probe-namespace', 'Bad'], /--probe-namespace/],
  [['diagnose', 'app.example.test', '--bogus'], /Unknown option/],
];
for (const [argv, msg] of usage) {
  test(`usage error exits 2: ${argv.slice(1).join(' ')}`, async () => {
    const io = captureIO();
    assert.equal(await main(argv, io), 2);
    assert.match(io.err(), msg);
    assert.equal(io.out(), '');
  });
}

test('no kubeconfig anywhere: exit 2 with what to do', async () => {
  const io = captureIO('', { HOME: '/nonexistent-h5' });
  assert.equal(await main(['diagnose', 'app.example.test'], io), 2);
  assert.match(io.err(), /no kubeconfig found/);
});

test('an ingress that does not exist: exit 2 naming it and how to list them', async (t) => {
  const lab = await startTestLab();
  t.after(() => lab.close());
  const io = captureIO('', {});
  assert.equal(
    await main(['diagnose', 'ingress/nope', '-n', 'shop', '--kubeconfig', lab.files.kubeconfigPath], io),
    2,
  );
  assert.match(io.err(), /ingress shop\/nope not found/);
});

test('read-only (--no-probe-pods) against the API, JSON out: no pods created, phases say what is left out', async (t) => {
  const lab = await startTestLab();
  t.after(() => lab.close());
  // A stand-in "load balancer" on loopback: the route's host has no rule for an IP, so expect the host trap.
  const port = await fakeLoadBalancer(t);
  const io = captureIO('', {});
  const code = await main(
    [
      'diagnose',
      `http://127.0.0.1:${port}/`,
      '--kubeconfig',
      lab.files.kubeconfigPath,
      '--no-probe-pods',
      '--lb-address',
      '127.0.0.1',
      '-o',
      'json',
    ],
    io,
  );
  const d = JSON.parse(io.out()) as Diagnosis;
  assert.equal(d.schemaVersion, 1);
  assert.equal(code, 1, io.err());
  assert.equal(d.verdict.cause, 'host-rule-mismatch');
  assert.equal(d.phases.find((p) => p.id === 'cluster')?.status, 'skipped');
  assert.match(d.phases.find((p) => p.id === 'nodeport')?.skippedReason ?? '', /--no-probe-pods/);
  assert.ok(d.verdict.unproven.length >= 2);
  assert.ok(d.probes.every((p) => p.vantage === 'local' || p.vantage === 'api'));
  assert.ok(d.apiRequests > 0 && d.apiRequests <= 20);
  const pods = await lab.kubectl([
    'get',
    'pods',
    '-A',
    '-l',
    'app.kubernetes.io/managed-by=ingress-doctor',
    '-o',
    'name',
  ]);
  assert.equal(pods.stdout.trim(), '');
});

test('--report FILE writes a second rendering (HTML) of the same diagnosis; a bad extension is a usage error', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idoc-diag-report-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bad = captureIO();
  assert.equal(await main(['diagnose', 'app.example.test', '--report', path.join(dir, 'r.pdf')], bad), 2);
  assert.match(bad.err(), /cannot tell the format/);
  assert.equal(existsSync(path.join(dir, 'r.pdf')), false);

  const lab = await startTestLab();
  t.after(() => lab.close());
  const port = await fakeLoadBalancer(t);
  const file = path.join(dir, 'incident.html');
  const io = captureIO('', {});
  const code = await main(
    [
      'diagnose',
      `http://127.0.0.1:${port}/`,
      '--kubeconfig',
      lab.files.kubeconfigPath,
      '--no-probe-pods',
      '--lb-address',
      '127.0.0.1',
      '-o',
      'json',
      '--report',
      file,
    ],
    io,
  );
  assert.equal(code, 1, io.err());
  const d = JSON.parse(io.out()) as Diagnosis;
  const html = readFileSync(file, 'utf8');
  assert.match(html, /^<!doctype html>/i);
  assert.ok(html.includes(d.verdict.cause ?? 'no cause'), 'the HTML names the same cause as the JSON');
});
