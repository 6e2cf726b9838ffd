import { timeoutsExplicit } from '../../src/checks/timeouts-explicit.js';
import { tableTest } from './harness.js';
import { configMap, gateway, gatewayClass, httpRoute, nginxController, webApp } from './objects.js';

tableTest(timeoutsExplicit, {
  valid: [
    { name: 'both annotations set', objects: webApp() },
    {
      name: 'set globally in the controller ConfigMap named by --configmap',
      objects: [
        ...webApp({ ingress: { annotations: {} } }),
        ...nginxController(),
        configMap('ingress-nginx-controller', 'ingress-nginx', {
          'proxy-read-timeout': '120',
          'proxy-send-timeout': '120',
        }),
      ],
    },
    {
      name: 'ssl-passthrough Ingress: HTTP proxy timeouts do not apply',
      objects: webApp({
        ingress: { annotations: { 'nginx.ingress.kubernetes.io/ssl-passthrough': 'true' } },
      }),
    },
    {
      name: 'ALB Ingress: not judged (timeouts live elsewhere)',
      objects: webApp({ ingress: { className: 'alb', annotations: {} } }),
    },
    {
      name: 'HTTPRoute rule with timeouts',
      objects: [gatewayClass('eg'), gateway('public', 'infra', 'eg'), httpRoute('web')],
    },
  ],
  invalid: [
    {
      name: 'ingress-nginx Ingress without timeouts',
      objects: webApp({ ingress: { annotations: {} } }),
      findings: [
        {
          cause: 'timeouts-not-explicit',
          severity: 'warning',
          object: { kind: 'Ingress', namespace: 'shop', name: 'web' },
          route: 'shop.example.com/',
          message: [
            'does not set nginx.ingress.kubernetes.io/proxy-read-timeout and nginx.ingress.kubernetes.io/proxy-send-timeout',
          ],
          fix: ['nginx.ingress.kubernetes.io/proxy-read-timeout: "<seconds>"'],
        },
      ],
    },
    {
      name: 'only the read timeout set',
      objects: webApp({
        ingress: { annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '30' } },
      }),
      findings: [
        {
          cause: 'timeouts-not-explicit',
          severity: 'warning',
          object: { kind: 'Ingress', name: 'web' },
          message: [
            'does not set nginx.ingress.kubernetes.io/proxy-send-timeout (ingress-nginx default: 60 s)',
          ],
        },
      ],
    },
    {
      name: 'HTTPRoute rules without timeouts',
      objects: [
        httpRoute('web', {
          rules: [
            {
              matches: [{ path: { type: 'PathPrefix', value: '/' } }],
              backendRefs: [{ name: 'web', port: 80 }],
            },
            {
              matches: [{ path: { type: 'PathPrefix', value: '/slow' } }],
              backendRefs: [{ name: 'web', port: 80 }],
              timeouts: { request: '300s' },
            },
            {
              matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
              backendRefs: [{ name: 'web', port: 80 }],
            },
          ],
        }),
      ],
      findings: [
        {
          cause: 'timeouts-not-explicit',
          severity: 'warning',
          object: { kind: 'HTTPRoute', name: 'web' },
          route: 'shop.example.com/',
          message: ['rules 0, 2 have no timeouts'],
          fix: ['spec.rules[].timeouts.request'],
        },
      ],
    },
  ],
});
