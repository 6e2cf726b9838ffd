import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  colorEnabled,
  formatDuration,
  shellWords,
  stripAnsi,
  terminalWidth,
  visibleWidth,
  wrap,
  wrapCommand,
} from '../../src/report/terminal.js';

describe('colorEnabled', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  const cases: [
    string,
    NodeJS.ProcessEnv,
    { isTTY?: boolean },
    { color?: boolean; noColor?: boolean },
    boolean,
  ][] = [
    ['a TTY colours', {}, tty, {}, true],
    ['a pipe does not', {}, pipe, {}, false],
    ['a stream without isTTY does not', {}, {}, {}, false],
    ['NO_COLOR turns it off on a TTY', { NO_COLOR: '1' }, tty, {}, false],
    ['an empty NO_COLOR is ignored (no-color.org)', { NO_COLOR: '' }, tty, {}, true],
    ['--no-color turns it off', {}, tty, { noColor: true }, false],
    [
      '--no-color beats --color and FORCE_COLOR',
      { FORCE_COLOR: '1' },
      tty,
      { noColor: true, color: true },
      false,
    ],
    ['--color forces it on a pipe', {}, pipe, { color: true }, true],
    ['--color beats NO_COLOR (explicit flag wins)', { NO_COLOR: '1' }, pipe, { color: true }, true],
    ['FORCE_COLOR forces it on a pipe', { FORCE_COLOR: '1' }, pipe, {}, true],
    ['FORCE_COLOR=0 does not', { FORCE_COLOR: '0' }, pipe, {}, false],
    ['NO_COLOR beats FORCE_COLOR', { NO_COLOR: 'x', FORCE_COLOR: '1' }, tty, {}, false],
    ['TERM=dumb does not colour', { TERM: 'dumb' }, tty, {}, false],
  ];
  for (const [name, env, stream, flags, expected] of cases) {
    it(name, () => assert.equal(colorEnabled(env, stream, flags), expected));
  }
});

describe('terminalWidth', () => {
  it('uses the TTY columns, clamped to 60..120', () => {
    assert.equal(terminalWidth({ isTTY: true, columns: 100 }), 100);
    assert.equal(terminalWidth({ isTTY: true, columns: 40 }), 60);
    assert.equal(terminalWidth({ isTTY: true, columns: 300 }), 120);
  });
  it('falls back to $COLUMNS, then 80', () => {
    assert.equal(terminalWidth({ isTTY: false }, { COLUMNS: '90' }), 90);
    assert.equal(terminalWidth({ isTTY: false }, { COLUMNS: 'wide' }), 80);
    assert.equal(terminalWidth({}), 80);
  });
});

describe('wrap', () => {
  it('wraps at word boundaries with prefixes counted in the width', () => {
    const lines = wrap('the quick brown fox jumps over the lazy dog', 16, '> ', '  ');
    assert.deepEqual(lines, ['> the quick', '  brown fox', '  jumps over the', '  lazy dog']);
    for (const l of lines) assert.ok(l.length <= 16);
  });
  it('hard-breaks a word longer than the line instead of overflowing', () => {
    const lines = wrap(`x ${'a'.repeat(25)}`, 10, '', '');
    for (const l of lines) assert.ok(l.length <= 10, l);
    assert.equal(lines.join('').replace(/ /g, ''), `x${'a'.repeat(25)}`);
  });
  it('keeps paragraphs', () => assert.deepEqual(wrap('a\nb', 10), ['a', 'b']));
});

describe('wrapCommand', () => {
  const cmd =
    "curl -sS -o /dev/null -w '%{json}' --max-time 2 -H 'Host: app.example.test' http://198.18.0.11:30080/large";
  it('breaks between words with " \\" continuations, never inside quotes, and keeps flags with values', () => {
    const lines = wrapCommand(cmd, 50, '$ ', '    ');
    assert.ok(lines.length > 1);
    for (const l of lines.slice(0, -1)) assert.ok(l.endsWith(' \\'), l);
    for (const l of lines) assert.ok(l.length <= 50, l);
    assert.ok(
      lines.some((l) => l.includes("-H 'Host: app.example.test'")),
      'flag and its quoted value together',
    );
    // Joining the continuations gives the original command back: it still pastes into a shell.
    assert.equal(
      lines
        .join('\n')
        .replace(/ \\\n\s+/g, ' ')
        .slice(2),
      cmd,
    );
  });
  it('leaves a short command on one line', () => {
    assert.deepEqual(wrapCommand('dig +short app.example.test', 80, '$ ', '  '), [
      '$ dig +short app.example.test',
    ]);
  });
  it('splits shell words with quotes and escapes intact', () => {
    assert.deepEqual(shellWords(`a 'b c' "d \\" e" f\\ g`), ['a', "'b c'", '"d \\" e"', 'f\\ g']);
  });
});

describe('helpers', () => {
  it('measures width without escape codes', () => {
    assert.equal(visibleWidth('\x1b[1;31m✗ FAIL\x1b[22;39m'), 6);
    assert.equal(stripAnsi('\x1b[2mx\x1b[22m'), 'x');
  });
  it('formats durations', () => {
    assert.equal(formatDuration(41), '41 ms');
    assert.equal(formatDuration(2004), '2.0 s');
    assert.equal(formatDuration(65_000), '1 min 5 s');
    assert.equal(formatDuration(undefined), '');
    assert.equal(formatDuration(-1), '');
  });
});
