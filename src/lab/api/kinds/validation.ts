/**
 * apimachinery's validation vocabulary: field errors with the reasons and message shapes kube-apiserver
 * returns in a 422 Status (`spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive`).
 */
export interface Cause {
  field: string;
  reason:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueDuplicate'
    | 'FieldValueNotSupported'
    | 'FieldValueForbidden'
    | 'FieldValueNotFound';
  message: string;
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** parent[key] as an object, made (an empty one) when it is missing: for filling defaults. */
export function objAt(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isObj(v)) return v;
  const made: Obj = {};
  parent[key] = made;
  return made;
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export const required = (field: string, detail = ''): Cause => ({
  field,
  reason: 'FieldValueRequired',
  message: `Required value${detail ? `: ${detail}` : ''}`,
});

export const invalidValue = (field: string, value: unknown, detail: string): Cause => ({
  field,
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${goValue(value)}: ${detail}`,
});

export const duplicate = (field: string, value: unknown): Cause => ({
  field,
  reason: 'FieldValueDuplicate',
  message: `Duplicate value: ${goValue(value)}`,
});

export const notSupported = (field: string, value: unknown, allowed: string[]): Cause => ({
  field,
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${goValue(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`,
});

export const forbidden = (field: string, detail: string): Cause => ({
  field,
  reason: 'FieldValueForbidden',
  message: `Forbidden: ${detail}`,
});

export const immutable = (field: string, value: unknown): Cause =>
  invalidValue(field, value, 'field is immutable');

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

export function dns1123Label(field: string, v: string): Cause[] {
  if (v.length > 63 || !DNS1123_LABEL.test(v)) {
    return [
      invalidValue(
        field,
        v,
        `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      ),
    ];
  }
  return [];
}

export function dns1123Subdomain(field: string, v: string): Cause[] {
  if (v.length > 253 || !DNS1123_SUBDOMAIN.test(v)) {
    return [
      invalidValue(
        field,
        v,
        `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ),
    ];
  }
  return [];
}

export function dns1035Label(field: string, v: string): Cause[] {
  if (v.length > 63 || !DNS1035_LABEL.test(v)) {
    return [
      invalidValue(
        field,
        v,
        `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
      ),
    ];
  }
  return [];
}

/** A label or annotation key: an optional DNS subdomain prefix and a qualified name. */
export function qualifiedKey(field: string, key: string): Cause[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const out: Cause[] = [];
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)))
    out.push(
      invalidValue(
        field,
        key,
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'",
      ),
    );
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name))
    out.push(
      invalidValue(
        field,
        key,
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ),
    );
  return out;
}

export function labels(field: string, v: unknown): Cause[] {
  if (!isObj(v)) return [];
  const out: Cause[] = [];
  for (const [k, value] of Object.entries(v)) {
    out.push(...qualifiedKey(field, k));
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value))
      out.push(
        invalidValue(
          `${field}`,
          value,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
  }
  return out;
}

export function annotations(field: string, v: unknown): Cause[] {
  if (!isObj(v)) return [];
  const out: Cause[] = [];
  let size = 0;
  for (const [k, value] of Object.entries(v)) {
    out.push(...qualifiedKey(field, k));
    size += k.length + String(value).length;
  }
  if (size > 256 * 1024) out.push(invalidValue(field, '', 'must have at most 262144 bytes'));
  return out;
}

export function port(field: string, v: unknown, allowZero = false): Cause[] {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < (allowZero ? 0 : 1) || v > 65535)
    return [invalidValue(field, v, `must be between ${allowZero ? 0 : 1} and 65535, inclusive`)];
  return [];
}

/** A named or numbered port (IntOrString), as targetPort and probe ports are validated. */
export function portNameOrNumber(field: string, v: unknown): Cause[] {
  if (typeof v === 'number') return port(field, v);
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return port(field, Number(v));
    if (v.length > 15 || !IANA_SVC_NAME.test(v) || !/[a-z]/.test(v) || v.includes('--'))
      return [
        invalidValue(field, v, 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'),
      ];
    return [];
  }
  return [required(field)];
}

export function configKey(field: string, key: string): Cause[] {
  if (key.length > 253 || !CONFIG_KEY.test(key) || key === '.' || key === '..')
    return [
      invalidValue(
        field,
        key,
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ),
    ];
  return [];
}

export function oneOf(field: string, v: unknown, allowed: string[], optional = true): Cause[] {
  if (v === undefined && optional) return [];
  if (typeof v !== 'string' || !allowed.includes(v)) return [notSupported(field, v, allowed)];
  return [];
}

export function nonNegative(field: string, v: unknown): Cause[] {
  if (v === undefined) return [];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    return [invalidValue(field, v, 'must be greater than or equal to 0')];
  return [];
}

/** A metav1.LabelSelector: keys and values valid, operators known. */
export function labelSelector(field: string, sel: unknown): Cause[] {
  if (!isObj(sel)) return [];
  const out = labels(`${field}.matchLabels`, sel.matchLabels);
  list(sel.matchExpressions).forEach((e, i) => {
    const f = `${field}.matchExpressions[${i}]`;
    if (!isObj(e)) return;
    out.push(...oneOf(`${f}.operator`, e.operator, ['In', 'NotIn', 'Exists', 'DoesNotExist'], false));
    if (typeof e.key !== 'string') out.push(required(`${f}.key`));
    const values = list(e.values);
    if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0)
      out.push(required(`${f}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0)
      out.push(
        forbidden(`${f}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
      );
  });
  return out;
}

/** JSON with object keys sorted: two values are semantically equal when their canonical forms are. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObj(v))
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}
