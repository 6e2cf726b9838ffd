import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendKeepAlive, keepaliveRace } from '../../src/checks/keepalive-race.js';
import { tableTest } from './harness.js';
import { configMap, nginxController, webApp } from './objects.js';

tableTest(keepaliveRace, {
  valid: [
    { name: 'nothing known about the backend keep-alive', objects: webApp() },
    {
      name: 'backend keep-alive longer than the 60 s default',
      objects: webApp({ deploy: { env: [{ name: 'KEEP_ALIVE_TIMEOUT', value: '65' }] } }),
    },
    {
      name: 'controller upstream keep-alive lowered below the backend',
      objects: [
        ...webApp({ deploy: { env: [{ name: 'KEEP_ALIVE_TIMEOUT_MS', value: '5000' }] } }),
        ...nginxController(),
        configMap('ingress-nginx-controller', 'ingress-nginx', { 'upstream-keepalive-timeout': '4' }),
      ],
    },
    {
      name: 'upstream keep-alive disabled',
      objects: [
        ...webApp({ deploy: { args: ['--keep-alive-timeout=5'] } }),
        ...nginxController(),
        configMap('ingress-nginx-controller', 'ingress-nginx', { 'upstream-keepalive-connections': '0' }),
      ],
    },
    {
      name: 'unknown controller: not judged',
      objects: webApp({
        ingress: { className: 'traefik', annotations: {} },
        deploy: { args: ['--keep-alive-timeout=5'] },
      }),
    },
  ],
  invalid: [
    {
      name: 'env KEEP_ALIVE_TIMEOUT=5 vs the ingress-nginx default 60 s',
      objects: webApp({ deploy: { env: [{ name: 'KEEP_ALIVE_TIMEOUT', value: '5' }] } }),
      findings: [
        {
          cause: 'keepalive-race',
          severity: 'warning',
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          route: 'shop.example.com/',
          message: [
            'closes idle connections after 5 s (env KEEP_ALIVE_TIMEOUT=5)',
            'upstream-keepalive-timeout 60 s (default)',
          ],
          fix: ['server.keepAliveTimeout = 65000'],
        },
      ],
    },
    {
      name: 'gunicorn default 2 s against a ConfigMap value: info',
      objects: [
        ...webApp({ deploy: { command: ['gunicorn', 'app:app', '-b', '0.0.0.0:8080'] } }),
        ...nginxController(),
        configMap('ingress-nginx-controller', 'ingress-nginx', { 'upstream-keepalive-timeout': '30' }),
      ],
      findings: [
        {
          cause: 'keepalive-race',
          severity: 'info',
          object: { kind: 'Deployment', name: 'web' },
          message: ['after 2 s (gunicorn default --keep-alive 2)', 'upstream-keepalive-timeout 30'],
        },
      ],
    },
    {
      name: 'ALB idle timeout vs --keep-alive-timeout',
      objects: webApp({
        ingress: {
          className: 'alb',
          annotations: {
            'alb.ingress.kubernetes.io/load-balancer-attributes': 'idle_timeout.timeout_seconds=120',
          },
        },
        deploy: { args: ['--keep-alive-timeout', '75'] },
      }),
      findings: [
        {
          cause: 'keepalive-race',
          severity: 'warning',
          object: { kind: 'Deployment', name: 'web' },
          message: ['after 75 s', 'ALB idle_timeout.timeout_seconds 120'],
        },
      ],
    },
    {
      name: 'Node.js image default 5 s: info',
      objects: webApp({ deploy: { image: 'docker.io/library/node:20-alpine' } }),
      findings: [
        {
          cause: 'keepalive-race',
          severity: 'info',
          object: { kind: 'Deployment', name: 'web' },
          message: ['Node.js default'],
        },
      ],
    },
  ],
});

test('backendKeepAlive units: *_MS names and large unitless values are milliseconds', () => {
  const c = (env: Record<string, string>) => ({
    name: 'c',
    env: Object.entries(env).map(([name, value]) => ({ name, value })),
  });
  assert.equal(backendKeepAlive(c({ KEEP_ALIVE_TIMEOUT_MS: '5000' }))?.seconds, 5);
  assert.equal(backendKeepAlive(c({ KEEPALIVE_TIMEOUT: '65000' }))?.seconds, 65);
  assert.equal(backendKeepAlive(c({ HTTP_KEEP_ALIVE_TIMEOUT: '75s' }))?.seconds, 75);
  assert.equal(backendKeepAlive(c({ KEEP_ALIVE_TIMEOUT: 'soon' })), undefined);
  assert.equal(backendKeepAlive({ name: 'c', args: ['--timeout-keep-alive=30'] })?.seconds, 30);
});
