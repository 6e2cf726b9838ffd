import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { curlStatus, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault upstream-header-too-big: 8 KB response headers, 4k proxy buffer; 502',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'hdrbig', faults: ['upstream-header-too-big'] });
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 502);
    const log = await readFile(path.join(lab.stateDir, 'logs', 'nginx-error.log'), 'utf8');
    assert.match(log, /upstream sent too big header while reading response header from upstream/);
  },
);
