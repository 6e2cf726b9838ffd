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
import { formatDuration } from './terminal.js';

/**
 * The diagnosis as ONE self-contained HTML file: inline CSS and JS, no fonts, images or scripts fetched, and a
 * Content-Security-Policy that forbids any request should something slip in. The path is an inline SVG whose
 * elements carry stable ids and data-* attributes (hop-N, data-hop, data-status) for tests and for readers'
 * own tooling. Every model value goes through escapeHtml. Pure: the model in, a string out.
 */
export function renderDiagnosisHtml(d: Diagnosis): string {
  const v = d.verdict;
  const title = `ingress-doctor: ${headlineText(v)} — ${d.target.input}`;
  const body = [
    `<header><p class="tool">ingress-doctor diagnose</p><h1>${escapeHtml(d.target.input)}</h1>${routeLine(d)}</header>`,
    `<section id="path" aria-label="The five hops">${pathSvg(d)}</section>`,
    verdictSection(d),
    `<section id="hop-list"><h2>The five hops</h2>${hopTable(d)}</section>`,
    phasesSection(d),
    findingsSection(d),
    `<footer>${escapeHtml(
      `${d.tool.name} ${d.tool.version} · started ${d.startedAt} · ${formatDuration(d.durationMs)} · ${d.apiRequests} Kubernetes API requests`,
    )}<br>This file is self-contained: opening it makes no network requests.</footer>`,
  ].join('\n');
  return htmlPage(title, body);
}

// ---------- shared page pieces (also used by audit-html.ts) ----------

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape for element text and quoted attribute values alike. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** No request may leave the page: only inline styles and scripts, data: images. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/** The page shell: doctype, CSP, the shared stylesheet and the copy-button script. */
export function htmlPage(title: string, body: string, extraScript = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ingress-doctor">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
<script>${COPY_SCRIPT}${extraScript}</script>
</body>
</html>
`;
}

/** A command in a code block with a copy button (clipboard API, falling back to a selected textarea). */
export function commandBlock(command: string): string {
  return `<div class="cmd"><pre><code>${escapeHtml(command)}</code></pre><button type="button" class="copy" data-copy="${escapeHtml(
    command,
  )}" aria-label="Copy command">Copy</button></div>`;
}

const STYLE = `
:root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--accent:#0969da;--failbg:#ffebe9;--passbg:#dafbe1;--warnbg:#fff8c5;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;--pass:#3fb950;--fail:#f85149;--warn:#d29922;--accent:#4493f8;--failbg:#3c1618;--passbg:#12261e;--warnbg:#2e2a12}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1080px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:22px;margin:2px 0 6px;word-break:break-all}
h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:14px 0 6px}
.tool{margin:0;color:var(--muted);font-size:13px;text-transform:uppercase;letter-spacing:.06em}
.route{color:var(--muted);margin:0}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace}
code{background:var(--card);border-radius:4px;padding:1px 4px}
pre code{background:none;padding:0}
.card{border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:16px 0;background:var(--card)}
.verdict[data-status=broken]{border-color:var(--fail);background:var(--failbg)}
.verdict[data-status=healthy]{border-color:var(--pass);background:var(--passbg)}
.verdict[data-status=inconclusive]{border-color:var(--warn);background:var(--warnbg)}
.verdict h2{border:0;margin:0 0 6px;padding:0;font-size:20px}
.verdict .summary{font-size:16px;margin:6px 0}
.verdict .cause-title{color:var(--muted);margin:0}
.badge{display:inline-block;border-radius:999px;padding:0 9px;font-size:12.5px;font-weight:600;line-height:20px;border:1px solid currentColor;white-space:nowrap}
.s-pass{color:var(--pass)}.s-fail{color:var(--fail)}.s-warn,.s-inconclusive{color:var(--warn)}.s-muted,.s-skipped,.s-not-tested{color:var(--muted)}
.cmd{position:relative;margin:6px 0}
.cmd pre{margin:0;padding:8px 74px 8px 10px;background:var(--bg);border:1px solid var(--line);border-radius:6px;white-space:pre-wrap;word-break:break-all}
.copy{position:absolute;top:5px;right:5px;font:12px system-ui,sans-serif;padding:3px 9px;border-radius:5px;border:1px solid var(--line);background:var(--card);color:var(--fg);cursor:pointer}
.copy:hover{border-color:var(--accent)}
.copy.done{color:var(--pass);border-color:var(--pass)}
.btn{font:13px system-ui,sans-serif;padding:5px 12px;border-radius:6px;border:1px solid var(--line);background:var(--card);color:var(--fg);cursor:pointer}
svg.path{width:100%;height:auto;display:block;margin:4px 0 8px}
svg .node circle{fill:var(--card);stroke:var(--muted);stroke-width:2}
svg text{fill:var(--fg);font:13px system-ui,sans-serif}
svg .detail{fill:var(--muted);font-size:11.5px}
svg .hop line{stroke-width:5;stroke-linecap:round}
svg .hop[data-status=pass] line{stroke:var(--pass)}
svg .hop[data-status=fail] line{stroke:var(--fail);stroke-width:8}
svg .hop[data-status=not-tested] line{stroke:var(--muted);stroke-dasharray:3 7;stroke-width:3}
svg .hop .badge-bg{stroke:var(--bg);stroke-width:3}
svg .hop[data-status=pass] .badge-bg{fill:var(--pass)}
svg .hop[data-status=fail] .badge-bg{fill:var(--fail)}
svg .hop[data-status=not-tested] .badge-bg{fill:var(--muted)}
svg .hop .num{fill:#fff;font-weight:700;font-size:13px}
svg .hop .st{font-size:12px;font-weight:600}
svg .hop[data-status=pass] .st{fill:var(--pass)}
svg .hop[data-status=fail] .st,svg .breaks{fill:var(--fail);font-weight:700}
svg .hop[data-status=not-tested] .st{fill:var(--muted)}
svg .hop[data-status=warn] line{stroke:var(--warn);stroke-width:6}
svg .hop[data-status=warn] .badge-bg{fill:var(--warn)}
svg .hop[data-status=warn] .st{fill:var(--warn)}
svg .audit-hop{cursor:pointer}
svg .controller path{fill:none;stroke:var(--accent);stroke-width:1.5;stroke-dasharray:5 4}
svg .controller text{fill:var(--accent);font-size:12px}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:14px}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line);overflow-wrap:break-word}
td.long{overflow-wrap:anywhere;min-width:12em}
th{font-size:12.5px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em}
td.num,th.num{text-align:right;white-space:nowrap}
tr.failing td{background:var(--failbg);font-weight:600}
details.phase{border:1px solid var(--line);border-radius:8px;margin:10px 0;background:var(--card)}
details.phase[data-status=fail]{border-color:var(--fail)}
details.phase>summary{cursor:pointer;padding:10px 14px;list-style-position:outside}
details.phase>summary .ptitle{font-weight:600}
details.phase>summary .psum{display:block;color:var(--muted);font-size:14px;margin-left:18px}
details.phase .body{padding:0 14px 12px}
.explain{color:var(--muted);font-size:14px;margin:4px 0}
.probe{border-top:1px solid var(--line);padding:8px 0}
.probe .meta{color:var(--muted);font-size:13px}
.probe .result{margin:4px 0 0}
.star{color:var(--accent);font-weight:600;font-size:13px}
ul.plain{margin:6px 0;padding-left:20px}
footer{margin-top:32px;color:var(--muted);font-size:12.5px}
.filters{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:end;margin:8px 0}
.filters label{display:flex;flex-direction:column;font-size:12.5px;color:var(--muted);gap:2px}
.filters select,.filters input{font:14px system-ui,sans-serif;padding:4px 6px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);min-width:150px}
.counts{display:flex;gap:10px;flex-wrap:wrap;margin:8px 0}
#shown{color:var(--muted);font-size:13px}
`;

/** Copy buttons: the clipboard API where allowed (https, localhost, file:), else a selected textarea. */
const COPY_SCRIPT = `
(function(){
  function fallback(text){
    var ta=document.createElement('textarea');ta.value=text;ta.setAttribute('readonly','');
    ta.style.position='fixed';ta.style.top='-1000px';document.body.appendChild(ta);ta.select();
    var ok=false;try{ok=document.execCommand('copy');}catch(e){ok=false;}
    document.body.removeChild(ta);return ok;
  }
  function done(btn,ok){
    btn.textContent=ok?'Copied':'Press Ctrl+C';btn.classList.toggle('done',ok);
    setTimeout(function(){btn.textContent='Copy';btn.classList.remove('done');},1600);
  }
  document.addEventListener('click',function(ev){
    var btn=ev.target&&ev.target.closest?ev.target.closest('button.copy'):null;
    if(!btn)return;
    var text=btn.getAttribute('data-copy')||'';
    if(navigator.clipboard&&window.isSecureContext){
      navigator.clipboard.writeText(text).then(function(){done(btn,true);},function(){done(btn,fallback(text));});
    }else{done(btn,fallback(text));}
  });
})();
`;

// ---------- pieces of the diagnosis page ----------

function refText(ref: ObjectRef | undefined): string {
  if (!ref) return '';
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

function shortRef(ref: ObjectRef | undefined): string {
  if (!ref) return '';
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

function headlineText(v: Verdict): string {
  if (v.status === 'healthy') return 'healthy';
  if (v.status === 'inconclusive') return 'inconclusive';
  return `broken${v.hop !== undefined ? ` at hop ${v.hop}` : ''}${v.cause ? ` (${v.cause})` : ''}`;
}

function routeLine(d: Diagnosis): string {
  const r = d.route;
  if (!r) return '<p class="route">route not resolved</p>';
  const parts = [`${refText(r.ref)} ${r.host ?? '*'}${r.path}`];
  if (r.service)
    parts.push(`Service ${shortRef(r.service)}${r.servicePort !== undefined ? `:${r.servicePort}` : ''}`);
  parts.push(`${r.endpoints.length} endpoint${r.endpoints.length === 1 ? '' : 's'}`);
  const edge = [
    r.loadBalancerAddress ? `LB ${r.loadBalancerAddress}` : undefined,
    r.nodePort !== undefined ? `NodePort ${r.nodePort}` : undefined,
    r.controller ? `controller ${shortRef(r.controller)}` : undefined,
  ].filter((x): x is string => x !== undefined);
  return `<p class="route">${escapeHtml(parts.join(' → '))}${edge.length ? `<br>${escapeHtml(edge.join(' · '))}` : ''}</p>`;
}

function verdictSection(d: Diagnosis): string {
  const v = d.verdict;
  const attrs = [
    `id="verdict"`,
    `class="card verdict"`,
    `data-status="${escapeHtml(v.status)}"`,
    v.hop !== undefined ? `data-hop="${v.hop}"` : '',
    v.cause ? `data-cause="${escapeHtml(v.cause)}"` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const mark = v.status === 'healthy' ? '✓' : v.status === 'broken' ? '✗' : '?';
  const where = v.status === 'broken' && v.hop !== undefined ? ` at hop ${v.hop} — ${HOP_NAMES[v.hop]}` : '';
  const tone = v.status === 'healthy' ? 'pass' : v.status === 'broken' ? 'fail' : 'warn';
  const parts: string[] = [];
  parts.push(
    `<h2 class="s-${tone}">${mark} ${escapeHtml(v.status === 'broken' ? 'Broken' : v.status === 'healthy' ? 'Healthy' : 'Inconclusive')}${escapeHtml(where)}</h2>`,
  );
  const title = causeTitle(v.cause);
  if (v.cause) {
    parts.push(
      `<p class="cause-title"><code>${escapeHtml(v.cause)}</code>${title ? ` ${escapeHtml(title)}` : ''}${
        v.confidence ? ` · <span class="badge s-${tone}">${escapeHtml(v.confidence)} confidence</span>` : ''
      }</p>`,
    );
  }
  parts.push(`<p class="summary">${escapeHtml(v.summary)}</p>`);
  if (v.applicationAnswer) {
    parts.push(
      `<p class="s-warn" id="application-answer">The application itself answered HTTP ${escapeHtml(
        v.applicationAnswer.status,
      )}: ${escapeHtml(v.applicationAnswer.summary)}</p>`,
    );
  }
  if (v.settings && v.settings.length > 0) {
    parts.push(
      `<ul id="settings">${v.settings.map((s) => `<li>${escapeHtml(evidenceLine(s))}</li>`).join('')}</ul>`,
    );
  }
  if (v.fix) parts.push(`<h3>Fix</h3><p id="fix">${escapeHtml(v.fix)}</p>`);
  if (v.confirm.length > 0) {
    parts.push(
      `<h3>${v.status === 'healthy' ? 'Check by hand' : 'Confirm by hand'}</h3><div id="confirm">${v.confirm
        .map(commandBlock)
        .join('')}</div>`,
    );
  }
  if (v.also.length > 0) {
    parts.push(
      `<h3>Also broken, further along</h3><ul class="plain" id="also">${v.also
        .map(
          (a) =>
            `<li data-hop="${a.hop}" data-cause="${escapeHtml(a.cause)}">hop ${a.hop} <code>${escapeHtml(a.cause)}</code>: ${escapeHtml(a.summary)}</li>`,
        )
        .join('')}</ul>`,
    );
  }
  if (v.unproven.length > 0) {
    parts.push(
      `<h3>Unproven</h3><ul class="plain" id="unproven">${v.unproven.map((u) => `<li>${escapeHtml(u)}</li>`).join('')}</ul>`,
    );
  }
  return `<section ${attrs}>${parts.join('\n')}</section>`;
}

const HOPS: Hop[] = [1, 2, 3, 4, 5];

function hopReport(d: Diagnosis, hop: Hop): HopReport {
  return d.hops.find((h) => h.hop === hop) ?? { hop, name: HOP_NAMES[hop], status: 'not-tested' };
}

const HOP_WORD: Record<HopStatus, string> = { pass: '✓ pass', fail: '✗ fail', 'not-tested': 'not tested' };

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Six stations, five hops between them; the controller bracketed over the hops it sits between. */
function pathSvg(d: Diagnosis): string {
  const r = d.route;
  const xs = [70, 242, 414, 586, 758, 930];
  const y = 130;
  const failing = d.verdict.status === 'broken' ? d.verdict.hop : undefined;
  const endpoints = r?.endpoints ?? [];
  const stations: { id: string; name: string; detail: string }[] = [
    { id: 'client', name: 'client', detail: 'this machine' },
    { id: 'lb', name: 'load balancer', detail: r?.loadBalancerAddress ?? '' },
    {
      id: 'nodeport',
      name: 'NodePort',
      detail: r?.nodePort !== undefined ? `:${r.nodePort} on every node` : '',
    },
    { id: 'kube-proxy', name: 'kube-proxy', detail: 'iptables' },
    {
      id: 'service',
      name: 'Service',
      detail: r?.service
        ? `${shortRef(r.service)}${r.servicePort !== undefined ? `:${r.servicePort}` : ''}`
        : '',
    },
    {
      id: 'pod',
      name: endpoints.length === 1 ? 'Pod' : 'Pods',
      detail:
        endpoints.length === 0
          ? 'no endpoints'
          : `${endpoints.length} endpoint${endpoints.length === 1 ? '' : 's'}`,
    },
  ];
  const parts: string[] = [];
  HOPS.forEach((hop, i) => {
    const h = hopReport(d, hop);
    const x1 = xs[i]! + 24;
    const x2 = xs[i + 1]! - 24;
    const mid = (xs[i]! + xs[i + 1]!) / 2;
    const isFailing = failing === hop;
    const label = `${HOP_WORD[h.status]}${h.durationMs !== undefined ? ` · ${formatDuration(h.durationMs)}` : ''}`;
    parts.push(
      `<g class="hop${isFailing ? ' failing' : ''}" id="hop-${hop}" data-hop="${hop}" data-status="${escapeHtml(h.status)}"${
        isFailing ? ' data-failing="true"' : ''
      }><title>${escapeHtml(`hop ${hop}: ${h.name || HOP_NAMES[hop]} — ${h.status}${h.note ? `. ${h.note}` : ''}`)}</title>` +
        `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}"/>` +
        `<circle class="badge-bg" cx="${mid}" cy="${y}" r="14"/>` +
        `<text class="num" x="${mid}" y="${y + 4.5}" text-anchor="middle">${hop}</text>` +
        `<text class="st" x="${mid}" y="${y - 24}" text-anchor="middle">${escapeHtml(label)}</text>` +
        (isFailing
          ? `<text class="breaks" x="${mid}" y="${y - 42}" text-anchor="middle">▼ breaks here</text>`
          : '') +
        `</g>`,
    );
  });
  stations.forEach((s, i) => {
    const x = xs[i]!;
    parts.push(
      `<g class="node" data-node="${s.id}"><circle cx="${x}" cy="${y}" r="20"/>` +
        `<text x="${x}" y="${y + 44}" text-anchor="middle" font-weight="600">${escapeHtml(s.name)}</text>` +
        `<text class="detail" x="${x}" y="${y + 61}" text-anchor="middle">${escapeHtml(clip(s.detail, 26))}</text></g>`,
    );
  });
  if (r?.controller) {
    // The controller pod receives what the NodePort/kube-proxy deliver and proxies to the endpoints: it spans hops 3–4.
    const x1 = xs[2]!;
    const x2 = xs[4]!;
    parts.push(
      `<g class="controller" id="controller" data-controller="${escapeHtml(shortRef(r.controller))}">` +
        `<path d="M${x1} 66 V50 H${x2} V66"/>` +
        `<text x="${(x1 + x2) / 2}" y="42" text-anchor="middle">ingress controller · ${escapeHtml(clip(shortRef(r.controller), 48))}</text></g>`,
    );
  }
  const aria = `Path from client to pod; ${HOPS.map((h) => `hop ${h} ${hopReport(d, h).status}`).join(', ')}`;
  return `<svg class="path" id="path-diagram" viewBox="0 0 1000 210" role="img" aria-label="${escapeHtml(aria)}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

function hopTable(d: Diagnosis): string {
  const failing = d.verdict.status === 'broken' ? d.verdict.hop : undefined;
  const rows = HOPS.map((hop) => {
    const h = hopReport(d, hop);
    return `<tr data-hop="${hop}" data-status="${escapeHtml(h.status)}"${failing === hop ? ' class="failing"' : ''}><td class="num">${hop}</td><td>${escapeHtml(
      h.name || HOP_NAMES[hop],
    )}</td><td><span class="badge s-${escapeHtml(h.status)}">${escapeHtml(HOP_WORD[h.status])}</span></td><td class="num">${escapeHtml(
      formatDuration(h.durationMs),
    )}</td><td>${escapeHtml(h.note ?? '')}</td></tr>`;
  }).join('');
  return `<table id="hops"><thead><tr><th class="num">Hop</th><th>Network</th><th>Status</th><th class="num">Time</th><th>Note</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const PHASE_WORD: Record<PhaseStatus, string> = {
  pass: '✓ pass',
  fail: '✗ fail',
  skipped: '– skipped',
  inconclusive: '? inconclusive',
};

function probeBlock(p: ProbeRecord, evidence: Set<string>): string {
  return `<div class="probe" data-probe="${escapeHtml(p.id)}" data-ok="${p.ok}"><div><span class="${p.ok ? 's-pass' : 's-fail'}">${
    p.ok ? '✓' : '✗'
  }</span> <code>${escapeHtml(p.id)}</code> <span class="meta">${escapeHtml(`${p.vantage} · ${p.kind} · ${formatDuration(p.durationMs)} · ${p.target}`)}</span>${
    evidence.has(p.id) ? ' <span class="star">★ evidence</span>' : ''
  }</div>${commandBlock(p.command)}<p class="result">${escapeHtml(p.summary)}</p></div>`;
}

function phaseBlock(phase: PhaseResult, d: Diagnosis, evidence: Set<string>): string {
  const byId = new Map(d.probes.map((p) => [p.id, p]));
  const probes = phase.probeIds.map((id) => byId.get(id)).filter((p): p is ProbeRecord => p !== undefined);
  for (const p of d.probes) if (p.phase === phase.id && !phase.probeIds.includes(p.id)) probes.push(p);
  const [does, outcome] = explainPhase(phase);
  // Open what explains a failure; a healthy report starts folded.
  const open =
    phase.status === 'fail' || (d.verdict.status !== 'healthy' && probes.some((p) => evidence.has(p.id)));
  return `<details class="phase" id="phase-${escapeHtml(phase.id)}" data-phase="${escapeHtml(phase.id)}" data-status="${escapeHtml(
    phase.status,
  )}"${open ? ' open' : ''}><summary><span class="ptitle">Phase ${phase.number} · ${escapeHtml(phase.title)}</span> <span class="badge s-${escapeHtml(
    phase.status,
  )}">${escapeHtml(PHASE_WORD[phase.status])}</span> <span class="meta">${escapeHtml(formatDuration(phase.durationMs))} · ${
    probes.length
  } probe${probes.length === 1 ? '' : 's'}</span><span class="psum">${escapeHtml(phase.summary)}</span></summary><div class="body">${
    phase.skippedReason ? `<p class="s-warn">Not run: ${escapeHtml(phase.skippedReason)}</p>` : ''
  }<p class="explain"><strong>What it does:</strong> ${escapeHtml(does)}</p><p class="explain"><strong>What this result means:</strong> ${escapeHtml(
    outcome,
  )}</p>${probes.map((p) => probeBlock(p, evidence)).join('')}</div></details>`;
}

function phasesSection(d: Diagnosis): string {
  const evidence = new Set(d.verdict.evidence);
  const phases = [...d.phases].sort((a, b) => a.number - b.number);
  const ids = new Set(phases.map((p) => p.id));
  const orphans = d.probes.filter((p) => !ids.has(p.phase));
  return `<section id="phases"><h2>Evidence, phase by phase</h2><p class="explain">${escapeHtml(METHOD)}</p>${phases
    .map((p) => phaseBlock(p, d, evidence))
    .join('\n')}${
    orphans.length
      ? `<details class="phase" data-phase="other"><summary><span class="ptitle">Other probes</span></summary><div class="body">${orphans
          .map((p) => probeBlock(p, evidence))
          .join('')}</div></details>`
      : ''
  }</section>`;
}

function findingsSection(d: Diagnosis): string {
  if (d.findings.length === 0) return '';
  const rows = d.findings
    .map(
      (f) =>
        `<tr data-severity="${escapeHtml(f.severity)}" data-hop="${f.hop}"><td><span class="badge s-${
          f.severity === 'error' ? 'fail' : f.severity === 'warning' ? 'warn' : 'muted'
        }">${escapeHtml(f.severity)}</span></td><td class="num">${f.hop}</td><td><code>${escapeHtml(f.cause)}</code></td><td>${escapeHtml(
          refText(f.object),
        )}</td><td>${escapeHtml(f.message)}${f.why ? `<br><span class="explain">${escapeHtml(f.why)}</span>` : ''}</td><td>${escapeHtml(f.fix)}</td></tr>`,
    )
    .join('');
  return `<section id="findings"><h2>Static findings on this route</h2><table><thead><tr><th>Severity</th><th class="num">Hop</th><th>Cause</th><th>Object</th><th>Problem</th><th>Fix</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
