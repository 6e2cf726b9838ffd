import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerFor, buildAnswer, parseQuery, RCODE } from '../../src/lab/dns/wire.js';

/** A query as dig sends it: id, RD, one question. */
function query(name: string, type = 1): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const header = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  const tail = Buffer.from([0, type >> 8, type & 0xff, 0, 1]);
  return Buffer.concat([header, ...labels, tail]);
}

const zone = { records: { 'app.example.test': ['198.19.0.1'] } };

test('dns wire: parses a query and answers A records', () => {
  const q = parseQuery(query('App.Example.Test'));
  assert.ok(q);
  assert.equal(q.name, 'app.example.test');
  const { rcode, ips } = answerFor(q, zone);
  const msg = buildAnswer(q, rcode, ips);
  assert.equal(msg.readUInt16BE(0), 0x1234);
  assert.equal(msg.readUInt16BE(2) & 0x000f, RCODE.noError);
  assert.equal(msg.readUInt16BE(6), 1, 'one answer');
  assert.deepEqual([...msg.subarray(msg.length - 4)], [198, 19, 0, 1]);
});

test('dns wire: NXDOMAIN for unknown names, NODATA for other types, malformed queries dropped', () => {
  const q = parseQuery(query('nope.example.test'));
  assert.ok(q);
  assert.equal(answerFor(q, zone).rcode, RCODE.nxDomain);
  const aaaa = parseQuery(query('app.example.test', 28));
  assert.ok(aaaa);
  assert.deepEqual(answerFor(aaaa, zone), { rcode: RCODE.noError, ips: [] });
  assert.equal(parseQuery(Buffer.from([1, 2, 3])), undefined);
  const truncated = query('app.example.test').subarray(0, 20);
  assert.equal(parseQuery(truncated), undefined);
});
