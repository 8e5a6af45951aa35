// Whether dist/ holds a build of the current src/: shared by the CLI launcher (which refuses a missing or
// stale build) and `npm run build -- --if-stale`. Plain JavaScript with no dependency; reads only mtimes.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The file the launcher runs; `npm run build` writes it last. */
export const ENTRY = join('dist', 'main.js');

/**
 * The first file below `dir` modified after `since` (ms since the epoch), or null. Runs before every
 * command, so it does the least per entry: one readdir per directory and one stat per entry, paths joined
 * by hand (path.join's normalising was half the cost of the walk).
 */
function changedSince(dir, since) {
  for (const name of readdirSync(dir)) {
    const path = `${dir}${sep}${name}`;
    const stats = statSync(path);
    const hit = stats.isDirectory() ? changedSince(path, since) : stats.mtimeMs > since ? path : null;
    if (hit) return hit;
  }
  return null;
}

/**
 * Why the build under `root` cannot be run, or null when it is current. A copy without src/ (an installed
 * package) is current by definition: there is nothing to compare with.
 */
export function staleReason(root) {
  const entry = join(root, ENTRY);
  if (!existsSync(entry)) return 'the CLI is not built yet (no dist/)';
  const sources = join(root, 'src');
  const changed = existsSync(sources) ? changedSince(sources, statSync(entry).mtimeMs) : null;
  return changed ? `the build in dist/ is older than ${relative(root, changed)}` : null;
}
