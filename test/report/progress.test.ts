import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProgress, progressMode } from '../../src/report/progress.js';

function fakeStream(isTTY: boolean) {
  let text = '';
  return {
    isTTY,
    columns: 80,
    write: (chunk: string) => {
      text += chunk;
    },
    text: () => text,
  };
}

const phase1 = { id: 'cluster', number: 1, title: 'Inside the cluster' } as const;
const phase3 = { id: 'nodeport', number: 3, title: 'The NodePort' } as const;

describe('progressMode', () => {
  it('spinner on a TTY, nothing on a pipe, step lines on a pipe with --progress', () => {
    assert.equal(progressMode({}, { isTTY: true, write() {} }), 'spinner');
    assert.equal(progressMode({}, { isTTY: false, write() {} }), 'off');
    assert.equal(progressMode({}, { isTTY: false, write() {} }, { progress: true }), 'lines');
    assert.equal(progressMode({}, { isTTY: true, write() {} }, { noProgress: true }), 'off');
    assert.equal(progressMode({ TERM: 'dumb' }, { isTTY: true, write() {} }), 'off');
    assert.equal(progressMode({ CI: 'true' }, { isTTY: true, write() {} }, { progress: true }), 'lines');
  });
});

describe('createProgress', () => {
  it('off writes nothing at all', () => {
    const s = fakeStream(false);
    const p = createProgress(s, 'off', { color: true });
    p.phaseStarted(phase1);
    p.note('creating probe pods');
    p.phaseFinished({ ...phase1, status: 'pass', durationMs: 10 });
    p.close();
    assert.equal(s.text(), '');
  });

  it('lines: one plain line per event, no escape codes', () => {
    const s = fakeStream(false);
    const p = createProgress(s, 'lines', { color: true });
    p.phaseStarted(phase1);
    p.phaseFinished({ ...phase1, status: 'fail', durationMs: 2004 });
    p.close();
    assert.equal(
      s.text(),
      'phase 1 Inside the cluster: started\n✗ phase 1 Inside the cluster: fail (2.0 s)\n',
    );
  });

  it('spinner: animates the phases in flight, prints finished ones for good, clears its line on close', async () => {
    const s = fakeStream(true);
    let t = 0;
    const p = createProgress(s, 'spinner', { color: false, intervalMs: 5, now: () => t });
    p.phaseStarted(phase1);
    p.phaseStarted(phase3);
    t = 1500;
    // Wait (bounded) for the timer to redraw: a loaded machine may delay a 5 ms interval a lot.
    const frames = () => new Set(s.text().match(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g));
    for (let i = 0; i < 200 && frames().size < 3; i++) await sleep(10);
    assert.match(s.text(), /phase 1 inside the cluster, phase 3 the nodeport … 1\.5 s/);
    assert.ok(frames().size >= 3, 'the spinner turns');
    p.phaseFinished({ ...phase1, status: 'pass', durationMs: 120 });
    assert.ok(s.text().includes('\r\x1b[2K✓ phase 1 Inside the cluster: pass (120 ms)\n'));
    p.phaseFinished({ ...phase3, status: 'pass', durationMs: 30 });
    const afterAll = s.text().length;
    await sleep(25);
    assert.equal(s.text().length, afterAll, 'no drawing once nothing runs');
    p.close();
    p.close();
    assert.ok(!s.text().includes('undefined'));
  });

  it('spinner: with many phases in flight, numbers them instead of overflowing the line', () => {
    const s = fakeStream(true);
    const p = createProgress(s, 'spinner', { color: false, intervalMs: 1000, now: () => 0 });
    const titles = [
      'Inside the cluster',
      'The Service glue',
      'The NodePort',
      'The load balancer',
      'The internet',
    ];
    const ids = ['cluster', 'service', 'nodeport', 'loadbalancer', 'internet'] as const;
    ids.forEach((id, i) => {
      p.phaseStarted({ id, number: i + 1, title: titles[i]! });
    });
    p.close();
    assert.match(s.text(), /phases 1, 2, 3, 4, 5 running … 0 ms/);
    for (const line of s.text().split('\r')) assert.ok([...line].length <= 80 + 4, line);
  });

  it('spinner: close() stops the timer even with phases still running', async () => {
    const s = fakeStream(true);
    const p = createProgress(s, 'spinner', { color: false, intervalMs: 5 });
    p.phaseStarted(phase1);
    p.close();
    assert.ok(s.text().endsWith('\r\x1b[2K'), 'the spinner line is cleared');
    const len = s.text().length;
    await sleep(25);
    assert.equal(s.text().length, len);
    p.phaseFinished({ ...phase1, status: 'pass', durationMs: 1 });
    assert.equal(s.text().length, len, 'events after close are ignored');
  });
});
