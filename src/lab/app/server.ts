/**
 * The lab's app pod: a small HTTP(S) server. Configured like a container, by environment variables (argv
 * `--name value` overrides): HOST (bind address), PORT, TLS_CERT_FILE + TLS_KEY_FILE (serve HTTPS),
 * KEEP_ALIVE_TIMEOUT_MS, RESPONSE_DELAY_MS (every response waits this long), RESPONSE_HEADER_BYTES (every
 * response carries a header this big).
 *
 * Routes: /healthz 200, /large ≥ 200 KB JSON, /status/<code> answers that code, anything else 404.
 */
import { readFileSync } from 'node:fs';
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';

export interface AppConfig {
  host: string;
  port: number;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  keepAliveTimeoutMs: number;
  responseDelayMs: number;
  responseHeaderBytes: number;
  podName: string;
}

const ENV_KEYS: Record<string, keyof AppConfig> = {
  HOST: 'host',
  PORT: 'port',
  TLS_CERT_FILE: 'tlsCertFile',
  TLS_KEY_FILE: 'tlsKeyFile',
  KEEP_ALIVE_TIMEOUT_MS: 'keepAliveTimeoutMs',
  RESPONSE_DELAY_MS: 'responseDelayMs',
  RESPONSE_HEADER_BYTES: 'responseHeaderBytes',
  POD_NAME: 'podName',
};

/** Env first, then `--host 0.0.0.0`-style argv; invalid numbers fall back to defaults. */
export function appConfig(env: NodeJS.ProcessEnv, argv: string[]): AppConfig {
  const raw: Record<string, string> = {};
  for (const [k, field] of Object.entries(ENV_KEYS)) {
    const v = env[k];
    if (v !== undefined && v !== '') raw[field] = v;
  }
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i] as string);
    const value = argv[i + 1];
    if (!m || value === undefined) continue;
    const envName = (m[1] as string).toUpperCase().replace(/-/g, '_');
    const field = ENV_KEYS[envName];
    if (field) raw[field] = value;
    i++;
  }
  const num = (v: string | undefined, d: number) => {
    const n = Number(v);
    return v !== undefined && Number.isFinite(n) && n >= 0 ? n : d;
  };
  return {
    host: raw.host ?? '0.0.0.0',
    port: num(raw.port, 8080),
    tlsCertFile: raw.tlsCertFile,
    tlsKeyFile: raw.tlsKeyFile,
    // Node's own default is 5 s: shorter than most proxies' idle timeouts (the keepalive-race cause).
    keepAliveTimeoutMs: num(raw.keepAliveTimeoutMs, 5000),
    responseDelayMs: num(raw.responseDelayMs, 0),
    responseHeaderBytes: num(raw.responseHeaderBytes, 0),
    podName: raw.podName ?? 'web',
  };
}

/** A JSON document of at least `minBytes` (the "large payload" that an MTU blackhole swallows). */
export function largeBody(minBytes = 256 * 1024): string {
  const items: { id: number; sku: string; name: string; description: string }[] = [];
  let size = 0;
  for (let id = 0; size < minBytes; id++) {
    const item = {
      id,
      sku: `SKU-${String(id).padStart(6, '0')}`,
      name: `Item ${id}`,
      description: 'A product description long enough to fill a few packets with JSON; '.repeat(3),
    };
    size += JSON.stringify(item).length + 1;
    items.push(item);
  }
  return JSON.stringify({ items, count: items.length });
}

export function startApp(config: AppConfig): Server {
  const large = largeBody();
  const bigHeader = config.responseHeaderBytes > 0 ? 'x'.repeat(config.responseHeaderBytes) : undefined;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const respond = () => {
      res.setHeader('X-Pod-Name', config.podName);
      if (bigHeader) res.setHeader('X-Debug-Trace', bigHeader);
      const url = new URL(req.url ?? '/', 'http://app');
      const status = /^\/status\/(\d{3})$/.exec(url.pathname);
      if (url.pathname === '/healthz') {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      } else if (url.pathname === '/large') {
        res
          .writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(large) })
          .end(large);
      } else if (status) {
        const code = Number(status[1]);
        res
          .writeHead(code >= 200 && code <= 599 ? code : 400, { 'Content-Type': 'text/plain' })
          .end(`${code}\n`);
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      }
    };
    if (config.responseDelayMs > 0) setTimeout(respond, config.responseDelayMs);
    else respond();
  };
  const server =
    config.tlsCertFile && config.tlsKeyFile
      ? createHttps({ cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) }, handler)
      : createHttp(handler);
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.headersTimeout = Math.max(config.keepAliveTimeoutMs + 1000, 60_000);
  // Big response headers must reach the proxy intact: the proxy's buffer, not Node's limit, is under test.
  server.maxHeadersCount = 0;
  server.listen(config.port, config.host, () => {
    process.stdout.write(
      `web listening ${config.host}:${config.port}${config.tlsCertFile ? ' (https)' : ''}\n`,
    );
  });
  return server;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const server = startApp(appConfig(process.env, process.argv.slice(2)));
  server.on('error', (err) => {
    process.stderr.write(`web: ${err.message}\n`);
    process.exit(1);
  });
  process.on('SIGTERM', () => process.exit(0));
}
