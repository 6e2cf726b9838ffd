import type { HttpOutcome, HttpResult } from './types.js';

export interface CurlOptions {
  url: string;
  /** Host header to send (the Host trap: the controller routes by it). */
  host?: string;
  /** `--resolve host:port:address`: connect to address while sending Host and SNI for host. */
  resolve?: { host: string; port: number; address: string };
  /** -k: accept any certificate (to tell "speaks TLS" apart from "certificate valid"). */
  insecure?: boolean;
  maxTimeS: number;
}

/** The exact curl a human would run: status, timings, bytes as one JSON line on stdout. */
export function curlArgv(o: CurlOptions): string[] {
  const argv = ['curl', '-sS', '-o', '/dev/null', '-w', '%{json}', '--max-time', String(o.maxTimeS)];
  if (o.insecure) argv.push('-k');
  if (o.host) argv.push('-H', `Host: ${o.host}`);
  if (o.resolve) argv.push('--resolve', `${o.resolve.host}:${o.resolve.port}:${o.resolve.address}`);
  argv.push(o.url);
  return argv;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function ms(v: unknown): number {
  return Math.round(num(v) * 1000);
}

/** Curl's exit code (and message) → what happened on the wire. */
export function classifyCurl(exitCode: number, status: number, bytes: number, errormsg: string): HttpOutcome {
  switch (exitCode) {
    case 0:
      return status > 0 ? 'response' : 'error';
    case 6:
      return 'dns-error';
    case 7:
      return /refused|couldn't connect/i.test(errormsg) && !/no route|unreachable/i.test(errormsg)
        ? 'refused'
        : 'unreachable';
    case 28:
      // Bytes (or a status line) arrived, then nothing: the body stalled (MTU blackhole signature).
      return bytes > 0 || status > 0 ? 'stall' : 'timeout';
    case 52:
      return 'empty-reply';
    case 55:
    case 56:
      return 'reset';
    case 35:
      return 'tls-error';
    case 51:
    case 58:
    case 60:
      return 'cert-error';
    case 18:
      return 'stall';
    default:
      return 'error';
  }
}

/**
 * Parse `curl -w '%{json}'` (curl 7.88) plus its exit code and stderr into an HttpResult.
 * Pure; never throws: output that is not curl's JSON becomes outcome "error" with the reason.
 */
export function parseCurl(stdout: string, stderr: string, exitCode: number): HttpResult {
  const line = stdout.trim().split('\n').pop() ?? '';
  let j: Record<string, unknown> = {};
  let parseError: string | undefined;
  try {
    const v: unknown = JSON.parse(line);
    if (v && typeof v === 'object' && !Array.isArray(v)) j = v as Record<string, unknown>;
    else parseError = 'curl printed no JSON';
  } catch {
    parseError = line ? `unparseable curl output: ${line.slice(0, 120)}` : 'curl printed nothing';
  }
  const code = typeof j.exitcode === 'number' ? j.exitcode : exitCode;
  const status = num(j.http_code ?? j.response_code);
  const bytes = num(j.size_download);
  const stderrMsg = stderr
    .split('\n')
    .find((l) => l.startsWith('curl: ('))
    ?.replace(/^curl: \(\d+\) /, '');
  const errormsg =
    (typeof j.errormsg === 'string' && j.errormsg) ||
    stderrMsg ||
    (exitCode === 127 ? 'curl: command not found' : undefined) ||
    parseError;
  const outcome: HttpOutcome =
    parseError && code === 0 ? 'error' : classifyCurl(code, status, bytes, errormsg ?? '');
  const res: HttpResult = {
    kind: 'http',
    outcome,
    status,
    exitCode: code,
    connected: num(j.time_connect) > 0,
    timings: {
      dnsMs: ms(j.time_namelookup),
      connectMs: ms(j.time_connect),
      tlsMs: ms(j.time_appconnect),
      firstByteMs: ms(j.time_starttransfer),
      totalMs: ms(j.time_total),
    },
    bytes,
    headerBytes: num(j.size_header),
  };
  if (errormsg) res.errormsg = errormsg;
  if (typeof j.remote_ip === 'string' && j.remote_ip) res.remoteIp = j.remote_ip;
  return res;
}

function kb(bytes: number): string {
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} B`;
}

/** One line for reports: "HTTP 200, 231 KB in 41 ms" or "stalled after 14 KB (timed out at 2000 ms)". */
export function summarizeHttp(r: HttpResult): string {
  switch (r.outcome) {
    case 'response':
      return `HTTP ${r.status}, ${kb(r.bytes)} in ${r.timings.totalMs} ms (first byte ${r.timings.firstByteMs} ms)`;
    case 'stall':
      return `stalled: ${r.status ? `HTTP ${r.status}, ` : ''}${kb(r.bytes)} then nothing (gave up at ${r.timings.totalMs} ms)`;
    case 'timeout':
      return r.connected
        ? `connected in ${r.timings.connectMs} ms, then no answer (gave up at ${r.timings.totalMs} ms)`
        : `no connection (timed out at ${r.timings.totalMs} ms: packets dropped silently)`;
    case 'refused':
      return 'connection refused (nothing listens on that port)';
    case 'unreachable':
      return `unreachable: ${r.errormsg ?? 'no route'}`;
    case 'empty-reply':
      return 'connected, then the server closed without an answer (empty reply)';
    case 'reset':
      return 'connection reset by peer';
    case 'tls-error':
      return `TLS handshake failed: ${r.errormsg ?? ''}`.trim();
    case 'cert-error':
      return `certificate rejected: ${r.errormsg ?? ''}`.trim();
    case 'dns-error':
      return `name did not resolve: ${r.errormsg ?? ''}`.trim();
    default:
      return `failed (curl exit ${r.exitCode}${r.errormsg ? `: ${r.errormsg}` : ''})`;
  }
}
