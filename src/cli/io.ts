import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Exit codes shared by every command (design.md): 0 ok, 1 problems, 2 usage/input, 3 inconclusive. */
export const EXIT = { ok: 0, problems: 1, usage: 2, inconclusive: 3 } as const;

/** Bad flags or input the user can fix: printed as "ingress-doctor: <message>", exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export const processIO: CliIO = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
};

export type CommandRun = (argv: string[], io: CliIO) => Promise<number>;

/** node:util parseArgs with errors turned into UsageError (strict, kubectl-like `--flag=value` and `-f v`). */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** The kubeconfig/namespace flags every cluster-reading command takes, as kubectl spells them. */
export const clusterFlags = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
} as const;

export const OUTPUT_FORMATS = ['text', 'json', 'sarif', 'markdown', 'html'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function outputFormat(value: string | undefined, allowed: readonly OutputFormat[]): OutputFormat {
  const v = (value ?? 'text') as OutputFormat;
  if (!allowed.includes(v)) {
    throw new UsageError(`unknown output format "${value}"; use one of: ${allowed.join(', ')}`);
  }
  return v;
}
