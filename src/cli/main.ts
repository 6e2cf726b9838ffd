import { type CliIO, type CommandRun, EXIT, processIO, UsageError } from './io.js';
import { VERSION } from './version.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: CommandRun }> }> = {
  audit: {
    summary: 'static checks of routes, Services and the hardening checklist',
    load: () => import('./audit.js'),
  },
  diagnose: {
    summary: 'trace one URL through the five hops and name the one that breaks',
    load: () => import('./diagnose.js'),
  },
  mtu: {
    summary: 'exact path-MTU between pods, nodes and the load balancer',
    load: () => import('./mtu.js'),
  },
  lab: {
    summary: 'a real five-network ingress path in network namespaces, with faults',
    load: () => import('./lab.js'),
  },
};

function usage(): string {
  const lines = [
    'ingress-doctor: why does the Ingress return 502/504 while the pods look healthy?',
    '',
    'Usage: ingress-doctor <command> [flags]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
    `  ${'version'.padEnd(10)} print the version`,
    '',
    'Run "ingress-doctor <command> --help" for its flags.',
  ];
  return `${lines.join('\n')}\n`;
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === 'version' || name === '--version') {
    io.stdout.write(`ingress-doctor ${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`ingress-doctor: unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    const mod = await command.load();
    return await mod.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`ingress-doctor ${name}: ${err.message}\n`);
      if (err.hint) io.stderr.write(`${err.hint}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
