import { createHash } from 'node:crypto';
import { SERVER_VERSION } from './discovery.js';
import { RESOURCES, type ResourceInfo, servedGroups } from './resources.js';

/**
 * OpenAPI v3 discovery (/openapi/v3 and one document per group/version), as far as kubectl 1.32 reads it: the
 * PATCH operation of every kind with its `x-kubernetes-group-version-kind` and the `fieldValidation` parameter,
 * which makes kubectl (--validate=strict, its default) leave field validation to the server instead of
 * downloading the whole schema. Component schemas are not served (kubectl apply then computes patches from the
 * types compiled into it, as it does for any server without them).
 */

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const QUERY = (name: string, description: string) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', uniqueItems: true },
});

const WRITE_PARAMS = [
  QUERY('dryRun', 'When present, indicates that modifications should not be persisted.'),
  QUERY(
    'fieldManager',
    'fieldManager is a name associated with the actor or entity that is making these changes.',
  ),
  QUERY(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn (default) and Strict.',
  ),
];

function operations(info: ResourceInfo): Record<string, unknown> {
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  const base = `/${gvPath(info.group, info.version)}${info.namespaced ? '/namespaces/{namespace}' : ''}/${info.resource}`;
  const op = (action: string, params: unknown[] = []) => ({
    operationId: `${action}${info.kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    parameters: params,
    responses: { '200': { description: 'OK' } },
  });
  const item = {
    get: op('get'),
    put: op('put', WRITE_PARAMS),
    patch: op('patch', [...WRITE_PARAMS, QUERY('force', 'Force is going to "force" Apply requests.')]),
    delete: op('delete', [
      QUERY('dryRun', 'When present, indicates that modifications should not be persisted.'),
    ]),
  };
  const collection = { get: op('list'), post: op('post', WRITE_PARAMS), delete: op('deletecollection') };
  const out: Record<string, unknown> = { [base]: collection, [`${base}/{name}`]: item };
  for (const sub of info.subresources) {
    if (sub.name === 'exec') continue;
    out[`${base}/{name}/${sub.name}`] = {
      get: op('get'),
      put: op('put', WRITE_PARAMS),
      patch: op('patch', WRITE_PARAMS),
    };
  }
  return out;
}

const docs = new Map<string, { body: string; hash: string }>();

function documentFor(group: string, version: string): { body: string; hash: string } | undefined {
  const key = gvPath(group, version);
  const cached = docs.get(key);
  if (cached) return cached;
  const infos = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (infos.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const info of infos) Object.assign(paths, operations(info));
  const body = JSON.stringify({
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas: {} },
  });
  const doc = { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase() };
  docs.set(key, doc);
  return doc;
}

/** GET /openapi/v3: where each group/version's document is. */
export function openApiRoot(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const g of servedGroups()) {
    for (const v of g.versions) {
      const doc = documentFor(g.group, v);
      if (doc)
        paths[gvPath(g.group, v)] = {
          serverRelativeURL: `/openapi/v3/${gvPath(g.group, v)}?hash=${doc.hash}`,
        };
    }
  }
  return { paths };
}

/** GET /openapi/v3/<api/v1 | apis/G/V>: the document's JSON text, or undefined for an unknown path. */
export function openApiDocument(path: string): string | undefined {
  const seg = path.split('/').filter(Boolean);
  if (seg[0] === 'api' && seg.length === 2) return documentFor('', seg[1] as string)?.body;
  if (seg[0] === 'apis' && seg.length === 3) return documentFor(seg[1] as string, seg[2] as string)?.body;
  return undefined;
}
