/**
 * FUNCTIONS_DIFFER: the slot-owning masters that answered do not hold the same Redis 7 function
 * libraries (FUNCTION LIST, compared by name and code digest). FCALL of a key served by a master that
 * lacks the library fails with "Function not found", and moving slots to it carries that along. Info,
 * not a warning: whether clients call functions at all cannot be seen. Masters whose functions were not
 * read (ACL, paste) are left out; a server before 7.0 counts as holding none.
 */
import { isDown, type RuleContext } from '../context.ts';
import { finding, listLabels } from '../finding.ts';
import type { Finding } from '../types.ts';

/** The libraries of a master as one comparable string, or null when they were not read. */
function signature(
  functions: { name: string; codeSha: string }[] | undefined,
  error?: string,
): string | null {
  if (functions) return functions.map((l) => `${l.name}@${l.codeSha.slice(0, 12)}`).join(' ');
  return error && /unknown command/i.test(error) ? '' : null;
}

/** One finding when the masters' libraries differ; [] otherwise. */
export function functionsRule(ctx: RuleContext): Finding[] {
  const groups = new Map<string, string[]>();
  for (const n of ctx.model.nodes) {
    if (n.role !== 'master' || n.slotCount === 0 || isDown(n) || n.probeError) continue;
    const sig = signature(n.observation?.functions, n.observation?.functionsError);
    if (sig !== null) groups.set(sig, [...(groups.get(sig) ?? []), n.label]);
  }
  if (groups.size < 2) return [];
  const ordered = [...groups].sort((a, b) => b[1].length - a[1].length);
  const names = (sig: string) =>
    sig === ''
      ? 'no library'
      : sig
          .split(' ')
          .map((s) => s.slice(0, s.lastIndexOf('@')))
          .join(', ');
  const values = ordered.map(([sig, labels]) => `${names(sig)} on ${listLabels(labels)}`).join('; ');
  return [
    finding(
      'FUNCTIONS_DIFFER',
      'info',
      `The masters do not hold the same function libraries (${values}). FCALL of a key served by a master that lacks its library fails with "Function not found", and slots moved to one carry that along. Load the same libraries on every master: FUNCTION DUMP on one, FUNCTION RESTORE on the others (a library of the same name with other code needs FUNCTION DELETE first).`,
      ordered.slice(1).flatMap(([, labels]) => labels),
      '',
      ordered.map(([sig, labels]) => `FUNCTION LIST: ${sig || '(empty)'}: ${labels.join(', ')}`),
    ),
  ];
}
