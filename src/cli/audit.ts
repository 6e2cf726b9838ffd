import { type CliIO, EXIT } from './io.js';

export async function run(_argv: string[], io: CliIO): Promise<number> {
  io.stderr.write('ingress-doctor audit: not implemented yet\n');
  return EXIT.usage;
}
