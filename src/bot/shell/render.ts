/** BotMessage -> plain terminal text: tags instead of emoji, sections indented, buttons numbered. */
import type { Diagnosis } from '../../diagnose/types.ts';
import type { BotMessage, MessageButton, Tone } from '../message.ts';

const TAGS: Record<Tone, string> = {
  ok: '[OK]',
  problem: '[PROBLEM]',
  skipped: '[SKIPPED]',
  critical: '[CRITICAL]',
  warning: '[WARNING]',
  info: '[INFO]',
  running: '[...]',
};

export interface TextRenderOptions {
  /** Shared renderer for a whole diagnosis (H3's renderDiagnosisText); used instead of the sections. */
  diagnosisText?: (d: Diagnosis) => string;
  /** Number given to the first button. */
  firstChoice?: number;
}

/** Renders `msg` as lines of text; buttons become "[n] label" choices numbered from firstChoice. */
export function renderText(msg: BotMessage, opts: TextRenderOptions = {}): string[] {
  const out: string[] = [];
  const tag = msg.tone ? `${TAGS[msg.tone]} ` : '';
  const head = msg.title ?? msg.text ?? msg.fallback;
  out.push(tag + head);
  if (msg.requestedBy) out.push(`  requested by ${msg.requestedBy}`);
  if (msg.title && msg.text) out.push(...indent(msg.text.split('\n'), 2));
  const whole = msg.diagnosis && opts.diagnosisText ? opts.diagnosisText(msg.diagnosis) : null;
  if (whole === null) for (const f of msg.fields ?? []) out.push(`  ${f.label}: ${f.value}`);
  for (const s of msg.sections ?? []) {
    if (whole !== null && s.fromDiagnosis) continue;
    if (s.heading) out.push(`  ${s.heading}`);
    const lines = s.style === 'list' ? s.lines.map((l) => `- ${l}`) : s.lines;
    out.push(
      ...indent(
        lines.flatMap((l) => l.split('\n')),
        s.heading ? 4 : 2,
      ),
    );
  }
  if (whole !== null) out.push('', ...indent(whole.trimEnd().split('\n'), 2));
  const printed = new Set(whole !== null ? (msg.diagnosis?.warnings ?? []) : []);
  for (const n of msg.notes ?? []) if (!printed.has(n)) out.push(`  note: ${n}`);
  const buttons = msg.buttons ?? [];
  if (buttons.length > 0) out.push(`  ${choiceLine(buttons, opts.firstChoice ?? 1)}`);
  return out;
}

/** "[1] Diagnose again   [2] Show nodes   (type the number)". */
export function choiceLine(buttons: MessageButton[], first: number): string {
  return `${buttons.map((b, i) => `[${first + i}] ${b.label}`).join('   ')}   (type the number)`;
}

function indent(lines: string[], n: number): string[] {
  const pad = ' '.repeat(n);
  return lines.map((l) => (l ? pad + l : l));
}
