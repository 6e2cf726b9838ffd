import type { ExecResult, Vantage, VantageProvider } from './types.js';
import { VantageUnavailable } from './types.js';

/**
 * A VantageProvider that answers from a function instead of a network: for phase and runner tests, and for
 * replaying recorded probe outputs. It counts execs like a real provider would count API requests.
 */
export type Responder = (vantage: string, argv: string[]) => Partial<ExecResult> | undefined;

export interface ScriptedOptions {
  respond: Responder;
  /** Make pod/node vantages unavailable (as with --no-probe-pods or a 403). */
  unavailable?: { reason: 'disabled' | 'forbidden' | 'timeout' | 'error'; message: string };
}

export class ScriptedVantageProvider implements VantageProvider {
  readonly calls: { vantage: string; argv: string[] }[] = [];
  cleaned = false;

  constructor(private readonly o: ScriptedOptions) {}

  private vantage(id: string, kind: Vantage['kind'], nodeName?: string): Vantage {
    const run = (argv: string[]): ExecResult => {
      this.calls.push({ vantage: id, argv });
      const r = this.o.respond(id, argv) ?? { exitCode: 127, startError: `${argv[0]}: not scripted` };
      return { exitCode: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false, ...r };
    };
    const v: Vantage = {
      id,
      kind,
      exec: async (argv) => run(argv),
      execMany: async (items) => items.map((it) => run(it.argv)),
    };
    if (nodeName) v.nodeName = nodeName;
    return v;
  }

  local(): Vantage {
    return this.vantage('local', 'local');
  }

  async pod(nodeName: string): Promise<Vantage> {
    if (this.o.unavailable)
      throw new VantageUnavailable(this.o.unavailable.message, this.o.unavailable.reason);
    return this.vantage(`pod@${nodeName}`, 'pod', nodeName);
  }

  async node(nodeName: string): Promise<Vantage> {
    if (this.o.unavailable)
      throw new VantageUnavailable(this.o.unavailable.message, this.o.unavailable.reason);
    return this.vantage(`node@${nodeName}`, 'node', nodeName);
  }

  async cleanup(): Promise<void> {
    this.cleaned = true;
  }
}
