import type { ObjectStore, StoreEvent } from '../api/store.js';

/**
 * The lab's controller runtime, controller-runtime style: a reconciler owns one thing and makes it match the
 * objects (`reconcile(key)` reads desired and actual state and acts, idempotently, whatever woke it); the store's
 * watch maps every change to keys on a work queue that de-duplicates them; a key is never reconciled twice at
 * once; failures are retried with backoff; a result may ask to be woken again later (probes, deadlines).
 */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

export interface Reconciler {
  name: string;
  /** Store resources (resourceKey: `pods`, `deployments.apps`, …) whose changes wake this reconciler. */
  watches: string[];
  /** The keys an event affects (default: `namespace/name` of the object). */
  keys?(e: StoreEvent): string[];
  /** Keys to reconcile at start (level-triggered: everything that exists). */
  initialKeys?(): string[];
  /** Resolves to a ReconcileResult to be woken again later, or to nothing. */
  reconcile(key: string): Promise<unknown>;
  /** Parallel workers (distinct keys only); 1 by default. */
  workers?: number;
}

export function objectKey(e: { object: { metadata: { namespace?: string; name: string } } }): string {
  const m = e.object.metadata;
  return m.namespace ? `${m.namespace}/${m.name}` : m.name;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

class Queue {
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private running = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly r: Reconciler,
    private readonly onError: (r: Reconciler, key: string, err: unknown) => void,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.dirty.add(key);
    // Never reconcile inside the store's event delivery: a write made there would reach watchers before the
    // event that caused it (a pod's MODIFIED before its ADDED).
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        this.pump();
      });
    }
  }

  private scheduled = false;

  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    t.unref?.();
    this.timers.set(key, t);
  }

  private pump(): void {
    const max = this.r.workers ?? 1;
    while (this.running < max) {
      const key = [...this.dirty].find((k) => !this.processing.has(k));
      if (key === undefined) break;
      this.dirty.delete(key);
      this.processing.add(key);
      this.running++;
      void this.work(key);
    }
    if (this.running === 0 && this.dirty.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async work(key: string): Promise<void> {
    try {
      const result = (await this.r.reconcile(key)) as ReconcileResult | undefined;
      this.failures.delete(key);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      this.onError(this.r, key, err);
      this.addAfter(key, Math.min(5000, 50 * 2 ** Math.min(n, 7)));
    } finally {
      this.processing.delete(key);
      this.running--;
      this.pump();
    }
  }

  idle(): Promise<void> {
    if (this.running === 0 && this.dirty.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.dirty.clear();
  }

  get busy(): boolean {
    return this.running > 0 || this.dirty.size > 0;
  }
}

export class ControllerManager {
  private readonly queues = new Map<Reconciler, Queue>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  ) {}

  add(r: Reconciler): this {
    this.queues.set(
      r,
      new Queue(r, (rec, key, err) =>
        this.log(`controller ${rec.name}: ${key}: ${(err as Error)?.message ?? err}`),
      ),
    );
    return this;
  }

  /** Starts watching and enqueues every reconciler's initial keys. */
  start(): void {
    this.unsubscribe = this.store.subscribe((e) => {
      for (const [r, q] of this.queues) {
        if (!r.watches.includes(e.resource)) continue;
        for (const k of r.keys ? r.keys(e) : [objectKey(e)]) q.add(k);
      }
    });
    for (const [r, q] of this.queues) for (const k of r.initialKeys?.() ?? []) q.add(k);
  }

  /** Wakes one reconciler for a key (e.g. an infrastructure change it must apply). */
  enqueue(name: string, key: string): void {
    for (const [r, q] of this.queues) if (r.name === name) q.add(key);
  }

  /** Resolves when no reconciler has work queued or running (timers for later requeues do not count). */
  async idle(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      await Promise.all([...this.queues.values()].map((q) => q.idle()));
      await new Promise((r) => setImmediate(r));
      if (![...this.queues.values()].some((q) => q.busy)) return;
    }
  }

  stop(): void {
    this.unsubscribe?.();
    for (const q of this.queues.values()) q.stop();
  }
}
