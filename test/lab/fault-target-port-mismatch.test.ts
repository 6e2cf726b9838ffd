import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { curlStatus, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault target-port-mismatch: the controller connects to a closed port; 502 refused',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'tport', faults: ['target-port-mismatch'] });
    const r = await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 });
    assert.equal(r.status, 502);
    assert.ok(r.seconds < 2, `refused quickly, took ${r.seconds}s`);
    const log = await readFile(path.join(lab.stateDir, 'logs', 'nginx-error.log'), 'utf8');
    assert.match(log, /connect\(\) failed \(111: Connection refused\) while connecting to upstream.*:8081\//);
  },
);
