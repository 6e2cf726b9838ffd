import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { deriveEndpoints } from '../../src/lab/endpoints.js';
import { FAULTS, parseFaults } from '../../src/lab/faults/index.js';
import { buildModel } from '../../src/lab/lab.js';
import { ANNOTATIONS, findService, labObjectList, NAMES } from '../../src/lab/objects.js';
import { podMtu } from '../../src/lab/render/cni.js';
import { clusterZone, publicZone } from '../../src/lab/render/dns.js';
import { loadBalancerPlan, renderHaproxyCfg } from '../../src/lab/render/haproxy.js';
import { renderNodeIptables } from '../../src/lab/render/kube-proxy.js';
import { renderNetworkScript, renderUnderlayNft } from '../../src/lab/render/network.js';
import { renderNginxConf } from '../../src/lab/render/nginx.js';
import { inCidr, labNamespaces, NODES, podHostIface, podNetns } from '../../src/lab/topology.js';

const PATHS = {
  prefix: '/s/nginx',
  errorLog: '/s/e.log',
  accessLog: '/s/a.log',
  tempDir: '/s/tmp',
};

/**
 * The model after the controllers ran, without running them: the pods the Deployments' ReplicaSets and the
 * kube-proxy DaemonSet make, placed as the lab's scheduler places them (system namespaces on node-1, the rest on
 * node-2), addressed from .10 of their node's pod CIDR, Ready; then the endpoint controller. The renderers read this.
 */
function running(m: ReturnType<typeof buildModel>): ReturnType<typeof buildModel> {
  const next = new Map<string, number>();
  const system = ['kube-system', 'ingress-nginx', 'nginx-gateway'];
  for (const d of m.objects.deployments) {
    const ns = d.metadata?.namespace ?? 'default';
    for (let i = 0; i < (d.spec?.replicas ?? 1); i++) {
      const node = NODES[system.includes(ns) ? 0 : NODES.length - 1] as (typeof NODES)[number];
      const host = next.get(node.name) ?? 10;
      next.set(node.name, host + 1);
      const ip = node.podCidr.replace(/\.0\/24$/, `.${host}`);
      m.objects.pods.push({
        metadata: {
          name: `${d.metadata?.name}-abc-${i}`,
          namespace: ns,
          labels: d.spec?.template.metadata?.labels,
        },
        spec: { ...structuredClone(d.spec?.template.spec), nodeName: node.name } as V1Pod['spec'],
        status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
      });
    }
  }
  for (const node of NODES) {
    m.objects.pods.push({
      metadata: {
        name: `kube-proxy-${node.index}`,
        namespace: 'kube-system',
        labels: { 'k8s-app': 'kube-proxy' },
      },
      spec: { containers: [], hostNetwork: true, nodeName: node.name },
      status: { phase: 'Running', podIP: node.ip, conditions: [{ type: 'Ready', status: 'True' }] },
    });
  }
  deriveEndpoints(m.objects);
  return m;
}

function model(...faults: string[]) {
  const chosen = parseFaults(faults);
  if ('error' in chosen) throw new Error(chosen.error);
  return running(buildModel('unit', chosen));
}

/** Every dotted quad in a text. */
function addresses(text: string): string[] {
  return [...text.matchAll(/\b(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})\b/g)].map((m) => m[1] as string);
}

describe('lab model: the healthy objects', () => {
  const m = model();

  it('derives EndpointSlices and Endpoints from the Services and the pods (named targetPort resolved)', () => {
    const slice = m.objects.endpointSlices.find(
      (s) => s.metadata?.labels?.['kubernetes.io/service-name'] === 'web',
    );
    assert.ok(slice);
    assert.deepEqual(slice.endpoints.map((e) => e.addresses[0]).sort(), ['198.18.17.10', '198.18.17.11']);
    assert.equal(slice.ports?.[0]?.port, 8080);
    const ep = m.objects.endpoints.find(
      (e) => e.metadata?.namespace === 'shop' && e.metadata?.name === 'web',
    );
    assert.equal(ep?.subsets?.[0]?.addresses?.length, 2);
    const api = m.objects.endpointSlices.find((s) => s.metadata?.name?.startsWith('kubernetes-'));
    assert.deepEqual(api?.endpoints[0]?.addresses, ['198.18.0.2']);
  });

  it('uses only addresses from 198.18.0.0/15', () => {
    const text = JSON.stringify(labObjectList(m.objects));
    const outside = addresses(text).filter((a) => !inCidr(a, '198.18.0.0/15') && a !== '0.0.0.0');
    assert.deepEqual(outside, []);
  });

  it('serves the wire format: NetworkPolicy peers under "from", dates as strings', () => {
    const list = labObjectList(m.objects);
    const np = list.items.find(
      (o) => (o as { kind: string; metadata: { name: string } }).metadata.name === 'allow-from-ingress-nginx',
    ) as { spec: { ingress: Record<string, unknown>[] } };
    assert.ok(np.spec.ingress[0]?.from);
    assert.equal(np.spec.ingress[0]?._from, undefined);
    assert.equal(
      typeof (list.items[0] as { metadata: { creationTimestamp: unknown } }).metadata.creationTimestamp,
      'string',
    );
  });

  it('describes the CNI in Calico format and takes the pod MTU from it', () => {
    const cm = m.objects.configMaps.find((c) => c.metadata?.name === 'calico-config');
    assert.equal(cm?.data?.calico_backend, 'vxlan');
    assert.equal(cm?.data?.veth_mtu, '1450');
    assert.equal(podMtu(m.objects, 1500), 1450);
    assert.equal(podMtu(m.objects, m.infra.underlayMtu), 1450);
  });

  it('names interfaces within 15 characters and namespaces with the lab prefix', () => {
    for (const w of m.objects.pods
      .filter((p) => !p.spec?.hostNetwork)
      .map((p) => ({
        hostIface: podHostIface(p.metadata?.namespace ?? '', p.metadata?.name ?? ''),
        netns: podNetns('unit', p.metadata?.namespace ?? '', p.metadata?.name ?? ''),
      }))) {
      assert.ok(w.hostIface.length <= 15, w.hostIface);
      assert.ok(w.netns.startsWith('idl-unit-pod-'), w.netns);
    }
    assert.equal(podHostIface('shop', 'web-1'), podHostIface('shop', 'web-1'));
    assert.notEqual(podHostIface('shop', 'web-1'), podHostIface('shop', 'web-2'));
    assert.equal(labNamespaces('x').nodes['node-1'], 'idl-x-node-1');
  });

  it('renders nginx upstreams from pod IPs with the Ingress annotations', () => {
    const conf = renderNginxConf(m.objects, PATHS);
    assert.match(
      conf,
      /upstream shop-web-http \{\n\s+server 198\.18\.17\.10:8080 max_fails=0;\n\s+server 198\.18\.17\.11:8080/,
    );
    assert.match(conf, /server_name app\.example\.test;/);
    assert.match(conf, /proxy_connect_timeout 3s;/);
    assert.match(conf, /proxy_buffer_size 4k;/);
    assert.match(conf, /location = \/healthz \{ access_log off; return 200; \}/);
  });

  it('renders the LB health check from the controller Service annotation', () => {
    const plan = loadBalancerPlan(m.objects);
    assert.equal(plan?.healthCheck.path, '/healthz');
    assert.deepEqual(
      plan?.backends.map((b) => `${b.address}:${b.port}`),
      NODES.map((n) => `${n.ip}:30080`),
    );
    assert.match(renderHaproxyCfg(m.objects), /http-check send meth GET uri \/healthz/);
    assert.match(renderHaproxyCfg(m.objects), /timeout server 60s/);
  });

  it('renders kube-proxy chains: NodePort → Service → endpoint DNAT, masquerade, policies', () => {
    const rules = renderNodeIptables(m, NODES[1] as (typeof NODES)[number]);
    assert.match(rules, /-A KUBE-NODEPORTS -p tcp .*--dport 30080 -j KUBE-EXT-/);
    assert.match(rules, /-j DNAT --to-destination 198\.18\.16\.10:80/);
    assert.match(rules, /-j DNAT --to-destination 198\.18\.17\.10:8080/);
    assert.match(rules, /MASQUERADE --random-fully/);
    // node-2 hosts the web pods: the policy admits the controller's pod and drops the rest.
    assert.match(
      rules,
      /-A cali-tw-\S+ -s 198\.18\.16\.10\/32 -m comment --comment "policy shop\/allow-from-ingress-nginx" -j ACCEPT/,
    );
    assert.match(rules, /cali: drop if no policies passed packet/);
  });

  it('builds the overlay bound to the underlay device, and no fragment filter, when healthy', () => {
    const names = labNamespaces('unit');
    const script = renderNetworkScript({ names, infra: m.infra, pods: [] }, { iptables: {}, nft: {} });
    assert.match(script, /type vxlan id 4096 local 198\.18\.0\.11 remote 198\.18\.0\.12 dev eth0/);
    assert.match(script, /mtu 1450 type vxlan/);
    assert.equal(renderUnderlayNft(m.infra), undefined);
    assert.doesNotMatch(script, /netns (add|exec) (?!idl-unit-)/);
    // Nothing runs in the host's namespace: every command names one of the lab's namespaces.
    const commands = script.split('\n').filter((l) => /^(ip|nsenter|sysctl|iptables|nft|bridge) /.test(l));
    assert.ok(commands.length > 10);
    for (const line of commands) {
      assert.match(
        line,
        /^(ip netns add idl-unit-|ip -n idl-unit-\S+ -batch -|nsenter --net=\/run\/netns\/idl-unit-)/,
        line,
      );
    }
  });

  it('publishes the app host at the LB address, in public and cluster DNS', () => {
    assert.deepEqual(publicZone(m.objects, m.infra).records['app.example.test'], ['198.19.0.1']);
    const cz = clusterZone(m.objects, m.infra);
    assert.deepEqual(cz.records['web.shop.svc.cluster.local'], ['198.18.129.20']);
    assert.deepEqual(cz.records['kube-dns.kube-system.svc.cluster.local'], ['198.18.128.10']);
  });
});

describe('lab faults change the objects and the infrastructure under them', () => {
  it('health-check-path-mismatch: the annotation path becomes "/"', () => {
    const m = model('health-check-path-mismatch');
    const svc = findService(m.objects, NAMES.controllerNamespace, NAMES.controllerService);
    assert.equal(svc?.metadata?.annotations?.[ANNOTATIONS.healthCheckPath], '/');
    assert.match(renderHaproxyCfg(m.objects), /uri \/\n/);
  });

  it('no-endpoints: the Service selects nothing, nginx answers 503', () => {
    const m = model('no-endpoints');
    const slice = m.objects.endpointSlices.find(
      (s) => s.metadata?.labels?.['kubernetes.io/service-name'] === 'web',
    );
    assert.equal(slice?.endpoints.length, 0);
    assert.match(
      renderNginxConf(m.objects, PATHS),
      /set \$proxy_upstream_name "shop-web-http";\n\s+return 503;/,
    );
    assert.match(
      renderNodeIptables(m, NODES[0] as (typeof NODES)[number]),
      /shop\/web:http has no endpoints/,
    );
  });

  it('target-port-mismatch: endpoints and upstreams carry the wrong port', () => {
    const m = model('target-port-mismatch');
    assert.match(renderNginxConf(m.objects, PATHS), /server 198\.18\.17\.10:8081/);
  });

  it('mtu-blackhole: pods at 1500, VXLAN at 1500 without dev, fragments dropped; the variant filters ICMP', () => {
    const m = model('mtu-blackhole');
    assert.equal(podMtu(m.objects, 1500), 1500);
    assert.deepEqual(m.infra.overlay, { mtu: 1500, boundToDevice: false });
    assert.match(renderUnderlayNft(m.infra) ?? '', /ip frag-off & 0x3fff != 0 counter drop/);
    const v = model('mtu-blackhole=icmp-filtered');
    assert.equal(podMtu(v.objects, 1500), 1500);
    assert.equal(v.infra.overlay.mtu, 1450);
    assert.match(
      renderNodeIptables(v, NODES[0] as (typeof NODES)[number]),
      /--icmp-type fragmentation-needed .*-j DROP/,
    );
  });

  it('network-policy-blocked: no ACCEPT for the controller remains', () => {
    const m = model('network-policy-blocked');
    const rules = renderNodeIptables(m, NODES[1] as (typeof NODES)[number]);
    assert.doesNotMatch(rules, /-A cali-tw-\S+ -s 198\.18\.16\.10\/32/);
    assert.match(
      rules,
      /-A cali-tw-\S+ -m comment --comment "cali: drop if no policies passed packet" -j DROP/,
    );
  });

  it('host-rule-mismatch, proxy-timeout, upstream-header-too-big, app-not-listening, backend-protocol-mismatch', () => {
    assert.match(
      renderNginxConf(model('host-rule-mismatch').objects, PATHS),
      /server_name app\.example\.com;/,
    );
    assert.match(renderNginxConf(model('proxy-timeout').objects, PATHS), /proxy_read_timeout 2s;/);
    const env = (m: ReturnType<typeof model>) =>
      Object.fromEntries(
        (m.objects.pods.find((p) => p.metadata?.namespace === 'shop')?.spec?.containers[0]?.env ?? []).map(
          (e) => [e.name, e.value],
        ),
      );
    assert.equal(env(model('proxy-timeout')).RESPONSE_DELAY_MS, '3000');
    assert.equal(env(model('upstream-header-too-big')).RESPONSE_HEADER_BYTES, '8192');
    assert.equal(env(model('app-not-listening')).HOST, '127.0.0.1');
    const tls = model('backend-protocol-mismatch');
    assert.equal(env(tls).TLS_CERT_FILE, '/etc/web/tls/tls.crt');
    assert.match(renderNginxConf(tls.objects, PATHS), /server 198\.18\.17\.10:8443/);
    assert.match(renderNginxConf(tls.objects, PATHS), /proxy_pass http:\/\/shop-web-http;/);
  });

  it('nodeport-blocked and dns-mismatch change only the infrastructure', () => {
    const np = model('nodeport-blocked');
    assert.match(
      renderNodeIptables(np, NODES[0] as (typeof NODES)[number]),
      /\*raw\n.*\n.*\n-A PREROUTING -s 198\.18\.0\.1\/32 -p tcp -m tcp --dport 30080 .*-j DROP/,
    );
    const dns = model('dns-mismatch');
    assert.deepEqual(publicZone(dns.objects, dns.infra).records['app.example.test'], ['198.19.0.99']);
    assert.deepEqual(
      findService(dns.objects, NAMES.controllerNamespace, NAMES.controllerService)?.status?.loadBalancer
        ?.ingress?.[0]?.ip,
      '198.19.0.1',
    );
  });

  it('kube-proxy-down: node-2 loses every KUBE- chain but keeps the CNI rules; kube-proxy is down there', () => {
    const m = model('kube-proxy-down');
    const n1 = renderNodeIptables(m, NODES[0] as (typeof NODES)[number]);
    const n2 = renderNodeIptables(m, NODES[1] as (typeof NODES)[number]);
    assert.match(n1, /KUBE-NODEPORTS/);
    assert.doesNotMatch(n2, /KUBE-/);
    assert.match(n2, /cni: masquerade pod egress/);
    assert.match(n2, /cali-FORWARD/);
    // The kubelet makes node-2's kube-proxy container crash-loop (tested on the lab itself).
    assert.deepEqual(m.infra.kubeProxyDown, ['node-2']);
  });

  it('service-not-found, service-port-not-found: nginx has no upstream for the route', () => {
    assert.match(
      renderNginxConf(model('service-not-found').objects, PATHS),
      /"upstream-default-backend";\n\s+return 503;/,
    );
    assert.match(
      renderNginxConf(model('service-port-not-found').objects, PATHS),
      /"upstream-default-backend";\n\s+return 503;/,
    );
  });

  it('combines faults', () => {
    const m = model('no-endpoints', 'dns-mismatch');
    assert.deepEqual(m.faults, ['no-endpoints', 'dns-mismatch']);
    assert.equal(
      m.objects.endpointSlices.find((s) => s.metadata?.name?.startsWith('web-'))?.endpoints.length,
      0,
    );
  });

  it('rejects unknown faults and variants, listing the known ones', () => {
    const unknown = parseFaults(['nope']);
    assert.ok('error' in unknown);
    for (const f of FAULTS) assert.ok(unknown.error.includes(f.id), f.id);
    const badVariant = parseFaults(['mtu-blackhole=wat']);
    assert.ok('error' in badVariant && badVariant.error.includes('icmp-filtered'));
    const noVariants = parseFaults(['no-endpoints=x']);
    assert.ok('error' in noVariants && noVariants.error.includes('takes none'));
  });

  it('every fault has a one-line summary and a symptom', () => {
    for (const f of FAULTS) {
      assert.ok(f.summary.length > 10 && !f.summary.includes('\n'), f.id);
      assert.ok(f.symptom.length > 10, f.id);
    }
  });
});
