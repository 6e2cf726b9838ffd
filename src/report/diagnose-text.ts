import { HOP_NAMES, type Hop } from '../causes/types.js';
import type { ObjectRef } from '../cluster/types.js';
import { evidenceLine } from '../dataplane/provenance.js';
import type {
  Diagnosis,
  HopReport,
  HopStatus,
  PhaseResult,
  PhaseStatus,
  ProbeRecord,
  Verdict,
} from '../protocol/types.js';
import { causeTitle, explainPhase, METHOD } from './explain.js';
import {
  formatDuration,
  type Paint,
  pad,
  painter,
  sanitizeForTerminal,
  type Tone,
  truncate,
  visibleWidth,
  wrap,
  wrapCommand,
} from './terminal.js';

/**
 * The diagnosis for a person at a terminal: the path picture first, then the verdict with its fix and the
 * commands to confirm it, then the evidence phase by phase, and a one-line recap last (the line still on
 * screen when the command returns). Pure: the model in, a string out.
 */
export interface TextOptions {
  color: boolean;
  width: number;
  explain: boolean;
}

const HOPS: Hop[] = [1, 2, 3, 4, 5];

export function renderDiagnosisText(diagnosis: Diagnosis, opts: TextOptions): string {
  const d = sanitizeForTerminal(diagnosis);
  const width = Math.max(60, Math.min(opts.width || 80, 120));
  const paint = painter(opts.color);
  const out: string[] = [];
  out.push(...header(d, paint, width));
  out.push('');
  out.push(...pathPicture(d, paint, width, opts.explain));
  out.push('');
  out.push(...verdictSection(d, paint, width));
  out.push(...evidenceSection(d, paint, width, opts.explain));
  out.push(...findingsSection(d, paint, width));
  out.push(recap(d.verdict, paint, width));
  return `${out.map((l) => l.trimEnd()).join('\n')}\n`;
}

// ---------- header ----------

function refText(ref: ObjectRef | undefined): string {
  if (!ref) return '';
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

function shortRef(ref: ObjectRef | undefined): string {
  if (!ref) return '';
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

function header(d: Diagnosis, paint: Paint, width: number): string[] {
  const lines: string[] = [];
  lines.push(`${paint('strong', 'DIAGNOSIS')}  ${truncate(d.target.input, width - 11)}`);
  const r = d.route;
  const label = (s: string) => paint('muted', pad(s, 8));
  if (r) {
    const backend = r.service
      ? ` → Service ${shortRef(r.service)}${r.servicePort !== undefined ? `:${r.servicePort}` : ''}` +
        (r.targetPort !== undefined ? ` → :${r.targetPort}` : '')
      : '';
    lines.push(
      ...wrap(
        `${refText(r.ref)} ${r.host ?? '*'}${r.path}${backend}`,
        width,
        `  ${label('route')}`,
        ' '.repeat(10),
      ),
    );
    const edge = [
      r.loadBalancerAddress ? `LB ${r.loadBalancerAddress}` : 'LB address unknown',
      r.nodePort !== undefined ? `NodePort ${r.nodePort}` : undefined,
    ].filter((x): x is string => x !== undefined);
    lines.push(...wrap(edge.join(' → '), width, `  ${label('edge')}`, ' '.repeat(10)));
  } else {
    lines.push(`  ${label('route')}${paint('warn', 'not resolved')}`);
  }
  const when = d.startedAt
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
    .replace(/Z$/, ' UTC');
  const run = `${when} · ${formatDuration(d.durationMs)} · ${d.apiRequests} API requests · v${d.tool.version}`;
  lines.push(...wrap(run, width, `  ${label('run')}`, ' '.repeat(10)));
  return lines;
}

// ---------- the path picture ----------

const HOP_GLYPH: Record<HopStatus, { rail: string; mark: string; word: string; tone: Tone }> = {
  pass: { rail: '│', mark: '✓', word: 'pass', tone: 'pass' },
  fail: { rail: '┃', mark: '✗', word: 'FAIL', tone: 'fail' },
  'not-tested': { rail: '┆', mark: '·', word: 'not tested', tone: 'muted' },
};

/** What stands at each end of the hops: node label and its detail from the route. */
function pathNodes(d: Diagnosis): { name: string; detail: string }[] {
  const r = d.route;
  const nodes = new Set(r?.endpoints.map((e) => e.nodeName).filter((n): n is string => !!n));
  const endpoints = r?.endpoints ?? [];
  const ready = endpoints.filter((e) => e.ready).length;
  const podDetail =
    endpoints.length === 0
      ? 'no endpoints'
      : endpoints.length <= 2
        ? endpoints.map((e) => `${e.ip}${e.nodeName ? ` (${e.nodeName})` : ''}`).join(', ')
        : `${endpoints.length} endpoints, ${ready} ready, on ${nodes.size} node${nodes.size === 1 ? '' : 's'}`;
  return [
    { name: 'client', detail: 'this machine' },
    { name: 'load balancer', detail: r?.loadBalancerAddress ?? '' },
    { name: 'NodePort', detail: r?.nodePort !== undefined ? `:${r.nodePort} on every node` : '' },
    { name: 'kube-proxy / iptables', detail: '' },
    {
      name: 'Service',
      detail: r?.service
        ? `${shortRef(r.service)}${r.servicePort !== undefined ? `:${r.servicePort}` : ''}${
            r.targetPort !== undefined ? ` → ${r.targetPort}` : ''
          }`
        : '',
    },
    { name: endpoints.length === 1 ? 'Pod' : 'Pods', detail: podDetail },
  ];
}

function hopReport(d: Diagnosis, hop: Hop): HopReport {
  return d.hops.find((h) => h.hop === hop) ?? { hop, name: HOP_NAMES[hop], status: 'not-tested' };
}

function pathPicture(d: Diagnosis, paint: Paint, width: number, explain: boolean): string[] {
  const lines = [paint('strong', 'PATH')];
  if (explain) lines.push(...wrap(METHOD, width, '  ').map((l) => paint('muted', l)));
  const nodes = pathNodes(d);
  const failing = d.verdict.status === 'broken' ? d.verdict.hop : undefined;
  const nodeLine = (i: number) => {
    const n = nodes[i]!;
    const head = `  ● ${pad(n.name, 25)}`;
    return `  ${paint('accent', '●')} ${pad(n.name, 25)}${paint('muted', truncate(n.detail, width - visibleWidth(head)))}`;
  };
  for (const hop of HOPS) {
    lines.push(nodeLine(hop - 1));
    if (hop === 4 && d.route?.controller) {
      // The controller sits behind the NodePort (hops 2–3 deliver to it) and proxies to the endpoints (hops 4–5).
      const head = `  ◆ ${pad('ingress controller', 25)}`;
      lines.push(
        `  ${paint('accent', '◆')} ${pad('ingress controller', 25)}${paint(
          'muted',
          truncate(shortRef(d.route.controller), width - visibleWidth(head)),
        )}`,
      );
    }
    const h = hopReport(d, hop);
    const g = HOP_GLYPH[h.status];
    const isFailing = failing === hop || (failing === undefined && h.status === 'fail');
    const name = `${hop} ${h.name || HOP_NAMES[hop]}`;
    const status = pad(paint(g.tone, `${g.mark} ${g.word}`), 13);
    const time = pad(formatDuration(h.durationMs), 8, 'right');
    // The marker shortens rather than overflow a narrow terminal (the hop columns take 53).
    const marker = failing === hop ? paint('fail', width >= 68 ? '  ◀ breaks here' : '  ◀') : '';
    const rail = paint(g.tone === 'pass' ? 'plain' : g.tone, g.rail);
    const title = isFailing ? paint('fail', pad(name, 28)) : pad(name, 28);
    lines.push(`  ${rail} ${title}${status}${time}${marker}`);
    if (h.note) {
      // The picture is the overview: two lines of note at most; the phases below carry the whole story.
      const note = wrap(h.note, width - 6);
      const shown = note.length > 2 ? [note[0]!, truncate(`${note[1]!} ${note[2]!}`, width - 6)] : note;
      for (const l of shown) lines.push(`  ${rail}   ${paint('muted', l)}`);
    }
  }
  lines.push(nodeLine(5));
  return lines;
}

// ---------- verdict, fix, commands ----------

function verdictHeadline(v: Verdict, paint: Paint): string {
  if (v.status === 'healthy') return paint('pass', '✓ healthy');
  if (v.status === 'inconclusive') return paint('warn', '? inconclusive');
  const where = v.hop !== undefined ? ` at hop ${v.hop} (${HOP_NAMES[v.hop]})` : '';
  return paint('fail', `✗ broken${where}`);
}

function section(title: string, paint: Paint): string {
  return paint('strong', title);
}

function verdictSection(d: Diagnosis, paint: Paint, width: number): string[] {
  const v = d.verdict;
  const lines: string[] = [];
  lines.push(`${section('VERDICT', paint)}  ${verdictHeadline(v, paint)}`);
  if (v.cause) {
    const title = causeTitle(v.cause);
    const confidence = v.confidence ? ` (${v.confidence} confidence)` : '';
    const wrapped = wrap(`${v.cause}${confidence}${title ? ` — ${title}` : ''}`, width, '  ');
    // Paint the id and the title apart so each line carries its own colour codes.
    lines.push(
      ...wrapped.map((l, i) =>
        i === 0
          ? `  ${paint('strong', v.cause!)}${paint('muted', l.slice(2 + v.cause!.length))}`
          : paint('muted', l),
      ),
    );
  }
  lines.push(...wrap(v.summary, width, '  '));
  if (v.applicationAnswer) {
    lines.push(
      ...wrap(
        `The application itself answered HTTP ${v.applicationAnswer.status}: ${v.applicationAnswer.summary}`,
        width,
        '  ',
      ).map((l) => paint('warn', l)),
    );
  }
  for (const s of v.settings ?? [])
    lines.push(...wrap(evidenceLine(s), width, `  ${paint('muted', 'set:')} `, '       '));
  lines.push('');
  if (v.fix) {
    lines.push(section('FIX', paint));
    lines.push(...wrap(v.fix, width, '  '));
    lines.push('');
  }
  if (v.confirm.length > 0) {
    lines.push(section(v.status === 'healthy' ? 'CHECK BY HAND' : 'CONFIRM BY HAND', paint));
    for (const c of v.confirm) lines.push(...wrapCommand(c, width, `  ${paint('muted', '$')} `, '      '));
    lines.push('');
  }
  if (v.also.length > 0) {
    lines.push(section('ALSO BROKEN (further along)', paint));
    for (const a of v.also) {
      lines.push(
        ...wrap(`hop ${a.hop} · ${a.cause}: ${a.summary}`, width, `  ${paint('fail', '✗')} `, '    '),
      );
    }
    lines.push('');
  }
  if (v.unproven.length > 0) {
    lines.push(section('UNPROVEN', paint));
    for (const u of v.unproven) lines.push(...wrap(u, width, `  ${paint('warn', '?')} `, '    '));
    lines.push('');
  }
  return lines;
}

// ---------- evidence ----------

const PHASE_GLYPH: Record<PhaseStatus, { mark: string; tone: Tone }> = {
  pass: { mark: '✓', tone: 'pass' },
  fail: { mark: '✗', tone: 'fail' },
  skipped: { mark: '–', tone: 'muted' },
  inconclusive: { mark: '?', tone: 'warn' },
};

function probeLines(p: ProbeRecord, evidence: Set<string>, paint: Paint, width: number): string[] {
  const mark = p.ok ? paint('pass', '✓') : paint('fail', '✗');
  const star = evidence.has(p.id) ? paint('accent', '  ★ evidence') : '';
  const meta = paint('muted', `${p.vantage} · ${p.kind} · ${formatDuration(p.durationMs)}`);
  const head = `    ${mark} ${truncate(p.id, width - 6)}`;
  const tail = `  ${meta}${star}`;
  const lines =
    visibleWidth(head) + visibleWidth(tail) <= width ? [head + tail] : [head, `      ${meta}${star}`];
  lines.push(...wrapCommand(p.command, width, `      ${paint('muted', '$')} `, '          '));
  lines.push(...wrap(p.summary, width, `      ${paint('muted', '→')} `, '        '));
  return lines;
}

function phaseLines(
  phase: PhaseResult,
  d: Diagnosis,
  evidence: Set<string>,
  paint: Paint,
  width: number,
  explain: boolean,
): string[] {
  const g = PHASE_GLYPH[phase.status];
  const title = `Phase ${phase.number} · ${phase.title}`;
  const status = `${g.mark} ${phase.status}`;
  const time = formatDuration(phase.durationMs);
  const gap = Math.max(2, width - 2 - visibleWidth(title) - status.length - 2 - time.length);
  const lines = [
    `  ${phase.status === 'fail' ? paint('fail', title) : paint('strong', title)}${' '.repeat(gap)}${paint(
      g.tone,
      status,
    )}  ${time}`,
  ];
  lines.push(...wrap(phase.summary, width, '    '));
  if (phase.skippedReason) {
    lines.push(...wrap(`not run: ${phase.skippedReason}`, width, '    ').map((l) => paint('warn', l)));
  }
  if (explain) {
    const [does, outcome] = explainPhase(phase);
    lines.push(...wrap(`what it does: ${does}`, width, '    ', '      ').map((l) => paint('muted', l)));
    lines.push(...wrap(`what it means: ${outcome}`, width, '    ', '      ').map((l) => paint('muted', l)));
  }
  const byId = new Map(d.probes.map((p) => [p.id, p]));
  const probes = phase.probeIds.map((id) => byId.get(id)).filter((p): p is ProbeRecord => p !== undefined);
  // Probes the phase did not list (an incomplete model) still belong in the evidence.
  for (const p of d.probes) if (p.phase === phase.id && !phase.probeIds.includes(p.id)) probes.push(p);
  for (const p of probes) lines.push(...probeLines(p, evidence, paint, width));
  return lines;
}

function evidenceSection(d: Diagnosis, paint: Paint, width: number, explain: boolean): string[] {
  if (d.phases.length === 0 && d.probes.length === 0) return [];
  const evidence = new Set(d.verdict.evidence);
  const lines = [
    `${section('EVIDENCE', paint)}  ${paint('muted', `${d.probes.length} probes in ${d.phases.length} phases`)}`,
  ];
  const phases = [...d.phases].sort((a, b) => a.number - b.number);
  for (const phase of phases) {
    lines.push(...phaseLines(phase, d, evidence, paint, width, explain));
    lines.push('');
  }
  const phaseIds = new Set(phases.map((p) => p.id));
  const orphans = d.probes.filter((p) => !phaseIds.has(p.phase));
  if (orphans.length > 0) {
    lines.push(`  ${paint('strong', 'Other probes')}`);
    for (const p of orphans) lines.push(...probeLines(p, evidence, paint, width));
    lines.push('');
  }
  return lines;
}

function findingsSection(d: Diagnosis, paint: Paint, width: number): string[] {
  if (d.findings.length === 0) return [];
  const lines = [section('STATIC FINDINGS ON THIS ROUTE', paint)];
  const tone: Record<string, Tone> = { error: 'fail', warning: 'warn', info: 'muted' };
  for (const f of d.findings) {
    const where = `${refText(f.object)}${f.object.file ? ` (${f.object.file}${f.object.line ? `:${f.object.line}` : ''})` : ''}`;
    lines.push(
      ...wrap(
        `hop ${f.hop} · ${f.cause} · ${where}`,
        width,
        `  ${paint(tone[f.severity] ?? 'plain', pad(f.severity, 7))} `,
        '          ',
      ),
    );
    lines.push(...wrap(f.message, width, '          '));
    if (f.why) lines.push(...wrap(f.why, width, '          ').map((l) => paint('muted', l)));
    lines.push(...wrap(`fix: ${f.fix}`, width, '          ', '               '));
  }
  lines.push('');
  return lines;
}

/** The last line: the answer, for whoever only sees the bottom of the screen. */
function recap(v: Verdict, paint: Paint, width: number): string {
  const text =
    v.status === 'healthy'
      ? `healthy${v.applicationAnswer ? ` (the application answered ${v.applicationAnswer.status})` : ''}`
      : v.status === 'inconclusive'
        ? 'inconclusive: see UNPROVEN above'
        : `broken at hop ${v.hop ?? '?'}${v.hop ? ` (${HOP_NAMES[v.hop]})` : ''}${v.cause ? `: ${v.cause}` : ''}` +
          (v.also.length > 0 ? ` (+${v.also.length} more further along)` : '');
  const tone: Tone = v.status === 'healthy' ? 'pass' : v.status === 'broken' ? 'fail' : 'warn';
  return paint(tone, truncate(`→ ${text}`, width));
}
