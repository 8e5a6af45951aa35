/** The exact command of a recommended action, in a terminal and in chat, and its placeholders. */
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/actions/registry.ts';
import { planCommandText, requiredParams } from '../../src/bot/render/action-command.ts';

describe('planCommandText', () => {
  it('knows what every planner requires (the renderer keeps its own copy so it never loads them)', () => {
    for (const [name, module] of ACTIONS) expect([...requiredParams(name)]).toEqual(module.requires);
  });

  it('spells each parameter as the CLI and chat take it', () => {
    const a = {
      action: 'fix-coverage' as const,
      target: 'slots 0-5460',
      why: 'w',
      params: { slotRanges: '0-5460', allow: ['discard-dead-owner-data' as const] },
    };
    expect(planCommandText(a, 'prod')).toBe(
      'redis-runbook plan fix-coverage prod --slot-ranges 0-5460 --discard-dead-owner-data',
    );
    expect(planCommandText(a, 'prod', 'chat')).toBe(
      '/redis fix prod fix-coverage --slot-ranges 0-5460 --allow discard-dead-owner-data',
    );
  });

  it('fills what only the operator knows with a placeholder, and gives advice no command', () => {
    const add = { action: 'add-replica' as const, target: 't', why: 'w', params: { master: 'abc' } };
    expect(planCommandText(add, '<cluster>')).toBe(
      'redis-runbook plan add-replica <cluster> --node <new-node-host:port> --master abc',
    );
    expect(planCommandText({ action: 'failover', target: 't', why: 'wait' }, 'prod')).toBeNull();
    const restart = {
      action: 'restart-node' as const,
      target: 't',
      why: 'w',
      params: { node: '10.0.0.1:6379' },
    };
    expect(planCommandText(restart, 'prod')).toBe(
      'redis-runbook plan restart-node prod --node 10.0.0.1:6379',
    );
    expect(planCommandText(restart, 'prod', 'chat')).toBeNull();
  });
});
