import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/bot/commands.ts';
import { checkAccess, clustersForChannel, hasPermission } from '../../src/config/access.ts';
import { accessSchema } from '../../src/config/schema.ts';

describe('parseCommand', () => {
  it('parses every subcommand', () => {
    expect(parseCommand('')).toEqual({ ok: true, command: { kind: 'help' } });
    expect(parseCommand('diagnose prod-cluster')).toEqual({
      ok: true,
      command: { kind: 'diagnose', cluster: 'prod-cluster' },
    });
    expect(parseCommand('  CHECK  `prod`  ')).toEqual({
      ok: true,
      command: { kind: 'check', cluster: 'prod' },
    });
    expect(parseCommand('/redis nodes prod')).toEqual({
      ok: true,
      command: { kind: 'nodes', cluster: 'prod' },
    });
    expect(parseCommand('runbook list')).toEqual({ ok: true, command: { kind: 'runbook-list' } });
    expect(parseCommand('runbook failover prod')).toEqual({
      ok: true,
      command: { kind: 'runbook', runbook: 'failover', cluster: 'prod' },
    });
    expect(parseCommand('clusters')).toEqual({ ok: true, command: { kind: 'clusters' } });
  });

  it('explains what is wrong and what would work', () => {
    const typo = parseCommand('diagnsoe prod');
    expect(typo).toMatchObject({ ok: false, error: { code: 'UNKNOWN_SUBCOMMAND' } });
    expect(typo.ok ? '' : typo.error.hint).toContain('Did you mean `diagnose`');
    expect(parseCommand('diagnose')).toMatchObject({ ok: false, error: { code: 'MISSING_ARGUMENT' } });
    expect(parseCommand('runbook failover')).toMatchObject({
      ok: false,
      error: { code: 'MISSING_ARGUMENT' },
    });
    expect(parseCommand('nodes a b')).toMatchObject({ ok: false, error: { code: 'TOO_MANY_ARGUMENTS' } });
  });

  it('never accepts an ad-hoc host:port target', () => {
    for (const t of [
      'diagnose 10.0.0.1:6379',
      'check redis.internal:7000',
      'nodes [::1]:7000',
      'diagnose ::1:7000',
    ]) {
      expect(parseCommand(t)).toMatchObject({ ok: false, error: { code: 'ADHOC_TARGET' } });
    }
  });
});

describe('access rules', () => {
  const access = accessSchema.parse({
    channels: { COPS: ['prod', 'stage'], CDEV: ['*'], '*': ['sandbox'] },
    groups: { oncall: ['UBOB'], '@sre': ['UCAROL'] },
    permissions: { diagnose: ['@oncall', '@sre', 'UALICE'], approve: ['@sre'] },
  });
  const known = ['prod', 'stage', 'sandbox', 'secret'];

  it('binds channels to clusters, with "*" keys and values', () => {
    expect(clustersForChannel(access, 'COPS', known)).toEqual(['prod', 'stage', 'sandbox']);
    expect(clustersForChannel(access, 'CDEV', known)).toEqual(known);
    expect(clustersForChannel(access, 'CRANDOM', known)).toEqual(['sandbox']);
    expect(clustersForChannel(access, null, known)).toEqual(known);
  });

  it('grants permissions to users directly and through @groups', () => {
    expect(hasPermission(access, 'UALICE', 'diagnose')).toBe(true);
    expect(hasPermission(access, 'UBOB', 'diagnose')).toBe(true);
    expect(hasPermission(access, 'UCAROL', 'approve')).toBe(true);
    expect(hasPermission(access, 'UBOB', 'approve')).toBe(false);
    expect(hasPermission(access, 'UMALLORY', 'diagnose')).toBe(false);
  });

  it('refuses a cluster outside the channel binding, and a user without the permission', () => {
    const base = { user: 'UALICE', permission: 'diagnose' as const, known };
    expect(checkAccess(access, { ...base, channel: 'COPS', cluster: 'prod' })).toBeNull();
    expect(checkAccess(access, { ...base, channel: 'COPS', cluster: 'secret' })).toMatchObject({
      code: 'CHANNEL_NOT_BOUND',
      hint: expect.stringContaining('prod, stage, sandbox'),
    });
    expect(
      checkAccess(access, { ...base, user: 'UMALLORY', channel: 'COPS', cluster: 'prod' }),
    ).toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    expect(
      checkAccess(access, { ...base, user: 'UMALLORY', permission: null, channel: null, cluster: 'secret' }),
    ).toBeNull();
  });

  it('defaults: everyone may diagnose, nobody may approve', () => {
    const open = accessSchema.parse({});
    expect(hasPermission(open, 'UANY', 'diagnose')).toBe(true);
    expect(hasPermission(open, 'UANY', 'approve')).toBe(false);
    expect(clustersForChannel(open, 'C1', ['prod'])).toEqual([]);
  });
});
