/**
 * The press console: a static page that speaks the press's SCPI protocol over a WebSocket
 * (press-sim serve --http) or the press's USB port (Web Serial), with the firmware's own
 * JSON parser and program validator checking a program as it is typed.
 */
import { DeviceErrors } from '../../host-sim/cli/scpi-wire';
import type { Transport } from '../../host-sim/cli/scpi-wire';
import type { DeviceCapabilities } from '../../src/programs/program';
import faultsMarkdown from '../../docs/faults.md';
import programSchema from '../../schema/press-program-1.schema.json';
import { LivePlot, plotRuns } from './charts';
import { faultAdviceTable } from './fault-advice';
import { ProgramEditor } from './program-editor';
import { checkProgramText } from './program-problems';
import type { ProgramCheck } from './program-problems';
import { PressSession } from './press-session';
import type { LiveReading, LoggedRun } from './press-session';
import { column, csvFields, parseRunCsv } from './run-csv';
import { openSerialPort, openWebSocket, webSerial } from './transports';

declare const PRESS_DEVICE: DeviceCapabilities;
declare const PRESS_DEVICE_NAME: string;

const POLL_MS = 250;
const ACTIVE_STATES = new Set(['RUNNING', 'WAITING', 'PAUSED']);
const advice = faultAdviceTable(faultsMarkdown);

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

function messageOf(error: unknown): string[] {
  if (error instanceof DeviceErrors) return error.errors;
  return [error instanceof Error ? error.message : String(error)];
}

function showList(list: HTMLElement, lines: string[], className: string): void {
  list.textContent = '';
  for (const line of lines) {
    const item = document.createElement('li');
    item.className = className;
    item.textContent = line;
    list.append(item);
  }
}

/** A table row of one cell per item (text or an element). */
function tableRow(cells: (string | Node)[], tag: 'td' | 'th'): HTMLTableRowElement {
  const row = document.createElement('tr');
  for (const content of cells) {
    const cell = document.createElement(tag);
    cell.append(content);
    row.append(cell);
  }
  return row;
}

class Console {
  session: PressSession | null = null;
  readonly livePlot = new LivePlot(element('live-plot'));
  private selectedName = '';
  private chosenName = '';
  private polling: ReturnType<typeof setInterval> | null = null;
  private pollPending = false;
  private lastState = '';
  private runStartMs = 0;
  /** The program in the editor, when the firmware's validator accepts it. */
  private checkedProgram: { name: string; text: string } | null = null;
  private lastCheck: { text: string; result: ProgramCheck } = { text: '', result: { problems: [] } };
  readonly editor = new ProgramEditor(element('program-text'), {
    schema: programSchema,
    problems: (text) => this.checkText(text).problems,
    onChange: () => this.check(),
  });

  constructor() {
    element<HTMLInputElement>('ws-url').value = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host || '127.0.0.1:8025'}/scpi`;
    element('validator-device').textContent = PRESS_DEVICE_NAME;
    element('connect-ws').addEventListener('click', () => void this.connect(() => openWebSocket(element<HTMLInputElement>('ws-url').value, 5000), element<HTMLInputElement>('ws-url').value));
    const serial = webSerial();
    const usb = element<HTMLButtonElement>('connect-usb');
    if (serial === null) {
      usb.disabled = true;
      usb.title = 'Web Serial needs Chromium (Chrome, Edge) and a page from a file, localhost or https';
    } else {
      usb.addEventListener('click', () => void this.connect(async () => openSerialPort(await serial.requestPort()), 'USB'));
    }
    element('disconnect').addEventListener('click', () => this.disconnect('disconnected'));
    element('upload').addEventListener('click', () => void this.upload());
    element('refresh-programs').addEventListener('click', () => void this.refreshPrograms());
    element('start').addEventListener('click', () => void this.act(() => this.startChosen()));
    element('abort').addEventListener('click', () => void this.act(() => this.need().command('ABOR')));
    element('continue').addEventListener('click', () => void this.act(() => this.need().command('PROG:CONT')));
    element('refresh-logs').addEventListener('click', () => void this.refreshLogs());
    element('plot-logs').addEventListener('click', () => void this.plotSelectedLogs());
    this.check();
    this.setConnected(false);
  }

  private need(): PressSession {
    if (this.session === null) throw new Error('not connected to a press');
    return this.session;
  }

  private setConnected(connected: boolean): void {
    for (const id of ['disconnect', 'refresh-programs', 'start', 'abort', 'continue', 'refresh-logs', 'plot-logs']) element<HTMLButtonElement>(id).disabled = !connected;
    element<HTMLButtonElement>('connect-ws').disabled = connected;
    this.check();
  }

  async connect(open: () => Promise<Transport>, target: string): Promise<void> {
    element('connect-error').textContent = '';
    try {
      const transport = await open();
      transport.onFailure((error) => this.disconnect(error.message));
      this.session = await PressSession.attach(transport, target);
    } catch (error) {
      element('connect-error').textContent = messageOf(error).join('\n');
      return;
    }
    element('identity').textContent = this.session.identity;
    await this.session.setClock((text) => (element('connect-error').textContent = `warning: ${text}`));
    this.setConnected(true);
    this.selectedName = await this.session.selected();
    await this.refreshPrograms();
    await this.refreshLogs();
    this.polling = setInterval(() => void this.poll(), POLL_MS);
  }

  disconnect(why: string): void {
    if (this.polling !== null) clearInterval(this.polling);
    this.polling = null;
    this.session?.close();
    this.session = null;
    element('identity').textContent = why;
    this.setConnected(false);
  }

  /** Runs a button's action; a refusal from the press shows in the run panel. */
  private async act(action: () => Promise<void>): Promise<void> {
    element('run-error').textContent = '';
    try {
      await action();
    } catch (error) {
      element('run-error').textContent = messageOf(error).join('\n');
    }
  }

  /** The firmware's own parser and validator on a text, once per text (the list and the linter both ask). */
  private checkText(text: string): ProgramCheck {
    if (this.lastCheck.text !== text) this.lastCheck = { text, result: checkProgramText(text, PRESS_DEVICE) };
    return this.lastCheck.result;
  }

  /** The editor's text through the firmware's own parser and validator, as it is typed. */
  check(): void {
    const text = this.editor.text;
    const { problems, acceptedName } = this.checkText(text);
    this.checkedProgram = acceptedName === undefined ? null : { name: acceptedName, text };
    const upload = element<HTMLButtonElement>('upload');
    upload.disabled = acceptedName === undefined || this.session === null;
    const lines = problems.map((p) => p.text);
    if (acceptedName === undefined) showList(element('validation'), lines, 'error');
    else showList(element('validation'), lines.length === 0 ? ['valid'] : lines, lines.length === 0 ? 'ok' : 'warning');
  }

  private async upload(): Promise<void> {
    const program = this.checkedProgram;
    const out = element('upload-result');
    out.textContent = '';
    if (program === null) return;
    try {
      const session = this.need();
      const replacing = (await session.programs()).includes(program.name);
      const warnings = await session.define(program.name, program.text);
      showList(out, [`${replacing ? 'replaced' : 'stored'} "${program.name}"`, ...warnings.map((w) => `press warns: ${w}`)], 'ok');
      this.chosenName = program.name;
      await this.refreshPrograms();
    } catch (error) {
      showList(out, messageOf(error).map((m) => `the press refused it: ${m}`), 'error');
    }
  }

  async refreshPrograms(): Promise<void> {
    const session = this.session;
    if (session === null) return;
    const names = await session.programs();
    const list = element('program-list');
    list.textContent = '';
    for (const name of names) {
      const item = document.createElement('li');
      const choose = document.createElement('input');
      choose.type = 'radio';
      choose.name = 'chosen-program';
      choose.value = name;
      choose.checked = name === (this.chosenName || this.selectedName);
      choose.addEventListener('change', () => (this.chosenName = name));
      const label = document.createElement('span');
      label.textContent = ` ${name}${name === this.selectedName ? ' (selected)' : ''}, stored ${await session.programDate(name)} `;
      const edit = document.createElement('button');
      edit.textContent = 'Edit';
      edit.addEventListener('click', () => void this.act(async () => {
        this.editor.text = await this.need().programText(name);
      }));
      const remove = document.createElement('button');
      remove.textContent = 'Delete';
      remove.addEventListener('click', () => void this.act(async () => {
        if (!confirm(`Delete the program "${name}" from the press?`)) return;
        await this.need().command(`PROG:DEL "${name}"`);
        await this.refreshPrograms();
      }));
      item.append(choose, label, edit, remove);
      list.append(item);
    }
    if (names.length === 0) list.textContent = 'no programs stored';
  }

  private async startChosen(): Promise<void> {
    const name = this.chosenName || this.selectedName;
    if (name === '') throw new Error('choose a program in the list first');
    await this.need().start(name);
    this.selectedName = name;
  }

  private async poll(): Promise<void> {
    if (this.session === null || this.pollPending) return;
    this.pollPending = true;
    try {
      this.show(await this.session.live(this.selectedName !== ''));
    } catch (error) {
      element('run-error').textContent = messageOf(error).join('\n');
    } finally {
      this.pollPending = false;
    }
  }

  private show(reading: LiveReading): void {
    const active = ACTIVE_STATES.has(reading.state);
    if (active && !ACTIVE_STATES.has(this.lastState)) {
      this.livePlot.clear();
      this.runStartMs = performance.now();
    }
    const ended = !active && ACTIVE_STATES.has(this.lastState);
    this.lastState = reading.state;
    element('run-state').textContent = reading.state;
    element('run-step').textContent = reading.step > 0 ? `step ${reading.step} of ${reading.steps}: ${reading.stepLabel}` : '';
    element('pressure').textContent = Number.isFinite(reading.pressureMPa) ? `${reading.pressureMPa.toFixed(2)} MPa` : '—';
    if (active) this.livePlot.add((performance.now() - this.runStartMs) / 1000, reading.pressureMPa, reading.setpointMPa, reading.targetMPa, reading.bandMPa);
    const waiting = reading.state === 'WAITING' && reading.prompt !== '';
    element('prompt-box').hidden = !waiting;
    element('prompt-text').textContent = reading.prompt;
    const faultBox = element('fault-box');
    faultBox.hidden = reading.faultCode === 0;
    if (reading.faultCode !== 0) {
      element('fault-title').textContent = `Fault ${reading.faultText}`;
      const known = advice.get(reading.faultCode);
      element('fault-advice').textContent = known === undefined ? 'See docs/faults.md.' : `What to do: ${known.advice}`;
    }
    if (ended) void this.afterRun();
  }

  private async afterRun(): Promise<void> {
    const session = this.need();
    const [result, outside] = await session.result();
    element('run-result').textContent = `last run: ${result}${outside !== undefined && outside !== '' ? ` — ${outside}` : ''}`;
    await this.refreshLogs();
  }

  async refreshLogs(): Promise<void> {
    if (this.session === null) return;
    let runs: LoggedRun[];
    try {
      runs = await this.session.runs(20);
    } catch (error) {
      // The press refuses log queries while a run holds it.
      element('log-note').textContent = messageOf(error).join('\n');
      return;
    }
    element('log-note').textContent = runs.length === 0 ? 'no runs logged' : '';
    const body = element('log-rows');
    body.textContent = '';
    for (const run of runs) {
      const pick = document.createElement('input');
      pick.type = 'checkbox';
      pick.value = String(run.run);
      pick.dataset.label = `run ${run.run} ${run.program}`;
      const download = document.createElement('button');
      download.textContent = 'CSV';
      download.addEventListener('click', () => void this.download(run));
      body.append(tableRow([pick, String(run.run), run.program, run.outcome, Number.isFinite(run.peakMPa) ? run.peakMPa.toFixed(2) : '—', download], 'td'));
    }
  }

  private async download(run: LoggedRun): Promise<void> {
    await this.act(async () => {
      const csv = await this.need().runCsv(run.run);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      link.download = `run-${run.run}-${run.program}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
    });
  }

  private async plotSelectedLogs(): Promise<void> {
    await this.act(async () => {
      const picked = [...document.querySelectorAll<HTMLInputElement>('#log-rows input[type=checkbox]:checked')];
      if (picked.length === 0) throw new Error('tick one or more runs to plot');
      const runs = [];
      for (const box of picked) {
        const table = parseRunCsv(await this.need().runCsv(Number(box.value)));
        runs.push({ label: box.dataset.label ?? box.value, tS: column(table, 't_s'), pressureMPa: column(table, 'pressure_MPa') });
      }
      plotRuns(element('log-plot'), runs);
      await this.showRunDetails(picked.map((box) => Number(box.value)));
    });
  }

  /** Under the plot: each plotted run's header and its step summaries. */
  private async showRunDetails(runIds: number[]): Promise<void> {
    const details = element('log-details');
    details.textContent = '';
    for (const runId of runIds) {
      const block = document.createElement('section');
      const header = document.createElement('p');
      header.className = 'run-header';
      header.textContent = await this.need().runHeader(runId);
      block.append(header);
      const lines = (await this.need().runSteps(runId)).trimEnd().split('\n');
      const table = document.createElement('table');
      table.className = 'run-steps';
      lines.forEach((line, index) => table.append(tableRow(csvFields(line).map((field) => (field === '' ? '—' : field)), index === 0 ? 'th' : 'td')));
      block.append(table);
      details.append(block);
    }
  }
}

(window as unknown as { pressConsole: Console }).pressConsole = new Console();
