import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendConfigName } from '../../src/dataplane/families/gce.js';
import {
  formatBytes,
  formatSeconds,
  parseCount,
  parseDuration,
  parseSize,
} from '../../src/dataplane/values.js';

test('durations: nginx and Gateway API forms', () => {
  assert.equal(parseDuration('60'), 60);
  assert.equal(parseDuration('75s'), 75);
  assert.equal(parseDuration('2m'), 120);
  assert.equal(parseDuration('500ms'), 0.5);
  assert.equal(parseDuration('1h'), 3600);
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(parseDuration(undefined), undefined);
});

test('nginx sizes', () => {
  assert.equal(parseSize('4k'), 4096);
  assert.equal(parseSize('16K'), 16384);
  assert.equal(parseSize('1M'), 1048576);
  assert.equal(parseSize('512'), 512);
  assert.equal(parseSize('4kb'), undefined);
  assert.equal(parseSize('lots'), undefined);
});

test('counts and formatting', () => {
  assert.equal(parseCount('320'), 320);
  assert.equal(parseCount('3.5'), undefined);
  assert.equal(formatSeconds(60), '60 s');
  assert.equal(formatSeconds(0.5), '500 ms');
  assert.equal(formatSeconds(300), '5 min');
  assert.equal(formatBytes(4096), '4 KiB');
  assert.equal(formatBytes(1048576), '1 MiB');
  assert.equal(formatBytes(1000), '1000 bytes');
});

test('backendConfigName: default, per port number, per port name, bad JSON', () => {
  const port = { name: 'http', port: 80 };
  assert.equal(backendConfigName('{"default":"a"}', port), 'a');
  assert.equal(backendConfigName('{"ports":{"80":"b"},"default":"a"}', port), 'b');
  assert.equal(backendConfigName('{"ports":{"http":"c"}}', port), 'c');
  assert.equal(backendConfigName('{"ports":{"443":"d"}}', port), undefined);
  assert.equal(backendConfigName('not json', port), undefined);
});
