import Timer from 'timer';
import Resource from 'Resource';
import config from 'mc/config';
import { parseJson } from '../../src/json/parse-json';
import { createDryRunSession, defaultSimulatorOptions, DryRunDriver } from '../scenario';
import type { DryRunResult, DryRunSession } from '../scenario';
import { PressSimulator, SIM_PARTITION_BYTES } from '../simulator';
import { SimFlash } from '../hal/sim-flash';
import { formatLayerTable, formatStepTable } from '../output/step-table';
import { HostBytes } from './host-bytes';
import { MemoryProbe } from './memory-probe';

/**
 * The app on Moddable's desktop runtime (mcconfig -p lin, run by mcsim): the unmodified
 * firmware, composed by src/press-app.ts, on the simulated press, dry-running an example
 * program as `npm start` does and printing the same step table. The run advances from a
 * Timer, a slice of physics steps per callback, as fast as the machine goes.
 *
 * mc/config (manifest `config`, or `key=value` on the mcconfig command line):
 * - dryRunProgram: an example's name (the resource examples/<name>.json);
 * - dryRunSeed: the noise seed (1, as npm start);
 * - dryRunMaintainHours: when > 0, the program's first maintain step lasts this long;
 * - dryRunMemory: 1 to report the XS machine's memory (needs a build with instrumentation).
 */
const STEPS_PER_SLICE = 20_000;
/** Live-heap samples (a full collection each) once a simulated minute, µs. */
const LIVE_SAMPLE_US = 60_000_000;

function setting(name: string, fallback: string): string {
  const value = config[name];
  return value === undefined ? fallback : String(value);
}

function say(text: string): void {
  for (const line of text.split('\n')) trace(`${line}\n`);
}

function fail(error: unknown): void {
  const stack = error instanceof Error && typeof error.stack === 'string' ? `\n${error.stack}` : '';
  say(`dry run: failed: ${String(error)}${stack}`);
}

function programText(name: string): string {
  return String.fromArrayBuffer(new Resource(`${name}.json`).slice(0));
}

/** The program with its first maintain step lasting `hours`. */
function withMaintainHours(program: unknown, hours: number): unknown {
  const json = program as { name: string; steps: { type: string; duration_s?: number }[] };
  const index = json.steps.findIndex((step) => step.type === 'maintain');
  if (index < 0) throw new Error('dryRunMaintainHours: the program has no maintain step');
  const steps = json.steps.map((step, i) => (i === index ? { ...step, duration_s: hours * 3600 } : step));
  return { ...json, name: `${json.name}-${hours}h`, steps };
}

function finish(result: DryRunResult): void {
  say('');
  if (result.report !== null) say(formatStepTable(result.report));
  say('');
  say(formatLayerTable(result.layers));
  say('');
  say(`simulated ${result.simTimeS.toFixed(0)} s, ${result.ticks} control ticks, ${result.overruns} overruns`);
  say('dry run: done');
}

/** The simulated press on its own (no firmware), to tell its share of the heap from the firmware's. */
function measureSimulatorAlone(seed: number, probe: MemoryProbe): void {
  const sim = new PressSimulator({ ...defaultSimulatorOptions(seed), flash: new SimFlash(4096) });
  probe.sampleLive();
  say(probe.now(`simulated press alone (${sim.layers.length} layer, 4 KB flash)`));
}

function start(): void {
  const name = setting('dryRunProgram', 'li6ps5cl-three-layer');
  const seed = Number(setting('dryRunSeed', '1'));
  const maintainHours = Number(setting('dryRunMaintainHours', '0'));
  const probe = setting('dryRunMemory', '0') === '1' ? new MemoryProbe() : null;
  if (probe !== null && !probe.available) say('dry run: memory figures need a build with instrumentation (mcconfig -i or -d)');
  if (probe !== null) {
    probe.sampleLive();
    say(probe.now('at start'));
    measureSimulatorAlone(seed, probe);
  }

  const parsed = parseJson(programText(name));
  if (!parsed.ok) throw new Error(`${name}.json: ${parsed.message} at ${parsed.line}:${parsed.column}`);
  const program = maintainHours > 0 ? withMaintainHours(parsed.value, maintainHours) : parsed.value;
  // The partition in host memory, as the real one is flash outside the chip's RAM.
  const flash = new SimFlash(SIM_PARTITION_BYTES, 4096, new HostBytes(SIM_PARTITION_BYTES, 0xff).view());
  const session = createDryRunSession(program, { seed, simulator: { flash } });
  if (probe !== null) {
    probe.sampleLive();
    say(probe.now('press and simulator booted, program stored'));
  }
  if (session.errors.length > 0) {
    say(`dry run: ${name} rejected: ${session.errors.map((e) => (e.path === '' ? e.message : `${e.path}: ${e.message}`)).join('; ')}`);
    return;
  }
  let nextLiveUs = 0;
  const onTick = (s: DryRunSession) => {
    if (probe === null) return;
    probe.sample();
    if (s.sim.clock.nowUs >= nextLiveUs) {
      nextLiveUs += LIVE_SAMPLE_US;
      probe.sampleLive();
    }
  };
  let run: DryRunDriver | null = new DryRunDriver(session, { seed, traceEveryTicks: 0, onTick });
  say(`dry run: ${name}, seed ${seed}, on Moddable's runtime`);
  const timer = Timer.repeat(() => {
    try {
      if (run === null || !run.advance(STEPS_PER_SLICE)) return;
      Timer.clear(timer);
      if (probe !== null) {
        probe.sampleLive();
        say(probe.line('peak'));
      }
      const result = run.result();
      // The press and the firmware are done with: the tables are this app's, not the firmware's.
      run = null;
      finish(result);
    } catch (error) {
      Timer.clear(timer);
      fail(error);
    }
  }, 1);
}

try {
  start();
} catch (error) {
  fail(error);
}
