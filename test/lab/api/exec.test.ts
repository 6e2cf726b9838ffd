import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { type Lab, startTestLab } from './harness.js';

interface Session {
  protocol: string;
  frames: { channel: number; data: string }[];
  closeCode: number;
}

// The exec subprotocols frame by frame, with a plain WebSocket client.
describe('exec over WebSocket', () => {
  let lab: Lab;
  let ca: Buffer;
  before(async () => {
    lab = await startTestLab();
    ca = await readFile(lab.files.caPath);
  });
  after(async () => {
    await lab?.close();
  });

  function open(
    query: string,
    protocols: string[],
    send: (ws: WebSocket) => void = () => {},
  ): Promise<Session | { status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(
        `wss://127.0.0.1:${lab.api.port}/api/v1/namespaces/shop/pods/web-1/exec?${query}`,
        protocols,
        {
          ca,
          headers: { Authorization: `Bearer ${lab.files.token}` },
        },
      );
      const frames: Session['frames'] = [];
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.on('open', () => send(ws));
      ws.on('message', (d: Buffer) => frames.push({ channel: d[0]!, data: d.subarray(1).toString() }));
      ws.on('close', (code) => resolve({ protocol: ws.protocol, frames, closeCode: code }));
      ws.on('error', reject);
    });
  }

  it('v4: announces readiness, streams stdout/stderr, ends with a Status and a normal close', async () => {
    const s = (await open(
      'command=sh&command=-c&command=echo%20a%3B%20echo%20b%20%3E%262%3B%20exit%202&stdout=1&stderr=1',
      ['v4.channel.k8s.io'],
    )) as Session;
    assert.equal(s.protocol, 'v4.channel.k8s.io');
    assert.deepEqual(s.frames[0], { channel: 1, data: '' });
    const out = s.frames
      .filter((f) => f.channel === 1)
      .map((f) => f.data)
      .join('');
    const err = s.frames
      .filter((f) => f.channel === 2)
      .map((f) => f.data)
      .join('');
    assert.deepEqual([out, err], ['a\n', 'b\n']);
    const last = s.frames[s.frames.length - 1]!;
    assert.equal(last.channel, 3);
    const status = JSON.parse(last.data);
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '2' }]);
    assert.equal(s.closeCode, 1000);
  });

  it('v5: stdin is closed by the 255 close signal', async () => {
    const s = (await open(
      'command=cat&stdin=1&stdout=1',
      ['v5.channel.k8s.io', 'v4.channel.k8s.io'],
      (ws) => {
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('ping')]));
        ws.send(Buffer.from([255, 0]));
      },
    )) as Session;
    assert.equal(s.protocol, 'v5.channel.k8s.io');
    assert.equal(
      s.frames
        .filter((f) => f.channel === 1)
        .map((f) => f.data)
        .join(''),
      'ping',
    );
    assert.deepEqual(JSON.parse(s.frames[s.frames.length - 1]!.data), { metadata: {}, status: 'Success' });
  });

  it('channel.k8s.io: errors are plain text and success sends nothing on channel 3', async () => {
    const ok = (await open('command=true&stdout=1', ['channel.k8s.io'])) as Session;
    assert.equal(ok.protocol, 'channel.k8s.io');
    assert.deepEqual(
      ok.frames.filter((f) => f.channel === 3 && f.data !== ''),
      [],
    );
    const bad = (await open('command=false&stdout=1', ['channel.k8s.io'])) as Session;
    assert.match(bad.frames[bad.frames.length - 1]!.data, /^command terminated with non-zero exit code/);
  });

  it('reports a command that cannot start as a Failure status', async () => {
    const s = (await open('command=%2Fno%2Fsuch%2Fcommand&stdout=1', ['v4.channel.k8s.io'])) as Session;
    const status = JSON.parse(s.frames[s.frames.length - 1]!.data);
    assert.equal(status.status, 'Failure');
    assert.match(status.message, /ENOENT/);
  });

  it('rejects bad requests before upgrading, with Status bodies', async () => {
    const noCommand = (await open('stdout=1', ['v4.channel.k8s.io'])) as { status: number; body: string };
    assert.equal(noCommand.status, 400);
    assert.equal(JSON.parse(noCommand.body).message, 'you must specify at least 1 command');
    const noStreams = (await open('command=true', ['v4.channel.k8s.io'])) as { status: number; body: string };
    assert.equal(noStreams.status, 400);
    const container = (await open('command=true&stdout=1&container=nope', ['v4.channel.k8s.io'])) as {
      status: number;
      body: string;
    };
    assert.equal(JSON.parse(container.body).message, 'container nope is not valid for pod web-1');
    const protocol = (await open('command=true&stdout=1', ['base64.channel.k8s.io'])) as {
      status: number;
      body: string;
    };
    assert.equal(protocol.status, 400);
    assert.match(JSON.parse(protocol.body).message, /v5\.channel\.k8s\.io/);
  });
});
