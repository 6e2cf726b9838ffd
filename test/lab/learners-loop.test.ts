import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAUSES } from '../../src/causes/catalog.js';
import { type Lab, labUnsupported, withLab } from '../helpers/lab.js';

/**
 * The learner's loop for every misconfiguration fault: `lab up --fault X` → diagnose says broken/X → the change
 * the printed fix describes, made with the real kubectl → diagnose says healthy. The kubectl commands are the
 * fix text of the cause, spelled out for the lab's objects.
 */
const NO_TERMINATING = [
  'sh',
  '-c',
  'until [ "$(kubectl -n shop get pods --no-headers | grep -c Terminating)" = 0 ]; do sleep 0.2; done',
];

/**
 * `state` is what `lab status` then says of the fault: fixed when the fix undoes the fault's change, active when
 * the fix works around it (the app still sends its big header; the proxy now takes it).
 */
const LOOPS: {
  fault: string;
  fix: string[][];
  wait?: string[];
  state?: 'fixed' | 'active' | 'partly-fixed';
}[] = [
  {
    fault: 'no-endpoints',
    // "Make the Service spec.selector equal to labels the pods carry"
    fix: [
      [
        'kubectl',
        '-n',
        'shop',
        'patch',
        'svc',
        'web',
        '--type=json',
        '-p',
        '[{"op":"replace","path":"/spec/selector","value":{"app.kubernetes.io/name":"web","app.kubernetes.io/part-of":"shop"}}]',
      ],
    ],
  },
  {
    fault: 'target-port-mismatch',
    // "Set the Service spec.ports[].targetPort to the port the app listens on"
    fix: [
      [
        'kubectl',
        '-n',
        'shop',
        'patch',
        'svc',
        'web',
        '--type=json',
        '-p',
        '[{"op":"replace","path":"/spec/ports/0/targetPort","value":8080}]',
      ],
    ],
  },
  {
    fault: 'host-rule-mismatch',
    // "spec.rules[].host (Ingress) … equal to the public host"
    fix: [
      [
        'kubectl',
        '-n',
        'shop',
        'patch',
        'ingress',
        'web',
        '--type=json',
        '-p',
        '[{"op":"replace","path":"/spec/rules/0/host","value":"app.example.test"}]',
      ],
    ],
  },
  {
    fault: 'service-port-not-found',
    // "backend.service.port.number equal to a spec.ports[].port"
    fix: [
      [
        'kubectl',
        '-n',
        'shop',
        'patch',
        'ingress',
        'web',
        '--type=json',
        '-p',
        '[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/port","value":{"number":80}}]',
      ],
    ],
  },
  {
    fault: 'service-not-found',
    // "Fix the backend service name"
    fix: [
      [
        'kubectl',
        '-n',
        'shop',
        'patch',
        'ingress',
        'web',
        '--type=json',
        '-p',
        '[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/name","value":"web"}]',
      ],
    ],
  },
  {
    fault: 'health-check-path-mismatch',
    // "Set the LB health-check path to the readinessProbe path"
    fix: [
      [
        'kubectl',
        '-n',
        'ingress-nginx',
        'annotate',
        'svc',
        'ingress-nginx-controller',
        '--overwrite',
        'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path=/healthz',
      ],
    ],
  },
  {
    fault: 'network-policy-blocked',
    // "from namespaceSelector {kubernetes.io/metadata.name: <controller-namespace>}"
    fix: [
      [
        'kubectl',
        '-n',
        'shop',
        'patch',
        'networkpolicy',
        'allow-from-ingress-nginx',
        '--type=json',
        '-p',
        '[{"op":"replace","path":"/spec/ingress/0/from/0/namespaceSelector","value":{"matchLabels":{"kubernetes.io/metadata.name":"ingress-nginx"}}}]',
      ],
    ],
  },
  {
    fault: 'upstream-header-too-big',
    // "Raise nginx.ingress.kubernetes.io/proxy-buffer-size (e.g. "16k") on the Ingress"
    fix: [
      [
        'kubectl',
        '-n',
        'shop',
        'annotate',
        'ingress',
        'web',
        '--overwrite',
        'nginx.ingress.kubernetes.io/proxy-buffer-size=16k',
      ],
    ],
    state: 'active',
  },
  {
    fault: 'app-not-listening',
    // "Bind the server to 0.0.0.0 … instead of 127.0.0.1"
    fix: [['kubectl', '-n', 'shop', 'set', 'env', 'deploy/web', 'HOST=0.0.0.0']],
    wait: ['sh', '-c', `kubectl -n shop rollout status deploy/web --timeout=60s && ${NO_TERMINATING[2]}`],
  },
  {
    fault: 'backend-protocol-mismatch',
    // "set nginx.ingress.kubernetes.io/backend-protocol: "HTTPS""
    fix: [
      [
        'kubectl',
        '-n',
        'shop',
        'annotate',
        'ingress',
        'web',
        '--overwrite',
        'nginx.ingress.kubernetes.io/backend-protocol=HTTPS',
      ],
    ],
    state: 'active',
  },
];

async function verdict(lab: Lab): Promise<{ status: string; cause?: string; fix?: string }> {
  const r = await lab.run(['ingress-doctor', 'diagnose', 'http://app.example.test/healthz', '-o', 'json'], {
    timeoutMs: 90_000,
  });
  const d = JSON.parse(r.stdout) as { verdict: { status: string; cause?: string; fix?: string } };
  return d.verdict;
}

describe("the learner's loop", { skip: labUnsupported() }, () => {
  for (const [i, loop] of LOOPS.entries()) {
    it(`${loop.fault}: diagnose names it, the printed fix applied with kubectl makes it healthy`, async (t) => {
      assert.ok(CAUSES[loop.fault as keyof typeof CAUSES], 'a cause of the catalog');
      const lab = await withLab(t, { name: `loop${i}`, faults: [loop.fault] });
      const before = await verdict(lab);
      assert.deepEqual([before.status, before.cause], ['broken', loop.fault]);
      for (const argv of loop.fix) {
        const r = await lab.run(argv);
        assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
      }
      if (loop.wait) assert.equal((await lab.run(loop.wait, { timeoutMs: 90_000 })).code, 0);
      const after = await verdict(lab);
      assert.equal(after.status, 'healthy', JSON.stringify(after));
      // The lab sees the fix as made by hand.
      const status = await lab.cli(['lab', 'status', '--name', lab.name, '-o', 'json']);
      const s = JSON.parse(status.stdout) as { faultStates?: { spec: string; state: string }[] };
      assert.equal(s.faultStates?.find((f) => f.spec === loop.fault)?.state, loop.state ?? 'fixed');
    });
  }
});
