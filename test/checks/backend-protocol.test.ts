import { backendProtocol } from '../../src/checks/backend-protocol.js';
import { tableTest } from './harness.js';
import { appOnly, gateway, gatewayClass, httpRoute, TIMEOUTS, webApp } from './objects.js';

const BP = 'nginx.ingress.kubernetes.io/backend-protocol';
const tlsPorts = {
  deploy: { ports: [{ name: 'https', containerPort: 8443 }], readiness: null, liveness: null },
};
const gw = [gatewayClass('eg'), gateway('public', 'infra', 'eg')];
const btls = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'BackendTLSPolicy',
  metadata: { name: 'web-tls', namespace: 'shop' },
  spec: {
    targetRefs: [{ group: '', kind: 'Service', name: 'web' }],
    validation: { hostname: 'web.shop.svc' },
  },
};

tableTest(backendProtocol, {
  valid: [
    { name: 'plain HTTP both sides', objects: webApp() },
    {
      name: 'HTTPS annotation to an appProtocol https port',
      objects: webApp({
        ...tlsPorts,
        svc: { ports: [{ name: 'https', port: 443, targetPort: 'https', appProtocol: 'https' }] },
        ingress: { port: 443, annotations: { ...TIMEOUTS, [BP]: 'HTTPS' } },
      }),
    },
    {
      name: 'ssl-passthrough: TLS goes to the backend untouched',
      objects: webApp({
        ...tlsPorts,
        svc: { ports: [{ name: 'https', port: 443, targetPort: 'https' }] },
        ingress: {
          port: 443,
          annotations: { ...TIMEOUTS, 'nginx.ingress.kubernetes.io/ssl-passthrough': 'true' },
        },
      }),
    },
    {
      name: 'GRPC annotation to an h2c port',
      objects: webApp({
        svc: { ports: [{ name: 'grpc', port: 80, targetPort: 'http', appProtocol: 'kubernetes.io/h2c' }] },
        ingress: { annotations: { ...TIMEOUTS, [BP]: 'GRPC' } },
      }),
    },
    {
      name: 'HTTPRoute with a BackendTLSPolicy to an https port',
      objects: [
        ...appOnly({
          ...tlsPorts,
          svc: { ports: [{ name: 'https', port: 80, targetPort: 'https', appProtocol: 'https' }] },
        }),
        ...gw,
        httpRoute('web'),
        btls,
      ],
    },
    {
      name: 'HTTPRoute to an h2c port (implementations follow appProtocol)',
      objects: [
        ...appOnly({
          svc: { ports: [{ name: 'web', port: 80, targetPort: 'http', appProtocol: 'kubernetes.io/h2c' }] },
        }),
        ...gw,
        httpRoute('web'),
      ],
    },
  ],
  invalid: [
    {
      name: 'default HTTP to a port with appProtocol https (seed scenario B)',
      objects: webApp({
        ...tlsPorts,
        svc: { ports: [{ name: 'web', port: 80, targetPort: 'https', appProtocol: 'https' }] },
      }),
      findings: [
        {
          cause: 'backend-protocol-mismatch',
          severity: 'error',
          object: { kind: 'Ingress', namespace: 'shop', name: 'web' },
          route: 'shop.example.com/',
          message: [
            'speaks HTTP to Service shop/web port 80',
            'backend-protocol: HTTP (default)',
            'expects HTTPS (appProtocol https)',
          ],
          fix: ['nginx.ingress.kubernetes.io/backend-protocol: "HTTPS"'],
        },
      ],
    },
    {
      name: 'Service port named http, but the containers serve TLS (probes use scheme HTTPS)',
      objects: webApp({
        deploy: {
          ports: [{ name: 'web', containerPort: 8443 }],
          readiness: { path: '/healthz', port: 'web', scheme: 'HTTPS' },
          liveness: null,
        },
        svc: { ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
      }),
      findings: [
        {
          cause: 'backend-protocol-mismatch',
          severity: 'error',
          object: { kind: 'Ingress', name: 'web' },
          message: ['expects HTTPS (the probes of container web use scheme HTTPS on port 8443)'],
        },
      ],
    },
    {
      name: 'Service port named https-web (no container evidence)',
      objects: webApp({
        deploy: { ports: [{ containerPort: 9443 }], readiness: null, liveness: null },
        svc: { ports: [{ name: 'https-web', port: 80, targetPort: 9443 }] },
      }),
      findings: [
        {
          cause: 'backend-protocol-mismatch',
          severity: 'error',
          object: { kind: 'Ingress', name: 'web' },
          message: ['expects HTTPS (port name "https-web")'],
        },
      ],
    },
    {
      name: 'HTTP to a port named grpc',
      objects: webApp({ svc: { ports: [{ name: 'grpc', port: 80, targetPort: 'http' }] } }),
      findings: [
        {
          cause: 'backend-protocol-mismatch',
          severity: 'error',
          object: { kind: 'Ingress', name: 'web' },
          message: ['expects GRPC (port name "grpc")'],
          fix: ['backend-protocol: "GRPC"'],
        },
      ],
    },
    {
      name: 'HTTPS annotation to a plain http port (wrong version number)',
      objects: webApp({
        svc: { ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
        ingress: { annotations: { ...TIMEOUTS, [BP]: 'HTTPS' } },
      }),
      findings: [
        {
          cause: 'backend-protocol-mismatch',
          severity: 'error',
          object: { kind: 'Ingress', name: 'web' },
          message: ['speaks HTTPS', 'expects HTTP (port name "http")'],
        },
      ],
    },
    {
      name: 'only a target port 8443 hints at TLS: warning',
      objects: webApp({
        deploy: { ports: [{ containerPort: 8443 }], readiness: null, liveness: null },
        svc: { ports: [{ port: 80, targetPort: 8443 }] },
      }),
      findings: [
        {
          cause: 'backend-protocol-mismatch',
          severity: 'warning',
          object: { kind: 'Ingress', name: 'web' },
          message: ['(target port 8443)'],
        },
      ],
    },
    {
      name: 'HTTPRoute without BackendTLSPolicy to a port named https-web',
      objects: [
        ...appOnly({ ...tlsPorts, svc: { ports: [{ name: 'https-web', port: 80, targetPort: 'https' }] } }),
        ...gw,
        httpRoute('web'),
      ],
      findings: [
        {
          cause: 'backend-protocol-mismatch',
          severity: 'error',
          object: { kind: 'HTTPRoute', name: 'web' },
          message: [
            'speaks cleartext HTTP',
            'HTTPRoute without BackendTLSPolicy',
            'expects HTTPS (container port 8443 is named "https")',
          ],
          fix: ['BackendTLSPolicy'],
        },
      ],
    },
    {
      name: 'ALB default HTTP to an https port',
      objects: webApp({
        ...tlsPorts,
        ingress: { className: 'alb', port: 443, annotations: {} },
        svc: { ports: [{ name: 'https', port: 443, targetPort: 'https' }] },
      }),
      findings: [
        {
          cause: 'backend-protocol-mismatch',
          severity: 'error',
          object: { kind: 'Ingress', name: 'web' },
          message: ['alb.ingress.kubernetes.io/backend-protocol: HTTP (default)'],
          fix: ['alb.ingress.kubernetes.io/backend-protocol: HTTPS'],
        },
      ],
    },
  ],
});
