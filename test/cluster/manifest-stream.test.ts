import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { clusterText } from '../../bench/synthetic.js';
import { jsonError } from '../../src/cluster/json-check.js';
import {
  type ListShape,
  type ManifestSink,
  ManifestStream,
  type ManifestStreamOptions,
} from '../../src/cluster/manifest-stream.js';
import { reduceObject } from '../../src/cluster/reduce.js';
import { SkippedCheck } from '../../src/cluster/skipped-check.js';
import type { Origin, SourceWarning } from '../../src/cluster/types.js';

type Event = [string, ...unknown[]];

/** Every event a stream gives, in order. */
class Events implements ManifestSink {
  readonly events: Event[] = [];
  document(value: unknown, origin: Origin) {
    this.events.push(['document', value, origin.line]);
  }
  listStart(origin: Origin, head: Record<string, unknown> | undefined, shape: ListShape) {
    this.events.push(['listStart', origin.line, head, shape]);
  }
  listItem(value: unknown, origin: Origin) {
    this.events.push(['item', value, origin.line]);
  }
  listEnd(envelope: unknown) {
    this.events.push(['listEnd', envelope]);
  }
  warning(w: SourceWarning) {
    this.events.push(['warning', w.code, w.line, w.message]);
  }
}

/** Feed `bytes` in pieces of `size` (0: at once). */
function run(bytes: Buffer, file: string, size = 0, options: ManifestStreamOptions = {}): Event[] {
  const sink = new Events();
  const stream = new ManifestStream(file, sink, options);
  if (size === 0) stream.feed(bytes);
  else
    for (let i = 0; i < bytes.length && !stream.failed; i += size) stream.feed(bytes.subarray(i, i + size));
  stream.end();
  return sink.events;
}

/** The same events whatever the pieces the input arrives in. */
function sameInPieces(text: string | Buffer, file: string, options: ManifestStreamOptions = {}): Event[] {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const whole = run(bytes, file, 0, options);
  for (const size of [1, 2, 3, 7, 64, 1000]) {
    assert.deepEqual(run(bytes, file, size, options), whole, `${file} fed ${size} byte(s) at a time`);
  }
  return whole;
}

/** 1-based line of the n-th occurrence of `needle` (a line's trimmed content). */
function linesOf(text: string, needle: RegExp): number[] {
  return text
    .split('\n')
    .map((l, i) => [l, i + 1] as const)
    .filter(([l]) => needle.test(l))
    .map(([, i]) => i);
}

const svc = (name: string, extra: object = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'a', annotations: { note: 'a { b } [c] "d"\\n' } },
  spec: { ports: [{ port: 80 }] },
  ...extra,
});

describe('ManifestStream: JSON', () => {
  const list = {
    apiVersion: 'v1',
    items: [svc('a'), svc('b'), svc('ä-ö')],
    kind: 'List',
    metadata: { resourceVersion: '' },
  };

  it('reads a pretty-printed List item by item, at any indent, LF or CRLF, with each item on its line', () => {
    for (const indent of [1, 2, 4, 8]) {
      for (const eol of ['\n', '\r\n']) {
        const text = JSON.stringify(list, null, indent).replace(/\n/g, eol);
        const events = sameInPieces(text, 'l.json');
        const items = events.filter((e) => e[0] === 'item');
        assert.deepEqual(
          items.map((e) => e[1]),
          list.items,
        );
        const starts = linesOf(text.replace(/\r/g, ''), new RegExp(`^${' '.repeat(indent * 2)}\\{$`));
        assert.deepEqual(
          items.map((e) => e[2]),
          starts,
          `indent ${indent}`,
        );
        assert.deepEqual(events.at(-1), [
          'listEnd',
          { apiVersion: 'v1', items: [], kind: 'List', metadata: { resourceVersion: '' } },
        ]);
      }
    }
  });

  it('reads compact Lists, API server Lists (kind first, items without kind) and several values in a row', () => {
    const compact = sameInPieces(JSON.stringify(list), 'c.json');
    assert.deepEqual(
      compact.filter((e) => e[0] === 'item').map((e) => e[1]),
      list.items,
    );
    const raw = `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[{"metadata":{"name":"p"}},\n{"metadata":{"name":"q"}}]}`;
    const events = sameInPieces(raw, 'raw.json');
    assert.deepEqual(events[0], [
      'listStart',
      1,
      { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' } },
      'list',
    ]);
    assert.deepEqual(events[2], ['item', { metadata: { name: 'q' } }, 2]);
    const several = sameInPieces(
      `${JSON.stringify(svc('x'))}\n\n${JSON.stringify(svc('y'), null, 2)}\n[1, 2]\n`,
      '-',
    );
    assert.deepEqual(
      several.map((e) => [e[0], e[0] === 'item' ? e[1] : e[2]]),
      [
        ['document', 1],
        ['document', 3],
        ['listStart', undefined],
        ['item', 1],
        ['item', 2],
        ['listEnd', undefined],
      ],
    );
  });

  it('keeps what came before a malformed item and reports the error at its line', () => {
    const items = Array.from({ length: 50 }, (_, i) => svc(`s${i}`));
    const text = JSON.stringify({ apiVersion: 'v1', items, kind: 'List' }, null, 4).replace(
      '"s40",',
      '"s40",,',
    );
    const events = sameInPieces(text, 'bad.json');
    assert.equal(events.filter((e) => e[0] === 'item').length, 40);
    const warning = events.at(-1) as Event;
    assert.equal(warning[0], 'warning');
    assert.equal(warning[1], 'parse-error');
    assert.equal(warning[2], linesOf(text, /"s40",,/)[0]);
    // Between items only "," and whitespace.
    const stray = JSON.stringify({ items: [svc('a'), svc('b')] }, null, 2).replace(
      '},\n    {',
      '},\n x\n    {',
    );
    const bad = sameInPieces(stray, 'stray.json');
    assert.deepEqual(bad.at(-1)?.slice(0, 3), ['warning', 'parse-error', linesOf(stray, /^ x$/)[0]]);
  });

  it('reports an unclosed List at the line its open item starts, and JSON that is no manifest', () => {
    const text = JSON.stringify({ items: [svc('a'), svc('b')] }, null, 2);
    const cut = text.slice(0, text.lastIndexOf('"b"'));
    const events = sameInPieces(cut, 'cut.json');
    assert.equal(events.filter((e) => e[0] === 'item').length, 1);
    assert.deepEqual(events.at(-1)?.slice(0, 3), ['warning', 'parse-error', linesOf(cut, /^ {4}\{$/)[1]]);
    // A scalar is a document (which is no object: the snapshot says so); garbage is an error.
    assert.deepEqual(sameInPieces('"just a string"\n7', 'x.json'), [
      ['document', 'just a string', 1],
      ['document', 7, 2],
    ]);
    assert.deepEqual(sameInPieces('{}\nnope', 'x.json').at(-1)?.slice(0, 3), ['warning', 'parse-error', 2]);
  });

  it('stops at NUL bytes and invalid UTF-8 with the line, keeping what came before', () => {
    const text = JSON.stringify({ items: [svc('a'), svc('b'), svc('c')] }, null, 2);
    const at = text.indexOf('"c"');
    const nul = Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0]),
      Buffer.from(text.slice(at)),
    ]);
    const events = sameInPieces(nul, 'nul.json');
    assert.equal(events.filter((e) => e[0] === 'item').length, 2);
    assert.deepEqual(events.at(-1)?.slice(0, 3), ['warning', 'binary-file', linesOf(text, /"c"/)[0]]);
    const utf = Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(text.slice(at)),
    ]);
    const bad = sameInPieces(utf, 'utf.json');
    assert.equal(bad.filter((e) => e[0] === 'item').length, 2);
    assert.equal(bad.at(-1)?.[1], 'invalid-encoding');
    assert.deepEqual(run(Buffer.alloc(4096), 'zero')[0]?.slice(0, 2), ['warning', 'binary-file']);
  });

  it('refuses a single value larger than the document limit, but streams a List of any size', () => {
    const big = Buffer.from(JSON.stringify({ kind: 'ConfigMap', data: { k: 'x'.repeat(5000) } }));
    assert.deepEqual(run(big, 'big.json', 1000, { maxDocumentBytes: 4096 })[0]?.slice(0, 2), [
      'warning',
      'too-large',
    ]);
    const many = Buffer.from(
      JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => svc(`s${i}`)) }, null, 2),
    );
    const events = run(many, 'many.json', 1000, { maxDocumentBytes: 4096 });
    assert.equal(events.filter((e) => e[0] === 'item').length, 100);
  });
});

describe('ManifestStream: YAML', () => {
  it('reads documents one at a time, each at its first content line', () => {
    const text = ['%YAML 1.2', '---', 'a: 1', '---', '# c', 'b: 2', '...', '--- # m', 'c: 3', ''].join('\n');
    const events = sameInPieces(text, 'd.yaml');
    assert.deepEqual(events, [
      ['document', { a: 1 }, 3],
      ['document', { b: 2 }, 6],
      ['document', { c: 3 }, 9],
    ]);
  });

  it('reads the entries of a `kubectl get -o yaml` List one at a time, at any entry indent', () => {
    const items = [svc('a'), svc('b', { data: { script: 'line 1\n- not an entry\nitems:\n' } }), svc('c')];
    for (const indentSeq of [false, true]) {
      const text = stringify(
        { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } },
        { indentSeq },
      );
      const events = sameInPieces(text, 'l.yaml');
      assert.equal(events[0][0], 'listStart');
      const got = events.filter((e) => e[0] === 'item');
      assert.deepEqual(
        got.map((e) => e[1]),
        items,
      );
      assert.deepEqual(
        got.map((e) => e[2]),
        linesOf(text, /^\s*- apiVersion: v1$/),
        `indentSeq ${indentSeq}`,
      );
      assert.deepEqual(events.at(-1), [
        'listEnd',
        { apiVersion: 'v1', items: [], kind: 'List', metadata: { resourceVersion: '' } },
      ]);
    }
  });

  it('reports a malformed entry at its line and reads the next one', () => {
    const text = ['items:', '- a: 1', '- b: [unclosed', '  c: 2', '- d: 3', 'kind: List', ''].join('\n');
    const events = sameInPieces(text, 'bad.yaml');
    assert.deepEqual(
      events.map((e) => (e[0] === 'warning' ? [e[0], e[1]] : [e[0], e[1]])),
      [
        ['listStart', 1],
        ['item', { a: 1 }],
        ['warning', 'parse-error'],
        ['item', { d: 3 }],
        ['listEnd', { items: [], kind: 'List' }],
      ],
    );
    const w = events.find((e) => e[0] === 'warning') as Event;
    assert.ok((w[2] as number) >= 3 && (w[2] as number) <= 4, `line ${w[2]}`);
  });
});

describe('json-check: validity without building objects', () => {
  const valid = [
    '{}',
    '[]',
    '0',
    '-0.5e+3',
    '"a\\u00e9\\n"',
    ' {"a": [1, true, false, null, {"b": "c"}]} ',
    '[[[]]]',
  ];
  const invalid = [
    '',
    '{',
    '{"a" 1}',
    '{"a": 1,}',
    '[1,]',
    '01',
    '1.',
    '"\\x"',
    '"a\n"',
    'tru',
    '{} {}',
    '[1 2]',
    '{"a":1 "b":2}',
  ];

  /** The check says valid exactly when JSON.parse does. */
  const agrees = (t: string) => {
    let ok = true;
    try {
      JSON.parse(t);
    } catch {
      ok = false;
    }
    const b = Buffer.from(t);
    assert.equal(jsonError(b, 0, b.length) === undefined, ok, JSON.stringify(t));
  };

  it('agrees with JSON.parse', () => {
    for (const t of [...valid, ...invalid]) agrees(t);
  });

  it('agrees with JSON.parse on mutations of a real object', () => {
    const base = JSON.stringify(svc('m', { list: [1, -2.5, 'x', null, { y: [true, false] }] }), null, 2);
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = '{}[]":,. -+eE0123456789tfnrul\\\n\t ';
    for (let k = 0; k < 2000; k++) {
      const at = rand(base.length);
      agrees(base.slice(0, at) + alphabet[rand(alphabet.length)] + base.slice(at + rand(2)));
    }
  });
});

describe('cutting dropped members from pretty-printed Lists', () => {
  async function served(format: 'json' | 'json-compact'): Promise<Buffer> {
    const pieces: string[] = [];
    for await (const p of clusterText(0.005, format, { served: true, managedFields: true })) pieces.push(p);
    return Buffer.from(pieces.join(''));
  }

  it('gives the same reduced items and lines as parsing them whole, and hands every cut member on', async () => {
    const bytes = await served('json');
    const cutText: [string, number][] = [];
    const options = {
      cutDropped: true,
      onSkipped: (b: Uint8Array, line: number) => cutText.push([Buffer.from(b).toString(), line]),
    };
    const cut = run(bytes, 'd.json', 65536, options);
    const whole = run(bytes, 'd.json', 65536);
    const items = (events: Event[]) =>
      events.filter((e) => e[0] === 'item').map((e) => [reduceObject(structuredClone(e[1]) as object), e[2]]);
    assert.deepEqual(items(cut), items(whole));
    assert.ok(cutText.length > 0);
    const lines = bytes.toString().split('\n');
    for (const [text, line] of cutText) {
      assert.doesNotThrow(() => JSON.parse(text));
      assert.match(lines[line - 1], /": [[{]$/, `line ${line} opens the member cut`);
    }
    // The same cut whatever the pieces.
    assert.deepEqual(run(bytes, 'd.json', 4096, { cutDropped: true }).length, cut.length);
  });

  it('a malformed member cut unread is still reported, at its line', async () => {
    const text = (await served('json')).toString();
    const at = text.indexOf('"f:metadata"', text.length / 2);
    const broken = `${text.slice(0, at)}"f:metadata" "oops", ${text.slice(at)}`;
    const check = new SkippedCheck();
    const events = run(Buffer.from(broken), 'm.json', 65536, {
      cutDropped: true,
      onSkipped: (b, line) => check.add('m.json', b, line),
    });
    assert.equal(events.filter((e) => e[0] === 'warning').length, 0, 'the reader itself does not see it');
    const [warning] = await check.results();
    assert.equal(warning?.code, 'parse-error');
    assert.equal(warning?.line, broken.slice(0, at).split('\n').length);
  });
});
