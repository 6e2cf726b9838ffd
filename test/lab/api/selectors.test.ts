import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  unsupportedField,
} from '../../../src/lab/api/selectors.js';

const labels = { app: 'web', tier: 'frontend', replicas: '3' };

describe('label selectors', () => {
  const cases: [string, boolean][] = [
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app in (api,web)', true],
    ['app in (api, db)', false],
    ['app notin (api,db)', true],
    ['app notin (web)', false],
    ['missing notin (web)', true],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!tier', false],
    ['replicas>2', true],
    ['replicas<3', false],
    ['app=web,tier in (frontend),!canary', true],
    ['app=web,tier=backend', false],
    ['app.kubernetes.io/name=web', false],
  ];
  for (const [selector, expected] of cases) {
    it(`${JSON.stringify(selector)} → ${expected}`, () => {
      const parsed = parseLabelSelector(selector);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      assert.equal(matchesLabels(parsed.value, labels), expected);
    });
  }
  for (const bad of ['app in ()', 'app=we b', '=web', 'Bad Key=x', 'app in (a', 'x>y']) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      const parsed = parseLabelSelector(bad);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.error, /unable to parse requirement/);
    });
  }
  it('matches objects without labels only with negative requirements', () => {
    const neg = parseLabelSelector('!app,tier!=x');
    assert.ok(neg.ok);
    assert.equal(matchesLabels(neg.value, undefined), true);
    const pos = parseLabelSelector('app');
    assert.ok(pos.ok);
    assert.equal(matchesLabels(pos.value, undefined), false);
  });
});

describe('field selectors', () => {
  const pod = {
    metadata: { name: 'p1', namespace: 'shop' },
    spec: { nodeName: 'node-2', restartPolicy: 'Never' },
    status: { phase: 'Running', podIP: '198.18.17.4' },
  };
  const cases: [string, boolean][] = [
    ['metadata.name=p1', true],
    ['metadata.name==p2', false],
    ['metadata.namespace=shop,spec.nodeName=node-2', true],
    ['spec.nodeName=node-1', false],
    ['status.phase!=Succeeded,status.phase!=Failed', true],
    ['status.phase=Pending', false],
    ['status.podIP=198.18.17.4', true],
    ['spec.hostNetwork=false', true],
  ];
  for (const [selector, expected] of cases) {
    it(`${selector} → ${expected}`, () => {
      const parsed = parseFieldSelector(selector);
      assert.ok(parsed.ok);
      assert.equal(unsupportedField('pods', parsed.value), undefined);
      assert.equal(matchesFields('pods', parsed.value, pod), expected);
    });
  }
  it('names the first field the resource does not support', () => {
    const parsed = parseFieldSelector('metadata.name=x,spec.nodeName=n');
    assert.ok(parsed.ok);
    assert.equal(unsupportedField('services', parsed.value), 'spec.nodeName');
    assert.equal(unsupportedField('pods', parsed.value), undefined);
  });
  it('accepts the involvedObject fields kubectl describe sends for events', () => {
    const parsed = parseFieldSelector('involvedObject.name=web-1,involvedObject.namespace=shop');
    assert.ok(parsed.ok);
    assert.equal(unsupportedField('events', parsed.value), undefined);
  });
  it('rejects a selector without an operator', () => {
    assert.equal(parseFieldSelector('metadata.name').ok, false);
  });
});
