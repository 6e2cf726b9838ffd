/** What one command run at a vantage point gave back. Timeouts and failures are values, not exceptions. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** Set when the command could not be started at all (no such binary, exec refused by the API). */
  startError?: string;
}

export type VantageKind = 'local' | 'pod' | 'node';

/** A place a probe runs: here (the internet's view), a probe pod on a node, or a hostNetwork probe pod. */
export interface Vantage {
  /** e.g. "local", "pod@node-a", "node@node-a". */
  id: string;
  kind: VantageKind;
  nodeName?: string;
  /** The pod's IP (pod vantage) or the node's IP (node vantage), when known. */
  ip?: string;
  /** Run argv (no shell) with a hard timeout. */
  exec(argv: string[], opts: { timeoutMs: number; stdin?: string }): Promise<ExecResult>;
  /**
   * Optional: run several commands concurrently, each with its own timeout, returning one result each.
   * Without it, diagnose batches them into ONE `sh -c` script per vantage (src/probes/batch.ts).
   */
  execMany?(items: { argv: string[]; timeoutMs: number }[]): Promise<ExecResult[]>;
}

/** Creates vantages on demand (one probe pod per node and kind), and removes them. */
export interface VantageProvider {
  local(): Vantage;
  /** Fails with a value-carrying error (VantageUnavailable) when probe pods are disabled or forbidden. */
  pod(nodeName: string): Promise<Vantage>;
  node(nodeName: string): Promise<Vantage>;
  /** Deletes every probe pod this provider created (also called on SIGINT/SIGTERM). */
  cleanup(): Promise<void>;
  /**
   * Optional: create every probe pod needed at once (one create each, ONE watch for all), so later pod()/node()
   * calls return immediately. Resolves with the vantages that could not be created, by node and kind.
   */
  prepare?(wants: {
    pods: string[];
    nodes: string[];
  }): Promise<{ failed: { kind: 'pod' | 'node'; node: string; error: VantageUnavailable }[] }>;
  /** Optional: Kubernetes API requests this provider made (create, watch, exec, delete). */
  requestCount?(): number;
}

export class VantageUnavailable extends Error {
  constructor(
    message: string,
    readonly reason: 'disabled' | 'forbidden' | 'timeout' | 'error',
  ) {
    super(message);
    this.name = 'VantageUnavailable';
  }
}
