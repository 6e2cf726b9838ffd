import type { DnsResult } from './types.js';

/** `getent ahosts NAME`: what the system resolver (nsswitch, /etc/hosts, DNS) answers, like a browser sees. */
export function getentArgv(name: string): string[] {
  return ['getent', 'ahosts', name];
}

export function parseGetent(name: string, stdout: string, stderr: string, exitCode: number): DnsResult {
  const addresses: string[] = [];
  for (const line of stdout.split('\n')) {
    const addr = line.trim().split(/\s+/)[0];
    if (addr && /^[0-9a-fA-F:.]+$/.test(addr) && !addresses.includes(addr)) addresses.push(addr);
  }
  const res: DnsResult = { kind: 'dns', name, addresses, notFound: exitCode === 2 };
  if (exitCode !== 0 && exitCode !== 2) res.error = stderr.trim() || `getent exit ${exitCode}`;
  return res;
}

export function summarizeDns(r: DnsResult): string {
  if (r.error) return `lookup failed: ${r.error}`;
  if (r.notFound || r.addresses.length === 0) return `${r.name} does not resolve`;
  return `${r.name} → ${r.addresses.join(', ')}`;
}
