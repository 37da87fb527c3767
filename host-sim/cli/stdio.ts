/**
 * Standard output and error of the command lines. Two things Node does not do by itself:
 * - process.exit() drops what a pipe has not taken yet (a pipe holds 64 KiB; the rest waits
 *   in Node's buffer), so exitWhenFlushed() waits until every byte written has gone out.
 * - a reader that goes away early (`press-sim plants | head -2`) makes the next write fail
 *   with EPIPE, which Node raises as an uncaught exception. Here it only stops the output:
 *   the command finishes its work quietly and exits with its own status, as if the reader
 *   had read everything. Any other write error (a full disk) is reported once and makes the
 *   exit status 1, since the output was lost.
 */

type Stream = NodeJS.WriteStream;

interface Watched {
  closed: boolean;
  failed: boolean;
}

const STATE = Symbol('press-cli-stdio');

function watch(stream: Stream, name: string): Watched {
  const holder = stream as Stream & { [STATE]?: Watched };
  const existing = holder[STATE];
  if (existing !== undefined) return existing;
  const state: Watched = { closed: false, failed: false };
  holder[STATE] = state;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (state.closed) return;
    state.closed = true;
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    state.failed = true;
    if (stream !== process.stderr && !watch(process.stderr, 'stderr').closed) process.stderr.write(`cannot write ${name}: ${error.message}\n`);
  });
  return state;
}

/** Writes `text` to stdout (nothing once its reader has gone). */
export function writeStdout(text: string): void {
  const state = watch(process.stdout, 'stdout');
  if (!state.closed) process.stdout.write(text);
}

/** Writes `text` to stderr (nothing once its reader has gone). */
export function writeStderr(text: string): void {
  const state = watch(process.stderr, 'stderr');
  if (!state.closed) process.stderr.write(text);
}

/** Installs the EPIPE handling on stdout and stderr, for output written by other means (console.log). */
export function guardStdio(): void {
  watch(process.stdout, 'stdout');
  watch(process.stderr, 'stderr');
}

/** True once stdout's reader has gone away (a command may stop producing output then). */
export function stdoutClosed(): boolean {
  return watch(process.stdout, 'stdout').closed;
}

function flushed(stream: Stream, state: Watched): Promise<void> {
  if (state.closed || stream.writableLength === 0) return Promise.resolve();
  // Writes complete in order: this callback runs once everything written before it has gone out (or failed).
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** Exits with `code` once stdout and stderr hold nothing unwritten; 1 if stdout could not be written. */
export async function exitWhenFlushed(code: number): Promise<never> {
  const out = watch(process.stdout, 'stdout');
  const err = watch(process.stderr, 'stderr');
  await flushed(process.stdout, out);
  await flushed(process.stderr, err);
  process.exit(out.failed && code === 0 ? 1 : code);
}
