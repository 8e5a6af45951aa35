/**
 * Every key the approvals room uses in the queue Redis, under one hash-tagged prefix so they (and the
 * BullMQ queue) share a slot if the queue Redis is ever a cluster. Nothing here lives on a repaired cluster.
 */
import { randomBytes } from 'node:crypto';

/** A request id: "fx-" and 8 lower-case letters or digits (never all digits, never a ':'). */
export const REQUEST_ID = /^fx-[a-z0-9]{8}$/;
const ID_CHARS = 'abcdefghjkmnpqrstuvwxyz23456789';

/** The keys of one bot deployment; every replica of it must use the same `prefix`. */
export interface ApprovalKeys {
  /** "{prefix}": also the BullMQ prefix. */
  tag: string;
  request(id: string): string;
  /** The audit stream (never trimmed) and its chain head. */
  audit: string;
  head: string;
  /** Ids of requests not yet final (pending, approved, executing). */
  live: string;
  /** Holds the id of the request running on a cluster. */
  lock(cluster: string): string;
  /** Exists while the worker process `runner` is alive. */
  heartbeat(runner: string): string;
}

/** Builds the key names for `prefix` (default "redis-runbook"). */
export function approvalKeys(prefix = 'redis-runbook'): ApprovalKeys {
  const tag = `{${prefix}}`;
  return {
    tag,
    request: (id) => `${tag}:req:${id}`,
    audit: `${tag}:audit`,
    head: `${tag}:audit:head`,
    live: `${tag}:live`,
    lock: (cluster) => `${tag}:running:${cluster}`,
    heartbeat: (runner) => `${tag}:runner:${runner}`,
  };
}

/** A fresh request id. */
export function newId(): string {
  const bytes = randomBytes(8);
  let id = 'fx-';
  for (const b of bytes) id += ID_CHARS[b % ID_CHARS.length];
  return id;
}
