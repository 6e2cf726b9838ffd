/**
 * The lab's Kubernetes API as a process: `node dist/src/lab/api/main.js --state DIR [--listen ADDR:PORT]
 * [--extra FILE]… [--access-log]`. Prints "listening ADDR:PORT" on stdout when ready; SIGTERM/SIGINT stop the
 * pods it created and exit.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { cniMtu, type LabPlane, startControlPlane, volumeFiles } from '../control-plane.js';
import type { Infra } from '../model.js';
import { createNetnsPodRuntime } from '../pod-runtime.js';
import type { PodRuntime } from '../runtime.js';
import { readState } from '../state.js';
import { CLUSTER, labNamespaces, UNDERLAY } from '../topology.js';
import type { Layout } from '../workloads.js';
import { apiFilePaths, readApiFiles } from './files.js';
import { Registry } from './registry.js';
import { ObjectStore } from './store.js';

interface Args {
  state: string;
  listen?: { host: string; port: number };
  extra: string[];
  accessLog: boolean;
}

const USAGE = 'usage: main.js --state DIR [--listen ADDR:PORT] [--extra FILE]… [--access-log]';

function parseArgs(argv: string[]): Args | string {
  let state: string | undefined;
  let listen: Args['listen'];
  const extra: string[] = [];
  let accessLog = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--state') state = value();
      else if (a === '--extra') extra.push(value());
      else if (a === '--access-log') accessLog = true;
      else if (a === '--listen') {
        const parsed = parseListen(value());
        if (typeof parsed === 'string') return parsed;
        listen = parsed;
      } else return `unknown argument ${a}\n${USAGE}`;
    } catch (err) {
      return `${(err as Error).message}\n${USAGE}`;
    }
  }
  if (!state) return `--state is required\n${USAGE}`;
  return { state, listen, extra, accessLog };
}

function parseListen(v: string): { host: string; port: number } | string {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(v);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || !m[1] || port < 0 || port > 65535)
    return `--listen wants ADDR:PORT (e.g. 198.18.0.1:6443), got "${v}"`;
  return { host: m[1], port };
}

/**
 * Without --listen, listen where the kubeconfig written by prepareApiFiles points; a lab's kubeconfig names the
 * API by a host only the lab's resolvers know, so a lab's API listens on its control-plane address.
 */
async function listenFromKubeconfig(stateDir: string): Promise<{ host: string; port: number }> {
  if (await readState(stateDir)) return { host: UNDERLAY.controlPlane, port: UNDERLAY.apiPort };
  const file = apiFilePaths(stateDir).kubeconfigPath;
  const config = parseYaml(await readFile(file, 'utf8')) as {
    clusters?: { cluster?: { server?: string } }[];
  };
  const server = config.clusters?.[0]?.cluster?.server;
  if (!server) throw new Error(`${file}: no cluster server URL; pass --listen ADDR:PORT`);
  const url = new URL(server);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 443) };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`lab api: ${args}\n`);
    return 2;
  }
  const objectsPath = path.join(args.state, 'objects.json');
  let store: ObjectStore;
  try {
    const loaded = await ObjectStore.fromFiles([objectsPath, ...args.extra]);
    store = loaded.store;
    for (const w of loaded.warnings) process.stderr.write(`lab api: warning: ${w}\n`);
  } catch (err) {
    process.stderr.write(`lab api: cannot load objects: ${(err as Error).message}\n`);
    return 2;
  }
  let files: Awaited<ReturnType<typeof readApiFiles>>;
  let listen: { host: string; port: number };
  try {
    files = await readApiFiles(args.state);
    listen = args.listen ?? (await listenFromKubeconfig(args.state));
  } catch (err) {
    process.stderr.write(
      `lab api: cannot read the API credentials in ${args.state}/api (run prepareApiFiles first): ${(err as Error).message}\n`,
    );
    return 2;
  }
  // A lab's state directory (state.json): the full control plane with the data plane's controllers.
  const state = await readState(args.state);
  let lab: LabPlane | undefined;
  let registry: Registry | undefined;
  let runtime: PodRuntime;
  if (state) {
    registry = new Registry(store, { serviceCidr: CLUSTER.serviceCidr });
    const infra = JSON.parse(await readFile(path.join(args.state, 'infra.json'), 'utf8')) as Infra;
    const layout: Layout = {
      stateDir: args.state,
      root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..'),
      names: labNamespaces(state.name),
      nodeBin: process.execPath,
    };
    const reg = registry;
    runtime = await createNetnsPodRuntime(args.state, {
      layout,
      volumeFiles: (pod, volume) => volumeFiles(reg, pod, volume),
      podMtu: () => infra.podMtu ?? cniMtu(reg, infra.underlayMtu),
      kubeProxyDown: (node) => infra.kubeProxyDown.includes(node),
    });
    lab = {
      infra,
      spread: Boolean(state.spread),
      ctx: { name: state.name, layout, infra: () => infra, log: (l) => process.stderr.write(`${l}\n`) },
    };
  } else runtime = await createNetnsPodRuntime(args.state);
  const caCert = await readFile(apiFilePaths(args.state).caPath, 'utf8');
  const cp = await startControlPlane({
    caCert,
    lab,
    registry,
    store,
    runtime,
    host: listen.host,
    port: listen.port,
    tls: { cert: files.cert, key: files.key },
    token: files.token,
    accessLog: args.accessLog ? process.stderr : undefined,
  });
  if (state) await cp.api.serveUnixSocket(path.join(args.state, 'api.sock'));
  process.stdout.write(`listening ${listen.host}:${cp.api.port}\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      const force = setTimeout(() => resolve(), 5000);
      cp.close().finally(() => {
        clearTimeout(force);
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`lab api: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
