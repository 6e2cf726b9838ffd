import { healthCheckPath } from '../../src/checks/health-check-path.js';
import { tableTest } from './harness.js';
import { nginxController, webApp } from './objects.js';

const ALB = 'alb.ingress.kubernetes.io/healthcheck-path';
const albIngress = (annotations: Record<string, string> = {}) => ({ className: 'alb', annotations });
const backendConfig = (name: string, requestPath: string) => ({
  apiVersion: 'cloud.google.com/v1',
  kind: 'BackendConfig',
  metadata: { name, namespace: 'shop' },
  spec: { healthCheck: { requestPath, type: 'HTTP' } },
});

tableTest(healthCheckPath, {
  valid: [
    { name: 'ingress-nginx app without cloud LB annotations', objects: webApp() },
    {
      name: 'ALB health-check path equals the readinessProbe path',
      objects: webApp({ ingress: albIngress({ [ALB]: '/healthz' }) }),
    },
    {
      name: 'ALB gRPC target group without a path uses the gRPC health check, not "/"',
      objects: webApp({
        ingress: albIngress({ 'alb.ingress.kubernetes.io/backend-protocol-version': 'GRPC' }),
      }),
    },
    {
      name: 'ALB default "/" and a readinessProbe on "/"',
      objects: webApp({ ingress: albIngress(), deploy: { readiness: { path: '/', port: 'http' } } }),
    },
    {
      name: 'GKE BackendConfig requestPath equals the readinessProbe',
      objects: [
        ...webApp({
          ingress: { className: 'gce' },
          svc: { annotations: { 'cloud.google.com/backend-config': '{"default":"web-bc"}' } },
        }),
        backendConfig('web-bc', '/healthz'),
      ],
    },
    {
      name: 'GKE without BackendConfig infers from a readinessProbe on the serving port',
      objects: webApp({ ingress: { className: 'gce' } }),
    },
    {
      name: 'NLB path on the controller Service equals the controller readinessProbe',
      objects: [
        ...nginxController({
          serviceAnnotations: {
            'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/healthz',
            'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port': '10254',
          },
        }),
      ],
    },
    {
      name: 'ingress-nginx controller: /healthz on the traffic port is served by its default server (AKS docs setup)',
      objects: nginxController({
        serviceAnnotations: {
          'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/healthz',
        },
      }),
    },
    {
      name: 'Service annotations ignored with externalTrafficPolicy Local (kube-proxy health node port is probed)',
      objects: webApp({
        svc: {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          annotations: { 'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/' },
        },
      }),
    },
  ],
  invalid: [
    {
      name: 'ALB default "/" while the app is ready at /healthz (the seed\'s #1 cause): warning',
      objects: webApp({ ingress: albIngress() }),
      findings: [
        {
          cause: 'health-check-path-mismatch',
          severity: 'warning',
          object: { kind: 'Ingress', namespace: 'shop', name: 'web' },
          route: 'shop.example.com/',
          message: [
            'AWS ALB health check for Service shop/web requests /',
            'not set: ALB default',
            'checks /healthz on port 8080',
          ],
          fix: ['alb.ingress.kubernetes.io/healthcheck-path to /healthz'],
        },
      ],
    },
    {
      name: 'ALB path set on the Service overrides the Ingress and differs: error on the Service',
      objects: webApp({
        ingress: albIngress({ [ALB]: '/healthz' }),
        svc: { annotations: { [ALB]: '/health/api' } },
      }),
      findings: [
        {
          cause: 'health-check-path-mismatch',
          severity: 'error',
          object: { kind: 'Service', name: 'web' },
          message: ['requests /health/api (alb.ingress.kubernetes.io/healthcheck-path)'],
        },
      ],
    },
    {
      name: 'GKE BackendConfig per port with a different path: error on the BackendConfig',
      objects: [
        ...webApp({
          ingress: { className: 'gce' },
          svc: { annotations: { 'cloud.google.com/backend-config': '{"ports":{"80":"web-bc"}}' } },
        }),
        backendConfig('web-bc', '/'),
      ],
      findings: [
        {
          cause: 'health-check-path-mismatch',
          severity: 'error',
          object: { kind: 'BackendConfig', name: 'web-bc' },
          message: ['GKE load balancer', 'BackendConfig shop/web-bc spec.healthCheck.requestPath'],
        },
      ],
    },
    {
      name: 'GKE cannot infer from a readinessProbe on another port',
      objects: webApp({
        ingress: { className: 'gce' },
        deploy: {
          ports: [
            { name: 'http', containerPort: 8080 },
            { name: 'mgmt', containerPort: 9090 },
          ],
          readiness: { path: '/ready', port: 'mgmt' },
        },
      }),
      findings: [
        {
          cause: 'health-check-path-mismatch',
          severity: 'warning',
          object: { kind: 'Service', name: 'web' },
          message: ['cannot infer', 'port 9090 is not the serving port 8080', 'GET / on port 8080'],
          fix: ['requestPath: /ready'],
        },
      ],
    },
    {
      name: 'Azure AGIC probe path differs',
      objects: webApp({
        ingress: {
          className: 'azure-application-gateway',
          annotations: { 'appgw.ingress.kubernetes.io/health-probe-path': '/status' },
        },
      }),
      findings: [
        {
          cause: 'health-check-path-mismatch',
          severity: 'error',
          object: { kind: 'Ingress', name: 'web' },
          message: ['Azure Application Gateway', '/status'],
        },
      ],
    },
    {
      name: 'controller Service NLB path compared with the controller pods, not the app',
      objects: [
        ...webApp(),
        ...nginxController({
          serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/' },
        }),
      ],
      findings: [
        {
          cause: 'health-check-path-mismatch',
          severity: 'error',
          object: { kind: 'Service', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' },
          message: [
            'AWS NLB',
            'container controller in Deployment ingress-nginx/ingress-nginx-controller checks /healthz on port 10254',
          ],
        },
      ],
    },
    {
      name: 'app LoadBalancer Service: same path on the traffic port, readiness on a management port',
      objects: webApp({
        deploy: {
          ports: [
            { name: 'http', containerPort: 8080 },
            { name: 'mgmt', containerPort: 9090 },
          ],
          readiness: { path: '/healthz', port: 'mgmt' },
          liveness: { path: '/healthz', port: 'mgmt' },
        },
        svc: {
          type: 'LoadBalancer',
          annotations: {
            'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/healthz',
          },
        },
      }),
      findings: [
        {
          cause: 'health-check-path-mismatch',
          severity: 'warning',
          object: { kind: 'Service', namespace: 'shop', name: 'web' },
          message: ['Azure Load Balancer', 'requests /healthz on the traffic port (8080)', 'on port 9090'],
          fix: ['Point the LB health-check port at 9090'],
        },
      ],
    },
  ],
});
