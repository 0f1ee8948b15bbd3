#!/usr/bin/env node
// `npm run check:sdk`: converted programs against the real Pulumi SDKs.
//
// 1. Picks corpus examples by a committed rule (see `select()`): every doc snippet or module
//    directory of ../shared/corpus whose resources and data sources all belong to one provider group
//    (aws, google, azurerm, kubernetes; random may join any group), spread evenly, up to PER_GROUP
//    per group. A pick whose local modules (followed transitively) use a provider outside its group is
//    left out afterwards and listed in the report.
// 2. Converts them with the release CLI into one project each, in TypeScript and in Python
//    (`--no-python` or SDK_CHECK_PYTHON=0 skips Python, `--no-typescript` or SDK_CHECK_TYPESCRIPT=0
//    TypeScript).
// 3. Type-checks each group and language with one checker run and an explicit heap size: tsc --strict
//    against the pinned @pulumi/* packages in tests/sdk/check, pyright (typeCheckingMode standard) against
//    the pinned pulumi_* wheels in tests/sdk/python/.venv. Reports pass rates, the top error kinds, time
//    and peak memory.
// Fails when a generated file contains a suppression (`@ts-ignore`, `as any`, `# type: ignore`).
// Failures of projects whose conversion reported references to things the example does not declare
// (doc examples that lean on other examples; a module's output it does not declare) or arguments a
// module declares no variable for (a module folder kept without its variables.tf) are counted apart
// as input-caused: Terraform itself rejects such input.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(root, '../shared/corpus');
const work = path.join(root, 'target/sdk-check');
// Diagnostic codes for input that Terraform itself rejects.
const INPUT_ERRORS = new Set(['unknown-reference', 'unknown-argument']);
const PER_GROUP = Number(process.env.SDK_CHECK_PER_GROUP ?? 100);
const HEAP_MB = Number(process.env.SDK_CHECK_HEAP_MB ?? 6144);
const ALL_GROUPS = ['aws', 'google', 'azurerm', 'kubernetes'];
// SDK_CHECK_GROUPS=aws,google checks only those groups (a quicker loop while working on one).
const GROUPS = process.env.SDK_CHECK_GROUPS
  ? process.env.SDK_CHECK_GROUPS.split(',').map((g) => g.trim()).filter((g) => ALL_GROUPS.includes(g))
  : ALL_GROUPS;
const PYTHON = !process.argv.includes('--no-python') && process.env.SDK_CHECK_PYTHON !== '0';
const TYPESCRIPT = !process.argv.includes('--no-typescript') && process.env.SDK_CHECK_TYPESCRIPT !== '0';
const PYTHON_SDK = path.join(root, 'tests/sdk/python');

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${result.status})`);
  }
  return result;
}

/** Provider prefixes of every resource and data source in a text. */
function providersOf(text) {
  const found = new Set();
  for (const m of text.matchAll(/^\s*(?:resource|data)\s+"([a-z0-9]+)_[^"]*"/gm)) {
    found.add(m[1]);
  }
  return found;
}

/** Local module folders (`source = "./x"`, `"../x"`) a text calls, resolved against its folder. */
function localModulesOf(text, dir) {
  const found = [];
  for (const m of text.matchAll(/^\s*source\s*=\s*"(\.\.?\/[^"]*)"/gm)) found.push(path.resolve(dir, m[1]));
  return found;
}

/** Provider prefixes of the local modules the given files call, transitively. */
function moduleProviders(files) {
  const found = new Set();
  const seen = new Set();
  const visit = (file, own) => {
    const text = fs.readFileSync(file, 'utf8');
    if (!own) for (const p of providersOf(text)) found.add(p);
    for (const dir of localModulesOf(text, path.dirname(file))) {
      if (seen.has(dir) || !fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) continue;
      seen.add(dir);
      for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort()) visit(path.join(dir, f), false);
    }
  };
  for (const f of files) visit(f, true);
  return found;
}

/** Picks left out by the selection rule, with the reason (filled by `select()`). */
const excluded = [];

/** The committed selection rule. */
function select() {
  const manifest = fs.readFileSync(path.join(corpus, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  const candidates = new Map(ALL_GROUPS.map((g) => [g, []]));
  const dirs = new Map();
  for (const line of manifest) {
    const [, , kind, file, , , tag] = line.split('\t');
    if (kind === 'snippet' && tag === 'example') {
      dirs.set(file, [file]);
    } else if (kind === 'tf') {
      const dir = path.dirname(file);
      if (!dirs.has(dir)) dirs.set(dir, []);
      dirs.get(dir).push(file);
    }
  }
  for (const [input, files] of [...dirs].sort(([a], [b]) => a.localeCompare(b))) {
    const providers = new Set();
    for (const f of files) {
      for (const p of providersOf(fs.readFileSync(path.join(corpus, f), 'utf8'))) providers.add(p);
    }
    providers.delete('random');
    if (providers.size !== 1) continue;
    const [group] = providers;
    if (candidates.has(group)) candidates.get(group).push(input);
  }
  const chosen = new Map();
  excluded.length = 0;
  for (const [group, list] of candidates) {
    if (!GROUPS.includes(group)) continue;
    const step = Math.max(1, list.length / PER_GROUP);
    const picked = [];
    for (let i = 0; i < list.length && picked.length < PER_GROUP; i += step) {
      picked.push(list[Math.floor(i)]);
    }
    // Picked examples whose local modules use a provider outside the group cannot be judged with the
    // group's SDKs: they are left out after the spread (so the other picks stay put) and reported.
    const kept = [];
    for (const input of picked) {
      const files = dirs.get(input).map((f) => path.join(corpus, f));
      const foreign = [...moduleProviders(files)].filter((p) => p !== group && p !== 'random');
      if (foreign.length) excluded.push(`${group}: ${input} (modules use ${foreign.sort().join(', ')})`);
      else kept.push(input);
    }
    // SDK_CHECK_ONLY=REGEX: only the selected inputs it matches (a quicker look at a few).
    const only = process.env.SDK_CHECK_ONLY ? new RegExp(process.env.SDK_CHECK_ONLY) : null;
    chosen.set(group, only ? kept.filter((input) => only.test(input)) : kept);
  }
  return chosen;
}

const SUPPRESSIONS = [/@ts-ignore/, /@ts-expect-error/, /@ts-nocheck/, /\bas any\b/, /(^|[^\w.$])<any>/, /# type: ignore/, /# pyright: ignore/];

function walk(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') walk(p, out);
    } else out.push(p);
  }
  return out;
}

function convert(group, inputs, language) {
  const out = path.join(work, language, group);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const result = spawnSync(
    path.join(root, 'target/release/hclconv'),
    ['convert', '--language', language, '--format', 'json', '--out', out, ...inputs.map((i) => path.join(corpus, i))],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (!result.stdout) throw new Error(`hclconv failed: ${result.stderr}`);
  const reports = JSON.parse(result.stdout);
  // project folder → did the conversion report undeclared references (input-caused failures)?
  const projects = new Map();
  for (const r of reports) {
    if (!r.project) continue;
    const undeclared = (r.diagnostics ?? []).some((d) => INPUT_ERRORS.has(d.code));
    projects.set(path.resolve(r.project), { input: r.input, undeclared });
  }
  return { out, projects };
}

function checkTypescript(group, out, projects) {
  const sdk = process.env.HCLCONV_SDK_TS ?? path.join(root, 'tests/sdk/check/node_modules');
  const link = path.join(out, 'node_modules');
  fs.rmSync(link, { force: true, recursive: true });
  fs.symlinkSync(sdk, link, 'dir');
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [`--max-old-space-size=${HEAP_MB}`, path.join(root, 'scripts/sdk-check/tsc-check.cjs'), out],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const seconds = (Date.now() - started) / 1000;
  if (result.status !== 0 || !result.stdout) throw new Error(`tsc check failed: ${result.stderr}`);
  const { diagnostics, maxRssKb } = JSON.parse(result.stdout);
  return summarize(group, projects, diagnostics, seconds, maxRssKb);
}

function checkPython(group, out, projects) {
  // One config per group: the group's projects are the only sources, the venv is where imports resolve.
  const config = path.join(out, 'pyrightconfig.json');
  fs.writeFileSync(
    config,
    JSON.stringify(
      {
        include: ['.'],
        venvPath: PYTHON_SDK,
        venv: '.venv',
        pythonVersion: '3.11',
        typeCheckingMode: 'standard',
      },
      null,
      2,
    ),
  );
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${HEAP_MB}`,
      // pyright infers a component's attributes through long chains of assignments in big modules
      // (terraform-aws-vpc), deeper than node's default stack allows; 4 MB stays well inside the
      // usual 8 MB thread stack.
      '--stack-size=4000',
      path.join(root, 'scripts/sdk-check/pyright-check.cjs'),
      path.join(PYTHON_SDK, 'node_modules/pyright'),
      config,
    ],
    { cwd: out, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const seconds = (Date.now() - started) / 1000;
  // pyright exits 1 when it found errors; anything else but 0 means it did not check.
  if ((result.status !== 0 && result.status !== 1) || !result.stdout) {
    throw new Error(`pyright check failed (${result.status}): ${result.stderr}`);
  }
  const maxRssKb = Number(/maxRssKb=(\d+)/.exec(result.stderr ?? '')?.[1] ?? 0);
  const diagnostics = JSON.parse(result.stdout)
    .generalDiagnostics.filter((d) => d.severity === 'error')
    .map((d) => ({
      file: path.resolve(d.file),
      line: d.range.start.line + 1,
      code: d.rule ?? 'error',
      message: d.message.replace(/\s+/g, ' '),
    }));
  return summarize(group, projects, diagnostics, seconds, maxRssKb);
}

/** How many of the projects that type-check call the placeholder for what was not converted. */
function placeholderProjects(out, failing) {
  let n = 0;
  for (const project of fs.readdirSync(out)) {
    const dir = path.join(out, project);
    if (!fs.statSync(dir).isDirectory() || failing.has(path.resolve(dir))) continue;
    const holds = walk(dir).some(
      (f) => /\.(ts|py)$/.test(f) && !f.includes('node_modules') && /\bnot(Implemented|_implemented)\(/.test(fs.readFileSync(f, 'utf8')),
    );
    if (holds) n += 1;
  }
  return n;
}

function summarize(group, projects, diagnostics, seconds, maxRssKb) {
  // Every error, for a closer look than the report's top kinds (target/sdk-check/<language>/<group>.errors.json).
  const [language] = path.relative(work, [...projects.keys()][0] ?? work).split(path.sep);
  if (language) {
    fs.writeFileSync(path.join(work, language, `${group}.errors.json`), JSON.stringify(diagnostics, null, 1));
  }
  const failing = new Map();
  const kinds = new Map();
  for (const d of diagnostics) {
    const project = [...projects.keys()].find((p) => d.file.startsWith(p + path.sep));
    if (!project) continue;
    if (!failing.has(project)) failing.set(project, []);
    failing.get(project).push(d);
    const kind = `${d.code}: ${d.message.replace(/'[^']*'/g, "'…'").slice(0, 90)}`;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  let input = 0;
  for (const p of failing.keys()) if (projects.get(p)?.undeclared) input += 1;
  const total = projects.size;
  const failed = failing.size - input;
  const judged = total - input;
  return {
    group,
    total,
    passed: total - failing.size,
    failedOwn: failed,
    inputCaused: input,
    rate: judged ? (judged - failed) / judged : 1,
    failingProjects: new Set(failing.keys()),
    seconds,
    peakMb: Math.round(maxRssKb / 1024),
    top: [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 8),
    examples: [...failing]
      .filter(([p]) => !projects.get(p)?.undeclared)
      .slice(0, 5)
      .map(([p, ds]) => `${path.relative(work, ds[0].file)}:${ds[0].line}: ${ds[0].message.slice(0, 160)}`),
  };
}

function main() {
  const languages = [...(TYPESCRIPT ? ['typescript'] : []), ...(PYTHON ? ['python'] : [])];
  if (TYPESCRIPT && !process.env.HCLCONV_SDK_TS) run('bash', ['scripts/sdk-setup.sh', 'check']);
  if (PYTHON) run('bash', ['scripts/sdk-setup.sh', 'python']);
  run('cargo', ['build', '--release', '--quiet', '--bin', 'hclconv']);
  const chosen = select();
  const count = [...chosen.values()].reduce((n, l) => n + l.length, 0);
  console.log(`selected ${count} corpus examples: ${[...chosen].map(([g, l]) => `${g} ${l.length}`).join(', ')}`);
  const results = [];
  let suppressions = [];
  for (const language of languages) {
    for (const [group, inputs] of chosen) {
      if (inputs.length === 0) continue;
      const { out, projects } = convert(group, inputs, language);
      for (const file of walk(out)) {
        if (!/\.(ts|py)$/.test(file)) continue;
        const text = fs.readFileSync(file, 'utf8');
        for (const re of SUPPRESSIONS) if (re.test(text)) suppressions.push(`${file}: ${re}`);
      }
      const check = language === 'python' ? checkPython : checkTypescript;
      const result = check(group, out, projects);
      result.placeholders = placeholderProjects(out, result.failingProjects);
      results.push({ language, ...result });
    }
  }
  const lines = [];
  const overall = new Map(languages.map((l) => [l, { own: 0, judged: 0, placeholders: 0 }]));
  for (const r of results) {
    const sum = overall.get(r.language);
    sum.own += Math.round(r.rate * (r.total - r.inputCaused));
    sum.judged += r.total - r.inputCaused;
    sum.placeholders += r.placeholders;
    lines.push(
      `${r.language} ${r.group}: ${r.passed}/${r.total} type-check; ${(100 * r.rate).toFixed(1)}% of ${r.total - r.inputCaused} judged ` +
        `(${r.inputCaused} failures input-caused) — ${r.seconds.toFixed(1)} s, peak ${r.peakMb} MB`,
    );
    if (r.placeholders > 0) {
      lines.push(`    ${r.placeholders} of the ${r.passed} that type-check hold a placeholder that throws (a registry module or a type with no Pulumi equivalent; each reported by the conversion)`);
    }
    for (const [kind, n] of r.top) lines.push(`    ${n} × ${kind}`);
    for (const e of r.examples) lines.push(`    e.g. ${e}`);
  }
  for (const e of excluded) lines.push(`excluded: ${e}`);
  for (const [language, { own, judged, placeholders }] of overall) {
    lines.push(
      `overall ${language}: ${(100 * own / Math.max(1, judged)).toFixed(1)}% of ${judged} judged projects type-check ` +
        `(${placeholders} of those hold a placeholder)`,
    );
  }
  const report = lines.join('\n');
  fs.mkdirSync(work, { recursive: true });
  fs.writeFileSync(path.join(work, 'report.txt'), report + '\n');
  console.log(report);
  if (suppressions.length) {
    console.error(`suppressions in generated code:\n${suppressions.join('\n')}`);
    process.exit(1);
  }
}

main();
