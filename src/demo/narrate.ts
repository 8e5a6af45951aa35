/** Terminal narration for the demo: headings, indented command lines, and a pause between steps. */

const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;

/** Wraps text in an ANSI style when stdout is a colour terminal. */
export function paint(code: string, text: string): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text;
}

/** Prints a section heading. */
export function heading(text: string): void {
  process.stdout.write(`\n${paint('1;36', `== ${text}`)}\n`);
}

/** Prints a line of narration. */
export function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Prints a command as the operator would type it. */
export function shell(command: string, note?: string): void {
  process.stdout.write(`   ${paint('2', '$')} ${command}${note ? paint('2', `   # ${note}`) : ''}\n`);
}

/** Waits `ms` (kept short: the demo must stay fast). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether colour output is on. */
export function colorOn(): boolean {
  return color;
}
