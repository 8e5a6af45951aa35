/** ACL-protected cluster (right and wrong password) and a node whose cluster bus port is unreachable. */
import { describe, expect, it } from 'vitest';
import { diagnoseLiveForCli } from '../../src/cli/live.ts';
import { createDiagnosisService } from '../../src/runbooks/service.ts';
import { codes, live, probeOpts, registryOf, useScenario } from './helpers.ts';

describe('ACL-protected cluster', () => {
  const get = useScenario('acl-protected');
  const WRONG = 'not-the-password-4711';

  it('diagnoses healthy with the password read from the env var the registry names', async () => {
    const s = get();
    const config = registryOf(s, { passwordEnv: 'RR_TEST_ACL_PW' });
    process.env.RR_TEST_ACL_PW = s.cluster.auth.password;
    try {
      const service = createDiagnosisService(config, { probe: { allowHost: probeOpts(s).allowHost! } });
      const d = await service.diagnoseCluster('acl-protected');
      expect(d.rootCauses[0]?.code).toBe('healthy');
      expect(d.visibility.nodesSeen).toBe(6);
      expect(JSON.stringify(d)).not.toContain(s.cluster.auth.password!);
    } finally {
      delete process.env.RR_TEST_ACL_PW;
    }
  });

  it('fails with a clear coded error when the env var is missing', async () => {
    const s = get();
    const service = createDiagnosisService(registryOf(s, { passwordEnv: 'RR_TEST_MISSING_PW' }));
    await expect(service.diagnoseCluster('acl-protected')).rejects.toMatchObject({
      code: 'PASSWORD_ENV_MISSING',
      message: expect.stringContaining('RR_TEST_MISSING_PW'),
    });
  });

  it('reports NODE_AUTH_FAILED honestly for a wrong password, which never appears in the output', async () => {
    const s = get();
    const r = await live(s, WRONG);
    for (const o of r.snapshot.observations) expect(o.error?.kind).toBe('auth');
    expect(codes(r.diagnosis)).toContain('NODE_AUTH_FAILED');
    expect(r.diagnosis.state).not.toBe('ok');
    expect(r.diagnosis.rootCauses.map((c) => c.code)).not.toContain('healthy');
    const everything = JSON.stringify({ snapshot: r.snapshot, diagnosis: r.diagnosis });
    expect(everything).not.toContain(WRONG);
    expect(everything).not.toContain(s.cluster.auth.password!);

    let printed = '';
    let errors = '';
    process.env.RR_TEST_WRONG_PW = WRONG;
    try {
      const code = await diagnoseLiveForCli(s.cluster.live()[0]!.address, {
        user: s.cluster.auth.username!,
        passwordEnv: 'RR_TEST_WRONG_PW',
        probe: { allowHost: probeOpts(s).allowHost! },
        out: (t) => {
          printed += `${t}\n`;
        },
        err: (t) => {
          errors += t;
        },
      });
      expect(code).toBe(2);
    } finally {
      delete process.env.RR_TEST_WRONG_PW;
    }
    expect(printed).toContain('authentication refused');
    expect(errors).toContain('NO_NODE_ANSWERED');
    expect(printed + errors).not.toContain(WRONG);
  });
});

describe('cluster bus port unreachable', () => {
  const get = useScenario('bus-port-blocked');
  it('finds the closed bus port while the data port answers', async () => {
    const s = get();
    const victim = s.cluster.node(2).address;
    const r = await live(s);
    const obs = r.snapshot.observations.find((o) => o.address === victim);
    expect(obs?.error).toBeUndefined();
    expect(obs?.busPort?.open).toBe(false);
    expect(codes(r.diagnosis)).toContain('BUS_PORT_UNREACHABLE');
  });
});
