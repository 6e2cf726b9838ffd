import { HOP_NAMES, type Hop } from '../causes/types.js';
import type { ObjectRef } from '../cluster/types.js';
import { evidenceLine } from '../dataplane/provenance.js';
import type { Diagnosis, HopStatus, PhaseStatus, ProbeRecord, Verdict } from '../protocol/types.js';
import { causeTitle } from './explain.js';
import { formatDuration } from './terminal.js';

/**
 * The diagnosis as an incident-ticket comment (GitHub-flavoured Markdown): verdict, path table, fix, commands
 * to confirm, then the evidence folded in <details>. Every value from the model is escaped or code-spanned,
 * so a probe summary like "<none>" or "a|b" cannot break the layout. Pure: the model in, a string out.
 */
export function renderDiagnosisMarkdown(d: Diagnosis): string {
  const v = d.verdict;
  const out: string[] = [];
  out.push(`### ${headline(v)}`);
  out.push('');
  out.push(`**Verdict:** ${mdText(v.summary)}`);
  const title = causeTitle(v.cause);
  if (v.cause && title) {
    out.push('');
    out.push(`**Cause:** ${code(v.cause, false)} — ${mdText(title)}`);
  }
  if (v.applicationAnswer) {
    out.push('');
    out.push(
      `**The application itself answered HTTP ${v.applicationAnswer.status}:** ${mdText(v.applicationAnswer.summary)}`,
    );
  }
  out.push('');
  out.push(targetLine(d));
  out.push('');
  out.push('| Hop | Network | Status | Time | Note |');
  out.push('|---:|---|---|---:|---|');
  for (const hop of [1, 2, 3, 4, 5] as Hop[]) {
    const h = d.hops.find((x) => x.hop === hop);
    const status: HopStatus = h?.status ?? 'not-tested';
    const failing = v.status === 'broken' && v.hop === hop;
    const name = cell(h?.name || HOP_NAMES[hop]);
    const cells = [
      failing ? `**${hop}**` : String(hop),
      failing ? `**${name}**` : name,
      HOP_STATUS[status] + (failing ? ' ⬅ **breaks here**' : ''),
      formatDuration(h?.durationMs),
      h?.note ? cell(h.note) : '',
    ];
    out.push(`| ${cells.join(' | ')} |`);
  }
  out.push('');
  if (v.settings && v.settings.length > 0) {
    out.push(`**Settings:** ${v.settings.map((s) => mdText(evidenceLine(s))).join('; ')}`);
    out.push('');
  }
  if (v.fix) {
    out.push(`**Fix:** ${mdText(v.fix)}`);
    out.push('');
  }
  if (v.confirm.length > 0) {
    out.push(v.status === 'healthy' ? '**Check by hand:**' : '**Confirm by hand:**');
    out.push('');
    out.push(fence(v.confirm.join('\n'), 'sh'));
    out.push('');
  }
  if (v.also.length > 0) {
    out.push('**Also broken, further along:**');
    out.push('');
    for (const a of v.also) out.push(`- hop ${a.hop} ${code(a.cause, false)}: ${mdText(a.summary)}`);
    out.push('');
  }
  if (v.unproven.length > 0) {
    out.push('**Unproven:**');
    out.push('');
    for (const u of v.unproven) out.push(`- ${mdText(u)}`);
    out.push('');
  }
  out.push(...evidence(d));
  if (d.findings.length > 0) {
    out.push(`<details><summary>Static findings on this route (${d.findings.length})</summary>`);
    out.push('');
    out.push('| Severity | Hop | Cause | Object | Message | Fix |');
    out.push('|---|---:|---|---|---|---|');
    for (const f of d.findings) {
      out.push(
        `| ${f.severity} | ${f.hop} | ${code(f.cause)} | ${code(refText(f.object))} | ${cell(f.message)} | ${cell(f.fix)} |`,
      );
    }
    out.push('');
    out.push('</details>');
    out.push('');
  }
  const when = d.startedAt
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
    .replace(/Z$/, ' UTC');
  out.push(
    `<sub>${escapeText(`${d.tool.name} ${d.tool.version} · ${when} · ${formatDuration(d.durationMs)} · ${d.apiRequests} Kubernetes API requests`)}</sub>`,
  );
  return `${out.join('\n')}\n`;
}

const HOP_STATUS: Record<HopStatus, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  'not-tested': '➖ not tested',
};

const PHASE_STATUS: Record<PhaseStatus, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  skipped: '➖ skipped',
  inconclusive: '❔ inconclusive',
};

function headline(v: Verdict): string {
  if (v.status === 'healthy') return '✅ ingress-doctor: the path is healthy';
  if (v.status === 'inconclusive') return '❔ ingress-doctor: inconclusive';
  const where = v.hop !== undefined ? ` at hop ${v.hop} (${HOP_NAMES[v.hop]})` : '';
  const cause = v.cause ? ` — ${code(v.cause, false)}` : '';
  const confidence = v.confidence ? `, ${v.confidence} confidence` : '';
  return `❌ ingress-doctor: broken${where}${cause}${confidence}`;
}

function refText(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

function targetLine(d: Diagnosis): string {
  const parts = [`**Target:** ${code(d.target.input, false)} ·`];
  const r = d.route;
  if (r) {
    parts.push(`route ${code(`${refText(r.ref)} ${r.host ?? '*'}${r.path}`, false)}`);
    if (r.service) {
      const port = r.servicePort !== undefined ? `:${r.servicePort}` : '';
      parts.push(`→ ${code(`${refText(r.service)}${port}`, false)}`);
    }
    const ready = r.endpoints.filter((e) => e.ready).length;
    parts.push(`→ ${r.endpoints.length} endpoint${r.endpoints.length === 1 ? '' : 's'} (${ready} ready)`);
    if (r.loadBalancerAddress) parts.push(`· LB ${code(r.loadBalancerAddress, false)}`);
    if (r.controller) parts.push(`· controller ${code(refText(r.controller), false)}`);
  }
  return parts.join(' ');
}

function evidence(d: Diagnosis): string[] {
  const out: string[] = [];
  const evidenceIds = new Set(d.verdict.evidence);
  const byId = new Map(d.probes.map((p) => [p.id, p]));
  out.push(`<details><summary>Evidence: ${d.probes.length} probes in ${d.phases.length} phases</summary>`);
  out.push('');
  out.push('| Phase | Status | Time | Summary |');
  out.push('|---:|---|---:|---|');
  const phases = [...d.phases].sort((a, b) => a.number - b.number);
  for (const p of phases) {
    const summary = p.skippedReason ? `${p.summary} (not run: ${p.skippedReason})` : p.summary;
    out.push(
      `| ${p.number} ${cell(p.title)} | ${PHASE_STATUS[p.status]} | ${formatDuration(p.durationMs)} | ${cell(summary)} |`,
    );
  }
  out.push('');
  out.push('| | Probe | Vantage | Result | Time |');
  out.push('|---|---|---|---|---:|');
  const listed = new Set<string>();
  const rows: ProbeRecord[] = [];
  for (const ph of phases) {
    for (const id of ph.probeIds) {
      const p = byId.get(id);
      if (p && !listed.has(id)) {
        rows.push(p);
        listed.add(id);
      }
    }
  }
  for (const p of d.probes) if (!listed.has(p.id)) rows.push(p);
  for (const p of rows) {
    const mark = p.ok ? '✅' : '❌';
    const star = evidenceIds.has(p.id) ? ' ⭐' : '';
    out.push(
      `| ${mark}${star} | ${code(p.id)}<br>${code(p.command)} | ${code(p.vantage)} | ${cell(p.summary)} | ${formatDuration(p.durationMs)} |`,
    );
  }
  out.push('');
  out.push('⭐ = evidence for the verdict');
  out.push('');
  out.push('</details>');
  out.push('');
  return out;
}

// ---------- escaping ----------

/** Escape text so Markdown and inline HTML cannot take effect; intra-word underscores are left alone. */
export function mdText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([`*[\]|~])/g, '\\$1')
    .replace(/(^|[^A-Za-z0-9])_|_(?=$|[^A-Za-z0-9])/g, (m) => m.replace('_', '\\_'))
    .replace(/\r?\n/g, ' ');
}

/** Text inside a table cell: escaped, and on one line. */
function cell(text: string): string {
  return mdText(text);
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An inline code span that survives backticks in its content; in a table, pipes are escaped (GitHub honours
 * "\|" inside code spans there, and only there). Newlines become spaces.
 */
export function code(text: string, inTable = true): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const t = inTable ? flat.replace(/\|/g, '\\|') : flat;
  const runs = t.match(/`+/g) ?? [];
  const longest = runs.reduce((m, r) => Math.max(m, r.length), 0);
  const ticks = '`'.repeat(longest + 1);
  const padded = longest > 0 || t.startsWith(' ') || t.endsWith(' ') ? ` ${t} ` : t;
  return `${ticks}${padded}${ticks}`;
}

/** A fenced block longer than any backtick run inside it. */
export function fence(text: string, lang = ''): string {
  const runs = text.match(/`{3,}/g) ?? [];
  const longest = runs.reduce((m, r) => Math.max(m, r.length), 2);
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${text}\n${ticks}`;
}
