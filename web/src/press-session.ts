/**
 * What the console asks of a press, in the press's own SCPI commands (docs/protocol.md),
 * one message at a time: the page's poller and its buttons share one session.
 */
import { DeviceErrors, ScpiClient, blockBytes, encodeBlock, pagedCsv, splitResponse } from '../../host-sim/cli/scpi-wire';
import { formatProgramDate, setPressClock } from '../../host-sim/cli/press-clock';
import type { Transport } from '../../host-sim/cli/scpi-wire';
import { formatRunHeader } from '../../host-sim/output/run-log-table';

/** SCPI's not-a-number (9.91E+37) and infinity answers as NaN. */
export function scpiNumber(text: string): number {
  const value = Number(text);
  return Number.isFinite(value) && Math.abs(value) < 9.9e37 ? value : NaN;
}

export interface LiveReading {
  pressureMPa: number;
  setpointMPa: number;
  targetMPa: number;
  bandMPa: number;
  state: string;
  step: number;
  steps: number;
  stepLabel: string;
  prompt: string;
  faultCode: number;
  faultText: string;
}

export interface LoggedRun {
  run: number;
  program: string;
  outcome: string;
  peakMPa: number;
}

export class PressSession {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly client: ScpiClient) {}

  static async attach(transport: Transport, target: string): Promise<PressSession> {
    return new PressSession(await ScpiClient.attach(transport, target, 5000));
  }

  get identity(): string {
    return this.client.identity;
  }

  /** Runs one exchange after the ones before it. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Sets the press's clock from this computer's (UTC): the press keeps none over a power-off. False, after `warn`, when the press refuses it (older firmware). */
  setClock(warn: (text: string) => void): Promise<boolean> {
    return this.exclusive(() => setPressClock(this.client, warn));
  }

  /** When a program was stored, as the list shows it (`-` when the press does not know). */
  programDate(name: string): Promise<string> {
    return this.exclusive(async () => {
      try {
        return formatProgramDate(Number(splitResponse(await this.client.query(`PROG:DATE? "${name}"`))[0]));
      } catch (error) {
        if (!(error instanceof DeviceErrors)) throw error;
        return '-';
      }
    });
  }

  programs(): Promise<string[]> {
    return this.exclusive(async () => {
      const answer = await this.client.query('PROG:CAT?');
      return splitResponse(answer).filter((name) => name !== '');
    });
  }

  programText(name: string): Promise<string> {
    return this.exclusive(async () => new TextDecoder().decode(blockBytes(await this.client.queryBytes(`PROG:DEF? "${name}"`))));
  }

  /** Stores a program (throws DeviceErrors with the press's validator messages); returns its warnings on this press. */
  define(name: string, json: string): Promise<string[]> {
    return this.exclusive(async () => {
      const head = new TextEncoder().encode(`PROG:DEF "${name}",`);
      const block = encodeBlock(new TextEncoder().encode(json));
      const message = new Uint8Array(head.length + block.length);
      message.set(head);
      message.set(block, head.length);
      await this.client.command(message);
      return splitResponse(await this.client.query(`PROG:WARN? "${name}"`)).filter((w) => w !== '');
    });
  }

  command(message: string): Promise<void> {
    return this.exclusive(() => this.client.command(message));
  }

  selected(): Promise<string> {
    return this.exclusive(async () => splitResponse(await this.client.query('PROG:SEL?'))[0]);
  }

  /** Selects and starts a program (INIT's refusal, e.g. the guard open, comes back as DeviceErrors). */
  start(name: string): Promise<void> {
    return this.exclusive(() => this.client.command(`PROG:SEL "${name}";:INIT`));
  }

  live(withPressure: boolean): Promise<LiveReading> {
    return this.exclusive(async () => {
      const answer = await this.client.query(`${withPressure ? 'MEAS:PRES?' : 'MEAS:FORC?'};:PROG:SETP?;STAT?;STEP?;PROM?;:SYST:FAUL?`);
      const v = splitResponse(answer);
      return {
        pressureMPa: withPressure ? scpiNumber(v[0]) : NaN,
        setpointMPa: scpiNumber(v[1]),
        targetMPa: scpiNumber(v[2]),
        bandMPa: scpiNumber(v[3]),
        state: v[4],
        step: Number(v[5]),
        steps: Number(v[6]),
        stepLabel: v[8],
        prompt: v[9],
        faultCode: Number(v[10]),
        faultText: v[11],
      };
    });
  }

  result(): Promise<string[]> {
    return this.exclusive(async () => splitResponse(await this.client.query('PROG:RES?')));
  }

  runs(limit = 20): Promise<LoggedRun[]> {
    return this.exclusive(async () => {
      const v = splitResponse(await this.client.query(`LOG:CAT? ${limit}`));
      const runs: LoggedRun[] = [];
      for (let k = 0; k + 3 < v.length; k += 4) runs.push({ run: Number(v[k]), program: v[k + 1], outcome: v[k + 2], peakMPa: scpiNumber(v[k + 3]) });
      return runs;
    });
  }

  /** A run's whole log as the press's CSV (one header line), read block by block (LOG:DATA?). */
  runCsv(run: number): Promise<string> {
    return this.exclusive(() => pagedCsv(this.client, `LOG:DATA? ${run}`));
  }

  /** A run's header (LOG:HEAD?) in one line, or why the press has none. */
  runHeader(run: number): Promise<string> {
    return this.exclusive(async () => {
      try {
        return formatRunHeader(splitResponse(await this.client.query(`LOG:HEAD? ${run}`)));
      } catch (error) {
        if (!(error instanceof DeviceErrors)) throw error;
        return `run ${run}: no header (${error.errors.join('; ')})`;
      }
    });
  }

  /** A run's step summaries as the press's CSV (LOG:STEP?, one header line), read page by page. */
  runSteps(run: number): Promise<string> {
    return this.exclusive(() => pagedCsv(this.client, `LOG:STEP? ${run}`));
  }

  close(): void {
    this.client.close();
  }
}
