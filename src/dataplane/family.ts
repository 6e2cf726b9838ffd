/**
 * What a proxy family file declares: how to recognise the implementation (labels, images, IngressClass and
 * GatewayClass controller names, Ingress class names and annotation prefixes), its documented defaults as data
 * records, and how it reads a route's configuration. Adding a controller family is adding one such file and
 * listing it in families/index.ts.
 */
import type { V1ConfigMap, V1Pod, V1Service } from '@kubernetes/client-node';
import type { ConfigObjectRef } from '../cluster/narrow.js';
import type { ObjectRef } from '../cluster/types.js';
import type { Route, RouteBackend, RouteGraph } from '../graph/types.js';
import type {
  ControllerInfo,
  DefaultRecord,
  FamilyId,
  Provenance,
  Setting,
  SettingId,
  Settings,
} from './types.js';

export interface FamilyIdentity {
  /** Values of app.kubernetes.io/name, app, app.kubernetes.io/instance, k8s-app or name that identify it. */
  names: string[];
  /** Substrings of container images that identify it. */
  images: string[];
  /** IngressClass spec.controller values it implements. */
  ingressControllers: string[];
  /** GatewayClass spec.controllerName values (prefix match) it implements. */
  gatewayControllers: string[];
}

/** How an Ingress names a cloud controller that runs outside the cluster (no controller Service to find). */
export interface IngressHints {
  /** Ingress class names (spec.ingressClassName or the legacy annotation) of this family. */
  className?: (lowercased: string) => boolean;
  /** Annotation prefixes only this family reads. */
  annotationPrefixes?: string[];
}

/** What a family's settings reader may look at for one route. */
export interface FamilyContext {
  graph: RouteGraph;
  route: Route;
  controllers: ControllerInfo[];
  /** The backend the settings are read for (backend-scoped families only). */
  backend?: RouteBackend;
  /** An annotation of the route's object (Ingress, HTTPRoute), with its provenance. */
  annotation(key: string): Layer | undefined;
  /** A ConfigMap of the snapshot by namespace/name. */
  configMap(namespace: string, name: string): V1ConfigMap | undefined;
  /** Records a configuration object this route's settings were read from, and what named it. */
  uses(object: ObjectRef, via: Provenance): void;
  /** Memoised per data-plane model and family: work shared by every route of one controller. */
  memo<T>(key: unknown, compute: () => T): T;
}

export interface FamilyDef {
  id: FamilyId;
  /** The product's name as its users say it. */
  title: string;
  identity: FamilyIdentity;
  ingressHints?: IngressHints;
  defaults: readonly DefaultRecord[];
  /** The settings a route's configuration sets; the defaults fill the rest. */
  settings?(ctx: FamilyContext): Settings;
  /**
   * What the settings reader depends on: the route's object (its annotations and class: every path of an Ingress
   * shares them, so they are read once per object) or also the backend (e.g. a BackendConfig per Service port).
   */
  scope?: 'object' | 'backend';
  /** Configuration objects its controller reads, by name (for the narrow reads of one route). */
  configObjects?(controller: V1Service, pods: V1Pod[]): ConfigObjectRef[];
}

/** One place a value may be written: raw text and where. */
export interface Layer {
  raw: string;
  from: Provenance;
}

/**
 * The effective setting over layers in precedence order (first readable one wins; the default is the last
 * resort). Unreadable text is recorded and skipped, as controllers ignore an annotation they cannot parse.
 */
export function layered<T>(
  layers: readonly (Layer | undefined)[],
  parse: (raw: string) => T | undefined,
  fallback?: DefaultRecord,
): Setting<T> | undefined {
  let winner: Setting<T> | undefined;
  const overrides: { value: T; from: Provenance }[] = [];
  const unreadable: { raw: string; from: Provenance }[] = [];
  for (const l of layers) {
    if (!l) continue;
    const value = parse(l.raw);
    if (value === undefined) {
      // Only what is above the winner explains anything.
      if (!winner) unreadable.push({ raw: l.raw, from: l.from });
      continue;
    }
    if (!winner) winner = { value, from: l.from };
    else overrides.push({ value, from: l.from });
  }
  if (!winner && fallback) {
    if (unreadable.length === 0) return defaultSetting(fallback) as Setting<T>;
    winner = { value: fallback.value as T, from: { kind: 'default', default: fallback } };
  }
  if (!winner) return undefined;
  if (overrides.length > 0) winner.overrides = overrides;
  if (unreadable.length > 0) winner.unreadable = unreadable;
  return winner;
}

const defaultSettings = new WeakMap<DefaultRecord, Setting>();

/** A default as a setting: one shared, read-only object per record (thousands of routes use the same default). */
export function defaultSetting(d: DefaultRecord): Setting {
  let s = defaultSettings.get(d);
  if (!s) {
    s = Object.freeze({ value: d.value, from: Object.freeze({ kind: 'default' as const, default: d }) });
    defaultSettings.set(d, s);
  }
  return s;
}

/** The family's default record for a setting. */
export function defaultOf(family: Pick<FamilyDef, 'defaults'>, id: SettingId): DefaultRecord | undefined {
  return family.defaults.find((d) => d.setting === id);
}

/** A default record, for the families' tables. */
export function dflt(
  family: DefaultRecord['family'],
  setting: SettingId,
  value: DefaultRecord['value'],
  source: DefaultRecord['source'],
  more: Partial<Pick<DefaultRecord, 'version' | 'setBy' | 'note'>> = {},
): DefaultRecord {
  const d: DefaultRecord = { family, setting, value, version: more.version ?? null, source };
  if (more.setBy) d.setBy = more.setBy;
  if (more.note) d.note = more.note;
  return d;
}
