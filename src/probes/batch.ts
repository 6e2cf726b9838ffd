import { shellJoin } from './shell.js';

/** One command of a batch: its argv and its own hard timeout. */
export interface BatchItem {
  argv: string[];
  timeoutS: number;
}

export interface BatchItemResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The item never reported back (the batch itself was cut short). */
  missing: boolean;
}

/**
 * A POSIX sh script that runs every item concurrently in the background, each under `timeout -s KILL`
 * (coreutils or busybox), then prints each item's exit code, stdout and stderr between markers that
 * carry a random nonce. One exec per vantage instead of one per probe keeps API requests flat.
 */
export function batchScript(items: BatchItem[], nonce: string): string {
  const lines = [
    'd=$(mktemp -d 2>/dev/null) || { d=/tmp/idr.$$; mkdir -p "$d"; }',
    'if command -v timeout >/dev/null 2>&1; then T="timeout -s KILL"; else T=""; fi',
  ];
  items.forEach((it, i) => {
    lines.push(
      `{ $T ${Math.max(1, Math.ceil(it.timeoutS))} ${shellJoin(it.argv)} >"$d/${i}.o" 2>"$d/${i}.e" </dev/null; echo $? >"$d/${i}.r"; } &`,
    );
  });
  lines.push('wait');
  lines.push(`for i in ${items.map((_, i) => i).join(' ')}; do`);
  lines.push(`  printf '@@${nonce} begin %s %s\\n' "$i" "$(cat "$d/$i.r" 2>/dev/null || echo 255)"`);
  lines.push('  cat "$d/$i.o" 2>/dev/null; echo');
  lines.push(`  printf '@@${nonce} stderr %s\\n' "$i"`);
  lines.push('  cat "$d/$i.e" 2>/dev/null; echo');
  lines.push(`  printf '@@${nonce} end %s\\n' "$i"`);
  lines.push('done');
  lines.push('rm -rf "$d"');
  return `${lines.join('\n')}\n`;
}

/** Split a batch's stdout back into per-item results (pure). Items that never reported are marked missing. */
export function parseBatch(output: string, count: number, nonce: string): BatchItemResult[] {
  const results: BatchItemResult[] = Array.from({ length: count }, () => ({
    exitCode: 255,
    stdout: '',
    stderr: '',
    missing: true,
  }));
  const marker = `@@${nonce} `;
  let current: BatchItemResult | undefined;
  let section: 'stdout' | 'stderr' = 'stdout';
  let buf: string[] = [];
  const flush = () => {
    if (!current) return;
    // Each section ends with the extra newline the script printed after `cat`.
    const text = buf.join('\n').replace(/\n$/, '');
    if (section === 'stdout') current.stdout = text;
    else current.stderr = text;
    buf = [];
  };
  for (const line of output.split('\n')) {
    if (line.startsWith(marker)) {
      const [what, idx, rc] = line.slice(marker.length).split(' ');
      const i = Number(idx);
      if (what === 'begin' && results[i]) {
        current = results[i];
        current.missing = false;
        current.exitCode = Number(rc ?? 255);
        section = 'stdout';
        buf = [];
      } else if (what === 'stderr') {
        flush();
        section = 'stderr';
      } else if (what === 'end') {
        flush();
        current = undefined;
      }
      continue;
    }
    if (current) buf.push(line);
  }
  return results;
}
