/** The lab's API process started again with extra objects, for benchmarks that need a big cluster. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Lab, ROOT } from '../test/helpers/lab.js';

/**
 * The lab API restarted with `--extra FILE`: `lab up` has no way to pass it, and the lab's firewall only
 * forwards the API port, so the bench stops the lab's API process (by the PID in the lab's state file, after
 * checking its command line) and starts the same entry point with the extra objects on the same address. Each
 * extra file must stay under ~500 MB: the lab API reads it as one string.
 */
export async function restartApiWithExtra(
  lab: Lab,
  extra: string | string[],
  startMs = 60_000,
): Promise<ChildProcess> {
  const state = JSON.parse(await readFile(path.join(lab.stateDir, 'state.json'), 'utf8')) as {
    processes?: { role?: string; pid?: number }[];
  };
  const pid = state.processes?.find((p) => p.role === 'api')?.pid;
  if (!pid) throw new Error('no lab API process in the state file');
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes(lab.stateDir)) throw new Error(`PID ${pid} is not this lab's API`);
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50; i++) {
    if (!(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      `idl-${lab.name}-cp`,
      process.execPath,
      path.join(ROOT, 'dist/src/lab/api/main.js'),
      '--state',
      lab.stateDir,
      ...[extra].flat().flatMap((f) => ['--extra', f]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the lab API with --extra did not start in ${startMs / 1000} s`)),
      startMs,
    );
    child.stdout?.on('data', (b: Buffer) => {
      if (b.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`the lab API with --extra exited ${code}`)));
  });
  return child;
}
