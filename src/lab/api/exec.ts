import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { V1Pod } from '@kubernetes/client-node';
import type { WebSocket } from 'ws';
import type { PodRuntime } from '../runtime.js';
import { badRequest, type StatusBody } from './status.js';
import type { KubeObject } from './store.js';

/** Subprotocols in the server's order of preference (v5 adds the stdin close signal). */
export const EXEC_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

export interface ExecRequest {
  argv: string[];
  container: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

function flag(params: URLSearchParams, name: string): boolean {
  const v = params.get(name);
  return v === '1' || v === 'true' || v === 'True';
}

/** Picks the first protocol the client offers that we speak, following the client's order like the real API. */
export function negotiateProtocol(offered: string | undefined): string | undefined {
  const list = (offered ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return list.find((p) => EXEC_PROTOCOLS.includes(p));
}

/** Validates an exec request against the pod, with the real API's 400 messages. */
export function parseExecRequest(params: URLSearchParams, pod: KubeObject): ExecRequest {
  const name = pod.metadata.name;
  const spec = (pod.spec ?? {}) as { containers?: { name?: string }[] };
  const names = (spec.containers ?? []).map((c) => c.name ?? '');
  const container = params.get('container') || names[0] || '';
  if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  const phase = ((pod.status ?? {}) as { phase?: string }).phase ?? 'Pending';
  if (phase === 'Succeeded' || phase === 'Failed') {
    throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  }
  if (phase !== 'Running') {
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
  }
  const argv = params.getAll('command').filter((c) => c !== '');
  if (argv.length === 0) throw badRequest('you must specify at least 1 command');
  const req = {
    argv,
    container,
    stdin: flag(params, 'stdin'),
    stdout: flag(params, 'stdout'),
    stderr: flag(params, 'stderr'),
    tty: flag(params, 'tty'),
  };
  if (!req.stdin && !req.stdout && !req.stderr) {
    throw badRequest('you must specify at least one of stdin, stdout, stderr');
  }
  return req;
}

/** The final message on the error channel: Success, or the exit code the way kubelet reports it. */
export function exitStatus(
  argv: string[],
  code: number,
): Omit<StatusBody, 'code' | 'apiVersion' | 'kind'> & {
  metadata: Record<string, never>;
} {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = channel;
  body.copy(out, 1);
  return out;
}

/**
 * Runs one exec session: the command's stdout/stderr go out on channels 1/2, stdin comes in on 0, and the
 * exit status is the last message (channel 3) before a normal close. Returns a function that aborts it.
 */
export function runExecSession(
  ws: WebSocket,
  protocol: string,
  pod: KubeObject,
  req: ExecRequest,
  runtime: PodRuntime,
): () => void {
  const structuredStatus = protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io';
  let child: ChildProcess;
  let finished = false;
  const finish = (payload: string | undefined) => {
    if (finished) return;
    finished = true;
    if (ws.readyState === ws.OPEN) {
      if (payload !== undefined) ws.send(frame(ERROR, payload));
      ws.close(1000);
    }
  };
  try {
    child = runtime.exec(pod as unknown as V1Pod, req.argv, { tty: req.tty });
  } catch (err) {
    finish(failure(structuredStatus, (err as Error).message));
    return () => {};
  }
  // kubelet announces readiness with an empty frame on the lowest writable channel.
  ws.send(frame(req.stdout ? STDOUT : req.stderr ? STDERR : ERROR, Buffer.alloc(0)));

  child.stdin?.on('error', () => {});
  if (!req.stdin) child.stdin?.end();
  child.stdout?.on('data', (d: Buffer) => {
    if (req.stdout && ws.readyState === ws.OPEN) ws.send(frame(STDOUT, d));
  });
  child.stderr?.on('data', (d: Buffer) => {
    const channel = req.stderr ? STDERR : req.tty && req.stdout ? STDOUT : -1;
    if (channel >= 0 && ws.readyState === ws.OPEN) ws.send(frame(channel, d));
  });
  child.on('error', (err) => {
    finish(failure(structuredStatus, `error executing command in container: ${err.message}`));
  });
  child.on('close', (code, signal) => {
    const exit = code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1);
    if (structuredStatus) finish(JSON.stringify(exitStatus(req.argv, exit)));
    else finish(exit === 0 ? undefined : `command terminated with non-zero exit code: exit code ${exit}`);
  });

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const buf = isBinary ? data : Buffer.from(data);
    if (buf.length === 0) return;
    const channel = buf[0];
    if (channel === STDIN && req.stdin) child.stdin?.write(buf.subarray(1));
    else if (channel === CLOSE && buf[1] === STDIN) child.stdin?.end();
    else if (channel === RESIZE) {
      // Resize requests are accepted and ignored: the lab runs commands on pipes, not terminals.
    }
  });
  const abort = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  ws.on('close', () => {
    finished = true;
    abort();
  });
  return () => {
    abort();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.terminate();
  };
}

function failure(structured: boolean, message: string): string {
  if (!structured) return message;
  return JSON.stringify({ metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 });
}
