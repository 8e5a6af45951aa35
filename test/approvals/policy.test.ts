/**
 * The approval rules as pure functions: the state machine, who needs two approvers by default, the
 * approvals config checks the schema cannot make, every branch of judging a click, and the chat
 * grammar of fix, approve, deny and audit.
 */
import { describe, expect, it } from 'vitest';
import {
  approvalsNeeded,
  canMove,
  checkApprovalsConfig,
  isFinal,
  judgeClick,
  mayPropose,
  TRANSITIONS,
} from '../../src/approvals/policy.ts';
import { undecided } from '../../src/approvals/record.ts';
import type { ApprovalRequest } from '../../src/approvals/types.ts';
import { REQUEST_STATES } from '../../src/approvals/types.ts';
import { parseCommand } from '../../src/bot/commands.ts';
import { parseConfig } from '../../src/config/load.ts';
import { ACCESS, testPlan } from './helpers/plans.ts';

const config = parseConfig({ clusters: [{ name: 'prod', seeds: ['127.0.0.1:1'] }], access: ACCESS });

function request(over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  const plan = testPlan('prod');
  return {
    id: 'fx-abcd2345',
    state: 'pending',
    version: 1,
    cluster: 'prod',
    action: plan.action,
    params: plan.params,
    plan,
    planHash: 'h',
    requestedBy: 'UALICE',
    channel: 'COPS',
    thread: null,
    card: null,
    createdAt: 1000,
    expiresAt: 5000,
    approvalsNeeded: 1,
    selfApproval: false,
    ...undecided(),
    diagnosis: null,
    ...over,
  };
}

const click = (
  user: string,
  choice: 'approve' | 'deny' = 'approve',
  over: { now?: number; channel?: string | null } = {},
) => ({
  user,
  choice,
  channel: over.channel === undefined ? 'COPS' : over.channel,
  now: over.now ?? 2000,
  access: config.access,
  known: ['prod'],
});

describe('the state machine', () => {
  it('has every state, final states leave nowhere, and nothing returns to pending from a decision', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...REQUEST_STATES].sort());
    expect(REQUEST_STATES.filter(isFinal).sort()).toEqual([
      'cancelled',
      'denied',
      'expired',
      'failed',
      'succeeded',
      'unknown-outcome',
    ]);
    expect(canMove('approved', 'pending')).toBe(false);
    expect(canMove('executing', 'executing')).toBe(false);
    expect(canMove('pending', 'executing')).toBe(false);
    expect(canMove('approved', 'executing')).toBe(true);
  });
});

describe('two approvers', () => {
  it('are needed by default for TAKEOVER and for reassigning a dead owner slots, not for a plain failover', () => {
    const a = config.approvals;
    expect(approvalsNeeded(a, testPlan('prod', { action: 'failover-takeover' }))).toBe(2);
    expect(
      approvalsNeeded(
        a,
        testPlan('prod', { action: 'fix-coverage', dangerous: ['discard-dead-owner-data'] }),
      ),
    ).toBe(2);
    // Every data-losing option needs two approvers by default: overwriting keys, evicting or OOM on a receiver.
    for (const option of ['replace-existing-keys', 'ignore-memory-headroom'] as const)
      expect(approvalsNeeded(a, testPlan('prod', { action: 'reshard', dangerous: [option] }))).toBe(2);
    expect(approvalsNeeded(a, testPlan('prod', { action: 'failover' }))).toBe(1);
  });

  it('config names are checked against the actions and options', () => {
    const bad = parseConfig({
      approvals: { twoApprovers: { actions: ['failover-takover'], options: ['discard-everything'] } },
    });
    expect(checkApprovalsConfig(bad.approvals)).toEqual([
      expect.stringContaining('unknown action "failover-takover"'),
      expect.stringContaining('unknown option "discard-everything"'),
    ]);
    expect(() => parseConfig({ approvals: { selfApproval: ['nope'] } })).toThrow(
      /approvals.selfApproval\[0\]: unknown cluster "nope"/,
    );
  });
});

describe('judging a click', () => {
  it('approves, counts two approvers, and refuses the same approver twice', () => {
    expect(judgeClick(request(), click('UBOB'))).toMatchObject({
      kind: 'move',
      to: 'approved',
      event: 'approved',
    });
    const two = request({ approvalsNeeded: 2 });
    expect(judgeClick(two, click('UBOB'))).toMatchObject({ kind: 'move', to: 'pending' });
    const once = request({ approvalsNeeded: 2, approvals: [{ user: 'UBOB', at: 1500 }] });
    expect(judgeClick(once, click('UBOB'))).toMatchObject({ refusal: { code: 'APPROVAL_SAME_APPROVER' } });
    expect(judgeClick(once, click('UCAROL'))).toMatchObject({ kind: 'move', to: 'approved' });
  });

  it('refuses self-approval unless the cluster allows it, and lets the requester withdraw', () => {
    const own = request({ requestedBy: 'UBOB' });
    expect(judgeClick(own, click('UBOB'))).toMatchObject({ refusal: { code: 'APPROVAL_SELF' } });
    expect(judgeClick({ ...own, selfApproval: true }, click('UBOB'))).toMatchObject({ to: 'approved' });
    expect(judgeClick(request(), click('UALICE', 'deny'))).toMatchObject({
      to: 'cancelled',
      event: 'cancelled',
    });
  });

  it('refuses a non-approver, another channel, and expires a late click', () => {
    expect(judgeClick(request(), click('UDAVE'))).toMatchObject({
      refusal: { code: 'APPROVAL_NOT_PERMITTED' },
    });
    expect(judgeClick(request(), click('UBOB', 'approve', { channel: 'CELSEWHERE' }))).toMatchObject({
      refusal: { code: 'APPROVAL_WRONG_CHANNEL' },
    });
    expect(judgeClick(request(), click('UBOB', 'approve', { channel: null }))).toMatchObject({
      to: 'approved',
    });
    expect(judgeClick(request(), click('UBOB', 'approve', { now: 5001 }))).toMatchObject({
      kind: 'refuse',
      expire: true,
      refusal: { code: 'APPROVAL_EXPIRED' },
    });
  });

  it('refuses anything after a decision, naming who decided', () => {
    const denied = request({ state: 'denied', decidedBy: 'UCAROL', decidedAt: 3000 });
    const verdict = judgeClick(denied, click('UBOB'));
    expect(verdict).toMatchObject({ refusal: { code: 'APPROVAL_ALREADY_DECIDED' } });
    expect(verdict.kind === 'refuse' && verdict.refusal.message).toContain(
      'was denied by UCAROL at 1970-01-01 00:00:03 UTC',
    );
  });

  it('has nothing to approve in an advice-only plan', () => {
    expect(mayPropose({ ...testPlan('prod'), mutates: false, steps: [], advice: ['restart it'] })?.code).toBe(
      'APPROVAL_NOT_MUTATING',
    );
  });
});

describe('the chat grammar', () => {
  it('parses fix with its flags, approve, deny with a reason, and audit', () => {
    expect(parseCommand('fix prod reshard --from 10.0.0.1:6379 --to 10.0.0.2:6379 --slots 100')).toEqual({
      ok: true,
      command: {
        kind: 'fix',
        cluster: 'prod',
        action: 'reshard',
        params: { from: '10.0.0.1:6379', to: '10.0.0.2:6379', slots: 100 },
      },
    });
    expect(
      parseCommand('fix prod fix-coverage --slot-ranges 0-100 --allow discard-dead-owner-data'),
    ).toMatchObject({
      command: { params: { slotRanges: '0-100', allow: ['discard-dead-owner-data'] } },
    });
    expect(parseCommand('approve fx-abcd2345')).toEqual({
      ok: true,
      command: { kind: 'approve', id: 'fx-abcd2345' },
    });
    expect(parseCommand('deny fx-abcd2345 not during peak')).toEqual({
      ok: true,
      command: { kind: 'deny', id: 'fx-abcd2345', reason: 'not during peak' },
    });
    expect(parseCommand('audit prod 5')).toEqual({
      ok: true,
      command: { kind: 'audit', cluster: 'prod', count: 5 },
    });
    expect(parseCommand('audit')).toEqual({ ok: true, command: { kind: 'audit', count: 10 } });
  });

  it('refuses bad fix input with a clear message and never an address for a cluster', () => {
    expect(parseCommand('fix prod explode')).toMatchObject({ ok: false, error: { code: 'BAD_FIX' } });
    expect(parseCommand('fix prod failover --node')).toMatchObject({
      ok: false,
      error: { message: '--node needs a value.' },
    });
    expect(parseCommand('fix prod failover --frob x')).toMatchObject({
      ok: false,
      error: { code: 'BAD_FIX' },
    });
    expect(parseCommand('fix prod reshard --slots 99999')).toMatchObject({
      ok: false,
      error: { code: 'BAD_FIX' },
    });
    expect(parseCommand('fix prod fix-coverage --allow everything')).toMatchObject({
      ok: false,
      error: { code: 'BAD_FIX' },
    });
    expect(parseCommand('fix 10.0.0.1:6379 failover')).toMatchObject({
      ok: false,
      error: { code: 'ADHOC_TARGET' },
    });
    expect(parseCommand('approve')).toMatchObject({ ok: false, error: { code: 'MISSING_ARGUMENT' } });
  });
});
