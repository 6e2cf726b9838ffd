import { probePaths } from '../../src/checks/probe-paths.js';
import { tableTest } from './harness.js';
import { nginxController, webApp } from './objects.js';

tableTest(probePaths, {
  valid: [
    { name: 'liveness and readiness on the same path', objects: webApp() },
    { name: 'only a readinessProbe', objects: webApp({ deploy: { liveness: null } }) },
    { name: 'tcp liveness is not an HTTP path', objects: webApp({ deploy: { liveness: null } }) },
  ],
  invalid: [
    {
      name: 'liveness /livez vs readiness /readyz on a routed backend',
      objects: webApp({
        deploy: { liveness: { path: '/livez', port: 'http' }, readiness: { path: '/readyz', port: 'http' } },
      }),
      findings: [
        {
          cause: 'probe-paths-diverge',
          severity: 'warning',
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          route: 'shop.example.com/',
          message: ['livenessProbe checks /livez, readinessProbe checks /readyz'],
        },
      ],
    },
    {
      name: 'the LB path is named when configured',
      objects: webApp({
        ingress: {
          className: 'alb',
          annotations: { 'alb.ingress.kubernetes.io/healthcheck-path': '/readyz' },
        },
        deploy: { liveness: { path: '/livez', port: 'http' }, readiness: { path: '/readyz', port: 'http' } },
      }),
      findings: [
        {
          cause: 'probe-paths-diverge',
          severity: 'warning',
          object: { kind: 'Deployment', name: 'web' },
          message: ['the load balancer checks /readyz'],
        },
      ],
    },
    {
      name: 'ingress controller pods too',
      objects: [...webApp(), ...nginxController().map((o) => o)].map((o) => {
        const obj = o as {
          kind?: string;
          metadata?: { name?: string };
          spec?: { template?: { spec?: { containers?: { livenessProbe?: unknown }[] } } };
        };
        if (obj.kind === 'Deployment' && obj.metadata?.name === 'ingress-nginx-controller') {
          const c = obj.spec?.template?.spec?.containers?.[0];
          if (c) c.livenessProbe = { httpGet: { path: '/alive', port: 10254 } };
        }
        return o;
      }),
      findings: [
        {
          cause: 'probe-paths-diverge',
          severity: 'warning',
          object: { kind: 'Deployment', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' },
          message: ['livenessProbe checks /alive, readinessProbe checks /healthz'],
        },
      ],
    },
  ],
});
