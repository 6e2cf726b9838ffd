/** Where a probe runs: here, a probe pod on a node, or a hostNetwork probe pod on a node. */
export type VantageSpec = { kind: 'local' } | { kind: 'pod'; node: string } | { kind: 'node'; node: string };

export function vantageId(v: VantageSpec): string {
  return v.kind === 'local' ? 'local' : `${v.kind}@${v.node}`;
}

export type ParserSpec =
  | { type: 'curl' }
  | { type: 'ping'; size: number }
  | { type: 'getent'; name: string }
  | { type: 'conntrack-count' }
  | { type: 'conntrack-stats' }
  | { type: 'text' };

/** How an HTTP exchange ended, in the words an SRE uses. */
export type HttpOutcome =
  | 'response'
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'stall'
  | 'empty-reply'
  | 'reset'
  | 'tls-error'
  | 'cert-error'
  | 'dns-error'
  | 'error';

export interface HttpResult {
  kind: 'http';
  outcome: HttpOutcome;
  /** HTTP status, 0 when none arrived. */
  status: number;
  /** curl's exit code (0 ok, 7 refused, 28 timeout, 52 empty reply, 56 reset, 35 TLS, 60 cert, 6 DNS). */
  exitCode: number;
  errormsg?: string;
  /** The TCP connection was established (time_connect > 0). */
  connected: boolean;
  /** Seconds → milliseconds, from curl's own timers. */
  timings: { dnsMs: number; connectMs: number; tlsMs: number; firstByteMs: number; totalMs: number };
  bytes: number;
  headerBytes: number;
  remoteIp?: string;
}

export interface PingResult {
  kind: 'ping';
  /** DF-bit payload size (-s). */
  size: number;
  transmitted: number;
  received: number;
  /** A router answered "Frag needed and DF set (mtu = N)": the path announced its MTU. */
  fragNeededMtu?: number;
  /** The sender's own route refused the size ("message too long, mtu=N"). */
  localMtu?: number;
  /** Nothing came back and no error was reported: a silent drop. */
  silentLoss: boolean;
  rttMs?: number;
  error?: string;
}

export interface DnsResult {
  kind: 'dns';
  name: string;
  addresses: string[];
  /** getent exit 2 = not found. */
  notFound: boolean;
  error?: string;
}

export interface ConntrackResult {
  kind: 'conntrack';
  count?: number;
  max?: number;
  /** Sums over CPUs from `conntrack -S`. */
  stats?: { drop: number; insertFailed: number; earlyDrop: number; found: number; insert: number };
  error?: string;
}

export interface TextResult {
  kind: 'text';
  value: string;
  error?: string;
}

/** Parsed output of any probe (stored in ProbeRecord.data). */
export type ProbeData = HttpResult | PingResult | DnsResult | ConntrackResult | TextResult;
