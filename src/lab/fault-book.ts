import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Registry } from './api/registry.js';
import { type ResourceInfo, resourceForKind, resourceNamed } from './api/resources.js';
import type { LabContext } from './controllers/lab-context.js';
import { labModel } from './controllers/lab-context.js';
import type { ControllerManager } from './controllers/runtime.js';
import { parseFaults } from './faults/index.js';
import { type FaultRecord, faultChanges, patchInfra, stillApplied } from './faults/runtime.js';
import type { Infra } from './model.js';

const PODS = resourceNamed('pods');
const LAB_FAULT = { manager: 'ingress-doctor-lab-fault' };

class FaultError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

export interface FaultState {
  spec: string;
  id: string;
  /** active: the fault's changes are all in place; fixed: someone undid every object change (kubectl). */
  state: 'active' | 'fixed' | 'partly-fixed';
  objects: string[];
  infrastructure: boolean;
  addedAt: string;
}

/**
 * The faults of a running lab: added and removed at runtime. A misconfiguration is made through the registry
 * (merge patches, manager ingress-doctor-lab-fault: a watcher sees a write like any other, and kubectl can undo
 * it); an infrastructure change is applied to Infra, and the controllers that read it are woken.
 */
export class FaultBook {
  private records: FaultRecord[] = [];
  private readonly file: string;

  constructor(
    private readonly ctx: LabContext,
    private readonly infra: Infra,
    private readonly registry: Registry,
    private readonly controllers: ControllerManager,
  ) {
    this.file = path.join(ctx.layout.stateDir, 'faults.json');
  }

  async load(): Promise<void> {
    try {
      this.records =
        (JSON.parse(await readFile(this.file, 'utf8')) as { faults?: FaultRecord[] }).faults ?? [];
    } catch {
      this.records = [];
    }
  }

  private async save(): Promise<void> {
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ faults: this.records }, null, 1)}\n`);
    await rename(tmp, this.file);
  }

  private info(p: { apiVersion: string; kind: string }): ResourceInfo {
    const info = resourceForKind(p.apiVersion, p.kind);
    if (!info) throw new FaultError(`${p.apiVersion} ${p.kind} is not served`, 500);
    return info;
  }

  list(): FaultState[] {
    return this.records.map((r) => {
      const objects = r.patches.map(
        (p) => `${p.kind.toLowerCase()}/${p.namespace ? `${p.namespace}/` : ''}${p.name}`,
      );
      const applied = r.patches.map((p) => {
        const current = this.registry.store.get(this.info(p), p.namespace, p.name);
        return current !== undefined && stillApplied(current, p.forward);
      });
      const fixed = applied.filter((a) => !a).length;
      const state: FaultState['state'] =
        r.patches.length === 0 || fixed === 0
          ? 'active'
          : fixed === r.patches.length && !r.infra
            ? 'fixed'
            : 'partly-fixed';
      return {
        spec: r.spec,
        id: r.id,
        state,
        objects,
        infrastructure: r.infra !== undefined,
        addedAt: r.addedAt,
      };
    });
  }

  /** Wakes what reads the infrastructure; a kube-proxy that must start (or stop) failing is restarted. */
  private async infraChanged(before: Infra): Promise<void> {
    this.controllers.enqueue('infra', 'infra');
    for (const n of ['node-1', 'node-2']) this.controllers.enqueue('node-netfilter', n);
    this.controllers.enqueue('dns', 'zones');
    const was = new Set(before.kubeProxyDown);
    const now = new Set(this.infra.kubeProxyDown);
    for (const p of this.registry.store.list(PODS, 'kube-system')) {
      const node = String((p.spec as { nodeName?: string }).nodeName ?? '');
      if (p.metadata.labels?.['k8s-app'] === 'kube-proxy' && was.has(node) !== now.has(node))
        this.registry.delete(PODS, 'kube-system', p.metadata.name, { gracePeriodSeconds: 0 }, LAB_FAULT);
    }
    await this.controllers.idle();
  }

  async add(spec: string): Promise<FaultState> {
    const parsed = parseFaults([spec]);
    if ('error' in parsed) throw new FaultError(parsed.error, 400);
    const choice = parsed[0];
    if (!choice) throw new FaultError('no fault named', 400);
    if (this.records.some((r) => r.id === choice.fault.id))
      throw new FaultError(
        `fault ${choice.fault.id} is already in the lab (remove it first: lab fault remove ${choice.fault.id})`,
        409,
      );
    const record = faultChanges(labModel(this.ctx, this.registry.store), choice);
    for (const p of record.patches)
      this.registry.patch(this.info(p), p.namespace, p.name, 'merge', p.forward, LAB_FAULT);
    if (record.infra) {
      const before = structuredClone(this.infra);
      patchInfra(this.infra, record.infra.forward);
      await this.infraChanged(before);
    }
    this.records.push(record);
    await this.save();
    await this.controllers.idle();
    return this.list().find((f) => f.id === record.id) as FaultState;
  }

  async remove(id: string): Promise<{ removed: string; restored: string[] }> {
    const record = this.records.find((r) => r.id === id || r.spec === id);
    if (!record)
      throw new FaultError(`fault ${id} is not in the lab (lab fault list shows the ones that are)`, 404);
    const restored: string[] = [];
    for (const p of record.patches) {
      const info = this.info(p);
      if (!this.registry.store.get(info, p.namespace, p.name)) continue;
      this.registry.patch(info, p.namespace, p.name, 'merge', p.reverse, LAB_FAULT);
      restored.push(`${p.kind.toLowerCase()}/${p.namespace ? `${p.namespace}/` : ''}${p.name}`);
    }
    if (record.infra) {
      const before = structuredClone(this.infra);
      patchInfra(this.infra, record.infra.reverse);
      await this.infraChanged(before);
    }
    this.records = this.records.filter((r) => r !== record);
    await this.save();
    await this.controllers.idle();
    return { removed: record.spec, restored };
  }
}
