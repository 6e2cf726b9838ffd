import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTarget, TargetError } from '../../src/protocol/target.js';

test('targets: URL, host/path, ingress/NAME, httproute/NS/NAME', () => {
  assert.deepEqual(parseTarget('https://Shop.Example.com/api/cart?x=1'), {
    kind: 'url',
    input: 'https://Shop.Example.com/api/cart?x=1',
    scheme: 'https',
    host: 'shop.example.com',
    port: 443,
    path: '/api/cart?x=1',
  });
  const h = parseTarget('app.example.test/healthz');
  assert.equal(
    h.kind === 'url' && `${h.scheme} ${h.host} ${h.port} ${h.path}`,
    'http app.example.test 80 /healthz',
  );
  const p = parseTarget('http://198.19.0.10:8080');
  assert.equal(p.kind === 'url' && `${p.port} ${p.path}`, '8080 /');
  assert.deepEqual(parseTarget('ingress/web'), { kind: 'ingress', input: 'ingress/web', name: 'web' });
  assert.deepEqual(parseTarget('httproute/shop/web'), {
    kind: 'httproute',
    input: 'httproute/shop/web',
    namespace: 'shop',
    name: 'web',
  });
});

test('targets: bad input is a TargetError saying what is accepted', () => {
  for (const bad of ['', 'ftp://x/', 'ingress/Bad_Name', 'http://']) {
    assert.throws(
      () => parseTarget(bad),
      (e: unknown) => e instanceof TargetError && /URL|ingress|scheme|host/.test(e.message),
    );
  }
});
