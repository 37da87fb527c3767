// The press console in a real browser: Debian's Chromium, driven by playwright-core (no
// browser download), against press-sim serve --http. It uploads a program with a prompt,
// starts it, watches the live plot advance, answers the prompt, sees the run complete,
// downloads the run's log and checks the CSV, and sees an invalid program refused with the
// validator's path, underlined in the editor, whose schema completion and hover it also checks.
// It also takes the screenshots in docs/images/, the dry-run plot's among them.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { serve } from '../../host-sim/cli/serve';
import type { RunningServer } from '../../host-sim/cli/serve';
import { DEFAULT_PLANT } from '../../host-sim/plants';
import { buildConsolePage } from '../../tools/build/build-console';
import { main as pressSimMain } from '../../host-sim/cli/press-sim';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = path.join(root, 'docs', 'images');

const PROGRAM = {
  format: 'press-program/1',
  name: 'console-check',
  die: { diameter_mm: 10, max_pressure_MPa: 740 },
  log_interval_s: 0.1,
  steps: [
    { type: 'ramp', to_MPa: 40, rate_MPa_s: 10, label: 'compact' },
    { type: 'hold', duration_s: 3, band_MPa: 1, mode: 'dynamic', label: 'hold 40' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
    { type: 'prompt', message: 'Add the cathode powder, then Continue' },
    { type: 'ramp', to_MPa: 60, rate_MPa_s: 15, label: 'co-press' },
    { type: 'hold', duration_s: 3, band_MPa: 1, mode: 'dynamic', label: 'hold 60' },
    { type: 'release', to_MPa: 0, rate_MPa_s: 20 },
  ],
};

// CodeMirror ignores Enter on a completion list younger than its interactionDelay (75 ms).
const COMPLETION_SETTLE_MS = 150;
const SCHEMA = JSON.parse(readFileSync(path.join(root, 'schema', 'press-program-1.schema.json'), 'utf8'));

let server: RunningServer;
let browser: Browser;
let page: Page;

test.before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium), or set CHROMIUM to its path`);
  server = await serve({ tcpPort: null, tcpHost: '127.0.0.1', httpPort: 0, pty: false, speed: 4, plant: DEFAULT_PLANT, seed: 1, log: () => {} });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 1100 }, acceptDownloads: true });
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`http://127.0.0.1:${server.httpPort}/`);
});

test.after(async () => {
  await browser?.close();
  await server?.close();
});

/** Replaces the editor's text as a user would: select all, then the text arrives as typed input. */
async function setProgram(text: string): Promise<void> {
  await page.click('#program-text .cm-content');
  await page.keyboard.press('Control+A');
  // Deleted first: Chromium's insertText over a whole selection leaves a newline behind.
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
  await page.waitForFunction(`window.pressConsole.editor.text === ${JSON.stringify(text)}`, null, { timeout: 5000 }).catch(async (e) => {
    throw new Error(`${e}: the editor holds ${JSON.stringify(await page.evaluate('window.pressConsole.editor.text'))}`);
  });
}

/** Puts the editor's cursor just after the last occurrence of `marker`. */
async function cursorAfter(marker: string): Promise<void> {
  await page.evaluate(`(() => { const view = window.pressConsole.editor.view; const at = view.state.doc.toString().lastIndexOf(${JSON.stringify(marker)}); view.dispatch({ selection: { anchor: at + ${marker.length} }, scrollIntoView: true }); view.focus(); })()`);
}

async function completionLabels(): Promise<string[]> {
  await page.keyboard.press('Control+Space');
  await page.waitForSelector('.cm-tooltip-autocomplete li', { timeout: 5000 });
  return page.locator('.cm-tooltip-autocomplete li .cm-completionLabel').allTextContents();
}

test('connects over the WebSocket and names the press', async () => {
  await page.click('#connect-ws');
  await page.waitForFunction(`document.getElementById('identity').textContent.includes(',')`, null, { timeout: 10000 });
  const identity = await page.textContent('#identity');
  assert.match(identity ?? '', /,/);
  assert.is(await page.isDisabled('#connect-ws'), true);
});

test('refuses an invalid program with the validator\'s path, before anything is sent', async () => {
  const bad = { ...PROGRAM, name: 'bad-one', steps: [{ type: 'ramp', to_MPa: 900, rate_MPa_s: 10 }, ...PROGRAM.steps.slice(1)] };
  await setProgram(JSON.stringify(bad, null, 2));
  const messages = await page.locator('#validation li.error').allTextContents();
  assert.ok(messages.some((m) => m.startsWith('steps[0].to_MPa:')), messages.join('\n'));
  assert.is(await page.isDisabled('#upload'), true);
  await setProgram('{"format": "press-program/1",}');
  const syntax = await page.locator('#validation li.error').allTextContents();
  assert.ok(syntax.length === 1 && syntax[0].startsWith('not JSON:') && syntax[0].includes('trailing comma before }'), syntax.join('\n'));
  await page.waitForSelector('.cm-lintRange-error', { timeout: 5000 });
  assert.equal(await page.locator('.cm-lintRange-error').allTextContents(), [',']);
});

test('the editor underlines the validator\'s error at its path, and the message stays listed', async () => {
  const bad = { ...PROGRAM, name: 'bad-one', steps: [{ type: 'ramp', to_MPa: 900, rate_MPa_s: 10 }] };
  await setProgram(JSON.stringify(bad, null, 2));
  await page.waitForSelector('.cm-lintRange-error', { timeout: 5000 });
  assert.equal(await page.locator('.cm-lintRange-error').allTextContents(), ['900']);
  const messages = await page.locator('#validation li.error').allTextContents();
  assert.ok(messages.some((m) => m.startsWith('steps[0].to_MPa:')), messages.join('\n'));
  await page.screenshot({ path: path.join(SHOTS, 'console-invalid.png'), clip: { x: 0, y: 0, width: 1200, height: 560 } });
});

test('the editor completes a step\'s keys and its type from the schema, and shows a key\'s description on hover', async () => {
  const text = JSON.stringify({ ...PROGRAM, steps: [{ type: 'ramp', to_MPa: 40 }, { type: 'hold' }] }, null, 2);
  await setProgram(text.replace('"to_MPa": 40', '"to_MPa": 40,\n        '));
  await cursorAfter('"to_MPa": 40,\n        ');
  const keys = await completionLabels();
  const ramp = SCHEMA.definitions.ramp.properties;
  assert.ok(keys.includes('rate_MPa_s') && keys.includes('band_MPa') && keys.includes('label'), keys.join(' '));
  assert.ok(!keys.includes('to_MPa') && !keys.includes('to_kN') && !keys.includes('type'), `present or excluded keys offered: ${keys.join(' ')}`);
  assert.ok(keys.every((key) => key in ramp), keys.join(' '));
  await page.screenshot({ path: path.join(SHOTS, 'console-editor.png'), clip: { x: 0, y: 0, width: 1200, height: 620 } });
  await page.keyboard.press('Escape');
  // Typing opens it too; Enter takes the key with a placeholder value, selected to type over.
  await page.keyboard.type('"rate_M');
  await page.waitForSelector('.cm-tooltip-autocomplete li', { timeout: 5000 });
  await page.waitForTimeout(COMPLETION_SETTLE_MS);
  await page.keyboard.press('Enter');
  await page.keyboard.type('12');
  await page.waitForFunction(`window.pressConsole.editor.text.includes('"to_MPa": 40,\\n        "rate_MPa_s": 12\\n')`, null, { timeout: 5000 }).catch(async (e) => {
    throw new Error(`${e}: the editor holds ${JSON.stringify(await page.evaluate('window.pressConsole.editor.text'))}`);
  });

  // Completing a key that is already there renames it: its value stays.
  await setProgram(text.replace('"to_MPa": 40', '"to_M": 40'));
  await cursorAfter('"to_M');
  assert.ok((await completionLabels()).includes('to_MPa'));
  await page.waitForTimeout(COMPLETION_SETTLE_MS);
  await page.keyboard.press('Enter');
  await page.waitForFunction(`window.pressConsole.editor.text === ${JSON.stringify(text)}`, null, { timeout: 5000 }).catch(async (e) => {
    throw new Error(`${e}: the editor holds ${JSON.stringify(await page.evaluate('window.pressConsole.editor.text'))}`);
  });

  await setProgram(text.replace('"type": "hold"', '"type": '));
  await cursorAfter('"type": ');
  const types = await completionLabels();
  assert.equal(types, SCHEMA.definitions.steps0.items.properties.type.enum.map((t: string) => JSON.stringify(t)));
  await page.keyboard.press('Escape');

  await setProgram(text);
  await cursorAfter('"to_M');
  await page.waitForTimeout(100);
  const box = await page.evaluate<{ left: number; top: number; bottom: number }>(`(() => { const view = window.pressConsole.editor.view; const c = view.coordsAtPos(view.state.selection.main.head); return { left: c.left, top: c.top, bottom: c.bottom }; })()`);
  // Two moves: the hover waits for the pointer to rest after one.
  await page.mouse.move(box.left + 2, (box.top + box.bottom) / 2);
  await page.waitForTimeout(100);
  await page.mouse.move(box.left + 3, (box.top + box.bottom) / 2);
  await page.waitForSelector('.cm-schema-hover', { timeout: 5000 });
  const hover = (await page.textContent('.cm-schema-hover')) ?? '';
  assert.ok(hover.startsWith('to_MPa: number, MPa, at least 0'), hover);
  assert.ok(hover.includes(ramp.to_MPa.description), hover);
  await page.mouse.move(0, 0);
});

test('uploads a program with a prompt; the press lists it', async () => {
  await setProgram(JSON.stringify(PROGRAM, null, 2));
  assert.equal(await page.locator('#validation li').allTextContents(), ['valid']);
  await page.click('#upload');
  await page.waitForSelector('#upload-result li.ok', { timeout: 10000 });
  assert.match((await page.textContent('#upload-result')) ?? '', /stored "console-check"/);
  await page.waitForSelector('#program-list input[value="console-check"]');
});

test('starts it and watches the live plot advance; answers the prompt; sees it complete', async () => {
  await page.check('#program-list input[value="console-check"]');
  await page.click('#start');
  await page.waitForFunction(`document.getElementById('run-state').textContent === 'RUNNING'`, null, { timeout: 10000 });
  const points = () => page.evaluate<number>('window.pressConsole.livePlot.points');
  const first = await points();
  await page.waitForTimeout(1500);
  const later = await points();
  assert.ok(later > first + 3, `live plot points ${first} → ${later}`);
  await page.waitForSelector('#prompt-box:not([hidden])', { timeout: 30000 });
  assert.is(await page.textContent('#prompt-text'), 'Add the cathode powder, then Continue');
  await page.screenshot({ path: path.join(SHOTS, 'console-prompt.png') });
  await page.click('#continue');
  await page.waitForFunction(`document.getElementById('run-state').textContent === 'COMPLETE'`, null, { timeout: 40000 });
  await page.waitForFunction(`document.getElementById('run-result').textContent.includes('COMPLETED')`, null, { timeout: 10000 });
  assert.is(await page.isHidden('#fault-box'), true);
});

test('downloads the run\'s log as CSV, and plots logged runs', async () => {
  await page.waitForSelector('#log-rows tr', { timeout: 10000 });
  const firstRow = await page.locator('#log-rows tr').first().allTextContents();
  assert.match(firstRow[0], /console-check/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#log-rows tr').first().locator('button').click()]);
  const file = await download.path();
  const csv = readFileSync(file, 'utf8').trimEnd().split('\n');
  const header = csv[0].split(',');
  for (const name of ['t_s', 'step', 'state', 'pressure_MPa']) assert.ok(header.includes(name), `CSV header ${csv[0]}`);
  const pressure = header.indexOf('pressure_MPa');
  const step = header.indexOf('step');
  const peak = Math.max(...csv.slice(1).map((line) => Number(line.split(',')[pressure])));
  assert.ok(peak > 58 && peak < 63, `peak ${peak}`);
  assert.ok(csv.slice(1).some((line) => line.split(',')[step] === '7'), 'the last step is in the log');
  assert.ok(csv.length > 100, `rows ${csv.length}`);
  assert.match(download.suggestedFilename(), /^run-\d+-console-check\.csv$/);
  await page.locator('#log-rows input[type=checkbox]').first().check();
  await page.click('#plot-logs');
  await page.waitForSelector('#log-plot .uplot', { timeout: 10000 });
  // Under the plot: the run's header (started by the clock the page set on connect) and its step summaries.
  await page.waitForSelector('#log-details .run-steps', { timeout: 10000 });
  assert.match(await page.textContent('#log-details .run-header') ?? '', /^run \d+: console-check \([0-9a-f]{8}\), started \d{4}-\d\d-\d\d \d\d:\d\d UTC, die 10\.000 mm, calibration .+, firmware \d/);
  const stepRows = await page.$$eval('#log-details .run-steps tr', (rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent ?? '')));
  assert.is(stepRows[0][0], 'step');
  assert.is(stepRows.length, 8, JSON.stringify(stepRows));
  assert.equal(stepRows.slice(1).map((row) => row[0]), ['1', '2', '3', '4', '5', '6', '7']);
  await page.screenshot({ path: path.join(SHOTS, 'console-run.png'), fullPage: true });
});

test('the USB path: the page\'s Web Serial transport, on a stand-in port whose streams are a WebSocket to the simulator', async () => {
  // No serial device here: the stand-in gives the page's own openSerialPort() a port with
  // real ReadableStream/WritableStream objects, which is what Chromium's Web Serial hands it.
  const usbPage = await browser.newPage();
  // A string, not a function: the test's transpiler would add helpers the page does not have.
  await usbPage.addInitScript(`
    const port = {
      readable: null,
      writable: null,
      async open(options) {
        if (options.baudRate !== 115200) throw new Error('baud rate ' + options.baudRate);
        const socket = new WebSocket('ws://' + location.host + '/scpi');
        socket.binaryType = 'arraybuffer';
        await new Promise((resolve) => socket.addEventListener('open', resolve));
        port.readable = new ReadableStream({ start: (controller) => socket.addEventListener('message', (event) => controller.enqueue(new Uint8Array(event.data))) });
        port.writable = new WritableStream({ write: (chunk) => socket.send(chunk) });
      },
      async close() {},
    };
    Object.defineProperty(navigator, 'serial', { value: { requestPort: async () => port } });
  `);
  await usbPage.goto(`http://127.0.0.1:${server.httpPort}/`);
  assert.is(await usbPage.isDisabled('#connect-usb'), false);
  await usbPage.click('#connect-usb');
  await usbPage.waitForFunction(`document.getElementById('identity').textContent.includes(',')`, null, { timeout: 10000 }).catch(async (e) => { throw new Error(`${e} identity ${await usbPage.textContent('#identity')} error ${await usbPage.textContent('#connect-error')}`); });
  await usbPage.waitForSelector('#program-list input[value="console-check"]', { timeout: 10000 });
  await usbPage.waitForFunction(`document.getElementById('run-state').textContent === 'COMPLETE'`, null, { timeout: 10000 }).catch(async (e) => { throw new Error(`${e} state ${await usbPage.textContent('#run-state')} error ${await usbPage.textContent('#run-error')}`); });
  await usbPage.close();
});

test('the built file opened from disk is a secure context with Web Serial: the USB button is live', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'console-'));
  const file = path.join(dir, 'console.html');
  writeFileSync(file, await buildConsolePage());
  const filePage = await browser.newPage();
  await filePage.goto(pathToFileURL(file).href);
  assert.equal(await filePage.evaluate(`[isSecureContext, 'serial' in navigator]`), [true, true]);
  assert.is(await filePage.isDisabled('#connect-usb'), false);
  await filePage.close();
  rmSync(dir, { recursive: true });
});

test('the dry run\'s plot, as a browser draws it: pressure with step labels, the hold-error panel under it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dry-run-'));
  const status = await pressSimMain(['run', path.join(root, 'examples', 'li6ps5cl-three-layer.json'), '--out', dir, '--no-panel'], { stdout: () => {}, stderr: () => {} });
  assert.is(status, 0);
  const plotPage = await browser.newPage({ viewport: { width: 1000, height: 620 } });
  // Inline in a page: a bare SVG document never reports its fonts loaded to the screenshot.
  await plotPage.setContent(`<!doctype html><body style="margin:0;background:#fff">${readFileSync(path.join(dir, 'plot.svg'), 'utf8')}</body>`);
  const texts = await plotPage.locator('text').allTextContents();
  assert.ok(texts.includes('hold error (MPa)'), texts.join(' | '));
  assert.ok(texts.some((t) => /^\d+ /.test(t)), 'step labels');
  await plotPage.screenshot({ path: path.join(SHOTS, 'dry-run-plot.png'), fullPage: true });
  await plotPage.close();
  rmSync(dir, { recursive: true });
});

mkdirSync(SHOTS, { recursive: true });
test.run();
