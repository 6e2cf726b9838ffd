/**
 * Reading configuration text as values: durations, sizes, counts. The one place controller settings are parsed
 * (annotations, ConfigMap keys, Gateway API durations).
 */

/** nginx-style and Gateway API durations: "60", "60s", "5m", "500ms", "1h" → seconds; undefined when unreadable. */
export function parseDuration(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(raw);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return unit === 'ms' ? n / 1000 : unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : n;
}

/** nginx sizes: "4k", "16K", "1m", "8192" → bytes; undefined when unreadable. */
export function parseSize(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(\d+)\s*([kKmMgG])?\s*$/.exec(raw);
  if (!m) return undefined;
  const n = Number(m[1]);
  const u = (m[2] ?? '').toLowerCase();
  return u === 'k' ? n * 1024 : u === 'm' ? n * 1024 ** 2 : u === 'g' ? n * 1024 ** 3 : n;
}

/** A non-negative integer ("320"); undefined otherwise. */
export function parseCount(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return undefined;
  return Number(raw);
}

/** Free text, trimmed; empty text is unreadable. */
export function parseText(raw: string | undefined): string | undefined {
  const t = raw?.trim();
  return t ? t : undefined;
}

/** "60 s", "500 ms", "2 min 30 s". */
export function formatSeconds(s: number): string {
  if (s > 0 && s < 1) return `${Math.round(s * 1000)} ms`;
  if (s >= 120 && s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/** "4 KiB (4096 bytes)", "1 MiB", "512 bytes". */
export function formatBytes(b: number): string {
  if (b >= 1024 ** 2 && b % 1024 ** 2 === 0) return `${b / 1024 ** 2} MiB`;
  if (b >= 1024 && b % 1024 === 0) return `${b / 1024} KiB`;
  return `${b} bytes`;
}
