import { FileSource, isInputError } from '../cluster/files.js';
import type { LiveSource } from '../cluster/live.js';
import type { ClusterSource, ReadScope, SourceWarning } from '../cluster/types.js';
import {
  type AuditReport,
  type AuditSource,
  auditExitCode,
  buildAuditReport,
  FAIL_ON_VALUES,
  type FailOn,
} from '../report/audit-model.js';
import { progressMode } from '../report/progress.js';
import { createReadProgress } from '../report/read-progress.js';
import { colorEnabled, terminalWidth } from '../report/terminal.js';
import {
  type CliIO,
  clusterFlags,
  EXIT,
  OUTPUT_FORMATS,
  type OutputFormat,
  outputFormat,
  parseFlags,
  UsageError,
} from './io.js';
import { reportFileFormat, writeReportFile } from './report-file.js';
import { VERSION } from './version.js';

const USAGE = `Usage: ingress-doctor audit [-f PATH]... [--kubeconfig FILE] [--context NAME] [-n NAMESPACE | -A]
                           [-o text|json|sarif|markdown|html] [--fail-on error|warning|info|never] [--keep-going]

Static checks of routes, Services, endpoints and the hardening checklist, on manifests or a live cluster.

Input:
  -f, --filename PATH     YAML (multi-document) or JSON file, "kubectl get -o yaml|json" output (List kinds),
                          a directory (recursive: .yaml, .yml, .json) or "-" for stdin. Repeatable.
                          Without -f, audit reads the cluster of the current kubeconfig context.
      --kubeconfig FILE   kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, in-cluster)
      --context NAME      kubeconfig context to use
  -n, --namespace NS      only this namespace (default: the context's); with -f, the namespace of objects
                          that name none
  -A, --all-namespaces    every namespace
      --keep-going        read the other files when one is malformed, and audit what could be read
                          (still exits 2 when input was unreadable)

Output:
  -o, --output FORMAT     text (default), json, sarif, markdown, html
      --report FILE       also write the report to FILE, format from its extension (.html, .md, .json,
                          .sarif, .txt), e.g. --report audit.html
      --fail-on LEVEL     exit 1 when a finding is at or above LEVEL: error (default), warning, info, never
      --color, --no-color force colour on or off (default: on for a terminal, off with NO_COLOR)

Exit codes: 0 nothing at or above --fail-on, 1 problems found, 2 usage or input error.

Examples:
  ingress-doctor audit -f k8s/
  kubectl get ingress,svc,deploy,pods -A -o yaml | ingress-doctor audit -f -
  ingress-doctor audit --context prod -A -o sarif > audit.sarif
  ingress-doctor audit -n shop --fail-on warning
`;

const flags = {
  ...clusterFlags,
  filename: { type: 'string', short: 'f', multiple: true },
  output: { type: 'string', short: 'o' },
  'fail-on': { type: 'string' },
  'keep-going': { type: 'boolean' },
  report: { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** KubeError (bad kubeconfig, unreachable server) is the user's to fix: exit 2 with its hint. */
function asUsageError(err: unknown): unknown {
  if (err instanceof Error && err.name === 'KubeError') {
    return new UsageError(err.message, (err as Error & { hint?: string }).hint);
  }
  return err;
}

function warnLine(w: SourceWarning): string {
  return `ingress-doctor audit: ${isInputError(w) ? 'error' : 'warning'}: ${w.message}\n`;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(argv, flags);
  if (values.help) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 0) {
    throw new UsageError(
      `unexpected argument "${positionals[0]}"`,
      `Did you mean: ingress-doctor audit -f ${positionals[0]}`,
    );
  }
  const format = outputFormat(values.output, OUTPUT_FORMATS);
  const reportFile = values.report;
  const reportFormat = reportFile === undefined ? undefined : reportFileFormat(reportFile, OUTPUT_FORMATS);
  const failOn = (values['fail-on'] ?? 'error') as FailOn;
  if (!FAIL_ON_VALUES.includes(failOn)) {
    throw new UsageError(
      `unknown --fail-on "${values['fail-on']}"; use one of: ${FAIL_ON_VALUES.join(', ')}`,
    );
  }
  if (values.namespace !== undefined && values['all-namespaces']) {
    throw new UsageError('use either -n NAMESPACE or -A, not both');
  }
  if (values.namespace === '') throw new UsageError('-n needs a namespace name');
  const files = values.filename ?? [];
  if (files.length > 0 && (values.kubeconfig !== undefined || values.context !== undefined)) {
    throw new UsageError(
      '-f reads manifests; --kubeconfig and --context are for a live cluster: use one or the other',
    );
  }
  if (files.filter((f) => f === '-').length > 1)
    throw new UsageError('"-f -" (stdin) can be given only once');

  let source: ClusterSource;
  let auditSource: Omit<AuditSource, 'description'>;
  let live: LiveSource | undefined;
  // On a TTY, a line with bytes and objects read (files, stdin, FIFOs) or objects and lists left (live).
  const progress = createReadProgress(io.stderr, progressMode(io.env, io.stderr), {
    color: colorEnabled(io.env, io.stderr, { color: values.color, noColor: values['no-color'] }),
  });
  const onProgress = progress.update;
  if (files.length > 0) {
    source = new FileSource(files, { stdin: io.stdin, onProgress });
    auditSource = {
      kind: 'files',
      ...(values.namespace ? { namespace: values.namespace } : {}),
    };
  } else {
    // Loaded only for live reads: @kubernetes/client-node takes longer to import than a small audit takes.
    const { connect } = await import('../cluster/kube.js');
    const { LiveSource } = await import('../cluster/live.js');
    try {
      const kube = connect({ kubeconfig: values.kubeconfig, context: values.context, env: io.env });
      live = new LiveSource(kube, { onProgress });
      source = live;
      auditSource = {
        kind: 'live',
        context: kube.context,
        ...(values['all-namespaces']
          ? { allNamespaces: true }
          : { namespace: values.namespace ?? kube.namespace }),
      };
    } catch (err) {
      throw asUsageError(err);
    }
  }

  // Loaded while the input is read (file I/O runs on libuv's threads): module loading then costs no wall time.
  const engine = Promise.all([import('../checks/index.js'), import('../graph/build.js')]);
  engine.catch(() => {}); // awaited below; a failed read must not leave it unhandled
  const scope: ReadScope = { allNamespaces: values['all-namespaces'] ?? false, namespace: values.namespace };
  let snapshot: Awaited<ReturnType<ClusterSource['read']>>;
  try {
    snapshot = await source.read(scope);
  } catch (err) {
    throw asUsageError(err);
  } finally {
    progress.close();
  }
  for (const w of snapshot.warnings) io.stderr.write(warnLine(w));
  const inputErrors = snapshot.warnings.filter(isInputError);
  if (inputErrors.length > 0 && !values['keep-going']) {
    io.stderr.write(
      `ingress-doctor audit: ${inputErrors.length === 1 ? 'an input was' : `${inputErrors.length} inputs were`} unreadable; fix ${
        inputErrors.length === 1 ? 'it' : 'them'
      } or pass --keep-going to audit the rest\n`,
    );
    return EXIT.usage;
  }

  const [{ CHECKS }, { buildGraph }] = await engine;
  const graph = buildGraph(snapshot);
  const report = buildAuditReport({
    graph,
    checks: CHECKS,
    source: {
      ...auditSource,
      description: source.describe(),
      ...(source instanceof FileSource ? { files: source.files.map((f) => f.name) } : {}),
      ...(live ? { requests: live.kube.requestCount } : {}),
    },
    failOn,
    version: VERSION,
  });

  const color = colorEnabled(io.env, io.stdout, { color: values.color, noColor: values['no-color'] });
  io.stdout.write(await renderAudit(report, format, { color, width: terminalWidth(io.stdout, io.env) }));
  if (reportFile !== undefined && reportFormat !== undefined) {
    await writeReportFile(reportFile, await renderAudit(report, reportFormat, { color: false, width: 100 }));
  }
  // Like `make -k`: going on past unreadable input still reports it in the exit code.
  if (inputErrors.length > 0) return EXIT.usage;
  return auditExitCode(report) === 0 ? EXIT.ok : EXIT.problems;
}

async function renderAudit(
  report: AuditReport,
  format: OutputFormat,
  terminal: { color: boolean; width: number },
): Promise<string> {
  switch (format) {
    // Each renderer is loaded on demand: a run pays only for its own.
    case 'json':
      return (await import('../report/audit-json.js')).renderAuditJson(report);
    case 'sarif':
      return (await import('../report/audit-sarif.js')).renderAuditSarif(report, { cwd: process.cwd() });
    case 'markdown':
      return (await import('../report/audit-markdown.js')).renderAuditMarkdown(report);
    case 'html':
      return (await import('../report/audit-html.js')).renderAuditHtml(report);
    default:
      return (await import('../report/audit-text.js')).renderAuditText(report, terminal);
  }
}
