import { proxyBufferSize } from '../../src/checks/proxy-buffer-size.js';
import { tableTest } from './harness.js';
import { configMap, nginxController, TIMEOUTS, webApp } from './objects.js';

const BUF = 'nginx.ingress.kubernetes.io/proxy-buffer-size';

tableTest(proxyBufferSize, {
  valid: [
    { name: 'not set (default 4k)', objects: webApp() },
    { name: 'raised to 16k', objects: webApp({ ingress: { annotations: { ...TIMEOUTS, [BUF]: '16k' } } }) },
    {
      name: 'not ingress-nginx',
      objects: webApp({ ingress: { className: 'alb', annotations: { [BUF]: '1k' } } }),
    },
  ],
  invalid: [
    {
      name: 'annotation below the default',
      objects: webApp({ ingress: { annotations: { ...TIMEOUTS, [BUF]: '1k' } } }),
      findings: [
        {
          cause: 'upstream-header-too-big',
          severity: 'warning',
          object: { kind: 'Ingress', namespace: 'shop', name: 'web' },
          route: 'shop.example.com/',
          message: [
            'annotation nginx.ingress.kubernetes.io/proxy-buffer-size is 1k (1024 bytes), below the 4k default',
          ],
          fix: ['"16k"'],
        },
      ],
    },
    {
      name: 'unparseable annotation',
      objects: webApp({ ingress: { annotations: { ...TIMEOUTS, [BUF]: 'big' } } }),
      findings: [
        {
          cause: 'upstream-header-too-big',
          severity: 'warning',
          object: { kind: 'Ingress', name: 'web' },
          message: ['"big", which nginx cannot parse'],
        },
      ],
    },
    {
      name: 'controller ConfigMap below the default: reported on the ConfigMap',
      objects: [
        ...webApp(),
        ...nginxController(),
        configMap('ingress-nginx-controller', 'ingress-nginx', { 'proxy-buffer-size': '2k' }),
      ],
      findings: [
        {
          cause: 'upstream-header-too-big',
          severity: 'warning',
          object: { kind: 'ConfigMap', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' },
          message: ['ConfigMap ingress-nginx/ingress-nginx-controller proxy-buffer-size is 2k'],
        },
      ],
    },
  ],
});
