import { networkPolicyController } from '../../src/checks/network-policy-controller.js';
import { tableTest } from './harness.js';
import {
  CONTROLLER_LABELS,
  defaultDenyPolicy,
  namespace,
  netpol,
  nginxController,
  webApp,
} from './objects.js';

const base = [...webApp(), ...nginxController()];
const allowFrom = (from: unknown[], ports?: unknown[]) =>
  netpol('allow-ingress', 'shop', {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Ingress'],
    ingress: [{ from, ...(ports ? { ports } : {}) }],
  });

tableTest(networkPolicyController, {
  valid: [
    { name: 'no policies: nothing isolated', objects: base },
    {
      name: 'default deny plus allow from the controller namespace (kubernetes.io/metadata.name) and pod labels',
      objects: [
        ...base,
        defaultDenyPolicy(),
        allowFrom([
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
            podSelector: { matchLabels: CONTROLLER_LABELS },
          },
        ]),
      ],
    },
    {
      name: 'allow by namespace label from the Namespace object, named port',
      objects: [
        ...base.filter(
          (o) =>
            !(
              (o as { kind: string }).kind === 'Namespace' &&
              (o as { metadata: { name: string } }).metadata.name === 'ingress-nginx'
            ),
        ),
        namespace('ingress-nginx', { team: 'edge' }),
        defaultDenyPolicy(),
        allowFrom(
          [{ namespaceSelector: { matchLabels: { team: 'edge' } } }],
          [{ port: 'http', protocol: 'TCP' }],
        ),
      ],
    },
    {
      name: 'rule without from admits everyone on its port',
      objects: [...base, defaultDenyPolicy(), allowFrom([], [{ port: 8080 }])],
    },
    {
      name: 'port range covering the target port',
      objects: [
        ...base,
        defaultDenyPolicy(),
        allowFrom([{ namespaceSelector: {} }], [{ port: 8000, endPort: 8100 }]),
      ],
    },
    {
      name: 'ipBlock peers are assumed to admit (pod IPs depend on the CNI)',
      objects: [...base, defaultDenyPolicy(), allowFrom([{ ipBlock: { cidr: '198.18.0.0/15' } }])],
    },
    {
      name: 'an Egress-only policy does not isolate ingress',
      objects: [...base, netpol('egress', 'shop', { podSelector: {}, policyTypes: ['Egress'] })],
    },
  ],
  invalid: [
    {
      name: 'default deny and nothing admits the controller',
      objects: [...base, defaultDenyPolicy()],
      findings: [
        {
          cause: 'network-policy-blocked',
          severity: 'error',
          object: { kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny' },
          route: 'shop.example.com/',
          message: [
            'NetworkPolicy shop/default-deny isolates Deployment shop/web (backend of Service shop/web)',
            'Service ingress-nginx/ingress-nginx-controller, namespace ingress-nginx',
            'app.kubernetes.io/name=ingress-nginx',
            'on port 8080/TCP',
          ],
          fix: ['kubernetes.io/metadata.name: ingress-nginx'],
        },
      ],
    },
    {
      name: 'podSelector-only peer admits only the policy namespace, not the controller',
      objects: [
        ...base,
        defaultDenyPolicy(),
        allowFrom([{ podSelector: { matchLabels: CONTROLLER_LABELS } }]),
      ],
      findings: [
        {
          cause: 'network-policy-blocked',
          severity: 'error',
          object: { kind: 'NetworkPolicy', name: 'default-deny' },
          message: ['NetworkPolicies shop/default-deny, shop/allow-ingress isolate'],
        },
      ],
    },
    {
      name: 'controller admitted on the wrong port',
      objects: [
        ...base,
        allowFrom(
          [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
          [{ port: 80 }],
        ),
      ],
      findings: [
        {
          cause: 'network-policy-blocked',
          severity: 'error',
          object: { kind: 'NetworkPolicy', name: 'allow-ingress' },
          message: ['on port 8080/TCP'],
        },
      ],
    },
    {
      name: 'namespace label that the controller namespace does not carry',
      objects: [...base, allowFrom([{ namespaceSelector: { matchLabels: { team: 'edge' } } }])],
      findings: [
        {
          cause: 'network-policy-blocked',
          severity: 'error',
          object: { kind: 'NetworkPolicy', name: 'allow-ingress' },
        },
      ],
    },
  ],
});
