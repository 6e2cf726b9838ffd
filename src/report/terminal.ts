/**
 * Terminal helpers for the text renderers: whether to colour, how wide to draw, and width-aware wrapping.
 * Pure functions: the CLI reads env/stream once and passes plain values to the renderers.
 */

/** Flags a command may have parsed: --color / --no-color. */
export interface ColorFlags {
  color?: boolean;
  noColor?: boolean;
}

interface MaybeTTY {
  isTTY?: boolean;
  columns?: number;
}

/**
 * Colour only when a person is looking: --no-color and NO_COLOR (https://no-color.org, any non-empty value)
 * win, --color and FORCE_COLOR force it on, otherwise a TTY that is not TERM=dumb.
 */
export function colorEnabled(env: NodeJS.ProcessEnv, stream: MaybeTTY, flags: ColorFlags = {}): boolean {
  if (flags.noColor) return false;
  if (flags.color) return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** Width to draw at: the TTY's columns, else $COLUMNS, else 80; clamped to [60, 120] so the layout holds. */
export function terminalWidth(stream: MaybeTTY, env: NodeJS.ProcessEnv = {}): number {
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10);
  const raw =
    stream.isTTY && stream.columns && stream.columns > 0 ? stream.columns : fromEnv > 0 ? fromEnv : 80;
  return Math.max(60, Math.min(120, raw));
}

export type Tone = 'pass' | 'fail' | 'warn' | 'muted' | 'strong' | 'accent' | 'plain';

const SGR: Record<Exclude<Tone, 'plain'>, [string, string]> = {
  pass: ['\x1b[32m', '\x1b[39m'],
  fail: ['\x1b[1;31m', '\x1b[22;39m'],
  warn: ['\x1b[33m', '\x1b[39m'],
  muted: ['\x1b[2m', '\x1b[22m'],
  strong: ['\x1b[1m', '\x1b[22m'],
  accent: ['\x1b[36m', '\x1b[39m'],
};

/** A painter: paint(tone, text) adds SGR codes only when colour is on. */
export type Paint = (tone: Tone, text: string) => string;

export function painter(color: boolean): Paint {
  return (tone, text) => {
    if (!color || tone === 'plain' || text === '') return text;
    const [on, off] = SGR[tone];
    return `${on}${text}${off}`;
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI = /\x1b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Columns a string takes (ANSI codes take none; the glyphs we draw are all single-width). */
export function visibleWidth(text: string): number {
  return [...stripAnsi(text)].length;
}

/** Pad with spaces to `width` visible columns (left-aligned), or right-align with align 'right'. */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const gap = Math.max(0, width - visibleWidth(text));
  return align === 'left' ? text + ' '.repeat(gap) : ' '.repeat(gap) + text;
}

/** Cut plain text to `width` columns, ending in "…" when cut. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/**
 * Word-wrap plain text to `width` columns. The first line is prefixed with `first`, later ones with `rest`
 * (both counted in the width). A word longer than a line is hard-broken rather than overflowing.
 */
export function wrap(text: string, width: number, first = '', rest = first): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = lines.length === 0 ? first : rest;
    let empty = true;
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      let w = word;
      const room = width - visibleWidth(line) - (empty ? 0 : 1);
      if (visibleWidth(w) <= room) {
        line += (empty ? '' : ' ') + w;
        empty = false;
        continue;
      }
      if (!empty) {
        lines.push(line);
        line = rest;
        empty = true;
      }
      const full = width - visibleWidth(rest);
      while (visibleWidth(w) > full && full > 0) {
        const chars = [...w];
        lines.push(line + chars.slice(0, full).join(''));
        w = chars.slice(full).join('');
        line = rest;
      }
      line += w;
      empty = w === '';
    }
    lines.push(line);
  }
  return lines;
}

/** Split a shell command into words, keeping quoted strings (with their quotes) intact. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      current += c;
      if (c === '\\' && quote === '"' && i + 1 < command.length) current += command[++i];
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      current += c;
    } else if (c === '\\' && i + 1 < command.length) {
      current += c + command[++i];
    } else if (c === ' ' || c === '\t') {
      if (current !== '') words.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (current !== '') words.push(current);
  return words;
}

/**
 * Break a long shell command over several lines with " \" continuations, between words only, so the
 * wrapped form still pastes into a shell and runs. Multi-line commands (heredocs, scripts) are left alone.
 */
export function wrapCommand(command: string, width: number, first: string, rest: string): string[] {
  if (command.includes('\n') || visibleWidth(first) + command.length <= width) {
    return command.split('\n').map((l, i) => (i === 0 ? first : rest) + l);
  }
  const words = commandGroups(shellWords(command));
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    const room = width - visibleWidth(line) - (empty ? 0 : 1) - 2; // 2 for " \"
    if (empty || visibleWidth(word) <= room) {
      line += (empty ? '' : ' ') + word;
      empty = false;
    } else {
      lines.push(`${line} \\`);
      line = rest + word;
    }
  }
  lines.push(line);
  return lines;
}

/** Keep a flag with its value ("-H 'Host: x'", "-n shop") so a break never separates them. */
function commandGroups(words: string[]): string[] {
  const groups: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (/^-{1,2}[A-Za-z]/.test(w) && !w.includes('=') && next !== undefined && !next.startsWith('-')) {
      groups.push(`${w} ${next}`);
      i++;
    } else {
      groups.push(w);
    }
  }
  return groups;
}

/** "41 ms", "2.0 s", "1 min 5 s": short, for columns. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * A deep copy of a model with every string made safe for a terminal: control characters (ESC, BEL, CR…) from
 * cluster data or probe output become "�" so they cannot move the cursor or recolour the screen; tabs become spaces.
 */
export function sanitizeForTerminal<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\t/g, ' ').replace(CONTROL, '�') as T;
  if (Array.isArray(value)) return value.map((v) => sanitizeForTerminal(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = sanitizeForTerminal(v);
    return out as T;
  }
  return value;
}
