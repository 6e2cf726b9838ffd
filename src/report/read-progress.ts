import type { ReadStatus } from '../cluster/types.js';
import type { ProgressMode } from './progress.js';
import { painter, truncate } from './terminal.js';

/**
 * One progress line on stderr while audit reads its input: bytes and objects of a file or stdin, objects and
 * lists left of a live read. Only on a TTY (mode "spinner"), and only once the read has taken a quarter of a
 * second: nothing on pipes, nothing for reads over in a moment, never on stdout.
 *
 *   const progress = createReadProgress(io.stderr, progressMode(io.env, io.stderr), { color });
 *   source = new FileSource(paths, { onProgress: (s) => progress.update(s) });
 *   try { await source.read(scope); } finally { progress.close(); }   // clears the line
 */
export interface ReadProgress {
  update(status: ReadStatus): void;
  close(): void;
}

interface ProgressStream {
  write(chunk: string): unknown;
  columns?: number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(0)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** The progress line's text (without the spinner). */
export function readStatusText(s: ReadStatus): string {
  const objects = `${s.objects.toLocaleString('en')} object${s.objects === 1 ? '' : 's'}`;
  if (s.input === undefined) {
    const left = s.kindsLeft === undefined ? '' : `, ${s.kindsLeft} list${s.kindsLeft === 1 ? '' : 's'} left`;
    return `reading the cluster: ${objects}${left}`;
  }
  if (s.waiting) return `reading ${s.input}: ${s.waiting}`;
  const bytes = s.bytes ?? 0;
  const of = s.size ? ` of ${formatBytes(s.size)} (${Math.floor((bytes / s.size) * 100)} %)` : '';
  return `reading ${s.input}: ${formatBytes(bytes)}${of}, ${objects}`;
}

export function createReadProgress(
  stream: ProgressStream,
  mode: ProgressMode,
  opts: { color: boolean; intervalMs?: number; delayMs?: number },
): ReadProgress {
  if (mode !== 'spinner') return { update() {}, close() {} };
  const paint = painter(opts.color);
  let latest: ReadStatus | undefined;
  let frame = 0;
  let shown = false;
  let closed = false;
  // A read that is over in a moment shows nothing.
  const from = Date.now() + (opts.delayMs ?? 250);
  const draw = () => {
    if (closed || !latest || Date.now() < from) return;
    const width = Math.max(40, (stream.columns ?? 80) - 1);
    stream.write(
      `\r\x1b[2K${paint('accent', truncate(`${FRAMES[frame++ % FRAMES.length]} ${readStatusText(latest)}`, width))}`,
    );
    shown = true;
  };
  // Drawn on a timer, not per update: updates come per chunk read, thousands a second.
  const timer = setInterval(draw, opts.intervalMs ?? 100);
  timer.unref();
  return {
    update(status) {
      if (!closed) latest = status;
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
