import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/index.js';
import { main } from '../../src/cli/main.js';
import { list, startFakeApi, status } from '../cluster/fake-api.js';
import { captureIO } from '../helpers/io.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/audit');
const fx = (name: string) => path.join(FIXTURES, name);

async function audit(args: string[], stdin = '', env: NodeJS.ProcessEnv = {}) {
  const io = captureIO(stdin, env);
  const code = await main(['audit', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

interface JsonFinding {
  check: string;
  cause: string;
  hop: number;
  severity: string;
  object: { kind: string; namespace?: string; name: string; file?: string; line?: number };
  route?: string;
  message: string;
  fix: string;
}

describe('audit on files', () => {
  it('finds a backend naming a missing Service, exits 1, and says where it is (file:line)', async () => {
    const r = await audit(['-f', fx('broken.yaml'), '-o', 'json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.out);
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.source.kind, 'files');
    assert.deepEqual(report.source.files, [fx('broken.yaml')]);
    assert.equal(report.counts.routes, 2);
    const missing = (report.findings as JsonFinding[]).find((f) => f.cause === 'service-not-found');
    assert.ok(missing, 'service-not-found finding');
    assert.equal(missing.severity, 'error');
    assert.equal(missing.hop, 4);
    assert.equal(missing.route, 'shop.example.com/api');
    assert.deepEqual(missing.object, {
      kind: 'Ingress',
      namespace: 'shop',
      name: 'web',
      file: fx('broken.yaml'),
      line: 2,
    });
    for (const f of report.findings as JsonFinding[]) {
      for (const key of ['check', 'cause', 'hop', 'severity', 'object', 'message', 'fix']) {
        assert.ok(key in f, `finding lacks ${key}`);
      }
    }
    assert.equal(report.checks.length, CHECKS.length);
  });

  it('--fail-on decides the exit code', async () => {
    assert.equal((await audit(['-f', fx('broken.yaml'), '-o', 'json', '--fail-on', 'never'])).code, 0);
    assert.equal((await audit(['-f', fx('broken.yaml'), '-o', 'json', '--fail-on', 'info'])).code, 1);
    const bad = await audit(['-f', fx('broken.yaml'), '--fail-on', 'sometimes']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown --fail-on "sometimes"/);
  });

  it('exits 0 when nothing is found, counting the kinds it ignored', async () => {
    const r = await audit(['-f', fx('only-unknown.yaml')]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /No problems found/);
    assert.match(r.out, /Ignored kinds audit does not read: Secret ×1/);
    assert.match(r.out, /0 errors, 0 warnings, 0 info \(fail-on error\)/);
  });

  it('groups the text report by route and hop, with object, cause, why and fix', async () => {
    const r = await audit(['-f', fx('broken.yaml'), '--no-color']);
    assert.equal(r.code, 1);
    const lines = r.out.split('\n');
    const route = lines.indexOf('shop.example.com/api');
    assert.ok(route > 0, r.out);
    assert.equal(lines[route + 1], '  hop 4: kube-proxy → Service');
    assert.match(lines[route + 2], /^ {4}✗ error {2}service-not-found {2}\[/);
    assert.match(
      r.out,
      new RegExp(`Ingress shop/web \\(${fx('broken.yaml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2\\)`),
    );
    assert.match(r.out, /fix: /);
    assert.doesNotMatch(r.out, new RegExp(String.fromCharCode(27)), 'no colour codes with --no-color');
    assert.match(
      lines.filter((l) => l !== '').at(-1) ?? '',
      /^\d+ errors?, \d+ warnings?, \d+ info \(fail-on error\)$/,
    );
  });

  it('writes SARIF 2.1.0: one rule per check, results with physical locations', async () => {
    const r = await audit(['-f', fx('broken.yaml'), '-o', 'sarif']);
    assert.equal(r.code, 1);
    const sarif = JSON.parse(r.out);
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    const run = sarif.runs[0];
    const rules = run.tool.driver.rules as {
      id: string;
      shortDescription: { text: string };
      help: { text: string };
    }[];
    assert.deepEqual(
      rules.map((x) => x.id),
      CHECKS.map((c) => c.meta.id),
    );
    for (const rule of rules) {
      assert.ok(rule.shortDescription.text.length > 0);
      assert.ok(rule.help.text.length > 0);
    }
    assert.ok(run.results.length > 0);
    for (const res of run.results) {
      assert.equal(rules[res.ruleIndex].id, res.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(res.level));
      assert.ok(res.message.text.length > 0);
    }
    const missing = run.results.find(
      (x: { properties: { cause: string } }) => x.properties.cause === 'service-not-found',
    );
    const loc = missing.locations[0].physicalLocation;
    assert.equal(loc.region.startLine, 2);
    // Files under the working directory are relative to SRCROOT (what code-scanning UIs expect).
    const rel = path.relative(process.cwd(), fx('broken.yaml'));
    if (rel.startsWith('..')) {
      assert.equal(loc.artifactLocation.uri, `file://${fx('broken.yaml')}`);
    } else {
      assert.equal(loc.artifactLocation.uri, rel.split(path.sep).join('/'));
      assert.equal(loc.artifactLocation.uriBaseId, 'SRCROOT');
      assert.equal(run.originalUriBaseIds.SRCROOT.uri, `file://${process.cwd()}/`);
    }
    assert.equal(missing.locations[0].logicalLocations[0].fullyQualifiedName, 'Ingress/shop/web');
  });

  it('-o markdown and -o html go to the report renderers', async () => {
    const md = await audit(['-f', fx('broken.yaml'), '-o', 'markdown']);
    assert.equal(md.code, 1);
    assert.match(md.out, /service-not-found/);
    const html = await audit(['-f', fx('broken.yaml'), '-o', 'html']);
    assert.equal(html.code, 1);
    assert.match(html.out, /^<!doctype html>/i);
    assert.match(html.out, /service-not-found/);
  });

  it('reads stdin with -f -', async () => {
    const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n`;
    const r = await audit(['-f', '-', '-o', 'json'], text);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).unknownKinds, { Secret: 1 });
  });
});

describe('audit: bad input and usage', () => {
  it('objects with wrong shapes (strings for lists, nulls) never crash the audit', async () => {
    const r = await audit(['-f', fx('weird.yaml'), '-o', 'json']);
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.err}`);
    const report = JSON.parse(r.out);
    // A check that cannot cope is reported by id, never silently dropped.
    assert.deepEqual(
      report.checks.map((c: { id: string }) => c.id),
      CHECKS.map((c) => c.meta.id),
    );
    assert.equal(report.counts.objects.Ingress, 2);
  });

  it('malformed YAML: file, line and parser message on stderr, exit 2, no report', async () => {
    const r = await audit(['-f', fx('malformed.yaml'), '-f', fx('broken.yaml')]);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    // The parser places this error where the flow sequence should have ended: the line after [oops.
    assert.match(r.err, /malformed\.yaml:5: invalid YAML: Flow sequence/);
    assert.match(r.err, /--keep-going/);
  });

  it('--keep-going audits the rest, lists the unreadable input in the report, and still exits 2', async () => {
    const r = await audit([
      '-f',
      fx('malformed.yaml'),
      '-f',
      fx('broken.yaml'),
      '--keep-going',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 2);
    const report = JSON.parse(r.out);
    assert.ok((report.findings as JsonFinding[]).some((f) => f.cause === 'service-not-found'));
    assert.deepEqual(
      report.warnings.map((w: { code: string; line?: number }) => [w.code, w.line]),
      [['parse-error', 5]],
    );
    assert.match(r.err, /malformed\.yaml:5/);
  });

  it('a missing file is an input error', async () => {
    const r = await audit(['-f', fx('does-not-exist.yaml')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /does-not-exist\.yaml: no such file or directory/);
  });

  it('rejects contradictory or unknown flags with exit 2', async () => {
    for (const args of [
      ['-n', 'a', '-A'],
      ['-o', 'yaml', '-f', fx('broken.yaml')],
      ['--bogus'],
      ['k8s/'],
      ['-f', fx('broken.yaml'), '--context', 'prod'],
    ]) {
      const r = await audit(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, /^ingress-doctor audit: /, args.join(' '));
    }
  });

  it('--help prints usage and exits 0', async () => {
    const r = await audit(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^Usage: ingress-doctor audit /);
    assert.match(r.out, /--fail-on/);
  });
});

describe('audit on a live cluster', () => {
  it('reads through the kubeconfig, reports a 403 as a skipped read, and finds the missing Service', async (t) => {
    const api = await startFakeApi({
      '/api/v1/namespaces/shop': { status: 200, body: { metadata: { name: 'shop' } } },
      '/apis/networking.k8s.io/v1/namespaces/shop/ingresses': list('IngressList', [
        {
          metadata: { name: 'web', namespace: 'shop' },
          spec: {
            rules: [
              {
                host: 'shop.example.com',
                http: {
                  paths: [
                    {
                      path: '/',
                      pathType: 'Prefix',
                      backend: { service: { name: 'gone', port: { number: 80 } } },
                    },
                  ],
                },
              },
            ],
          },
        },
      ]),
      '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies': status(403, 'Forbidden', 'no'),
    });
    t.after(() => api.close());
    const r = await audit(['--kubeconfig', api.kubeconfig, '-o', 'json']);
    assert.equal(r.code, 1, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.source.kind, 'live');
    assert.equal(report.source.context, 'fake');
    assert.equal(report.source.namespace, 'shop');
    assert.ok(report.source.requests > 0);
    const f = (report.findings as JsonFinding[]).find((x) => x.cause === 'service-not-found');
    assert.deepEqual(f?.object, { kind: 'Ingress', namespace: 'shop', name: 'web' });
    assert.deepEqual(
      report.warnings.map(
        (w: { permission?: { verb: string; resource: string; namespace?: string } }) => w.permission,
      ),
      [{ verb: 'list', resource: 'networkpolicies.networking.k8s.io', namespace: 'shop' }],
    );
    assert.match(
      r.err,
      /warning: forbidden: cannot list networkpolicies\.networking\.k8s\.io in namespace "shop"/,
    );
    const sarif = JSON.parse((await audit(['--kubeconfig', api.kubeconfig, '-o', 'sarif'])).out);
    const res = sarif.runs[0].results.find(
      (x: { properties: { cause: string } }) => x.properties.cause === 'service-not-found',
    );
    assert.equal(res.locations[0].physicalLocation, undefined);
    assert.equal(res.locations[0].logicalLocations[0].fullyQualifiedName, 'Ingress/shop/web');
  });

  it('an unknown context is a usage error naming the known ones', async (t) => {
    const api = await startFakeApi({});
    t.after(() => api.close());
    const r = await audit(['--kubeconfig', api.kubeconfig, '--context', 'prod']);
    assert.equal(r.code, 2);
    assert.match(r.err, /context "prod" not found/);
    assert.match(r.err, /Known contexts: fake/);
  });
});
