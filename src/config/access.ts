/**
 * Who may do what where, from the YAML `access` section. Pure: the callers log refusals.
 * Channels bind to clusters ("*" key = every channel, "*" in a list = every cluster); users and
 * "@groups" bind to permissions.
 */
import type { AccessConfig } from './schema.ts';

export type Permission = 'diagnose' | 'request' | 'approve';

/** Why something was refused, worded for the person refused; `code` is stable for logs. */
export interface AccessDenied {
  code: 'CHANNEL_NOT_BOUND' | 'PERMISSION_DENIED';
  message: string;
  hint: string;
}

/**
 * Clusters usable in `channel`, among `known` (registry order). A null channel (a terminal without
 * --channel) is bound by no channel rule and may use every cluster.
 */
export function clustersForChannel(access: AccessConfig, channel: string | null, known: string[]): string[] {
  if (channel === null) return [...known];
  const allowed = [...(access.channels[channel] ?? []), ...(access.channels['*'] ?? [])];
  if (allowed.includes('*')) return [...known];
  return known.filter((name) => allowed.includes(name));
}

/** True when `user` holds `permission`, directly, through "*", or through a group. */
export function hasPermission(access: AccessConfig, user: string, permission: Permission): boolean {
  const principals = access.permissions[permission];
  return principals.some(
    (p) => p === '*' || p === user || (p.startsWith('@') && groupMembers(access, p).includes(user)),
  );
}

/** Members of "@group" (the groups map may spell the key with or without the "@"). */
export function groupMembers(access: AccessConfig, group: string): string[] {
  const bare = group.replace(/^@/, '');
  return [...(access.groups[bare] ?? []), ...(access.groups[`@${bare}`] ?? [])];
}

/**
 * Checks that `user` may use `permission` on `cluster` from `channel`; null when allowed. A null
 * permission skips the user check (the local operator of a terminal).
 */
export function checkAccess(
  access: AccessConfig,
  req: {
    user: string;
    channel: string | null;
    cluster: string;
    permission: Permission | null;
    known: string[];
  },
): AccessDenied | null {
  const usable = clustersForChannel(access, req.channel, req.known);
  if (!usable.includes(req.cluster)) {
    return {
      code: 'CHANNEL_NOT_BOUND',
      message: `Cluster "${req.cluster}" is not available in this channel.`,
      hint:
        usable.length > 0
          ? `Clusters usable here: ${usable.join(', ')}. Ask an admin to bind "${req.cluster}" to this channel in access.channels.`
          : `No cluster is bound to this channel. Ask an admin to add it under access.channels in the config.`,
    };
  }
  if (req.permission !== null && !hasPermission(access, req.user, req.permission)) {
    return {
      code: 'PERMISSION_DENIED',
      message: `You do not have the "${req.permission}" permission.`,
      hint: `Ask an admin to add you (or one of your groups) to access.permissions.${req.permission}.`,
    };
  }
  return null;
}
