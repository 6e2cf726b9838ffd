import type { V1Pod } from '@kubernetes/client-node';
import { type ContainerEnvContext, flagValue } from '../container-env.js';

/** The ConfigMap an ingress-nginx controller pod reads: its `--configmap=NS/NAME` argument, as the kubelet expands it. */
export interface ConfigMapFlag {
  namespace: string;
  name: string;
  /** The argument as written in the manifest, e.g. "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller". */
  arg: string;
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
    return { namespace, name, arg: `--configmap=${f.raw}`, container: c.name };
  }
  return undefined;
}
