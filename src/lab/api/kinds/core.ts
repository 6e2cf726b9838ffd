import type { KindStrategy } from './types.js';
import { type Cause, configKey, invalidValue, isObj, type Obj, objAt, oneOf } from './validation.js';

export const namespaceStrategy: KindStrategy = {
  statusSubresource: true,
  generation: false,
  name: 'label',
  initialStatus: () => ({ phase: 'Active' }),
  defaults(obj) {
    const meta = obj.metadata as Obj;
    // The real API server labels every namespace with its name; NetworkPolicy namespaceSelectors use it.
    meta.labels = { ...((meta.labels as Obj) ?? {}), 'kubernetes.io/metadata.name': meta.name };
    const spec = objAt(obj, 'spec');
    spec.finalizers ??= ['kubernetes'];
  },
};

function dataKeys(obj: Obj, fields: string[]): Cause[] {
  const out: Cause[] = [];
  const seen = new Set<string>();
  for (const f of fields) {
    const data = obj[f];
    if (!isObj(data)) continue;
    for (const k of Object.keys(data)) {
      out.push(...configKey(`${f}[${k}]`, k));
      if (seen.has(k))
        out.push(
          invalidValue(
            `${f}[${k}]`,
            k,
            'duplicate of key present in ' + fields.filter((x) => x !== f).join(', '),
          ),
        );
      seen.add(k);
    }
  }
  return out;
}

export const configMapStrategy: KindStrategy = {
  statusSubresource: false,
  generation: false,
  name: 'subdomain',
  validate: (obj) => dataKeys(obj, ['data', 'binaryData']),
};

export const secretStrategy: KindStrategy = {
  statusSubresource: false,
  generation: false,
  name: 'subdomain',
  defaults(obj) {
    obj.type ??= 'Opaque';
    // stringData is write-only: merged into data (base64) by the server.
    if (isObj(obj.stringData)) {
      const data = objAt(obj, 'data');
      for (const [k, v] of Object.entries(obj.stringData))
        data[k] = Buffer.from(String(v)).toString('base64');
      delete obj.stringData;
    }
  },
  validate(obj) {
    const out = dataKeys(obj, ['data']);
    if (isObj(obj.data)) {
      for (const [k, v] of Object.entries(obj.data)) {
        if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v))
          out.push(invalidValue(`data[${k}]`, '<secret contents redacted>', 'illegal base64 data'));
      }
    }
    if (obj.type === 'kubernetes.io/tls') {
      const data = isObj(obj.data) ? obj.data : {};
      for (const k of ['tls.crt', 'tls.key'])
        if (!(k in data))
          out.push({ field: `data[${k}]`, reason: 'FieldValueRequired', message: 'Required value' });
    }
    return out;
  },
};

export const plainStrategy = (
  name: KindStrategy['name'] = 'subdomain',
  extra: Partial<KindStrategy> = {},
): KindStrategy => ({
  statusSubresource: false,
  generation: false,
  name,
  ...extra,
});

export const nodeStrategy: KindStrategy = {
  statusSubresource: true,
  generation: false,
  name: 'subdomain',
  initialStatus: (obj) => (isObj(obj.status) ? obj.status : {}),
};

export const eventStrategy: KindStrategy = {
  statusSubresource: false,
  generation: false,
  name: 'subdomain',
  allowCreateOnUpdate: true,
  defaults(obj) {
    obj.type ??= 'Normal';
  },
  validate: (obj) => oneOf('type', obj.type, ['Normal', 'Warning']),
};
