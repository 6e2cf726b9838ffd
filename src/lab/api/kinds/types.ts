import type { Cause, Obj } from './validation.js';

/** What a kind's registry strategy may ask of the server while it fills defaults (allocations, lookups). */
export interface StrategyContext {
  /** A free ClusterIP from the service range (or the requested one, checked); undefined (and a cause) when not. */
  allocateClusterIP(requested: string | undefined, field: string): string | undefined;
  /** A free NodePort (30000–32767), or the requested one checked; undefined (and a cause) when not. */
  allocateNodePort(requested: number | undefined, field: string): number | undefined;
  /** Field errors found while defaulting (allocations that failed): reported with the validation's. */
  causes: Cause[];
  /** A ServiceAccount-style random suffix (kube-api-access-xxxxx). */
  randomSuffix(): string;
}

/**
 * A kind's behaviour in the registry, like kube-apiserver's per-resource REST strategy: which subresources it
 * has, whether it keeps metadata.generation, its server-side defaults and its validation.
 */
export interface KindStrategy {
  /** `.status` is written only through the /status subresource (ignored on create and update). */
  statusSubresource: boolean;
  /** metadata.generation is 1 on create and bumped when anything but metadata and status changes. */
  generation: boolean;
  /** Has the scale subresource: the replica count and the selector it reports. */
  scale?: boolean;
  /** PUT on a missing object creates it. */
  allowCreateOnUpdate?: boolean;
  /** Name format: DNS-1123 subdomain (most kinds), DNS-1123 label (namespaces), DNS-1035 label (services). */
  name: 'subdomain' | 'label' | 'dns1035' | 'path';
  /** The status a new object starts with (its `.status` is replaced by this on create). */
  initialStatus?(obj: Obj): unknown;
  /** Server-filled defaults (mutates obj). `old` is the stored object on update. */
  defaults?(obj: Obj, ctx: StrategyContext, old?: Obj): void;
  /** Admission on create (ServiceAccount token volume, default tolerations…): mutates obj. */
  admit?(obj: Obj, ctx: StrategyContext): void;
  /** Field errors of the whole object; `old` is set on update (immutable fields). */
  validate?(obj: Obj, old?: Obj): Cause[];
}
