/**
 * The rule registry. Adding a rule family = one file exporting `(ctx: RuleContext) => Finding[]` plus one
 * line here. Order only affects ties in output order (findings are sorted by severity afterwards).
 */
import type { Rule } from '../context.ts';
import { announcedAddressRule } from './announced-address.ts';
import { clusterInfoRule } from './cluster-info.ts';
import { completenessRule } from './completeness.ts';
import { configLostRule } from './config-lost.ts';
import { coverageRule } from './coverage.ts';
import { epochRule } from './epochs.ts';
import { functionsRule } from './functions.ts';
import { ghostRule } from './ghosts.ts';
import { linksRule } from './links.ts';
import { minReplicasRule } from './min-replicas.ts';
import { nodeFlagsRule } from './node-flags.ts';
import { probeRule } from './probe.ts';
import { productionSettingsRule } from './production-settings.ts';
import { quorumRule } from './quorum.ts';
import { redundancyRule } from './redundancy.ts';
import { replicationRule } from './replication.ts';
import { settingsRule } from './settings.ts';
import { slotStateRule } from './slots.ts';
import { staleAddressRule } from './stale-address.ts';
import { clusterStateRule } from './state.ts';
import { viewsRule } from './views.ts';
import { votersRule } from './voters.ts';

export const RULES: readonly { name: string; run: Rule }[] = [
  { name: 'cluster state', run: clusterStateRule },
  { name: 'CLUSTER INFO alone', run: clusterInfoRule },
  { name: 'quorum', run: quorumRule },
  { name: 'slot coverage', run: coverageRule },
  { name: 'node flags', run: nodeFlagsRule },
  { name: 'probe errors', run: probeRule },
  { name: 'bus links', run: linksRule },
  { name: 'slot states', run: slotStateRule },
  { name: 'views', run: viewsRule },
  { name: 'replication', run: replicationRule },
  { name: 'redundancy', run: redundancyRule },
  { name: 'min-replicas-to-write', run: minReplicasRule },
  { name: 'config epochs', run: epochRule },
  { name: 'settings', run: settingsRule },
  { name: 'production settings', run: productionSettingsRule },
  { name: 'completeness', run: completenessRule },
  { name: 'stale addresses', run: staleAddressRule },
  { name: 'announced addresses', run: announcedAddressRule },
  { name: 'ghost entries', run: ghostRule },
  { name: 'lost cluster config', run: configLostRule },
  { name: 'failover voters', run: votersRule },
  { name: 'function libraries', run: functionsRule },
];
