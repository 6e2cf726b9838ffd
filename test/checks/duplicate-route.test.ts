import { duplicateRoute } from '../../src/checks/duplicate-route.js';
import { tableTest } from './harness.js';
import { gateway, gatewayClass, httpRoute, ingress, webApp } from './objects.js';

const gw = [gatewayClass('eg'), gateway('public', 'infra', 'eg'), gateway('internal', 'infra', 'eg')];

tableTest(duplicateRoute, {
  valid: [
    { name: 'one Ingress per host+path', objects: [...webApp(), ingress('api', { path: '/api' })] },
    {
      name: 'same path on another host',
      objects: [...webApp(), ingress('admin', { host: 'admin.example.com' })],
    },
    {
      name: 'same host+path for another IngressClass',
      objects: [...webApp(), ingress('web-public', { className: 'public' })],
    },
    {
      name: 'ingress-nginx canary duplicates on purpose',
      objects: [
        ...webApp(),
        ingress('web-canary', { annotations: { 'nginx.ingress.kubernetes.io/canary': 'true' } }),
      ],
    },
    {
      name: 'Exact /api and Prefix /api differ',
      objects: [
        ...webApp(),
        ingress('a', { path: '/api', pathType: 'Exact' }),
        ingress('b', { path: '/api' }),
      ],
    },
    {
      name: 'HTTPRoutes on different Gateways',
      objects: [
        ...gw,
        httpRoute('a'),
        httpRoute('b', { parents: [{ name: 'internal', namespace: 'infra' }] }),
      ],
    },
    {
      name: 'HTTPRoute match with a header condition is not a plain claim',
      objects: [
        ...gw,
        httpRoute('a'),
        httpRoute('b', {
          rules: [
            {
              matches: [
                { path: { type: 'PathPrefix', value: '/' }, headers: [{ name: 'x-beta', value: '1' }] },
              ],
              backendRefs: [{ name: 'web', port: 80 }],
            },
          ],
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'two Ingresses claim shop.example.com/ (trailing slash ignored)',
      objects: [...webApp({ ingress: { path: '/cart' } }), ingress('cart', { path: '/cart/' })],
      findings: [
        {
          cause: 'duplicate-route',
          severity: 'error',
          object: { kind: 'Ingress', namespace: 'shop', name: 'cart' },
          route: 'shop.example.com/cart/',
          message: ['Ingress shop/cart claims shop.example.com/cart/', 'already claimed by Ingress shop/web'],
        },
      ],
    },
    {
      name: 'two HTTPRoutes on the same Gateway: warning',
      objects: [...gw, httpRoute('a'), httpRoute('b')],
      findings: [
        {
          cause: 'duplicate-route',
          severity: 'warning',
          object: { kind: 'HTTPRoute', name: 'b' },
          message: ['HTTPRoute shop/b', 'already claimed by HTTPRoute shop/a'],
        },
      ],
    },
  ],
});
