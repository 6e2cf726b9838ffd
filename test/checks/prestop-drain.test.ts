import { prestopDrain } from '../../src/checks/prestop-drain.js';
import { tableTest } from './harness.js';
import { ingress, nginxController, svc, webApp } from './objects.js';

tableTest(prestopDrain, {
  valid: [
    { name: 'preStop exec sleep 10 within the 30 s default grace', objects: webApp() },
    { name: 'preStop sleep action', objects: webApp({ deploy: { preStop: { sleep: { seconds: 5 } } } }) },
    { name: 'controller pods with preStop', objects: [...webApp(), ...nginxController()] },
  ],
  invalid: [
    {
      name: 'routed backend without preStop',
      objects: webApp({ deploy: { preStop: null } }),
      findings: [
        {
          cause: 'no-prestop-drain',
          severity: 'warning',
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          route: 'shop.example.com/',
          message: ['Container web in Deployment shop/web (routed backend) has no preStop hook'],
          fix: ['lifecycle.preStop', 'terminationGracePeriodSeconds (30)'],
        },
      ],
    },
    {
      name: 'live bare pods with the same labels count as one workload',
      live: true,
      objects: [
        ...['web-1', 'web-2'].map((name) => ({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name, namespace: 'shop', labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'app', image: 'web:1', ports: [{ name: 'http', containerPort: 8080 }] }],
          },
          status: { phase: 'Running' },
        })),
        svc('web'),
        ingress('web'),
      ],
      findings: [
        {
          cause: 'no-prestop-drain',
          severity: 'warning',
          object: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
          message: ['Container app in Pod shop/web-1 (routed backend) has no preStop hook'],
        },
      ],
    },
    {
      name: 'preStop sleep not shorter than the grace period',
      objects: webApp({
        deploy: { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 30'] } }, grace: 30 },
      }),
      findings: [
        {
          cause: 'no-prestop-drain',
          severity: 'warning',
          object: { kind: 'Deployment', name: 'web' },
          message: ['preStop sleeps 30 s, not less than terminationGracePeriodSeconds 30'],
          fix: ['terminationGracePeriodSeconds above 30'],
        },
      ],
    },
    {
      name: 'ingress controller without preStop (the cloud LB sends to it)',
      objects: [
        ...webApp(),
        ...nginxController().map((o) => {
          const d = o as {
            kind?: string;
            spec?: { template?: { spec?: { containers?: { lifecycle?: unknown }[] } } };
          };
          if (d.kind === 'Deployment') delete d.spec?.template?.spec?.containers?.[0]?.lifecycle;
          return o;
        }),
      ],
      findings: [
        {
          cause: 'no-prestop-drain',
          severity: 'warning',
          object: { kind: 'Deployment', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' },
          message: ['(ingress controller) has no preStop hook'],
        },
      ],
    },
  ],
});
