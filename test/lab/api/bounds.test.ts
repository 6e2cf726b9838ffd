import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { type Lab, startTestLab } from './harness.js';

// The lab API bounded like kube-apiserver: watchers that do not read are closed; the rest see every event.
describe('lab API bounds', () => {
  let lab: Lab;
  before(async () => {
    lab = await startTestLab();
  });
  after(async () => {
    await lab?.close();
  });

  const watch = (onData?: (chunk: Buffer) => void): TLSSocket => {
    const s = connect({ host: '127.0.0.1', port: lab.api.port, rejectUnauthorized: false });
    s.write(
      `GET /api/v1/namespaces/shop/configmaps?watch=1&resourceVersion=${lab.store.resourceVersion} HTTP/1.1\r\nHost: lab\r\nAuthorization: Bearer ${lab.files.token}\r\n\r\n`,
    );
    if (onData) s.on('data', onData);
    else s.pause();
    s.on('error', () => {});
    return s;
  };

  it('closes watchers that stop reading and keeps the ones that read', async () => {
    const stalled = Array.from({ length: 20 }, () => watch());
    let seen = 0;
    let buffered = '';
    const reader = watch((chunk) => {
      buffered += chunk.toString('latin1');
      seen = (buffered.match(/"type":"(ADDED|MODIFIED)"/g) ?? []).length;
    });
    await new Promise((r) => setTimeout(r, 300));
    const big = 'x'.repeat(512 * 1024);
    const ca = await readFile(lab.files.caPath);
    const call = (method: string, path: string, body: unknown, type = 'application/json') =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          `${lab.url}${path}`,
          { method, ca, headers: { Authorization: `Bearer ${lab.files.token}`, 'Content-Type': type } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    assert.equal(
      await call('POST', '/api/v1/namespaces/shop/configmaps', {
        metadata: { name: 'big' },
        data: { payload: big },
      }),
      201,
    );
    for (let i = 0; i < 40; i++) {
      const code = await call(
        'PATCH',
        '/api/v1/namespaces/shop/configmaps/big',
        { data: { payload: `${i}${big}` } },
        'application/merge-patch+json',
      );
      assert.equal(code, 200);
    }
    const closed = await Promise.all(
      stalled.map(
        (s) =>
          new Promise<boolean>((resolve) => {
            if (s.destroyed || s.readableEnded) return resolve(true);
            const timer = setTimeout(() => resolve(false), 20_000);
            s.on('close', () => {
              clearTimeout(timer);
              resolve(true);
            });
            s.resume();
          }),
      ),
    );
    assert.deepEqual(
      closed,
      stalled.map(() => true),
      'every stalled watcher was closed by the server',
    );
    for (let i = 0; i < 100 && seen < 41; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(seen, 41, 'the reading watcher saw the create and every update');
    assert.equal(reader.destroyed, false);
    reader.destroy();
  });
});
