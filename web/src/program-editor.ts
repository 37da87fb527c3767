/**
 * The console's program editor: CodeMirror 6 with the JSON language, the firmware's parser
 * and validator as its linter (each problem underlined where its line and column or its path
 * points), and the program's JSON Schema for key and value completion and for hover. The
 * schema logic is schema-assist.ts and json-locate.ts; this module only wires them in.
 */
import { autocompletion, snippetCompletion } from '@codemirror/autocomplete';
import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { json } from '@codemirror/lang-json';
import { bracketMatching, ensureSyntaxTree, syntaxTree } from '@codemirror/language';
import { linter } from '@codemirror/lint';
import type { Diagnostic } from '@codemirror/lint';
import type { EditorState } from '@codemirror/state';
import { EditorView, hoverTooltip, lineNumbers, placeholder } from '@codemirror/view';
import { minimalSetup } from 'codemirror';
import { keyAt, nodeAtPath, parsePath, placeAt, rangeOfPath, typeOf } from './json-locate';
import type { TreeNode } from './json-locate';
import type { Problem } from './program-problems';
import { describeProperty, keyCompletions, schemaAt, valueCompletions } from './schema-assist';
import type { JsonPath, JsonSchema, TypeAt } from './schema-assist';

export interface ProgramEditorOptions {
  schema: JsonSchema;
  /** The problems in a text (memoised by the caller: it is asked on each change and by the linter). */
  problems: (text: string) => Problem[];
  onChange: () => void;
}

/** The whole document's tree (the editor parses lazily, up to what is in view). */
function fullTree(state: EditorState) {
  return ensureSyntaxTree(state, state.doc.length, 200) ?? syntaxTree(state);
}

function tree(state: EditorState): TreeNode {
  return fullTree(state).topNode;
}

function typesIn(top: TreeNode, text: string): TypeAt {
  return (path: JsonPath) => {
    const node = nodeAtPath(top, text, path);
    return node?.name === 'Object' ? typeOf(text, node) : undefined;
  };
}

function diagnostics(state: EditorState, problems: Problem[]): Diagnostic[] {
  const text = state.doc.toString();
  const top = tree(state);
  return problems.map((problem) => {
    let from: number;
    let to: number;
    if (problem.path !== undefined) ({ from, to } = rangeOfPath(top, text, parsePath(problem.path)));
    else {
      const line = state.doc.line(Math.min(problem.line ?? 1, state.doc.lines));
      from = Math.min(line.from + (problem.column ?? 1) - 1, state.doc.length);
      to = Math.min(from + 1, state.doc.length);
    }
    return { from, to, severity: problem.severity, message: problem.text, source: 'validator' };
  });
}

function completions(schema: JsonSchema, context: CompletionContext): CompletionResult | null {
  const { state, pos } = context;
  const text = state.doc.toString();
  const parsed = fullTree(state);
  const top = parsed.topNode as TreeNode;
  const inner = parsed.resolveInner(pos, -1) as TreeNode;
  const place = placeAt(text, inner, pos);
  if (place === undefined) return null;
  const typed = context.matchBefore(/"?[\w$./-]*/);
  if (!context.explicit && (typed === null || typed.from === typed.to)) return null;
  const from = typed?.from ?? pos;
  // Replace the whole string being edited, its closing quote included.
  const to = inner.name === 'PropertyName' || inner.name === 'String' ? Math.max(pos, inner.to) : pos;
  const typeAt = typesIn(top, text);
  if (place.kind === 'key') {
    const node = schemaAt(schema, place.objectPath, typeAt);
    if (node === undefined) return null;
    // A key that already has its colon is renamed only; a new one gets `"key": ` and a value placeholder.
    const renaming = inner.name === 'PropertyName' && text.slice(inner.to).trimStart().startsWith(':');
    const options: Completion[] = keyCompletions(schema, node, place.present, place.type).map((key, i) => {
      const completion: Completion = { label: JSON.stringify(key.label), displayLabel: key.label, detail: key.detail, info: key.info, type: 'property', boost: 99 - i };
      return renaming ? completion : snippetCompletion(key.template, completion);
    });
    return { from, to, options, validFor: /^"?[\w$]*$/ };
  }
  const node = schemaAt(schema, place.path, typeAt);
  if (node === undefined) return null;
  const options: Completion[] = valueCompletions(schema, node).map((value, i) => ({ label: value.label, detail: value.detail, type: 'enum', boost: 99 - i }));
  return options.length === 0 ? null : { from, to, options, validFor: /^"?[\w$./-]*$/ };
}

function hover(schema: JsonSchema) {
  return hoverTooltip((view, pos, side) => {
    const text = view.state.doc.toString();
    const top = tree(view.state);
    const under = keyAt(text, syntaxTree(view.state).resolveInner(pos, side) as TreeNode);
    if (under === undefined) return null;
    const node = schemaAt(schema, [...under.objectPath, under.key], typesIn(top, text));
    if (node === undefined) return null;
    return {
      pos: under.from,
      end: under.to,
      above: true,
      create: () => {
        const dom = document.createElement('div');
        dom.className = 'cm-schema-hover';
        dom.textContent = describeProperty(schema, under.key, node);
        return { dom };
      },
    };
  });
}

export class ProgramEditor {
  readonly view: EditorView;

  constructor(parent: HTMLElement, options: ProgramEditorOptions) {
    this.view = new EditorView({
      parent,
      extensions: [
        minimalSetup,
        lineNumbers(),
        bracketMatching(),
        json(),
        placeholder('{"format": "press-program/1", "name": "…", "die": {…}, "steps": […]}'),
        linter((view) => diagnostics(view.state, options.problems(view.state.doc.toString())), { delay: 250 }),
        autocompletion({ override: [(context) => completions(options.schema, context)] }),
        hover(options.schema),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange();
        }),
      ],
    });
  }

  get text(): string {
    return this.view.state.doc.toString();
  }

  set text(text: string) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
  }
}
