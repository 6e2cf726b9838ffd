import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostMatches, normalizeHost, pathMatchScore, samePathClaim } from '../../src/graph/match.js';
import type { PathMatchType } from '../../src/graph/types.js';

describe('hosts', () => {
  it('normalises case, port, trailing dot and IPv6 brackets', () => {
    assert.equal(normalizeHost('Shop.Example.COM:8443'), 'shop.example.com');
    assert.equal(normalizeHost('shop.example.com.'), 'shop.example.com');
    assert.equal(normalizeHost('[2001:db8::1]:443'), '2001:db8::1');
    assert.equal(normalizeHost('2001:db8::1'), '2001:db8::1');
  });

  const cases: [string | undefined, string, boolean, boolean][] = [
    // pattern, host, Ingress result, Gateway API result
    [undefined, 'any.host', true, true],
    ['shop.example.com', 'shop.example.com', true, true],
    ['shop.example.com', 'SHOP.example.com:80', true, true],
    ['shop.example.com', 'www.shop.example.com', false, false],
    ['*.example.com', 'a.example.com', true, true],
    ['*.example.com', 'a.b.example.com', false, true],
    ['*.example.com', 'example.com', false, false],
    ['*.example.com', 'aexample.com', false, false],
  ];
  for (const [pattern, host, ingress, gateway] of cases) {
    it(`${pattern ?? '(none)'} vs ${host}: Ingress ${ingress}, Gateway API ${gateway}`, () => {
      assert.equal(hostMatches(pattern, host, false), ingress);
      assert.equal(hostMatches(pattern, host, true), gateway);
    });
  }
});

describe('paths', () => {
  // The examples table of the Ingress spec (kubernetes.io/docs/concepts/services-networking/ingress/#examples).
  const table: [PathMatchType, string, string, boolean][] = [
    ['Prefix', '/', '/anything', true],
    ['Exact', '/foo', '/foo', true],
    ['Exact', '/foo', '/bar', false],
    ['Exact', '/foo', '/foo/', false],
    ['Exact', '/foo/', '/foo', false],
    ['Prefix', '/foo', '/foo', true],
    ['Prefix', '/foo', '/foo/', true],
    ['Prefix', '/foo/', '/foo', true],
    ['Prefix', '/foo/', '/foo/', true],
    ['Prefix', '/aaa/bb', '/aaa/bbb', false],
    ['Prefix', '/aaa/bbb', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
    ['ImplementationSpecific', '/aaa', '/aaa/ccc', true],
    ['RegularExpression', '/v[0-9]+/items', '/v12/items', true],
    ['RegularExpression', '/v[0-9]+/items', '/v12/items/3', false],
    ['RegularExpression', '/v[0-9', '/v1', false], // invalid expressions match nothing
  ];
  for (const [type, rule, path, matches] of table) {
    it(`${type} ${rule} ${matches ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(pathMatchScore(type, rule, path) >= 0, matches);
    });
  }

  it('ranks Exact over any Prefix, longer prefixes over shorter, expressions last', () => {
    const exact = pathMatchScore('Exact', '/a/b', '/a/b');
    const long = pathMatchScore('Prefix', '/a/b', '/a/b');
    const short = pathMatchScore('Prefix', '/a', '/a/b');
    const root = pathMatchScore('Prefix', '/', '/a/b');
    const regex = pathMatchScore('RegularExpression', '/a/.*', '/a/b');
    assert.ok(exact > long && long > short && short > root && root > regex && regex >= 0);
  });

  it('ignores the query string', () => {
    assert.ok(pathMatchScore('Exact', '/search', '/search?q=x') >= 0);
  });

  it('treats "/foo" and "/foo/" Prefix (and ImplementationSpecific) as the same claim, Exact as another', () => {
    assert.equal(samePathClaim('Prefix', '/foo', 'Prefix', '/foo/'), true);
    assert.equal(samePathClaim('Prefix', '/foo', 'ImplementationSpecific', '/foo'), true);
    assert.equal(samePathClaim('Prefix', '/foo', 'Exact', '/foo'), false);
    assert.equal(samePathClaim('Exact', '/foo', 'Exact', '/foo'), true);
  });
});
