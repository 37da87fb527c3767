/** The page's plots, drawn with uPlot: the live run, and run logs overlaid. */
import uPlot from 'uplot';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

function width(host: HTMLElement): number {
  return Math.max(320, host.clientWidth - 8);
}

/** Pressure against time with the setpoint, the target and the tolerance band. */
export class LivePlot {
  private readonly t: number[] = [];
  private readonly pressure: number[] = [];
  private readonly setpoint: number[] = [];
  private readonly target: (number | null)[] = [];
  private readonly bandLow: (number | null)[] = [];
  private readonly bandHigh: (number | null)[] = [];
  private readonly plot: uPlot;
  /** Samples drawn so far (the test and a reader of the page see it advance). */
  points = 0;

  constructor(host: HTMLElement) {
    const options: uPlot.Options = {
      width: width(host),
      height: 300,
      scales: { x: { time: false } },
      axes: [{ label: 'time since the start, s (this computer\'s clock)' }, { label: 'pressure, MPa' }],
      series: [
        { label: 't, s' },
        { label: 'pressure', stroke: COLOURS[0], width: 2, points: { show: false } },
        { label: 'setpoint', stroke: '#555', width: 1.5, dash: [6, 4], points: { show: false } },
        { label: 'target', stroke: COLOURS[1], points: { show: false } },
        { label: 'band −', stroke: 'rgba(214,39,40,0.5)', dash: [2, 3], points: { show: false } },
        { label: 'band +', stroke: 'rgba(214,39,40,0.5)', dash: [2, 3], points: { show: false } },
      ],
    };
    this.plot = new uPlot(options, [[], [], [], [], [], []], host);
  }

  clear(): void {
    for (const a of [this.t, this.pressure, this.setpoint, this.target, this.bandLow, this.bandHigh]) a.length = 0;
    this.points = 0;
    this.redraw();
  }

  add(tS: number, pressureMPa: number, setpointMPa: number, targetMPa: number, bandMPa: number): void {
    this.t.push(tS);
    this.pressure.push(pressureMPa);
    this.setpoint.push(setpointMPa);
    const holding = Number.isFinite(targetMPa);
    this.target.push(holding ? targetMPa : null);
    this.bandLow.push(holding && Number.isFinite(bandMPa) ? targetMPa - bandMPa : null);
    this.bandHigh.push(holding && Number.isFinite(bandMPa) ? targetMPa + bandMPa : null);
    this.points = this.t.length;
    this.redraw();
  }

  private redraw(): void {
    this.plot.setData([this.t, this.pressure, this.setpoint, this.target, this.bandLow, this.bandHigh] as uPlot.AlignedData);
  }
}

export interface PlottedRun {
  label: string;
  tS: number[];
  pressureMPa: number[];
}

/** One or more logged runs, each from its own start, on one time axis. */
export function plotRuns(host: HTMLElement, runs: PlottedRun[]): uPlot {
  host.textContent = '';
  const tables = runs.map((run) => [run.tS, run.pressureMPa] as uPlot.AlignedData);
  const data = uPlot.join(tables);
  return new uPlot(
    {
      width: width(host),
      height: 300,
      scales: { x: { time: false } },
      axes: [{ label: 'time from the run start, s' }, { label: 'pressure, MPa' }],
      series: [{ label: 't, s' }, ...runs.map((run, k) => ({ label: run.label, stroke: COLOURS[k % COLOURS.length], spanGaps: true }))],
    },
    data,
    host,
  );
}
