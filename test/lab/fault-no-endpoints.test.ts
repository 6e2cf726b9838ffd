import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { curlStatus, httpCodeIn, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault no-endpoints: the Service selects no pods; the controller answers 503',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'noendp', faults: ['no-endpoints'] });
    assert.equal((await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 5 })).status, 503);
    const list = JSON.parse(await readFile(path.join(lab.stateDir, 'objects.json'), 'utf8')) as {
      items: { kind: string; metadata: { name: string; namespace?: string }; subsets?: unknown[] }[];
    };
    const ep = list.items.find(
      (o) => o.kind === 'Endpoints' && o.metadata.namespace === 'shop' && o.metadata.name === 'web',
    );
    assert.ok(ep && !ep.subsets, 'Endpoints shop/web has no subsets');
    // The pods themselves are fine.
    const pods = await lab.pods();
    const web = pods.find((p) => p.pod.startsWith('shop/'));
    assert.ok(web);
    const direct = await httpCodeIn(
      lab,
      lab.netns.nodes['node-2'] as string,
      `http://${web.ip}:8080/healthz`,
      3,
    );
    assert.equal(direct.stdout, '200');
  },
);
