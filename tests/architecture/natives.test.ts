import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUILDS, NATIVE_DIR, checkNatives, type Build } from '../../tools/check/check-natives';

const build = (name: string) => BUILDS.find((b) => b.name === name) as Build;

test('every native compiles with no warning in every build, and every native("x") of a wrapper has its one C function', () => {
  const check = checkNatives();
  assert.equal(check.problems, []);
  const sources = readdirSync(NATIVE_DIR).filter((name) => name.endsWith('.c'));
  assert.is(check.compiles.length, sources.length * BUILDS.length);
  for (const compile of check.compiles) assert.ok(compile.ok && compile.diagnostics === '', `${compile.file} [${compile.build}]: ${compile.diagnostics}`);
  assert.ok(check.bindings >= 8, `${check.bindings} native() calls`);
});

test('the builds compile both sides of each configuration: with and without USB Serial/JTAG, with and without the task watchdog', () => {
  assert.equal(new Set(BUILDS.map((b) => b.target)), new Set(['esp32', 'esp32s3']));
  assert.equal(new Set(BUILDS.map((b) => b.release)), new Set([false, true]));
});

/** An edit that replaces `from`, which must occur exactly once. */
function once(from: string, to: string): (c: string) => string {
  return (c) => {
    assert.is(c.split(from).length, 2, `the native contains ${JSON.stringify(from)} once`);
    return c.replace(from, to);
  };
}

/** The check on a copy of one native (its .c and its .ts wrapper), with its C edited. */
function checkEdited(name: string, edit: (c: string) => string, builds: readonly Build[] = BUILDS): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'natives-'));
  try {
    for (const file of [`${name}.c`, `${name}.ts`]) copyFileSync(path.join(NATIVE_DIR, file), path.join(dir, file));
    const c = path.join(dir, `${name}.c`);
    const before = readFileSync(c, 'utf8');
    const after = edit(before);
    assert.is.not(after, before, 'the edit changes the native');
    writeFileSync(c, after);
    return checkNatives(dir, builds).problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertCaught(problems: string[], file: string, builds: string[], ...messages: string[]): void {
  assert.is(problems.length, builds.length, problems.join('\n\n'));
  for (const [i, name] of builds.entries()) {
    assert.ok(problems[i].startsWith(`${file} [${name}]: does not compile cleanly`), problems[i]);
    for (const message of messages) assert.ok(problems[i].includes(message), `${message} in:\n${problems[i]}`);
  }
}

test('the check catches a warning: an unused variable', () => {
  const problems = checkEdited('hx711', once('int pulses = xsmcToInteger(xsArg(0));', 'int pulses = xsmcToInteger(xsArg(0));\n\tint unused = 0;'), [build('esp32 debug')]);
  assertCaught(problems, 'hx711.c', ['esp32 debug'], "hx711.c:", "error: unused variable 'unused' [-Werror=unused-variable]");
});

test('the check catches a wrong argument to an ESP-IDF call: a pointer for a gpio_num_t, a missing argument, the wrong enum', () => {
  const one = [build('esp32s3 release')];
  assertCaught(checkEdited('hx711', once('gpio_reset_pin(sck);', 'gpio_reset_pin(&gSck);'), one), 'hx711.c', ['esp32s3 release'], "incompatible type for argument 1 of 'gpio_reset_pin'", "expected 'gpio_num_t' but argument is of type 'int *'");
  assertCaught(checkEdited('hx711', once('gpio_set_pull_mode(dout, GPIO_PULLUP_ONLY)', 'gpio_set_pull_mode(dout)'), one), 'hx711.c', ['esp32s3 release'], "too few arguments to function 'gpio_set_pull_mode'");
  assertCaught(checkEdited('hx711', once('gpio_set_direction(dout, GPIO_MODE_INPUT)', 'gpio_set_direction(dout, GPIO_PULLUP_ONLY)'), one), 'hx711.c', ['esp32s3 release'], "to 'gpio_mode_t'");
});

test('a mistake on one side of a configuration #if is caught in the builds that compile that side', () => {
  const s3 = checkEdited('usb-cdc', once('usb_serial_jtag_read_bytes(buffer, length, 0)', 'usb_serial_jtag_read_bytes(buffer, length)'));
  assertCaught(s3, 'usb-cdc.c', ['esp32s3 debug', 'esp32s3 release'], "too few arguments to function 'usb_serial_jtag_read_bytes'");
  const release = checkEdited('task-wdt', once('esp_task_wdt_add_user("press", &gUser)', 'esp_task_wdt_add_user("press", gUser)'));
  assertCaught(release, 'task-wdt.c', ['esp32 release', 'esp32s3 release'], "passing argument 2 of 'esp_task_wdt_add_user' from incompatible pointer type");
});

test('the check catches an #if on a misspelt option, which compiles the same side in every build', () => {
  const misspelt = (c: string) => c.replaceAll('#if CONFIG_ESP_TASK_WDT_EN\n', '#if CONFIG_ESP_TASK_WDT_ENABLE\n');
  assert.equal(checkEdited('task-wdt', misspelt, [build('esp32 debug'), build('esp32 release')]), [
    "task-wdt.c: does not call esp_task_wdt_add_user: its #if CONFIG_ESP_TASK_WDT_EN did not see this build's value (a misspelt macro, or its header not included before the #if?) [esp32 release]",
  ]);
});

test('the check catches a host function renamed away from its wrapper', () => {
  const problems = checkEdited('task-wdt', once('void xs_press_twdt_feed(xsMachine *the)', 'void xs_press_twdt_fed(xsMachine *the)'), [build('esp32 release')]);
  assert.equal(problems, ['task-wdt.ts: native("xs_press_twdt_feed") is defined by no compiled native (no function xs_press_twdt_feed in task-wdt.c) [esp32 release]']);
});

test.run();
