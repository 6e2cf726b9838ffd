import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlStatus, labUnsupported, withLab } from '../helpers/lab.js';

test(
  'fault proxy-timeout: the app is slower than proxy-read-timeout; 504',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'ptimeout', faults: ['proxy-timeout'] });
    const r = await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 15 });
    assert.equal(r.status, 504);
    assert.ok(r.seconds >= 2 && r.seconds < 10, `after the 2 s read timeout per try, took ${r.seconds}s`);
    const web = (await lab.pods()).find((p) => p.pod.startsWith('shop/'));
    assert.ok(web);
    const direct = await lab.exec(web.netns, [
      'curl',
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{time_total}',
      '--max-time',
      '6',
      'http://127.0.0.1:8080/healthz',
    ]);
    const [code, secs] = direct.stdout.split(' ');
    assert.equal(code, '200');
    assert.ok(Number(secs) >= 2.9, `the app answers, slowly (${secs}s)`);
  },
);

test(
  'fault proxy-timeout=configmap: the timeout lives only in the controller ConfigMap; 504 all the same',
  { skip: labUnsupported() },
  async (t) => {
    const lab = await withLab(t, { name: 'ptimeoutc', faults: ['proxy-timeout=configmap'] });
    const r = await curlStatus(lab, 'http://app.example.test/healthz', { maxTimeS: 15 });
    assert.equal(r.status, 504);
    assert.ok(r.seconds >= 2 && r.seconds < 10, `after the 2 s read timeout per try, took ${r.seconds}s`);
    // What a user sees with kubectl: the ConfigMap holds the timeout, the Ingress names none.
    const cm = await lab.run([
      'kubectl',
      'get',
      'configmap',
      '-n',
      'ingress-nginx',
      'ingress-nginx-controller',
      '-o',
      'jsonpath={.data.proxy-read-timeout}',
    ]);
    assert.equal(cm.stdout, '2', cm.stderr);
    const ing = await lab.run(['kubectl', 'get', 'ingress', '-n', 'shop', 'web', '-o', 'json']);
    const annotations = (JSON.parse(ing.stdout) as { metadata: { annotations?: Record<string, string> } })
      .metadata.annotations;
    assert.equal(annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout'], undefined);
  },
);
