/** Kubernetes label and field selectors: parsed once per request, matched per object. */

export type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'gt' | 'lt'; value: number };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function checkKey(key: string): string | undefined {
  return KEY.test(key) && key.length <= 316 ? undefined : `invalid label key "${key}"`;
}
function checkValue(v: string): string | undefined {
  return VALUE.test(v) && v.length <= 63 ? undefined : `invalid label value: "${v}"`;
}

export function parseLabelSelector(input: string): ParseResult<LabelRequirement[]> {
  const out: LabelRequirement[] = [];
  if (input.trim() === '') return { ok: true, value: out };
  for (const raw of splitTop(input)) {
    const part = raw.trim();
    const fail = (why: string): ParseResult<LabelRequirement[]> => ({
      ok: false,
      error: `unable to parse requirement: ${why} in "${part}"`,
    });
    if (part === '') return fail('found empty requirement');
    let m = /^!\s*(\S+)$/.exec(part);
    if (m) {
      const bad = checkKey(m[1]!);
      if (bad) return fail(bad);
      out.push({ key: m[1]!, op: 'notexists' });
      continue;
    }
    m = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part);
    if (m) {
      const bad = checkKey(m[1]!);
      if (bad) return fail(bad);
      const values = m[3]!.split(',').map((v) => v.trim());
      if (values.every((v) => v === ''))
        return fail("for 'in', 'notin' operators, values set can't be empty");
      for (const v of values) {
        const badV = checkValue(v);
        if (badV) return fail(badV);
      }
      out.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values });
      continue;
    }
    m = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(part);
    if (m) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      const bad = checkKey(key);
      if (bad) return fail(bad);
      if (op === '<' || op === '>') {
        const n = Number(value.trim());
        if (!/^-?\d+$/.test(value.trim()))
          return fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
        out.push({ key, op: op === '>' ? 'gt' : 'lt', value: n });
        continue;
      }
      const v = value.trim();
      const badV = checkValue(v);
      if (badV) return fail(badV);
      out.push({ key, op: op === '!=' ? 'notin' : 'in', values: [v] });
      continue;
    }
    if (/^\S+$/.test(part)) {
      const bad = checkKey(part);
      if (bad) return fail(bad);
      out.push({ key: part, op: 'exists' });
      continue;
    }
    return fail('unknown operator');
  }
  return { ok: true, value: out };
}

export function matchesLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const req of reqs) {
    const has = Object.hasOwn(l, req.key);
    const v = l[req.key];
    switch (req.op) {
      case 'exists':
        if (!has) return false;
        break;
      case 'notexists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !req.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && req.values.includes(v!)) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        const n = Number(v);
        if (req.op === 'gt' ? !(n > req.value) : !(n < req.value)) return false;
        break;
      }
    }
  }
  return true;
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

function unescapeField(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

export function parseFieldSelector(input: string): ParseResult<FieldRequirement[]> {
  const out: FieldRequirement[] = [];
  if (input.trim() === '') return { ok: true, value: out };
  // Commas and operators may be escaped with a backslash in values.
  const parts = input.split(/(?<!\\),/);
  for (const raw of parts) {
    const part = raw.trim();
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) return { ok: false, error: `invalid selector: '${input}'; can't understand '${part}'` };
    out.push({ field: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: unescapeField(m[3]!.trim()) });
  }
  return { ok: true, value: out };
}

/** Field values an object exposes to field selectors (the same set per kind as the real API server). */
export function fieldValue(
  resource: string,
  obj: Record<string, unknown>,
  field: string,
): string | undefined {
  const meta = (obj.metadata ?? {}) as Record<string, unknown>;
  if (field === 'metadata.name') return String(meta.name ?? '');
  if (field === 'metadata.namespace') return String(meta.namespace ?? '');
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const st = (obj.status ?? {}) as Record<string, unknown>;
  switch (resource) {
    case 'pods':
      switch (field) {
        case 'spec.nodeName':
        case 'spec.restartPolicy':
        case 'spec.schedulerName':
        case 'spec.serviceAccountName':
          return String(spec[field.slice(5)] ?? '');
        case 'spec.hostNetwork':
          return String(spec.hostNetwork === true);
        case 'status.phase':
        case 'status.podIP':
        case 'status.nominatedNodeName':
          return String(st[field.slice(7)] ?? '');
      }
      return undefined;
    case 'nodes':
      return field === 'spec.unschedulable' ? String(spec.unschedulable === true) : undefined;
    case 'namespaces':
      return field === 'status.phase' ? String(st.phase ?? '') : undefined;
    case 'events': {
      // Events are served empty; accept the selectors kubectl describe sends.
      const parts = field.split('.');
      let cur: unknown = obj;
      for (const p of parts)
        cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
      return cur === undefined ? '' : String(cur);
    }
  }
  return undefined;
}

/** Returns the first unsupported field, if any, so the request can be refused like the real API does. */
export function unsupportedField(resource: string, reqs: FieldRequirement[]): string | undefined {
  const probe = { metadata: {}, spec: {}, status: {} };
  return reqs.find((r) => fieldValue(resource, probe, r.field) === undefined)?.field;
}

export function matchesFields(
  resource: string,
  reqs: FieldRequirement[],
  obj: Record<string, unknown>,
): boolean {
  for (const req of reqs) {
    const v = fieldValue(resource, obj, req.field) ?? '';
    if (req.op === '=' ? v !== req.value : v === req.value) return false;
  }
  return true;
}
