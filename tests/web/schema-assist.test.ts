// The editor's schema assistance and JSON places in Node: the schema node at a path, key and
// value completions, hover text, validator paths mapped to ranges of the text, and what the
// cursor is on in half-typed programs (parsed by the same lezer JSON grammar as the editor).
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonLanguage } from '@codemirror/lang-json';
import schemaJson from '../../schema/press-program-1.schema.json';
import { simulatedDeviceCapabilities } from '../../host-sim/scenario';
import { keyAt, parsePath, placeAt, rangeOfPath } from '../../web/src/json-locate';
import type { TreeNode } from '../../web/src/json-locate';
import { checkProgramText } from '../../web/src/program-problems';
import { describeProperty, keyCompletions, schemaAt, unitOfKey, valueCompletions } from '../../web/src/schema-assist';
import type { JsonPath, JsonSchema } from '../../web/src/schema-assist';

const schema = schemaJson as JsonSchema;
const examples = new URL('../../examples/', import.meta.url);

/** A TypeAt reading a plain value: the "type" of the object at each path prefix. */
function typesOf(document: unknown) {
  return (path: JsonPath) => {
    let value: unknown = document;
    for (const segment of path) value = (value as Record<string | number, unknown> | undefined)?.[segment];
    const type = (value as { type?: unknown } | undefined)?.type;
    return typeof type === 'string' ? type : undefined;
  };
}

function node(path: JsonPath, document: unknown = {}): JsonSchema {
  const found = schemaAt(schema, path, typesOf(document));
  assert.ok(found !== undefined, `no schema at ${JSON.stringify(path)}`);
  return found;
}

/** A text with `|` marking the cursor, parsed: what is at the cursor. */
function placeIn(marked: string) {
  const pos = marked.indexOf('|');
  const text = marked.replace('|', '');
  const tree = jsonLanguage.parser.parse(text);
  return placeAt(text, tree.resolveInner(pos, -1) as TreeNode, pos);
}

test('the schema node at a path follows properties, $ref, items and the step branch its "type" picks', () => {
  assert.is(node(['die', 'max_pressure_MPa']).description, 'Pressure rating of the die, MPa.');
  const program = { steps: [{ type: 'ramp' }, { type: 'repeat', steps: [{ type: 'hold' }] }] };
  assert.is(node(['steps', 0, 'to_MPa'], program).minimum, 0);
  assert.is(node(['steps', 1, 'count'], program).maximum, 1000);
  assert.equal(node(['steps', 1, 'steps', 0, 'mode'], program).enum, ['dynamic', 'static']);
  assert.is(schemaAt(schema, ['steps', 1, 'steps', 0, 'to_MPa'], typesOf(program)), undefined, 'a hold step has no to_MPa');
  assert.is(schemaAt(schema, ['die', 'no_such_key']), undefined);
});

test('key completions leave out present keys and list required ones first', () => {
  const labels = keyCompletions(schema, schema, ['format', 'description']).map((c) => c.label);
  assert.equal(labels, ['name', 'die', 'steps', '$schema', 'limits', 'log_interval_s']);
  const die = keyCompletions(schema, node(['die']), []);
  assert.equal(die.map((c) => [c.label, c.required]), [['diameter_mm', true], ['area_mm2', true], ['max_pressure_MPa', true]]);
  assert.match(die[0].detail, /^required: one of diameter_mm, area_mm2 · number, mm, 1 to 100$/);
  assert.is(die[2].template, '"max_pressure_MPa": ${1:0}');
  // One of a pair present: the other would be an error, so it is not offered.
  assert.equal(keyCompletions(schema, node(['die']), ['area_mm2']).map((c) => c.label), ['max_pressure_MPa']);
});

test('a step\'s key completions are its type\'s: the branch is chosen by "type"', () => {
  const step = node(['steps', 0]);
  assert.equal(keyCompletions(schema, step, ['type'], 'hold').map((c) => c.label), ['duration_s', 'band_MPa', 'band_kN', 'mode', 'label']);
  const ramp = keyCompletions(schema, step, ['type', 'to_kN'], 'ramp').map((c) => c.label);
  assert.equal(ramp, ['rate_MPa_s', 'rate_kN_s', 'band_MPa', 'band_kN', 'label']);
  assert.equal(keyCompletions(schema, step, [], undefined).map((c) => c.label), ['type'], 'without a type, only "type"');
  const hold = keyCompletions(schema, step, ['type'], 'hold');
  assert.is(hold.find((c) => c.label === 'mode')!.template, '"mode": "${1:dynamic}"');
  assert.match(hold.find((c) => c.label === 'duration_s')!.info, /^Duration, s/);
});

test('value completions list the schema\'s enum and const values', () => {
  assert.equal(valueCompletions(schema, node(['steps', 0, 'type'])).map((v) => v.label), ['"ramp"', '"hold"', '"release"', '"prompt"', '"wait"', '"maintain"', '"repeat"']);
  assert.equal(valueCompletions(schema, node(['steps', 0, 'mode'], { steps: [{ type: 'hold' }] })).map((v) => v.label), ['"dynamic"', '"static"']);
  assert.equal(valueCompletions(schema, node(['format'])).map((v) => v.label), ['"press-program/1"']);
  // Inside a repeat two deep there is no further repeat.
  const deep = { steps: [{ type: 'repeat', steps: [{ type: 'repeat', steps: [{}] }] }] };
  assert.not.ok(valueCompletions(schema, node(['steps', 0, 'steps', 0, 'steps', 0, 'type'], deep)).some((v) => v.label === '"repeat"'));
  assert.equal(valueCompletions(schema, node(['die', 'diameter_mm'])), []);
});

test('hover text names the type, the unit from the key and the range, then the description', () => {
  const ramp = { steps: [{ type: 'ramp' }] };
  assert.is(describeProperty(schema, 'rate_MPa_s', node(['steps', 0, 'rate_MPa_s'], ramp)), 'rate_MPa_s: number, MPa/s, at least 0.001\nRate of pressure change, MPa/s: at least 0.001, at most what the press can deliver.');
  assert.match(describeProperty(schema, 'max_pressure_MPa', node(['die', 'max_pressure_MPa'])), /^max_pressure_MPa: number, MPa, above 0 up to 2000\n/);
  assert.match(describeProperty(schema, 'area_mm2', node(['die', 'area_mm2'])), /^area_mm2: number, mm², 0.5 to 10000\n/);
  assert.match(describeProperty(schema, 'label', node(['steps', 0, 'label'], ramp)), /^label: string, 1 to 24 characters\n/);
  assert.is(describeProperty(schema, 'format', node(['format'])), 'format: "press-program/1"');
  assert.equal(['to_kN', 'rate_kN_s', 'duration_s', 'diameter_mm', 'steps', 'name'].map(unitOfKey), ['kN', 'kN/s', 's', 'mm', undefined, undefined]);
});

test('validator paths map to the range of the value, or of the object that lacks the key', () => {
  assert.equal(parsePath('steps[2].to_MPa'), ['steps', 2, 'to_MPa']);
  assert.equal(parsePath('steps[1].steps[0].mode'), ['steps', 1, 'steps', 0, 'mode']);
  assert.equal(parsePath(''), []);
  const text = '{"die": {"diameter_mm": 10},\n "steps": [{"type": "ramp", "to_MPa": 900},\n  {"type": "hold"}]}';
  const top = jsonLanguage.parser.parse(text).topNode as TreeNode;
  const at = (path: string) => {
    const range = rangeOfPath(top, text, parsePath(path));
    return text.slice(range.from, range.to);
  };
  assert.is(at('steps[0].to_MPa'), '900');
  assert.is(at('steps[1].duration_s'), '{"type": "hold"}');
  assert.is(at('die.max_pressure_MPa'), '{"diameter_mm": 10}');
  assert.is(at('name'), '{"die": {"diameter_mm": 10},', 'a key missing from the program: its first line');
  assert.is(at('steps[7]'), '[{"type": "ramp", "to_MPa": 900},');
});

test('in every example program, each value\'s path maps to that value\'s own text', () => {
  const files = readdirSync(examples).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 5, files.join(' '));
  let checked = 0;
  for (const file of files) {
    const text = readFileSync(new URL(file, examples), 'utf8');
    const top = jsonLanguage.parser.parse(text).topNode as TreeNode;
    const visit = (value: unknown, path: (string | number)[]): void => {
      const range = rangeOfPath(top, text, path);
      assert.equal(JSON.parse(text.slice(range.from, range.to)), value, `${file} ${path.join('.')}`);
      checked++;
      if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
      else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    };
    visit(JSON.parse(text), []);
  }
  assert.ok(checked > 200, `values checked ${checked}`);
});

test('the cursor in half-typed text: a key place with the keys present and the step type, or a value place', () => {
  assert.equal(placeIn('{"steps": [{"type": "ramp", |}]}'), { kind: 'key', objectPath: ['steps', 0], present: ['type'], type: 'ramp' });
  assert.equal(placeIn('{"steps": [{"type": "hold", "mo|}]}'), { kind: 'key', objectPath: ['steps', 0], present: ['type'], type: 'hold' });
  assert.equal(placeIn('{"format": "press-program/1", "na|": 1}'), { kind: 'key', objectPath: [], present: ['format'], type: undefined });
  assert.equal(placeIn('{"steps": [{"type": |}]}'), { kind: 'value', path: ['steps', 0, 'type'] });
  assert.equal(placeIn('{"steps": [{"type": "ramp"}, {"type": "ho|"}]}'), { kind: 'value', path: ['steps', 1, 'type'] });
  assert.equal(placeIn('{"steps": [|]}'), undefined, 'between steps: no key or value of an object');
  assert.equal(placeIn('{"die": {}, |}'), { kind: 'key', objectPath: [], present: ['die'], type: undefined });
  assert.equal(placeIn('{"die": {}|}'), undefined, 'just after a value');
  assert.equal(placeIn('{"steps": [{"type": "ramp"|}]}'), undefined, 'just after a closed string');
});

test('the key under the pointer, with its object\'s path and type', () => {
  const text = '{"steps": [{"type": "wait", "duration_s": 5}]}';
  const pos = text.indexOf('duration_s') + 3;
  const under = keyAt(text, jsonLanguage.parser.parse(text).resolveInner(pos, 1) as TreeNode);
  assert.equal(under, { key: 'duration_s', objectPath: ['steps', 0], type: 'wait', from: text.indexOf('"duration_s"'), to: text.indexOf('"duration_s"') + 12 });
  assert.is(keyAt(text, jsonLanguage.parser.parse(text).resolveInner(text.indexOf('5'), 1) as TreeNode), undefined);
});

test('the page\'s check: a syntax error with its line and column, validator errors and warnings with their paths', () => {
  const device = simulatedDeviceCapabilities();
  assert.equal(checkProgramText('{"a": 1,\n}', device).problems, [{ severity: 'error', text: 'not JSON: line 1, column 8: trailing comma before } at line 2, column 1', line: 1, column: 8 }]);
  const bad = checkProgramText(JSON.stringify({ format: 'press-program/1', name: 'x', die: { diameter_mm: 10, max_pressure_MPa: 740 }, steps: [{ type: 'ramp', to_MPa: 900, rate_MPa_s: 10 }] }), device);
  assert.is(bad.acceptedName, undefined);
  assert.equal(bad.problems.map((p) => [p.severity, p.path]), [['error', 'steps[0].to_MPa']]);
  assert.equal(checkProgramText(readFileSync(new URL('li6ps5cl-three-layer.json', examples), 'utf8'), device), { problems: [], acceptedName: 'li6ps5cl-three-layer' });
  // 5 MPa on a wide die is a small force for the load cell: accepted, with warnings.
  const warned = checkProgramText(readFileSync(new URL('stack-pressure-5mpa-72h.json', examples), 'utf8'), device);
  assert.is(warned.acceptedName, 'stack-pressure-5mpa-72h');
  assert.equal(warned.problems.map((p) => [p.severity, p.path]), [['warning', 'steps[0].at_MPa'], ['warning', 'steps[0].band_MPa']]);
  assert.ok(warned.problems.every((p) => p.text.startsWith(`warning: ${p.path}: `)));
  assert.equal(checkProgramText('  \n', device), { problems: [] });
});

test.run();
