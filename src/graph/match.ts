/**
 * Host and path matching as Kubernetes and Gateway API define it (label selectors: selector.ts). Pure functions, shared by the
 * graph and the checks (e.g. duplicate-route compares with the same rules the graph resolves with).
 */
import type { PathMatchType } from './types.js';

/** "Example.COM:8443." → "example.com"; "[::1]:80" → "::1". */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : h;
  }
  const colon = h.lastIndexOf(':');
  if (colon >= 0 && h.indexOf(':') === colon) h = h.slice(0, colon);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/**
 * Does a rule host match a request host? Ingress: "*.foo.com" matches exactly one label ("bar.foo.com",
 * not "baz.bar.foo.com", not "foo.com"). Gateway API: a wildcard is a suffix match over one or more labels.
 */
export function hostMatches(pattern: string | undefined, host: string, gatewayApi = false): boolean {
  if (pattern === undefined || pattern === '') return true;
  const p = pattern.toLowerCase();
  const h = normalizeHost(host);
  if (!p.startsWith('*.')) return p === h;
  const suffix = p.slice(1); // ".foo.com"
  if (!h.endsWith(suffix) || h.length === suffix.length) return false;
  const head = h.slice(0, h.length - suffix.length);
  return gatewayApi || !head.includes('.');
}

/** The request path without query or fragment. */
export function requestPath(path: string): string {
  let p = path;
  const q = p.search(/[?#]/);
  if (q >= 0) p = p.slice(0, q);
  return p.startsWith('/') ? p : `/${p}`;
}

const regexCache = new Map<string, RegExp | null>();

function compileRegex(source: string): RegExp | null {
  let re = regexCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${source})$`);
    } catch {
      re = null;
    }
    if (regexCache.size > 10000) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

/**
 * How well a rule path matches a request path: -1 no match; otherwise a score where higher wins
 * (Exact beats any prefix, longer prefixes beat shorter, regular expressions come last).
 * Prefix is element-wise per the Ingress spec: "/foo" matches "/foo", "/foo/" and "/foo/bar", not "/foobar";
 * a trailing slash on the rule is ignored. ImplementationSpecific is treated as Prefix.
 */
export function pathMatchScore(type: PathMatchType, rulePath: string, path: string): number {
  const req = requestPath(path);
  if (type === 'Exact') return req === rulePath ? 1_000_000 : -1;
  if (type === 'RegularExpression') {
    const re = compileRegex(rulePath);
    return re && req.length <= 8192 && re.test(req) ? 0 : -1;
  }
  const prefix = rulePath.length > 1 && rulePath.endsWith('/') ? rulePath.replace(/\/+$/, '') : rulePath;
  if (prefix === '' || prefix === '/') return 1;
  if (req === prefix || req.startsWith(`${prefix}/`)) return 1 + prefix.length;
  return -1;
}

/** Two rule paths that would claim the same requests (for duplicate detection): same type class and value. */
export function samePathClaim(
  aType: PathMatchType,
  aPath: string,
  bType: PathMatchType,
  bPath: string,
): boolean {
  const norm = (t: PathMatchType, p: string): string => {
    if (t === 'Exact' || t === 'RegularExpression') return `${t}:${p}`;
    return `Prefix:${p.length > 1 ? p.replace(/\/+$/, '') || '/' : p || '/'}`;
  };
  return norm(aType, aPath) === norm(bType, bPath);
}
