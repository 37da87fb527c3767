// Builds the firmware with an installed Moddable SDK ($MODDABLE) and, on Moddable's Linux
// runtime, runs it:
//
//   npm run device:lin [-- --build-only] [-- --memory] [-- --budget esp32s3] [-- key=value ...]
//       mcconfig -m -t build -p lin, then mcsim headless (xvfb-run) dry-runs the example the
//       manifest's config names (dryRunProgram, dryRunSeed, dryRunMaintainHours; key=value
//       changes them), prints what the app printed, and compares its step and layer tables
//       with what `press-sim run` prints for the same program and seed (npm start). Exit 0
//       only when the run completed and the tables are identical. The lin platform's creation
//       sizes are the ESP32's, without growth, so the run also shows the firmware fits them;
//       --budget esp32s3 builds with the ESP32-S3's instead; --headroom F divides the sizes
//       by F (a run that completes shows they hold F times what it needs). --memory builds with
//       instrumentation and prints the machine's peak memory (host-sim/moddable/memory-probe.ts).
//       --timeout S: how long the run may take (default 1800 s).
//   npm run device:esp32 [-- --platform esp32|esp32/esp32s3]
//       both ESP32 platforms by default. With ESP-IDF ($IDF_PATH) a full mcconfig build;
//       without it the JavaScript part only — tsc per module, xsc, xsl (the generated
//       makefile's mc.xs.c target) — which is where a build without ESP-IDF stops.
//
// Either fails when xsl reports a project module "not frozen". Nothing is downloaded: without
// $MODDABLE (or its host tools) the script says so and exits 2.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXIT_NO_SDK = 2;
const PROJECT_PREFIXES = ['main', 'src/', 'hal/', 'host-sim/'];
/** How long mcsim may take to finish its dry run by default (a 24 h maintain takes about half an hour), s. */
const RUN_TIMEOUT_S = 1800;

function die(message: string, code = 1): never {
  console.error(`device: ${message}`);
  process.exit(code);
}

/** The SDK's host tools, or a clear exit. */
function sdk(): { moddable: string; bin: string } {
  const moddable = process.env.MODDABLE ?? '';
  if (moddable === '') {
    die('$MODDABLE is not set: install the Moddable SDK and build its host tools (docs/hardware.md, "Building"), then export MODDABLE=<sdk dir>. Nothing was built.', EXIT_NO_SDK);
  }
  const bin = path.join(moddable, 'build', 'bin', process.platform === 'darwin' ? 'mac' : 'lin', 'release');
  for (const tool of ['mcconfig', 'xsc', 'xsl']) {
    if (!existsSync(path.join(bin, tool))) die(`${path.join(bin, tool)} is missing: build the SDK's host tools first (cd $MODDABLE/build/makefiles/lin && make). Nothing was built.`, EXIT_NO_SDK);
  }
  return { moddable, bin };
}

function toolEnv(bin: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // mcconfig runs tsc from PATH: the project's own TypeScript.
  return { ...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}:${bin}`, ...extra };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = root): { status: number; output: string } {
  console.log(`device: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return { status: result.status ?? 1, output };
}

/** xsl's "not frozen" warnings about the project's own modules. */
function notFrozen(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('not frozen'))
    .filter((line) => PROJECT_PREFIXES.some((prefix) => line.replace(/^### warning: /, '').startsWith(prefix)));
}

function buildReport(platform: string, output: string): void {
  const errors = output.split('\n').filter((line) => /error TS\d+|### Error|: error:|compile failure|\*\*\* |XS abort/.test(line));
  const frozen = notFrozen(output);
  for (const line of frozen) console.log(line);
  console.log(`device: ${platform}: ${frozen.length} "not frozen" warnings from project modules`);
  if (errors.length > 0) for (const line of errors.slice(0, 40)) console.log(line);
  if (frozen.length > 0) die(`${platform}: xsl found project modules that are not frozen (tools/check/module-state.ts explains the rule)`);
}

function outDir(platform: string): string {
  const dir = path.join(root, 'out', 'device', platform.replace('/', '-'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

// --- lin ---------------------------------------------------------------------------------

function configOf(args: string[]): Record<string, string> {
  const manifest = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8')) as { platforms: Record<string, { config?: Record<string, unknown> }> };
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(manifest.platforms.lin.config ?? {})) config[key] = String(value);
  for (const arg of args) {
    const at = arg.indexOf('=');
    if (at > 0) config[arg.slice(0, at)] = arg.slice(at + 1);
  }
  return config;
}

/** Runs mcsim headless until the app prints its last line (or fails), then stops it. */
async function runMcsim(bin: string, library: string, timeoutS: number): Promise<string> {
  if (spawnSync('sh', ['-c', 'command -v xvfb-run']).status !== 0) die('xvfb-run is missing: install Debian\'s xvfb package to run mcsim headless', EXIT_NO_SDK);
  const mcsim = path.join(bin, 'mcsim');
  console.log(`device: xvfb-run -a ${mcsim} ${library}`);
  return await new Promise((resolve) => {
    // stdbuf: the runtime's trace() is printf, block-buffered into a pipe.
    const child = spawn('xvfb-run', ['-a', 'stdbuf', '-o0', '-e0', mcsim, library], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let finished = false;
    const stop = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      try {
        process.kill(-(child.pid as number), 'SIGTERM');
      } catch {
        // already gone
      }
      resolve(output);
    };
    const timer = setTimeout(() => {
      output += `\ndevice: mcsim did not finish within ${timeoutS} s (--timeout S)\n`;
      stop();
    }, timeoutS * 1000);
    const take = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (/dry run: (done|failed)|XS abort/.test(output)) setTimeout(stop, 200);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', () => setTimeout(stop, 200));
  });
}

/** The step table, result line and layer table of a dry run's output. */
function tables(output: string): string[] {
  const lines = output.split('\n').map((line) => line.trimEnd());
  const start = lines.findIndex((line) => line.startsWith('program: '));
  if (start < 0) return [];
  const layer = lines.findIndex((line, i) => i > start && line.startsWith('layer '));
  let end = layer;
  while (end >= 0 && end < lines.length && lines[end] !== '') end++;
  return lines.slice(start, end < 0 ? lines.length : end);
}

/**
 * A manifest that is the project's with the lin platform's creation sizes replaced by another
 * platform's (the lin app then runs within that platform's budget).
 */
function budgetManifest(dir: string, platform: string, shrink: number): string {
  type Creation = { chunk: { initial: number; incremental: number }; heap: { initial: number; incremental: number }; stack: number };
  const manifest = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8')) as { platforms: Record<string, { creation?: Creation & { main?: string } }> };
  const creation = manifest.platforms[platform]?.creation;
  if (creation === undefined) die(`--budget: manifest.json has no creation for platform ${platform}`);
  // Divided by the headroom factor: a run that completes within these shows the sizes hold at least that much over the need.
  const sizes: Creation = {
    chunk: { initial: Math.floor(creation.chunk.initial / shrink / 8) * 8, incremental: 0 },
    heap: { initial: Math.floor(creation.heap.initial / shrink), incremental: 0 },
    stack: Math.floor(creation.stack / shrink),
  };
  console.log(`device: lin: ${platform}'s creation sizes${shrink === 1 ? '' : ` divided by ${shrink}`}: ${sizes.heap.initial} slots, ${sizes.chunk.initial} chunk bytes, ${sizes.stack} stack slots, no growth`);
  const file = path.join(dir, 'manifest.json');
  writeFileSync(file, `${JSON.stringify({ include: [path.join(root, 'manifest.json')], platforms: { lin: { creation: sizes } } }, null, '\t')}\n`);
  return file;
}

async function lin(args: string[]): Promise<void> {
  const { bin } = sdk();
  const memory = args.includes('--memory');
  const at = args.indexOf('--budget');
  const budget = at >= 0 ? args[at + 1] : 'esp32';
  const headroomAt = args.indexOf('--headroom');
  const headroom = headroomAt >= 0 ? Number(args[headroomAt + 1]) : 1;
  if (!(headroom >= 1)) die('--headroom: a factor of at least 1, e.g. 1.25');
  const dir = outDir(`lin-${budget}${headroom === 1 ? '' : `-over-${headroom}`}${memory ? '-memory' : ''}`);
  const configArgs = args.filter((arg) => arg.includes('='));
  if (memory) configArgs.push('dryRunMemory=1');
  const manifest = budget === 'esp32' && headroom === 1 ? [] : [budgetManifest(dir, budget === 'esp32s3' ? 'esp32/esp32s3' : budget, headroom)];
  const build = run(path.join(bin, 'mcconfig'), ['-m', '-t', 'build', '-p', 'lin', ...(memory ? ['-i'] : []), '-o', dir, ...manifest, ...configArgs], toolEnv(bin));
  writeFileSync(path.join(dir, 'build.log'), build.output);
  buildReport('lin', build.output);
  if (build.status !== 0) die(`lin: mcconfig failed (exit ${build.status}); the log is ${path.relative(root, path.join(dir, 'build.log'))}`);
  // mcconfig names the folder after the manifest's: the checkout's for the project's, the budget folder for a budget manifest.
  const library = path.join(dir, 'bin', 'lin', 'mc', memory ? 'instrument' : 'release', manifest.length === 0 ? path.basename(root) : path.basename(dir), 'mc.so');
  if (!existsSync(library)) die(`lin: ${library} was not built`);
  console.log(`device: lin: built ${path.relative(root, library)}`);
  if (args.includes('--build-only')) return;

  const timeoutAt = args.indexOf('--timeout');
  const output = await runMcsim(bin, library, timeoutAt >= 0 ? Number(args[timeoutAt + 1]) : RUN_TIMEOUT_S);
  writeFileSync(path.join(dir, 'run.log'), output);
  process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
  if (/XS abort|dry run: failed/.test(output) || !output.includes('dry run: done')) die('lin: the app did not complete its dry run on Moddable\'s runtime');

  const config = configOf(configArgs);
  const program = path.join(root, 'examples', `${config.dryRunProgram}.json`);
  if (Number(config.dryRunMaintainHours ?? 0) > 0) {
    console.log('device: lin: dryRunMaintainHours changes the program: no comparison with press-sim run');
    return;
  }
  const scratch = mkdtempSync(path.join(tmpdir(), 'device-lin-'));
  let node: { status: number; output: string };
  try {
    node = run(process.execPath, [path.join(root, 'bin', 'press-sim.mjs'), 'run', program, '--seed', config.dryRunSeed, '--no-panel', '--out', scratch], process.env);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const onModdable = tables(output);
  const inNode = tables(node.output);
  if (inNode.length === 0) die(`press-sim run printed no step table:\n${node.output}`);
  const differing = inNode.map((line, i) => (line === onModdable[i] ? null : `  node:     ${line}\n  moddable: ${onModdable[i] ?? '(missing)'}`)).filter((d) => d !== null);
  if (onModdable.length !== inNode.length || differing.length > 0) {
    console.log(differing.join('\n'));
    die(`lin: the step results on Moddable's runtime differ from press-sim run (${differing.length} lines)`);
  }
  const steps = inNode.filter((line) => /^\s+\d+\s/.test(line)).length;
  console.log(`device: lin: ${config.dryRunProgram}, seed ${config.dryRunSeed}: the step table, result and layer table on Moddable's runtime are identical to press-sim run's (${inNode.length} lines, ${steps} step and layer rows)`);
}

// --- esp32 -------------------------------------------------------------------------------

function esp32(platform: string): void {
  const { bin } = sdk();
  const dir = outDir(platform);
  const idf = process.env.IDF_PATH ?? '';
  if (idf !== '' && existsSync(path.join(idf, 'export.sh'))) {
    const build = run(path.join(bin, 'mcconfig'), ['-m', '-p', platform, '-t', 'build', '-o', dir], toolEnv(bin));
    writeFileSync(path.join(dir, 'build.log'), build.output);
    buildReport(platform, build.output);
    if (build.status !== 0) die(`${platform}: the build failed (exit ${build.status}); the log is ${path.relative(root, path.join(dir, 'build.log'))}`);
    console.log(`device: ${platform}: built with ESP-IDF at ${idf}; flash with: mcconfig -d -m -p ${platform} (docs/hardware.md)`);
    return;
  }
  console.log(`device: ${platform}: ESP-IDF not found ($IDF_PATH ${idf === '' ? 'unset' : `has no export.sh: ${idf}`}): building the JavaScript part only (tsc, xsc, xsl); the firmware image needs ESP-IDF`);
  // mcconfig writes the makefile before it needs ESP-IDF; an empty placeholder directory
  // stands in for it so far, and nothing from it is compiled.
  const placeholder = mkdtempSync(path.join(tmpdir(), 'no-esp-idf-'));
  try {
    const env = toolEnv(bin, { IDF_PATH: placeholder });
    const configure = run(path.join(bin, 'mcconfig'), ['-p', platform, '-t', 'build', '-o', dir], env);
    const tmpDir = path.join(dir, 'tmp', platform, 'release', path.basename(root));
    const makefile = path.join(tmpDir, 'makefile');
    if (!existsSync(makefile)) die(`${platform}: mcconfig wrote no makefile:\n${configure.output}`);
    // IDF_VERSION and SDKCONFIG_H are ESP-IDF's: set here, the xsl target needs neither.
    const build = run('make', ['-f', makefile, 'IDF_VERSION=none', 'SDKCONFIG_H=', path.join(tmpDir, 'mc.xs.c')], env, tmpDir);
    writeFileSync(path.join(dir, 'build.log'), configure.output + build.output);
    buildReport(platform, build.output);
    if (build.status !== 0 || !existsSync(path.join(tmpDir, 'mc.xs.c'))) die(`${platform}: tsc, xsc or xsl failed (exit ${build.status}); the log is ${path.relative(root, path.join(dir, 'build.log'))}`);
    const summary = build.output.split('\n').find((line) => line.startsWith('### ') && line.includes('instances')) ?? '';
    console.log(`device: ${platform}: tsc, xsc and xsl done (${summary.replace(/^### /, '')}); ${path.relative(root, path.join(tmpDir, 'mc.xs.c'))} written. Stopped where ESP-IDF is needed (C compile and link).`);
  } finally {
    rmSync(placeholder, { recursive: true, force: true });
  }
}

const [target, ...rest] = process.argv.slice(2);
if (target === 'lin') {
  await lin(rest);
} else if (target === 'esp32') {
  const at = rest.indexOf('--platform');
  const platforms = at >= 0 ? [rest[at + 1]] : ['esp32', 'esp32/esp32s3'];
  for (const platform of platforms) {
    if (platform !== 'esp32' && platform !== 'esp32/esp32s3') die(`--platform: ${platform} is not esp32 or esp32/esp32s3`);
    esp32(platform);
  }
} else {
  die('usage: tsx tools/build/device-build.ts lin [--build-only] [key=value ...] | esp32 [--platform esp32|esp32/esp32s3]');
}
