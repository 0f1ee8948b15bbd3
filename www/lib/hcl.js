// HCL (Terraform) highlighting for CodeMirror 6: a stream parser (StreamLanguage) written for this page.
// It knows comments (#, //, /* */), strings with ${…} and %{…} templates, heredocs (<<EOF, <<-EOF),
// numbers, block types at the start of a statement, attribute names before `=`, function calls and the
// Terraform reference roots (var, local, module, data, each, count, path, self, terraform).
// PCL, Pulumi's own HCL-based language, is highlighted with it too.
import { StreamLanguage } from '@codemirror/language';

const ATOMS = new Set(['true', 'false', 'null']);
const KEYWORDS = new Set(['for', 'in', 'if', 'else', 'endif', 'endfor']);
const ROOTS = new Set(['var', 'local', 'module', 'data', 'each', 'count', 'path', 'self', 'terraform']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*/;

function top(state) {
  return state.stack.length ? state.stack[state.stack.length - 1] : null;
}

/** Inside "…" or a heredoc body: text up to the next template opener or the end. */
function templateText(stream, state, frame) {
  if (stream.match('${') || stream.match('%{')) {
    state.stack.push({ kind: 'interp', depth: 0 });
    return 'meta';
  }
  while (!stream.eol()) {
    if (frame.kind === 'string') {
      const ch = stream.peek();
      if (ch === '\\') {
        stream.next();
        stream.next();
        continue;
      }
      if (ch === '"') {
        stream.next();
        state.stack.pop();
        return 'string';
      }
    }
    // `$${` and `%%{` are escapes, not templates.
    if (stream.match(/^(\$\$|%%)\{/)) continue;
    if (stream.match(/^[$%]\{/, false)) return 'string';
    stream.next();
  }
  return 'string';
}

function heredoc(stream, state, frame) {
  if (stream.sol()) {
    const m = stream.match(/^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*$/, false);
    if (m && m[1] === frame.tag) {
      stream.skipToEnd();
      state.stack.pop();
      return 'keyword';
    }
  }
  return templateText(stream, state, frame);
}

function blockComment(stream, state) {
  while (!stream.eol()) {
    if (stream.match('*/')) {
      state.stack.pop();
      return 'comment';
    }
    stream.next();
  }
  return 'comment';
}

function code(stream, state) {
  const frame = top(state);
  const statementStart = stream.column() === stream.indentation() && frame === null;
  if (stream.eatSpace()) return null;

  if (stream.match('#') || stream.match('//')) {
    stream.skipToEnd();
    return 'comment';
  }
  if (stream.match('/*')) {
    state.stack.push({ kind: 'comment' });
    return blockComment(stream, state);
  }
  if (stream.match('"')) {
    state.stack.push({ kind: 'string' });
    return templateText(stream, state, top(state));
  }
  const here = stream.match(/^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)/);
  if (here) {
    state.stack.push({ kind: 'heredoc', tag: here[2], pending: true });
    return 'keyword';
  }
  if (stream.match(/^(0x[0-9a-fA-F]+|\d+(\.\d+)?([eE][+-]?\d+)?)/)) return 'number';

  const ch = stream.peek();
  if (ch === '{' || ch === '}') {
    stream.next();
    if (frame && frame.kind === 'interp') {
      if (ch === '{') frame.depth++;
      else if (frame.depth === 0) {
        state.stack.pop();
        return 'meta';
      } else frame.depth--;
    }
    return 'bracket';
  }
  if ('[]()'.includes(ch)) {
    stream.next();
    return 'bracket';
  }
  if (stream.match(/^(==|!=|<=|>=|&&|\|\||=>|\.\.\.|[=!<>+\-*/%?:.,])/)) return 'operator';

  const word = stream.match(IDENT);
  if (word) {
    const name = word[0];
    if (ATOMS.has(name)) return 'atom';
    if (KEYWORDS.has(name)) return 'keyword';
    if (stream.match(/^\s*=(?!=)/, false)) return 'property';
    if (statementStart && stream.match(/^\s*("|\{|[A-Za-z_])/, false)) return 'keyword';
    if (stream.match(/^\s*\(/, false)) return 'builtin';
    if (ROOTS.has(name) && stream.match(/^\s*\./, false)) return 'variable-2';
    return 'variable';
  }
  stream.next();
  return null;
}

export const hclParser = {
  name: 'hcl',
  startState: () => ({ stack: [] }),
  copyState: (state) => ({ stack: state.stack.map((f) => ({ ...f })) }),
  token(stream, state) {
    const frame = top(state);
    if (frame && frame.kind === 'heredoc') {
      // The body starts on the line after `<<EOF`; the rest of that line is left plain.
      if (frame.pending) {
        if (stream.sol()) frame.pending = false;
        else {
          stream.skipToEnd();
          return null;
        }
      }
      return heredoc(stream, state, frame);
    }
    if (frame && frame.kind === 'comment') return blockComment(stream, state);
    if (frame && frame.kind === 'string') return templateText(stream, state, frame);
    return code(stream, state);
  },
  blankLine(state) {
    const frame = top(state);
    if (frame && frame.kind === 'heredoc') frame.pending = false;
  },
  indent: () => null,
  languageData: { commentTokens: { line: '#', block: { open: '/*', close: '*/' } }, closeBrackets: { brackets: ['(', '[', '{', '"'] } },
};

export const hclLanguage = StreamLanguage.define(hclParser);
