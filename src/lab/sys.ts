import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readdir, readFile, readlink, stat } from 'node:fs/promises';

/** The lab's effects on the host: commands, daemons, /proc. Everything here is bounded in time. */

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Node's child stdio pipes are socketpairs, and bash run with a socket on stdin believes a remote shell daemon
 * started it and sources ~/.bashrc even when not interactive (on this machine: pyenv's rehash, which waits up to
 * 60 s for a lock). The lab's scripts are self-contained, so bash runs without startup files.
 */
function argvFor(file: string, args: string[]): string[] {
  return file === 'bash' ? ['--norc', '--noprofile', ...args] : args;
}

export function runCommand(
  file: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      argvFor(file, args),
      {
        timeout: opts.timeoutMs ?? 30_000,
        maxBuffer: 16 * 1024 * 1024,
        env: opts.env ?? process.env,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
        // A number is the exit status; killed at the time limit is 124 (like timeout(1)); not started is 127.
        const killed = (e as { killed?: boolean } | null)?.killed;
        const code = e ? (typeof e.code === 'number' ? e.code : killed ? 124 : 127) : 0;
        resolve({
          code,
          stdout: String(stdout),
          stderr: String(stderr) || (e && typeof e.code === 'string' ? e.message : ''),
        });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs a command and throws (with its stderr) when it fails: for build steps whose failure is a bug or a broken host. */
export async function mustRun(
  file: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const r = await runCommand(file, args, opts);
  if (r.code !== 0) {
    throw new Error(
      `${file} ${args.join(' ').slice(0, 200)} failed (exit ${r.code}): ${r.stderr.trim().slice(-2000)}`,
    );
  }
  return r.stdout;
}

/**
 * Starts a long-running process inside a network namespace, in the foreground of its own session so it
 * survives `lab up` exiting (detached + unref), output appended to a log file. `nsenter --net` (not `ip netns
 * exec`) keeps the host's mount namespace: the lab API creates pod namespaces, and `ip netns add` run from
 * inside `ip netns exec`'s private mount namespace would be invisible to everyone else. nsenter execs the
 * command, so the PID returned is the daemon's.
 */
export function spawnInNetns(
  netns: string,
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; logFile: string; cwd?: string },
): number {
  // An empty namespace is the host's own (the API forwarder on 127.0.0.1).
  const full = netns ? ['nsenter', `--net=/run/netns/${netns}`, '--', ...argv] : argv;
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(full[0] as string, full.slice(1), {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: opts.env ?? process.env,
      cwd: opts.cwd ?? '/',
    });
    child.on('error', () => {});
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${argv[0]} in ${netns}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** A PID that exists and is not a zombie (reaping orphans is init's job; a zombie holds nothing). */
export async function pidAlive(pid: number): Promise<boolean> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const state = /^State:\s+(\S)/m.exec(status)?.[1];
    return state !== undefined && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export async function pidCmdline(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ').trim();
  } catch {
    return undefined;
  }
}

export async function listNetns(): Promise<string[]> {
  try {
    return await readdir('/run/netns');
  } catch {
    return [];
  }
}

/** PIDs whose network namespace is `netns` (what `ip netns pids` prints), zombies excluded. */
export async function netnsPids(netns: string): Promise<number[]> {
  const r = await runCommand('ip', ['netns', 'pids', netns], { timeoutMs: 5000 });
  if (r.code !== 0) return [];
  const pids = r.stdout
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 1 && n !== process.pid);
  const alive = await Promise.all(pids.map(async (p) => ((await pidAlive(p)) ? p : undefined)));
  return alive.filter((p): p is number => p !== undefined);
}

/**
 * PIDs inside any of `namespaces`, in one pass over /proc (what `ip netns pids` does per namespace): a
 * process's /proc/<pid>/ns/net link names the inode of the namespace /run/netns/<name> is bound to.
 */
export async function pidsInNetns(namespaces: string[]): Promise<number[]> {
  const inodes = new Set<string>();
  await Promise.all(
    namespaces.map(async (ns) => {
      try {
        inodes.add(String((await stat(`/run/netns/${ns}`)).ino));
      } catch {
        // not there
      }
    }),
  );
  if (inodes.size === 0) return [];
  const entries = (await readdir('/proc')).filter((e) => /^\d+$/.test(e));
  const found = await Promise.all(
    entries.map(async (e) => {
      const pid = Number(e);
      if (pid <= 1 || pid === process.pid) return undefined;
      try {
        const link = await readlink(`/proc/${e}/ns/net`);
        const ino = /\[(\d+)\]/.exec(link)?.[1];
        return ino && inodes.has(ino) ? pid : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return found.filter((p): p is number => p !== undefined);
}

export function killPid(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Waits (bounded) until none of `pids` is alive. Returns the ones still alive at the deadline. */
export async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = pids;
  while (left.length) {
    const alive = await Promise.all(left.map(async (p) => ((await pidAlive(p)) ? p : undefined)));
    left = alive.filter((p): p is number => p !== undefined);
    if (left.length === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return left;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
