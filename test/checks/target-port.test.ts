import { targetPort } from '../../src/checks/target-port.js';
import { tableTest } from './harness.js';
import { deploy, ingress, namespace, svc, webApp } from './objects.js';

tableTest(targetPort, {
  valid: [
    { name: 'named targetPort declared by the container', objects: webApp() },
    {
      name: 'numeric targetPort equal to a declared containerPort',
      objects: webApp({ svc: { ports: [{ port: 80, targetPort: 8080 }] } }),
    },
    {
      name: 'numeric targetPort and containers that declare no ports (undeclared ports still work)',
      objects: webApp({
        deploy: { ports: [], readiness: null, liveness: null },
        svc: { ports: [{ port: 80, targetPort: 3000 }] },
      }),
    },
    {
      name: 'targetPort omitted defaults to the port, which the container declares',
      objects: webApp({ deploy: { ports: [{ containerPort: 80 }] }, svc: { ports: [{ port: 80 }] } }),
    },
  ],
  invalid: [
    {
      name: 'named targetPort no container declares (routed: error)',
      objects: webApp({ svc: { ports: [{ name: 'http', port: 80, targetPort: 'web' }] } }),
      findings: [
        {
          cause: 'target-port-mismatch',
          severity: 'error',
          object: { kind: 'Service', namespace: 'shop', name: 'web' },
          route: 'shop.example.com/',
          message: ['port 80 (http) targets named port "web"', 'Deployment shop/web exposes http=8080'],
          fix: ['Name the container port "web"'],
        },
      ],
    },
    {
      name: 'numeric targetPort not among the declared ports',
      objects: webApp({ svc: { ports: [{ port: 80, targetPort: 8081 }] } }),
      findings: [
        {
          cause: 'target-port-mismatch',
          severity: 'error',
          object: { kind: 'Service', name: 'web' },
          message: ['targets port 8081', 'exposes http=8080'],
          fix: ['spec.ports[0].targetPort of Service shop/web'],
        },
      ],
    },
    {
      name: 'unrouted Service: warning; one finding per workload, not per replica',
      objects: [
        namespace('shop'),
        deploy('api', { replicas: 5 }),
        svc('api', { ports: [{ port: 9000, targetPort: 9090 }] }),
      ],
      findings: [
        {
          cause: 'target-port-mismatch',
          severity: 'warning',
          object: { kind: 'Service', name: 'api' },
          message: ['targets port 9090'],
        },
      ],
    },
    {
      name: 'two workloads behind one Service, only one declares the named port: partial, warning',
      objects: [
        namespace('shop'),
        deploy('web', { labels: { app: 'web', track: 'stable' } }),
        deploy('web-canary', {
          labels: { app: 'web', track: 'canary' },
          ports: [{ name: 'main', containerPort: 8080 }],
        }),
        svc('web'),
        ingress('web'),
      ],
      findings: [
        {
          cause: 'target-port-mismatch',
          severity: 'warning',
          object: { kind: 'Service', name: 'web' },
          message: ['Deployment shop/web-canary exposes main=8080'],
        },
      ],
    },
  ],
});
