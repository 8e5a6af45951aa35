/** Commands inside recommended actions carry the cluster's credentials (env var name and user only). */
import { describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../../src/runbooks/run.ts';
import { scenarioLive } from '../diagnose/scenario-fixtures.ts';

const commandsOf = (texts: string[]) => texts.join('\n').match(/[^\n;.]*redis-cli[^\n;]*/g) ?? [];

describe('recommended actions on a password cluster', () => {
  it('every redis-cli in a ghost-nodes plan gets REDISCLI_AUTH from the env var and --user', async () => {
    const { diagnosis } = await diagnoseSnapshot(scenarioLive('ghost-nodes'), {
      auth: { username: 'runbook', passwordEnv: 'REDIS_PROD_PASSWORD' },
    });
    const texts = diagnosis.rootCauses.flatMap((c) => c.actions.flatMap((a) => [a.target, a.why]));
    const cmds = commandsOf(texts).filter((c) => / -h /.test(c));
    expect(cmds.length).toBeGreaterThan(0);
    for (const c of cmds)
      expect(c).toMatch(/REDISCLI_AUTH="\$REDIS_PROD_PASSWORD" redis-cli --user runbook -h /);
  });

  it('without credentials the commands are unchanged', async () => {
    const { diagnosis } = await diagnoseSnapshot(scenarioLive('ghost-nodes'));
    const texts = diagnosis.rootCauses.flatMap((c) => c.actions.flatMap((a) => [a.target, a.why]));
    expect(texts.join('\n')).not.toMatch(/REDISCLI_AUTH|--user/);
    expect(commandsOf(texts).length).toBeGreaterThan(0);
  });
});
