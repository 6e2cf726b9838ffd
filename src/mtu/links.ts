import { shellQuote, validTarget } from '../probes/ping.js';

/**
 * The configured MTUs at a vantage, read with iproute2 the way a person would check them by hand:
 * `ip -o -d link show` (every interface, its MTU and its kind: veth, vxlan, geneve, ipip, wireguard, bridge)
 * and `ip route get <peer>` (which interface and which MTU the kernel uses towards a peer: a route's `mtu`
 * attribute or a cached path MTU beats the interface's own MTU). Parsers are pure.
 */

export interface LinkInfo {
  index: number;
  name: string;
  mtu: number;
  up: boolean;
  /** `ip -d` kind: veth, vxlan, geneve, ipip, wireguard, bridge…; undefined for physical NICs. */
  kind?: string;
  /** VXLAN/Geneve: the device it is bound to (`dev eth0`). The kernel then caps its MTU at that device's − 50. */
  boundTo?: string;
}

export interface RouteToPeer {
  peer: string;
  dev?: string;
  via?: string;
  src?: string;
  /** MTU on the route or a learnt path MTU ("cache expires …s mtu N"). */
  mtu?: number;
  /** The MTU came from the PMTU cache (an earlier ICMP "fragmentation needed"). */
  cached: boolean;
  error?: string;
}

export interface InterfaceReport {
  links: LinkInfo[];
  routes: RouteToPeer[];
  problems: string[];
}

const KINDS = [
  'veth',
  'vxlan',
  'geneve',
  'ipip',
  'ip6tnl',
  'sit',
  'gre',
  'gretap',
  'wireguard',
  'bridge',
  'vlan',
  'macvlan',
  'ipvlan',
  'bond',
  'dummy',
  'tun',
  'nlmon',
];

/** Parse `ip -o -d link show` (one interface per line; `\` separates the sub-lines). */
export function parseIpLinks(out: string): LinkInfo[] {
  const links: LinkInfo[] = [];
  for (const line of out.split('\n')) {
    const m = /^(\d+): ([^:@\s]+)(?:@[^:\s]+)?: <([^>]*)> mtu (\d+)/.exec(line);
    if (!m) continue;
    const link: LinkInfo = {
      index: Number(m[1]),
      name: m[2],
      mtu: Number(m[4]),
      up: m[3].split(',').includes('UP'),
    };
    // With -d, the kind opens the sub-line after "maxmtu N": "\    vxlan id 42 local … dev eth1 …".
    const sub = line.split('\\').map((s) => s.trim());
    for (const s of sub.slice(1)) {
      const word = s.split(/\s+/)[0];
      if (KINDS.includes(word)) {
        link.kind = word;
        if (word === 'vxlan' || word === 'geneve') {
          const dev = / dev (\S+)/.exec(s);
          if (dev) link.boundTo = dev[1];
        }
        break;
      }
    }
    links.push(link);
  }
  return links;
}

/** Parse one `ip route get <peer>` answer (two lines: the route, then "cache …"). */
export function parseRouteGet(peer: string, out: string): RouteToPeer {
  const text = out.replace(/\n\s+/g, ' ').trim();
  const r: RouteToPeer = { peer, cached: false };
  if (!text || /^(RTNETLINK|Error)/m.test(text)) {
    r.error = text || 'no route';
    return r;
  }
  const dev = / dev (\S+)/.exec(` ${text}`);
  const via = / via (\S+)/.exec(` ${text}`);
  const src = / src (\S+)/.exec(` ${text}`);
  const mtu = / mtu (?:lock )?(\d+)/.exec(` ${text}`);
  if (dev) r.dev = dev[1];
  if (via) r.via = via[1];
  if (src) r.src = src[1];
  if (mtu) {
    r.mtu = Number(mtu[1]);
    r.cached = /cache expires/.test(text);
  }
  return r;
}

const SECTION = '::idoc-mtu';

/** One sh script: the links, then one `ip route get` per peer, between markers. */
export function interfaceScript(peers: readonly string[]): string {
  const lines = [
    `echo '${SECTION} links'`,
    // Without iproute2 (or with one that lacks -d), the same facts from sysfs, in `ip -o link`'s shape.
    'ip -o -d link show 2>/dev/null || for f in /sys/class/net/*; do ' +
      'echo "0: $(basename "$f"): <$(tr a-z A-Z <"$f/operstate" 2>/dev/null)> mtu $(cat "$f/mtu")"; done',
  ];
  for (const p of peers) {
    if (!validTarget(p)) continue;
    lines.push(`echo '${SECTION} route ${p}'`, `${shellQuote(['ip', 'route', 'get', p])} 2>&1`);
  }
  lines.push(`echo '${SECTION} end'`);
  return lines.join('\n');
}

export function interfaceArgv(peers: readonly string[]): string[] {
  return ['sh', '-c', interfaceScript(peers)];
}

/** Split the script's output back into links and routes. */
export function parseInterfaceReport(stdout: string): InterfaceReport {
  const problems: string[] = [];
  const parts = stdout.split(new RegExp(`^${SECTION} `, 'm'));
  let links: LinkInfo[] = [];
  const routes: RouteToPeer[] = [];
  let sawLinks = false;
  for (const part of parts) {
    const nl = part.indexOf('\n');
    const head = nl < 0 ? part : part.slice(0, nl);
    const body = nl < 0 ? '' : part.slice(nl + 1);
    if (head === 'links') {
      sawLinks = true;
      links = parseIpLinks(body);
      if (links.length === 0)
        problems.push(`could not read interfaces: ${body.trim().split('\n')[0] || 'no output'}`);
    } else if (head.startsWith('route ')) {
      routes.push(parseRouteGet(head.slice(6).trim(), body));
    }
  }
  if (!sawLinks) problems.push('the interface script printed nothing (no sh or iproute2 at this vantage?)');
  return { links, routes, problems };
}

/** The MTU the kernel uses towards a peer: the route's (or cached) MTU, else its interface's. */
export function effectiveMtu(
  report: InterfaceReport,
  peer: string,
): { mtu?: number; dev?: string; cached: boolean } {
  const route = report.routes.find((r) => r.peer === peer);
  const dev = route?.dev;
  const link = dev ? report.links.find((l) => l.name === dev) : undefined;
  const out: { mtu?: number; dev?: string; cached: boolean } = { cached: false };
  if (dev) out.dev = dev;
  if (route?.mtu !== undefined && !route.cached) out.mtu = link ? Math.min(route.mtu, link.mtu) : route.mtu;
  else if (link) out.mtu = link.mtu;
  if (route?.cached) out.cached = true;
  return out;
}

/** The overlay tunnel interfaces at a (node) vantage. */
export function overlayLinks(links: readonly LinkInfo[]): LinkInfo[] {
  return links.filter(
    (l) => l.kind === 'vxlan' || l.kind === 'geneve' || l.kind === 'ipip' || l.kind === 'wireguard',
  );
}
