import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from './sys.js';

/**
 * Fills a node's conntrack table with ASSURED entries. nf_conntrack_max is global and read-only inside a
 * namespace while the count is per namespace, so the node needs max entries of its own; `conntrack -I` one by
 * one is far too slow, a `conntrack -R` batch file takes ~2 s for 262144.
 */
export async function fillConntrack(netns: string, nodeIP: string, stateDir: string): Promise<void> {
  const max = Number((await readFile('/proc/sys/net/netfilter/nf_conntrack_max', 'utf8')).trim()) || 262144;
  // ~300 bytes of kernel memory and ~8 µs per entry: refuse what would take minutes and gigabytes.
  if (max > 2_000_000) {
    throw new Error(
      `conntrack-exhaustion: nf_conntrack_max is ${max} on this host (global, read-only in a namespace); filling it would take too long. Lower it on the host (sysctl net.netfilter.nf_conntrack_max=262144) to use this fault`,
    );
  }
  const lines: string[] = [];
  for (let i = 0; i < max; i++) {
    // Distinct tuples from addresses the lab never uses, all ESTABLISHED + ASSURED (not early-droppable).
    const block = Math.floor(i / 50_000);
    lines.push(
      `-I -p tcp -s 198.18.200.${1 + block} -d ${nodeIP} --sport ${1024 + (i % 50_000)} --dport 443 --state ESTABLISHED -u SEEN_REPLY,ASSURED -t 86400`,
    );
  }
  const file = path.join(stateDir, 'conntrack-fill.txt');
  await writeFile(file, `${lines.join('\n')}\n`);
  // While it fills, the node takes no new flow (the raw table drops before conntrack, so no entry is made): only
  // the fill's entries are in the table when it opens again, and none expire to let a flow in later.
  const ns = `--net=/run/netns/${netns}`;
  const hold = ['-m', 'comment', '--comment', 'lab: conntrack fill in progress', '-j', 'DROP'];
  await runCommand('nsenter', [ns, 'iptables', '-t', 'raw', '-I', 'PREROUTING', '1', ...hold], {
    timeoutMs: 10_000,
  });
  await runCommand('nsenter', [ns, 'iptables', '-t', 'raw', '-I', 'OUTPUT', '1', ...hold], {
    timeoutMs: 10_000,
  });
  try {
    await runCommand('nsenter', [ns, 'conntrack', '-F'], { timeoutMs: 10_000 });
    // conntrack exits non-zero once the table is full: that is the point, so only the count is checked.
    await runCommand('nsenter', [ns, 'conntrack', '-R', file], { timeoutMs: 60_000 });
  } finally {
    await runCommand('nsenter', [ns, 'iptables', '-t', 'raw', '-D', 'PREROUTING', ...hold], {
      timeoutMs: 10_000,
    });
    await runCommand('nsenter', [ns, 'iptables', '-t', 'raw', '-D', 'OUTPUT', ...hold], {
      timeoutMs: 10_000,
    });
    await rm(file, { force: true });
  }
}
