import { HOP_NAMES, type Hop } from '../causes/types.js';
import type { Finding, Severity } from '../checks/types.js';
import { evidenceLine } from '../dataplane/provenance.js';
import { type AuditReport, auditExitCode, describeObject, SEVERITY_RANK } from './audit-model.js';
import { escapeHtml, htmlPage } from './diagnose-html.js';
import { causeTitle } from './explain.js';

/**
 * The audit as ONE self-contained HTML file: counts, the five hops with how many findings sit on each, and the
 * findings as a table filterable by route, hop, severity and free text (plain JS over data-* attributes, no
 * framework, no request). Rows carry data-route/data-hop/data-severity for tests and readers. Pure.
 */
export function renderAuditHtml(report: AuditReport): string {
  const c = report.counts.findings;
  const total = c.error + c.warning + c.info;
  const fails = auditExitCode(report) === 1;
  const objects = Object.values(report.counts.objects).reduce((a, b) => a + b, 0);
  const title = `ingress-doctor audit: ${total === 0 ? 'no findings' : `${c.error} errors, ${c.warning} warnings, ${c.info} info`}`;
  const body = [
    `<header><p class="tool">ingress-doctor audit</p><h1>${escapeHtml(report.source.description)}</h1><p class="route">${escapeHtml(
      `${objects} objects · ${report.counts.routes} routes · ${report.generatedAt}`,
    )}</p></header>`,
    `<section id="summary" class="card verdict" data-status="${total === 0 ? 'healthy' : fails ? 'broken' : 'inconclusive'}">` +
      `<h2 class="s-${total === 0 ? 'pass' : fails ? 'fail' : 'warn'}">${escapeHtml(
        total === 0 ? '✓ No findings' : `${total} finding${total === 1 ? '' : 's'}`,
      )}</h2><div class="counts">${(['error', 'warning', 'info'] as Severity[])
        .map(
          (s) =>
            `<span class="badge ${SEVERITY_CLASS[s]}" data-count-severity="${s}">${c[s]} ${s === 'info' ? 'info' : `${s}${c[s] === 1 ? '' : 's'}`}</span>`,
        )
        .join('')}</div><p>${escapeHtml(
        `Fail on ${report.failOn}: ${fails ? 'fails (exit 1)' : 'passes (exit 0)'}.`,
      )}</p></section>`,
    `<section id="path" aria-label="Findings per hop">${hopSvg(report.findings)}</section>`,
    findingsSection(report.findings),
    warningsSection(report),
    checksSection(report),
    `<footer>${escapeHtml(`${report.tool.name} ${report.tool.version} · ${report.generatedAt}`)}<br>This file is self-contained: opening it makes no network requests.</footer>`,
  ].join('\n');
  return htmlPage(title, body, FILTER_SCRIPT);
}

const SEVERITY_CLASS: Record<Severity, string> = { error: 's-fail', warning: 's-warn', info: 's-muted' };
const HOPS: Hop[] = [1, 2, 3, 4, 5];
/** Route key for findings about no particular route (namespace-wide, workload-wide). */
const NO_ROUTE = '(no route)';

function worst(findings: Finding[]): Severity | undefined {
  let w: Severity | undefined;
  for (const f of findings) if (!w || SEVERITY_RANK[f.severity] > SEVERITY_RANK[w]) w = f.severity;
  return w;
}

/** The path again, each hop labelled with its number of findings and coloured by its worst; click filters. */
function hopSvg(findings: Finding[]): string {
  const xs = [70, 242, 414, 586, 758, 930];
  const y = 70;
  const names = ['client', 'load balancer', 'NodePort', 'kube-proxy', 'Service', 'Pods'];
  const parts: string[] = [];
  HOPS.forEach((hop, i) => {
    const onHop = findings.filter((f) => f.hop === hop);
    const w = worst(onHop);
    // Reuse the diagnose colours: error = fail, warning/info = a milder mark, none = pass.
    const status = w === 'error' ? 'fail' : w ? 'warn' : 'pass';
    const mid = (xs[i]! + xs[i + 1]!) / 2;
    parts.push(
      `<g class="hop audit-hop" id="hop-${hop}" data-hop="${hop}" data-status="${status}" data-count="${onHop.length}"${
        w ? ` data-worst="${w}"` : ''
      } tabindex="0" role="button"><title>${escapeHtml(`hop ${hop}: ${HOP_NAMES[hop]} — ${onHop.length} findings (click to filter)`)}</title>` +
        `<line x1="${xs[i]! + 24}" y1="${y}" x2="${xs[i + 1]! - 24}" y2="${y}"/>` +
        `<circle class="badge-bg" cx="${mid}" cy="${y}" r="14"/><text class="num" x="${mid}" y="${y + 4.5}" text-anchor="middle">${hop}</text>` +
        `<text class="st" x="${mid}" y="${y - 24}" text-anchor="middle">${
          onHop.length === 0 ? '✓ none' : `${onHop.length} finding${onHop.length === 1 ? '' : 's'}`
        }</text></g>`,
    );
  });
  names.forEach((n, i) => {
    parts.push(
      `<g class="node"><circle cx="${xs[i]}" cy="${y}" r="20"/><text x="${xs[i]}" y="${y + 44}" text-anchor="middle" font-weight="600">${escapeHtml(n)}</text></g>`,
    );
  });
  return `<svg class="path" id="hop-diagram" viewBox="0 0 1000 130" role="img" aria-label="Findings per hop" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

function findingsSection(findings: Finding[]): string {
  if (findings.length === 0) return '<section id="findings"><h2>Findings</h2><p>No findings.</p></section>';
  const routes = [...new Set(findings.map((f) => f.route ?? NO_ROUTE))].sort((a, b) =>
    a === NO_ROUTE ? 1 : b === NO_ROUTE ? -1 : a.localeCompare(b),
  );
  const option = (value: string, label: string) =>
    `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`;
  const filters =
    `<div class="filters" id="filters">` +
    `<label>Severity<select id="f-severity">${option('', 'all')}${(['error', 'warning', 'info'] as Severity[])
      .map((s) => option(s, s))
      .join('')}</select></label>` +
    `<label>Hop<select id="f-hop">${option('', 'all')}${HOPS.map((h) => option(String(h), `${h} ${HOP_NAMES[h]}`)).join('')}</select></label>` +
    `<label>Route<select id="f-route">${option('', 'all')}${routes.map((r) => option(r, r)).join('')}</select></label>` +
    `<label>Text<input id="f-text" type="search" placeholder="object, cause, message…"></label>` +
    `<button type="button" class="btn" id="f-reset">Reset</button>` +
    `<span id="shown" aria-live="polite">${findings.length} of ${findings.length} findings shown</span></div>`;
  const rows = findings
    .map((f, i) => {
      const title = causeTitle(f.cause);
      return (
        `<tr id="finding-${i + 1}" data-severity="${escapeHtml(f.severity)}" data-hop="${f.hop}" data-route="${escapeHtml(
          f.route ?? NO_ROUTE,
        )}" data-cause="${escapeHtml(f.cause)}" data-check="${escapeHtml(f.check)}">` +
        `<td><span class="badge ${SEVERITY_CLASS[f.severity]}">${escapeHtml(f.severity)}</span></td>` +
        `<td>${f.route ? `<code>${escapeHtml(f.route)}</code>` : '<span class="s-muted">—</span>'}</td>` +
        `<td class="num" title="${escapeHtml(HOP_NAMES[f.hop])}">${f.hop}</td>` +
        `<td${title ? ` title="${escapeHtml(title)}"` : ''}><code>${escapeHtml(f.cause)}</code></td>` +
        `<td class="long">${escapeHtml(describeObject(f.object))}</td>` +
        `<td class="long">${escapeHtml(f.message)}${f.why ? `<br><span class="explain">${escapeHtml(f.why)}</span>` : ''}${(
          f.settings ?? []
        )
          .map((s) => `<br><span class="explain">${escapeHtml(evidenceLine(s))}</span>`)
          .join('')}</td>` +
        `<td class="long">${escapeHtml(f.fix)}</td></tr>`
      );
    })
    .join('');
  return (
    `<section id="findings"><h2>Findings</h2>${filters}<table id="findings-table"><thead><tr><th>Severity</th><th>Route</th><th class="num">Hop</th><th>Cause</th><th>Object</th><th>Problem</th><th>Fix</th></tr></thead>` +
    `<tbody>${rows}<tr id="no-match" hidden><td colspan="7">No finding matches these filters.</td></tr></tbody></table></section>`
  );
}

function warningsSection(report: AuditReport): string {
  const unknown = Object.entries(report.unknownKinds);
  if (report.warnings.length === 0 && unknown.length === 0) return '';
  const items = report.warnings.map((w) => {
    const where = w.file ? `${w.file}${w.line ? `:${w.line}` : ''}: ` : '';
    return `<li data-code="${escapeHtml(w.code)}"><code>${escapeHtml(w.code)}</code> ${escapeHtml(`${where}${w.message}`)}</li>`;
  });
  if (unknown.length > 0) {
    items.push(
      `<li>Kinds not audited: ${escapeHtml(unknown.map(([k, n]) => `${k} (${n})`).join(', '))}</li>`,
    );
  }
  return `<section id="warnings"><h2>Input warnings</h2><ul class="plain">${items.join('')}</ul></section>`;
}

function checksSection(report: AuditReport): string {
  if (report.checks.length === 0) return '';
  const rows = report.checks
    .map(
      (ch) =>
        `<tr data-check="${escapeHtml(ch.id)}"><td><code>${escapeHtml(ch.id)}</code></td><td class="num">${ch.hop}</td><td class="num">${ch.findings}</td><td>${escapeHtml(
          ch.summary,
        )}${ch.error ? `<br><span class="s-fail">failed: ${escapeHtml(ch.error)}</span>` : ''}</td></tr>`,
    )
    .join('');
  return `<details class="phase" id="checks"><summary><span class="ptitle">Checks run (${report.checks.length})</span></summary><div class="body"><table><thead><tr><th>Check</th><th class="num">Hop</th><th class="num">Findings</th><th>Summary</th></tr></thead><tbody>${rows}</tbody></table></div></details>`;
}

/** Filters: severity, hop, route (exact) and free text (substring of the row), combined with AND. */
const FILTER_SCRIPT = `
(function(){
  var sev=document.getElementById('f-severity'),hop=document.getElementById('f-hop'),
      route=document.getElementById('f-route'),text=document.getElementById('f-text'),
      shown=document.getElementById('shown'),none=document.getElementById('no-match');
  if(!sev)return;
  var rows=Array.prototype.slice.call(document.querySelectorAll('#findings-table tbody tr[data-severity]'));
  function apply(){
    var q=text.value.trim().toLowerCase(),n=0;
    rows.forEach(function(r){
      var ok=(!sev.value||r.getAttribute('data-severity')===sev.value)&&
        (!hop.value||r.getAttribute('data-hop')===hop.value)&&
        (!route.value||r.getAttribute('data-route')===route.value)&&
        (!q||r.textContent.toLowerCase().indexOf(q)>=0);
      r.hidden=!ok;if(ok)n++;
    });
    shown.textContent=n+' of '+rows.length+' findings shown';
    none.hidden=n!==0;
  }
  [sev,hop,route].forEach(function(e){e.addEventListener('change',apply);});
  text.addEventListener('input',apply);
  document.getElementById('f-reset').addEventListener('click',function(){sev.value='';hop.value='';route.value='';text.value='';apply();});
  Array.prototype.forEach.call(document.querySelectorAll('#hop-diagram .audit-hop'),function(g){
    function pick(){hop.value=hop.value===g.getAttribute('data-hop')?'':g.getAttribute('data-hop');apply();}
    g.addEventListener('click',pick);
    g.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();pick();}});
  });
  apply();
})();
`;
