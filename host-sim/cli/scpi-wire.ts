/**
 * The SCPI wire, with no transport of its own: response framing (newline-terminated
 * messages, definite-length blocks read by their length), value splitting, and a client that
 * turns the press's error queue into messages a person can act on. pressctl gives it a TCP
 * socket or a serial device; the web console a WebSocket or a Web Serial port.
 */
export class ClientError extends Error {}

/** The device answered with errors in its queue. */
export class DeviceErrors extends ClientError {
  constructor(readonly errors: string[]) {
    super(errors.join('\n'));
  }
}

/** The device refused a query: it gave no answer (or not all of it) and queued these errors. */
export class QueryRefused extends DeviceErrors {
  constructor(readonly query: string, errors: string[]) {
    super(errors);
  }
}

/**
 * Put before every query: a query that fails is not answered at all (IEEE 488.2), so a
 * message of failed queries would give no line to wait for. *OPC? always answers `1`, so the
 * message's line always comes, `1` alone when nothing else was answered.
 */
const QUERY_GUARD = new TextEncoder().encode('*OPC?;');
const ANSWER_CHECK = 'SYST:ERR:ALL?';

/** The errors in a SYST:ERR:ALL? answer (`0,"No error"` gives none), as `code,"text"`. */
export function errorList(answer: string): string[] {
  const values = splitResponse(answer);
  const errors: string[] = [];
  for (let k = 0; k + 1 < values.length; k += 2) if (values[k] !== '0') errors.push(`${values[k]},"${values[k + 1]}"`);
  return errors;
}

/** A byte stream to the press. */
export interface Transport {
  write(bytes: Uint8Array): void;
  onData(listener: (chunk: Uint8Array) => void): void;
  onFailure(listener: (error: Error) => void): void;
  close(): void;
}

/** Where a response message ends in `bytes` (the index after its newline), or -1 when it is not complete. */
export function responseEnd(bytes: Uint8Array): number {
  let quote = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (quote !== 0) {
      if (b === quote) quote = 0;
    } else if (b === 0x22 || b === 0x27) {
      quote = b;
    } else if (b === 0x23 && i + 1 < bytes.length && bytes[i + 1] >= 0x31 && bytes[i + 1] <= 0x39) {
      const digits = bytes[i + 1] - 0x30;
      if (i + 2 + digits > bytes.length) return -1;
      const length = Number(String.fromCharCode(...bytes.subarray(i + 2, i + 2 + digits)));
      i += 1 + digits + length;
      if (i >= bytes.length) return -1;
    } else if (b === 0x0a) {
      return i + 1;
    }
  }
  return -1;
}

/** Splits a response message into its values at top-level commas and semicolons; strings unquoted. */
export function splitResponse(text: string): string[] {
  const values: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= text.length) break;
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            current += '"';
            j += 2;
            continue;
          }
          break;
        }
        current += text[j++];
      }
      i = j;
    } else if (c === ',' || c === ';') {
      values.push(current);
      current = '';
    } else current += c;
  }
  values.push(current);
  return values;
}

/** The bytes of a definite-length block response `#<n><length><bytes>`. */
export function blockBytes(response: Uint8Array): Uint8Array {
  if (response[0] !== 0x23) throw new ClientError(`expected a block, got ${JSON.stringify(new TextDecoder().decode(response.subarray(0, 40)))}`);
  const digits = response[1] - 0x30;
  const length = Number(new TextDecoder().decode(response.subarray(2, 2 + digits)));
  return response.subarray(2 + digits, 2 + digits + length);
}

export function encodeBlock(bytes: Uint8Array): Uint8Array {
  const header = new TextEncoder().encode(`#${String(bytes.length).length}${bytes.length}`);
  const out = new Uint8Array(header.length + bytes.length);
  out.set(header);
  out.set(bytes, header.length);
  return out;
}

export class ScpiClient {
  private buffer = new Uint8Array(0);
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;

  private constructor(private readonly transport: Transport, readonly target: string, readonly timeoutMs: number) {
    transport.onData((chunk) => {
      const joined = new Uint8Array(this.buffer.length + chunk.length);
      joined.set(this.buffer);
      joined.set(chunk, this.buffer.length);
      this.buffer = joined;
      this.waiter?.();
    });
    transport.onFailure((error) => {
      this.failure = error instanceof ClientError ? error : new ClientError(`${target}: ${error.message}`);
      this.waiter?.();
    });
  }

  /** Starts a session on an open transport: clears what an earlier client left, and asks *IDN?. */
  static async attach(transport: Transport, target: string, timeoutMs = 5000): Promise<ScpiClient> {
    const client = new ScpiClient(transport, target, timeoutMs);
    // A newline ends whatever an earlier client left half-sent; *CLS starts with an empty error queue.
    client.send('\n*CLS');
    const idn = await client.rawQuery('*IDN?').catch((error: Error) => {
      transport.close();
      throw error instanceof ClientError && error.message.startsWith('no answer') ? new ClientError(`${target} does not answer *IDN? (is it the press?)`) : error;
    });
    client.identity = idn;
    return client;
  }

  identity = '';

  send(message: string | Uint8Array): void {
    const bytes = typeof message === 'string' ? new TextEncoder().encode(message) : message;
    const out = new Uint8Array(bytes.length + 1);
    out.set(bytes);
    out[bytes.length] = 0x0a;
    this.transport.write(out);
  }

  /** Reads one response message (without its newline). */
  async readResponse(): Promise<Uint8Array> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const end = responseEnd(this.buffer);
      if (end >= 0) {
        const message = this.buffer.subarray(0, end - 1);
        this.buffer = this.buffer.slice(end);
        return message;
      }
      if (this.failure !== null) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new ClientError(`no answer from ${this.target} within ${this.timeoutMs / 1000} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  /** Sends a query message and reads its answer as it comes, with no check (*IDN? when opening). */
  private async rawQuery(message: string): Promise<string> {
    this.send(message);
    return new TextDecoder().decode(await this.readResponse());
  }

  /**
   * Sends a query message (one or more queries) and returns its answer. The message goes as
   * `*OPC?;<message>` followed by `SYST:ERR:ALL?`, so both a refusal and an answer come back
   * without waiting for a timeout: any error queued by the message throws QueryRefused with
   * the press's own error texts. The error queue is empty before (ScpiClient.attach sends
   * *CLS; every command and query empties it), so every error belongs to this message.
   */
  async queryBytes(message: string | Uint8Array): Promise<Uint8Array> {
    const bytes = typeof message === 'string' ? new TextEncoder().encode(message) : message;
    const guarded = new Uint8Array(QUERY_GUARD.length + bytes.length);
    guarded.set(QUERY_GUARD);
    guarded.set(bytes, QUERY_GUARD.length);
    this.send(guarded);
    this.send(ANSWER_CHECK);
    const first = await this.readResponse();
    let answer: Uint8Array | null = null;
    let check = first;
    // The guard's `1`, then `;` and the message's answers. A message dropped whole (too long:
    // -363) gives no line at all, and the first line is then the error list.
    if (first[0] === 0x31 && (first.length === 1 || first[1] === 0x3b)) {
      answer = first.subarray(Math.min(2, first.length));
      check = await this.readResponse();
    }
    const checkText = new TextDecoder().decode(check);
    const text = new TextDecoder().decode(bytes);
    if (!/^[-+]?\d+,"/.test(checkText)) throw new ClientError(`${this.target} answered ${JSON.stringify(checkText.slice(0, 60))} where the error queue was expected (after ${text.slice(0, 60)})`);
    const errors = errorList(checkText);
    if (errors.length > 0) throw new QueryRefused(text, errors);
    if (answer === null) throw new ClientError(`${this.target} did not answer ${text.slice(0, 60)} and reported no error`);
    return answer;
  }

  async query(message: string): Promise<string> {
    return new TextDecoder().decode(await this.queryBytes(message));
  }

  /** Every error queued on the device (emptying the queue). */
  async errors(): Promise<string[]> {
    return errorList(await this.rawQuery(ANSWER_CHECK));
  }

  /** Sends a command and throws DeviceErrors when it queued any. */
  async command(message: string | Uint8Array): Promise<void> {
    this.send(message);
    const errors = await this.errors();
    if (errors.length > 0) throw new DeviceErrors(errors);
  }

  close(): void {
    this.transport.close();
  }
}

/** A CSV the press serves a page at a time (`<query>,<first row>`, the header with row 0), whole: pages are asked for until one holds no row. */
export async function pagedCsv(client: ScpiClient, query: string): Promise<string> {
  let csv = '';
  for (let first = 0; ; ) {
    const page = new TextDecoder().decode(blockBytes(await client.queryBytes(`${query},${first}`)));
    const lines = page.split('\n').filter((line) => line !== '');
    const rows = first === 0 ? lines.length - 1 : lines.length;
    csv += page;
    if (rows <= 0) return csv;
    first += rows;
  }
}
