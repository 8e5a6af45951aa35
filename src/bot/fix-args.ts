/**
 * Parses the words after `fix <cluster>`: an action name and its flags, into the ActionParams a planner
 * takes. Pure and total: a bad flag gives a clear error, never a partial request. Data-losing options
 * are only ever turned on by name (`--allow discard-dead-owner-data`).
 */
import { ACTION_NAMES, type ActionName, type ActionParams, DANGEROUS_OPTIONS } from '../diagnose/types.ts';

/** The action and its params, or what is wrong with the words. */
export type FixArgs =
  | { ok: true; action: ActionName; params: ActionParams }
  | { ok: false; message: string; hint: string };

/** How `fix` is typed. */
export const FIX_USAGE =
  'fix <cluster> <action> [--node A] [--master A] [--from A --to B --slots N] [--slot-ranges 0-100,200] [--allow <option>]';

const VALUE_FLAGS = new Set(['--node', '--master', '--from', '--to', '--slots', '--slot-ranges', '--allow']);

/** Reads `<action> [flags]`. */
export function parseFixArgs(words: string[]): FixArgs {
  const [name, ...rest] = words;
  if (!name) return bad('`fix` needs an action after the cluster.', `Actions: ${ACTION_NAMES.join(', ')}.`);
  const action = ACTION_NAMES.find((a) => a === name.toLowerCase());
  if (!action) {
    return bad(
      `"${clip(name)}" is not an action.`,
      `Actions: ${ACTION_NAMES.join(', ')}. Usage: /redis ${FIX_USAGE}`,
    );
  }
  const params: ActionParams = {};
  for (let i = 0; i < rest.length; i += 2) {
    const flag = (rest[i] ?? '').toLowerCase();
    const value = rest[i + 1];
    if (!VALUE_FLAGS.has(flag))
      return bad(`Unknown option "${clip(rest[i] ?? '')}".`, `Usage: /redis ${FIX_USAGE}`);
    if (value === undefined || value.startsWith('--'))
      return bad(`${flag} needs a value.`, `Usage: /redis ${FIX_USAGE}`);
    if (value.length > 200)
      return bad(`The value of ${flag} is too long.`, 'Give a node as ip:port or its id.');
    const error = apply(params, flag, value);
    if (error) return error;
  }
  return { ok: true, action, params };
}

function apply(params: ActionParams, flag: string, value: string): FixArgs | null {
  switch (flag) {
    case '--node':
      params.node = value;
      return null;
    case '--master':
      params.master = value;
      return null;
    case '--from':
      params.from = value;
      return null;
    case '--to':
      params.to = value;
      return null;
    case '--slot-ranges':
      if (!/^\d{1,5}(-\d{1,5})?(,\d{1,5}(-\d{1,5})?)*$/.test(value)) {
        return bad(`"${clip(value)}" is not a slot list.`, 'Write slots like 0-5460,5462.');
      }
      params.slotRanges = value;
      return null;
    case '--slots': {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 16384)
        return bad('--slots takes a number from 1 to 16384.', '');
      params.slots = n;
      return null;
    }
    default: {
      const option = DANGEROUS_OPTIONS.find((o) => o === value);
      if (!option)
        return bad(
          `"${clip(value)}" is not an option --allow knows.`,
          `Options: ${DANGEROUS_OPTIONS.join(', ')}.`,
        );
      params.allow = [...(params.allow ?? []), option];
      return null;
    }
  }
}

function bad(message: string, hint: string): FixArgs {
  return { ok: false, message, hint };
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
