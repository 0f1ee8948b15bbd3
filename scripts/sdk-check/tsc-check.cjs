// Type-checks every project below a folder in one TypeScript program (strict, no emit) and prints
// the diagnostics and the process's peak memory as JSON. Run with an explicit --max-old-space-size.
const path = require('node:path');
const fs = require('node:fs');

const dir = path.resolve(process.argv[2]);
const ts = require(path.join(dir, 'node_modules/typescript'));

function programFiles(folder, out = []) {
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const p = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') programFiles(p, out);
    } else if (entry.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const options = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  esModuleInterop: true,
  skipLibCheck: true,
  types: ['node'],
  typeRoots: [path.join(dir, 'node_modules/@types')],
};
const program = ts.createProgram(programFiles(dir), options);
const diagnostics = ts.getPreEmitDiagnostics(program)
  .filter((d) => d.file && !d.file.fileName.includes('node_modules'))
  .map((d) => {
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    return {
      file: path.resolve(d.file.fileName),
      line: line + 1,
      code: `TS${d.code}`,
      message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
    };
  });
process.stdout.write(JSON.stringify({ diagnostics, maxRssKb: process.resourceUsage().maxRSS }));
