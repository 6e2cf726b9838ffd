import { spawn } from 'node:child_process';
import type { ExecResult, Vantage } from './types.js';

const MAX_OUTPUT = 1 << 20;

/** Run argv here (no shell) with a hard timeout; the child is killed by its PID when time is up. */
export function execLocal(
  argv: string[],
  opts: { timeoutMs: number; stdin?: string; env?: NodeJS.ProcessEnv },
): Promise<ExecResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    if (!cmd) {
      resolve({
        exitCode: 127,
        stdout: '',
        stderr: '',
        durationMs: 0,
        timedOut: false,
        startError: 'empty command',
      });
      return;
    }
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, opts.timeoutMs);
    const done = (r: ExecResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    child.stdout.on('data', (b: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += b.toString();
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      done({
        exitCode: 127,
        stdout,
        stderr,
        durationMs: Date.now() - started,
        timedOut: false,
        startError: err.code === 'ENOENT' ? `${cmd}: command not found` : err.message,
      });
    });
    child.on('close', (code, signal) => {
      done({
        exitCode: code ?? (signal ? 128 + 9 : 1),
        stdout,
        stderr,
        durationMs: Date.now() - started,
        timedOut,
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? '');
  });
}

/** The internet's view: commands run where the CLI runs. */
export function localVantage(): Vantage {
  return { id: 'local', kind: 'local', exec: (argv, opts) => execLocal(argv, opts) };
}
