#!/usr/bin/env node
// Reads the input property types of the pinned Pulumi npm SDKs (tests/sdk/check/node_modules/@pulumi/*)
// for the providers whose schema.json could not be collected (aws, gcp, azure) and for kubernetes (whose
// Terraform mapping has no schema), and writes them in a compact line format to
// src/mapping/sdk-types/<package>.txt. `scripts/gen-mappings` merges those files into the embedded tables,
// so regenerating the tables does not need the npm packages; `cargo test --test mapping_data` runs this
// script with `--check` when the packages are installed and fails while the committed files differ.
//
// Usage: node scripts/gen-field-types.mjs [--check] [package ...]
//
// Format (one record per line, words separated by one space):
//   # comment                       provenance
//   r <token>                       a resource: the properties of its `XxxArgs` interface follow
//   d <token>                       a function (data source): the properties of `GetXxxArgs` follow
//   t <name>                        an input object type of types/input.d.ts (`ec2.InstanceEbsBlockDevice`)
//   .<property> <type>[!]           one property of the record above; `!`: declared without `?`
//                                   (required: the SDK rejects `undefined` for it)
// Types: s (string), n (number), b (bool), a (an asset, or an asset or archive: a file path converts to a
// FileAsset), @<name> (an object type), [<type> (a list of it), {<type> (a map of it). A property whose
// type is none of these (archives alone, `any`, unions of several kinds, enums alone) is not written: the
// converter then leaves literals as they are.
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modules = join(root, 'tests/sdk/check/node_modules');
const outDir = join(root, 'src/mapping/sdk-types');
const PACKAGES = ['aws', 'azure', 'gcp', 'kubernetes'];

const args = process.argv.slice(2);
const check = args.includes('--check');
const wanted = args.filter((a) => !a.startsWith('--'));
const packages = wanted.length ? wanted : PACKAGES;

if (!existsSync(join(modules, 'typescript'))) {
  console.error(`gen-field-types: ${modules}/typescript is missing: run scripts/sdk-setup.sh check`);
  process.exit(2);
}
const require = createRequire(join(modules, 'typescript/package.json'));
const ts = require('typescript');

/** The compact type code of a TypeScript type node, or undefined when it is not one we can coerce to. */
function typeCode(node) {
  if (!node) return undefined;
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return 's';
    case ts.SyntaxKind.NumberKeyword:
      return 'n';
    case ts.SyntaxKind.BooleanKeyword:
      return 'b';
    case ts.SyntaxKind.ParenthesizedType:
      return typeCode(node.type);
    case ts.SyntaxKind.ArrayType: {
      // Lists of primitives or of objects; lists of lists are left alone.
      const element = typeCode(node.elementType);
      return element && !element.startsWith('[') && !element.startsWith('{') ? `[${element}` : undefined;
    }
    case ts.SyntaxKind.TypeLiteral: {
      const index = node.members.length === 1 ? node.members[0] : undefined;
      if (!index || index.kind !== ts.SyntaxKind.IndexSignature) return undefined;
      // Maps of primitives only.
      const element = typeCode(index.type);
      return element && /^[snb]$/.test(element) ? `{${element}` : undefined;
    }
    case ts.SyntaxKind.UnionType:
      return unionCode(node.types);
    case ts.SyntaxKind.TypeReference: {
      const name = node.typeName.getText();
      if (name === 'pulumi.Input' || name === 'Input') return typeCode(node.typeArguments?.[0]);
      if (name === 'pulumi.asset.Asset') return 'a';
      if (name.startsWith('inputs.')) return `@${name.slice('inputs.'.length)}`;
      return undefined;
    }
    default:
      return undefined;
  }
}

/** `string | undefined`, `string | enums.x.Y`, `string | inputs.iam.PolicyDocument`: a string. */
function unionCode(members) {
  const kept = members.filter(
    (m) => m.kind !== ts.SyntaxKind.UndefinedKeyword && !(m.kind === ts.SyntaxKind.LiteralType && m.literal.kind === ts.SyntaxKind.NullKeyword),
  );
  if (kept.length === 1) return typeCode(kept[0]);
  const codes = kept.map(typeCode);
  // `Asset | Archive`: a file path is the file, as an asset.
  const archive = (m) => m.kind === ts.SyntaxKind.TypeReference && m.typeName.getText() === 'pulumi.asset.Archive';
  if (codes.includes('a') && kept.every((m, i) => codes[i] === 'a' || archive(m))) return 'a';
  const scalar = codes.filter((c) => c === 's' || c === 'n' || c === 'b');
  // Only a string beside things that are not scalars: a number or bool literal can only mean the string.
  if (scalar.length === 1 && scalar[0] === 's') return 's';
  return undefined;
}

function properties(iface, source) {
  const out = [];
  for (const member of iface.members) {
    if (member.kind !== ts.SyntaxKind.PropertySignature || !member.name) continue;
    const code = typeCode(member.type);
    const required = member.questionToken ? '' : '!';
    if (code) out.push(`.${member.name.getText(source)} ${code}${required}`);
  }
  return out.sort();
}

function parse(file) {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function findInterface(source, name) {
  return source.statements.find((s) => s.kind === ts.SyntaxKind.InterfaceDeclaration && s.name.text === name);
}

/** Every interface of types/input.d.ts, by its dotted namespace path. */
function inputTypes(file, records) {
  const source = parse(file);
  const walk = (statements, prefix) => {
    for (const s of statements) {
      if (s.kind === ts.SyntaxKind.ModuleDeclaration && s.body) {
        let body = s.body;
        let name = `${prefix}${s.name.text}.`;
        // `namespace a.b { }` nests as ModuleDeclarations.
        while (body.kind === ts.SyntaxKind.ModuleDeclaration) {
          name += `${body.name.text}.`;
          body = body.body;
        }
        walk(body.statements, name);
      } else if (s.kind === ts.SyntaxKind.InterfaceDeclaration) {
        records.push([`t ${prefix}${s.name.text}`, properties(s, source)]);
      }
    }
  };
  walk(source.statements, '');
}

function* declarationFiles(dir) {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== 'node_modules' && entry !== 'types') yield* declarationFiles(path);
    } else if (entry.endsWith('.d.ts')) {
      yield path;
    }
  }
}

function generate(pkg) {
  const dir = join(modules, '@pulumi', pkg);
  const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  const records = [];
  for (const file of declarationFiles(dir)) {
    const js = file.replace(/\.d\.ts$/, '.js');
    if (!existsSync(js)) continue;
    const code = readFileSync(js, 'utf8');
    const resource = code.match(/__pulumiType = '([^']+)'/);
    const invoke = code.match(/runtime\.invoke\("([^"]+)"/);
    if (!resource && !invoke) continue;
    const source = parse(file);
    if (resource) {
      const token = resource[1];
      const cls = token.split(':').pop();
      const iface = findInterface(source, `${cls}Args`);
      if (iface) records.push([`r ${token}`, properties(iface, source)]);
    }
    if (invoke) {
      const token = invoke[1];
      const fn = token.split(':').pop();
      const iface = findInterface(source, `${fn.charAt(0).toUpperCase()}${fn.slice(1)}Args`);
      records.push([`d ${token}`, iface ? properties(iface, source) : []]);
    }
  }
  const input = join(dir, 'types/input.d.ts');
  if (existsSync(input)) inputTypes(input, records);
  records.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const lines = [
    `# @generated by scripts/gen-field-types.mjs from @pulumi/${pkg} ${version}: do not edit`,
  ];
  for (const [head, props] of records) {
    if (props.length === 0) continue;
    lines.push(head, ...props);
  }
  return lines.join('\n') + '\n';
}

let stale = 0;
for (const pkg of packages) {
  if (!existsSync(join(modules, '@pulumi', pkg))) {
    console.error(`gen-field-types: @pulumi/${pkg} is not installed in ${relative(root, modules)}`);
    process.exit(2);
  }
  const text = generate(pkg);
  const out = join(outDir, `${pkg}.txt`);
  if (check) {
    const committed = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (committed !== text) {
      console.error(`gen-field-types: ${relative(root, out)} differs from a fresh generation: run node scripts/gen-field-types.mjs`);
      stale += 1;
    }
  } else {
    writeFileSync(out, text);
    console.log(`${relative(root, out)}: ${text.split('\n').length - 1} lines, ${text.length} bytes`);
  }
}
process.exit(stale ? 1 : 0);
