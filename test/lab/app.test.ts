import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { appConfig, largeBody, startApp } from '../../src/lab/app/server.js';

async function started(env: NodeJS.ProcessEnv, argv: string[] = []) {
  const server = startApp({ ...appConfig(env, argv), port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}` };
}

test('app config: env first, argv overrides, bad numbers fall back', () => {
  const c = appConfig({ HOST: '127.0.0.1', PORT: '9000', RESPONSE_DELAY_MS: 'x' }, [
    '--port',
    '9100',
    '--keep-alive-timeout-ms',
    '1000',
  ]);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 9100);
  assert.equal(c.responseDelayMs, 0);
  assert.equal(c.keepAliveTimeoutMs, 1000);
  assert.equal(appConfig({}, []).keepAliveTimeoutMs, 5000, "Node's default");
});

test('app routes: /healthz 200, / 404, /large ≥ 200 KB JSON, /status/<code>', async (t) => {
  const { server, base } = await started({});
  t.after(() => server.close());
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  assert.equal((await fetch(`${base}/`)).status, 404);
  const large = await fetch(`${base}/large`);
  const text = await large.text();
  assert.ok(text.length >= 200 * 1024);
  assert.ok((JSON.parse(text) as { count: number }).count > 0);
  assert.equal((await fetch(`${base}/status/418`)).status, 418);
  assert.ok(largeBody(1000).length >= 1000);
});

test('app faults: response delay and big headers', async (t) => {
  const { server, base } = await started({ RESPONSE_DELAY_MS: '300', RESPONSE_HEADER_BYTES: '8192' });
  t.after(() => server.close());
  const start = Date.now();
  const r = await fetch(`${base}/healthz`);
  assert.ok(Date.now() - start >= 280);
  assert.equal(r.headers.get('x-debug-trace')?.length, 8192);
});
