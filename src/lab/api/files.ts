import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

const execFileAsync = promisify(execFile);

/** The lab API's credentials and the kubeconfig that points at it, all under the lab's state directory. */
export interface ApiFiles {
  kubeconfigPath: string;
  caPath: string;
  certPath: string;
  keyPath: string;
  tokenPath: string;
  token: string;
}

export const LAB_CONTEXT = 'ingress-doctor-lab';

/** Where prepareApiFiles writes and main.ts reads: one place so the two cannot drift. */
export function apiFilePaths(stateDir: string): Omit<ApiFiles, 'token'> & { caKeyPath: string } {
  const dir = path.join(stateDir, 'api');
  return {
    kubeconfigPath: path.join(stateDir, 'kubeconfig'),
    caPath: path.join(dir, 'ca.crt'),
    caKeyPath: path.join(dir, 'ca.key'),
    certPath: path.join(dir, 'server.crt'),
    keyPath: path.join(dir, 'server.key'),
    tokenPath: path.join(dir, 'token'),
  };
}

/** The subjectAltName entry for an address: an IP literal needs IP:, a host name DNS:. */
function sanFor(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '');
  return isIP(bare) ? `IP:${bare}` : `DNS:${bare}`;
}

function serverUrl(address: string, port: number): string {
  const bare = address.replace(/^\[|\]$/g, '');
  return `https://${isIP(bare) === 6 ? `[${bare}]` : bare}:${port}`;
}

async function openssl(args: string[]): Promise<void> {
  try {
    await execFileAsync('openssl', args, { timeout: 10_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        'lab API: the `openssl` command is not installed; install it (Debian: apt-get install openssl)',
      );
    }
    throw new Error(`lab API: openssl ${args[0]} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

/**
 * Creates a fresh CA, a server certificate for `address` (and localhost), a random bearer token and a
 * kubeconfig (context ingress-doctor-lab, namespace default). EC P-256 keeps this at a few tens of ms.
 */
export async function prepareApiFiles(
  stateDir: string,
  opts: { address: string; port: number; alsoServes?: string[] },
): Promise<ApiFiles> {
  const p = apiFilePaths(stateDir);
  await mkdir(path.dirname(p.caPath), { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    p.caKeyPath,
    '-out',
    p.caPath,
    '-subj',
    '/CN=ingress-doctor-lab-ca',
    '-days',
    '3650',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const sans = [
    ...new Set([sanFor(opts.address), ...(opts.alsoServes ?? []).map(sanFor), 'DNS:localhost']),
  ].join(',');
  await openssl([
    'req',
    '-x509',
    '-CA',
    p.caPath,
    '-CAkey',
    p.caKeyPath,
    ...ec,
    '-keyout',
    p.keyPath,
    '-out',
    p.certPath,
    '-subj',
    '/CN=ingress-doctor-lab-api',
    '-days',
    '825',
    '-addext',
    `subjectAltName=${sans}`,
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'keyUsage=critical,digitalSignature',
    '-addext',
    'extendedKeyUsage=serverAuth',
  ]);
  const token = randomBytes(24).toString('hex');
  await writeFile(p.tokenPath, `${token}\n`, { mode: 0o600 });
  const ca = await readFile(p.caPath);
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: LAB_CONTEXT,
        cluster: {
          server: serverUrl(opts.address, opts.port),
          'certificate-authority-data': ca.toString('base64'),
        },
      },
    ],
    users: [{ name: LAB_CONTEXT, user: { token } }],
    contexts: [
      { name: LAB_CONTEXT, context: { cluster: LAB_CONTEXT, user: LAB_CONTEXT, namespace: 'default' } },
    ],
    'current-context': LAB_CONTEXT,
    preferences: {},
  };
  await writeFile(p.kubeconfigPath, stringify(kubeconfig), { mode: 0o600 });
  return {
    kubeconfigPath: p.kubeconfigPath,
    caPath: p.caPath,
    certPath: p.certPath,
    keyPath: p.keyPath,
    tokenPath: p.tokenPath,
    token,
  };
}

/**
 * A kubeconfig for the same API (same CA and token) at another server URL: the host's forwarder on 127.0.0.1
 * (`lab kubeconfig`).
 */
export async function kubeconfigFor(stateDir: string, server: string): Promise<string> {
  const p = apiFilePaths(stateDir);
  const [ca, token] = await Promise.all([readFile(p.caPath), readFile(p.tokenPath, 'utf8')]);
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: LAB_CONTEXT, cluster: { server, 'certificate-authority-data': ca.toString('base64') } },
    ],
    users: [{ name: LAB_CONTEXT, user: { token: token.trim() } }],
    contexts: [
      { name: LAB_CONTEXT, context: { cluster: LAB_CONTEXT, user: LAB_CONTEXT, namespace: 'default' } },
    ],
    'current-context': LAB_CONTEXT,
    preferences: {},
  });
}

/** Reads what prepareApiFiles wrote, for the server process. */
export async function readApiFiles(stateDir: string): Promise<{ cert: Buffer; key: Buffer; token: string }> {
  const p = apiFilePaths(stateDir);
  const [cert, key, token] = await Promise.all([
    readFile(p.certPath),
    readFile(p.keyPath),
    readFile(p.tokenPath, 'utf8'),
  ]);
  return { cert, key, token: token.trim() };
}
