import type { KindStrategy, StrategyContext } from './types.js';
import {
  type Cause,
  canonical,
  dns1123Label,
  duplicate,
  forbidden,
  invalidValue,
  isObj,
  list,
  nonNegative,
  type Obj,
  oneOf,
  port,
  portNameOrNumber,
  required,
} from './validation.js';

/** Probe defaults of k8s.io/api core/v1 (SetDefaults_Probe, SetDefaults_HTTPGetAction). */
function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (isObj(p.httpGet)) p.httpGet.scheme ??= 'HTTP';
}

function imagePullPolicy(image: unknown): string {
  const ref = typeof image === 'string' ? image.split('@')[0]! : '';
  const last = ref.split('/').pop() ?? '';
  const tag = last.includes(':') ? last.split(':').pop() : undefined;
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: unknown): void {
  if (!isObj(c)) return;
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.imagePullPolicy ??= imagePullPolicy(c.image);
  c.resources ??= {};
  for (const p of list(c.ports)) if (isObj(p)) p.protocol ??= 'TCP';
  for (const e of list(c.env)) {
    const ref = isObj(e) && isObj(e.valueFrom) ? e.valueFrom.fieldRef : undefined;
    if (isObj(ref)) ref.apiVersion ??= 'v1';
  }
  defaultProbe(c.readinessProbe);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.startupProbe);
}

/** SetDefaults_PodSpec and the container defaults: what every pod spec (and pod template) comes back with. */
export function defaultPodSpec(spec: unknown): void {
  if (!isObj(spec)) return;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork === true)
    spec.dnsPolicy = spec.dnsPolicy === 'ClusterFirst' ? 'ClusterFirst' : spec.dnsPolicy;
  for (const c of [...list(spec.containers), ...list(spec.initContainers)]) defaultContainer(c);
  for (const v of list(spec.volumes)) {
    if (isObj(v) && isObj(v.secret)) v.secret.defaultMode ??= 420;
    if (isObj(v) && isObj(v.configMap)) v.configMap.defaultMode ??= 420;
  }
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

function validateProbe(field: string, p: unknown, c: Obj): Cause[] {
  if (!isObj(p)) return [];
  const out: Cause[] = [];
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter(
    (h) => p[h] !== undefined && p[h] !== null,
  );
  if (handlers.length === 0) out.push(required(field, 'must specify a handler type'));
  if (handlers.length > 1)
    out.push(forbidden(`${field}.${handlers[1]}`, 'may not specify more than 1 handler type'));
  for (const k of ['timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'])
    if (p[k] !== undefined && (typeof p[k] !== 'number' || (p[k] as number) < 1))
      out.push(invalidValue(`${field}.${k}`, p[k], 'must be greater than or equal to 1'));
  const portOf = (h: unknown) => (isObj(h) ? h.port : undefined);
  for (const h of ['httpGet', 'tcpSocket']) {
    if (!isObj(p[h])) continue;
    const v = portOf(p[h]);
    out.push(...portNameOrNumber(`${field}.${h}.port`, v));
    if (typeof v === 'string' && !/^\d+$/.test(v) && !list(c.ports).some((cp) => isObj(cp) && cp.name === v))
      out.push(
        invalidValue(
          `${field}.${h}.port`,
          v,
          'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        ),
      );
  }
  if (isObj(p.httpGet)) out.push(...oneOf(`${field}.httpGet.scheme`, p.httpGet.scheme, ['HTTP', 'HTTPS']));
  return out;
}

function validateContainers(
  field: string,
  containers: unknown,
  volumes: Set<string>,
  requiredList: boolean,
): Cause[] {
  const out: Cause[] = [];
  const items = list(containers);
  if (requiredList && items.length === 0) return [required(field)];
  const names = new Set<string>();
  items.forEach((c, i) => {
    const f = `${field}[${i}]`;
    if (!isObj(c)) return;
    if (typeof c.name !== 'string' || c.name === '') out.push(required(`${f}.name`));
    else {
      out.push(...dns1123Label(`${f}.name`, c.name));
      if (names.has(c.name)) out.push(duplicate(`${f}.name`, c.name));
      names.add(c.name);
    }
    if (typeof c.image !== 'string' || c.image.trim() === '') out.push(required(`${f}.image`));
    const portNames = new Set<string>();
    list(c.ports).forEach((p, j) => {
      if (!isObj(p)) return;
      out.push(...port(`${f}.ports[${j}].containerPort`, p.containerPort));
      out.push(...oneOf(`${f}.ports[${j}].protocol`, p.protocol, ['TCP', 'UDP', 'SCTP']));
      if (typeof p.name === 'string') {
        out.push(...portNameOrNumber(`${f}.ports[${j}].name`, p.name));
        if (portNames.has(p.name)) out.push(duplicate(`${f}.ports[${j}].name`, p.name));
        portNames.add(p.name);
      }
    });
    list(c.env).forEach((e, j) => {
      if (isObj(e) && (typeof e.name !== 'string' || e.name === ''))
        out.push(required(`${f}.env[${j}].name`));
    });
    list(c.volumeMounts).forEach((m, j) => {
      if (!isObj(m)) return;
      if (typeof m.name !== 'string' || !volumes.has(m.name))
        out.push({
          field: `${f}.volumeMounts[${j}].name`,
          reason: 'FieldValueNotFound',
          message: `Not found: ${JSON.stringify(m.name)}`,
        });
      if (typeof m.mountPath !== 'string' || m.mountPath === '')
        out.push(required(`${f}.volumeMounts[${j}].mountPath`));
    });
    out.push(...validateProbe(`${f}.readinessProbe`, c.readinessProbe, c));
    out.push(...validateProbe(`${f}.livenessProbe`, c.livenessProbe, c));
    out.push(...validateProbe(`${f}.startupProbe`, c.startupProbe, c));
  });
  return out;
}

/** ValidatePodSpec, the parts that matter for the lab's kinds; `field` is where the spec sits (spec, spec.template.spec). */
export function validatePodSpec(field: string, spec: unknown): Cause[] {
  if (!isObj(spec)) return [required(field)];
  const out: Cause[] = [];
  const volumes = new Set<string>();
  list(spec.volumes).forEach((v, i) => {
    if (!isObj(v)) return;
    if (typeof v.name !== 'string' || v.name === '') out.push(required(`${field}.volumes[${i}].name`));
    else {
      if (volumes.has(v.name)) out.push(duplicate(`${field}.volumes[${i}].name`, v.name));
      volumes.add(v.name);
    }
  });
  out.push(...validateContainers(`${field}.containers`, spec.containers, volumes, true));
  out.push(...validateContainers(`${field}.initContainers`, spec.initContainers, volumes, false));
  out.push(...oneOf(`${field}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES));
  out.push(...oneOf(`${field}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES));
  out.push(...nonNegative(`${field}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds));
  if (
    spec.activeDeadlineSeconds !== undefined &&
    (typeof spec.activeDeadlineSeconds !== 'number' || spec.activeDeadlineSeconds < 1)
  )
    out.push(
      invalidValue(
        `${field}.activeDeadlineSeconds`,
        spec.activeDeadlineSeconds,
        'must be between 1 and 2147483647, inclusive',
      ),
    );
  return out;
}

/** The QoS class the kubelet and API compute from requests and limits. */
export function qosClass(spec: unknown): string {
  const containers = isObj(spec) ? list(spec.containers) : [];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const r = isObj(c) && isObj(c.resources) ? c.resources : {};
    const req = isObj(r.requests) ? r.requests : {};
    const lim = isObj(r.limits) ? r.limits : {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const res of ['cpu', 'memory']) {
      if (lim[res] === undefined || (req[res] !== undefined && String(req[res]) !== String(lim[res])))
        guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** What a pod update may change (ValidatePodUpdate): images, activeDeadlineSeconds, added tolerations. */
function podUpdateCauses(pod: Obj, old: Obj): Cause[] {
  const strip = (spec: unknown) => {
    const s = structuredClone(isObj(spec) ? spec : {}) as Obj;
    for (const c of [...list(s.containers), ...list(s.initContainers)]) if (isObj(c)) delete c.image;
    delete s.activeDeadlineSeconds;
    delete s.tolerations;
    delete s.terminationGracePeriodSeconds;
    return canonical(s);
  };
  const oldSpec = old.spec as Obj | undefined;
  const newSpec = pod.spec as Obj | undefined;
  // nodeName is set once by the scheduler (binding), never changed.
  if (oldSpec?.nodeName && newSpec?.nodeName !== oldSpec.nodeName)
    return [
      forbidden(
        'spec.nodeName',
        'pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      ),
    ];
  const a = { ...(oldSpec ?? {}) };
  const b = { ...(newSpec ?? {}) };
  delete a.nodeName;
  delete b.nodeName;
  if (strip(a) !== strip(b))
    return [
      forbidden(
        'spec',
        'pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      ),
    ];
  return [];
}

const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

export const podStrategy: KindStrategy = {
  statusSubresource: true,
  generation: false,
  name: 'subdomain',
  initialStatus: (obj) => ({ phase: 'Pending', qosClass: qosClass(obj.spec) }),
  defaults(obj) {
    defaultPodSpec(obj.spec);
  },
  admit(obj, ctx: StrategyContext) {
    const spec = obj.spec as Obj;
    if (!isObj(spec)) return;
    // ServiceAccount admission: the default account and its projected token volume.
    spec.serviceAccountName ??= (spec.serviceAccount as string | undefined) ?? 'default';
    spec.serviceAccount = spec.serviceAccountName;
    if (spec.automountServiceAccountToken !== false) {
      const name = `kube-api-access-${ctx.randomSuffix()}`;
      const hasMount = (c: unknown) =>
        list(isObj(c) ? c.volumeMounts : []).some((m) => isObj(m) && m.mountPath === SA_MOUNT);
      if (!list(spec.containers).every(hasMount)) {
        spec.volumes = [
          ...list(spec.volumes),
          {
            name,
            projected: {
              defaultMode: 420,
              sources: [
                { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
                { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                {
                  downwardAPI: {
                    items: [
                      { path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
                    ],
                  },
                },
              ],
            },
          },
        ];
        for (const c of list(spec.containers)) {
          if (isObj(c) && !hasMount(c))
            c.volumeMounts = [...list(c.volumeMounts), { name, mountPath: SA_MOUNT, readOnly: true }];
        }
      }
    }
    // DefaultTolerationSeconds admission.
    const tolerations = list(spec.tolerations) as Obj[];
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      if (!tolerations.some((t) => t.key === key))
        tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
    spec.tolerations = tolerations;
    // Priority admission.
    spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  validate(obj, old) {
    const out = validatePodSpec('spec', obj.spec);
    if (old) out.push(...podUpdateCauses(obj, old));
    return out;
  },
};
