/**
 * Loads the YAML cluster registry (./redis-runbook.yml, or $REDIS_RUNBOOK_CONFIG, or an explicit path),
 * validates it with the zod schema and reports every problem by its path in the file.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './errors.ts';
import { DEFAULT_CONFIG_FILE, registryFile } from './registry-file.ts';
import { type Config, configSchema } from './schema.ts';

export { ConfigError, isConfigError } from './errors.ts';
export { CONFIG_ENV_VAR, DEFAULT_CONFIG_FILE } from './registry-file.ts';
export { resolvePassword, resolveTarget } from './target.ts';

/**
 * Reads and validates the registry. `path` wins, then $REDIS_RUNBOOK_CONFIG, then ./redis-runbook.yml.
 * A missing default file gives an empty config; a missing file that was named explicitly is an error.
 */
export function loadConfig(path?: string, env: NodeJS.ProcessEnv = process.env): Config {
  const file = registryFile(path, env);
  if (file === null) return parseConfig({}, resolve(DEFAULT_CONFIG_FILE));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('CONFIG_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`);
  }
  return parseConfigText(text, file);
}

/** Parses YAML text into a validated Config; `source` names the file in error messages. */
export function parseConfigText(text: string, source = '<config>'): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return `line ${pos.line}, column ${pos.col}: ${firstLine(e.message)}`;
    });
    throw new ConfigError('CONFIG_YAML', `${source} is not valid YAML`, problems);
  }
  return parseConfig(doc.toJS() ?? {}, source);
}

/** Validates an already-parsed object; throws CONFIG_INVALID listing every problem by path. */
export function parseConfig(raw: unknown, source = '<config>'): Config {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap(describeIssue);
  for (const dup of duplicateNames(raw)) if (!problems.includes(dup)) problems.push(dup);
  throw new ConfigError('CONFIG_INVALID', `${source} has ${plural(problems.length, 'problem')}`, problems);
}

/** Formats a zod path as `clusters[1].seeds[0]`; the empty path is `(top level)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_$][\w$-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out || '(top level)';
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const where = formatPath(issue.path);
  if (issue.code === 'invalid_key') {
    return issue.issues.map((inner) => `${where} (key): ${inner.message}`);
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${formatPath([...issue.path, k])}: unknown setting`);
  }
  return [`${where}: ${issue.message}`];
}

/** Duplicate cluster names, found on the raw input so they are listed even when other checks fail. */
function duplicateNames(raw: unknown): string[] {
  const clusters = (raw as { clusters?: unknown } | null)?.clusters;
  if (!Array.isArray(clusters)) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  clusters.forEach((c: unknown, i) => {
    const name = (c as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    if (seen.has(name)) out.push(`clusters[${i}].name: duplicate cluster "${name}"`);
    seen.add(name);
  });
  return out;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
