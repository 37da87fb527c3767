/**
 * What the program's JSON Schema (schema/press-program-1.schema.json) says at a place in a
 * program: the schema node at a JSON path, the keys an object may still take, the values a
 * property may have, and a property's description with its type, unit and range. Pure
 * functions of the schema, for the editor's completion and hover; the firmware's validator
 * stays the judge of what is valid.
 */

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  definitions?: Record<string, JsonSchema>;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
}

export type JsonPath = readonly (string | number)[];

/** The "type" member of the object at a path prefix, when it has a string one. */
export type TypeAt = (objectPath: JsonPath) => string | undefined;

/** An object schema with its allOf/if-then/oneOf parts folded in, for one value of its "type". */
export interface ObjectView {
  properties: Map<string, JsonSchema>;
  required: Set<string>;
  /** Groups of keys of which exactly one is required (oneOf of `required` alone). */
  alternatives: string[][];
}

export interface KeyCompletion {
  label: string;
  detail: string;
  info: string;
  /** A CodeMirror snippet template: `"key": ` and a value placeholder. */
  template: string;
  required: boolean;
}

export interface ValueCompletion {
  /** The value as JSON text, e.g. `"ramp"`. */
  label: string;
  detail: string;
}

/** Follows `$ref`s of the form `#/definitions/name` (the only kind the schema has). */
export function resolve(root: JsonSchema, node: JsonSchema): JsonSchema {
  let current = node;
  for (let hops = 0; current.$ref !== undefined; hops++) {
    if (hops > 32) throw new Error(`schema: $ref loop at ${node.$ref}`);
    const ref = current.$ref;
    const prefix = '#/definitions/';
    const target = ref.startsWith(prefix) ? root.definitions?.[ref.slice(prefix.length)] : undefined;
    if (target === undefined) throw new Error(`schema: cannot follow $ref ${ref}`);
    current = target;
  }
  return current;
}

/** The values a schema allows for "type", from its const or enum; undefined when it does not say. */
function typeValues(root: JsonSchema, node: JsonSchema): unknown[] | undefined {
  const typeSchema = node.properties?.type;
  if (typeSchema === undefined) return undefined;
  const resolved = resolve(root, typeSchema);
  if ('const' in resolved) return [resolved.const];
  return resolved.enum;
}

/** The parts of an object schema that apply when its "type" is `type`: itself, allOf, matching if/then and oneOf/anyOf branches. */
function applicableParts(root: JsonSchema, node: JsonSchema, type: string | undefined, out: { part: JsonSchema; binding: boolean }[], binding: boolean): void {
  const schema = resolve(root, node);
  out.push({ part: schema, binding });
  for (const member of schema.allOf ?? []) applicableParts(root, member, type, out, binding);
  if (schema.if !== undefined) {
    const values = typeValues(root, resolve(root, schema.if));
    const matches = values !== undefined && type !== undefined && values.includes(type);
    const branch = matches ? schema.then : values === undefined ? undefined : type === undefined ? undefined : schema.else;
    if (branch !== undefined) applicableParts(root, branch, type, out, binding);
  }
  for (const member of [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) {
    const values = typeValues(root, resolve(root, member));
    if (values === undefined) applicableParts(root, member, type, out, false);
    else if (type !== undefined && values.includes(type)) applicableParts(root, member, type, out, binding);
  }
}

/** A oneOf whose members each only require keys: "exactly one of these keys". */
function requiredAlternatives(root: JsonSchema, schema: JsonSchema): string[] | undefined {
  const members = schema.oneOf?.map((m) => resolve(root, m));
  if (members === undefined || members.length < 2) return undefined;
  if (!members.every((m) => m.required !== undefined && m.required.length === 1 && m.properties === undefined)) return undefined;
  return members.map((m) => m.required![0]);
}

export function objectView(root: JsonSchema, node: JsonSchema, type?: string): ObjectView {
  const parts: { part: JsonSchema; binding: boolean }[] = [];
  applicableParts(root, node, type, parts, true);
  const view: ObjectView = { properties: new Map(), required: new Set(), alternatives: [] };
  for (const { part, binding } of parts) {
    for (const [key, schema] of Object.entries(part.properties ?? {})) {
      const earlier = view.properties.get(key);
      // The first part to name a key wins field by field: the step list's own `type` enum over a branch's const.
      view.properties.set(key, earlier === undefined ? schema : { ...resolve(root, schema), ...earlier });
    }
    if (binding) for (const key of part.required ?? []) view.required.add(key);
    const group = requiredAlternatives(root, part);
    if (group !== undefined) view.alternatives.push(group);
  }
  for (const group of view.alternatives) for (const key of group) view.required.delete(key);
  return view;
}

/** The schema node of the value at `path`; undefined where the schema has nothing. */
export function schemaAt(root: JsonSchema, path: JsonPath, typeAt: TypeAt = () => undefined): JsonSchema | undefined {
  let node: JsonSchema = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (typeof segment === 'number') {
      const items = resolve(root, node).items;
      if (items === undefined) return undefined;
      node = items;
    } else {
      const property = objectView(root, node, typeAt(path.slice(0, i))).properties.get(segment);
      if (property === undefined) return undefined;
      node = property;
    }
  }
  return node;
}

const UNITS: [string, string][] = [
  ['_MPa_s', 'MPa/s'],
  ['_kN_s', 'kN/s'],
  ['_MPa', 'MPa'],
  ['_kN', 'kN'],
  ['_mm2', 'mm²'],
  ['_mm', 'mm'],
  ['_s', 's'],
];

/** The unit a key names at its end (`rate_MPa_s` → MPa/s), as the program format's keys do. */
export function unitOfKey(key: string): string | undefined {
  for (const [suffix, unit] of UNITS) if (key.endsWith(suffix)) return unit;
  return undefined;
}

function typeName(schema: JsonSchema): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.enum !== undefined) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  return schema.type ?? 'any';
}

/** The allowed range in words: "0 to 2000", "above 0 up to 50", "at least 0.001", "1 to 24 characters". */
export function rangeText(schema: JsonSchema): string {
  const low = schema.exclusiveMinimum !== undefined ? { value: schema.exclusiveMinimum, open: true } : schema.minimum !== undefined ? { value: schema.minimum, open: false } : undefined;
  const high = schema.exclusiveMaximum !== undefined ? { value: schema.exclusiveMaximum, open: true } : schema.maximum !== undefined ? { value: schema.maximum, open: false } : undefined;
  if (low !== undefined && high !== undefined) return `${low.open ? `above ${low.value} up to` : `${low.value} to`} ${high.open ? `below ${high.value}` : high.value}`;
  if (low !== undefined) return `${low.open ? 'above' : 'at least'} ${low.value}`;
  if (high !== undefined) return `${high.open ? 'below' : 'at most'} ${high.value}`;
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    if (schema.maxLength === undefined) return `at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}`;
    return `${schema.minLength ?? 0} to ${schema.maxLength} characters`;
  }
  return '';
}

/** "number, MPa, at least 0": the type, the unit the key names and the range. */
export function propertyDetail(root: JsonSchema, key: string, node: JsonSchema): string {
  const schema = resolve(root, node);
  return [typeName(schema), unitOfKey(key), rangeText(schema)].filter((part) => part !== undefined && part !== '').join(', ');
}

/** The hover text of a key: its name and detail on the first line, the description under it. */
export function describeProperty(root: JsonSchema, key: string, node: JsonSchema): string {
  const description = resolve(root, node).description;
  const head = `${key}: ${propertyDetail(root, key, node)}`;
  return description === undefined ? head : `${head}\n${description}`;
}

/** A snippet field (`${1:text}`): the value placeholder, selected to be typed over. */
function field(text: string): string {
  return `\${1:${text}}`;
}

function valueTemplate(root: JsonSchema, node: JsonSchema): string {
  const schema = resolve(root, node);
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.enum !== undefined && schema.enum.length > 0) {
    const first = schema.enum[0];
    return typeof first === 'string' ? `"${field(first)}"` : field(JSON.stringify(first));
  }
  switch (schema.type) {
    case 'object':
      return `{\n\t${field('')}\n}`;
    case 'array':
      return `[\n\t${field('')}\n]`;
    case 'string':
      return `"${field('')}"`;
    case 'number':
    case 'integer':
      return field(String(schema.minimum ?? schema.exclusiveMinimum ?? 0));
    default:
      return field('');
  }
}

/** The keys the object may still take: not present, not excluded by a present alternative; required ones first. */
export function keyCompletions(root: JsonSchema, node: JsonSchema, present: Iterable<string>, type?: string): KeyCompletion[] {
  const view = objectView(root, node, type);
  const have = new Set(present);
  const completions: KeyCompletion[] = [];
  for (const [key, schema] of view.properties) {
    if (have.has(key)) continue;
    const group = view.alternatives.find((keys) => keys.includes(key));
    if (group !== undefined && group.some((other) => have.has(other))) continue;
    const required = view.required.has(key) || group !== undefined;
    const requirement = view.required.has(key) ? 'required' : group !== undefined ? `required: one of ${group.join(', ')}` : '';
    completions.push({
      label: key,
      detail: [requirement, propertyDetail(root, key, schema)].filter((part) => part !== '').join(' · '),
      info: resolve(root, schema).description ?? '',
      template: `${JSON.stringify(key)}: ${valueTemplate(root, schema)}`,
      required,
    });
  }
  return completions.filter((c) => c.required).concat(completions.filter((c) => !c.required));
}

/** The values the schema lists for a property (const and enum), as JSON text. */
export function valueCompletions(root: JsonSchema, node: JsonSchema): ValueCompletion[] {
  const schema = resolve(root, node);
  const values = [...('const' in schema ? [schema.const] : []), ...(schema.enum ?? [])];
  const seen = new Set<string>();
  const completions: ValueCompletion[] = [];
  for (const value of values) {
    const label = JSON.stringify(value);
    if (seen.has(label)) continue;
    seen.add(label);
    completions.push({ label, detail: typeof value });
  }
  return completions;
}
