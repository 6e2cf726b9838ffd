/**
 * The lab's DNS server (cluster DNS in the CoreDNS pod, the public resolver in the client namespace):
 * `node server.js --zone FILE --listen ADDR[:PORT]`. UDP only; answers A records from the zone file (see
 * render/dns.ts), NXDOMAIN for other names. Runs in the foreground; the lab tracks its PID.
 */
import { createSocket } from 'node:dgram';
import { readFileSync, watchFile } from 'node:fs';
import { createServer } from 'node:http';
import { answerFor, buildAnswer, parseQuery } from './wire.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const zoneFile = arg('--zone');
const listen = arg('--listen') ?? '127.0.0.1:53';
if (!zoneFile) {
  process.stderr.write('usage: server.js --zone FILE --listen ADDR[:PORT]\n');
  process.exit(2);
}
function loadZone(file: string): { records: Record<string, string[]> } {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { records: Record<string, string[]> };
  } catch {
    return { records: {} };
  }
}
let zone = loadZone(zoneFile);
// The lab rewrites the zone (atomically) when Services, pods or the public records change: reload it then.
watchFile(zoneFile, { interval: 100 }, () => {
  zone = loadZone(zoneFile);
});
const [host, portText] = listen.includes(':') ? listen.split(':') : [listen, '53'];
const socket = createSocket({ type: 'udp4', reuseAddr: true });
socket.on('message', (msg, rinfo) => {
  const q = parseQuery(msg);
  if (!q) return;
  const { rcode, ips } = answerFor(q, zone);
  socket.send(buildAnswer(q, rcode, ips), rinfo.port, rinfo.address);
});
socket.on('error', (err) => {
  process.stderr.write(`dns: ${err.message}\n`);
  process.exit(1);
});
socket.bind(Number(portText), host, () => process.stdout.write(`dns listening ${host}:${portText}\n`));
// CoreDNS's `ready` (:8181/ready) and `health` (:8080/health) plugins, which the pod's probes ask.
for (const [flag, path] of [
  ['--ready-port', '/ready'],
  ['--health-port', '/health'],
] as const) {
  const port = Number(arg(flag));
  if (!port) continue;
  createServer((req, res) => {
    res
      .writeHead(req.url === path ? 200 : 404, { 'Content-Type': 'text/plain' })
      .end(req.url === path ? 'OK' : '');
  }).listen(port, '0.0.0.0');
}
process.on('SIGTERM', () => process.exit(0));
