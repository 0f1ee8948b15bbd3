// CodeMirror 6 glue: the HCL source editor (one EditorState per file, so each keeps its own undo history)
// and the read-only output viewer with a highlighter per target language. Colours come from CSS custom
// properties (style.css), so light and dark follow the system without JavaScript.
import { EditorState, Compartment } from '@codemirror/state';
import {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  drawSelection,
  highlightSpecialChars,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, bracketMatching, syntaxHighlighting, indentOnInput } from '@codemirror/language';
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search';
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { tags as t } from '@lezer/highlight';
import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import { yaml } from '@codemirror/lang-yaml';
import { go } from '@codemirror/legacy-modes/mode/go';
import { csharp, java } from '@codemirror/legacy-modes/mode/clike';
import { hclLanguage } from './hcl.js';

const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.definitionKeyword, t.moduleKeyword, t.controlKeyword, t.operatorKeyword], color: 'var(--hl-keyword)' },
  { tag: [t.string, t.special(t.string), t.regexp], color: 'var(--hl-string)' },
  { tag: [t.number, t.bool, t.null, t.atom], color: 'var(--hl-number)' },
  { tag: [t.comment, t.lineComment, t.blockComment, t.docComment], color: 'var(--hl-comment)', fontStyle: 'italic' },
  { tag: [t.propertyName, t.attributeName], color: 'var(--hl-property)' },
  { tag: [t.function(t.variableName), t.function(t.propertyName), t.standard(t.variableName)], color: 'var(--hl-function)' },
  { tag: [t.special(t.variableName), t.self, t.namespace], color: 'var(--hl-special)' },
  { tag: [t.typeName, t.className, t.definition(t.typeName)], color: 'var(--hl-type)' },
  { tag: [t.meta, t.processingInstruction], color: 'var(--hl-meta)' },
  { tag: [t.operator, t.punctuation, t.bracket], color: 'var(--hl-punct)' },
  { tag: t.invalid, color: 'var(--hl-invalid)' },
]);

const theme = EditorView.theme({
  '&': { height: '100%', color: 'var(--fg)', backgroundColor: 'var(--editor-bg)', fontSize: 'var(--code-size)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--accent)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--accent)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'var(--selection)',
  },
  '.cm-gutters': { backgroundColor: 'var(--editor-gutter)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--active-line)', color: 'var(--fg)' },
  '.cm-matchingBracket': { backgroundColor: 'var(--match)', outline: 'none' },
  '.cm-searchMatch': { backgroundColor: 'var(--match)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-panels': { backgroundColor: 'var(--panel)', color: 'var(--fg)' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '-2px' },
});

/** The highlighter for an output language id (from the converter's `languages()`). */
export function outputLanguage(id) {
  switch (id) {
    case 'typescript':
    case 'ts':
      return javascript({ typescript: true });
    case 'javascript':
      return javascript();
    case 'python':
      return python();
    case 'yaml':
      return yaml();
    case 'go':
      return StreamLanguage.define(go);
    case 'csharp':
    case 'dotnet':
      return StreamLanguage.define(csharp);
    case 'java':
      return StreamLanguage.define(java);
    case 'pcl':
    case 'hcl':
      return hclLanguage;
    default:
      return [];
  }
}

/**
 * Editors live in a shadow root: there CodeMirror's styles go into a constructed stylesheet
 * (adoptedStyleSheets) instead of a <style> element, which the page's CSP (style-src 'self') forbids.
 * Colours still come from the page: custom properties inherit into the shadow tree.
 */
function shadowHost(parent) {
  const root = parent.attachShadow({ mode: 'open' });
  return root;
}

/** The highlighter for a file of an example, by its name. */
function sourceLanguageFor(path) {
  if (/\.(tf|hcl|tfvars)$/i.test(path)) return hclLanguage;
  if (/\.json$/i.test(path)) return javascript();
  if (/\.ya?ml$/i.test(path)) return yaml();
  return [];
}

/**
 * The source editor. `onChange(text)` runs after each edit of the shown file. Each file has its own
 * EditorState (see `stateFor`); switching files swaps the state into the one view.
 */
export function createSourceEditor(parent, { onChange, label }) {
  const root = shadowHost(parent);
  const view = new EditorView({
    parent: root,
    root,
    dispatchTransactions(trs, v) {
      v.update(trs);
      if (trs.some((tr) => tr.docChanged)) onChange(v.state.doc.toString());
    },
  });
  view.contentDOM.setAttribute('aria-label', label);

  const extensions = (path) => [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    lintGutter(),
    // Tab is left to the browser (moves focus) so the page stays keyboard-navigable.
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...searchKeymap]),
    EditorState.tabSize.of(2),
    sourceLanguageFor(path),
    syntaxHighlighting(highlight),
    theme,
    EditorView.contentAttributes.of({ 'aria-label': label }),
  ];

  return {
    view,
    /** A fresh state for a file. */
    stateFor(path, text) {
      return EditorState.create({ doc: text, extensions: extensions(path) });
    },
    show(state) {
      view.setState(state);
    },
    /** Shows diagnostics ([{ line, column, endLine, endColumn, severity, message }], 1-based) as underlines. */
    setDiagnostics(list) {
      const doc = view.state.doc;
      const pos = (line, column) => {
        const l = doc.line(Math.min(Math.max(1, line || 1), doc.lines));
        return Math.min(l.from + Math.max(0, (column || 1) - 1), l.to);
      };
      const diagnostics = list.map((d) => {
        const from = pos(d.line, d.column);
        let to = d.endLine ? pos(d.endLine, d.endColumn) : from;
        if (to < from) to = from;
        return { from, to, severity: d.severity === 'info' ? 'info' : d.severity, message: d.message, source: d.code };
      });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    /** Selects a 1-based span, scrolls it to the middle and focuses the editor. */
    reveal(line, column, endLine, endColumn) {
      const doc = view.state.doc;
      const lineAt = (n) => doc.line(Math.min(Math.max(1, n || 1), doc.lines));
      const start = lineAt(line);
      const from = Math.min(start.from + Math.max(0, (column || 1) - 1), start.to);
      let to = from;
      if (endLine) {
        const end = lineAt(endLine);
        to = Math.min(end.from + Math.max(0, (endColumn || 1) - 1), end.to);
      }
      if (to < from) to = from;
      view.dispatch({ selection: { anchor: from, head: to }, effects: EditorView.scrollIntoView(from, { y: 'center' }) });
      view.focus();
    },
    /** The main selection as 1-based { line, column, endLine, endColumn }. */
    selection() {
      const { from, to } = view.state.selection.main;
      const at = (pos) => {
        const line = view.state.doc.lineAt(pos);
        return [line.number, pos - line.from + 1];
      };
      const [line, column] = at(from);
      const [endLine, endColumn] = at(to);
      return { line, column, endLine, endColumn };
    },
    /** The 1-based line and column of the cursor. */
    cursor() {
      const head = view.state.selection.main.head;
      const line = view.state.doc.lineAt(head);
      return { line: line.number, column: head - line.from + 1 };
    },
  };
}

/** The read-only output viewer. */
export function createOutputViewer(parent, { label }) {
  const language = new Compartment();
  const root = shadowHost(parent);
  const view = new EditorView({
    parent: root,
    root,
    state: EditorState.create({
      doc: '',
      extensions: [
        lineNumbers(),
        highlightSpecialChars(),
        drawSelection(),
        highlightSelectionMatches(),
        keymap.of([...defaultKeymap, ...searchKeymap]),
        EditorState.readOnly.of(true),
        language.of([]),
        syntaxHighlighting(highlight),
        theme,
        EditorView.contentAttributes.of({ 'aria-label': label, 'aria-readonly': 'true' }),
      ],
    }),
  });
  let currentLanguage = null;
  return {
    view,
    set(text, languageId) {
      const effects = [];
      if (languageId !== currentLanguage) {
        currentLanguage = languageId;
        effects.push(language.reconfigure(outputLanguage(languageId)));
      }
      if (view.state.doc.toString() !== text) {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, effects });
      } else if (effects.length) {
        view.dispatch({ effects });
      }
    },
    text: () => view.state.doc.toString(),
  };
}
