import { Registry } from './api/registry.js';
import { type LabApi, type LabApiOptions, startLabApi } from './api/server.js';
import { namespaceController } from './controllers/namespace.js';
import { ControllerManager } from './controllers/runtime.js';
import { CLUSTER } from './topology.js';

/**
 * The lab's control plane in one process: the API server (store + registry), and the controllers that keep
 * objects in step with each other.
 */
export interface ControlPlane {
  api: LabApi;
  registry: Registry;
  controllers: ControllerManager;
  close(): Promise<void>;
}

export async function startControlPlane(opts: LabApiOptions & { caCert: string }): Promise<ControlPlane> {
  const registry = opts.registry ?? new Registry(opts.store, { serviceCidr: CLUSTER.serviceCidr });
  const api = await startLabApi({ ...opts, registry });
  const controllers = new ControllerManager(opts.store);
  controllers.add(namespaceController(registry, opts.caCert));
  controllers.start();
  return {
    api,
    registry,
    controllers,
    async close() {
      controllers.stop();
      await api.close();
    },
  };
}
