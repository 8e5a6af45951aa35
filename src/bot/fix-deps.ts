/**
 * What the bot needs to offer fixes: the approvals service and a planner that probes and plans. Absent
 * when no queue Redis is configured: then `fix`, `approve`, `deny` and `audit` say fixing is not
 * enabled, and diagnosis works. The bot builds the progress observer itself (it owns the transport) and
 * hands it out for the worker.
 */
import type { PlanActionResult } from '../actions/service.ts';
import type { ApprovalService } from '../approvals/service.ts';
import type { ActionName, ActionParams } from '../diagnose/types.ts';

/** The fix dependencies the entry point builds (cli/fixes.ts). */
export interface FixDeps {
  approvals: ApprovalService;
  /** Probes the cluster and plans `action`; throws only for a config problem. */
  plan(cluster: string, action: ActionName, params: ActionParams): Promise<PlanActionResult>;
}

/** Who asked and where, as the fix flows need it (the bot core's Requester, narrowed). */
export interface FixActor {
  user: string;
  channel: string;
  replyUrl?: string;
  /** A terminal without --channel: no channel rule applies. */
  unbound?: boolean;
  /** A terminal without --as: nobody to put in the audit, so fixes are refused. */
  operator?: boolean;
}
