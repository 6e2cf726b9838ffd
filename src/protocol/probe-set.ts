import type {
  ConntrackResult,
  DnsResult,
  HttpResult,
  PingResult,
  ProbeData,
  TextResult,
} from '../probes/types.js';
import type { ProbeRecord } from './types.js';

/** Typed, read-only access to the probes of one diagnosis (recorded or live) by id. */
export class ProbeSet {
  private readonly byId = new Map<string, ProbeRecord>();

  constructor(readonly records: readonly ProbeRecord[]) {
    for (const r of records) this.byId.set(r.id, r);
  }

  get(id: string): ProbeRecord | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  private data(id: string): ProbeData | undefined {
    const d = this.byId.get(id)?.data as ProbeData | undefined;
    return d && typeof d === 'object' && typeof d.kind === 'string' ? d : undefined;
  }

  http(id: string): HttpResult | undefined {
    const d = this.data(id);
    return d?.kind === 'http' ? d : undefined;
  }

  ping(id: string): PingResult | undefined {
    const d = this.data(id);
    return d?.kind === 'ping' ? d : undefined;
  }

  dns(id: string): DnsResult | undefined {
    const d = this.data(id);
    return d?.kind === 'dns' ? d : undefined;
  }

  conntrack(id: string): ConntrackResult | undefined {
    const d = this.data(id);
    return d?.kind === 'conntrack' ? d : undefined;
  }

  text(id: string): TextResult | undefined {
    const d = this.data(id);
    return d?.kind === 'text' ? d : undefined;
  }
}

/** An HTTP answer arrived (any status). */
export function answered(r: HttpResult | undefined): r is HttpResult & { outcome: 'response' } {
  return r?.outcome === 'response';
}

export function ok2xx3xx(r: HttpResult | undefined): boolean {
  return answered(r) && r.status >= 200 && r.status < 400;
}
