/**
 * The lab's DNS server (cluster DNS in the CoreDNS pod, the public resolver in the client namespace):
 * `node server.js --zone FILE --listen ADDR[:PORT]`. UDP only; answers A records from the zone file (see
 * render/dns.ts), NXDOMAIN for other names. Runs in the foreground; the lab tracks its PID.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
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
const zone = JSON.parse(readFileSync(zoneFile, 'utf8')) as { records: Record<string, string[]> };
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
process.on('SIGTERM', () => process.exit(0));
