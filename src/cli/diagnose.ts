import { connect, KubeError } from '../cluster/kube.js';
import { RouteNotFound } from '../cluster/narrow.js';
import { diagnose } from '../protocol/diagnose.js';
import { PHASES } from '../protocol/phases/index.js';
import { parseTarget, TargetError } from '../protocol/target.js';
import type { Diagnosis } from '../protocol/types.js';
import { renderDiagnosisHtml } from '../report/diagnose-html.js';
import { renderDiagnosisJson } from '../report/diagnose-json.js';
import { renderDiagnosisMarkdown } from '../report/diagnose-markdown.js';
import { renderDiagnosisText } from '../report/diagnose-text.js';
import { createProgress, progressMode } from '../report/progress.js';
import { colorEnabled, terminalWidth } from '../report/terminal.js';
import { DEFAULT_PROBE_IMAGE, KubeVantageProvider } from '../vantage/kube.js';
import { localVantage } from '../vantage/local.js';
import type { VantageProvider } from '../vantage/types.js';
import { VantageUnavailable } from '../vantage/types.js';
import { type CliIO, EXIT, type OutputFormat, outputFormat, parseFlags, UsageError } from './io.js';
import { reportFileFormat, writeReportFile } from './report-file.js';
import { VERSION } from './version.js';

const USAGE = `Usage: ingress-doctor diagnose TARGET [flags]

Trace one request through the five hops (client → LB → NodePort → kube-proxy → Service → Pod) with real
probes, and name the first hop that breaks, its cause, the evidence, the fix and the commands to confirm it.

TARGET: a URL (https://shop.example.com/cart), host[/path], ingress/[NS/]NAME or httproute/[NS/]NAME

Flags:
      --kubeconfig FILE      kubeconfig (default: $KUBECONFIG, ~/.kube/config, in-cluster)
      --context NAME         kubeconfig context
  -n, --namespace NS         namespace of the route (default: all namespaces for URLs, the context's for names)
  -o, --output FORMAT        text (default), json, markdown, html
      --report FILE          also write the report to FILE, format from its extension (.html, .md, .json,
                             .txt), e.g. --report incident.html
      --timeout S            give up after S seconds (default 60)
      --lb-address ADDR      the load balancer's address, when the controller Service's status has none
      --probe-image IMG      probe pod image (default ${DEFAULT_PROBE_IMAGE})
      --probe-namespace NS   namespace for probe pods (default "default")
      --no-probe-pods        read-only: create no probe pods (phases 1, 3 and the DF pings are left out)
      --keep-probe-pods      do not delete the probe pods afterwards
      --no-color             plain text output
      --explain              say what each phase proves
      --progress             progress lines on stderr even when it is not a terminal

Exit codes: 0 healthy, 1 broken, 2 usage or input error, 3 inconclusive.
`;

const FLAGS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  output: { type: 'string', short: 'o' },
  report: { type: 'string' },
  timeout: { type: 'string' },
  'lb-address': { type: 'string' },
  'probe-image': { type: 'string' },
  'probe-namespace': { type: 'string' },
  'no-probe-pods': { type: 'boolean' },
  'keep-probe-pods': { type: 'boolean' },
  'no-color': { type: 'boolean' },
  explain: { type: 'boolean' },
  progress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DIAGNOSE_FORMATS: readonly OutputFormat[] = ['text', 'json', 'markdown', 'html'];

function renderDiagnosis(
  d: Diagnosis,
  format: OutputFormat,
  text: { color: boolean; width: number; explain: boolean },
): string {
  switch (format) {
    case 'json':
      return renderDiagnosisJson(d);
    case 'markdown':
      return renderDiagnosisMarkdown(d);
    case 'html':
      return renderDiagnosisHtml(d);
    default:
      return renderDiagnosisText(d, text);
  }
}

const LB_ADDRESS_RE = /^[A-Za-z0-9.:-]{1,253}$/;
const K8S_NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** An exit code for the verdict. */
export function exitCodeFor(d: Pick<Diagnosis, 'verdict'>): number {
  return d.verdict.status === 'healthy'
    ? EXIT.ok
    : d.verdict.status === 'broken'
      ? EXIT.problems
      : EXIT.inconclusive;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values: f, positionals } = parseFlags(argv, FLAGS);
  if (f.help) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? 'missing TARGET' : `one TARGET expected, got ${positionals.length}`,
      USAGE,
    );
  }
  const format = outputFormat(f.output, DIAGNOSE_FORMATS);
  const reportFormat = f.report === undefined ? undefined : reportFileFormat(f.report, DIAGNOSE_FORMATS);
  let target: ReturnType<typeof parseTarget>;
  try {
    target = parseTarget(positionals[0] ?? '');
  } catch (err) {
    if (err instanceof TargetError) throw new UsageError(err.message);
    throw err;
  }
  const timeoutS = f.timeout === undefined ? 60 : Number(f.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > 3600) {
    throw new UsageError(`--timeout must be a number of seconds between 1 and 3600, got "${f.timeout}"`);
  }
  if (f['lb-address'] !== undefined && !LB_ADDRESS_RE.test(f['lb-address'])) {
    throw new UsageError(`--lb-address "${f['lb-address']}" is not an IP address or host name`);
  }
  const probeNs = f['probe-namespace'] ?? 'default';
  if (!K8S_NAME_RE.test(probeNs))
    throw new UsageError(`--probe-namespace "${probeNs}" is not a valid namespace name`);
  if (f['no-probe-pods'] && f['keep-probe-pods']) {
    throw new UsageError('--no-probe-pods and --keep-probe-pods contradict each other');
  }

  let kube: ReturnType<typeof connect>;
  try {
    kube = connect({ kubeconfig: f.kubeconfig, context: f.context, env: io.env, timeoutMs: 10_000 });
  } catch (err) {
    if (err instanceof KubeError) throw new UsageError(err.message, err.hint);
    throw err;
  }
  const probePods = !f['no-probe-pods'];
  const provider: VantageProvider = probePods
    ? new KubeVantageProvider({
        kubeConfig: kube.kubeConfig,
        namespace: probeNs,
        image: f['probe-image'] ?? DEFAULT_PROBE_IMAGE,
        keep: !!f['keep-probe-pods'],
        // Leave time for the probes and the verdict within --timeout.
        readyTimeoutMs: Math.max(5000, Math.round(timeoutS * 500)),
      })
    : {
        local: localVantage,
        pod: async () => {
          throw new VantageUnavailable('probe pods disabled (--no-probe-pods)', 'disabled');
        },
        node: async () => {
          throw new VantageUnavailable('probe pods disabled (--no-probe-pods)', 'disabled');
        },
        cleanup: async () => {},
      };

  const color = colorEnabled(io.env, io.stderr, { noColor: !!f['no-color'] });
  const progress = createProgress(io.stderr, progressMode(io.env, io.stderr, { progress: !!f.progress }), {
    color,
  });
  // Ctrl-C / SIGTERM: delete the probe pods before leaving.
  const onSignal = (sig: NodeJS.Signals) => {
    progress.close();
    io.stderr.write(`ingress-doctor diagnose: ${sig}, deleting probe pods…\n`);
    provider.cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let timer: NodeJS.Timeout | undefined;
  try {
    for (const p of PHASES) progress.phaseStarted({ id: p.id, number: p.number, title: p.title });
    const work = diagnose({
      kube,
      target,
      ...(f.namespace ? { namespace: f.namespace } : {}),
      provider,
      probePods,
      ...(probePods ? {} : { probePodsOffReason: 'probe pods disabled (--no-probe-pods, read-only)' }),
      ...(f['lb-address'] ? { lbAddress: f['lb-address'] } : {}),
      version: VERSION,
      onPhase: (r) => progress.phaseFinished(r),
      onNote: (t) => progress.note(t),
    });
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutS * 1000);
    });
    const d = await Promise.race([work, timeout]);
    progress.close();
    if (d === 'timeout') {
      io.stderr.write(`ingress-doctor diagnose: no verdict within --timeout ${timeoutS} s\n`);
      return EXIT.inconclusive;
    }
    for (const w of d.warnings ?? []) io.stderr.write(`warning: ${w}\n`);
    io.stdout.write(
      renderDiagnosis(d, format, {
        color: colorEnabled(io.env, io.stdout, { noColor: !!f['no-color'] }),
        width: terminalWidth(io.stdout, io.env),
        explain: !!f.explain,
      }),
    );
    if (f.report !== undefined && reportFormat !== undefined) {
      await writeReportFile(
        f.report,
        renderDiagnosis(d, reportFormat, { color: false, width: 100, explain: !!f.explain }),
      );
    }
    return exitCodeFor(d);
  } catch (err) {
    progress.close();
    if (err instanceof RouteNotFound) throw new UsageError(err.message);
    if (err instanceof KubeError) {
      io.stderr.write(`ingress-doctor diagnose: ${err.message}\n${err.hint ? `${err.hint}\n` : ''}`);
      return EXIT.inconclusive;
    }
    throw err;
  } finally {
    clearTimeout(timer);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await provider.cleanup();
    if (provider instanceof KubeVantageProvider) {
      if (f['keep-probe-pods'])
        io.stderr.write(`probe pods kept; remove them with: ${provider.deleteCommand()}\n`);
      else if (provider.cleanupError) {
        io.stderr.write(
          `ingress-doctor diagnose: could not delete the probe pods (${provider.cleanupError}); they stop within 10 minutes, or run: ${provider.deleteCommand()}\n`,
        );
      }
    }
  }
}
