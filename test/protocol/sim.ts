import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RouteFacts } from '../../src/protocol/types.js';
import type { ExecResult } from '../../src/vantage/types.js';

/**
 * A simulated network for phase/verdict tests: answers the exact argv the phases produce (curl, ping, getent,
 * conntrack) with outputs shaped like the recorded ones in test/fixtures/probes/recorded.json.
 */

const probesDir = path.resolve(import.meta.dirname, '../../../test/fixtures/probes');
const protocolDir = path.resolve(import.meta.dirname, '../../../test/fixtures/protocol');
const recorded = JSON.parse(readFileSync(path.join(probesDir, 'recorded.json'), 'utf8')) as Record<
  string,
  { exitCode: number; stdout: string; stderr: string }
>;

export function healthyFacts(): RouteFacts {
  return JSON.parse(readFileSync(path.join(protocolDir, 'facts-healthy.json'), 'utf8')) as RouteFacts;
}

export type Behavior =
  | { status: number; bytes?: number; headerBytes?: number; firstByteMs?: number }
  | 'refused'
  | 'timeout'
  | 'connected-timeout'
  | 'stall'
  | 'empty'
  | 'reset'
  | 'tls-error'
  | 'cert-mismatch'
  | 'dns-error';

export interface HttpRequest {
  vantage: string;
  url: URL;
  /** The Host header sent (explicit -H, else the URL's host). */
  host: string;
  /** Where it connects: --resolve address, else the URL's host. */
  connectTo: string;
  insecure: boolean;
  /** A Host header was given with -H. */
  explicitHost: boolean;
}

export interface Net {
  http(r: HttpRequest): Behavior;
  ping?(vantage: string, ip: string, mtu: number): 'reply' | 'lost' | 'frag';
  dns?(name: string): string[];
  conntrack?(vantage: string): { count: number; max: number; drop?: number };
}

const ok = JSON.parse(recorded.ok?.stdout ?? '{}') as Record<string, unknown>;

function curlOut(b: Behavior): Partial<ExecResult> {
  const base = { ...ok };
  const set = (o: Record<string, unknown>) => JSON.stringify({ ...base, ...o });
  if (typeof b === 'object') {
    const ttfb = (b.firstByteMs ?? 3) / 1000;
    return {
      exitCode: 0,
      stdout: set({
        http_code: b.status,
        response_code: b.status,
        size_download: b.bytes ?? 11,
        size_header: b.headerBytes ?? 130,
        time_connect: 0.0004,
        time_starttransfer: ttfb,
        time_total: ttfb + 0.001,
        exitcode: 0,
        errormsg: null,
      }),
    };
  }
  const table: Record<string, string> = {
    refused: 'refused',
    timeout: 'conn-timeout',
    'connected-timeout': 'slow',
    stall: 'stall',
    empty: 'empty',
    reset: 'reset',
    'tls-error': 'tls-to-http',
    'cert-mismatch': 'cert-mismatch',
    'dns-error': 'dns-fail',
  };
  const r = recorded[table[b] ?? ''];
  if (!r) throw new Error(`no recording for ${b}`);
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

export function responder(net: Net) {
  return (vantage: string, argv: string[]): Partial<ExecResult> | undefined => {
    const [cmd] = argv;
    if (cmd === 'curl') {
      const url = new URL(argv[argv.length - 1] ?? '');
      let host = url.hostname;
      let connectTo = url.hostname;
      const h = argv.indexOf('-H');
      if (h >= 0) host = (argv[h + 1] ?? '').replace(/^Host: /, '');
      const rsv = argv.indexOf('--resolve');
      if (rsv >= 0) connectTo = (argv[rsv + 1] ?? '').split(':').slice(2).join(':');
      return curlOut(
        net.http({ vantage, url, host, connectTo, insecure: argv.includes('-k'), explicitHost: h >= 0 }),
      );
    }
    if (cmd === 'ping') {
      const size = Number(argv[argv.indexOf('-s') + 1]);
      const ip = argv[argv.length - 1] ?? '';
      const r = net.ping?.(vantage, ip, size + 28) ?? 'reply';
      const rec =
        r === 'reply'
          ? recorded['ping-ok']
          : r === 'lost'
            ? recorded['ping-lost']
            : recorded['ping-frag-needed'];
      return rec;
    }
    if (cmd === 'getent') {
      const name = argv[2] ?? '';
      const addrs = net.dns?.(name) ?? [];
      if (addrs.length === 0) return { exitCode: 2, stdout: '' };
      return {
        exitCode: 0,
        stdout: addrs.map((a) => `${a}       STREAM ${name}\n${a}       DGRAM\n`).join(''),
      };
    }
    if (cmd === 'cat' && argv[1]?.includes('nf_conntrack_count')) {
      const c = net.conntrack?.(vantage) ?? { count: 120, max: 262144 };
      return { exitCode: 0, stdout: `${c.count}\n${c.max}\n` };
    }
    if (cmd === 'conntrack') {
      const c = net.conntrack?.(vantage) ?? { count: 120, max: 262144 };
      const d = c.drop ?? 0;
      return {
        exitCode: 0,
        stdout: `cpu=0   \tfound=0 invalid=0 insert=0 insert_failed=${d} drop=${d} early_drop=0 error=0 search_restart=0\n`,
      };
    }
    return undefined;
  };
}

/** A healthy lab-like network: every HTTP request answers 200, DNS points at the LB, pings ≤ 1450 pass. */
export function healthyNet(f: RouteFacts, over: Partial<Net> = {}): Net {
  const lb = f.controller?.lbAddress ?? '';
  return {
    http: over.http ?? (() => ({ status: 200 })),
    ping: over.ping ?? ((_v, _ip, mtu) => (mtu <= 1450 ? 'reply' : 'lost')),
    dns: over.dns ?? (() => [lb]),
    conntrack: over.conntrack ?? (() => ({ count: 120, max: 262144 })),
  };
}

/** Which hop of the path a request targets, for writing scenarios in the domain's words. */
export function where(
  f: RouteFacts,
  r: HttpRequest,
): 'lb' | 'url' | 'nodeport' | 'healthcheck' | 'service' | 'endpoint' | 'pod' | 'other' {
  const lb = f.controller?.lbAddress;
  const port = Number(r.url.port || (r.url.protocol === 'https:' ? 443 : 80));
  if (r.vantage === 'local') {
    if (r.connectTo === lb || r.url.hostname === lb) return 'lb';
    return 'url';
  }
  if (r.url.hostname.endsWith('.svc.cluster.local')) return 'service';
  if (f.nodes.some((n) => n.ip === r.url.hostname)) return r.explicitHost ? 'nodeport' : 'healthcheck';
  if (f.endpoints.some((e) => e.ip === r.url.hostname && e.port === port)) return 'endpoint';
  if (f.pods.some((p) => p.ip === r.url.hostname)) return 'pod';
  return 'other';
}
