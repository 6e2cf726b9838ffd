import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { FAULTS } from '../../src/lab/faults/index.js';
import { captureIO } from '../helpers/io.js';

test('lab faults lists every fault on one line each', async () => {
  const io = captureIO();
  assert.equal(await main(['lab', 'faults'], io), 0);
  for (const f of FAULTS) assert.match(io.out(), new RegExp(`^${f.id} +\\S`, 'm'));
  assert.match(io.out(), /^ +=icmp-filtered +pods at 1500/m);
});

test('lab faults -o json is a versioned document', async () => {
  const io = captureIO();
  assert.equal(await main(['lab', 'faults', '-o', 'json'], io), 0);
  const doc = JSON.parse(io.out()) as { apiVersion: string; faults: { id: string }[] };
  assert.equal(doc.apiVersion, 'ingress-doctor/v1');
  assert.equal(doc.faults.length, FAULTS.length);
});

test('lab up with an unknown fault exits 2 and lists the known ones', async () => {
  const io = captureIO();
  assert.equal(await main(['lab', 'up', '--name', 'x', '--fault', 'gremlins'], io), 2);
  assert.match(io.err(), /unknown fault "gremlins"; known faults: .*mtu-blackhole=icmp-filtered/);
  assert.match(io.err(), /lab faults/);
});

test('lab rejects bad names, bad MTUs and unknown subcommands with exit 2', async () => {
  for (const argv of [
    ['lab', 'up', '--name', 'Bad-Name'],
    ['lab', 'up', '--name', 'waytoolongname'],
    ['lab', 'up', '--underlay-mtu', '70000'],
    ['lab', 'launch'],
    ['lab', 'run', '--name', 'x'],
  ]) {
    const io = captureIO();
    assert.equal(await main(argv, io), 2, argv.join(' '));
    assert.ok(io.err().length > 0, argv.join(' '));
  }
});

test('lab status of a lab that is not up says so (exit 1)', async () => {
  const io = captureIO('', { INGRESS_DOCTOR_LAB_DIR: '/nonexistent-ingress-doctor-test' });
  assert.equal(await main(['lab', 'status', '--name', 'nothere'], io), 1);
  assert.match(io.out(), /lab "nothere" is not up/);
});
