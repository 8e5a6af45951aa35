/**
 * How a one-shot command ends: once its action is done and its output flushed, the process exits at
 * once. Waiting for the event loop to drain instead cost 20 to 40 ms after the last line (sockets of
 * closed Redis clients finishing their close, a frozen node never finishing it), which a command line
 * waited out for nothing.
 */

/** The longest an exit waits for a stream to take its last bytes (a reader that stopped reading). */
const FLUSH_WAIT_MS = 2000;

/**
 * Resolves once everything written to `stream` so far has been handed to the OS: at once when the stream
 * is gone, and after FLUSH_WAIT_MS at the latest, so an exit never hangs on a stalled reader.
 */
function flushed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, FLUSH_WAIT_MS).unref();
    try {
      stream.write('', () => resolve());
    } catch {
      resolve();
    }
  });
}

/**
 * Exits with `code` after stdout and stderr are flushed: on Linux a pipe is written synchronously
 * already, on macOS it is not, and a report piped into `less` must not lose its end.
 */
export async function exitNow(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}
