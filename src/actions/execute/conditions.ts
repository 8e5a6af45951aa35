/**
 * Evaluates a plan's Conditions against the nodes' own live answers (each reachable node's CLUSTER NODES,
 * a node's INFO replication), to wait on them or to skip work already done. Read-only, short timeouts;
 * a node that does not answer is left out of "every reachable node", never waited on.
 */
import { parseInfoFields } from '../../cluster/parse-info.ts';
import { parseClusterNodes } from '../../cluster/parse-nodes.ts';
import { formatRanges, rangesToBitmap } from '../../cluster/slots.ts';
import type { NodeLine, SlotRange } from '../../cluster/types.ts';
import type { Condition, NodeRef } from '../types.ts';
import type { ExecContext, NodeSession } from './context.ts';

/** Timeout of each read-only command a check sends. */
export const CHECK_MS = 2000;

/** Whether a condition holds, and what was seen, in words (shown when a wait times out). */
export interface ConditionCheck {
  holds: boolean;
  detail: string;
}

interface View {
  address: string;
  observer: string | null;
  lines: NodeLine[];
}

type Ctx = Pick<ExecContext, 'session' | 'reachableSessions'>;

async function viewOf(s: NodeSession): Promise<View | null> {
  try {
    const reply = await s.call(['CLUSTER', 'NODES'], CHECK_MS);
    const v = parseClusterNodes(String(reply));
    return { address: s.address, observer: v.observer, lines: v.nodes };
  } catch {
    return null;
  }
}

/** Every reachable node's own CLUSTER NODES, in parallel. */
async function allViews(ctx: Ctx): Promise<View[]> {
  const sessions = await ctx.reachableSessions();
  const views = await Promise.all(sessions.map(viewOf));
  return views.filter((v): v is View => v !== null);
}

function addressOf(l: NodeLine): string {
  return l.ip.includes(':') ? `[${l.ip}]:${l.port}` : `${l.ip}:${l.port}`;
}

function isNode(l: NodeLine, n: NodeRef): boolean {
  if (n.id) return l.id === n.id;
  return addressOf(l) === n.address;
}

function isSelf(v: View, n: NodeRef): boolean {
  const me = v.lines.find((l) => l.flags.includes('myself'));
  return me ? isNode(me, n) : v.address === n.address;
}

function name(n: NodeRef): string {
  return n.id ? `${n.address} (${n.id.slice(0, 8)})` : n.address;
}

function ownsAll(l: NodeLine, wanted: Uint8Array | null): boolean {
  if (!wanted) return l.slots.length > 0;
  const have = rangesToBitmap(l.slots);
  for (let i = 0; i < wanted.length; i++) if (wanted[i] && !have[i]) return false;
  return true;
}

function summarize(bad: string[], good: string): ConditionCheck {
  if (bad.length === 0) return { holds: true, detail: good };
  const more = bad.length > 4 ? ` and ${bad.length - 4} more` : '';
  return { holds: false, detail: `${bad.slice(0, 4).join('; ')}${more}` };
}

async function role(ctx: Ctx, c: Extract<Condition, { kind: 'role' }>): Promise<ConditionCheck> {
  const v = await ctx.session(c.node).then(viewOf, () => null);
  const me = v?.lines.find((l) => l.flags.includes('myself'));
  if (!me) return { holds: false, detail: `${name(c.node)} did not answer CLUSTER NODES` };
  const isMaster = me.flags.includes('master');
  const ok =
    c.role === 'master'
      ? isMaster
      : me.flags.includes('slave') && (c.of === undefined || me.masterId === c.of);
  const now = isMaster ? 'master' : `replica of ${me.masterId?.slice(0, 8) ?? '?'}`;
  return { holds: ok, detail: `${name(c.node)} reports itself ${now}` };
}

async function agreedMaster(ctx: Ctx, c: Extract<Condition, { kind: 'agreed-master' }>) {
  const views = await allViews(ctx);
  const wanted = c.slots ? rangesToBitmap(c.slots) : null;
  const bad: string[] = [];
  if (!views.some((v) => isSelf(v, c.node))) bad.push(`${name(c.node)} does not answer`);
  for (const v of views) {
    const l = v.lines.find((x) => isNode(x, c.node));
    if (!l) bad.push(`${v.address} does not list it`);
    else if (!l.flags.includes('master')) bad.push(`${v.address} still lists it as a replica`);
    else if (!ownsAll(l, wanted)) bad.push(`${v.address} does not list it owning ${slotsText(c.slots)}`);
  }
  return summarize(
    bad,
    `${views.length} nodes agree ${name(c.node)} is a master owning ${slotsText(c.slots)}`,
  );
}

function slotsText(slots: SlotRange[] | undefined): string {
  if (!slots) return 'slots';
  const t = formatRanges(slots);
  return `slots ${t.length > 60 ? `${t.slice(0, 57)}…` : t}`;
}

async function knownByAll(ctx: Ctx, c: Extract<Condition, { kind: 'known-by-all' }>) {
  const views = await allViews(ctx);
  const own = views.find((v) => isSelf(v, c.node));
  const bad: string[] = [];
  if (!own) bad.push(`${name(c.node)} does not answer`);
  const healthy = (l: NodeLine | undefined) =>
    !!l && !l.flags.includes('handshake') && !l.flags.includes('noaddr');
  for (const v of views) {
    if (v === own) continue;
    const l = v.lines.find((x) => isNode(x, c.node));
    if (!healthy(l)) bad.push(`${v.address} does not know it yet`);
    else if (c.node.id && addressOf(l!) !== c.node.address)
      bad.push(`${v.address} still has it at ${addressOf(l!)}`);
    if (own && v.observer && !healthy(own.lines.find((l) => l.id === v.observer)))
      bad.push(`it does not know ${v.address} yet`);
  }
  return summarize(bad, `${name(c.node)} and all ${views.length - 1} other answering nodes know each other`);
}

async function replicaSynced(ctx: Ctx, c: Extract<Condition, { kind: 'replica-synced' }>) {
  try {
    const s = await ctx.session(c.node);
    const f = parseInfoFields(String(await s.call(['INFO', 'replication'], CHECK_MS)));
    const replica = f.role === 'slave' || f.role === 'replica';
    const up = f.master_link_status === 'up' && f.master_sync_in_progress !== '1';
    if (c.orMaster && f.role === 'master') return { holds: true, detail: `${name(c.node)} is a master` };
    const detail = replica
      ? `${name(c.node)}: master_link_status:${f.master_link_status ?? '?'}, master_sync_in_progress:${f.master_sync_in_progress ?? '?'}, offset ${f.slave_repl_offset ?? '?'}`
      : `${name(c.node)} is not a replica (role:${f.role ?? '?'})`;
    return { holds: replica && up, detail };
  } catch (err) {
    return { holds: false, detail: `${name(c.node)}: ${(err as Error).message}` };
  }
}

async function ownsNone(ctx: Ctx, c: Extract<Condition, { kind: 'owns-none' }>) {
  const views = await allViews(ctx);
  const bad = views.flatMap((v) => {
    const l = v.lines.find((x) => isNode(x, c.node));
    return l && l.slots.length > 0 ? [`${v.address} lists it owning ${formatRanges(l.slots)}`] : [];
  });
  return summarize(bad, `no answering node lists ${name(c.node)} owning a slot`);
}

async function forgotten(ctx: Ctx, c: Extract<Condition, { kind: 'forgotten' }>) {
  const views = await allViews(ctx);
  const skip = (v: View) => v.observer === c.id || (c.except ?? []).some((n) => isSelf(v, n));
  const bad = views
    .filter((v) => !skip(v) && v.lines.some((l) => l.id === c.id))
    .map((v) => `${v.address} still lists ${c.id.slice(0, 8)}`);
  return summarize(bad, `none of ${views.length} answering nodes lists ${c.id.slice(0, 8)}`);
}

async function slotsSettled(ctx: Ctx, c: Extract<Condition, { kind: 'slots-settled' }>) {
  const views = await allViews(ctx);
  const wanted = rangesToBitmap(c.slots);
  // Arrays indexed by slot, not maps: this runs on every poll, over up to 16,384 slots per view.
  const owner: (string | undefined)[] = new Array(wanted.length);
  const bad: string[] = [];
  for (const v of views) {
    const seen: (string | undefined)[] = new Array(wanted.length);
    for (const l of v.lines) {
      for (const r of l.slots) for (let s = r.start; s <= r.end; s++) if (wanted[s]) seen[s] = l.id;
      if (!l.flags.includes('myself')) continue;
      const open = [...l.migrating.map((m) => m.slot), ...l.importing.map((m) => m.slot)].filter(
        (s) => wanted[s],
      );
      if (open.length > 0) bad.push(`${v.address} still has slot ${open[0]} open`);
    }
    for (const r of c.slots) {
      for (let s = r.start; s <= r.end; s++) {
        const id = seen[s];
        const first = owner[s];
        if (id === undefined) {
          bad.push(`${v.address} lists no owner for slot ${s}`);
          break;
        }
        if (first === undefined) owner[s] = id;
        else if (first !== id) {
          bad.push(`${v.address} names another owner for slot ${s}`);
          break;
        }
      }
    }
  }
  return summarize(bad, `${views.length} answering nodes agree on one owner for ${slotsText(c.slots)}`);
}

/** Checks `cond` now against the live nodes; never throws (a failed read is a condition that does not hold). */
export async function checkCondition(cond: Condition, ctx: Ctx): Promise<ConditionCheck> {
  try {
    switch (cond.kind) {
      case 'role':
        return await role(ctx, cond);
      case 'agreed-master':
        return await agreedMaster(ctx, cond);
      case 'known-by-all':
        return await knownByAll(ctx, cond);
      case 'replica-synced':
        return await replicaSynced(ctx, cond);
      case 'owns-none':
        return await ownsNone(ctx, cond);
      case 'forgotten':
        return await forgotten(ctx, cond);
      case 'slots-settled':
        return await slotsSettled(ctx, cond);
    }
  } catch (err) {
    return { holds: false, detail: `could not check: ${(err as Error).message}` };
  }
}
