/**
 * The lab API from the host, the way kind publishes its API server: `node forward.js --socket <state>/api.sock
 * --port-file FILE` listens on 127.0.0.1 (a free port, written to FILE) in the host's namespace and pipes every
 * connection to the API's unix socket (TLS stays end to end). Nothing is exposed beyond the loopback.
 */
import { writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const socket = arg('--socket');
const portFile = arg('--port-file');
if (!socket || !portFile) {
  process.stderr.write('usage: forward.js --socket PATH --port-file FILE [--port N]\n');
  process.exit(2);
}
const server = createServer((client) => {
  const upstream = connect(socket);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(Number(arg('--port') ?? 0), '127.0.0.1', () => {
  const port = (server.address() as AddressInfo).port;
  writeFileSync(portFile, `${port}\n`);
  process.stdout.write(`forwarding 127.0.0.1:${port} to ${socket}\n`);
});
process.on('SIGTERM', () => process.exit(0));
