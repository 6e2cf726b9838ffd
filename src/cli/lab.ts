import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAULTS, parseFaults } from '../lab/faults/index.js';
import { ForeignStateDirError, LabBusyError, labStateDir, readState, withLabLock } from '../lab/state.js';
import { LAB_NAME_PATTERN } from '../lab/topology.js';
import { type CliIO, EXIT, outputFormat, parseFlags, UsageError } from './io.js';

/** The project root (…/dist/src/cli/lab.js → …), for bin/ on `lab run`'s PATH. */
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The builder is loaded only by the commands that build or inspect: `lab run` and `lab faults` stay light. */
const builder = () => import('../lab/lab.js');

const USAGE = `Usage:
  ingress-doctor lab up [--name N] [--fault CAUSE[=VARIANT]]… [--underlay-mtu 1500|9000] [--spread] [-o text|json]
  ingress-doctor lab down [--name N]
  ingress-doctor lab status [--name N] [-o text|json]
  ingress-doctor lab faults [-o text|json]
  ingress-doctor lab fault add CAUSE[=VARIANT] [--name N]
  ingress-doctor lab fault remove CAUSE [--name N]
  ingress-doctor lab fault list [--name N] [-o text|json]
  ingress-doctor lab run [--name N] -- CMD [ARG]…
  ingress-doctor lab kubeconfig [--name N]          (a kubeconfig for the host: the API on 127.0.0.1)

A real five-network ingress path (client → load balancer → NodePort → kube-proxy → pods over a VXLAN
overlay) in Linux network namespaces, described by Kubernetes objects served by a lab API (kubectl works),
with injectable faults named by cause id. Needs root on Linux. Lab names: 1–12 of [a-z0-9], default "default".
State: /run/ingress-doctor/labs/<name>/ (env INGRESS_DOCTOR_LAB_DIR overrides the parent directory).
`;

function labName(value: string | undefined): string {
  const name = value ?? 'default';
  if (name === 'default') return name;
  if (!LAB_NAME_PATTERN.test(name)) {
    throw new UsageError(
      `invalid lab name "${name}": use 1–12 characters of a-z and 0-9 (it prefixes namespace names)`,
    );
  }
  return name;
}

/** The lab changes the host's network namespaces: Linux and root only, said before anything is touched. */
function requireRootLinux(io: CliIO): boolean {
  if (process.platform !== 'linux') {
    io.stderr.write(
      'ingress-doctor lab: the lab needs Linux (network namespaces); this is ' + process.platform + '\n',
    );
    return false;
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    io.stderr.write(
      'ingress-doctor lab: the lab needs root (it creates network namespaces); run it with sudo\n',
    );
    return false;
  }
  for (const tool of ['ip', 'nsenter', 'iptables-restore', 'nginx', 'haproxy']) {
    const found = (process.env.PATH ?? '/usr/sbin:/usr/bin')
      .split(':')
      .some((d) => existsSync(path.join(d, tool)));
    if (!found) {
      io.stderr.write(
        `ingress-doctor lab: \`${tool}\` is not installed; run scripts/setup.sh (Debian: iproute2, iptables, nginx-light, haproxy)\n`,
      );
      return false;
    }
  }
  return true;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    io.stdout.write(USAGE);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  switch (sub) {
    case 'faults':
      return faults(rest, io);
    case 'fault':
      return fault(rest, io);
    case 'up':
      return up(rest, io);
    case 'down':
      return down(rest, io);
    case 'status':
      return status(rest, io);
    case 'run':
      return runIn(rest, io);
    case 'kubeconfig':
      return kubeconfig(rest, io);
    default:
      throw new UsageError(`unknown lab command "${sub}"`, USAGE);
  }
}

function faults(argv: string[], io: CliIO): number {
  const { values } = parseFlags(argv, { output: { type: 'string', short: 'o' } }, false);
  const format = outputFormat(values.output, ['text', 'json']);
  if (format === 'json') {
    const list = FAULTS.map((f) => ({
      id: f.id,
      summary: f.summary,
      symptom: f.symptom,
      variants: f.variants ?? {},
    }));
    io.stdout.write(
      `${JSON.stringify({ apiVersion: 'ingress-doctor/v1', kind: 'LabFaults', faults: list }, null, 2)}\n`,
    );
    return EXIT.ok;
  }
  const width = Math.max(...FAULTS.map((f) => f.id.length)) + 2;
  for (const f of FAULTS) {
    io.stdout.write(`${f.id.padEnd(width)}${f.summary}\n`);
    for (const [v, s] of Object.entries(f.variants ?? {}))
      io.stdout.write(`${`  =${v}`.padEnd(width)}${s}\n`);
  }
  return EXIT.ok;
}

/** `lab fault add|remove|list`: faults of a running lab, through its control plane. */
async function fault(argv: string[], io: CliIO): Promise<number> {
  const [verb, ...rest] = argv;
  const { values, positionals } = parseFlags(
    rest,
    { name: { type: 'string' }, output: { type: 'string', short: 'o' } },
    true,
  );
  const name = labName(values.name);
  const format = outputFormat(values.output, ['text', 'json']);
  if (verb !== 'add' && verb !== 'remove' && verb !== 'list')
    throw new UsageError(`lab fault needs add, remove or list, got "${verb ?? ''}"`, USAGE);
  if (verb !== 'list' && positionals.length !== 1)
    throw new UsageError(
      `lab fault ${verb} needs one fault (CAUSE${verb === 'add' ? '[=VARIANT]' : ''})`,
      'Run "ingress-doctor lab faults" for the list.',
    );
  if (verb === 'add') {
    const chosen = parseFaults(positionals);
    if ('error' in chosen)
      throw new UsageError(chosen.error, 'Run "ingress-doctor lab faults" for one line on each.');
  }
  if (!requireRootLinux(io)) return EXIT.usage;
  const stateDir = labStateDir(name, io.env);
  const state = await readState(stateDir);
  const nameFlag = name === 'default' ? '' : ` --name ${name}`;
  if (!state || state.phase !== 'up') {
    io.stderr.write(
      `ingress-doctor lab fault: lab "${name}" is not up; start it with: ingress-doctor lab up${nameFlag}\n`,
    );
    return EXIT.usage;
  }
  const { controlRequest } = await builder();
  const r =
    verb === 'add'
      ? await controlRequest(stateDir, 'POST', '/faults', { spec: positionals[0] })
      : verb === 'remove'
        ? await controlRequest(stateDir, 'DELETE', `/faults/${encodeURIComponent(positionals[0] as string)}`)
        : await controlRequest(stateDir, 'GET', '/faults');
  if (!r) {
    io.stderr.write(
      `ingress-doctor lab fault: the control plane of lab "${name}" does not answer (${stateDir}/control.sock); see ${stateDir}/logs/api.log\n`,
    );
    return EXIT.problems;
  }
  const body = r.body as {
    error?: string;
    faults?: { spec: string; state: string; objects: string[]; infrastructure: boolean }[];
    removed?: string;
    restored?: string[];
    spec?: string;
    state?: string;
    objects?: string[];
  };
  if (r.status >= 400) {
    io.stderr.write(`ingress-doctor lab fault ${verb}: ${body.error ?? r.status}\n`);
    return r.status === 404 || r.status === 409 || r.status === 400 ? EXIT.usage : EXIT.problems;
  }
  if (format === 'json') {
    io.stdout.write(
      `${JSON.stringify({ apiVersion: 'ingress-doctor/v1', kind: 'LabFaultResult', ...body }, null, 2)}\n`,
    );
    return EXIT.ok;
  }
  if (verb === 'list') {
    const list = body.faults ?? [];
    if (list.length === 0) io.stdout.write(`lab "${name}" has no faults\n`);
    for (const f of list)
      io.stdout.write(
        `${f.spec.padEnd(32)}${f.state.padEnd(14)}${[...f.objects, ...(f.infrastructure ? ['(infrastructure)'] : [])].join(', ')}\n`,
      );
  } else if (verb === 'add') {
    io.stdout.write(
      `fault ${body.spec} added to lab "${name}"${body.objects?.length ? ` (changed ${body.objects.join(', ')})` : ''}\n`,
    );
  } else {
    io.stdout.write(
      `fault ${body.removed} removed from lab "${name}"${body.restored?.length ? ` (restored ${body.restored.join(', ')})` : ''}\n`,
    );
  }
  return EXIT.ok;
}

async function up(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      name: { type: 'string' },
      fault: { type: 'string', multiple: true },
      'underlay-mtu': { type: 'string' },
      spread: { type: 'boolean' },
      output: { type: 'string', short: 'o' },
    },
    false,
  );
  const name = labName(values.name);
  const format = outputFormat(values.output, ['text', 'json']);
  const chosen = parseFaults(values.fault ?? []);
  if ('error' in chosen)
    throw new UsageError(chosen.error, 'Run "ingress-doctor lab faults" for one line on each.');
  let underlayMtu: number | undefined;
  if (values['underlay-mtu'] !== undefined) {
    underlayMtu = Number(values['underlay-mtu']);
    if (!Number.isInteger(underlayMtu) || underlayMtu < 1280 || underlayMtu > 9000) {
      throw new UsageError(
        `--underlay-mtu must be an integer from 1280 to 9000, got "${values['underlay-mtu']}"`,
      );
    }
  }
  if (!requireRootLinux(io)) return EXIT.usage;
  const stateDir = labStateDir(name, io.env);
  let result: Awaited<ReturnType<Awaited<ReturnType<typeof builder>>['labUp']>>;
  try {
    const b = await builder();
    // One up/down per lab at a time: a second waits instead of working on a half-built lab.
    result = await withLabLock(stateDir, () =>
      b.labUp({ name, stateDir, faults: chosen, underlayMtu, spread: values.spread === true }),
    );
  } catch (err) {
    if (err instanceof ForeignStateDirError || err instanceof LabBusyError) {
      io.stderr.write(`ingress-doctor lab up: ${err.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`ingress-doctor lab up: ${(err as Error).message}\n`);
    io.stderr.write(
      `The half-built lab is still there for inspection (${stateDir}); remove it with: ingress-doctor lab down${name === 'default' ? '' : ` --name ${name}`}\n`,
    );
    return EXIT.problems;
  }
  const { state, warnings } = result;
  for (const w of warnings) io.stderr.write(`ingress-doctor lab up: warning: ${w}\n`);
  const nameFlag = name === 'default' ? '' : ` --name ${name}`;
  if (format === 'json') {
    io.stdout.write(
      `${JSON.stringify(
        {
          apiVersion: 'ingress-doctor/v1',
          kind: 'Lab',
          name,
          faults: state.faults,
          publicUrl: state.publicUrl,
          loadBalancer: state.lbAddress,
          apiServer: state.apiServer ?? null,
          kubeconfig: state.kubeconfig ?? null,
          hostKubeconfig: state.hostKubeconfig ?? null,
          hostApiServer: state.hostApiServer ?? null,
          clientNamespace: state.clientNetns,
          stateDir,
          timingsMs: result.timings,
        },
        null,
        2,
      )}\n`,
    );
    return EXIT.ok;
  }
  const lines = [
    `lab "${name}" is up${state.faults.length ? ` with fault${state.faults.length > 1 ? 's' : ''} ${state.faults.join(', ')}` : ' (healthy)'} in ${result.timings.ready ?? '?'} ms`,
    '',
    `  public URL      http://app.example.test/   (resolves to the load balancer inside the lab)`,
    `  load balancer   ${state.lbAddress}:80`,
    `  kubeconfig      ${state.kubeconfig ?? '(no lab API)'}`,
    ...(state.apiServer ? [`  API server      ${state.apiServer}`] : []),
    '',
    'Run commands from the client ("internet") side, with KUBECONFIG set:',
    `  ingress-doctor lab run${nameFlag} -- curl -s -o /dev/null -w '%{http_code}\\n' http://app.example.test/healthz`,
    `  ingress-doctor lab run${nameFlag} -- kubectl get pods -A -o wide`,
    `  ingress-doctor lab run${nameFlag} -- ingress-doctor diagnose http://app.example.test/healthz`,
    `From the host (the API on 127.0.0.1): ingress-doctor lab kubeconfig${nameFlag} > lab.kubeconfig; kubectl --kubeconfig lab.kubeconfig get pods -A`,
    `Remove it with: ingress-doctor lab down${nameFlag}`,
    '',
  ];
  io.stdout.write(lines.join('\n'));
  return EXIT.ok;
}

async function down(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(argv, { name: { type: 'string' } }, false);
  const name = labName(values.name);
  if (!requireRootLinux(io)) return EXIT.usage;
  let r: Awaited<ReturnType<Awaited<ReturnType<typeof builder>>['labDown']>>;
  try {
    const b = await builder();
    const stateDir = labStateDir(name, io.env);
    r = await withLabLock(stateDir, () => b.labDown({ name, stateDir }));
  } catch (err) {
    if (!(err instanceof ForeignStateDirError || err instanceof LabBusyError)) throw err;
    io.stderr.write(`ingress-doctor lab down: ${err.message}\n`);
    return EXIT.usage;
  }
  io.stdout.write(
    r.existed
      ? `lab "${name}" removed (${r.removedNamespaces.length} namespaces, ${r.killed.length} processes)\n`
      : `lab "${name}" was not up; nothing to remove\n`,
  );
  return EXIT.ok;
}

async function status(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(
    argv,
    { name: { type: 'string' }, output: { type: 'string', short: 'o' } },
    false,
  );
  const name = labName(values.name);
  const format = outputFormat(values.output, ['text', 'json']);
  const s = await (await builder()).labStatus({ name, stateDir: labStateDir(name, io.env) });
  if (format === 'json') {
    io.stdout.write(
      `${JSON.stringify({ apiVersion: 'ingress-doctor/v1', kind: 'LabStatus', ...s }, null, 2)}\n`,
    );
    return s.healthy ? EXIT.ok : EXIT.problems;
  }
  if (!s.exists) {
    io.stdout.write(`lab "${name}" is not up\n`);
    return EXIT.problems;
  }
  const lines = [
    `lab "${name}": ${s.healthy ? 'up' : s.phase === 'building' ? 'building (or a crashed up)' : 'degraded'}${s.faults.length ? `, faults: ${s.faults.join(', ')}` : ''}`,
    `  public URL     ${s.publicUrl ?? '-'}   load balancer ${s.lbAddress ?? '-'}`,
    `  kubeconfig     ${s.kubeconfig ?? '-'}`,
    `  namespaces     ${s.namespaces.filter((n) => n.present).length}/${s.namespaces.length} present`,
    ...(s.faultStates?.length
      ? [
          '  faults',
          ...s.faultStates.map(
            (f) => `    ${f.spec.padEnd(38)} ${f.state === 'fixed' ? 'fixed by hand' : f.state}`,
          ),
        ]
      : []),
    '  processes',
    ...s.processes.map(
      (p) => `    ${p.role.padEnd(40)} pid ${String(p.pid).padEnd(8)} ${p.alive ? 'running' : 'GONE'}`,
    ),
    '',
  ];
  io.stdout.write(lines.join('\n'));
  return s.healthy ? EXIT.ok : EXIT.problems;
}

/** `lab kubeconfig`: the host's kubeconfig (the forwarder on 127.0.0.1), like `kind get kubeconfig`. */
async function kubeconfig(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(argv, { name: { type: 'string' } }, false);
  const name = labName(values.name);
  const state = await readState(labStateDir(name, io.env));
  if (!state || state.phase !== 'up' || !state.hostKubeconfig) {
    io.stderr.write(
      `ingress-doctor lab kubeconfig: lab "${name}" is not up; start it with: ingress-doctor lab up${name === 'default' ? '' : ` --name ${name}`}\n`,
    );
    return EXIT.usage;
  }
  io.stdout.write(await readFile(state.hostKubeconfig, 'utf8'));
  return EXIT.ok;
}

async function runIn(argv: string[], io: CliIO): Promise<number> {
  const dash = argv.indexOf('--');
  const flagPart = dash >= 0 ? argv.slice(0, dash) : argv;
  const cmd = dash >= 0 ? argv.slice(dash + 1) : [];
  const { values, positionals } = parseFlags(flagPart, { name: { type: 'string' } }, true);
  const name = labName(values.name);
  const command = cmd.length ? cmd : positionals;
  if (command.length === 0)
    throw new UsageError('lab run needs a command: ingress-doctor lab run [--name N] -- CMD…');
  if (!requireRootLinux(io)) return EXIT.usage;
  const stateDir = labStateDir(name, io.env);
  const state = await readState(stateDir);
  if (!state || state.phase !== 'up') {
    io.stderr.write(
      `ingress-doctor lab run: lab "${name}" is not up; start it with: ingress-doctor lab up${name === 'default' ? '' : ` --name ${name}`}\n`,
    );
    return EXIT.usage;
  }
  const binDirs = [path.join(stateDir, 'bin'), path.join(PROJECT_ROOT, 'bin')];
  const env: NodeJS.ProcessEnv = {
    ...io.env,
    PATH: [...binDirs, io.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'].join(
      ':',
    ),
    ...(state.kubeconfig ? { KUBECONFIG: state.kubeconfig } : {}),
  };
  // `ip netns exec` (not nsenter): it bind-mounts the namespace's resolv.conf, the client's public resolver.
  return await new Promise<number>((resolve) => {
    const child = spawn('ip', ['netns', 'exec', state.clientNetns, ...command], { stdio: 'inherit', env });
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('error', (err) => {
      io.stderr.write(`ingress-doctor lab run: ${err.message}\n`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code ?? (signal ? 128 + 15 : 1));
    });
  });
}
