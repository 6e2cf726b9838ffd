/**
 * Gateway API attachment: which listeners of a route's parent Gateways accept it, and the effective hostnames
 * (route hostnames intersected with listener hostnames, per the spec).
 */
import type { Gateway, GatewayListener, ParentRef } from '../cluster/types.js';
import { arr, type NsIndex, nsOf } from './indexes.js';
import { hostMatches } from './match.js';
import type { GatewayAttachment } from './types.js';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export type GatewayRouteKind = 'HTTPRoute' | 'GRPCRoute';

const ROUTE_PROTOCOLS: Record<GatewayRouteKind, string[]> = {
  HTTPRoute: ['HTTP', 'HTTPS'],
  GRPCRoute: ['HTTP', 'HTTPS'],
};

function listenerAllows(l: GatewayListener, gw: Gateway, routeNs: string): boolean {
  const from = l.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All' || from === 'Selector') return true; // Selector: namespace labels are not always read
  return nsOf(gw) === routeNs;
}

/** Intersection of a route hostname and a listener hostname (Gateway API rules): undefined = any, null = none. */
export function intersectHost(
  routeHost: string | undefined,
  listenerHost: string | undefined,
): string | undefined | null {
  if (!listenerHost) return routeHost;
  if (!routeHost) return listenerHost;
  const r = routeHost.toLowerCase();
  const l = listenerHost.toLowerCase();
  if (r === l) return r;
  if (l.startsWith('*.') && hostMatches(l, r.startsWith('*.') ? r.slice(2) : r, true)) return r;
  if (r.startsWith('*.') && hostMatches(r, l.startsWith('*.') ? l.slice(2) : l, true)) return l;
  return null;
}

/** The route's parentRefs (Gateway kind only), each with the Gateway and the listeners that accept the route. */
export function attachments(
  gateways: NsIndex<Gateway>,
  kind: GatewayRouteKind,
  routeNs: string,
  parentRefs: ParentRef[],
): GatewayAttachment[] {
  const out: GatewayAttachment[] = [];
  for (const pr of parentRefs) {
    if (!pr || typeof pr.name !== 'string') continue;
    if ((pr.kind ?? 'Gateway') !== 'Gateway' || (pr.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP) continue;
    const ns = pr.namespace ?? routeNs;
    const gw = gateways.get(ns, pr.name);
    const className = gw?.spec?.gatewayClassName;
    const listeners = gw
      ? arr<GatewayListener>(gw.spec?.listeners).filter(
          (l) =>
            (pr.sectionName === undefined || l.name === pr.sectionName) &&
            (pr.port === undefined || l.port === pr.port) &&
            ROUTE_PROTOCOLS[kind].includes(String(l.protocol).toUpperCase()) &&
            listenerAllows(l, gw, routeNs),
        )
      : [];
    out.push({
      namespace: ns,
      name: pr.name,
      sectionName: pr.sectionName,
      gateway: gw,
      listeners,
      className,
    });
  }
  return out;
}

/** Effective hostnames of a Gateway API route; attached=false when Gateways exist but none accepts it. */
export function gatewayHosts(
  routeHosts: string[],
  atts: GatewayAttachment[],
): { hosts: (string | undefined)[]; attached: boolean | undefined } {
  const found = atts.filter((a) => a.gateway);
  const own = routeHosts.length > 0 ? routeHosts.map((h) => h.toLowerCase()) : [undefined];
  if (found.length === 0) return { hosts: own, attached: atts.length > 0 ? false : undefined };
  const hosts = new Set<string | undefined>();
  for (const a of found) {
    for (const l of a.listeners) {
      for (const rh of own) {
        const h = intersectHost(rh, l.hostname);
        if (h !== null) hosts.add(h);
      }
    }
  }
  if (hosts.size === 0) return { hosts: own, attached: false };
  return { hosts: [...hosts], attached: true };
}
