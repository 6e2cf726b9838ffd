import type { ConntrackResult } from './types.js';

export const CONNTRACK_COUNT_ARGV = [
  'cat',
  '/proc/sys/net/netfilter/nf_conntrack_count',
  '/proc/sys/net/netfilter/nf_conntrack_max',
];
export const CONNTRACK_STATS_ARGV = ['conntrack', '-S'];

/** Output of `cat nf_conntrack_count nf_conntrack_max`: two numbers. */
export function parseConntrackCount(stdout: string, stderr: string, exitCode: number): ConntrackResult {
  const nums = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
  if (nums.length < 2) {
    return {
      kind: 'conntrack',
      error: stderr.trim() || `could not read conntrack counters (exit ${exitCode})`,
    };
  }
  return { kind: 'conntrack', count: nums[0], max: nums[1] };
}

/** `conntrack -S`: one line per CPU with key=value counters; summed. */
export function parseConntrackStats(stdout: string, stderr: string, exitCode: number): ConntrackResult {
  const stats = { drop: 0, insertFailed: 0, earlyDrop: 0, found: 0, insert: 0 };
  let lines = 0;
  for (const line of stdout.split('\n')) {
    if (!/^cpu=\d+/.test(line.trim())) continue;
    lines++;
    for (const m of line.matchAll(/([a-z_]+)=(\d+)/g)) {
      const v = Number(m[2]);
      if (m[1] === 'drop') stats.drop += v;
      else if (m[1] === 'insert_failed') stats.insertFailed += v;
      else if (m[1] === 'early_drop') stats.earlyDrop += v;
      else if (m[1] === 'found') stats.found += v;
      else if (m[1] === 'insert') stats.insert += v;
    }
  }
  if (lines === 0) {
    return { kind: 'conntrack', error: stderr.trim() || `conntrack -S printed nothing (exit ${exitCode})` };
  }
  return { kind: 'conntrack', stats };
}

export function summarizeConntrack(r: ConntrackResult): string {
  if (r.error) return r.error;
  const parts: string[] = [];
  if (r.count !== undefined && r.max !== undefined) {
    parts.push(`${r.count}/${r.max} entries (${Math.round((100 * r.count) / Math.max(1, r.max))} %)`);
  }
  if (r.stats)
    parts.push(`drop=${r.stats.drop} insert_failed=${r.stats.insertFailed} early_drop=${r.stats.earlyDrop}`);
  return parts.join(', ');
}
