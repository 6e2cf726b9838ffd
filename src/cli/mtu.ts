import { lookup } from 'node:dns/promises';
import type { V1ConfigMap, V1Service } from '@kubernetes/client-node';
import { connect, type Kube, KubeError } from '../cluster/kube.js';
import { CNI_CONFIG_MAPS } from '../mtu/cni.js';
import { renderMtuJson, renderMtuText } from '../mtu/render.js';
import { type FromKind, type MtuClusterView, MtuInputError, runMtu } from '../mtu/run.js';
import { validTarget } from '../probes/ping.js';
import { KubeVantageProvider } from '../vantage/kube.js';
import { localVantage } from '../vantage/local.js';
import type { VantageProvider } from '../vantage/types.js';
import { type CliIO, EXIT, outputFormat, parseFlags, UsageError } from './io.js';
import { VERSION } from './version.js';

const HELP = `Usage: ingress-doctor mtu [--from pod|node|local] [--to pod|node|lb|HOST] [--nodes A,B] [flags]

Finds the exact path MTU (to the byte, with DF-bit pings) between vantage points and compares the CNI's
configured MTU with what the underlay carries after the overlay's overhead.

Default: pod→pod across every pair of nodes (a sample on large clusters), plus node→node on the underlay.

Flags:
  --from pod|node|local   where the pings start (default pod; local with --to lb/HOST)
  --to pod|node|lb|HOST   where they go: probe pods, nodes, the ingress load balancer, or a host/address
  --nodes A,B             only these nodes
  --timeout S             seconds each ping waits for its reply (default 0.25)
  --kubeconfig F, --context C
  --probe-image IMG       image of the probe pods (default nicolaka/netshoot, needs iputils ping and iproute2)
  --probe-namespace NS    namespace of the probe pods (default "default")
  --keep-probe-pods       leave the probe pods running afterwards
  -o text|json            output (default text)

Exit codes: 0 the MTU fits, 1 a problem (blackhole or mismatch), 2 usage or input error, 3 inconclusive.
`;

export interface MtuDeps {
  /** Replace the cluster reads (tests). */
  readView?: (kube: Kube | undefined) => Promise<MtuClusterView>;
  /** Replace the vantage provider (tests). */
  provider?: VantageProvider;
}

export async function run(argv: string[], io: CliIO, deps: MtuDeps = {}): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      nodes: { type: 'string' },
      timeout: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'probe-image': { type: 'string' },
      'probe-namespace': { type: 'string' },
      'keep-probe-pods': { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) {
    throw new UsageError(
      `unexpected argument "${positionals[0]}"`,
      'Did you mean: ingress-doctor mtu --to HOST',
    );
  }
  const format = outputFormat(values.output, ['text', 'json']);
  const to = values.to ?? 'pod';
  if (!['pod', 'node', 'lb'].includes(to) && !validTarget(to)) {
    throw new UsageError(`--to "${to}" is not pod, node, lb or a host name/address`);
  }
  const hostTarget = !['pod', 'node'].includes(to);
  const from = (values.from ?? (hostTarget ? 'local' : 'pod')) as FromKind;
  if (!['pod', 'node', 'local'].includes(from))
    throw new UsageError(`--from "${values.from}": use pod, node or local`);
  if (from === 'local' && !hostTarget) {
    throw new UsageError(
      `--from local needs --to lb or --to HOST (a path from here to a ${to} is not routable)`,
    );
  }
  const nodes = values.nodes
    ?.split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (values.nodes !== undefined && !nodes?.length)
    throw new UsageError('--nodes needs node names, e.g. --nodes node-a,node-b');
  let timeoutS: number | undefined;
  if (values.timeout !== undefined) {
    timeoutS = Number(values.timeout);
    if (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > 10) {
      throw new UsageError(`--timeout "${values.timeout}": seconds between 0.05 and 10, e.g. 0.25`);
    }
  }

  // Only the local-to-host path needs no cluster at all.
  const needsCluster = from !== 'local' || to === 'lb';
  let kube: Kube | undefined;
  if (needsCluster && !deps.readView) {
    try {
      kube = connect({ kubeconfig: values.kubeconfig, context: values.context, env: io.env });
    } catch (err) {
      if (err instanceof KubeError) throw new UsageError(err.message, err.hint);
      throw err;
    }
  }
  let view: MtuClusterView;
  try {
    view = deps.readView
      ? await deps.readView(kube)
      : kube
        ? await readView(kube, { lb: to === 'lb' })
        : { nodes: [], configMaps: [], loadBalancers: [] };
  } catch (err) {
    if (err instanceof KubeError) throw new UsageError(err.message, err.hint);
    throw err;
  }
  if (kube) for (const w of kube.warnings) io.stderr.write(`ingress-doctor mtu: warning: ${w.message}\n`);

  const provider =
    deps.provider ??
    (kube
      ? new KubeVantageProvider({
          kubeConfig: kube.kubeConfig,
          namespace: values['probe-namespace'] ?? 'default',
          ...(values['probe-image'] ? { image: values['probe-image'] } : {}),
          ...(values['keep-probe-pods'] ? { keep: true } : {}),
        })
      : localOnlyProvider());

  // Probe pods are removed on Ctrl-C / SIGTERM too.
  const onSignal = (sig: NodeJS.Signals) => {
    void provider.cleanup().finally(() => {
      io.stderr.write(`ingress-doctor mtu: interrupted (${sig}); probe pods removed\n`);
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let report: Awaited<ReturnType<typeof runMtu>>;
  try {
    report = await runMtu(view, provider, {
      from,
      to,
      withUnderlay: from === 'pod' && to === 'pod',
      version: VERSION,
      ...(nodes ? { nodes } : {}),
      ...(timeoutS !== undefined ? { timeoutS } : {}),
      resolve: async (host) => {
        try {
          return (await lookup(host)).address;
        } catch {
          return undefined;
        }
      },
    });
  } catch (err) {
    if (err instanceof MtuInputError) throw new UsageError(err.message);
    if (err instanceof KubeError) throw new UsageError(err.message, err.hint);
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await provider.cleanup();
  }
  // Counted after cleanup, so the probe pods' deletion is in the total too.
  const requests = (provider.requestCount?.() ?? 0) + (kube?.requestCount ?? 0);
  if (kube || provider.requestCount) report.apiRequests = requests;

  if (values['keep-probe-pods'] && provider instanceof KubeVantageProvider) {
    io.stderr.write(`ingress-doctor mtu: probe pods kept; remove them with: ${provider.deleteCommand()}\n`);
  }
  io.stdout.write(format === 'json' ? renderMtuJson(report) : renderMtuText(report));
  switch (report.verdict.status) {
    case 'problem':
      return EXIT.problems;
    case 'inconclusive':
      return EXIT.inconclusive;
    default:
      return EXIT.ok;
  }
}

/** Narrow reads: the nodes, the CNI ConfigMaps by name, and (for --to lb) the LoadBalancer Services. */
async function readView(kube: Kube, want: { lb: boolean }): Promise<MtuClusterView> {
  const [nodes, configMaps, services] = await Promise.all([
    kube.list('nodes'),
    Promise.all(CNI_CONFIG_MAPS.map((c) => kube.get('configmaps', c.namespace, c.name))),
    want.lb ? kube.list('services') : Promise.resolve([] as V1Service[]),
  ]);
  return {
    nodes,
    configMaps: configMaps.filter((c): c is V1ConfigMap => c !== undefined),
    loadBalancers: loadBalancerAddresses(services),
  };
}

/** LoadBalancer Services with an address; ingress controllers and Gateways first. */
export function loadBalancerAddresses(services: V1Service[]): { label: string; address: string }[] {
  const out: { label: string; address: string; rank: number }[] = [];
  for (const s of services) {
    if (s.spec?.type !== 'LoadBalancer') continue;
    const labels = s.metadata?.labels ?? {};
    const rank =
      labels['app.kubernetes.io/component'] === 'controller' ||
      'gateway.networking.k8s.io/gateway-name' in labels
        ? 0
        : 1;
    for (const ing of s.status?.loadBalancer?.ingress ?? []) {
      const address = ing.ip ?? ing.hostname;
      if (address)
        out.push({ label: `${s.metadata?.namespace}/${s.metadata?.name} (${address})`, address, rank });
    }
  }
  return out.sort((a, b) => a.rank - b.rank).map(({ label, address }) => ({ label, address }));
}

/** For --from local --to HOST: no cluster, no probe pods. */
function localOnlyProvider(): VantageProvider {
  const unavailable = async (): Promise<never> => {
    throw new MtuInputError('no cluster connection for probe pods');
  };
  return {
    local: () => localVantage(),
    pod: unavailable,
    node: unavailable,
    cleanup: async () => {},
  };
}
