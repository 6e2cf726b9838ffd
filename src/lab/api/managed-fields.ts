import { isObj, type Obj } from './kinds/validation.js';
import type { ResourceInfo } from './resources.js';
import { childType, elementType, KIND_TYPES, mapValueType, patchMeta, type TypeName } from './schema.js';

/**
 * metadata.managedFields for Update operations, the way kube-apiserver's field manager keeps them: each manager
 * (kubectl's --field-manager, or the client's user agent) owns the fields it last changed, in FieldsV1 form
 * (`f:` fields, `k:` keyed list elements by their merge key, `v:` set members, `.` the element itself).
 * Ownership moves to whoever changes a field; a manager that owns nothing any more loses its entry.
 */

const SEP = '\u0000';
const METADATA_TRACKED = new Set(['labels', 'annotations', 'finalizers', 'ownerReferences']);

interface Entry {
  manager: string;
  operation: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Obj;
  subresource?: string;
}

function leaves(
  value: unknown,
  type: TypeName | undefined,
  prefix: string[],
  out: Map<string, string>,
): void {
  if (Array.isArray(value)) {
    out.set(prefix.join(SEP), JSON.stringify(value));
    return;
  }
  if (!isObj(value) || Object.keys(value).length === 0) {
    out.set(prefix.join(SEP), JSON.stringify(value));
    return;
  }
  const isMap = type !== undefined && mapValueType(type) !== undefined;
  if (isMap && prefix.length) out.set([...prefix, '.'].join(SEP), '');
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const child = childType(type, k);
    const meta = patchMeta(type, k);
    const path = [...prefix, `f:${k}`];
    if (Array.isArray(v) && meta?.strategy.includes('merge')) {
      const elem = child ? elementType(child) : undefined;
      for (const item of v) {
        if (meta.key && isObj(item)) {
          const id = [...path, `k:${JSON.stringify({ [meta.key]: item[meta.key] })}`];
          out.set([...id, '.'].join(SEP), '');
          leaves(item, elem, id, out);
        } else out.set([...path, `v:${JSON.stringify(item)}`].join(SEP), '');
      }
      continue;
    }
    leaves(v, child, path, out);
  }
}

function trackedLeaves(obj: Obj, info: ResourceInfo, subresource: string | undefined): Map<string, string> {
  const type = info.custom ? undefined : KIND_TYPES[info.kind];
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'status' && info.strategy.statusSubresource && subresource !== 'status') continue;
    if (k !== 'status' && subresource === 'status' && k !== 'metadata') continue;
    if (k === 'metadata') {
      for (const [mk, mv] of Object.entries(isObj(v) ? v : {})) {
        if (!METADATA_TRACKED.has(mk) || mv === undefined) continue;
        const sub = new Map<string, string>();
        leaves({ [mk]: mv }, 'V1ObjectMeta', ['f:metadata'], sub);
        for (const [p, x] of sub) out.set(p, x);
      }
      continue;
    }
    leaves(v, childType(type, k), [`f:${k}`], out);
  }
  return out;
}

function toTree(paths: Iterable<string>): Obj {
  const root: Obj = {};
  for (const p of paths) {
    let node = root;
    for (const seg of p.split(SEP)) {
      if (!isObj(node[seg])) node[seg] = {};
      node = node[seg] as Obj;
    }
  }
  return root;
}

function fromTree(tree: unknown, prefix: string[] = [], out = new Set<string>()): Set<string> {
  if (!isObj(tree)) return out;
  const keys = Object.keys(tree);
  if (keys.length === 0 && prefix.length) out.add(prefix.join(SEP));
  for (const k of keys) {
    if (k === '.') out.add([...prefix, '.'].join(SEP));
    else fromTree(tree[k], [...prefix, k], out);
  }
  return out;
}

/** Updates obj.metadata.managedFields for a write by `manager` (current is the stored object, if any). */
export function applyManagedFields(
  obj: Obj,
  current: Obj | undefined,
  manager: string,
  info: ResourceInfo,
  subresource: string | undefined,
): void {
  const meta = obj.metadata as Obj;
  const before = current ? trackedLeaves(current, info, subresource) : new Map<string, string>();
  const after = trackedLeaves(obj, info, subresource);
  const changed = new Set<string>();
  for (const [p, v] of after) if (before.get(p) !== v) changed.add(p);
  const entries: Entry[] = Array.isArray(current?.metadata && (current.metadata as Obj).managedFields)
    ? structuredClone((current?.metadata as Obj).managedFields as Entry[])
    : [];
  const allNow = new Set([
    ...trackedLeaves(obj, info, undefined).keys(),
    ...trackedLeaves(obj, info, 'status').keys(),
  ]);
  const sub = subresource && subresource !== 'scale' ? subresource : undefined;
  const mine = (e: Entry) =>
    e.manager === manager && e.operation === 'Update' && (e.subresource ?? undefined) === sub;
  let own = entries.find(mine);
  if (!own) {
    if (changed.size === 0) {
      meta.managedFields = entries.length ? entries : undefined;
      if (!meta.managedFields) delete meta.managedFields;
      return;
    }
    own = { manager, operation: 'Update' };
    entries.push(own);
  }
  const out: Entry[] = [];
  for (const e of entries) {
    let set = fromTree(e.fieldsV1);
    if (e === own) set = new Set([...set, ...changed]);
    else for (const p of changed) set.delete(p);
    set = new Set([...set].filter((p) => allNow.has(p)));
    if (set.size === 0 && e !== own) continue;
    const next: Entry = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: String(obj.apiVersion),
      time: e === own ? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') : e.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toTree(set),
      ...(e.subresource ? { subresource: e.subresource } : {}),
    };
    if (e === own && sub) next.subresource = sub;
    out.push(next);
  }
  meta.managedFields = out;
}
