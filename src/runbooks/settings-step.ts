/**
 * The health runbook's settings step: the production-settings findings (settings that differ, failover
 * switched off, short validity windows, replica migration, coverage policy, persistence, eviction,
 * announced addresses). A problem only for warnings; deliberate choices (info) are listed as evidence.
 */
import { PRODUCTION_SETTING_CODES } from '../diagnose/types.ts';
import { cap, cli, defineStep, entryAddress, findings, ok, problem, skipped } from './common.ts';

/** "Are the production settings safe?" */
export const settingsStep = defineStep(
  'settings',
  'Are the production settings safe (failover, persistence, eviction, announced addresses)?',
  (ctx, self) => {
    const command = cli(
      ctx,
      entryAddress(ctx),
      "config get 'cluster-*' appendonly save maxmemory maxmemory-policy repl-ping-replica-period",
    );
    const found = findings(ctx, ...PRODUCTION_SETTING_CODES);
    const evidence = cap(found.map((f) => `${f.severity.toUpperCase()} ${f.code}: ${f.message}`));
    if (!ctx.snapshot.observations.some((o) => o.config)) {
      const why =
        ctx.snapshot.source === 'paste' ? 'a paste carries no settings' : 'CONFIG GET was not available';
      if (found.length === 0)
        return skipped(
          self,
          { command, evidence: [], meaning: 'Run the command on every node and compare.' },
          why,
        );
      // CLUSTER NODES still shows the nofailover flag: report it, and that the rest is unknown.
      return problem(self, {
        command,
        evidence: [...evidence, `Other settings are unknown: ${why}.`],
        meaning: 'A master whose replicas never fail over stays down until a human promotes one.',
      });
    }
    if (!found.some((f) => f.severity !== 'info')) {
      return ok(self, {
        command,
        evidence: evidence.length > 0 ? evidence : ['No risky setting among those read.'],
        meaning:
          evidence.length > 0
            ? 'Nothing here stops a failover or loses data by itself; the notes are choices to confirm.'
            : 'Failover, persistence and addressing settings do not add risk.',
      });
    }
    return problem(self, {
      command,
      evidence,
      meaning:
        'These settings make the next failure worse: a master nobody replaces, data lost on restart, or addresses clients cannot use. /redis settings <cluster> shows every value.',
    });
  },
);
