import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { renderAuditHtml } from '../../src/report/audit-html.js';
import type { AuditReport } from '../../src/report/audit-model.js';
import { renderDiagnosisHtml } from '../../src/report/diagnose-html.js';
import { renderDiagnosisText } from '../../src/report/diagnose-text.js';
import { FIXTURE_DIR, loadDiagnosis } from './golden.js';

/**
 * The HTML reports in headless Chromium (Debian's, driven by playwright-core): they render, the diagram marks
 * the failing hop, the filters and copy buttons work, no console errors, and NOT ONE request leaves the page.
 * With SCREENSHOTS=1 it also (re)writes docs/screenshots/*.png.
 */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../../docs/screenshots');

function loadAudit(): AuditReport {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, 'audit.json'), 'utf8')) as AuditReport;
}

describe('HTML reports in headless Chromium', () => {
  let context: BrowserContext;
  let dir: string;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is needed: run scripts/setup.sh (Debian package chromium)`);
    dir = mkdtempSync(path.join(tmpdir(), 'idr-browser-'));
    const profile = path.join(dir, 'profile');
    mkdirSync(profile);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Open an HTML string from a file:// URL; every request that is not the page itself or data: is refused and recorded. */
  async function open(name: string, html: string) {
    const file = path.join(dir, `${name}.html`);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const page = await context.newPage();
    const external: string[] = [];
    const problems: string[] = [];
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u === url || u.startsWith('data:')) return route.continue();
      external.push(u);
      return route.abort();
    });
    page.on('request', (r) => {
      const u = r.url();
      if (u !== url && !u.startsWith('data:')) external.push(u);
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, external, problems };
  }

  async function close(page: Page, external: string[], problems: string[]) {
    await page.close();
    assert.deepEqual(external, [], 'no request may leave the page');
    assert.deepEqual(problems, [], 'no console errors, page errors or dialogs');
  }

  it('mtu-blackhole: the diagram marks hop 5 as the failing hop, evidence folds open, commands copy', async () => {
    const d = loadDiagnosis('mtu-blackhole');
    const { page, external, problems } = await open('mtu-blackhole', renderDiagnosisHtml(d));
    assert.equal(
      await page.title(),
      'ingress-doctor: broken at hop 5 (mtu-blackhole) — http://app.example.test/large',
    );
    const svg = page.locator('svg#path-diagram');
    assert.ok(await svg.isVisible());
    const box = await svg.boundingBox();
    assert.ok(
      box && box.width > 600 && box.height > 100,
      `the diagram has a real size: ${JSON.stringify(box)}`,
    );
    for (const hop of [1, 2, 3, 4]) {
      assert.equal(await page.getAttribute(`#hop-${hop}`, 'data-status'), 'pass');
    }
    const failing = page.locator('svg#path-diagram [data-failing="true"]');
    assert.equal(await failing.count(), 1);
    assert.equal(await failing.getAttribute('data-hop'), '5');
    assert.equal(await failing.getAttribute('data-status'), 'fail');
    // Drawn red: the computed stroke of the failing hop's line differs from a passing one.
    const stroke = (sel: string) =>
      page.evaluate(
        `getComputedStyle(document.querySelector(${JSON.stringify(sel)})).stroke`,
      ) as Promise<string>;
    assert.notEqual(await stroke('#hop-5 line'), await stroke('#hop-1 line'));
    assert.ok(await page.locator('#hop-5 .breaks').isVisible());
    assert.ok(await page.locator('#controller').isVisible());
    assert.equal(await page.getAttribute('#verdict', 'data-cause'), 'mtu-blackhole');
    assert.equal(await page.locator('#hops tr.failing').getAttribute('data-hop'), '5');

    // The failing phases are open, the passing ones folded; a click unfolds one.
    assert.equal(
      await page.$eval('#phase-internet', (el) => (el as unknown as { open: boolean }).open),
      true,
    );
    assert.equal(
      await page.$eval('#phase-service', (el) => (el as unknown as { open: boolean }).open),
      false,
    );
    assert.equal(await page.locator('#phase-service [data-probe="p2-selector"]').isVisible(), false);
    await page.click('#phase-service > summary');
    assert.ok(await page.locator('#phase-service [data-probe="p2-selector"]').isVisible());

    // Copy: the button copies the exact command (clipboard API or the textarea fallback) and says so.
    await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
    const button = page.locator('#confirm button.copy').first();
    assert.equal(await button.getAttribute('data-copy'), d.verdict.confirm[0]);
    await button.click();
    // A locator wait polls from Playwright's own script world: waitForFunction would eval in the page, which
    // the report's Content-Security-Policy (no unsafe-eval) refuses whenever the first check comes too early.
    await page.locator('#confirm button.copy', { hasText: /^Copied$/ }).waitFor({ timeout: 5000 });
    assert.equal(await button.textContent(), 'Copied');
    await close(page, external, problems);
  });

  it('healthy: every hop passes, nothing is marked failing, the phases start folded', async () => {
    const { page, external, problems } = await open('healthy', renderDiagnosisHtml(loadDiagnosis('healthy')));
    for (const hop of [1, 2, 3, 4, 5])
      assert.equal(await page.getAttribute(`#hop-${hop}`, 'data-status'), 'pass');
    assert.equal(await page.locator('[data-failing]').count(), 0);
    assert.equal(await page.locator('details.phase[open]').count(), 0);
    assert.equal(await page.getAttribute('#verdict', 'data-status'), 'healthy');
    await close(page, external, problems);
  });

  it('combined: the first failing hop is marked, the other failing hop is drawn failed, hop 5 not tested', async () => {
    const { page, external, problems } = await open(
      'combined',
      renderDiagnosisHtml(loadDiagnosis('combined')),
    );
    assert.equal(await page.locator('[data-failing="true"]').getAttribute('data-hop'), '1');
    assert.equal(await page.getAttribute('#hop-4', 'data-status'), 'fail');
    assert.equal(await page.getAttribute('#hop-5', 'data-status'), 'not-tested');
    assert.equal(await page.locator('#also li[data-cause="no-endpoints"]').count(), 1);
    await close(page, external, problems);
  });

  it('hostile cluster data stays text: no script runs, no element is injected', async () => {
    const d = loadDiagnosis('mtu-blackhole');
    const evil = `<script>alert(1)</script><img src=x onerror=alert(2)><a href="http://evil.test">x</a>`;
    d.verdict.summary = evil;
    d.probes[0]!.summary = evil;
    d.probes[0]!.command = `curl '${evil}'`;
    d.hops[0]!.note = evil;
    const { page, external, problems } = await open('hostile', renderDiagnosisHtml(d));
    assert.equal(await page.locator('script').count(), 1);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('a[href^="http"]').count(), 0);
    assert.ok((await page.locator('#verdict .summary').textContent())?.includes('<script>alert(1)</script>'));
    await close(page, external, problems);
  });

  it('audit: the table filters by severity, hop, route and text; the hop diagram filters on click', async () => {
    const report = loadAudit();
    const { page, external, problems } = await open('audit', renderAuditHtml(report));
    const rows = page.locator('#findings-table tbody tr[data-severity]');
    const visible = async () =>
      page.$$eval('#findings-table tbody tr[data-severity]', (trs) =>
        trs
          .filter((tr) => !(tr as unknown as { hidden: boolean }).hidden)
          .map((tr) => ({
            severity: tr.getAttribute('data-severity'),
            hop: tr.getAttribute('data-hop'),
            route: tr.getAttribute('data-route'),
          })),
      );
    const total = report.findings.length;
    assert.equal(await rows.count(), total);
    assert.equal((await visible()).length, total);
    assert.equal(await page.textContent('#shown'), `${total} of ${total} findings shown`);

    await page.selectOption('#f-severity', 'error');
    let shown = await visible();
    assert.equal(shown.length, report.findings.filter((f) => f.severity === 'error').length);
    assert.ok(shown.length > 0 && shown.length < total, 'some rows hidden, some shown');
    assert.ok(shown.every((r) => r.severity === 'error'));
    assert.equal(
      await page.locator('#findings-table tbody tr[data-severity="warning"]').first().isVisible(),
      false,
    );

    await page.selectOption('#f-severity', '');
    await page.selectOption('#f-hop', '5');
    shown = await visible();
    assert.equal(shown.length, report.findings.filter((f) => f.hop === 5).length);
    assert.ok(shown.every((r) => r.hop === '5'));

    await page.selectOption('#f-route', 'shop.example.com/');
    shown = await visible();
    assert.equal(
      shown.length,
      report.findings.filter((f) => f.hop === 5 && f.route === 'shop.example.com/').length,
    );
    assert.ok(shown.every((r) => r.hop === '5' && r.route === 'shop.example.com/'));

    await page.click('#f-reset');
    assert.equal((await visible()).length, total);
    await page.fill('#f-text', 'PodDisruptionBudget');
    shown = await visible();
    assert.equal(shown.length, 1);

    // Nothing matches: the table says so instead of going blank.
    await page.click('#f-reset');
    await page.selectOption('#f-severity', 'info');
    await page.selectOption('#f-hop', '4');
    assert.equal((await visible()).length, 0);
    assert.ok(await page.locator('#no-match').isVisible());
    assert.equal(await page.textContent('#shown'), `0 of ${total} findings shown`);

    // The hop diagram: hop 4 is red (it holds errors) and a click on it filters to hop 4.
    await page.click('#f-reset');
    assert.equal(await page.getAttribute('#hop-4', 'data-status'), 'fail');
    assert.equal(
      await page.getAttribute('#hop-4', 'data-count'),
      String(report.findings.filter((f) => f.hop === 4).length),
    );
    await page.click('#hop-4');
    assert.equal(await page.inputValue('#f-hop'), '4');
    assert.ok((await visible()).every((r) => r.hop === '4'));
    await close(page, external, problems);
  });

  // Always renders the screenshots (so a page that stops rendering fails here); SCREENSHOTS=1 writes them
  // into docs/screenshots, otherwise into a temporary directory.
  it('renders the screenshots shown in the docs', async () => {
    {
      const shotDir =
        process.env.SCREENSHOTS === '1' ? SCREENSHOT_DIR : mkdtempSync(path.join(tmpdir(), 'idoc-shots-'));
      mkdirSync(shotDir, { recursive: true });
      const shots: [string, string, number][] = [
        ['diagnose-healthy', renderDiagnosisHtml(loadDiagnosis('healthy')), 760],
        ['diagnose-mtu-blackhole', renderDiagnosisHtml(loadDiagnosis('mtu-blackhole')), 900],
        ['audit', renderAuditHtml(loadAudit()), 1000],
        ['terminal-healthy', terminalPage(loadDiagnosis('healthy')), 0],
        ['terminal-mtu-blackhole', terminalPage(loadDiagnosis('mtu-blackhole')), 0],
      ];
      for (const [name, html, height] of shots) {
        const { page, external, problems } = await open(`shot-${name}`, html);
        await page.emulateMedia({ colorScheme: name.startsWith('terminal') ? 'dark' : 'light' });
        const target = path.join(shotDir, `${name}.png`);
        if (height > 0) {
          await page.setViewportSize({ width: 1200, height });
          await page.screenshot({ path: target });
        } else {
          await page.locator('pre.term').screenshot({ path: target });
        }
        assert.ok(readFileSync(target).length > 10_000, `${target} written`);
        await close(page, external, problems);
      }
      if (shotDir !== SCREENSHOT_DIR) rmSync(shotDir, { recursive: true, force: true });
    }
  });
});

/**
 * The coloured terminal output (80 columns, the part down to the confirm commands) as a page, for a README
 * screenshot: ANSI SGR codes become spans. Test-only: the product never renders ANSI to HTML.
 */
function terminalPage(d: ReturnType<typeof loadDiagnosis>): string {
  const text = renderDiagnosisText(d, { color: true, width: 80, explain: false });
  const cut = text.indexOf('\x1b[1mEVIDENCE');
  const shown = `$ ingress-doctor diagnose ${d.target.input}\n${cut > 0 ? text.slice(0, cut).trimEnd() : text}\n…`;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const styles: Record<string, string> = {
    '1': 'font-weight:700',
    '2': 'opacity:.62',
    '31': 'color:#ff6b6b',
    '32': 'color:#5fd37a',
    '33': 'color:#e5c07b',
    '36': 'color:#56b6c2',
  };
  let open = 0;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: turning ANSI escape codes into spans is the point
  const html = esc(shown).replace(/\x1b\[([0-9;]*)m/g, (_m, codes: string) => {
    const parts = codes.split(';');
    if (parts.every((c) => c === '22' || c === '39' || c === '0')) {
      const closeAll = '</span>'.repeat(open);
      open = 0;
      return closeAll;
    }
    const css = parts.map((c) => styles[c]).filter(Boolean);
    open++;
    return `<span style="${css.join(';')}">`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><style>
body{margin:0;background:#1e1e1e}
pre.term{display:inline-block;margin:0;padding:18px 22px;background:#1e1e1e;color:#d4d4d4;font:14px/1.25 "DejaVu Sans Mono","Liberation Mono",monospace;white-space:pre}
</style></head><body><pre class="term">${html}</pre></body></html>`;
}
