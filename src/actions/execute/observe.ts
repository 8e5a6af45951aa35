/**
 * A fresh look at the cluster for planning and for the checks around a run: a live probe with the
 * DIAGNOSIS credentials (read-only), the model and diagnosis built from it, and, for actions that bring
 * a node in, a probe of that node (it is not in the cluster's views yet). Throws only config errors.
 */
import { buildModel } from '../../cluster/model.ts';
import type { ClusterModel } from '../../cluster/model-types.ts';
import type { ClusterSnapshot, NodeObservation } from '../../cluster/types.ts';
import type { ClusterConfig } from '../../config/schema.ts';
import { resolvePassword } from '../../config/target.ts';
import { diagnoseWithModel } from '../../diagnose/diagnose.ts';
import { closeNodeClient, connectSettings } from '../../diagnose/probe/connect.ts';
import { natTarget, splitAddress } from '../../diagnose/probe/nat.ts';
import { probeNode } from '../../diagnose/probe/node.ts';
import { type ProbeOptions, probeCluster } from '../../diagnose/probe/probe.ts';
import type { ActionParams, Diagnosis } from '../../diagnose/types.ts';
import type { ActionModule } from '../types.ts';

/** What planning and verification read. */
export interface Observation {
  snapshot: ClusterSnapshot;
  model: ClusterModel;
  diagnosis: Diagnosis;
  /** The probe of `params.node` when the action brings a node in (add-node, add-replica, meet). */
  newNode?: NodeObservation;
}

/** Probe settings and where password variables are read from. */
export interface ObserveOptions {
  /** Probe settings (tests restrict hosts to loopback and may pass the diagnosis password). */
  probe?: ProbeOptions;
  /** Where password variables are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Probes the cluster (and the new node when `module` needs it) and diagnoses it. */
export async function observe(
  cluster: ClusterConfig,
  module: Pick<ActionModule, 'probesNewNode'> | undefined,
  params: ActionParams,
  opts: ObserveOptions = {},
): Promise<Observation> {
  const password = opts.probe?.password ?? resolvePassword(cluster, opts.env);
  const probe: ProbeOptions = { ...opts.probe, ...(password !== undefined ? { password } : {}) };
  const address = module?.probesNewNode ? params.node : undefined;
  const [snapshot, newNode] = await Promise.all([
    probeCluster(cluster, probe),
    address ? probeOne(cluster, address, probe) : Promise.resolve(undefined),
  ]);
  const { diagnosis, model } = diagnoseWithModel(snapshot);
  return { snapshot, model: model ?? buildModel(snapshot), diagnosis, ...(newNode ? { newNode } : {}) };
}

/** Probes one "host:port" outside the cluster's views; undefined when it is not an address (a node id). */
async function probeOne(
  cluster: ClusterConfig,
  address: string,
  probe: ProbeOptions,
): Promise<NodeObservation | undefined> {
  const reach = splitAddress(natTarget(address, cluster.natMap));
  if (!reach || !splitAddress(address)) return undefined;
  if (probe.allowHost && !probe.allowHost(reach.host)) {
    return {
      address,
      source: 'live',
      error: { kind: 'error', message: `${address} is outside the addresses this probe may contact` },
    };
  }
  const settings = connectSettings(cluster, probe.password);
  const result = await probeNode({ address, host: reach.host, port: reach.port }, settings);
  if (result.client) closeNodeClient(result.client);
  return result.observation;
}
