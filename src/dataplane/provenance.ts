/** Provenance and settings in words, for reports and the `route` command. */
import type { ObjectRef } from '../cluster/types.js';
import type {
  DefaultSource,
  HealthCheckValue,
  Provenance,
  Setting,
  SettingEvidence,
  SettingId,
  SettingValue,
} from './types.js';
import { formatBytes, formatSeconds } from './values.js';

function objectName(r: ObjectRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/** "ConfigMap ingress-nginx/ingress-nginx-controller key proxy-read-timeout", "ingress-nginx default", … */
export function describeProvenance(p: Provenance): string {
  switch (p.kind) {
    case 'annotation':
      return `annotation ${p.key} on ${objectName(p.object)}`;
    case 'configmap':
      return `${objectName(p.object)} key ${p.key}`;
    case 'argument':
      return `argument ${p.arg}${p.expanded !== p.arg ? ` (= ${p.expanded})` : ''} of container ${p.container} in ${objectName(p.object)}`;
    case 'field':
      return `${objectName(p.object)} ${p.path}`;
    case 'convention':
      return p.text;
    case 'default': {
      const d = p.default;
      const who =
        d.family === 'kubernetes' ? 'Kubernetes' : d.family === 'gateway-api' ? 'Gateway API' : d.family;
      return `${who} default${d.version ? ` (${d.version})` : ''}`;
    }
  }
}

/** Where a default is written down, in one line. */
export function describeSource(s: DefaultSource): string {
  if ('url' in s) return s.url;
  if ('repo' in s) return `${s.repo} ${s.path}`;
  return `unsourced: ${s.unsourced}`;
}

export const SETTING_LABELS: Record<SettingId, string> = {
  'connect-timeout': 'connect timeout',
  'read-timeout': 'read timeout',
  'send-timeout': 'send timeout',
  'route-timeout': 'route timeout',
  'backend-request-timeout': 'backend request timeout',
  'client-keepalive-timeout': 'client keep-alive timeout',
  'upstream-keepalive-timeout': 'upstream keep-alive timeout',
  'upstream-keepalive-connections': 'upstream keep-alive connections',
  'retry-on': 'retry on',
  'retry-tries': 'retry tries',
  'buffer-size': 'proxy buffer size',
  'body-limit': 'request body limit',
  'backend-protocol': 'backend protocol',
  'lb-health-check': 'LB health check',
  'external-traffic-policy': 'externalTrafficPolicy',
};

const SECONDS = new Set<SettingId>([
  'connect-timeout',
  'read-timeout',
  'send-timeout',
  'route-timeout',
  'backend-request-timeout',
  'client-keepalive-timeout',
  'upstream-keepalive-timeout',
]);

function healthCheckText(h: HealthCheckValue): string {
  const port = h.port === 'traffic-port' ? 'the traffic port' : `port ${h.port}`;
  const what =
    h.path !== undefined
      ? `${h.protocol ?? 'HTTP'} ${h.path}`
      : (h.protocol ?? 'inferred from the readinessProbe');
  return `${what} on ${port}${h.intervalS !== undefined ? ` every ${h.intervalS} s` : ''} (${h.provider})`;
}

/** A setting's value in words: "60 s", "4 KiB", "3", "HTTP", "HTTP /healthz on port 10254". */
export function settingValueText(id: SettingId, value: SettingValue): string {
  if (typeof value === 'object') return healthCheckText(value);
  if (typeof value === 'string') return value;
  if (SECONDS.has(id)) return value === 0 ? '0 (no timeout)' : formatSeconds(value);
  if (id === 'buffer-size') return formatBytes(value);
  if (id === 'body-limit') return value === 0 ? '0 (no limit)' : formatBytes(value);
  return String(value);
}

/** "read timeout 5 s — ConfigMap ingress-nginx/ingress-nginx-controller key proxy-read-timeout". */
export function settingEvidence(id: SettingId, s: Setting): SettingEvidence {
  return {
    setting: id,
    label: SETTING_LABELS[id],
    value: settingValueText(id, s.value),
    from: describeProvenance(s.from),
  };
}

export function evidenceLine(e: SettingEvidence): string {
  return `${e.label} ${e.value} — ${e.from}`;
}
