/**
 * The operator panel as text: a framed character display (program and state, step and time
 * left, pressure and target, the prompt on two lines, the fault) and a status line (LED,
 * buzzer, simulated time). Pure: the caller writes the lines.
 */
import { STATUS_SIGNALS } from '../../hal/panel';
import type { PanelView, StatusSignal } from '../../hal/panel';

export interface PanelRenderOptions {
  /** ANSI colours for the state word and the fault (default: none). */
  color?: boolean;
  /** Columns, frame included (default PANEL_WIDTH_COLUMNS, at least PANEL_MIN_WIDTH_COLUMNS). */
  width?: number;
  /** Time since the status pattern was entered, ms: where the LED is in its blink (default: simTimeS in ms). */
  blinkPhaseMs?: number;
}

export const PANEL_WIDTH_COLUMNS = 60;
export const PANEL_MIN_WIDTH_COLUMNS = 36;
/** renderPanel always returns this many lines, so a redraw moves the cursor up a fixed count. */
export const PANEL_LINES = 7;

const PROMPT_LINES = 2;
const LED_LIT = '●';
const LED_DARK = '○';
const NONE = '—';

const SGR_RESET = '\x1b[0m';
const SGR_RED_BOLD = '1;31';
const SGR_RED = '31';
const SGR_YELLOW = '33';
const SGR_GREEN = '32';
const SGR_CYAN = '36';

const STATE_SGR: Record<string, string> = {
  RUNNING: SGR_CYAN,
  WAITING: SGR_YELLOW,
  PAUSED: SGR_YELLOW,
  COMPLETE: SGR_GREEN,
  ABORTED: SGR_RED,
  FAULT: SGR_RED_BOLD,
};

export function renderPanel(view: PanelView, status: number, simTimeS: number, options: PanelRenderOptions = {}): string[] {
  const width = Math.max(PANEL_MIN_WIDTH_COLUMNS, Math.floor(options.width ?? PANEL_WIDTH_COLUMNS));
  const inner = width - 4;
  const color = options.color === true;
  const paint = (text: string, sgr: string | undefined) => (color && sgr !== undefined ? `\x1b[${sgr}m${text}${SGR_RESET}` : text);
  const row = (text: string, sgr?: string, label = '') => {
    const shown = fit(text, inner - columns(label), false);
    return `│ ${label}${paint(shown, sgr)}${' '.repeat(inner - columns(label) - columns(shown))} │`;
  };

  const state = view.state === '' ? '?' : view.state;
  const name = fit(view.programName === '' ? 'no program' : view.programName, inner - columns(state) - 3, false);
  const topFill = '─'.repeat(width - 6 - columns(name) - columns(state));
  const top = `┌ ${name} ${topFill} ${paint(state, STATE_SGR[state])} ┐`;

  const stepLine = spread(stepText(view), `t-left ${formatTimeLeft(view.stepTimeLeftS)}`, inner);
  const pressureLine = `${formatMPa(view.pressureMPa)} → ${formatMPa(view.targetMPa)}`;
  const prompt = wrap(view.prompt, inner, PROMPT_LINES);
  const fault = faultText(view.lastFault);

  const signal: StatusSignal | undefined = STATUS_SIGNALS[status];
  const phaseMs = options.blinkPhaseMs ?? simTimeS * 1000;
  const signals = signal === undefined ? `LED ? pattern ${status}` : `LED ${ledLit(signal, phaseMs) ? LED_LIT : LED_DARK} ${ledText(signal)}  buzzer ${buzzerText(signal)}`;
  const bottom = `└ ${spread(signals, `t=${simTimeS.toFixed(1)} s`, inner, '─')} ┘`;

  return [top, row(stepLine), row(pressureLine), ...prompt.map((line) => row(line)), row(fault, fault === NONE ? undefined : SGR_RED, 'fault: '), bottom];
}

/**
 * What redraws a panel in place on a terminal: cursor up over the lines drawn before, then
 * each line cleared and written. Without a newline at the end (the writer adds one).
 */
export function panelRedrawText(previousLineCount: number, lines: readonly string[]): string {
  const up = previousLineCount > 0 ? `\x1b[${previousLineCount}A` : '';
  return up + lines.map((line) => `\x1b[2K${line}`).join('\n');
}

/** Whether the LED is on at this point of its pattern. */
export function ledLit(signal: StatusSignal, phaseMs: number): boolean {
  if (signal.ledOnMs <= 0) return false;
  if (signal.ledOffMs <= 0) return true;
  const periodMs = signal.ledOnMs + signal.ledOffMs;
  const inPeriodMs = ((phaseMs % periodMs) + periodMs) % periodMs;
  return inPeriodMs < signal.ledOnMs;
}

function stepText(view: PanelView): string {
  if (view.stepCount <= 0) return 'no program';
  if (view.stepIndex <= 0) return `step -/${view.stepCount}`;
  const index = Math.min(view.stepIndex, view.stepCount);
  return view.stepType === '' ? `step ${index}/${view.stepCount}` : `step ${index}/${view.stepCount} ${view.stepType}`;
}

function faultText(lastFault: string): string {
  // 'none' is how the fault table names code 0.
  return lastFault === '' || lastFault === 'none' ? NONE : lastFault;
}

function ledText(signal: StatusSignal): string {
  if (signal.ledOnMs <= 0) return 'off';
  if (signal.ledOffMs <= 0) return 'steady';
  return `${signal.ledOnMs}/${signal.ledOffMs} ms`;
}

function buzzerText(signal: StatusSignal): string {
  const repeat = signal.beepRepeatMs > 0 ? `every ${signal.beepRepeatMs / 1000} s` : '';
  if (signal.beepsOnEntry <= 0) return repeat === '' ? 'off' : repeat;
  return repeat === '' ? `${signal.beepsOnEntry}×` : `${signal.beepsOnEntry}×, ${repeat}`;
}

function formatMPa(value: number): string {
  if (!Number.isFinite(value)) return `${NONE} MPa`;
  const text = value.toFixed(1);
  return `${text === '-0.0' ? '0.0' : text} MPa`;
}

/** 8.4 s, 84 s, then m:ss and h:mm:ss; — for a step without a duration. */
export function formatTimeLeft(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return NONE;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 100) return `${Math.round(seconds)} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Terminal columns of a text, one per code point (the panel's glyphs are all narrow). */
function columns(text: string): number {
  return Array.from(text).length;
}

/** Exactly `width` columns: truncated with … or padded with spaces (unless pad is false). */
function fit(text: string, width: number, pad = true): string {
  const chars = Array.from(text);
  if (chars.length > width) return width <= 0 ? '' : chars.slice(0, width - 1).join('') + '…';
  return pad ? text + ' '.repeat(width - chars.length) : text;
}

/** `left` and `right` in `width` columns, the gap filled with `filler`; left gives way. */
function spread(left: string, right: string, width: number, filler = ' '): string {
  const room = width - columns(right) - 2;
  const shown = fit(left, room, false);
  return `${shown} ${filler.repeat(Math.max(0, room - columns(shown)))} ${right}`;
}

/** Word-wrapped into `lineCount` lines of `width`; the last one ends in … when the text goes on. */
function wrap(text: string, width: number, lineCount: number): string[] {
  let rest = Array.from(text.replace(/\s+/g, ' ').trim());
  const lines: string[] = [];
  while (lines.length < lineCount - 1 && rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > 0 ? space : width;
    lines.push(rest.slice(0, cut).join(''));
    rest = rest.slice(space > 0 ? cut + 1 : cut);
  }
  lines.push(fit(rest.join(''), width, false));
  while (lines.length < lineCount) lines.push('');
  return lines;
}
