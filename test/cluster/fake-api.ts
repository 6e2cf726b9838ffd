/**
 * A tiny fake Kubernetes API for source tests: a map of paths to JSON responses, served on loopback.
 * Records every request so tests can assert on selectors and request counts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export type Handler = (url: URL) => { status: number; body: unknown } | undefined;

export interface FakeApi {
  url: string;
  requests: URL[];
  kubeconfig: string;
  close(): Promise<void>;
}

export function status(code: number, reason: string, message: string) {
  return {
    status: code,
    body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code },
  };
}

export function list(kind: string, items: unknown[], cont?: string) {
  return {
    status: 200,
    body: {
      kind,
      apiVersion: 'v1',
      metadata: { resourceVersion: '1', ...(cont ? { continue: cont } : {}) },
      items,
    },
  };
}

/** Serve `routes` (exact pathname → response, or a handler); everything else is a 404 Status. */
export async function startFakeApi(
  routes: Record<string, { status: number; body: unknown }>,
  handler?: Handler,
  namespace = 'shop',
): Promise<FakeApi> {
  const requests: URL[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push(url);
    const r =
      handler?.(url) ??
      routes[url.pathname] ??
      status(404, 'NotFound', `the server could not find ${url.pathname}`);
    res.writeHead(r.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(r.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'h1-kube-'));
  const kubeconfig = path.join(dir, 'config');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: fake',
      'clusters:',
      `- name: fake\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true`,
      'users:',
      '- name: fake\n  user:\n    token: test-token',
      'contexts:',
      `- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: ${namespace}`,
    ].join('\n'),
  );
  return {
    url,
    requests,
    kubeconfig,
    close: async () => {
      rmSync(dir, { recursive: true, force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
