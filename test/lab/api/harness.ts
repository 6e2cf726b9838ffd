import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { type ApiFiles, prepareApiFiles } from '../../../src/lab/api/files.js';
import type { LabApi } from '../../../src/lab/api/server.js';
import { ObjectStore } from '../../../src/lab/api/store.js';
import { type ControlPlane, startControlPlane } from '../../../src/lab/control-plane.js';
import type { PodRuntime } from '../../../src/lab/runtime.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../../../test/fixtures/lab-api');

/** A PodRuntime without namespaces: exec spawns argv as a local child; start/stop are recorded. */
export class FakeRuntime implements PodRuntime {
  started: string[] = [];
  stopped: string[] = [];
  children = new Set<ChildProcess>();
  startDelayMs = 0;
  /** While set, startPod waits for it: a pod stays Pending exactly as long as a test needs. */
  startGate: Promise<void> | undefined;
  failStart: string | undefined;
  private next = 100;

  async startPod(pod: V1Pod): Promise<{ podIP: string; hostIP: string; nodeName: string }> {
    if (this.startDelayMs) await new Promise((r) => setTimeout(r, this.startDelayMs));
    if (this.startGate) await this.startGate;
    if (this.failStart) throw new Error(this.failStart);
    this.started.push(`${pod.metadata?.namespace}/${pod.metadata?.name}`);
    const nodeName = pod.spec?.nodeName ?? 'node-1';
    const n = nodeName === 'node-2' ? 17 : 16;
    return {
      podIP: `198.18.${n}.${this.next++}`,
      hostIP: nodeName === 'node-2' ? '198.18.0.12' : '198.18.0.11',
      nodeName,
    };
  }

  async stopPod(pod: V1Pod): Promise<void> {
    this.stopped.push(`${pod.metadata?.namespace}/${pod.metadata?.name}`);
  }

  exec(_pod: V1Pod, argv: string[], _opts: { tty: boolean }): ChildProcess {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'pipe' });
    this.children.add(child);
    child.on('close', () => this.children.delete(child));
    child.on('error', () => this.children.delete(child));
    return child;
  }

  killAll(): void {
    for (const c of this.children) c.kill('SIGKILL');
  }
}

export interface Lab {
  api: LabApi;
  cp: ControlPlane;
  store: ObjectStore;
  runtime: FakeRuntime;
  files: ApiFiles;
  dir: string;
  url: string;
  kubectl(
    args: string[],
    opts?: { kubeconfig?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
  ): Promise<KubectlResult>;
  close(): Promise<void>;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Starts the API on 127.0.0.1 with the fixture objects, a fake runtime and a fresh kubeconfig. */
export async function startTestLab(extraFiles: string[] = []): Promise<Lab> {
  const dir = await mkdtemp(path.join(tmpdir(), 'lab-api-'));
  const { store } = await ObjectStore.fromFiles([path.join(FIXTURES, 'objects.json'), ...extraFiles]);
  const runtime = new FakeRuntime();
  const files = await prepareApiFiles(dir, { address: '127.0.0.1', port: 0 });
  const { readApiFiles } = await import('../../../src/lab/api/files.js');
  const creds = await readApiFiles(dir);
  const { readFile } = await import('node:fs/promises');
  const cp = await startControlPlane({
    apiOnly: true,
    caCert: await readFile(files.caPath, 'utf8'),
    store,
    runtime,
    host: '127.0.0.1',
    port: 0,
    tls: { cert: creds.cert, key: creds.key },
    token: creds.token,
  });
  const api = cp.api;
  // The kubeconfig was written before the port was known: write it again with the real port.
  await rewriteServer(files.kubeconfigPath, `https://127.0.0.1:${api.port}`);
  const url = `https://127.0.0.1:${api.port}`;
  return {
    api,
    cp,
    store,
    runtime,
    files,
    dir,
    url,
    kubectl: (args, opts = {}) =>
      kubectl(dir, opts.kubeconfig ?? files.kubeconfigPath, args, opts.timeoutMs, opts.env),
    async close() {
      runtime.killAll();
      await cp.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function rewriteServer(file: string, server: string): Promise<void> {
  const { readFile, writeFile } = await import('node:fs/promises');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/server: https:\/\/\S+/, `server: ${server}`));
}

/** Runs the real kubectl with its own HOME, so its discovery cache is per test lab. */
export function kubectl(
  home: string,
  kubeconfig: string,
  args: string[],
  timeoutMs = 30_000,
  env: NodeJS.ProcessEnv = {},
): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, ...args],
      {
        env: { PATH: process.env.PATH, HOME: home, ...env },
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
