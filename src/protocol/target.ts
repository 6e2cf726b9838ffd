/** What the user asked to diagnose: a URL, host[/path], ingress/NAME or httproute/NAME. */
export type Target =
  | { kind: 'url'; input: string; scheme: 'http' | 'https'; host: string; port: number; path: string }
  | { kind: 'ingress' | 'httproute'; input: string; namespace?: string; name: string };

export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Parse TARGET. Throws TargetError with what is wrong and the accepted forms. */
export function parseTarget(input: string): Target {
  const raw = input.trim();
  const forms = 'use a URL (https://shop.example.com/cart), host[/path], ingress/NAME or httproute/NAME';
  if (!raw) throw new TargetError(`empty target; ${forms}`);
  const kindMatch = /^(ingress|ingresses|ing|httproute|httproutes)\/(.+)$/i.exec(raw);
  if (kindMatch) {
    const kind = /^(ingress|ingresses|ing)$/i.test(kindMatch[1] ?? '') ? 'ingress' : 'httproute';
    const rest = kindMatch[2] ?? '';
    const [a, b] = rest.split('/');
    const name = b ?? a ?? '';
    const namespace = b !== undefined ? a : undefined;
    if (!NAME_RE.test(name) || (namespace !== undefined && !NAME_RE.test(namespace))) {
      throw new TargetError(`"${raw}" is not a valid ${kind} name; ${forms}`);
    }
    return namespace ? { kind, input: raw, namespace, name } : { kind, input: raw, name };
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TargetError(`"${raw}" is not a URL or host; ${forms}`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') {
    throw new TargetError(`unsupported scheme "${scheme}" in "${raw}"; only http and https`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new TargetError(`no host in "${raw}"; ${forms}`);
  const port = url.port ? Number(url.port) : scheme === 'https' ? 443 : 80;
  const path = `${url.pathname || '/'}${url.search}`;
  return { kind: 'url', input: raw, scheme, host: host.toLowerCase(), port, path };
}
