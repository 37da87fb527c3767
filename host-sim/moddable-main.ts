import Timer from 'timer';
import { createDryRunSession } from './scenario';

/**
 * The app entry on Moddable's desktop simulator (mcconfig -p lin / -p mac): the firmware on
 * the simulated press, paced to real time by a Timer, with the panel's state traced to the
 * console every second. The same program as `npm start`, shortened to one layer.
 */
const PROGRAM = {
  format: 'press-program/1',
  name: 'simulator-demo',
  die: { diameter_mm: 10, max_pressure_MPa: 740 },
  steps: [
    { type: 'ramp', to_MPa: 300, rate_MPa_s: 10 },
    { type: 'hold', duration_s: 30, band_MPa: 2, mode: 'dynamic' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 5 },
  ],
};
const PACE_MS = 10;
const START_AFTER_US = 500_000;
const TRACE_EVERY_US = 1_000_000;

const session = createDryRunSession(PROGRAM);
const sim = session.sim;
if (session.errors.length > 0) {
  trace(`press-sim: program rejected: ${session.errors.map((e) => e.message).join('; ')}\n`);
} else {
  session.firmware.start();
  let started = false;
  let nextTraceUs = 0;
  Timer.repeat(() => {
    const untilUs = sim.clock.nowUs + PACE_MS * 1000;
    while (sim.clock.nowUs < untilUs) sim.step();
    if (!started && sim.clock.nowUs >= START_AFTER_US) {
      sim.pressStart();
      started = true;
    }
    if (sim.clock.nowUs >= nextTraceUs) {
      nextTraceUs += TRACE_EVERY_US;
      const view = sim.panel.view;
      trace(`${sim.timeS.toFixed(0)} s ${view.state} step ${view.stepIndex}/${view.stepCount} ${view.pressureMPa.toFixed(1)} MPa → ${view.targetMPa.toFixed(1)} ${view.prompt}\n`);
    }
  }, PACE_MS);
}
