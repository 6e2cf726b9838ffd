/**
 * Host, path and label matching as Kubernetes and Gateway API define it. Pure functions, shared by the
 * graph and the checks (e.g. duplicate-route compares with the same rules the graph resolves with).
 */
import type { V1LabelSelector, V1LabelSelectorRequirement } from '@kubernetes/client-node';
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

/** A map selector (Service.spec.selector): every key=value must be present. Empty matches everything. */
export function selectorMatches(
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels?.[k] !== v) return false;
  return true;
}

function requirementMatches(
  req: V1LabelSelectorRequirement,
  labels: Record<string, string> | undefined,
): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, req.key);
  const value = labels?.[req.key];
  const values = Array.isArray(req.values) ? req.values : [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value as string);
    case 'NotIn':
      return !has || !values.includes(value as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false; // an unknown operator selects nothing, as the API server would reject it
  }
}

/**
 * A LabelSelector (NetworkPolicy, PDB, workloads). `{}` matches everything; undefined matches nothing
 * (as for PDB/NetworkPolicy peers, where a missing selector means "not this kind of peer").
 */
export function labelSelectorMatches(
  selector: V1LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (selector === undefined || selector === null) return false;
  if (selector.matchLabels && !selectorMatches(selector.matchLabels, labels)) return false;
  for (const req of selector.matchExpressions ?? []) if (!requirementMatches(req, labels)) return false;
  return true;
}
