import { backendRefs } from '../../src/checks/backend-refs.js';
import { tableTest } from './harness.js';
import { httpRoute, ingress, namespace, svc, webApp } from './objects.js';

tableTest(backendRefs, {
  valid: [
    { name: 'Service and port by number exist', objects: webApp() },
    { name: 'port by name', objects: webApp({ ingress: { port: 'http' } }) },
    { name: 'HTTPRoute backendRef to an existing Service port', objects: [...webApp(), httpRoute('web')] },
  ],
  invalid: [
    {
      name: 'Ingress backend names a missing Service (one finding for several paths)',
      objects: [
        namespace('shop'),
        ingress('web', {
          paths: [
            { path: '/a', service: 'wbe', port: 80 },
            { path: '/b', service: 'wbe', port: 80 },
          ],
        }),
      ],
      findings: [
        {
          cause: 'service-not-found',
          severity: 'error',
          object: { kind: 'Ingress', namespace: 'shop', name: 'web' },
          route: 'shop.example.com/a',
          message: ['routes shop.example.com/a to Service shop/wbe, which does not exist', 'and 1 more path'],
          fix: ['Create Service shop/wbe'],
        },
      ],
    },
    {
      name: 'Ingress backend port number the Service does not expose',
      objects: webApp({ ingress: { port: 8080 } }),
      findings: [
        {
          cause: 'service-port-not-found',
          severity: 'error',
          object: { kind: 'Ingress', name: 'web' },
          message: ['port 8080 of Service shop/web', 'exposes 80 (http)'],
          fix: ['not the targetPort'],
        },
      ],
    },
    {
      name: 'Ingress backend port name the Service does not have',
      objects: webApp({ ingress: { port: 'https' } }),
      findings: [
        {
          cause: 'service-port-not-found',
          severity: 'error',
          object: { kind: 'Ingress', name: 'web' },
          message: ['port https'],
        },
      ],
    },
    {
      name: 'HTTPRoute backendRef to a missing Service',
      objects: [
        ...webApp(),
        httpRoute('api', {
          rules: [{ backendRefs: [{ name: 'api', port: 80 }], timeouts: { request: '5s' } }],
        }),
      ],
      findings: [
        {
          cause: 'service-not-found',
          severity: 'error',
          object: { kind: 'HTTPRoute', namespace: 'shop', name: 'api' },
          message: ['HTTPRoute shop/api', 'Service shop/api, which does not exist'],
        },
      ],
    },
    {
      name: 'ExternalName backend: warning',
      objects: [
        namespace('shop'),
        svc('web', { selector: null, type: 'ExternalName', externalName: 'legacy.example.org' }),
        ingress('web'),
      ],
      findings: [
        {
          cause: 'externalname-backend',
          severity: 'warning',
          object: { kind: 'Ingress', name: 'web' },
          message: ['ExternalName Service shop/web (legacy.example.org)'],
        },
      ],
    },
  ],
});
