/**
 * ingress-nginx (kubernetes/ingress-nginx): per-Ingress annotations `nginx.ingress.kubernetes.io/*` override the
 * controller ConfigMap (named by the controller's `--configmap=NS/NAME` argument), which overrides the defaults.
 */
import type { V1ConfigMap, V1Pod } from '@kubernetes/client-node';
import type { ObjectRef } from '../../cluster/types.js';
import { type ContainerEnvContext, flagValue } from '../container-env.js';
import { defaultSetting, dflt, type FamilyContext, type FamilyDef, type Layer, layered } from '../family.js';
import type { ControllerInfo, Provenance, SettingId, Settings, SettingValues } from '../types.js';
import { parseCount, parseDuration, parseSize, parseText } from '../values.js';

export const NGINX_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';
const DOCS = 'https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration';
const configmapDoc = (key: string) => ({ url: `${DOCS}/configmap/#${key}` });
const annotationsDoc = (anchor: string) => ({ url: `${DOCS}/annotations/#${anchor}` });

/** The ConfigMap an ingress-nginx controller pod reads: its `--configmap=NS/NAME` argument, as the kubelet expands it. */
export interface ConfigMapFlag {
  namespace: string;
  name: string;
  /** The argument as written in the manifest, e.g. "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller". */
  arg: string;
  /** The argument after expansion, e.g. "--configmap=ingress-nginx/ingress-nginx-controller". */
  expanded: string;
  container: string;
}

export function configMapFlag(
  pod: V1Pod,
  configMap?: ContainerEnvContext['configMap'],
  podIsReal = true,
): ConfigMapFlag | undefined {
  const containers = Array.isArray(pod.spec?.containers) ? pod.spec.containers : [];
  const ns = pod.metadata?.namespace ?? 'default';
  for (const c of containers) {
    if (!c || typeof c !== 'object') continue;
    const f = flagValue(c, '--configmap', { pod, podIsReal, ...(configMap ? { configMap } : {}) });
    if (!f || f.value === '') continue;
    const slash = f.value.indexOf('/');
    const namespace = slash >= 0 ? f.value.slice(0, slash) : ns;
    const name = slash >= 0 ? f.value.slice(slash + 1) : f.value;
    // An unresolved reference (a Secret-backed variable) names no ConfigMap we can read.
    if (!name || namespace.includes('$(') || name.includes('$(')) continue;
    return {
      namespace,
      name,
      arg: `--configmap=${f.raw}`,
      expanded: `--configmap=${f.value}`,
      container: c.name,
    };
  }
  return undefined;
}

/** Names the chart and distributions give the controller ConfigMap, for inputs without the controller's pods. */
export const NGINX_CONFIGMAP_NAMES = [
  'ingress-nginx-controller',
  'nginx-configuration',
  'nginx-ingress-controller',
  'rke2-ingress-nginx-controller',
];

type Spec = {
  [K in SettingId]?: {
    annotation?: string;
    configMap?: string;
    parse: (raw: string) => SettingValues[K] | undefined;
  };
};

/** Where each setting is written (annotation and/or ConfigMap key) and how it reads. */
const SPEC: Spec = {
  'connect-timeout': {
    annotation: 'proxy-connect-timeout',
    configMap: 'proxy-connect-timeout',
    parse: parseDuration,
  },
  'read-timeout': { annotation: 'proxy-read-timeout', configMap: 'proxy-read-timeout', parse: parseDuration },
  'send-timeout': { annotation: 'proxy-send-timeout', configMap: 'proxy-send-timeout', parse: parseDuration },
  'client-keepalive-timeout': { configMap: 'keep-alive', parse: parseDuration },
  'upstream-keepalive-timeout': { configMap: 'upstream-keepalive-timeout', parse: parseDuration },
  'upstream-keepalive-connections': { configMap: 'upstream-keepalive-connections', parse: parseCount },
  'retry-on': { annotation: 'proxy-next-upstream', configMap: 'proxy-next-upstream', parse: parseText },
  'retry-tries': {
    annotation: 'proxy-next-upstream-tries',
    configMap: 'proxy-next-upstream-tries',
    parse: parseCount,
  },
  'buffer-size': { annotation: 'proxy-buffer-size', configMap: 'proxy-buffer-size', parse: parseSize },
  'body-limit': { annotation: 'proxy-body-size', configMap: 'proxy-body-size', parse: parseSize },
  'backend-protocol': { annotation: 'backend-protocol', parse: (raw) => parseText(raw)?.toUpperCase() },
};

function setBy(id: SettingId): string[] {
  const s = SPEC[id];
  return [
    ...(s?.annotation ? [`annotation ${NGINX_ANNOTATION_PREFIX}${s.annotation}`] : []),
    ...(s?.configMap ? [`controller ConfigMap key ${s.configMap}`] : []),
  ];
}

const d = (id: SettingId, value: SettingValues[SettingId], source: { url: string }) =>
  dflt('ingress-nginx', id, value, source, { setBy: setBy(id) });

export const DEFAULTS = [
  d('connect-timeout', 5, configmapDoc('proxy-connect-timeout')),
  d('read-timeout', 60, configmapDoc('proxy-read-timeout')),
  d('send-timeout', 60, configmapDoc('proxy-send-timeout')),
  d('client-keepalive-timeout', 75, configmapDoc('keep-alive')),
  d('upstream-keepalive-timeout', 60, configmapDoc('upstream-keepalive-timeout')),
  d('upstream-keepalive-connections', 320, configmapDoc('upstream-keepalive-connections')),
  d('retry-on', 'error timeout', configmapDoc('proxy-next-upstream')),
  d('retry-tries', 3, configmapDoc('proxy-next-upstream-tries')),
  d('buffer-size', 4096, configmapDoc('proxy-buffer-size')),
  d('body-limit', 1024 ** 2, configmapDoc('proxy-body-size')),
  d('backend-protocol', 'HTTP', annotationsDoc('backend-protocol')),
];

interface FoundConfigMap {
  cm: V1ConfigMap;
  via: Provenance;
}

/**
 * The controller ConfigMap: the one the controller pods' `--configmap` names (only that one: a controller reads
 * nothing else); without the pods or the argument, the chart's names in the controller's namespace, then anywhere
 * in the input (manifests often hold the ConfigMap without the controller).
 */
function controllerConfigMap(ctx: FamilyContext): FoundConfigMap | undefined {
  const controllers = ctx.controllers;
  // One controller (the usual case) is its own key; several are keyed by their Services.
  const key =
    controllers.length === 1
      ? controllers[0]
      : controllers.map((c) => `${c.service.metadata?.namespace}/${c.service.metadata?.name}`).join(',');
  return ctx.memo(key, () => {
    for (const c of controllers) {
      for (const pod of c.pods) {
        const flag = configMapFlag(pod, ctx.configMap, !ctx.graph.isTemplatePod?.(pod));
        if (!flag) continue;
        const cm = ctx.configMap(flag.namespace, flag.name);
        if (!cm) return undefined;
        const via: Provenance = {
          kind: 'argument',
          object: ctx.graph.ref('Pod', pod),
          container: flag.container,
          arg: flag.arg,
          expanded: flag.expanded,
        };
        return { cm, via };
      }
    }
    for (const c of controllers) {
      const ns = c.service.metadata?.namespace ?? 'default';
      // The chart names the ConfigMap after its controller Service: <release>-controller.
      const own = `${(c.service.metadata?.name ?? '').replace(/-controller$/, '')}-controller`;
      for (const name of [own, ...NGINX_CONFIGMAP_NAMES]) {
        const cm = ctx.configMap(ns, name);
        if (cm)
          return {
            cm,
            via: {
              kind: 'convention',
              text: `the chart's ConfigMap name ${name} in the controller's namespace`,
            },
          };
      }
    }
    const anywhere = ctx.graph.snapshot.configMaps.find((cm) =>
      NGINX_CONFIGMAP_NAMES.includes(cm.metadata?.name ?? ''),
    );
    if (anywhere) {
      return {
        cm: anywhere,
        via: {
          kind: 'convention',
          text: `the chart's ConfigMap name ${anywhere.metadata?.name} (no controller pods in the input name one)`,
        },
      };
    }
    return undefined;
  });
}

/** SPEC as rows with everything a read needs precomputed: readSettings runs once per Ingress object. */
const ROWS = (Object.keys(SPEC) as SettingId[]).map((id) => {
  const spec = SPEC[id] as NonNullable<Spec[SettingId]>;
  const fallback = DEFAULTS.find((x) => x.setting === id);
  return {
    id,
    annotation: spec.annotation ? `${NGINX_ANNOTATION_PREFIX}${spec.annotation}` : undefined,
    configMap: spec.configMap,
    parse: spec.parse as (raw: string) => SettingValues[SettingId] | undefined,
    fallback,
    defaultSetting: fallback ? defaultSetting(fallback) : undefined,
  };
});
const PASSTHROUGH = `${NGINX_ANNOTATION_PREFIX}ssl-passthrough`;

function readSettings(ctx: FamilyContext): Settings {
  const found = controllerConfigMap(ctx);
  let cmRef: ObjectRef | undefined;
  if (found) {
    cmRef = ctx.graph.ref('ConfigMap', found.cm);
    ctx.uses(cmRef, found.via);
  }
  const data = found?.cm.data;
  const annotations = ctx.route.annotations;
  const out: Record<string, unknown> = {};
  for (const row of ROWS) {
    const ann = row.annotation !== undefined ? annotations[row.annotation] : undefined;
    const cm = row.configMap !== undefined && data ? data[row.configMap] : undefined;
    // Most Ingresses set nothing: the shared default, no layers to weigh.
    if (typeof ann !== 'string' && typeof cm !== 'string') {
      if (row.defaultSetting) out[row.id] = row.defaultSetting;
      continue;
    }
    const layers: (Layer | undefined)[] = [];
    if (typeof ann === 'string') layers.push(ctx.annotation(row.annotation as string));
    if (typeof cm === 'string' && cmRef) {
      layers.push({
        raw: cm,
        from: { kind: 'configmap', object: cmRef, key: row.configMap as string, raw: cm },
      });
    }
    const s = layered(layers, row.parse, row.fallback);
    if (s) out[row.id] = s;
  }
  // SSL passthrough hands the client's TLS stream to the backend untouched: no HTTP proxying at all.
  if (annotations[PASSTHROUGH] === 'true') {
    const p = ctx.annotation(PASSTHROUGH);
    if (p) out['backend-protocol'] = { value: 'PASSTHROUGH', from: p.from };
  }
  return out as Settings;
}

export const ingressNginx: FamilyDef = {
  id: 'ingress-nginx',
  title: 'ingress-nginx',
  identity: {
    names: [
      'ingress-nginx',
      'nginx-ingress',
      'nginx-ingress-controller',
      'rke2-ingress-nginx',
      'ingress-nginx-controller',
    ],
    images: ['ingress-nginx/controller', 'nginx-ingress-controller', 'nginx/nginx-ingress'],
    ingressControllers: ['k8s.io/ingress-nginx', 'nginx.org/ingress-controller'],
    gatewayControllers: [],
  },
  ingressHints: {
    className: (cls) => cls.includes('nginx'),
    annotationPrefixes: [NGINX_ANNOTATION_PREFIX],
  },
  defaults: DEFAULTS,
  settings: readSettings,
  configObjects(controller, pods) {
    const pod = pods[0];
    const flag = pod ? configMapFlag(pod) : undefined;
    if (flag) return [{ resource: 'configmaps', namespace: flag.namespace, name: flag.name }];
    const ns = controller.metadata?.namespace ?? 'default';
    const name = `${(controller.metadata?.name ?? 'ingress-nginx-controller').replace(/-controller$/, '')}-controller`;
    return [{ resource: 'configmaps', namespace: ns, name }];
  },
};

/** For callers that hold a controller but not a route (e.g. the narrow read's plan). */
export function controllerConfigMapRef(controller: ControllerInfo): { namespace: string; name: string } {
  const ref = ingressNginx.configObjects?.(controller.service, controller.pods)[0];
  return ref
    ? { namespace: ref.namespace, name: ref.name }
    : { namespace: 'default', name: 'ingress-nginx-controller' };
}
