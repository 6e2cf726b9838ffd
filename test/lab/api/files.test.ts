import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { prepareApiFiles, readApiFiles } from '../../../src/lab/api/files.js';

describe('prepareApiFiles', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes a CA, a server certificate for the address, a token and a kubeconfig, fast', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lab-files-'));
    dirs.push(dir);
    // Best of three: the budget is for the work itself, not for other engineers' load on a shared machine.
    const times: number[] = [];
    let files = await prepareApiFiles(dir, { address: '198.18.0.2', port: 6443 });
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      files = await prepareApiFiles(dir, { address: '198.18.0.2', port: 6443 });
      times.push(performance.now() - t0);
    }
    assert.ok(
      Math.min(...times) < 200,
      `prepareApiFiles took ${times.map((t) => t.toFixed(0)).join(', ')} ms`,
    );

    const ca = new X509Certificate(await readFile(files.caPath));
    const cert = new X509Certificate(await readFile(files.certPath));
    assert.equal(ca.ca, true);
    assert.equal(cert.ca, false);
    assert.ok(cert.verify(ca.publicKey), 'the server certificate is signed by the CA');
    assert.equal(cert.subjectAltName, 'IP Address:198.18.0.2, DNS:localhost');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(cert.checkIP('198.18.0.2'), '198.18.0.2');
    assert.equal((await stat(files.keyPath)).mode & 0o077, 0, 'the key is private');

    assert.match(files.token, /^[0-9a-f]{48}$/);
    const config = parse(await readFile(files.kubeconfigPath, 'utf8'));
    assert.equal(config['current-context'], 'ingress-doctor-lab');
    assert.deepEqual(config.contexts[0].context, {
      cluster: 'ingress-doctor-lab',
      user: 'ingress-doctor-lab',
      namespace: 'default',
    });
    assert.equal(config.clusters[0].cluster.server, 'https://198.18.0.2:6443');
    assert.equal(
      Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString(),
      await readFile(files.caPath, 'utf8'),
    );
    assert.equal(config.users[0].user.token, files.token);
    assert.equal((await readApiFiles(dir)).token, files.token);
  });

  it('uses a DNS name in the SAN for a host name and makes a new token each time', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lab-files-'));
    dirs.push(dir);
    const a = await prepareApiFiles(dir, { address: 'api.lab.test', port: 443 });
    const cert = new X509Certificate(await readFile(a.certPath));
    assert.equal(cert.subjectAltName, 'DNS:api.lab.test, DNS:localhost');
    const b = await prepareApiFiles(dir, { address: 'api.lab.test', port: 443 });
    assert.notEqual(a.token, b.token);
  });
});
