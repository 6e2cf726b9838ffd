import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

test('unknown command exits 2 and prints usage on stderr', async () => {
  const io = captureIO();
  assert.equal(await main(['frobnicate'], io), 2);
  assert.match(io.err(), /unknown command "frobnicate"/);
  assert.match(io.err(), /Commands:/);
});

test('version prints the package version', async () => {
  const io = captureIO();
  assert.equal(await main(['version'], io), 0);
  assert.match(io.out(), /^ingress-doctor \d+\.\d+\.\d+\n$/);
});
