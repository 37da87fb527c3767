/**
 * Places in a program's JSON text, read from its syntax tree (the lezer JSON grammar that
 * CodeMirror's JSON language parses with, even while the text is half typed): the range a
 * validator path such as `steps[2].to_MPa` names, and the JSON path, the present keys and
 * the steps' "type" around the cursor, for the schema's completion and hover.
 */
import type { JsonPath } from './schema-assist';

/** The part of a lezer SyntaxNode this module reads. */
export interface TreeNode {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly parent: TreeNode | null;
  readonly firstChild: TreeNode | null;
  readonly nextSibling: TreeNode | null;
}

const VALUE_NODES = new Set(['Object', 'Array', 'String', 'Number', 'True', 'False', 'Null']);

/** `steps[2].to_MPa` → ['steps', 2, 'to_MPa'] (the validator's path form; '' is the whole program). */
export function parsePath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const part of path === '' ? [] : path.split('.')) {
    const bracket = part.indexOf('[');
    const key = bracket < 0 ? part : part.slice(0, bracket);
    if (key !== '') segments.push(key);
    if (bracket >= 0) for (const index of part.slice(bracket + 1, -1).split('][')) segments.push(Number(index));
  }
  return segments;
}

function children(node: TreeNode): TreeNode[] {
  const list: TreeNode[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) list.push(child);
  return list;
}

function stringValue(text: string, node: TreeNode): string {
  const raw = text.slice(node.from, node.to);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.replace(/^"|"$/g, '');
  }
}

function propertyName(text: string, property: TreeNode): string | undefined {
  const name = property.firstChild;
  return name !== null && name.name === 'PropertyName' ? stringValue(text, name) : undefined;
}

function propertyValue(property: TreeNode): TreeNode | undefined {
  return children(property).find((child) => VALUE_NODES.has(child.name));
}

/** The top-level value of a document's tree (its JsonText node's child). */
export function documentValue(top: TreeNode): TreeNode | undefined {
  return children(top).find((child) => VALUE_NODES.has(child.name));
}

function member(text: string, object: TreeNode, key: string): TreeNode | undefined {
  return children(object).find((child) => child.name === 'Property' && propertyName(text, child) === key);
}

export interface Range {
  from: number;
  to: number;
}

/**
 * The range a path names: the value when it is there; for a key the object lacks, the
 * object that lacks it (the deepest node the path reaches), up to the end of its first line
 * so that a key missing from the whole program does not underline all of it.
 */
export function rangeOfPath(top: TreeNode, text: string, path: JsonPath): Range {
  let node = documentValue(top);
  if (node === undefined) return { from: 0, to: text.length };
  for (const segment of path) {
    let next: TreeNode | undefined;
    if (typeof segment === 'number') {
      if (node.name === 'Array') next = children(node).filter((child) => VALUE_NODES.has(child.name))[segment];
    } else if (node.name === 'Object') {
      const property = member(text, node, segment);
      next = property === undefined ? undefined : (propertyValue(property) ?? property);
    }
    if (next === undefined) {
      const lineEnd = text.indexOf('\n', node.from);
      return { from: node.from, to: lineEnd < 0 ? node.to : Math.min(node.to, lineEnd) };
    }
    node = next;
  }
  return { from: node.from, to: node.to };
}

/** The JSON path of a value node, from the document's top. */
export function pathOf(text: string, node: TreeNode): (string | number)[] {
  const path: (string | number)[] = [];
  let child = node;
  for (let parent = node.parent; parent !== null; child = parent, parent = parent.parent) {
    if (parent.name === 'Property') {
      const key = propertyName(text, parent);
      if (key !== undefined) path.unshift(key);
    } else if (parent.name === 'Array') {
      path.unshift(children(parent).filter((c) => VALUE_NODES.has(c.name) && c.to <= child.from).length);
    }
  }
  return path;
}

/** The keys an object node has. */
export function keysOf(text: string, object: TreeNode): string[] {
  return children(object).flatMap((child) => {
    const key = child.name === 'Property' ? propertyName(text, child) : undefined;
    return key === undefined ? [] : [key];
  });
}

/** The string "type" member of an object node, if it has one. */
export function typeOf(text: string, object: TreeNode): string | undefined {
  const property = member(text, object, 'type');
  const value = property === undefined ? undefined : propertyValue(property);
  return value?.name === 'String' ? stringValue(text, value) : undefined;
}

/** The object node at a path (for the "type" of each object along a path). */
export function nodeAtPath(top: TreeNode, text: string, path: JsonPath): TreeNode | undefined {
  let node = documentValue(top);
  for (const segment of path) {
    if (node === undefined) return undefined;
    if (typeof segment === 'number') node = node.name === 'Array' ? children(node).filter((child) => VALUE_NODES.has(child.name))[segment] : undefined;
    else {
      const property = node.name === 'Object' ? member(text, node, segment) : undefined;
      node = property === undefined ? undefined : propertyValue(property);
    }
  }
  return node;
}

export type CursorPlace =
  | { kind: 'key'; objectPath: (string | number)[]; present: string[]; type: string | undefined }
  | { kind: 'value'; path: (string | number)[] };

/**
 * What the cursor at `pos` is on: a key of an object (after `{` or `,`, or in a key being
 * typed) or the value of a property (after its `:`). `inner` is the innermost node at pos.
 */
export function placeAt(text: string, inner: TreeNode, pos: number): CursorPlace | undefined {
  for (let node: TreeNode | null = inner; node !== null; node = node.parent) {
    if (node.name === 'PropertyName' && node.parent !== null && node.parent.parent !== null) return keyPlace(text, node.parent.parent, node.parent);
    if (node.name === 'Property') {
      const colon = children(node).find((child) => child.name === ':');
      if (colon !== undefined && pos >= colon.to) {
        const value = propertyValue(node);
        const closed = value !== undefined && (value.name !== 'String' || (value.to - value.from >= 2 && text[value.to - 1] === '"'));
        if (value !== undefined && closed && pos >= value.to) return undefined;
        const key = propertyName(text, node);
        return key === undefined || node.parent === null ? undefined : { kind: 'value', path: [...pathOf(text, node.parent), key] };
      }
      if (node.parent !== null) return keyPlace(text, node.parent, node);
    }
    if (node.name === 'Object' && pos > node.from && (pos < node.to || text[node.to - 1] !== '}')) return keyPlace(text, node, undefined);
    if (node.name === 'Array') return undefined;
    if (VALUE_NODES.has(node.name) && node.parent?.name !== 'Property') return undefined;
  }
  return undefined;
}

function keyPlace(text: string, object: TreeNode, editing: TreeNode | undefined): CursorPlace {
  const present = children(object).flatMap((child) => {
    // Compared by position: the tree hands out a new node object on each visit.
    const isEditing = editing !== undefined && child.from === editing.from && child.to === editing.to;
    const key = child.name === 'Property' && !isEditing ? propertyName(text, child) : undefined;
    return key === undefined ? [] : [key];
  });
  return { kind: 'key', objectPath: pathOf(text, object), present, type: typeOf(text, object) };
}

export interface KeyUnder {
  key: string;
  objectPath: (string | number)[];
  type: string | undefined;
  from: number;
  to: number;
}

/** The key under a position, with the path and "type" of the object it is in. */
export function keyAt(text: string, inner: TreeNode): KeyUnder | undefined {
  const name = inner.name === 'PropertyName' ? inner : undefined;
  const object = name?.parent?.parent;
  if (name === undefined || object === undefined || object === null) return undefined;
  return { key: stringValue(text, name), objectPath: pathOf(text, object), type: typeOf(text, object), from: name.from, to: name.to };
}
