import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

const broken = path.resolve(import.meta.dirname, '../../../test/fixtures/audit/broken.yaml');
const dir = mkdtempSync(path.join(tmpdir(), 'idoc-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('audit --report FILE', () => {
  it('writes a self-contained HTML report beside the text on stdout', async () => {
    const file = path.join(dir, 'audit.html');
    const io = captureIO();
    assert.equal(await main(['audit', '-f', broken, '--report', file], io), 1);
    assert.match(io.out(), /service-not-found/);
    const html = readFileSync(file, 'utf8');
    assert.match(html, /^<!doctype html>/i);
    assert.match(html, /service-not-found/);
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=["']https?:/i);
  });

  it('takes the format from the extension (.sarif)', async () => {
    const file = path.join(dir, 'audit.sarif');
    assert.equal(await main(['audit', '-f', broken, '-o', 'json', '--report', file], captureIO()), 1);
    const sarif = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(sarif.version, '2.1.0');
  });

  it('refuses an extension it cannot render before doing any work (exit 2)', async () => {
    const file = path.join(dir, 'audit.pdf');
    const io = captureIO();
    assert.equal(await main(['audit', '-f', broken, '--report', file], io), 2);
    assert.match(io.err(), /--report .*audit\.pdf: cannot tell the format.*\.html/);
    assert.equal(existsSync(file), false);
  });
});
