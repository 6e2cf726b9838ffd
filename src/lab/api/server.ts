import { timingSafeEqual } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { parse as parseYaml } from 'yaml';
import type { PodRuntime } from '../runtime.js';
import { CLUSTER } from '../topology.js';
import {
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  SERVER_VERSION,
} from './discovery.js';
import { EXEC_PROTOCOLS, negotiateProtocol, parseExecRequest, runExecSession } from './exec.js';
import { openApiDocument, openApiRoot } from './openapi.js';
import { patchTypeOf } from './patch.js';
import { type DeleteOptions, Registry, type WriteOptions } from './registry.js';
import { apiVersionOf, findResource, type ResourceInfo, resourceNamed } from './resources.js';

const PODS = resourceNamed('pods');

import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  unsupportedField,
} from './selectors.js';
import {
  ApiError,
  badRequest,
  gone,
  methodNotAllowed,
  notFound,
  type StatusBody,
  status,
  unauthorized,
} from './status.js';
import type { KubeObject, ObjectStore, StoreEvent } from './store.js';
import { type IncludeObject, toTable } from './tables.js';

export interface LabApiOptions {
  store: ObjectStore;
  runtime: PodRuntime;
  host: string;
  port: number;
  tls: { cert: string | Buffer; key: string | Buffer };
  token: string;
  /** Writes one line per request (method, path, status, ms) to this stream; off by default. */
  accessLog?: NodeJS.WritableStream;
  /** The write path; made over `store` when not given (the control plane shares one with its controllers). */
  registry?: Registry;
}

export interface LabApi {
  port: number;
  /** Requests served so far (every HTTP request and exec upgrade, except /debug/request-count itself). */
  readonly requestCount: number;
  /** Also serves the API on a unix socket (the host's forwarder connects there); TLS as on the TCP port. */
  serveUnixSocket(path: string): Promise<void>;
  /** Stops listening, ends watches and exec sessions, and stops the pods created through the API. */
  close(): Promise<void>;
}

/** Unread bytes a watcher may have queued before it is closed as unresponsive. */
const MAX_WATCH_PENDING_BYTES = 8 * 1024 * 1024;
/** kube-apiserver's --max-requests-inflight and --max-mutating-requests-inflight defaults. */
const MAX_INFLIGHT = 400;
const MAX_MUTATING_INFLIGHT = 200;
/** Encoded watch events by object (weak: gone with the object's revision). */
const encodings = new WeakMap<object, Map<string, string>>();

/** A watch may run at most this long even if the client asks for more (the real API caps it too). */
const MAX_WATCH_SECONDS = 1800;

interface Target {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
}

type Route =
  | { type: 'json'; body: unknown; contentType?: string }
  | { type: 'target'; target: Target; watchPath: boolean };

/** Which representation the client asked for in Accept (kubectl get wants Tables). */
type Representation =
  | { as: 'object' }
  | { as: 'table'; version: 'v1' | 'v1beta1' }
  | { as: 'partial'; version: 'v1' | 'v1beta1' };

function parseAccept(accept: string | undefined): Representation {
  for (const raw of (accept ?? '').split(',')) {
    const [type, ...paramParts] = raw.split(';').map((s) => s.trim());
    const params = new Map(paramParts.map((p) => p.split('=').map((s) => s.trim()) as [string, string]));
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    const as = params.get('as');
    if (!as) return { as: 'object' };
    const version = params.get('v') === 'v1beta1' ? 'v1beta1' : 'v1';
    if (params.get('g') !== 'meta.k8s.io') continue;
    if (as === 'Table') return { as: 'table', version };
    if (as === 'PartialObjectMetadataList' || as === 'PartialObjectMetadata')
      return { as: 'partial', version };
  }
  return { as: 'object' };
}

function discoveryVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const raw of (accept ?? '').split(',')) {
    if (!raw.includes('as=APIGroupDiscoveryList') || !raw.includes('g=apidiscovery.k8s.io')) continue;
    if (/v=v2beta1\b/.test(raw)) return 'v2beta1';
    if (/v=v2\b/.test(raw)) return 'v2';
  }
  return undefined;
}

export async function startLabApi(opts: LabApiOptions): Promise<LabApi> {
  const { store, runtime } = opts;
  const registry = opts.registry ?? new Registry(store, { serviceCidr: CLUSTER.serviceCidr });
  const expected = Buffer.from(`Bearer ${opts.token}`);
  let requestCount = 0;
  const watches = new Set<() => void>();
  const sessions = new Set<() => void>();
  const sockets = new Set<Socket>();
  let serverAddress = `${opts.host}:${opts.port}`;
  const unixServers: NetServer[] = [];
  let inflight = 0;
  let inflightMutating = 0;

  const authorized = (req: IncomingMessage): boolean => {
    const got = Buffer.from(req.headers.authorization ?? '');
    return got.length === expected.length && timingSafeEqual(got, expected);
  };

  const log = (req: IncomingMessage, code: number, started: number) => {
    opts.accessLog?.write(`${req.method} ${req.url} ${code} ${Date.now() - started}ms\n`);
  };

  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => negotiateProtocol([...protocols].join(',')) ?? false,
  });

  const server = createServer({ cert: opts.tls.cert, key: opts.tls.key }, (req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'https://lab');
    if (url.pathname !== '/debug/request-count') requestCount++;
    res.on('finish', () => log(req, res.statusCode, started));
    // Bounded concurrency for requests that end (watches are long-running and not counted), with 429 beyond.
    const long = isTrue(url.searchParams.get('watch')) || url.pathname.includes('/watch/');
    const mutating = req.method !== 'GET' && req.method !== 'HEAD';
    if (!long) {
      if (inflight >= MAX_INFLIGHT || (mutating && inflightMutating >= MAX_MUTATING_INFLIGHT)) {
        res.setHeader('Retry-After', '1');
        const body = status(429, 'TooManyRequests', 'Too many requests, please try again later.');
        sendJson(res, 429, body);
        return;
      }
      inflight++;
      if (mutating) inflightMutating++;
      res.on('close', () => {
        inflight--;
        if (mutating) inflightMutating--;
      });
    }
    handle(req, res, url).catch((err: unknown) => {
      const body =
        err instanceof ApiError
          ? err.body
          : status(
              500,
              'InternalError',
              `Internal error occurred: ${(err as Error)?.message ?? String(err)}`,
            );
      if (!res.headersSent) sendJson(res, body.code, body);
      else res.end();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    requestCount++;
    const started = Date.now();
    // A client that resets mid-handshake must not take the server down.
    socket.on('error', () => socket.destroy());
    const reject = (body: StatusBody) => {
      opts.accessLog?.write(`${req.method} ${req.url} ${body.code} ${Date.now() - started}ms\n`);
      const text = JSON.stringify(body);
      socket.end(
        `HTTP/1.1 ${body.code} ${body.reason}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
      );
    };
    try {
      if (!authorized(req)) return reject(unauthorized());
      const url = new URL(req.url ?? '/', 'https://lab');
      const route = routePath(url.pathname);
      if (route.type !== 'target' || route.target.info !== PODS || route.target.subresource !== 'exec') {
        return reject(badRequest(`${url.pathname} does not support upgrades; only pods/exec does`).body);
      }
      const { namespace, name } = route.target;
      const pod = store.get(PODS, namespace, name!);
      if (!pod) return reject(notFound(PODS, name!).body);
      const execReq = parseExecRequest(url.searchParams, pod);
      const protocol = negotiateProtocol(req.headers['sec-websocket-protocol']);
      if (!protocol) {
        return reject(
          badRequest(
            `exec needs a WebSocket with one of the subprotocols ${EXEC_PROTOCOLS.join(', ')} (SPDY is not supported by the lab API)`,
          ).body,
        );
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        opts.accessLog?.write(`${req.method} ${req.url} 101 ${Date.now() - started}ms\n`);
        const abort = runExecSession(ws, protocol, pod, execReq, runtime);
        sessions.add(abort);
        ws.on('close', () => sessions.delete(abort));
      });
    } catch (err) {
      reject(err instanceof ApiError ? err.body : status(500, 'InternalError', String(err)));
    }
  });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (['/version', '/healthz', '/livez', '/readyz'].includes(path) && req.method === 'GET') {
      // Like a real cluster's public-info-viewer role: version and health need no credentials.
      if (path === '/version') return sendJson(res, 200, SERVER_VERSION);
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    if (!authorized(req)) return sendJson(res, 401, unauthorized());
    if (path === '/debug/request-count') return sendJson(res, 200, { requestCount });
    if (req.headers.upgrade) throw badRequest('upgrade requests are only served for pods/exec');
    if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
      if (req.method !== 'GET') throw methodNotAllowed(undefined, `${req.method} ${path}`);
      if (path === '/openapi/v3') return sendJson(res, 200, openApiRoot());
      const doc = openApiDocument(path.slice('/openapi/v3/'.length));
      if (!doc)
        throw new ApiError(status(404, 'NotFound', 'the server could not find the requested resource'));
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(doc) });
      res.end(doc);
      return;
    }
    const route = routePath(path);
    if (route.type === 'json') {
      if (req.method !== 'GET') throw methodNotAllowed(undefined, `${req.method} ${path}`);
      const dv = discoveryVersion(req.headers.accept);
      if (dv && (path === '/api' || path === '/apis')) {
        const body = aggregatedDiscovery(path === '/api', dv);
        const ct = `application/json;g=apidiscovery.k8s.io;v=${dv};as=APIGroupDiscoveryList`;
        return sendJson(res, 200, body, ct);
      }
      const body = path === '/api' ? apiVersions(serverAddress) : route.body;
      return sendJson(res, 200, body, route.contentType);
    }
    const { target } = route;
    const { info } = target;
    const params = url.searchParams;
    if (target.subresource === 'status' || target.subresource === 'scale') {
      return subresource(req, res, target, params);
    }
    if (target.subresource) {
      if (target.subresource === 'exec' && info === PODS) {
        throw badRequest(
          'Upgrade request required: exec is served over WebSocket (v5.channel.k8s.io, v4.channel.k8s.io)',
        );
      }
      throw new ApiError(
        status(
          404,
          'NotFound',
          `the lab API does not serve ${info.resource}/${target.subresource} (only pods/exec, status and scale)`,
          {
            name: target.name,
            kind: info.resource,
          },
        ),
      );
    }
    const method = req.method ?? 'GET';
    const collection = target.name === undefined;
    if (method === 'GET' && collection && (route.watchPath || isTrue(params.get('watch')))) {
      return watch(req, res, target, params);
    }
    if (method === 'GET' && !collection && (route.watchPath || isTrue(params.get('watch')))) {
      // The old single-object watch form: the same as a collection watch on metadata.name.
      const byName = new URLSearchParams(params);
      const fields = [params.get('fieldSelector'), `metadata.name=${target.name}`].filter(Boolean).join(',');
      byName.set('fieldSelector', fields);
      return watch(req, res, { ...target, name: undefined }, byName);
    }
    if (method === 'GET' && collection) return list(req, res, target, params);
    if (method === 'GET') {
      const obj = store.get(info, target.namespace, target.name!);
      if (!obj) throw notFound(info, target.name!);
      return sendObject(req, res, 200, info, obj);
    }
    const write = writeOptions(req, params);
    if (method === 'POST' && collection) {
      if (info.namespaced && !target.namespace)
        throw methodNotAllowed(
          info,
          `create ${info.resource} in a namespace (POST /…/namespaces/NS/${info.resource})`,
        );
      const body = await readBody(req);
      const { object, warnings } = registry.create(info, target.namespace, body, write);
      return sendObject(req, res, 201, info, object, warnings);
    }
    if (method === 'PUT' && !collection) {
      const body = await readBody(req);
      const { object, warnings, created } = registry.update(
        info,
        target.namespace,
        target.name!,
        body,
        write,
      );
      return sendObject(req, res, created ? 201 : 200, info, object, warnings);
    }
    if (method === 'PATCH' && !collection) {
      const type = patchTypeOf(req.headers['content-type'], !info.custom);
      const body = await readBody(req, type === 'apply');
      const { object, warnings } = registry.patch(info, target.namespace, target.name!, type, body, write);
      return sendObject(req, res, 200, info, object, warnings);
    }
    if (method === 'DELETE' && !collection) {
      const options = await deleteOptions(req, params);
      const { object, deleted } = registry.delete(info, target.namespace, target.name!, options, write);
      return sendObject(req, res, deleted ? 200 : 202, info, object);
    }
    if (method === 'DELETE' && collection) {
      const options = await deleteOptions(req, params);
      const { labels, fields } = selectors(info, params);
      const matches = store
        .list(info, target.namespace)
        .filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(info.resource, fields, o));
      const deleted = matches.map(
        (o) => registry.delete(info, o.metadata.namespace, o.metadata.name, options, write).object,
      );
      return sendJson(res, 200, listBody(info, deleted, { resourceVersion: store.resourceVersion }));
    }
    throw methodNotAllowed(
      info,
      `${method} is not supported on ${collection ? 'a collection of ' : ''}${info.resource}`,
    );
  }

  /** GET/PUT/PATCH on …/status and …/scale. */
  async function subresource(
    req: IncomingMessage,
    res: ServerResponse,
    target: Target,
    params: URLSearchParams,
  ) {
    const { info } = target;
    const sub = target.subresource as 'status' | 'scale';
    if (!info.subresources.some((s) => s.name === sub)) {
      throw new ApiError(
        status(
          404,
          'NotFound',
          `the server could not find the requested resource (${info.resource}/${sub})`,
          {
            name: target.name,
            kind: info.resource,
          },
        ),
      );
    }
    const method = req.method ?? 'GET';
    const name = target.name as string;
    if (method === 'GET') {
      if (sub === 'scale') return sendJson(res, 200, registry.getScale(info, target.namespace, name));
      const obj = store.get(info, target.namespace, name);
      if (!obj) throw notFound(info, name);
      return sendObject(req, res, 200, info, obj);
    }
    const write = writeOptions(req, params);
    if (method === 'PUT') {
      const body = await readBody(req);
      const { object, warnings } = registry.update(info, target.namespace, name, body, write, sub);
      return sub === 'scale' ? sendJson(res, 200, object) : sendObject(req, res, 200, info, object, warnings);
    }
    if (method === 'PATCH') {
      const type = patchTypeOf(req.headers['content-type'], !info.custom);
      const body = await readBody(req, type === 'apply');
      const { object, warnings } = registry.patch(info, target.namespace, name, type, body, write, sub);
      return sub === 'scale' ? sendJson(res, 200, object) : sendObject(req, res, 200, info, object, warnings);
    }
    throw methodNotAllowed(info, `${method} is not supported on ${info.resource}/${sub}`);
  }

  function selectors(info: ResourceInfo, params: URLSearchParams) {
    const labels = parseLabelSelector(params.get('labelSelector') ?? '');
    if (!labels.ok) throw badRequest(labels.error);
    const fields = parseFieldSelector(params.get('fieldSelector') ?? '');
    if (!fields.ok) throw badRequest(fields.error);
    const bad = unsupportedField(info.resource, fields.value);
    if (bad) throw badRequest(`field label not supported: ${bad}`);
    return { labels: labels.value, fields: fields.value };
  }

  function list(req: IncomingMessage, res: ServerResponse, target: Target, params: URLSearchParams): void {
    const { info } = target;
    const { labels, fields } = selectors(info, params);
    const all = store
      .list(info, target.namespace)
      .filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(info.resource, fields, o));
    let start = 0;
    const token = params.get('continue');
    if (token) {
      const after = decodeContinue(token);
      start = all.findIndex((o) => key(o) > after);
      if (start < 0) start = all.length;
    }
    const limit = Number(params.get('limit') ?? 0);
    const end = limit > 0 ? Math.min(all.length, start + limit) : all.length;
    const page = all.slice(start, end);
    const meta: { resourceVersion: string; continue?: string; remainingItemCount?: number } = {
      resourceVersion: store.resourceVersion,
    };
    if (end < all.length && page.length > 0) {
      meta.continue = encodeContinue(key(page[page.length - 1]!));
      meta.remainingItemCount = all.length - end;
    }
    const rep = parseAccept(req.headers.accept);
    if (rep.as === 'table') {
      const include = (params.get('includeObject') as IncludeObject | null) ?? 'Metadata';
      sendTable(res, 200, toTable(info, page, meta, include), rep.version);
    } else if (rep.as === 'partial') {
      sendJson(res, 200, {
        kind: 'PartialObjectMetadataList',
        apiVersion: `meta.k8s.io/${rep.version}`,
        metadata: meta,
        items: page.map((o) => partial(o, rep.version)),
      });
    } else sendJson(res, 200, listBody(info, page, meta));
  }

  function sendObject(
    req: IncomingMessage,
    res: ServerResponse,
    code: number,
    info: ResourceInfo,
    obj: KubeObject,
    warnings: string[] = [],
  ): void {
    // The real API's warning header (kubectl prints "Warning: unknown field …").
    if (warnings.length)
      res.setHeader(
        'Warning',
        warnings.map((w) => `299 - ${JSON.stringify(w)}`),
      );
    const rep = parseAccept(req.headers.accept);
    if (rep.as === 'table') {
      sendTable(
        res,
        code,
        toTable(info, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '' }),
        rep.version,
      );
    } else if (rep.as === 'partial') sendJson(res, code, partial(obj, rep.version));
    else sendJson(res, code, obj);
  }

  function watch(req: IncomingMessage, res: ServerResponse, target: Target, params: URLSearchParams): void {
    const { info } = target;
    const { labels, fields } = selectors(info, params);
    const rep = parseAccept(req.headers.accept);
    const rvParam = params.get('resourceVersion') ?? '';
    const initial = rvParam === '' || rvParam === '0' || isTrue(params.get('sendInitialEvents'));
    let backlog: StoreEvent[] = [];
    if (!initial) {
      const rv = Number(rvParam);
      if (!Number.isInteger(rv) || rv < 0) throw badRequest(`invalid resourceVersion "${rvParam}"`);
      const since = store.eventsSince(info, rv);
      if (since === 'expired') {
        // The real API answers an expired watch with a 200 stream holding one ERROR event.
        startStream(res);
        res.end(
          `${JSON.stringify({ type: 'ERROR', object: gone(`too old resource version: ${rv} (${store.resourceVersion})`).body })}\n`,
        );
        return;
      }
      backlog = since;
    }
    const timeout = Math.min(
      Number(params.get('timeoutSeconds') ?? MAX_WATCH_SECONDS) || MAX_WATCH_SECONDS,
      MAX_WATCH_SECONDS,
    );
    const matches = (o: KubeObject | undefined) =>
      o !== undefined &&
      (target.namespace === undefined || o.metadata.namespace === target.namespace) &&
      matchesLabels(labels, o.metadata.labels) &&
      matchesFields(info.resource, fields, o);
    let slow = false;
    const write = (type: string, obj: KubeObject | Record<string, unknown>) => {
      if (slow) return;
      // A watcher that does not read is closed, as kube-apiserver does with unresponsive watchers: its client
      // re-lists and watches again. Without a bound, a thousand stalled watches of big objects fill the memory.
      if (res.writableLength > MAX_WATCH_PENDING_BYTES) {
        slow = true;
        opts.accessLog?.write(
          `closing slow watcher of ${info.resource}: ${res.writableLength} bytes unread\n`,
        );
        res.destroy();
        return;
      }
      // The same object encoded once for every watcher that sends it (kube-apiserver's caching serializer).
      if (rep.as === 'object' && type !== 'BOOKMARK') {
        const cache = encodings.get(obj) ?? new Map<string, string>();
        encodings.set(obj, cache);
        let line = cache.get(type);
        if (line === undefined) {
          line = `${JSON.stringify({ type, object: obj })}\n`;
          cache.set(type, line);
        }
        res.write(line);
        return;
      }
      let object: unknown = obj;
      if (rep.as === 'table' && type !== 'BOOKMARK') {
        const t = toTable(info, [obj as KubeObject], { resourceVersion: store.resourceVersion });
        if (rep.version === 'v1beta1') t.apiVersion = 'meta.k8s.io/v1beta1';
        object = t;
      } else if (rep.as === 'partial' && type !== 'BOOKMARK')
        object = partial(obj as KubeObject, rep.version);
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const deliver = (e: StoreEvent) => {
      if (e.resource !== storeKeyOf(info)) return;
      const now = matches(e.object);
      if (e.type === 'MODIFIED') {
        const before = matches(e.previous);
        if (now && before) write('MODIFIED', e.object);
        else if (now) write('ADDED', e.object);
        else if (before) write('DELETED', e.object);
      } else if (now) write(e.type, e.object);
    };

    startStream(res, rep.as === 'table');
    if (initial) {
      for (const o of store.list(info, target.namespace)) if (matches(o)) write('ADDED', o);
      if (isTrue(params.get('sendInitialEvents'))) {
        write('BOOKMARK', {
          kind: info.kind,
          apiVersion: apiVersionOf(info),
          metadata: {
            resourceVersion: store.resourceVersion,
            annotations: { 'k8s.io/initial-events-end': 'true' },
          },
        });
      }
    }
    for (const e of backlog) deliver(e);
    const unsubscribe = store.subscribe(deliver);
    const stop = () => {
      clearTimeout(timer);
      unsubscribe();
      watches.delete(stop);
      if (!res.writableEnded) res.end();
    };
    const timer = setTimeout(stop, timeout * 1000);
    watches.add(stop);
    res.on('close', stop);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  serverAddress = `${opts.host}:${port}`;

  return {
    port,
    get requestCount() {
      return requestCount;
    },
    async serveUnixSocket(file: string) {
      await rm(file, { force: true });
      const unix = createNetServer((sock) => server.emit('connection', sock));
      unixServers.push(unix);
      await new Promise<void>((resolve) => unix.listen(file, resolve));
    },
    async close() {
      for (const u of unixServers) u.close();
      for (const stop of [...watches]) stop();
      for (const abort of [...sessions]) abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

function storeKeyOf(info: ResourceInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

function isTrue(v: string | null): boolean {
  return v === '1' || v === 'true';
}

function key(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function encodeContinue(after: string): string {
  return Buffer.from(JSON.stringify({ after })).toString('base64url');
}

function decodeContinue(token: string): string {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof v.after === 'string') return v.after;
  } catch {
    // fall through to the error below
  }
  throw badRequest('the provided continue parameter is invalid; start the list again without it');
}

function partial(o: KubeObject, version: string): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: o.metadata };
}

/** Items of built-in lists come without kind/apiVersion, as the real API encodes typed lists; custom ones keep them. */
function listBody(
  info: ResourceInfo,
  items: readonly KubeObject[],
  metadata: Record<string, unknown>,
): Record<string, unknown> {
  const out = info.custom ? items : items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
  return { kind: `${info.kind}List`, apiVersion: apiVersionOf(info), metadata, items: out };
}

function startStream(res: ServerResponse, table = false): void {
  res.writeHead(200, {
    'Content-Type': table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
}

function sendTable(res: ServerResponse, code: number, table: Record<string, unknown>, version: string): void {
  table.apiVersion = `meta.k8s.io/${version}`;
  sendJson(res, code, table, `application/json;as=Table;v=${version};g=meta.k8s.io`);
}

function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const MAX_BODY = 3 * 1024 * 1024;

/** The client's field manager: ?fieldManager, else the user agent's program name (client-go's default). */
function writeOptions(req: IncomingMessage, params: URLSearchParams): WriteOptions {
  const ua =
    String(req.headers['user-agent'] ?? 'unknown')
      .split('/')[0]
      ?.trim() || 'unknown';
  const manager = params.get('fieldManager') || ua;
  const fv = params.get('fieldValidation');
  if (fv !== null && !['Strict', 'Warn', 'Ignore'].includes(fv))
    throw badRequest(`fieldValidation must be one of "Ignore", "Strict" or "Warn", got "${fv}"`);
  const dryRun = params.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All')) throw badRequest('dryRun must be "All"');
  return {
    manager,
    fieldValidation: (fv as WriteOptions['fieldValidation']) ?? undefined,
    dryRun: dryRun.length > 0,
  };
}

async function deleteOptions(req: IncomingMessage, params: URLSearchParams): Promise<DeleteOptions> {
  const body = (await readBody(req, false, true)) as Record<string, unknown> | undefined;
  const opts: DeleteOptions = {};
  const grace = body?.gracePeriodSeconds ?? params.get('gracePeriodSeconds');
  if (grace !== undefined && grace !== null && grace !== '') {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw badRequest(`invalid gracePeriodSeconds "${String(grace)}"`);
    opts.gracePeriodSeconds = Math.max(0, n);
  }
  const policy = body?.propagationPolicy ?? params.get('propagationPolicy');
  if (policy !== undefined && policy !== null) {
    if (!['Background', 'Foreground', 'Orphan'].includes(String(policy)))
      throw badRequest(
        `propagationPolicy must be one of Background, Foreground, Orphan, got "${String(policy)}"`,
      );
    opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  }
  if (body?.orphanDependents === true) opts.propagationPolicy = 'Orphan';
  const pre = body?.preconditions as DeleteOptions['preconditions'] | undefined;
  if (pre) opts.preconditions = pre;
  return opts;
}

/** The request body: JSON (or YAML for application/apply-patch+yaml and application/yaml). Empty is allowed when `optional`. */
async function readBody(req: IncomingMessage, yaml = false, optional = false): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new ApiError(status(413, 'RequestEntityTooLarge', 'request entity too large: limit is 3145728'));
    chunks.push(chunk as Buffer);
  }
  const ct = String(req.headers['content-type'] ?? '');
  if (/protobuf|cbor/.test(ct)) {
    throw new ApiError(
      status(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (the lab API does not decode ${ct.split(';')[0]})`,
      ),
    );
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (optional && text.trim() === '') return undefined;
  try {
    if (yaml || /yaml/.test(ct)) return parseYaml(text);
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`the request body is not valid ${yaml ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
  }
}

/** Maps a URL path to discovery JSON or to a resource target (namespace, name, subresource). */
export function routePath(path: string): Route {
  let seg: string[];
  try {
    seg = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw badRequest(`the request path ${path} is not valid percent-encoding`);
  }
  if (seg.length === 0) {
    return { type: 'json', body: { paths: ['/api', '/api/v1', '/apis', '/version', '/healthz'] } };
  }
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (seg[0] === 'api') {
    if (seg.length === 1) return { type: 'json', body: undefined };
    group = '';
    version = seg[1];
    rest = seg.slice(2);
  } else if (seg[0] === 'apis') {
    if (seg.length === 1) return { type: 'json', body: apiGroupList() };
    group = seg[1]!;
    version = seg[2];
    rest = seg.slice(3);
    if (version === undefined) {
      const g = apiGroupList().groups as { name: string }[];
      const found = g.find((x) => x.name === group);
      if (!found)
        throw new ApiError(status(404, 'NotFound', 'the server could not find the requested resource'));
      return { type: 'json', body: { kind: 'APIGroup', apiVersion: 'v1', ...found } };
    }
  } else throw new ApiError(status(404, 'NotFound', 'the server could not find the requested resource'));

  if (rest.length === 0) {
    const body = apiResourceList(group, version!);
    if (!body)
      throw new ApiError(status(404, 'NotFound', 'the server could not find the requested resource'));
    return { type: 'json', body };
  }
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  const resolve = (resource: string): ResourceInfo => {
    const info = findResource(group, version!, resource);
    if (!info) {
      throw new ApiError(status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    return info;
  };
  // /namespaces/<ns>/<resource>[/<name>[/<sub>]] for namespaced resources; otherwise <resource>[/<name>[/<sub>]].
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const info = resolve(rest[2]!);
    if (!info.namespaced)
      throw new ApiError(status(404, 'NotFound', 'the server could not find the requested resource'));
    return {
      type: 'target',
      watchPath,
      target: { info, namespace: rest[1], name: rest[3], subresource: rest[4] },
    };
  }
  const info = resolve(rest[0]!);
  if (rest.length > 3)
    throw new ApiError(status(404, 'NotFound', 'the server could not find the requested resource'));
  if (info.namespaced && rest.length > 1) {
    throw new ApiError(status(404, 'NotFound', 'the server could not find the requested resource'));
  }
  return { type: 'target', watchPath, target: { info, name: rest[1], subresource: rest[2] } };
}
