import { singleReplica } from '../../src/checks/single-replica.js';
import { tableTest } from './harness.js';
import { deploy, ingress, namespace, pdb, svc, webApp } from './objects.js';

tableTest(singleReplica, {
  valid: [
    { name: 'two replicas', objects: webApp() },
    {
      name: 'one replica with a PodDisruptionBudget',
      objects: [...webApp({ deploy: { replicas: 1 } }), pdb('web', 'shop', { app: 'web' })],
    },
    {
      name: 'two single-replica workloads behind one Service',
      objects: [
        namespace('shop'),
        deploy('web-a', { replicas: 1, labels: { app: 'web', v: 'a' } }),
        deploy('web-b', { replicas: 1, labels: { app: 'web', v: 'b' } }),
        svc('web'),
        ingress('web'),
      ],
    },
    { name: 'DaemonSet backends are not judged', objects: webApp({ deploy: { kind: 'DaemonSet' } }) },
    { name: 'unrouted single replica', objects: [namespace('shop'), deploy('batch', { replicas: 1 })] },
  ],
  invalid: [
    {
      name: 'replicas: 1 without PDB',
      objects: webApp({ deploy: { replicas: 1 } }),
      findings: [
        {
          cause: 'single-replica',
          severity: 'warning',
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          route: 'shop.example.com/',
          message: ['Deployment shop/web is the only replica behind Service shop/web'],
          fix: ['spec.replicas: 2', 'minAvailable: 1'],
        },
      ],
    },
    {
      name: 'PDB selecting other pods does not count',
      objects: [...webApp({ deploy: { replicas: 1 } }), pdb('api', 'shop', { app: 'api' })],
      findings: [
        { cause: 'single-replica', severity: 'warning', object: { kind: 'Deployment', name: 'web' } },
      ],
    },
    {
      name: 'StatefulSet with replicas unset (defaults to 1)',
      objects: webApp({ deploy: { kind: 'StatefulSet', replicas: 1 } }),
      findings: [
        { cause: 'single-replica', severity: 'warning', object: { kind: 'StatefulSet', name: 'web' } },
      ],
    },
  ],
});
