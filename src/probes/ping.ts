import type { ExecResult, Vantage } from '../vantage/types.js';

/**
 * DF-bit ping probe: iputils `ping -M do -s N -c 1 -W T`, the command an SRE re-runs by hand (seed checklist
 * item 1). This module builds the argv, batches many probes into one `sh -c` exec, and parses the output
 * (pure). It knows nothing about clusters or labs; pmtu.ts and the diagnose phases build on it.
 */

/** One DF-bit ping: send ONE echo request of `payload` ICMP data bytes, wait at most `timeoutS` for the answer. */
export interface DfPingSpec {
  target: string;
  /** ICMP payload (`-s`). The IP packet is payload + 28 bytes on IPv4, + 48 on IPv6. */
  payload: number;
  /** `-W`: how long to wait for a reply, in seconds (iputils takes fractions, e.g. 0.3). */
  timeoutS: number;
}

/**
 * What one DF ping showed. The kinds that matter for path MTU:
 * - reply: the packet of this size crossed the path (both ways).
 * - frag-needed: a router on the path answered ICMP "fragmentation needed" (PMTUD works) and announced `mtu`.
 * - too-big-local: the sender's kernel refused the size ("message too long, mtu=N"): N is the interface MTU or a
 *   path MTU learnt earlier from an ICMP answer and cached on the route (lasts ~10 minutes).
 * - lost: no reply and no ICMP at all — the silent loss of an MTU blackhole (or a firewall dropping echo).
 */
export type DfPingResult =
  | { kind: 'reply'; bytes: number; from: string; rttMs?: number; ttl?: number }
  | { kind: 'frag-needed'; mtu: number; from: string }
  | { kind: 'too-big-local'; mtu: number }
  | { kind: 'lost' }
  | { kind: 'unreachable'; from?: string; message: string }
  | { kind: 'error'; message: string };

/** IP + ICMP header bytes added to the ping payload. */
export function headerBytes(target: string): number {
  return target.includes(':') ? 48 : 28;
}

/** The payload (`-s`) that makes an IP packet of exactly `mtu` bytes to this target. */
export function payloadForMtu(mtu: number, target: string): number {
  return mtu - headerBytes(target);
}

export function mtuForPayload(payload: number, target: string): number {
  return payload + headerBytes(target);
}

/** Targets go into a shell script: accept only what an IP address or DNS name can contain. */
const TARGET_RE = /^[A-Za-z0-9.:%_-]{1,253}$/;

export function validTarget(target: string): boolean {
  return TARGET_RE.test(target) && !target.startsWith('-');
}

function formatSeconds(s: number): string {
  // iputils parses "0.3" regardless of locale; keep at most 3 decimals.
  return String(Math.round(s * 1000) / 1000);
}

/** The exact argv of one DF ping, as a human would run it. */
export function dfPingArgv(spec: DfPingSpec): string[] {
  if (!validTarget(spec.target)) throw new Error(`invalid ping target ${JSON.stringify(spec.target)}`);
  if (!Number.isInteger(spec.payload) || spec.payload < 0 || spec.payload > 65507) {
    throw new Error(`invalid ping payload ${spec.payload}`);
  }
  return [
    'ping',
    '-M',
    'do',
    '-s',
    String(spec.payload),
    '-c',
    '1',
    '-W',
    formatSeconds(spec.timeoutS),
    spec.target,
  ];
}

/** POSIX-shell quoting of argv, for the "command to re-run" shown to users and for scripts. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

const REPLY_RE = /^(\d+) bytes from (.+?): icmp_seq=\d+(.*)$/m;
const FRAG_RE =
  /^From (\S+)(?: \([^)]*\))? icmp_seq=\d+ (?:Frag needed and DF set \(mtu = (\d+)\)|Packet too big: mtu=(\d+))/im;
const LOCAL_TOO_LONG_RE = /local error: message too long, mtu[=:]\s*(\d+)/i;
const FROM_ERROR_RE = /^From (\S+)(?: \([^)]*\))? icmp_seq=\d+ (.+)$/m;
const STATS_RE = /(\d+) packets transmitted, (\d+) (?:packets )?received/;

/**
 * Parse the output of ONE `ping -M do -s N -c 1 -W T` (iputils; stdout and stderr kept apart).
 * Pure; never throws. Recorded outputs live in test/fixtures/mtu/ping/.
 */
export function parseDfPing(
  out: Pick<ExecResult, 'stdout' | 'stderr' | 'exitCode'> & Partial<ExecResult>,
): DfPingResult {
  if (out.startError) return { kind: 'error', message: out.startError };
  const stdout = out.stdout ?? '';
  const stderr = out.stderr ?? '';

  const reply = REPLY_RE.exec(stdout);
  if (reply) {
    // "from 198.18.16.5" or "from name (198.18.16.5)": keep the address.
    const from = /\(([^)]+)\)$/.exec(reply[2])?.[1] ?? reply[2];
    const r: DfPingResult = { kind: 'reply', bytes: Number(reply[1]), from };
    const ttl = /ttl=(\d+)/.exec(reply[3]);
    const time = /time[=<]([\d.]+) ms/.exec(reply[3]);
    if (ttl) r.ttl = Number(ttl[1]);
    if (time) r.rttMs = Number(time[1]);
    return r;
  }
  const frag = FRAG_RE.exec(stdout);
  if (frag) return { kind: 'frag-needed', mtu: Number(frag[2] ?? frag[3]), from: frag[1] };
  const local = LOCAL_TOO_LONG_RE.exec(stderr) ?? LOCAL_TOO_LONG_RE.exec(stdout);
  if (local) return { kind: 'too-big-local', mtu: Number(local[1]) };
  const fromError = FROM_ERROR_RE.exec(stdout);
  if (fromError) return { kind: 'unreachable', from: fromError[1], message: fromError[2].trim() };

  const stats = STATS_RE.exec(stdout);
  const errLine = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (stats && Number(stats[2]) === 0) {
    // A local send error (EPERM from a local firewall, ENOBUFS…) is not silence on the path.
    if (errLine) return { kind: 'unreachable', message: errLine.replace(/^ping: /, '') };
    return { kind: 'lost' };
  }
  if (out.timedOut) return { kind: 'lost' };
  if (errLine) {
    const msg = errLine.replace(/^ping: /, '');
    if (/unrecognized option|invalid option|invalid -M/i.test(msg) || /usage/i.test(msg)) {
      return { kind: 'error', message: `${msg} (needs iputils ping with -M do; busybox ping cannot set DF)` };
    }
    return { kind: 'error', message: msg };
  }
  if (out.exitCode === 127) return { kind: 'error', message: 'ping: command not found' };
  return { kind: 'error', message: `unrecognised ping output (exit ${out.exitCode})` };
}

/** One-line summary for reports, e.g. "1400 bytes: reply" or "1500 bytes: silently lost". */
export function describeDfPing(spec: DfPingSpec, r: DfPingResult): string {
  const size = `${mtuForPayload(spec.payload, spec.target)} bytes`;
  switch (r.kind) {
    case 'reply':
      return `${size}: reply from ${r.from}${r.rttMs !== undefined ? ` in ${r.rttMs} ms` : ''}`;
    case 'frag-needed':
      return `${size}: ICMP "fragmentation needed" from ${r.from}, path MTU ${r.mtu}`;
    case 'too-big-local':
      return `${size}: refused locally, route MTU ${r.mtu} ("message too long")`;
    case 'lost':
      return `${size}: no reply and no ICMP within ${formatSeconds(spec.timeoutS)} s (silently lost)`;
    case 'unreachable':
      return `${size}: ${r.message}${r.from ? ` (from ${r.from})` : ''}`;
    case 'error':
      return `${size}: ping failed: ${r.message}`;
  }
}

/** A probe after it ran: the spec, the exact single command to re-run it, and what it showed. */
export interface DfPingProbe {
  spec: DfPingSpec;
  command: string;
  result: DfPingResult;
  /** The raw output of this ping (for --verbose/evidence). */
  raw: { exitCode: number; stdout: string; stderr: string };
}

const MARK = '::idoc-ping';

/**
 * One POSIX sh script that runs every ping in the background at once and prints each one's exit code,
 * stdout and stderr between markers, in order. One exec per vantage per round instead of one per size.
 */
export function dfPingBatchScript(specs: readonly DfPingSpec[]): string {
  const lines = [
    'd=$(mktemp -d 2>/dev/null || { mkdir -p /tmp/idoc-ping.$$ && echo /tmp/idoc-ping.$$; }) || exit 97',
    `trap 'rm -rf "$d"' EXIT`,
  ];
  specs.forEach((s, i) => {
    lines.push(`{ ${shellQuote(dfPingArgv(s))} >"$d/${i}.o" 2>"$d/${i}.e"; echo $? >"$d/${i}.r"; } &`);
  });
  lines.push('wait');
  lines.push(
    `i=0; while [ "$i" -lt ${specs.length} ]; do echo "${MARK} $i $(cat "$d/$i.r" 2>/dev/null || echo 255)"; ` +
      `cat "$d/$i.o" 2>/dev/null; echo "${MARK}-stderr"; cat "$d/$i.e" 2>/dev/null; echo "${MARK}-end"; i=$((i+1)); done`,
  );
  return lines.join('\n');
}

export function dfPingBatchArgv(specs: readonly DfPingSpec[]): string[] {
  return ['sh', '-c', dfPingBatchScript(specs)];
}

/** Hard exec timeout for a batch: the longest -W plus slack for process start and the exec round trip. */
export function dfPingBatchTimeoutMs(specs: readonly DfPingSpec[]): number {
  const longest = specs.reduce((m, s) => Math.max(m, s.timeoutS), 0);
  return Math.ceil(longest * 1000) + 4000;
}

/** Split the batch's stdout back into one raw output per spec (pure). Missing sections become errors. */
export function parseDfPingBatch(specs: readonly DfPingSpec[], exec: ExecResult): DfPingProbe[] {
  const sections = new Map<number, { exitCode: number; stdout: string; stderr: string }>();
  const re = new RegExp(
    `^${MARK} (\\d+) (\\d+)\\n([\\s\\S]*?)^${MARK}-stderr\\n([\\s\\S]*?)^${MARK}-end$`,
    'gm',
  );
  for (const m of exec.stdout.matchAll(re)) {
    sections.set(Number(m[1]), { exitCode: Number(m[2]), stdout: m[3], stderr: m[4] });
  }
  return specs.map((spec, i) => {
    const command = shellQuote(dfPingArgv(spec));
    const raw = sections.get(i);
    if (!raw) {
      const why =
        exec.startError ??
        (exec.timedOut
          ? `the batch of pings timed out after ${exec.durationMs} ms`
          : `no output for this ping (exit ${exec.exitCode}${exec.stderr.trim() ? `: ${exec.stderr.trim().split('\n')[0]}` : ''})`);
      return {
        spec,
        command,
        result: { kind: 'error', message: why },
        raw: { exitCode: -1, stdout: '', stderr: '' },
      };
    }
    return { spec, command, result: parseDfPing(raw), raw };
  });
}

/** Run several DF pings concurrently at one vantage, in ONE exec. Never throws for network outcomes. */
export async function runDfPings(vantage: Vantage, specs: readonly DfPingSpec[]): Promise<DfPingProbe[]> {
  if (specs.length === 0) return [];
  const exec = await vantage.exec(dfPingBatchArgv(specs), { timeoutMs: dfPingBatchTimeoutMs(specs) });
  return parseDfPingBatch(specs, exec);
}
