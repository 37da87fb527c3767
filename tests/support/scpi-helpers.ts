// Talking to a simulated press through a protocol session, in the tests: one line in, its answer
// out, the errors the line queued, and the bench's Continue held for a while.
import type { VirtualInstrument } from '../../host-sim/virtual-instrument';
import type { ScpiSession } from '../../src/protocol/session';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Sends one message (a newline is added when missing) and returns the answer without its final newline. */
export function send(session: ScpiSession, text: string): string {
  session.feed(encoder.encode(text.endsWith('\n') ? text : `${text}\n`));
  const out = new Uint8Array(session.pendingOutput);
  session.readOutput(out);
  return decoder.decode(out).replace(/\n$/, '');
}

/** Drains the session's error queue, oldest first, as `code,text`. */
export function errors(session: ScpiSession): string[] {
  const all: string[] = [];
  while (session.status.errors.count > 0) {
    const e = session.status.errors.next();
    all.push(`${e.code},${e.text}`);
  }
  return all;
}

/** `PROG:DEF "<name>",<block>` with the program (JSON text, or a value to serialise) in a definite-length block. */
export function defineMessage(name: string, json: unknown): string {
  const body = typeof json === 'string' ? json : JSON.stringify(json);
  const length = encoder.encode(body).length;
  return `PROG:DEF "${name}",#${String(length).length}${length}${body}`;
}

/** Continue held at the bench for `seconds`, then let go; the housekeeping acts on it. */
export function holdContinue(press: VirtualInstrument, seconds: number): void {
  press.sim.inputs.continuePressed = true;
  press.advanceTo(press.timeS + seconds);
  press.sim.inputs.continuePressed = false;
  press.advanceTo(press.timeS + 0.7);
}
