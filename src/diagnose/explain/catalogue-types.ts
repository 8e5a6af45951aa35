/** The shape of one catalogue entry: data, with {host}, {port}, {slot} and {count} placeholders. */
import type { ExplainCode, ExplainVariant } from './types.ts';

/** What an error means, why it happens (most likely first) and what to check next. */
export interface CatalogueEntry {
  code: ExplainCode;
  meaning: string;
  causes: string[];
  next: string[];
  /** A variant's own meaning and causes replace the entry's (CLUSTERDOWN's three messages, MOVED to "?"). */
  variants?: Partial<Record<ExplainVariant, { meaning?: string; causes?: string[] }>>;
  /** Put first among the causes when the same error (same slot and node) was seen more than once. */
  repeated?: string;
}
