import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { ObjectStore } from '../api/store.js';
import type { Infra, LabModel } from '../model.js';
import type { Layout, ProcessSpec } from '../workloads.js';
import { labObjects } from './snapshot.js';

/** What the lab's data-plane controllers share: where the lab lives and the infrastructure under the objects. */
export interface LabContext {
  name: string;
  layout: Layout;
  infra(): Infra;
  log(line: string): void;
}

/** The lab as the renderers read it: the store's objects now, and the infrastructure. */
export function labModel(ctx: LabContext, store: ObjectStore): LabModel {
  return { name: ctx.name, objects: labObjects(store), infra: ctx.infra(), faults: [] };
}

/**
 * A long-running process the control plane owns (the cloud LB's haproxy, the public resolver): started once in
 * its namespace, restarted if it dies, signalled to reload.
 */
export class Daemon {
  private child: ChildProcess | undefined;

  constructor(private readonly spec: ProcessSpec) {}

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  ensure(): boolean {
    if (this.pid) return false;
    const fd = openSync(this.spec.logFile, 'a');
    try {
      this.child = spawn('nsenter', [`--net=/run/netns/${this.spec.netns}`, '--', ...this.spec.argv], {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...this.spec.env },
        cwd: '/',
      });
      this.child.on('error', () => {});
    } finally {
      closeSync(fd);
    }
    return true;
  }

  signal(sig: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid) process.kill(pid, sig);
  }

  stop(): void {
    this.signal('SIGKILL');
  }
}
