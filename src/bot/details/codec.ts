/**
 * Kept details as stored in the queue Redis: the plain-text fields of the detailed view and its cluster,
 * as JSON, gzipped, in base64. Only what a transport renders is written (never a Diagnosis object, a
 * button or a reply URL). Reading is total: a value that is not one of ours reads as null, never throws.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { BotMessage, MessageField, MessageSection } from '../message.ts';
import type { KeptDetails } from './types.ts';

const zip = promisify(gzip);
const unzip = promisify(gunzip);

/** Largest JSON a stored value may unzip to (a value that claims more is not one of ours). */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

const STYLES = new Set(['prose', 'list', 'verbatim']);
const TONES = new Set(['ok', 'problem', 'skipped', 'critical', 'warning', 'info', 'running']);

/** The stored form of `kept`: base64 of gzipped JSON of its rendered fields only. */
export async function encodeDetails(kept: KeptDetails): Promise<string> {
  const d = kept.details;
  const plain: BotMessage = {
    ...(d.tone ? { tone: d.tone } : {}),
    ...(d.title !== undefined ? { title: d.title } : {}),
    ...(d.text !== undefined ? { text: d.text } : {}),
    ...(d.fields ? { fields: d.fields.map(({ label, value, user }) => ({ label, value, user })) } : {}),
    ...(d.sections ? { sections: d.sections.map(plainSection) } : {}),
    ...(d.notes ? { notes: d.notes } : {}),
    fallback: d.fallback,
  };
  const json = JSON.stringify({ v: 1, cluster: kept.cluster, details: plain });
  return (await zip(json)).toString('base64');
}

function plainSection(s: MessageSection): MessageSection {
  const { heading, lines, style, spill, fromDiagnosis } = s;
  return { heading, lines, style, spill, fromDiagnosis };
}

/** The kept details in `value`, or null when it is not a value {@link encodeDetails} wrote. */
export async function decodeDetails(value: string): Promise<KeptDetails | null> {
  try {
    const json = await unzip(Buffer.from(value, 'base64'), { maxOutputLength: MAX_JSON_BYTES });
    const raw = JSON.parse(json.toString('utf8')) as unknown;
    if (!isRecord(raw) || raw.v !== 1) return null;
    const cluster = raw.cluster;
    if (cluster !== null && typeof cluster !== 'string') return null;
    const details = asMessage(raw.details);
    return details ? { details, cluster } : null;
  } catch {
    return null;
  }
}

function asMessage(v: unknown): BotMessage | null {
  if (!isRecord(v) || typeof v.fallback !== 'string') return null;
  if (v.tone !== undefined && !TONES.has(v.tone as string)) return null;
  if (!optional(v.title, isString) || !optional(v.text, isString)) return null;
  if (!optional(v.notes, isStrings)) return null;
  if (!optional(v.sections, (s) => Array.isArray(s) && s.every(isSection))) return null;
  if (!optional(v.fields, (f) => Array.isArray(f) && f.every(isField))) return null;
  return v as unknown as BotMessage;
}

function isSection(s: unknown): s is MessageSection {
  return isRecord(s) && isStrings(s.lines) && STYLES.has(s.style as string) && optional(s.heading, isString);
}

function isField(f: unknown): f is MessageField {
  return isRecord(f) && isString(f.label) && isString(f.value);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const optional = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || ok(v);
