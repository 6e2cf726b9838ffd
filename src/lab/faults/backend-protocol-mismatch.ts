import { appPods, findService, NAMES } from '../objects.js';
import type { LabFault } from './types.js';

const TLS_DIR = '/etc/web/tls';

/**
 * The app now serves HTTPS on 8443 (the Service targets the `https` port) but the Ingress still says
 * backend-protocol HTTP, so the controller speaks plain HTTP to a TLS listener.
 */
export const fault: LabFault = {
  id: 'backend-protocol-mismatch',
  summary: 'the app serves HTTPS on 8443; the Ingress backend protocol is still HTTP',
  symptom:
    '502 from the controller: "upstream prematurely closed connection" / "upstream sent no valid HTTP/1.0 header"',
  apply(model) {
    for (const pod of appPods(model.objects)) {
      const spec = pod.spec;
      if (!spec) continue;
      spec.volumes = [...(spec.volumes ?? []), { name: 'tls', secret: { secretName: 'web-tls' } }];
      for (const c of spec.containers) {
        c.ports = [{ name: 'https', containerPort: 8443, protocol: 'TCP' }];
        c.env = [
          ...(c.env ?? []).filter((e) => e.name !== 'PORT'),
          { name: 'PORT', value: '8443' },
          { name: 'TLS_CERT_FILE', value: `${TLS_DIR}/tls.crt` },
          { name: 'TLS_KEY_FILE', value: `${TLS_DIR}/tls.key` },
        ];
        c.volumeMounts = [...(c.volumeMounts ?? []), { name: 'tls', mountPath: TLS_DIR, readOnly: true }];
        for (const probe of [c.readinessProbe, c.livenessProbe]) {
          if (probe?.httpGet) {
            probe.httpGet.port = 'https';
            probe.httpGet.scheme = 'HTTPS';
          }
        }
      }
    }
    const svc = findService(model.objects, NAMES.appNamespace, NAMES.appService);
    for (const p of svc?.spec?.ports ?? []) p.targetPort = 'https';
  },
};
