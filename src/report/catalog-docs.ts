/**
 * The cause catalog as documentation, generated from CAUSES and the checks' metadata so the docs cannot drift:
 * the README table (between `<!-- catalog:start -->` and `<!-- catalog:end -->`) and docs/causes.md.
 *
 *   node dist/src/report/catalog-docs.js            print the README table
 *   node dist/src/report/catalog-docs.js --write    update README.md (between the markers) and docs/causes.md
 *   node dist/src/report/catalog-docs.js --check    exit 1 when either is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAUSES } from '../causes/catalog.js';
import { CAUSE_IDS, type Cause, type CauseId, HOP_NAMES, type Hop } from '../causes/types.js';
import { CHECKS } from '../checks/index.js';
import type { Check } from '../checks/types.js';

export const START_MARKER = '<!-- catalog:start -->';
export const END_MARKER = '<!-- catalog:end -->';
export const FIX_COMMAND = 'node dist/src/report/catalog-docs.js --write';

/** Causes in hop order, catalog order within a hop. */
function causesByHop(): Cause[] {
  return [...CAUSE_IDS].map((id) => CAUSES[id]).sort((a, b) => a.hop - b.hop);
}

function checksFor(id: CauseId, checks: readonly Check[]): Check[] {
  return checks.filter((c) => c.meta.causes.includes(id));
}

/** Markdown table cells must not contain raw pipes or newlines. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function detectedBy(cause: Cause, checks: readonly Check[]): string {
  const parts = checksFor(cause.id, checks).map((c) => `\`${c.meta.id}\``);
  if (cause.live) parts.push(`live: ${cause.live}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}

export function renderCatalogTable(checks: readonly Check[] = CHECKS): string {
  const lines = [
    '| Cause | Hop | Title | Detected by | Checklist |',
    '|---|---|---|---|---|',
    ...causesByHop().map(
      (c) =>
        `| [\`${c.id}\`](docs/causes.md#${c.id}) | ${c.hop} | ${cell(c.title)} | ${cell(detectedBy(c, checks))} | ${c.checklist ?? ''} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export function renderCausesDoc(checks: readonly Check[] = CHECKS): string {
  const out: string[] = [
    '# Cause catalog',
    '',
    `<!-- Generated from src/causes/catalog.ts and src/checks/*.ts. Do not edit: run \`${FIX_COMMAND}\`. -->`,
    '',
    'Every failure ingress-doctor knows is a cause with a stable id. Static checks (`audit`), live probes',
    '(`diagnose`), reports and lab faults all speak in these ids. Placeholders like `<namespace>` in the',
    'commands are filled in by reports when known.',
    '',
  ];
  for (const hop of [1, 2, 3, 4, 5] as Hop[]) {
    const causes = causesByHop().filter((c) => c.hop === hop);
    if (causes.length === 0) continue;
    out.push(`## Hop ${hop}: ${HOP_NAMES[hop]}`, '');
    for (const c of causes) {
      out.push(`### ${c.id}`, '', `**${c.title}**`, '');
      const meta = [`hop ${c.hop}`];
      if (c.checklist !== undefined) meta.push(`hardening checklist item ${c.checklist}`);
      const byChecks = checksFor(c.id, checks).map((k) => `\`${k.meta.id}\``);
      if (byChecks.length > 0) meta.push(`static checks: ${byChecks.join(', ')}`);
      if (c.live) meta.push(`live: ${c.live}`);
      out.push(`${meta.join(' · ')}`, '');
      out.push('What you see:', '', ...c.signature.map((s) => `- \`${s.replaceAll('`', "'")}\``), '');
      out.push(`Detection: ${c.detection}`, '', `Fix: ${c.fix}`, '');
      if (c.confirm.length > 0) out.push('Confirm by hand:', '', '```sh', ...c.confirm, '```', '');
      out.push('References:', '', ...c.references.map((r) => `- <${r}>`), '');
    }
  }
  out.push('## Checks', '', '| Check | Hop | Severity | Causes | Summary |', '|---|---|---|---|---|');
  for (const k of checks) {
    const causes = k.meta.causes.map((id) => `[\`${id}\`](#${id})`).join(', ');
    out.push(
      `| \`${k.meta.id}\` | ${k.meta.hop} | ${k.meta.severity} | ${causes} | ${cell(k.meta.summary)} |`,
    );
  }
  out.push('');
  for (const k of checks) out.push(`### check: ${k.meta.id}`, '', k.meta.docs, '');
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** README text with the section between the markers replaced; undefined when the markers are missing. */
export function replaceBetweenMarkers(readme: string, table: string): string | undefined {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) return undefined;
  return `${readme.slice(0, start + START_MARKER.length)}\n${table}${readme.slice(end)}`;
}

/** The text currently between the markers (undefined when missing). */
export function sectionBetweenMarkers(readme: string): string | undefined {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + START_MARKER.length, end).replace(/^\n/, '');
}

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

function main(argv: string[]): number {
  const readmePath = path.join(REPO_ROOT, 'README.md');
  const docPath = path.join(REPO_ROOT, 'docs', 'causes.md');
  const table = renderCatalogTable();
  const doc = renderCausesDoc();
  if (argv.includes('--write') || argv.includes('--check')) {
    let readme: string;
    try {
      readme = readFileSync(readmePath, 'utf8');
    } catch {
      process.stderr.write(`${readmePath}: cannot read it\n`);
      return 2;
    }
    const updated = replaceBetweenMarkers(readme, table);
    if (updated === undefined) {
      process.stderr.write(
        `${readmePath}: add the lines ${START_MARKER} and ${END_MARKER} where the table goes\n`,
      );
      return 2;
    }
    if (argv.includes('--check')) {
      let current = '';
      try {
        current = readFileSync(docPath, 'utf8');
      } catch {}
      const stale = [updated !== readme ? 'README.md' : '', current !== doc ? 'docs/causes.md' : ''].filter(
        Boolean,
      );
      if (stale.length > 0) {
        process.stderr.write(`stale: ${stale.join(', ')}; run: ${FIX_COMMAND}\n`);
        return 1;
      }
      return 0;
    }
    writeFileSync(readmePath, updated);
    writeFileSync(docPath, doc);
    process.stdout.write('updated README.md catalog table and docs/causes.md\n');
    return 0;
  }
  process.stdout.write(table);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
