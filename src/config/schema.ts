/**
 * The YAML registry of clusters and of who may do what where. Validated with zod; secrets are never
 * in the file, only the names of environment variables that hold them.
 */
import { z } from 'zod';
import { DEFAULT_APPROVALS_PREFIX, DEFAULT_TIMEOUTS } from './registry-file.ts';

const address = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:]+|[0-9a-fA-F:]+):\d{1,5}$/, 'expected "host:port"')
  .refine((s) => {
    const port = Number(s.slice(s.lastIndexOf(':') + 1));
    return Number.isNaN(port) || (port >= 1 && port <= 65535);
  }, 'port must be 1-65535');

export const timeoutsSchema = z
  .object({
    /** TCP connect timeout per node. */
    connectMs: z.number().int().min(50).max(30_000).default(DEFAULT_TIMEOUTS.connectMs),
    /** Timeout of each command per node. */
    commandMs: z.number().int().min(50).max(30_000).default(DEFAULT_TIMEOUTS.commandMs),
    /** Hard deadline for everything collected from one node. */
    nodeDeadlineMs: z.number().int().min(100).max(60_000).default(DEFAULT_TIMEOUTS.nodeDeadlineMs),
  })
  .strict();

export const clusterSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, ".", "_" and "-" only'),
    description: z.string().optional(),
    seeds: z.array(address).min(1),
    username: z.string().min(1).optional(),
    /** Name of the environment variable holding the password; the password itself never goes in the file. */
    passwordEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
      .optional(),
    tls: z
      .object({
        /** CA that signed the nodes' certificates: a PEM file path, or the PEM text itself. */
        ca: z.string().optional(),
        servername: z.string().optional(),
        rejectUnauthorized: z.boolean().default(true),
        /** Client certificate and its key (file path or PEM), for nodes with tls-auth-clients yes (the default). */
        cert: z.string().optional(),
        key: z.string().optional(),
      })
      .strict()
      .refine((t) => (t.cert === undefined) === (t.key === undefined), {
        message: 'cert and key go together: give both or neither',
        path: ['cert'],
      })
      .optional(),
    /** Announced "ip:port" -> reachable "host:port". */
    natMap: z.record(address, address).optional(),
    /**
     * Credentials for fixes, separate from the read-only diagnosis user: an ACL user allowed the mutating
     * commands each action needs (README: Fixing). Each field falls back to the diagnosis one.
     */
    remediation: z
      .object({
        username: z.string().min(1).optional(),
        passwordEnv: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
          .optional(),
      })
      .strict()
      .optional(),
    timeouts: timeoutsSchema.prefault({}),
  })
  .strict();

/** A principal list: Slack user ids ("U123"), group names ("@oncall"), or "*" for everyone. */
const principals = z.array(z.string().min(1));

export const accessSchema = z
  .object({
    /** Slack channel id -> cluster names usable there. The key "*" applies to every channel. */
    channels: z.record(z.string(), z.array(z.string())).default({}),
    /** Group name -> Slack user ids. */
    groups: z.record(z.string(), z.array(z.string())).default({}),
    permissions: z
      .object({
        diagnose: principals.default(['*']),
        request: principals.default([]),
        approve: principals.default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const actionWord = z.string().regex(/^[a-z][a-z-]{0,40}$/, 'a lower-case name such as failover-takeover');

/**
 * How fixes are approved. Requests expire after `ttlSeconds`; `selfApproval` names the clusters where a
 * requester may approve their own request (nowhere by default); `twoApprovers` names the actions and the
 * data-losing options that need two distinct approvers (TAKEOVER and reassigning a dead owner's slots by
 * default).
 */
export const approvalsSchema = z
  .object({
    ttlSeconds: z.number().int().min(1).max(86_400).default(900),
    selfApproval: z.array(z.string()).default([]),
    twoApprovers: z
      .object({
        /** Action names (checked against the actions when approvals start: config sits below them). */
        actions: z.array(actionWord).default(['failover-takeover']),
        /** Data-losing option names a plan turned on (see `allow`). */
        options: z
          .array(actionWord)
          .default(['discard-dead-owner-data', 'replace-existing-keys', 'ignore-memory-headroom']),
      })
      .strict()
      .prefault({}),
    /** Key prefix in the queue Redis (wrapped in a hash tag): every replica of one bot must share it. */
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,40}$/, 'letters, digits, ".", "_" and "-" only')
      .default(DEFAULT_APPROVALS_PREFIX),
  })
  .strict();

export const configSchema = z
  .object({
    clusters: z.array(clusterSchema).default([]),
    access: accessSchema.prefault({}),
    approvals: approvalsSchema.prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.clusters.forEach((c, i) => {
      if (seen.has(c.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['clusters', i, 'name'],
          message: `duplicate cluster "${c.name}"`,
        });
      }
      seen.add(c.name);
    });
    cfg.approvals.selfApproval.forEach((name, i) => {
      if (!seen.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['approvals', 'selfApproval', i],
          message: `unknown cluster "${name}"`,
        });
      }
    });
  });

export type ClusterConfig = z.infer<typeof clusterSchema>;
export type AccessConfig = z.infer<typeof accessSchema>;
export type ApprovalsConfig = z.infer<typeof approvalsSchema>;
export type Config = z.infer<typeof configSchema>;
export type Timeouts = z.infer<typeof timeoutsSchema>;
