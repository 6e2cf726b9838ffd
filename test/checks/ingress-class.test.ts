import { ingressClass } from '../../src/checks/ingress-class.js';
import { tableTest } from './harness.js';
import { ingressClass as cls, gateway, gatewayClass, httpRoute, webApp } from './objects.js';

tableTest(ingressClass, {
  valid: [
    { name: 'ingressClassName names an existing class', objects: [...webApp(), cls('nginx')] },
    {
      name: 'no class but a default IngressClass exists',
      objects: [...webApp({ ingress: { className: null } }), cls('nginx', true)],
    },
    {
      name: 'manifests without IngressClass objects: a named class cannot be judged unknown',
      objects: webApp({ ingress: { className: 'traefik' } }),
    },
    {
      name: 'HTTPRoute attached to an existing Gateway of a known class',
      objects: [gatewayClass('eg'), gateway('public', 'infra', 'eg'), httpRoute('web')],
    },
    { name: 'HTTPRoute whose Gateway is not in the input (files): not judged', objects: [httpRoute('web')] },
  ],
  invalid: [
    {
      name: 'unknown ingressClassName',
      objects: [...webApp({ ingress: { className: 'ngnix' } }), cls('nginx')],
      findings: [
        {
          cause: 'ingress-class-missing',
          severity: 'error',
          object: { kind: 'Ingress', namespace: 'shop', name: 'web' },
          route: 'shop.example.com/',
          message: ['IngressClass "ngnix", which does not exist (known: nginx)'],
          fix: ['spec.ingressClassName of Ingress shop/web'],
        },
      ],
    },
    {
      name: 'no class and no default IngressClass',
      objects: [...webApp({ ingress: { className: null } }), cls('nginx')],
      findings: [
        {
          cause: 'ingress-class-missing',
          severity: 'error',
          object: { kind: 'Ingress', name: 'web' },
          message: ['no ingressClassName and no IngressClass is marked default'],
          fix: ['ingressclass.kubernetes.io/is-default-class'],
        },
      ],
    },
    {
      name: 'no class, manifests only: warning that it relies on a default',
      objects: webApp({ ingress: { className: null } }),
      findings: [
        {
          cause: 'ingress-class-missing',
          severity: 'warning',
          object: { kind: 'Ingress', name: 'web' },
          message: ['relies on the cluster having a default IngressClass'],
        },
      ],
    },
    {
      name: 'legacy annotation naming no IngressClass',
      objects: [
        ...webApp({ ingress: { className: null, annotations: { 'kubernetes.io/ingress.class': 'public' } } }),
        cls('nginx', true),
      ],
      findings: [
        {
          cause: 'ingress-class-missing',
          severity: 'warning',
          object: { kind: 'Ingress', name: 'web' },
          message: ['kubernetes.io/ingress.class: "public"'],
        },
      ],
    },
    {
      name: 'HTTPRoute without parentRefs',
      objects: [gatewayClass('eg'), gateway('public', 'infra', 'eg'), httpRoute('web', { parents: [] })],
      findings: [
        {
          cause: 'ingress-class-missing',
          severity: 'error',
          object: { kind: 'HTTPRoute', name: 'web' },
          message: ['has no parentRefs'],
        },
      ],
    },
    {
      name: 'HTTPRoute parent Gateway missing, and a Gateway with an unknown class',
      objects: [
        gatewayClass('eg'),
        gateway('public', 'infra', 'eg'),
        gateway('internal', 'infra', 'istio'),
        httpRoute('web', {
          parents: [
            { name: 'pubic', namespace: 'infra' },
            { name: 'internal', namespace: 'infra' },
          ],
        }),
      ],
      findings: [
        {
          cause: 'ingress-class-missing',
          severity: 'error',
          object: { kind: 'HTTPRoute', name: 'web' },
          message: ['Gateway infra/pubic, which does not exist'],
        },
        {
          cause: 'ingress-class-missing',
          severity: 'error',
          object: { kind: 'HTTPRoute', name: 'web' },
          message: ['GatewayClass "istio", which does not exist (known: eg)'],
        },
      ],
    },
  ],
});
