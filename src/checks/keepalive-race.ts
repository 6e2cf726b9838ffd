import type { V1Container } from '@kubernetes/client-node';
import { settingEvidence } from '../dataplane/provenance.js';
import type { DataPlane, SettingEvidence } from '../dataplane/types.js';
import { parseDuration } from '../dataplane/values.js';
import { routedBackends, routeLabel } from '../graph/routed.js';
import type { Route } from '../graph/types.js';
import {
  distinctByOwner,
  podOwnerName,
  podRef,
  resolveTargetPort,
  servingContainer,
  targetPortOf,
} from './pod-spec.js';
import { list, strings } from './shape.js';
import type { Check, CheckFinding, Severity } from './types.js';

/** A backend's idle keep-alive timeout as far as the pod template shows it. */
export interface BackendKeepAlive {
  seconds: number;
  /** Where it was read: "env KEEP_ALIVE_TIMEOUT=5", "arg --keep-alive 2", "gunicorn default". */
  source: string;
  /** false when it is a framework default inferred from the command or image. */
  explicit: boolean;
}

const ENV_NAME = /KEEP_?ALIVE_?TIMEOUT/i;
const ARG_FLAGS = ['--keep-alive-timeout', '--keepalive-timeout', '--keep-alive', '--timeout-keep-alive'];

function envSeconds(name: string, value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/i.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]?.toLowerCase();
  // Unitless: *_MS names and values above 1000 are milliseconds (Node's server.keepAliveTimeout is in ms).
  if (unit === 'ms' || (!unit && (/_MS$/i.test(name) || n > 1000))) return n / 1000;
  return n;
}

/**
 * Read what the container says about its keep-alive timeout. Heuristic, documented in docs/decisions.md (catalog and checks):
 * env vars named like KEEP_ALIVE_TIMEOUT, the flags --keep-alive-timeout/--keepalive-timeout/--keep-alive
 * (gunicorn, seconds)/--timeout-keep-alive (uvicorn, seconds); else the defaults of gunicorn (2 s) and uvicorn
 * (5 s) when the command runs them, and Node.js (5 s) for node images.
 */
export function backendKeepAlive(container: V1Container): BackendKeepAlive | undefined {
  for (const env of list(container.env)) {
    if (!ENV_NAME.test(env.name) || env.value === undefined) continue;
    const seconds = envSeconds(env.name, env.value);
    if (seconds !== undefined) return { seconds, source: `env ${env.name}=${env.value}`, explicit: true };
  }
  const tokens = [...strings(container.command), ...strings(container.args)].flatMap((t) => t.split(/\s+/));
  for (let i = 0; i < tokens.length; i++) {
    for (const flag of ARG_FLAGS) {
      let value: string | undefined;
      if (tokens[i] === flag) value = tokens[i + 1];
      else if (tokens[i].startsWith(`${flag}=`)) value = tokens[i].slice(flag.length + 1);
      if (value === undefined) continue;
      const seconds = parseDuration(value);
      if (seconds !== undefined) return { seconds, source: `arg ${flag} ${value}`, explicit: true };
    }
  }
  const cmd = tokens.join(' ');
  if (/\bgunicorn\b/.test(cmd))
    return { seconds: 2, source: 'gunicorn default --keep-alive 2', explicit: false };
  if (/\buvicorn\b/.test(cmd))
    return { seconds: 5, source: 'uvicorn default --timeout-keep-alive 5', explicit: false };
  if (/(^|\/)node:/.test(container.image ?? '') || /^node(js)?$/.test(container.command?.[0] ?? '')) {
    return { seconds: 5, source: 'Node.js default server.keepAliveTimeout 5 s', explicit: false };
  }
  return undefined;
}

interface ProxyIdle {
  seconds: number;
  setting: string;
  evidence: SettingEvidence;
}

/** How long the proxy keeps an idle upstream connection for reuse, from the data-plane model. */
function proxyIdle(dataplane: DataPlane, route: Route): ProxyIdle | undefined {
  const family = dataplane.familyOf(route);
  if (family !== 'ingress-nginx' && family !== 'aws-alb') return undefined;
  const idle = dataplane.setting(route, 'upstream-keepalive-timeout');
  if (!idle) return undefined;
  const written =
    idle.from.kind === 'annotation' || idle.from.kind === 'configmap' ? idle.from.raw : undefined;
  if (family === 'ingress-nginx') {
    if (dataplane.setting(route, 'upstream-keepalive-connections')?.value === 0) return undefined; // keep-alive to upstreams is off
    return {
      seconds: idle.value,
      setting: `ingress-nginx upstream-keepalive-timeout ${written === undefined ? '60 s (default)' : written}`,
      evidence: settingEvidence('upstream-keepalive-timeout', idle),
    };
  }
  if (family === 'aws-alb') {
    return {
      seconds: idle.value,
      setting: `ALB idle_timeout.timeout_seconds ${written === undefined ? '60 (default)' : idle.value}`,
      evidence: settingEvidence('upstream-keepalive-timeout', idle),
    };
  }
  return undefined;
}

/**
 * The backend closes idle connections no later than the proxy reuses them: a request sent on a connection the
 * backend is closing gets "upstream prematurely closed connection" → 502. Judged for ingress-nginx (upstream
 * keep-alive) and AWS ALB (idle timeout), where the proxy's idle timeout is known.
 */
export const keepaliveRace: Check = {
  meta: {
    id: 'keepalive-race',
    hop: 5,
    causes: ['keepalive-race'],
    severity: 'warning',
    summary: "Backend keep-alive timeout not longer than the proxy's idle timeout",
    docs:
      'Compares the backend keep-alive timeout visible in the pod template (env KEEP_ALIVE_TIMEOUT-like, ' +
      '--keep-alive-timeout/--keep-alive/--timeout-keep-alive args; gunicorn 2 s, uvicorn 5 s and Node.js 5 s ' +
      'defaults) with ingress-nginx upstream-keepalive-timeout (default 60 s) or the ALB idle timeout (60 s). ' +
      'Explicit settings are warnings, inferred framework defaults info.',
  },
  run({ graph, dataplane }) {
    const findings: CheckFinding[] = [];
    const seen = new Set<string>();
    for (const { route, resolution } of routedBackends(graph)) {
      if (!resolution.servicePort || resolution.pods.length === 0) continue;
      const proxy = proxyIdle(dataplane, route);
      if (!proxy) continue;
      for (const pod of distinctByOwner(graph, resolution.pods)) {
        const tp = resolveTargetPort(pod, targetPortOf(resolution.servicePort));
        const container = servingContainer(pod, tp);
        if (!container) continue;
        const key = `${podOwnerName(graph, pod)}|${container.name}|${proxy.setting}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const backend = backendKeepAlive(container);
        if (!backend || backend.seconds > proxy.seconds) continue;
        const severity: Severity = backend.explicit ? 'warning' : 'info';
        findings.push({
          severity,
          object: podRef(graph, pod),
          route: routeLabel(route),
          message:
            `Container ${container.name} in ${podOwnerName(graph, pod)} closes idle connections after ${backend.seconds} s ` +
            `(${backend.source}), not later than the proxy reuses them (${proxy.setting})`,
          why: 'The proxy sends a request on a connection the backend is closing: "upstream prematurely closed connection" / "Connection reset by peer", sporadic 502s.',
          fix:
            `Make the backend's keep-alive timeout longer than ${proxy.seconds} s (e.g. ${proxy.seconds + 5} s; Node.js: ` +
            `server.keepAliveTimeout = ${(proxy.seconds + 5) * 1000} and headersTimeout above it), or lower the proxy's timeout below ${backend.seconds} s.`,
          settings: [proxy.evidence],
        });
      }
    }
    return findings;
  },
};
