/** The five phases in the seed's order (their `number`): the runner plans, runs and judges them in this order. */
import type { PhaseDefinition } from '../phase.js';
import { clusterPhase } from './cluster.js';
import { internetPhase } from './internet.js';
import { loadBalancerPhase } from './loadbalancer.js';
import { nodePortPhase } from './nodeport.js';
import { servicePhase } from './service.js';

export const PHASES: readonly PhaseDefinition[] = [
  clusterPhase,
  servicePhase,
  nodePortPhase,
  loadBalancerPhase,
  internetPhase,
];
