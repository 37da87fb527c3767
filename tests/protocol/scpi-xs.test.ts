// The SCPI protocol core in the real XS engine (xsnap): the same bundled script runs a
// transcript and a seeded stream of random traffic in XS and in Node; every response byte,
// every error and the status registers must be the same.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { extractJson, repoRoot, runInXs } from '../../tools/xs/xs-run';

const protocol = (file: string) => JSON.stringify(path.join(repoRoot, 'src', 'protocol', file));

const SCRIPT = `
import { CommandTable } from ${protocol('command-table')};
import { fail } from ${protocol('errors')};
import { block, choice, integer, numeric, optional, string } from ${protocol('parameters')};
import { chars, fixed } from ${protocol('response')};
import { ScpiSession } from ${protocol('session')};
import { registerStandardCommands } from ${protocol('standard-commands')};
declare function print(...values: unknown[]): void;

const table = new CommandTable();
registerStandardCommands(table, { identity: { manufacturer: 'XS', model: 'P', serialNumber: '1', firmwareVersion: '0' }, reset: () => undefined });
let unlocked = false;
table.query('MEASure:FORCe?', [], () => fixed(12.3456, 3));
table.query('TEST:ECHO?', [numeric(), optional(string({ maxChars: 40 }), '')], ([n, s]) => [n, s]);
table.query('TEST:BLOCk?', [block({ maxBytes: 200 })], ([b]) => b);
table.command('TRIGger:SOURce', [choice(['IMMediate', 'BUS'])], () => undefined);
table.command('CALibration:UNLock', [integer()], ([code]) => { unlocked = code === 1234 || fail(-224, 'wrong code'); });
table.command('CALibration:ZERO', [], () => undefined, { locked: () => !unlocked });
table.query('STATe?', [], () => chars('IDLE'));

const session = new ScpiSession(table, { maxMessageBytes: 96, maxBlockBytes: 128, blockSkipLimitBytes: 512, outputCapacityBytes: 256 });
const latin1 = (bytes: Uint8Array) => { let s = ''; for (const b of bytes) s += String.fromCharCode(b); return s; };
const toBytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
function drain(): string {
  const out = new Uint8Array(session.pendingOutput);
  session.readOutput(out);
  return latin1(out);
}
function errors(): string[] {
  const all: string[] = [];
  while (session.status.errors.count > 0) { const e = session.status.errors.next(); all.push(e.code + ',' + e.text); }
  return all;
}

const transcript: string[] = [];
const lines = [
  '*IDN?\\n', 'meas:forc?;*OPC?\\n', 'TEST:ECHO? 1.5E3,"a""b";ECHO? #HFF;ECHO? -.5 e 2\\n', 'TEST:BLOC? #212line1\\nline2\\n;:STAT?\\n',
  'TEST:ECHO? 1.2.3\\n', 'PROG:DEX\\n', 'TEST:ECHO? 1e400\\n', 'CAL:ZERO\\n', 'CAL:UNL 1234;ZERO\\n', 'TRIG:SOUR x\\n',
  'x'.repeat(200) + '\\n', 'TEST:BLOC? #3300' + 'y'.repeat(300) + '\\n', '\\u0000\\u00ff\\u00c3(\\n', 'TEST:ECHO? 1,"\\u00ce\\u00a9"\\n',
  '*ESE 255;*SRE 16;*STB?;*ESR?\\n', 'SYST:ERR:ALL?\\n', 'SYST:ERR?\\n',
];
for (const line of lines) {
  session.feed(toBytes(line));
  transcript.push(JSON.stringify([line.length > 40 ? line.slice(0, 40) + '...' : line, drain(), errors()]));
}

// Seeded random traffic, fed in random pieces.
let seed = 12345;
const rand = (n: number) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
const pieces = ['*IDN?', 'MEAS:FORC?', ';', ':', '"', "'", '#', '#1', '#3', '5', '\\n', '\\r\\n', ' ', ',', 'TEST:ECHO? ', 'TEST:BLOC? ', 'x', '\\u0000', '\\u00ff', 'E', '1.5', 'SYST:ERR?'];
let checksum = 0;
let errorCount = 0;
for (let n = 0; n < 3000; n++) {
  let text = '';
  const parts = 1 + rand(12);
  for (let k = 0; k < parts; k++) text += pieces[rand(pieces.length)];
  const bytes = toBytes(text);
  for (let at = 0; at < bytes.length; ) { const size = 1 + rand(6); session.feed(bytes, at, Math.min(bytes.length, at + size)); at += size; }
  if (rand(4) > 0) { const out = drain(); for (let k = 0; k < out.length; k++) checksum = (Math.imul(checksum, 31) + out.charCodeAt(k)) >>> 0; }
  if (rand(2) === 0) errorCount += errors().length;
}
session.deviceClear();
session.feed(toBytes('*IDN?\\n'));
print('RESULT ' + JSON.stringify({ transcript, checksum, errorCount, afterwards: drain(), esr: session.status.esr, held: session.heldBytes() }));
`;

interface XsResult {
  transcript: string[];
  checksum: number;
  errorCount: number;
  afterwards: string;
  esr: number;
  held: number;
}

async function runInNode(): Promise<XsResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'scpi-node-'));
  try {
    const result = await build({
      stdin: { contents: SCRIPT, resolveDir: repoRoot, loader: 'ts', sourcefile: 'scpi-entry.ts' },
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const file = path.join(dir, 'bundle.mjs');
    writeFileSync(file, result.outputFiles[0].text);
    let printed = '';
    (globalThis as { print?: (...values: unknown[]) => void }).print = (...values) => (printed += `${values.join(' ')}\n`);
    await import(pathToFileURL(file).href);
    return extractJson<XsResult>(printed, 'RESULT ');
  } finally {
    delete (globalThis as { print?: unknown }).print;
    rmSync(dir, { recursive: true, force: true });
  }
}

test('XS and Node give the same responses, errors and status for the same traffic', async () => {
  const xs = await runInXs(SCRIPT, 120_000);
  assert.is(xs.exitCode, 0, xs.stderr);
  const inXs = extractJson<XsResult>(xs.stdout, 'RESULT ');
  const inNode = await runInNode();
  assert.equal(inXs, inNode);
  assert.is(inXs.afterwards, 'XS,P,1,0\n');
  assert.ok(inXs.transcript[0].includes('XS,P,1,0'));
  assert.ok(inXs.transcript[3].includes('#212line1\\nline2\\n;IDLE'), inXs.transcript[3]);
  assert.ok(inXs.errorCount > 100, `${inXs.errorCount} errors`);
  assert.ok(inXs.transcript.some((line) => line.includes('-363')) && inXs.transcript.some((line) => line.includes('-223')));
});

test.run();
