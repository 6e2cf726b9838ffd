import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderDiagnosisMarkdown } from '../../src/report/diagnose-markdown.js';
import { renderDiagnosisText } from '../../src/report/diagnose-text.js';
import { stripAnsi, visibleWidth } from '../../src/report/terminal.js';
import { assertGolden, loadDiagnosis, SCENARIOS } from './golden.js';

describe('diagnose text and markdown on the lab scenarios (golden files)', () => {
  for (const name of SCENARIOS) {
    describe(name, () => {
      const d = loadDiagnosis(name);
      const plain = renderDiagnosisText(d, { color: false, width: 80, explain: false });
      const colored = renderDiagnosisText(d, { color: true, width: 80, explain: false });
      const explained = renderDiagnosisText(d, { color: false, width: 80, explain: true });

      it('text without colour matches its golden file', () => assertGolden(`${name}.txt`, plain));
      it('text with colour matches its golden file', () => assertGolden(`${name}.color.txt`, colored));
      it('text with --explain matches its golden file', () => assertGolden(`${name}.explain.txt`, explained));
      it('markdown matches its golden file', () => assertGolden(`${name}.md`, renderDiagnosisMarkdown(d)));

      it('fits 80 columns and has no escape codes without colour', () => {
        for (const text of [plain, explained]) {
          assert.ok(!text.includes('\x1b'), 'no ANSI escape codes without colour');
          for (const line of text.split('\n')) {
            assert.ok(visibleWidth(line) <= 80, `line wider than 80 columns: ${JSON.stringify(line)}`);
          }
        }
      });

      it('colour only adds escape codes: stripped, it is the plain text', () => {
        assert.ok(colored.includes('\x1b['), 'colour output has escape codes');
        assert.equal(stripAnsi(colored), plain);
      });

      it('draws every hop with its status, and marks the failing hop only', () => {
        for (const h of d.hops) {
          const word = h.status === 'pass' ? '✓ pass' : h.status === 'fail' ? '✗ FAIL' : '· not tested';
          const line = plain.split('\n').find((l) => l.includes(` ${h.hop} ${h.name} `));
          assert.ok(line, `hop ${h.hop} is drawn`);
          assert.ok(line.includes(word), `hop ${h.hop} shows "${word}": ${line}`);
          assert.equal(
            line.includes('◀ breaks here'),
            d.verdict.status === 'broken' && d.verdict.hop === h.hop,
          );
        }
        assert.equal((plain.match(/◀ breaks here/g) ?? []).length, d.verdict.status === 'broken' ? 1 : 0);
      });

      it('prints the verdict, the fix, every confirm command and every probe command', () => {
        assert.ok(plain.includes('VERDICT'));
        if (d.verdict.fix) assert.ok(plain.includes('FIX'));
        const unwrapped = plain.replace(/ \\\n\s+/g, ' ');
        for (const c of d.verdict.confirm) assert.ok(unwrapped.includes(`$ ${c}`), `confirm command: ${c}`);
        for (const p of d.probes)
          assert.ok(unwrapped.includes(`$ ${p.command}`), `probe command: ${p.command}`);
        for (const a of d.verdict.also) assert.ok(plain.includes(`hop ${a.hop} · ${a.cause}`));
        assert.equal(plain.includes('UNPROVEN'), d.verdict.unproven.length > 0);
      });
    });
  }

  it('the ingress controller is drawn between the NodePort and the Service', () => {
    const lines = renderDiagnosisText(loadDiagnosis('healthy'), {
      color: false,
      width: 80,
      explain: false,
    }).split('\n');
    const at = (needle: string) => lines.findIndex((l) => l.includes(needle));
    const controller = at('◆ ingress controller');
    assert.ok(controller > at('● NodePort') && controller > at('3 NodePort → kube-proxy'));
    assert.ok(controller < at('4 kube-proxy → Service') && controller < at('● Service'));
    assert.ok(lines[controller]!.includes('ingress-nginx/ingress-nginx-controller'));
  });

  it('--explain adds what each phase proves, in the seed spirit', () => {
    const d = loadDiagnosis('healthy');
    const plain = renderDiagnosisText(d, { color: false, width: 80, explain: false });
    const explained = renderDiagnosisText(d, { color: false, width: 80, explain: true });
    assert.ok(!plain.includes('what it means'));
    assert.equal((explained.match(/what it means:/g) ?? []).length, d.phases.length);
    assert.match(explained.replace(/\n\s+/g, ' '), /same thing a working port-forward tells you: hop 5/);
    assert.match(explained.replace(/\n\s+/g, ' '), /the problem is in hops 1–4/);
  });

  it('ends with a one-line recap of the answer', () => {
    const last = (name: string) =>
      renderDiagnosisText(loadDiagnosis(name), { color: false, width: 80, explain: false })
        .trimEnd()
        .split('\n')
        .at(-1);
    assert.equal(last('mtu-blackhole'), '→ broken at hop 5 (Service → Pod): mtu-blackhole');
    assert.equal(last('healthy'), '→ healthy');
    assert.equal(
      last('combined'),
      '→ broken at hop 1 (client → load balancer): dns-mismatch (+1 more further along)',
    );
  });

  it('wraps to a narrower terminal without overflowing', () => {
    for (const name of SCENARIOS) {
      const text = renderDiagnosisText(loadDiagnosis(name), { color: true, width: 60, explain: true });
      for (const line of text.split('\n'))
        assert.ok(visibleWidth(line) <= 60, `> 60 columns: ${JSON.stringify(line)}`);
    }
  });
});
