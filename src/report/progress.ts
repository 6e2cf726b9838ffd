import type { PhaseId, PhaseResult } from '../protocol/types.js';
import { formatDuration, painter, truncate } from './terminal.js';

/**
 * Progress per phase on stderr while probes run. On a TTY: a spinner line that names the phases in flight,
 * and one permanent line per finished phase. On a pipe: nothing, unless --progress asks for plain step lines
 * (for CI logs). Never writes to stdout, so `-o json | jq` stays clean.
 *
 * Usage (diagnose):
 *   const progress = createProgress(io.stderr, progressMode(io.env, io.stderr, { progress: flags.progress }),
 *     { color: colorEnabled(io.env, io.stderr, flags) });
 *   progress.phaseStarted({ id: 'cluster', number: 1, title: 'Inside the cluster' });
 *   progress.note('creating probe pods on node-a, node-b');
 *   progress.phaseFinished(result);   // a PhaseResult
 *   progress.close();                 // always, also on errors (try/finally): stops the timer, clears the line
 */
export type ProgressMode = 'off' | 'spinner' | 'lines';

export interface ProgressFlags {
  /** --progress: step lines even when stderr is not a TTY. */
  progress?: boolean;
  /** --no-progress: nothing at all. */
  noProgress?: boolean;
}

interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function progressMode(
  env: NodeJS.ProcessEnv,
  stream: ProgressStream,
  flags: ProgressFlags = {},
): ProgressMode {
  if (flags.noProgress) return 'off';
  const tty = stream.isTTY === true && env.TERM !== 'dumb';
  if (tty && !env.CI) return 'spinner';
  return flags.progress ? 'lines' : 'off';
}

export interface PhaseStart {
  id: PhaseId;
  number: number;
  title: string;
}

export interface PhaseProgress {
  phaseStarted(phase: PhaseStart): void;
  /** Accepts a full PhaseResult or the few fields progress needs. */
  phaseFinished(
    phase: Pick<PhaseResult, 'id' | 'number' | 'title' | 'status' | 'durationMs'> & { summary?: string },
  ): void;
  /** A one-off remark (e.g. "creating probe pods on node-a"). */
  note(text: string): void;
  /** Stop the spinner and clear its line. Idempotent. */
  close(): void;
}

export interface ProgressOptions {
  color: boolean;
  /** Spinner frame interval; tests pass a small value. */
  intervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MARK: Record<PhaseResult['status'], string> = { pass: '✓', fail: '✗', skipped: '–', inconclusive: '?' };

export function createProgress(
  stream: ProgressStream,
  mode: ProgressMode,
  opts: ProgressOptions,
): PhaseProgress {
  if (mode === 'off') {
    return { phaseStarted() {}, phaseFinished() {}, note() {}, close() {} };
  }
  const paint = painter(opts.color && mode === 'spinner');
  const now = opts.now ?? Date.now;
  const started = now();
  const running = new Map<PhaseId, PhaseStart>();
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let lineShown = false;
  const width = () => Math.max(40, (stream.columns ?? 80) - 1);
  const elapsed = () => formatDuration(now() - started);

  const clearLine = () => {
    if (lineShown) stream.write('\r\x1b[2K');
    lineShown = false;
  };
  const drawSpinner = () => {
    if (closed || running.size === 0) return;
    const phases = [...running.values()].sort((a, b) => a.number - b.number);
    // Many phases run at once: name two, number the rest, so the line stays readable.
    const names =
      phases.length <= 2
        ? phases.map((p) => `phase ${p.number} ${p.title.toLowerCase()}`).join(', ')
        : `phases ${phases.map((p) => p.number).join(', ')} running`;
    const text = truncate(`${FRAMES[frame % FRAMES.length]} ${names} … ${elapsed()}`, width());
    frame++;
    stream.write(`\r\x1b[2K${paint('accent', text)}`);
    lineShown = true;
  };
  const permanent = (text: string) => {
    if (mode === 'spinner') {
      clearLine();
      stream.write(`${text}\n`);
      drawSpinner();
    } else {
      stream.write(`${text}\n`);
    }
  };
  const ensureTimer = () => {
    if (mode !== 'spinner' || timer || closed) return;
    timer = setInterval(drawSpinner, opts.intervalMs ?? 80);
    // A forgotten close() must never keep the process alive.
    timer.unref();
  };
  const stopTimerIfIdle = () => {
    if (timer && running.size === 0) {
      clearInterval(timer);
      timer = undefined;
      clearLine();
    }
  };

  return {
    phaseStarted(phase) {
      if (closed) return;
      running.set(phase.id, phase);
      if (mode === 'lines') {
        stream.write(`phase ${phase.number} ${phase.title}: started\n`);
        return;
      }
      ensureTimer();
      drawSpinner();
    },
    phaseFinished(phase) {
      if (closed) return;
      running.delete(phase.id);
      const tone = phase.status === 'pass' ? 'pass' : phase.status === 'fail' ? 'fail' : 'warn';
      const rest = ` phase ${phase.number} ${phase.title}: ${phase.status} (${formatDuration(phase.durationMs)})`;
      permanent(
        `${paint(tone, MARK[phase.status])}${mode === 'spinner' ? truncate(rest, width() - 1) : rest}`,
      );
      stopTimerIfIdle();
    },
    note(text) {
      if (closed) return;
      permanent(mode === 'spinner' ? paint('muted', truncate(text, width())) : text);
    },
    close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      clearLine();
      running.clear();
    },
  };
}
