import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1LabelSelector } from '@kubernetes/client-node';
import {
  formatLabels,
  labelSelectorMatches,
  mapSelectorMatches,
  selectsEverything,
} from '../../src/graph/selector.js';

const labels = { app: 'web', tier: 'front' };

describe('map selectors (Service.spec.selector)', () => {
  it('need every key=value; {} matches every label set, also none', () => {
    assert.equal(mapSelectorMatches({ app: 'web' }, labels), true);
    assert.equal(mapSelectorMatches({ app: 'web', tier: 'back' }, labels), false);
    assert.equal(mapSelectorMatches({ app: 'web' }, undefined), false);
    assert.equal(mapSelectorMatches({}, undefined), true);
  });
});

describe('LabelSelector', () => {
  const cases: [string, V1LabelSelector, boolean][] = [
    ['{} selects everything', {}, true],
    ['matchLabels', { matchLabels: { app: 'web' } }, true],
    ['matchLabels, another value', { matchLabels: { app: 'api' } }, false],
    ['In', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'x'] }] }, true],
    ['In, key absent', { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, false],
    ['NotIn', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    ['NotIn, key absent', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['unknown operator selects nothing', { matchExpressions: [{ key: 'app', operator: 'Bogus' }] }, false],
    [
      'matchLabels AND expressions',
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
      false,
    ],
  ];
  for (const [name, selector, expected] of cases) {
    it(name, () => assert.equal(labelSelectorMatches(selector, labels, 'selects-nothing'), expected));
  }

  it('an absent selector means what the caller says it means at that field', () => {
    // policy/v1 PodDisruptionBudget, workload selectors: absent selects nothing.
    assert.equal(labelSelectorMatches(undefined, labels, 'selects-nothing'), false);
    assert.equal(labelSelectorMatches(null, labels, 'selects-nothing'), false);
    // NetworkPolicy.spec.podSelector (a required value): absent is {}.
    assert.equal(labelSelectorMatches(undefined, labels, 'selects-everything'), true);
  });

  it('malformed expressions select nothing instead of throwing', () => {
    const odd = { matchExpressions: [null, { operator: 'Exists' }] } as unknown as V1LabelSelector;
    assert.equal(labelSelectorMatches(odd, labels, 'selects-nothing'), false);
    assert.equal(labelSelectorMatches({ matchExpressions: 'x' } as never, labels, 'selects-nothing'), true);
  });

  it('selectsEverything: {} and, where absent means everything, absent', () => {
    assert.equal(selectsEverything({}, 'selects-nothing'), true);
    assert.equal(selectsEverything({ matchLabels: {}, matchExpressions: [] }, 'selects-nothing'), true);
    assert.equal(selectsEverything({ matchLabels: { a: 'b' } }, 'selects-everything'), false);
    assert.equal(selectsEverything(undefined, 'selects-everything'), true);
    assert.equal(selectsEverything(undefined, 'selects-nothing'), false);
  });

  it('formatLabels', () => {
    assert.equal(formatLabels(labels), 'app=web,tier=front');
    assert.equal(formatLabels({}), '{}');
  });
});
