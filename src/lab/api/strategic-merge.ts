import { childType, elementType, patchMeta, type TypeName } from './schema.js';

/**
 * Strategic merge patch (application/strategic-merge-patch+json), as k8s.io/apimachinery's strategicpatch applies
 * it: maps merge, `null` deletes, lists whose field carries `patchStrategy: merge` merge by their `patchMergeKey`
 * (or as sets for primitives), other lists are replaced; directives `$patch: replace|delete|merge`,
 * `$retainKeys`, `$setElementOrder/<field>` and `$deleteFromPrimitiveList/<field>`.
 *
 * Hand-written: no maintained JavaScript implementation exists (npm has none that knows the directives), and
 * kubectl apply/edit/patch/set/rollout send these patches with `$setElementOrder` and `$retainKeys` routinely.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export class PatchError extends Error {}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return v === undefined ? v : (structuredClone(v) as T);
}

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

/** Removes every directive from a value that is used literally (a replaced list or map, an added element). */
function strip(v: Json): Json {
  if (Array.isArray(v)) return v.filter((e) => !(isObject(e) && '$patch' in e)).map(strip);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVE))
      continue;
    out[k] = strip(x);
  }
  return out;
}

/** Applies `patch` to `original` (neither is changed). `type` is the object's model type, e.g. V1Deployment. */
export function applyStrategicMergePatch(original: JsonObject, patch: unknown, type: TypeName): JsonObject {
  if (!isObject(patch)) throw new PatchError('a strategic merge patch must be a JSON object');
  const merged = mergeMap(original, patch, type);
  if (merged === undefined) throw new PatchError('a strategic merge patch cannot delete the whole object');
  return merged;
}

function mergeMap(original: JsonObject | undefined, patch: JsonObject, type: TypeName | undefined) {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return strip(patch) as JsonObject;
  if (directive !== undefined && directive !== 'merge')
    throw new PatchError(`unknown patch directive "$patch: ${String(directive)}"`);
  const result: JsonObject = isObject(original) ? clone(original) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (
      key === '$patch' ||
      key === '$retainKeys' ||
      key.startsWith(SET_ORDER) ||
      key.startsWith(DELETE_PRIMITIVE)
    )
      continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const child = childType(type, key);
    if (isObject(value)) {
      const merged = mergeMap(isObject(result[key]) ? (result[key] as JsonObject) : undefined, value, child);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      const meta = patchMeta(type, key);
      if (meta?.strategy.includes('merge')) {
        const current = Array.isArray(result[key]) ? (result[key] as Json[]) : [];
        result[key] = mergeList(current, value, child ? elementType(child) : undefined, meta.key);
      } else {
        result[key] = strip(value);
      }
    } else {
      result[key] = value;
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      if (!Array.isArray(value)) throw new PatchError(`${key} must be a list`);
      if (Array.isArray(result[field])) {
        result[field] = (result[field] as Json[]).filter((x) => !value.some((d) => sameKey(d, x)));
      }
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const field = key.slice(SET_ORDER.length);
    if (!Array.isArray(value)) throw new PatchError(`${key} must be a list`);
    if (Array.isArray(result[field])) {
      const meta = patchMeta(type, field);
      result[field] = reorder(result[field] as Json[], value, meta?.key);
    }
  }
  const retain = patch.$retainKeys;
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new PatchError('$retainKeys must be a list of field names');
    for (const k of Object.keys(result)) if (!retain.includes(k)) delete result[k];
  }
  return result;
}

function sameKey(a: Json | undefined, b: Json | undefined): boolean {
  if (isObject(a) || isObject(b) || Array.isArray(a) || Array.isArray(b))
    return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function mergeList(
  original: Json[],
  patch: Json[],
  element: TypeName | undefined,
  key: string | undefined,
): Json[] {
  // `{$patch: replace}` alone in a list replaces the list; with a merge key it replaces that element only.
  if (patch.some((e) => isObject(e) && e.$patch === 'replace' && (key === undefined || !(key in e))))
    return strip(patch) as Json[];
  if (key === undefined) {
    // A list of primitives with the merge strategy is a set: union, original order first.
    const out = [...original];
    for (const v of patch) if (!out.some((x) => sameKey(x, v))) out.push(strip(v));
    return out;
  }
  const out = original.map((e) => clone(e));
  for (const item of patch) {
    if (isObject(item) && item.$patch !== undefined && !(key in item)) continue;
    if (!isObject(item)) throw new PatchError(`the list merged by "${key}" must hold objects`);
    if (!(key in item)) throw new PatchError(`an element of a list merged by "${key}" has no "${key}"`);
    const at = out.findIndex((e) => isObject(e) && sameKey(e[key], item[key]));
    if (item.$patch === 'delete') {
      for (let i = out.length - 1; i >= 0; i--) {
        const e = out[i];
        if (isObject(e) && sameKey(e[key], item[key])) out.splice(i, 1);
      }
      continue;
    }
    const merged = mergeMap(at >= 0 ? (out[at] as JsonObject) : undefined, item, element);
    if (merged === undefined) {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = merged;
    else out.push(merged);
  }
  return out;
}

/**
 * `$setElementOrder`: the listed elements take the positions the listed ones hold, in the listed order; the
 * elements only the server has keep theirs (apimachinery's normalizeElementOrder keeps their relative place).
 */
function reorder(list: Json[], order: Json[], key: string | undefined): Json[] {
  const id = (e: Json) => (key !== undefined && isObject(e) ? e[key] : e);
  const wanted = order.map((o) => (key !== undefined && isObject(o) ? o[key] : o));
  const inOrder = (e: Json) => wanted.some((w) => sameKey(w, id(e)));
  const ordered: Json[] = [];
  for (const w of wanted) {
    const found = list.filter((e) => sameKey(id(e), w));
    ordered.push(...found);
  }
  const extra = list.filter((e) => inOrder(e) && !ordered.includes(e));
  const queue = [...ordered, ...extra];
  return list.map((e) => (inOrder(e) ? (queue.shift() as Json) : e));
}
