// npm run bench:encoding — the flash record of every example program: its bytes once validated
// (for the default simulated press) and encoded, and whether it decodes to the same program.
// Writes bench/results/encoding.json.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simulatedDeviceCapabilities } from '../host-sim/scenario';
import { decodeProgram, encodeProgram } from '../src/programs/codec';
import { validateProgram } from '../src/programs/validate';
import { utf8Length } from '../src/bytes/utf8';
import { repoRoot, writeResults } from './results';

const device = simulatedDeviceCapabilities();
const examples = readdirSync(path.join(repoRoot, 'examples'))
  .filter((name) => name.endsWith('.json'))
  .sort();
const programs = examples.map((file) => {
  const json = JSON.parse(readFileSync(path.join(repoRoot, 'examples', file), 'utf8')) as { steps: unknown[]; description?: string };
  const result = validateProgram(json, device);
  if (result.program === null) throw new Error(`${file}: ${result.errors.map((e) => e.message).join('; ')}`);
  const bytes = encodeProgram(result.program);
  const decoded = decodeProgram(bytes);
  const again = decoded.ok ? encodeProgram(decoded.program) : null;
  const roundTrip = again !== null && again.length === bytes.length && again.every((byte, i) => byte === bytes[i]);
  const row = { example: file.slice(0, -5), steps: json.steps.length, recordBytes: bytes.length, descriptionBytes: utf8Length(json.description ?? ''), roundTrip };
  console.log(`bench-encoding: ${row.example}: ${row.steps} steps, ${row.recordBytes} B (description ${row.descriptionBytes} B), round trip ${roundTrip ? 'identical' : 'DIFFERS'}`);
  return row;
});
writeResults('encoding', 'npm run bench:encoding', { programs });
if (programs.some((p) => !p.roundTrip)) process.exitCode = 1;
