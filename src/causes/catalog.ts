import { CAUSE_IDS, type Cause, type CauseId } from './types.js';

/*
 * The cause catalog: the single source of truth every part speaks in (checks, probes, verdict, reports, lab
 * faults). Signatures quote what users really see (status codes, exact log lines); confirm commands use
 * <placeholders> (<namespace>, <service>, <node-ip>, <node-port>, <lb-address>, <host>, <path>, <pod>, <ingress>,
 * <controller-namespace>, <controller-pod>, <port>, <target-port>) that reports fill in when known.
 * docs/causes.md and the README table are generated from this file (src/report/catalog-docs.ts).
 */

const K8S = 'https://kubernetes.io/docs';
const NGINX = 'https://kubernetes.github.io/ingress-nginx';
const GWAPI = 'https://gateway-api.sigs.k8s.io';
const AWSLBC = 'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest';

const entries: Cause[] = [
  {
    id: 'dns-mismatch',
    hop: 1,
    title: 'The host name does not resolve to the load balancer',
    signature: [
      'curl: (6) Could not resolve host: <host>',
      'the public URL times out or answers from another system, while curl with -H "Host: <host>" to <lb-address> works',
      'intermittent: some resolvers still return the previous load balancer address (TTL / propagation lag)',
    ],
    detection:
      'Live: diagnose resolves the host from the local vantage and compares the answers with the ' +
      'controller Service status.loadBalancer.ingress addresses (following CNAMEs to the LB host name).',
    fix:
      'Point the DNS record of <host> at the load balancer address shown in the Ingress/Gateway status ' +
      '(an A/AAAA record for an IP, a CNAME/alias for a host name) and wait for the old TTL to expire. ' +
      'With external-dns, check its logs for the record it manages.',
    confirm: [
      'dig +short <host>',
      'kubectl get ingress -n <namespace> <ingress> -o jsonpath="{.status.loadBalancer.ingress}"',
      'curl -sv -o /dev/null -H "Host: <host>" http://<lb-address>/',
    ],
    references: [
      `${K8S}/tasks/administer-cluster/dns-debugging-resolution/`,
      `${K8S}/concepts/services-networking/ingress/`,
      `${GWAPI}/api-types/gateway/`,
    ],
    live: 'DNS lookup vs LB address',
  },
  {
    id: 'tls-certificate-mismatch',
    hop: 1,
    title: 'The certificate served does not match the host (wrong SNI, fake or expired certificate)',
    signature: [
      "curl: (60) SSL: no alternative certificate subject name matches target host name '<host>'",
      'curl: (60) SSL certificate problem: unable to get local issuer certificate',
      'certificate subject "CN=Kubernetes Ingress Controller Fake Certificate" (ingress-nginx default certificate)',
      'browsers: NET::ERR_CERT_COMMON_NAME_INVALID / NET::ERR_CERT_DATE_INVALID',
    ],
    detection:
      'Live: diagnose runs a TLS handshake with SNI <host> against the load balancer and checks the served ' +
      'certificate names, issuer and validity. Static: tls-hosts flags Ingress rule hosts missing from spec.tls.',
    fix:
      'Reference a Secret whose certificate covers <host> in the Ingress spec.tls[].hosts/secretName ' +
      '(or the Gateway listener tls.certificateRefs), make sure the host is listed there exactly, and renew ' +
      'expired certificates. The fake certificate means the controller found no usable Secret for that host.',
    confirm: [
      'openssl s_client -connect <lb-address>:443 -servername <host> </dev/null 2>/dev/null | openssl x509 -noout -subject -ext subjectAltName -dates',
      'kubectl get ingress -n <namespace> <ingress> -o jsonpath="{.spec.tls}"',
      'kubectl get secret -n <namespace> <secret> -o jsonpath="{.data.tls\\.crt}" | base64 -d | openssl x509 -noout -subject -dates',
    ],
    references: [
      `${K8S}/concepts/services-networking/ingress/#tls`,
      `${NGINX}/user-guide/tls/`,
      `${GWAPI}/guides/tls/`,
    ],
    live: 'TLS handshake with SNI',
  },
  {
    id: 'health-check-path-mismatch',
    hop: 2,
    title: "The load balancer's health check probes a path/port the backend does not answer with 200",
    signature: [
      '502 Bad Gateway / 503 Service Unavailable from the load balancer, while pods are Running and Ready',
      'AWS: target health "unhealthy", reason Target.ResponseCodeMismatch "Health checks failed with these codes: [404]"',
      'GKE: annotation ingress.kubernetes.io/backends shows "UNHEALTHY" for the backend service',
      'Azure Application Gateway: "Backend server health: Unhealthy"; Azure LB probe down for every node',
    ],
    detection:
      'Static: health-check-path compares the LB health-check path/port (AWS ALB/NLB annotations, GKE ' +
      'BackendConfig or the readinessProbe GKE infers from, Azure AGIC/AKS annotations) with the readinessProbe ' +
      'of the pods behind the Service (for the ingress controller Service: the controller pods). ' +
      'Live: diagnose requests the health-check path on a NodePort the way the LB does.',
    fix:
      'Set the LB health-check path to the readinessProbe path (or add the path to the app): e.g. ' +
      'alb.ingress.kubernetes.io/healthcheck-path: /healthz, BackendConfig spec.healthCheck.requestPath: /healthz, ' +
      'appgw.ingress.kubernetes.io/health-probe-path: /healthz.',
    confirm: [
      'kubectl get svc -n <namespace> <service> -o jsonpath="{.metadata.annotations}"',
      'kubectl get pod -n <namespace> <pod> -o jsonpath="{.spec.containers[*].readinessProbe}"',
      'curl -s -o /dev/null -w "%{http_code}\\n" http://<node-ip>:<node-port><path>',
      'aws elbv2 describe-target-health --target-group-arn <target-group-arn>',
    ],
    references: [
      `${AWSLBC}/guide/ingress/annotations/#health-check`,
      `${AWSLBC}/guide/service/annotations/#health-check`,
      'https://cloud.google.com/kubernetes-engine/docs/concepts/ingress#health_checks',
      'https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration#direct_health',
      'https://learn.microsoft.com/en-us/azure/application-gateway/ingress-controller-annotations',
      'https://cloud-provider-azure.sigs.k8s.io/topics/loadbalancer/#custom-load-balancer-health-probe',
    ],
    live: 'health-check path on a NodePort',
  },
  {
    id: 'nodeport-blocked',
    hop: 2,
    title: 'A firewall or security group drops traffic from the load balancer to the NodePort',
    signature: [
      '504 Gateway Timeout from the load balancer; all targets unhealthy',
      'AWS: target health reason Target.Timeout "Request timed out"',
      'curl http://<node-ip>:<node-port> from outside the node hangs, from inside the node it works',
    ],
    detection:
      'Live: diagnose connects to <node-ip>:<node-port> from the local vantage and from a node vantage; ' +
      'a timeout outside and a success inside means something between LB and node drops it.',
    fix:
      'Allow the load balancer (its subnets or security group) to reach the NodePort range 30000-32767 ' +
      '(or the health-check node port) in the node security group / NSG / VPC firewall rule.',
    confirm: [
      'kubectl get svc -n <controller-namespace> <service> -o wide',
      'curl -sv --max-time 5 -o /dev/null http://<node-ip>:<node-port>/',
      'kubectl debug node/<node> -it --image=nicolaka/netshoot -- curl -sv -o /dev/null http://127.0.0.1:<node-port>/',
    ],
    references: [
      `${K8S}/concepts/services-networking/service/#type-nodeport`,
      'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html',
      'https://cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules',
      'https://learn.microsoft.com/en-us/azure/aks/concepts-network',
    ],
    live: 'TCP connect to the NodePort from outside vs inside',
  },
  {
    id: 'kube-proxy-down',
    hop: 3,
    title: 'kube-proxy is not running (or not programming rules) on a node',
    signature: [
      'curl http://<node-ip>:<node-port> is refused or hangs on some nodes only',
      'kube-proxy pod in CrashLoopBackOff or missing from a node',
      'iptables -t nat -L KUBE-NODEPORTS lacks the port (or nft list table ip kube-proxy lacks it)',
    ],
    detection:
      'Live: diagnose compares NodePort reachability node by node and reads the kube-proxy pods on each node.',
    fix:
      'Restart or repair kube-proxy on the node (kubectl -n kube-system rollout restart ds/kube-proxy), ' +
      'check its logs for sync errors; with a kube-proxy replacement (Cilium), check the agent on that node.',
    confirm: [
      'kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide',
      'kubectl -n kube-system logs <kube-proxy-pod> --tail=50',
      'iptables-save -t nat | grep -- "--dport <node-port>"',
    ],
    references: [
      `${K8S}/reference/networking/virtual-ips/`,
      `${K8S}/reference/command-line-tools-reference/kube-proxy/`,
      `${K8S}/tasks/debug/debug-application/debug-service/#is-kube-proxy-working`,
    ],
    live: 'NodePort reachability per node',
  },
  {
    id: 'conntrack-exhaustion',
    hop: 3,
    title: 'The conntrack table is full and new connections are dropped',
    signature: [
      'nf_conntrack: table full, dropping packet',
      'random 502/504 bursts at peak load while CPU and memory are fine',
      '/proc/sys/net/netfilter/nf_conntrack_count equal to nf_conntrack_max',
    ],
    detection:
      'Live: diagnose reads nf_conntrack_count and nf_conntrack_max (and conntrack -S drop/insert_failed) ' +
      'on the nodes on the path.',
    fix:
      'Enable HTTP keep-alive between the proxy and the backends and between clients and the LB to cut ' +
      'connection churn (checklist 6); then, if needed, raise the ceiling: kube-proxy --conntrack-max-per-core ' +
      'or sysctl net.netfilter.nf_conntrack_max on the nodes.',
    confirm: [
      'dmesg | grep conntrack',
      'cat /proc/sys/net/netfilter/nf_conntrack_count /proc/sys/net/netfilter/nf_conntrack_max',
      'conntrack -S',
    ],
    references: [
      'https://docs.kernel.org/networking/nf_conntrack-sysctl.html',
      `${K8S}/reference/command-line-tools-reference/kube-proxy/`,
    ],
    checklist: 6,
    live: 'conntrack count/max on nodes',
  },
  {
    id: 'host-rule-mismatch',
    hop: 4,
    title: 'No Ingress/HTTPRoute rule matches the Host header and path (the controller routes nowhere)',
    signature: [
      '404 Not Found from the controller ("default backend - 404" on older ingress-nginx)',
      'curl http://<lb-address> returns 404 while curl -H "Host: <host>" http://<lb-address> works',
      'Envoy-based gateways: 404 with response flag NR (no route configured)',
    ],
    detection:
      'Live: diagnose requests the LB with and without the Host header and resolves host/path against the ' +
      'route graph; static: duplicate-route and ingress-class checks catch rules the controller ignores.',
    fix:
      'Make the rule match what clients send: spec.rules[].host (Ingress) or spec.hostnames (HTTPRoute) equal ' +
      'to the public host, and a path/pathType that covers the request path (Prefix "/" for everything).',
    confirm: [
      'curl -sv -o /dev/null -H "Host: <host>" http://<lb-address><path>',
      'kubectl get ingress -A -o wide',
      'kubectl get httproute -A -o jsonpath="{range .items[*]}{.metadata.namespace}/{.metadata.name} {.spec.hostnames}{\\"\\n\\"}{end}"',
    ],
    references: [
      `${K8S}/concepts/services-networking/ingress/#name-based-virtual-hosting`,
      `${K8S}/concepts/services-networking/ingress/#path-types`,
      `${GWAPI}/api-types/httproute/`,
    ],
    live: 'HTTP to the LB with and without Host',
  },
  {
    id: 'service-not-found',
    hop: 4,
    title: 'The route names a Service that does not exist',
    signature: [
      '503 Service Temporarily Unavailable from ingress-nginx',
      'ingress-nginx log: Error obtaining Endpoints for Service "<namespace>/<service>": no object matching key "<namespace>/<service>" in local store',
      'kubectl describe ingress: <service>:<port> (<error: endpoints "<service>" not found>)',
      'Gateway API: HTTP 500; route condition ResolvedRefs=False reason BackendNotFound',
    ],
    detection: 'Static: backend-refs follows every Ingress backend and HTTPRoute backendRef to its Service.',
    fix:
      'Fix the backend service name (Ingress spec.rules[].http.paths[].backend.service.name, HTTPRoute ' +
      "backendRefs[].name) or create the Service in the route's namespace (cross-namespace HTTPRoute " +
      'backends also need a ReferenceGrant).',
    confirm: [
      'kubectl get svc -n <namespace> <service>',
      'kubectl describe ingress -n <namespace> <ingress>',
      'kubectl get httproute -n <namespace> <route> -o jsonpath="{.status.parents[*].conditions}"',
    ],
    references: [
      `${K8S}/concepts/services-networking/ingress/#the-ingress-resource`,
      `${GWAPI}/api-types/httproute/#backendrefs-optional`,
      `${NGINX}/troubleshooting/`,
    ],
    live: 'route resolution against the live API',
  },
  {
    id: 'service-port-not-found',
    hop: 4,
    title: 'The route names a port the Service does not have',
    signature: [
      '503 Service Temporarily Unavailable from ingress-nginx: the upstream for that port has no endpoints',
      'kubectl describe ingress lists the backend <service>:<port> without endpoints',
      'Gateway API: HTTP 500; route condition ResolvedRefs=False',
    ],
    detection:
      'Static: backend-refs compares backend.service.port.number/name (HTTPRoute backendRefs[].port) with the ' +
      "Service's spec.ports.",
    fix:
      'Use a port the Service exposes: backend.service.port.number equal to a spec.ports[].port (not the ' +
      'targetPort or nodePort), or backend.service.port.name equal to a spec.ports[].name.',
    confirm: [
      'kubectl get svc -n <namespace> <service> -o jsonpath="{.spec.ports}"',
      'kubectl get ingress -n <namespace> <ingress> -o yaml',
    ],
    references: [
      `${K8S}/concepts/services-networking/ingress/#the-ingress-resource`,
      `${K8S}/concepts/services-networking/service/#field-spec-ports`,
      `${GWAPI}/api-types/httproute/#backendrefs-optional`,
    ],
    live: 'route resolution against the live API',
  },
  {
    id: 'no-endpoints',
    hop: 4,
    title: 'The Service has no ready endpoints (selector matches no pods, or all are unready)',
    signature: [
      '503 Service Temporarily Unavailable from ingress-nginx',
      'ingress-nginx log: Service "<namespace>/<service>" does not have any active Endpoint',
      'Envoy-based gateways: 503 "no healthy upstream" (response flag UH)',
      'kubectl get endpoints <service> shows <none>',
    ],
    detection:
      'Static: service-endpoints checks that the selector matches pods, and (live) that some endpoint is ready, ' +
      'with the reason from pod conditions and container statuses. Live: diagnose reads the EndpointSlices.',
    fix:
      'Make the Service spec.selector equal to labels the pods carry (kubectl get pods --show-labels), or fix ' +
      'why pods are not Ready (failing readinessProbe, CrashLoopBackOff). A Service without selector needs ' +
      'EndpointSlices/Endpoints you manage.',
    confirm: [
      'kubectl get endpointslices -n <namespace> -l kubernetes.io/service-name=<service>',
      'kubectl get svc -n <namespace> <service> -o jsonpath="{.spec.selector}"',
      'kubectl get pods -n <namespace> --show-labels',
      'kubectl describe pod -n <namespace> <pod>',
    ],
    references: [
      `${K8S}/tasks/debug/debug-application/debug-service/#does-the-service-have-any-endpoints`,
      `${K8S}/concepts/services-networking/endpoint-slices/`,
      `${K8S}/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/`,
    ],
    live: 'EndpointSlice readiness',
  },
  {
    id: 'target-port-mismatch',
    hop: 4,
    title: "The Service targetPort is not a port the pods' containers expose",
    signature: [
      '502 Bad Gateway from the controller',
      'ingress-nginx log: connect() failed (111: Connection refused) while connecting to upstream',
      'Envoy: "upstream connect error or disconnect/reset before headers. reset reason: connection failure"',
      'endpoints exist, but curl http://<pod-ip>:<target-port> is refused',
    ],
    detection:
      'Static: target-port resolves spec.ports[].targetPort (number or name) against the containerPorts of ' +
      'every selected pod (or pod template).',
    fix:
      'Set the Service spec.ports[].targetPort to the port the app listens on (a number, or the name of a ' +
      'containers[].ports[] entry), and declare that containerPort in the pod template.',
    confirm: [
      'kubectl get svc -n <namespace> <service> -o jsonpath="{.spec.ports}"',
      'kubectl get pod -n <namespace> <pod> -o jsonpath="{.spec.containers[*].ports}"',
      'kubectl exec -n <namespace> <debug-pod> -- curl -sv -o /dev/null http://<pod-ip>:<target-port>/',
    ],
    references: [
      `${K8S}/concepts/services-networking/service/#defining-a-service`,
      `${K8S}/tasks/debug/debug-application/debug-service/`,
    ],
    live: 'TCP connect to pod IP:targetPort',
  },
  {
    id: 'mtu-blackhole',
    hop: 5,
    title: 'Oversized overlay packets are dropped (MTU blackhole): small requests work, large bodies hang',
    signature: [
      '504 Gateway Timeout on large responses only; /healthz and small pages return 200',
      'ingress-nginx log: upstream timed out (110: Connection timed out) while reading upstream',
      'ping -M do -s 1472 <pod-ip> from another node fails while ping -s 1372 works',
      'curl of a large asset stalls after the first bytes',
    ],
    detection:
      'Live: mtu and diagnose send DF-bit pings of growing size pod↔pod across nodes and fetch a large body. ' +
      "Static: cni-mtu-mismatch compares the CNI's configured MTU with the underlay MTU minus the overlay " +
      'overhead (VXLAN 50 bytes).',
    fix:
      'Lower the CNI MTU to the underlay MTU minus the overlay overhead (e.g. 1450 for VXLAN on 1500), or ' +
      'raise the underlay MTU (jumbo frames); roll the CNI pods node by node afterwards.',
    confirm: [
      'kubectl exec -n <namespace> <debug-pod> -- ping -M do -s 1472 -c 3 <pod-ip>',
      'kubectl exec -n <namespace> <debug-pod> -- ip link show eth0',
      'curl -s -o /dev/null -w "%{http_code} %{size_download}\\n" --max-time 20 https://<host>/<large-path>',
    ],
    references: [
      'https://docs.tigera.io/calico/latest/networking/configuring/mtu',
      'https://docs.cilium.io/en/stable/network/concepts/routing/',
      'https://github.com/flannel-io/flannel/blob/master/Documentation/backends.md',
    ],
    checklist: 1,
    live: 'DF-bit ping sweep + large body fetch',
  },
  {
    id: 'network-policy-blocked',
    hop: 5,
    title: "A NetworkPolicy blocks the ingress controller's pods from the backend",
    signature: [
      '504 Gateway Timeout (SYNs dropped silently)',
      'ingress-nginx log: upstream timed out (110: Connection timed out) while connecting to upstream',
      'Envoy: "upstream connect error or disconnect/reset before headers. reset reason: connection timeout"',
      'kubectl port-forward works (it does not cross the policy) but the Ingress does not',
    ],
    detection:
      'Static: network-policy-controller evaluates the ingress NetworkPolicies selecting the backend pods ' +
      'against the controller pods (namespace labels, pod labels, port). Live: diagnose connects from a probe pod.',
    fix:
      'Add an ingress rule to a policy selecting the backend pods that admits the controller: from ' +
      'namespaceSelector {kubernetes.io/metadata.name: <controller-namespace>} plus podSelector with the ' +
      'controller pod labels, on the targetPort.',
    confirm: [
      'kubectl get networkpolicy -n <namespace> -o yaml',
      'kubectl exec -n <controller-namespace> <controller-pod> -- curl -sv --max-time 5 -o /dev/null http://<pod-ip>:<target-port>/',
    ],
    references: [
      `${K8S}/concepts/services-networking/network-policies/`,
      `${K8S}/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors`,
    ],
    live: 'connect from the controller namespace',
  },
  {
    id: 'backend-protocol-mismatch',
    hop: 5,
    title: 'The proxy speaks HTTP to a backend that expects HTTPS/gRPC (or the reverse)',
    signature: [
      'ingress-nginx log: SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream',
      'SSL routines:ssl3_get_record:wrong version number',
      'ingress-nginx log: upstream prematurely closed connection while reading response header from upstream',
      '400 "The plain HTTP request was sent to HTTPS port" / 502 for gRPC backends reached over HTTP/1.1',
    ],
    detection:
      'Static: backend-protocol compares nginx.ingress.kubernetes.io/backend-protocol (default HTTP), or an ' +
      'HTTPRoute with/without BackendTLSPolicy, with the Service port appProtocol, name and target port. ' +
      'Live: diagnose speaks both protocols to the pod.',
    fix:
      'Make both sides agree: set nginx.ingress.kubernetes.io/backend-protocol: "HTTPS" (or GRPC/GRPCS) for ' +
      'a TLS/gRPC backend, attach a BackendTLSPolicy to the Service for Gateway API, or serve plain HTTP on ' +
      "the backend port and set the Service port's appProtocol to match.",
    confirm: [
      'kubectl get ingress -n <namespace> <ingress> -o jsonpath="{.metadata.annotations}"',
      'kubectl get svc -n <namespace> <service> -o jsonpath="{.spec.ports}"',
      'kubectl exec -n <namespace> <debug-pod> -- curl -skv -o /dev/null https://<pod-ip>:<target-port>/',
    ],
    references: [
      `${NGINX}/user-guide/nginx-configuration/annotations/#backend-protocol`,
      `${K8S}/concepts/services-networking/service/#application-protocol`,
      `${GWAPI}/api-types/backendtlspolicy/`,
    ],
    live: 'HTTP and TLS handshake to the pod',
  },
  {
    id: 'app-not-listening',
    hop: 5,
    title: 'The app is not listening on the pod IP (bound to 127.0.0.1, wrong port, still starting)',
    signature: [
      '502 Bad Gateway from the controller',
      'ingress-nginx log: connect() failed (111: Connection refused) while connecting to upstream',
      'Envoy: "upstream connect error or disconnect/reset before headers. reset reason: connection failure"',
      'kubectl port-forward works (it connects to localhost inside the pod) but the Service does not',
    ],
    detection:
      'Live only: diagnose connects to <pod-ip>:<target-port> from a probe pod and reads the listening sockets.',
    fix:
      'Bind the server to 0.0.0.0 (or ::) instead of 127.0.0.1/localhost, on the port the Service targets; ' +
      'add a readinessProbe on that port so unready pods leave the endpoints.',
    confirm: [
      'kubectl exec -n <namespace> <pod> -- ss -ltnp',
      'kubectl exec -n <namespace> <debug-pod> -- curl -sv -o /dev/null http://<pod-ip>:<target-port>/',
    ],
    references: [
      `${K8S}/tasks/debug/debug-application/debug-service/#is-the-pod-working`,
      `${NGINX}/troubleshooting/`,
    ],
    live: 'TCP connect to pod IP:targetPort',
  },
  {
    id: 'keepalive-race',
    hop: 5,
    title: 'The backend closes idle keep-alive connections before the proxy/LB does',
    signature: [
      'sporadic 502 Bad Gateway under light or bursty load, not reproducible with single requests',
      'ingress-nginx log: upstream prematurely closed connection while reading response header from upstream',
      'ingress-nginx log: recv() failed (104: Connection reset by peer) while reading response header from upstream',
      'Envoy: "upstream connect error or disconnect/reset before headers. reset reason: connection termination"',
      'AWS ALB: HTTP 502 with elb_status_code 502 and target_status_code "-"',
    ],
    detection:
      'Static: keepalive-race compares the backend keep-alive timeout visible in the pod template ' +
      '(KEEP_ALIVE_TIMEOUT-style env vars, --keep-alive-timeout args) with the controller ConfigMap ' +
      'upstream-keepalive-timeout (ingress-nginx default 60 s). Live: diagnose reuses one connection across ' +
      'an idle gap longer than the backend timeout.',
    fix:
      "Make the backend's idle timeout longer than every proxy in front of it (e.g. Node.js " +
      "server.keepAliveTimeout = 65000 and headersTimeout = 66000 behind a 60 s LB), or lower the proxy's " +
      "upstream-keepalive-timeout below the backend's.",
    confirm: [
      'kubectl get configmap -n <controller-namespace> <controller-configmap> -o yaml',
      'kubectl get deploy -n <namespace> <deployment> -o jsonpath="{.spec.template.spec.containers[*].env}"',
      'kubectl logs -n <controller-namespace> <controller-pod> | grep -E "prematurely closed|reset by peer"',
    ],
    references: [
      `${NGINX}/user-guide/nginx-configuration/configmap/#upstream-keepalive-timeout`,
      'https://nodejs.org/api/http.html#serverkeepalivetimeout',
      'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout',
    ],
    live: 'reused connection across an idle gap',
  },
  {
    id: 'proxy-timeout',
    hop: 5,
    title: 'The backend answers slower than the proxy read/send timeout',
    signature: [
      '504 Gateway Timeout after exactly the proxy timeout (ingress-nginx 60 s, Envoy route timeout 15 s)',
      'ingress-nginx log: upstream timed out (110: Connection timed out) while reading response header from upstream',
      'Envoy: 504 "upstream request timeout" (response flag UT)',
    ],
    detection:
      'Live: diagnose times a request and compares the elapsed time with the configured timeouts. ' +
      'Static: timeouts-explicit flags routes that rely on defaults (checklist 4).',
    fix:
      'Set the timeout to what the endpoint needs: nginx.ingress.kubernetes.io/proxy-read-timeout and ' +
      'proxy-send-timeout (seconds) on the Ingress, HTTPRoute rules[].timeouts.request/backendRequest; ' +
      'keep the cloud LB idle timeout above it. Better: make slow endpoints asynchronous.',
    confirm: [
      'curl -s -o /dev/null -w "%{http_code} %{time_total}\\n" -H "Host: <host>" http://<lb-address><path>',
      'kubectl logs -n <controller-namespace> <controller-pod> | grep "upstream timed out"',
    ],
    references: [
      `${NGINX}/user-guide/nginx-configuration/annotations/#custom-timeouts`,
      `${GWAPI}/api-types/httproute/#timeouts-optional`,
    ],
    live: 'request duration vs configured timeout',
  },
  {
    id: 'upstream-header-too-big',
    hop: 5,
    title: "The backend's response headers exceed the proxy buffer",
    signature: [
      '502 Bad Gateway on some responses only (large cookies, many Set-Cookie or long auth headers)',
      'ingress-nginx log: upstream sent too big header while reading response header from upstream',
    ],
    detection:
      'Static: proxy-buffer-size flags an explicit nginx.ingress.kubernetes.io/proxy-buffer-size below the ' +
      'ingress-nginx default (4k). Live: diagnose measures the response header size of the route.',
    fix:
      'Raise nginx.ingress.kubernetes.io/proxy-buffer-size (e.g. "16k") on the Ingress or proxy-buffer-size in ' +
      'the controller ConfigMap, or shrink the headers (cookies) the backend sends.',
    confirm: [
      'kubectl exec -n <namespace> <debug-pod> -- curl -s -D - -o /dev/null http://<service>.<namespace>:<port><path> | wc -c',
      'kubectl logs -n <controller-namespace> <controller-pod> | grep "too big header"',
    ],
    references: [
      `${NGINX}/user-guide/nginx-configuration/annotations/#proxy-buffer-size`,
      `${NGINX}/user-guide/nginx-configuration/configmap/#proxy-buffer-size`,
    ],
    live: 'response header size',
  },
  {
    id: 'missing-default-deny',
    hop: 5,
    title: 'The namespace has no default-deny NetworkPolicy',
    signature: [
      'no symptom until it matters: every pod can reach every other pod (the frontend can reach the billing database)',
    ],
    detection:
      'Static: default-deny looks in each namespace with routed backends or pods for a policy with ' +
      'podSelector {} that denies ingress (policyTypes [Ingress] without ingress rules, or no policyTypes and ' +
      'no ingress field).',
    fix:
      'Add a default-deny policy (podSelector: {}, policyTypes: [Ingress]) to the namespace, then explicit ' +
      'allow policies: from the ingress controller namespace to the routed pods, and between tiers as needed.',
    confirm: ['kubectl get networkpolicy -n <namespace>'],
    references: [`${K8S}/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic`],
    checklist: 3,
  },
  {
    id: 'timeouts-not-explicit',
    hop: 5,
    title: 'The route relies on default proxy timeouts',
    signature: [
      'no symptom until a request takes longer than the default (ingress-nginx 60 s, Envoy 15 s): then 504',
    ],
    detection:
      'Static: timeouts-explicit checks ingress-nginx routes for nginx.ingress.kubernetes.io/proxy-read-timeout ' +
      'and proxy-send-timeout, and HTTPRoute rules for timeouts.',
    fix:
      'Set nginx.ingress.kubernetes.io/proxy-read-timeout and proxy-send-timeout on every Ingress (seconds, ' +
      'e.g. "60"), or rules[].timeouts.request on every HTTPRoute rule, sized for the slowest endpoint.',
    confirm: ['kubectl get ingress -n <namespace> <ingress> -o jsonpath="{.metadata.annotations}"'],
    references: [
      `${NGINX}/user-guide/nginx-configuration/annotations/#custom-timeouts`,
      `${GWAPI}/api-types/httproute/#timeouts-optional`,
    ],
    checklist: 4,
  },
  {
    id: 'probe-paths-diverge',
    hop: 2,
    title: 'livenessProbe, readinessProbe and the LB health check point at different endpoints',
    signature: [
      'pods restarted by liveness while the LB still sends traffic, or marked unhealthy by the LB while Ready',
      'three different health paths: three independent ways to fail silently',
    ],
    detection:
      'Static: probe-paths compares the liveness and readiness httpGet paths of each container behind a route ' +
      'and the LB health-check path configured for its Service.',
    fix:
      'Point livenessProbe, readinessProbe and the LB health check at the same endpoint that returns a ' +
      'consistent 200 (e.g. /healthz), or document why they must differ.',
    confirm: [
      'kubectl get pod -n <namespace> <pod> -o jsonpath="{range .spec.containers[*]}{.name} {.livenessProbe.httpGet.path} {.readinessProbe.httpGet.path}{\\"\\n\\"}{end}"',
    ],
    references: [`${K8S}/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/`],
    checklist: 2,
  },
  {
    id: 'no-prestop-drain',
    hop: 5,
    title: 'Pods behind a load balancer stop before they are removed from it (no preStop drain)',
    signature: [
      '502 Bad Gateway / connection resets during every rollout or scale-down, then nothing',
      'ingress-nginx log: connect() failed (111: Connection refused) while connecting to upstream (during deploys)',
    ],
    detection:
      'Static: prestop-drain flags routed pods (and controller pods) without a lifecycle.preStop hook that ' +
      'waits while endpoints and LB targets are deregistered.',
    fix:
      'Add lifecycle.preStop (e.g. exec ["sleep", "15"] or sleep: {seconds: 15}) to the container and keep ' +
      'terminationGracePeriodSeconds above the sleep plus the app shutdown time; the app should also finish ' +
      'in-flight requests on SIGTERM.',
    confirm: [
      'kubectl get deploy -n <namespace> <deployment> -o jsonpath="{.spec.template.spec.containers[*].lifecycle}"',
    ],
    references: [
      `${K8S}/concepts/containers/container-lifecycle-hooks/`,
      `${K8S}/concepts/workloads/pods/pod-lifecycle/#pod-termination`,
      `${AWSLBC}/deploy/pod_readiness_gate/`,
    ],
  },
  {
    id: 'single-replica',
    hop: 4,
    title: 'A routed backend runs a single replica without a PodDisruptionBudget',
    signature: ['503/502 during node drains and rollouts: the only endpoint is gone'],
    detection:
      'Static: single-replica flags workloads with replicas 1 (or one pod) behind a route whose pods no ' +
      'PodDisruptionBudget covers.',
    fix:
      'Run at least 2 replicas (spec.replicas: 2) and add a PodDisruptionBudget (minAvailable: 1) selecting ' +
      'the pods.',
    confirm: ['kubectl get deploy,statefulset -n <namespace>', 'kubectl get pdb -n <namespace>'],
    references: [
      `${K8S}/tasks/run-application/configure-pdb/`,
      `${K8S}/concepts/workloads/pods/disruptions/`,
    ],
  },
  {
    id: 'ingress-class-missing',
    hop: 4,
    title: 'No controller serves the route (IngressClass/GatewayClass missing or unknown)',
    signature: [
      'the Ingress never gets an ADDRESS (kubectl get ingress shows it empty)',
      '404 from the controller for the host, although the Ingress exists',
      'ingress-nginx log: Ignoring ingress because of error while validating ingress class',
    ],
    detection:
      'Static: ingress-class checks that every Ingress names an existing IngressClass (or a default one ' +
      'exists) and every HTTPRoute parent Gateway has a known GatewayClass.',
    fix:
      'Set spec.ingressClassName to an existing IngressClass (kubectl get ingressclass), or mark one IngressClass ' +
      'default with the annotation ingressclass.kubernetes.io/is-default-class: "true"; for Gateway API, ' +
      'reference an existing Gateway whose gatewayClassName exists.',
    confirm: [
      'kubectl get ingressclass',
      'kubectl get ingress -n <namespace> <ingress> -o jsonpath="{.spec.ingressClassName}"',
      'kubectl get gatewayclass',
    ],
    references: [
      `${K8S}/concepts/services-networking/ingress/#ingress-class`,
      `${K8S}/concepts/services-networking/ingress/#default-ingress-class`,
      `${NGINX}/user-guide/multiple-ingress/`,
      `${GWAPI}/api-types/gatewayclass/`,
    ],
  },
  {
    id: 'duplicate-route',
    hop: 4,
    title: 'The same host and path are claimed by more than one route',
    signature: [
      'requests reach the wrong backend, or alternate between two after each controller reload',
      'admission webhook "validate.nginx.ingress.kubernetes.io" denied the request: host "<host>" and path "<path>" is already defined in ingress <namespace>/<ingress>',
    ],
    detection:
      'Static: duplicate-route groups routes of the same controller class by host, path and path type.',
    fix:
      'Keep one owner per host+path: merge the rules into one Ingress/HTTPRoute, or change the host or path ' +
      'of one of them.',
    confirm: ['kubectl get ingress -A -o wide', 'kubectl get httproute -A'],
    references: [
      `${K8S}/concepts/services-networking/ingress/#name-based-virtual-hosting`,
      `${GWAPI}/api-types/httproute/`,
    ],
  },
  {
    id: 'externalname-backend',
    hop: 4,
    title: 'The route points at an ExternalName Service',
    signature: [
      '502/503 when the external name does not resolve from the controller (ndots, search domains) or the ' +
        'upstream rejects the Host header',
      'ingress-nginx log: failed to query the DNS server for <external-name> … server returned error code: 3: name error',
      'Gateway API: many implementations reject ExternalName backends (ResolvedRefs=False)',
    ],
    detection: 'Static: backend-refs reports routes whose backend Service has type ExternalName.',
    fix:
      'Prefer a Service with a selector, or a selector-less Service with EndpointSlices; if ExternalName is ' +
      'intended, use a fully qualified name ending in "." and check the upstream expects the Host header sent ' +
      '(nginx.ingress.kubernetes.io/upstream-vhost).',
    confirm: [
      'kubectl get svc -n <namespace> <service> -o jsonpath="{.spec.externalName}"',
      'kubectl exec -n <controller-namespace> <controller-pod> -- getent hosts <external-name>',
    ],
    references: [
      `${K8S}/concepts/services-networking/service/#externalname`,
      `${K8S}/concepts/services-networking/dns-pod-service/`,
    ],
  },
  {
    id: 'body-too-large',
    hop: 5,
    title: 'The request body exceeds the proxy limit',
    signature: [
      '413 Request Entity Too Large from the controller',
      'ingress-nginx log: client intended to send too large body',
    ],
    detection: 'Live: diagnose sends a request body larger than 1 MiB and reads the status.',
    fix:
      'Raise nginx.ingress.kubernetes.io/proxy-body-size (e.g. "50m", "0" disables the check) on the Ingress ' +
      'or proxy-body-size in the controller ConfigMap (default 1m).',
    confirm: [
      'head -c 2000000 /dev/zero | curl -s -o /dev/null -w "%{http_code}\\n" --data-binary @- -H "Host: <host>" http://<lb-address><path>',
    ],
    references: [`${NGINX}/user-guide/nginx-configuration/annotations/#custom-max-body-size`],
    live: 'request with a large body',
  },
];

export const CAUSES: Record<CauseId, Cause> = Object.fromEntries(entries.map((c) => [c.id, c])) as Record<
  CauseId,
  Cause
>;

for (const id of CAUSE_IDS) {
  // A bug, not an input error: the catalog must describe every id users can script against.
  if (!CAUSES[id]) throw new Error(`cause catalog lacks "${id}"`);
}

export function cause(id: CauseId): Cause {
  return CAUSES[id];
}

export function isCauseId(value: string): value is CauseId {
  return (CAUSE_IDS as readonly string[]).includes(value);
}
