import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'node:test';

/** The project root, from dist/test/helpers/. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const CLI = path.join(ROOT, 'bin', 'ingress-doctor.js');

export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** true when the command was killed at its time limit. */
  timedOut: boolean;
}

export interface LabInfo {
  name: string;
  faults: string[];
  publicUrl: string;
  loadBalancer: string;
  apiServer: string | null;
  kubeconfig: string | null;
  clientNamespace: string;
  stateDir: string;
  timingsMs: Record<string, number>;
}

/** A pod's network namespace in the lab (from the lab's ipam.json). */
export interface LabPod {
  /** namespace/name */
  pod: string;
  netns: string;
  ip: string;
  node: string;
}

export interface Lab extends LabInfo {
  /** The lab's own network namespaces by role. */
  netns: { client: string; lb: string; net: string; cp: string; nodes: Record<string, string> };
  /** Pods that have a network namespace (the lab's and those created through its API). */
  pods(): Promise<LabPod[]>;
  /** Runs argv inside one of the lab's network namespaces (`ip netns exec`), e.g. a pod's or a node's. */
  exec(netns: string, argv: string[], opts?: { timeoutMs?: number; input?: string }): Promise<CommandRun>;
  /** `ingress-doctor lab run --name N -- argv…`: argv runs in the client ("internet") namespace, KUBECONFIG set. */
  run(argv: string[], opts?: { timeoutMs?: number; input?: string }): Promise<CommandRun>;
  /** The ingress-doctor CLI itself (`node bin/ingress-doctor.js argv…`), on the host. */
  cli(argv: string[], opts?: { timeoutMs?: number; input?: string }): Promise<CommandRun>;
}

/**
 * A test lab's name: the base name plus IDL_TEST_TAG (0–3 of [a-z0-9]), so two checkouts can run their suites on
 * one machine at once without sharing a lab (network namespace names are global). Bases are ≤ 9 characters.
 */
export function labName(base: string): string {
  const tag = process.env.IDL_TEST_TAG ?? '';
  if (!/^[a-z0-9]{0,3}$/.test(tag)) throw new Error(`IDL_TEST_TAG must be 0–3 of [a-z0-9], got "${tag}"`);
  return `${base}${tag}`;
}

/** Why the lab cannot run here (not Linux, not root), or undefined when it can. */
export function labUnsupported(): string | undefined {
  if (process.platform !== 'linux') return 'the lab needs Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'the lab needs root';
  return undefined;
}

/**
 * Runs a command with a hard time limit; it gets its own process group so everything it started is killed
 * at the limit. Never rejects: failures are in the result.
 */
export function runCommand(
  file: string,
  args: string[],
  opts: { timeoutMs?: number; input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandRun> {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      stderr += String(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 + 9 : 1), stdout, stderr, ms: Date.now() - start, timedOut });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

export function cli(
  argv: string[],
  opts: { timeoutMs?: number; input?: string; env?: NodeJS.ProcessEnv } = {},
) {
  return runCommand(process.execPath, [CLI, ...argv], opts);
}

/**
 * Builds a lab with the real CLI (`lab up --name N --fault …`), registers `lab down` in t.after (it runs even
 * when the test fails), and returns how to run commands inside it. Each test file uses its own name (1–9 of
 * [a-z0-9]) so files can run in parallel. Throws with the CLI's stderr when `up` fails.
 */
export async function withLab(
  t: Pick<TestContext, 'after'>,
  given: { name: string; faults?: string[]; underlayMtu?: number; timeoutMs?: number },
): Promise<Lab> {
  const opts = { ...given, name: labName(given.name) };
  const args = ['lab', 'up', '--name', opts.name, '-o', 'json'];
  for (const f of opts.faults ?? []) args.push('--fault', f);
  if (opts.underlayMtu !== undefined) args.push('--underlay-mtu', String(opts.underlayMtu));
  t.after(async () => {
    await cli(['lab', 'down', '--name', opts.name], { timeoutMs: 30_000 });
  });
  const up = await cli(args, { timeoutMs: opts.timeoutMs ?? 60_000 });
  if (up.code !== 0) {
    throw new Error(
      `lab up --name ${opts.name} failed (exit ${up.code}${up.timedOut ? ', timed out' : ''}): ${up.stderr}`,
    );
  }
  const info = JSON.parse(up.stdout) as LabInfo;
  const prefix = `idl-${opts.name}-`;
  return {
    ...info,
    netns: {
      client: `${prefix}client`,
      lb: `${prefix}lb`,
      net: `${prefix}net`,
      cp: `${prefix}cp`,
      nodes: { 'node-1': `${prefix}node-1`, 'node-2': `${prefix}node-2` },
    },
    pods: async () => {
      const text = await readFile(path.join(info.stateDir, 'ipam.json'), 'utf8');
      return (JSON.parse(text) as { allocations: LabPod[] }).allocations;
    },
    exec: (netns, argv, o = {}) =>
      runCommand('ip', ['netns', 'exec', netns, ...argv], { timeoutMs: 30_000, ...o }),
    run: (argv, o = {}) =>
      cli(['lab', 'run', '--name', opts.name, '--', ...argv], { timeoutMs: 60_000, ...o }),
    cli: (argv, o = {}) => cli(argv, { timeoutMs: 60_000, ...o }),
  };
}

/** `curl` from the client: status code and total time, bounded by --max-time. */
export async function curlStatus(
  lab: Pick<Lab, 'run'>,
  url: string,
  opts: { maxTimeS?: number; headers?: string[]; resolve?: string } = {},
): Promise<{ status: number; seconds: number; bytes: number; exit: number; stderr: string }> {
  const args = [
    'curl',
    '-sS',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code} %{time_total} %{size_download}',
    '--max-time',
    String(opts.maxTimeS ?? 10),
  ];
  for (const h of opts.headers ?? []) args.push('-H', h);
  if (opts.resolve) args.push('--resolve', opts.resolve);
  args.push(url);
  const r = await lab.run(args, { timeoutMs: ((opts.maxTimeS ?? 10) + 15) * 1000 });
  const [code, time, size] = r.stdout.trim().split(' ');
  return {
    status: Number(code ?? 0),
    seconds: Number(time ?? 0),
    bytes: Number(size ?? 0),
    exit: r.code,
    stderr: r.stderr,
  };
}

/** The names of ingress-doctor's probe pods in the lab (`kubectl get pods -l managed-by=ingress-doctor`), one per line. */
export async function probePods(lab: Pick<Lab, 'run'>, namespace?: string): Promise<string> {
  const scope = namespace === undefined ? ['-A'] : ['-n', namespace];
  const r = await lab.run([
    'kubectl',
    'get',
    'pods',
    ...scope,
    '-l',
    'app.kubernetes.io/managed-by=ingress-doctor',
    '-o',
    'name',
  ]);
  return r.stdout.trim();
}

/** `curl -sS -o /dev/null -w '%{http_code}' --max-time S URL`: the status code (or "000") is its stdout. */
export function httpCodeArgv(url: string, maxTimeS: number): string[] {
  return ['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', String(maxTimeS), url];
}

/** httpCodeArgv run inside one of the lab's namespaces. */
export function httpCodeIn(
  lab: Pick<Lab, 'exec'>,
  netns: string,
  url: string,
  maxTimeS: number,
): Promise<CommandRun> {
  return lab.exec(netns, httpCodeArgv(url, maxTimeS));
}

/** The ingress controller's pod and a shop pod on another node: the pair whose traffic crosses the overlay. */
export async function crossNodePods(lab: Pick<Lab, 'pods'>): Promise<{ controller: LabPod; web: LabPod }> {
  const pods = await lab.pods();
  const controller = pods.find((p) => p.pod.startsWith('ingress-nginx/'));
  const web = pods.find((p) => p.pod.startsWith('shop/') && p.node !== controller?.node);
  assert.ok(controller && web, 'an ingress-nginx pod and a shop pod on different nodes');
  return { controller, web };
}

/**
 * `ping -c COUNT [-i INTERVAL] -W WAIT -M do -s PAYLOAD IP` inside one of the lab's namespaces: DF set, so a
 * packet larger than the path MTU is refused or lost, never fragmented.
 */
export function dfPingIn(
  lab: Pick<Lab, 'exec'>,
  netns: string,
  ip: string,
  payload: number,
  opts: { count?: number; intervalS?: number; waitS?: number } = {},
): Promise<CommandRun> {
  const { count = 1, intervalS, waitS = 2 } = opts;
  return lab.exec(netns, [
    'ping',
    '-c',
    String(count),
    ...(intervalS !== undefined ? ['-i', String(intervalS)] : []),
    '-W',
    String(waitS),
    '-M',
    'do',
    '-s',
    String(payload),
    ip,
  ]);
}
