import { tlsHosts } from '../../src/checks/tls-hosts.js';
import { tableTest } from './harness.js';
import { ingress, webApp } from './objects.js';

type Obj = Record<string, unknown>;
const withTls = (obj: Obj, tls: unknown[], extraHosts: string[] = []): Obj => {
  const spec = obj.spec as { rules: Obj[]; tls?: unknown[] };
  spec.tls = tls;
  for (const h of extraHosts) spec.rules.push({ ...(spec.rules[0] as Obj), host: h });
  return obj;
};

tableTest(tlsHosts, {
  valid: [
    { name: 'no spec.tls (TLS may end at the load balancer)', objects: webApp() },
    {
      name: 'rule host listed',
      objects: [withTls(ingress('web'), [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }])],
    },
    {
      name: 'wildcard TLS host covers a one-label host',
      objects: [
        withTls(ingress('web'), [{ hosts: ['*.example.com'], secretName: 'wild' }], ['api.example.com']),
      ],
    },
    {
      name: 'tls entry without hosts is not judged',
      objects: [withTls(ingress('web'), [{ secretName: 'shop-tls' }])],
    },
  ],
  invalid: [
    {
      name: 'a second rule host missing from spec.tls',
      objects: [
        withTls(
          ingress('web'),
          [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
          ['www.example.com'],
        ),
      ],
      findings: [
        {
          cause: 'tls-certificate-mismatch',
          severity: 'warning',
          object: { kind: 'Ingress', namespace: 'shop', name: 'web' },
          route: 'www.example.com/',
          message: ['terminates TLS for shop.example.com but not for its rule host www.example.com'],
          fix: ['Add www.example.com to spec.tls[].hosts'],
        },
      ],
    },
    {
      name: 'wildcard does not cover the apex or two labels',
      objects: [
        withTls(
          ingress('web', { host: 'example.com' }),
          [{ hosts: ['*.example.com'], secretName: 'wild' }],
          ['a.b.example.com'],
        ),
      ],
      findings: [
        {
          cause: 'tls-certificate-mismatch',
          severity: 'warning',
          object: { kind: 'Ingress', name: 'web' },
          message: ['rule host example.com'],
        },
        {
          cause: 'tls-certificate-mismatch',
          severity: 'warning',
          object: { kind: 'Ingress', name: 'web' },
          message: ['rule host a.b.example.com'],
        },
      ],
    },
  ],
});
