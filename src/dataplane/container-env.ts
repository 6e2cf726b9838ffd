/**
 * A container's command line as the kubelet runs it: `$(VAR)` references in command and args expanded from the
 * container's environment (env values, which may reference earlier variables, and `valueFrom` fieldRefs and
 * ConfigMap keys), the way kubelet's expansion does it (kubernetes/kubernetes
 * third_party/forked/golang/expansion/expand.go): `$$` is a literal `$`, a reference to an unknown variable stays
 * as written, an unterminated `$(` is kept. Written by hand: no npm package implements the kubelet's rules.
 */
import type { V1ConfigMap, V1Container, V1EnvVar, V1Pod } from '@kubernetes/client-node';

export interface ContainerEnvContext {
  /** The pod the container runs in (fieldRefs read it). */
  pod: V1Pod;
  /** ConfigMaps the snapshot holds, for `valueFrom.configMapKeyRef` and `envFrom.configMapRef`. */
  configMap?(namespace: string, name: string): V1ConfigMap | undefined;
  /** false for a pod synthesised from a workload template: its name and IPs are not the real ones. */
  podIsReal?: boolean;
}

/** One variable of the container's environment: its value, or undefined when it cannot be known statically. */
export interface EnvValue {
  value?: string;
  /** Where the value comes from, e.g. "fieldRef metadata.namespace", "ConfigMap ns/name key k", "value". */
  from: string;
}

const LABEL_REF = /^metadata\.(labels|annotations)\['(.+)'\]$/;

function fieldValue(path: string, ctx: ContainerEnvContext): string | undefined {
  const p = ctx.pod;
  const real = ctx.podIsReal !== false;
  const m = LABEL_REF.exec(path);
  if (m) {
    const map = m[1] === 'labels' ? p.metadata?.labels : p.metadata?.annotations;
    return map?.[m[2] as string];
  }
  switch (path) {
    case 'metadata.namespace':
      return p.metadata?.namespace ?? 'default';
    case 'metadata.name':
      return real ? p.metadata?.name : undefined;
    case 'spec.nodeName':
      return real ? p.spec?.nodeName : undefined;
    case 'spec.serviceAccountName':
      return p.spec?.serviceAccountName ?? 'default';
    case 'status.podIP':
      return real ? p.status?.podIP : undefined;
    case 'status.hostIP':
      return real ? p.status?.hostIP : undefined;
    default:
      return undefined;
  }
}

/** Expand `$(VAR)` in one string with kubelet's rules; `lookup` returns undefined for an unknown variable. */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  if (!input.includes('$')) return input;
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i += 2;
      } else {
        const name = input.slice(i + 2, close);
        out += lookup(name) ?? `$(${name})`;
        i = close + 1;
      }
    } else {
      out += `$${next}`;
      i += 2;
    }
  }
  return out;
}

/** The container's environment in kubelet's order: envFrom first, then env (later definitions win). */
export function containerEnv(container: V1Container, ctx: ContainerEnvContext): Map<string, EnvValue> {
  const env = new Map<string, EnvValue>();
  const ns = ctx.pod.metadata?.namespace ?? 'default';
  const known = (name: string) => env.get(name)?.value;
  for (const from of Array.isArray(container.envFrom) ? container.envFrom : []) {
    const ref = from?.configMapRef?.name;
    const cm = ref ? ctx.configMap?.(ns, ref) : undefined;
    if (!cm?.data) continue;
    for (const [k, v] of Object.entries(cm.data)) {
      env.set(`${from.prefix ?? ''}${k}`, { value: v, from: `ConfigMap ${ns}/${ref} key ${k}` });
    }
  }
  for (const e of Array.isArray(container.env) ? (container.env as V1EnvVar[]) : []) {
    if (!e || typeof e.name !== 'string') continue;
    if (typeof e.value === 'string' || e.valueFrom === undefined) {
      env.set(e.name, { value: expandVars(e.value ?? '', known), from: 'value' });
      continue;
    }
    const field = e.valueFrom.fieldRef?.fieldPath;
    if (field) {
      env.set(e.name, { value: fieldValue(field, ctx), from: `fieldRef ${field}` });
      continue;
    }
    const key = e.valueFrom.configMapKeyRef;
    if (key?.name && key.key) {
      const v = ctx.configMap?.(ns, key.name)?.data?.[key.key];
      env.set(e.name, { value: v, from: `ConfigMap ${ns}/${key.name} key ${key.key}` });
      continue;
    }
    // secretKeyRef, resourceFieldRef: not readable from manifests or a read-only API view.
    env.set(e.name, { from: 'valueFrom' });
  }
  return env;
}

/** command + args as the kubelet passes them to the process, `$(VAR)` expanded from the container's env. */
export function expandedArgs(container: V1Container, ctx: ContainerEnvContext): string[] {
  const raw = [
    ...(Array.isArray(container.command) ? container.command : []),
    ...(Array.isArray(container.args) ? container.args : []),
  ].filter((a): a is string => typeof a === 'string');
  if (!raw.some((a) => a.includes('$'))) return raw;
  const env = containerEnv(container, ctx);
  return raw.map((a) => expandVars(a, (name) => env.get(name)?.value));
}

/** The value of a `--flag=value` (or `--flag value`) argument of the container, expanded; undefined when absent. */
export function flagValue(
  container: V1Container,
  flag: string,
  ctx: ContainerEnvContext,
): { value: string; raw: string } | undefined {
  const raw = [
    ...(Array.isArray(container.command) ? container.command : []),
    ...(Array.isArray(container.args) ? container.args : []),
  ].filter((a): a is string => typeof a === 'string');
  for (let i = 0; i < raw.length; i++) {
    const a = raw[i] as string;
    let value: string | undefined;
    if (a.startsWith(`${flag}=`)) value = a.slice(flag.length + 1);
    else if (a === flag && i + 1 < raw.length) value = raw[i + 1];
    if (value === undefined) continue;
    if (!value.includes('$')) return { value, raw: value };
    const env = containerEnv(container, ctx);
    return { value: expandVars(value, (name) => env.get(name)?.value), raw: value };
  }
  return undefined;
}
