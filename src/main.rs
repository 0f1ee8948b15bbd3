//! `hclconv`: the native command line over the same pipeline as the page. Each input directory (or
//! file) becomes one Pulumi project; many inputs convert in parallel on a rayon pool.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use clap::{Parser, Subcommand, ValueEnum};
use hclconv::{convert, Conversion, Diagnostic, Example, Language, MappingCache, Severity};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Files larger than this are refused before they are read.
const MAX_INPUT_BYTES: u64 = hclconv::parse::MAX_FILE_BYTES as u64;

#[derive(Parser)]
#[command(
    name = "hclconv",
    version,
    about = "Convert Terraform to Pulumi programs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Convert Terraform directories or files into Pulumi projects.
    Convert {
        /// `.tf` files or directories holding a Terraform module (its sub-folders are reachable as
        /// local modules).
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Target language.
        #[arg(long, short, default_value = "ts", value_parser = parse_language)]
        language: Language,
        /// Write one project per input below this directory (otherwise the programs are printed).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Worker threads (default: one per core).
        #[arg(long, short)]
        jobs: Option<usize>,
        /// Every directory below the inputs that holds `.tf` files becomes a project of its own.
        #[arg(long, short)]
        recursive: bool,
        /// How diagnostics are printed.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Pulumi mapping files (`MarshallableProviderInfo` JSON, as `pulumi convert` takes them);
        /// they win over the built-in tables for their providers.
        #[arg(long = "mappings", value_name = "FILE")]
        mappings: Vec<PathBuf>,
    },
}

fn parse_language(name: &str) -> Result<Language, String> {
    Language::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Language::ALL.iter().map(|l| l.name()).collect();
        format!(
            "unknown language `{name}` (supported: {})",
            names.join(", ")
        )
    })
}

/// One thing to convert, or the reason it cannot be.
struct Job {
    input: PathBuf,
    /// The project's folder name below `--out`.
    name: String,
    example: Result<Example, String>,
}

struct Outcome {
    input: PathBuf,
    name: String,
    example: Option<Example>,
    result: Result<Conversion, String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Command::Convert {
        inputs,
        language,
        out,
        jobs,
        recursive,
        format,
        mappings,
    } = cli.command;
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = jobs {
        builder = builder.num_threads(jobs.max(1));
    }
    let pool = match builder.build() {
        Ok(pool) => pool,
        Err(error) => {
            eprintln!("error: cannot start worker threads: {error}");
            return ExitCode::from(2);
        }
    };
    let jobs = collect_jobs(&inputs, recursive);
    let mut source = hclconv::mapping::MappingSource::embedded();
    for file in &mappings {
        let json = match read_text(file) {
            Ok(json) => json,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::from(2);
            }
        };
        source = match source.with_user_file(&file.display().to_string(), &json) {
            Ok(next) => next,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::from(2);
            }
        };
    }
    let cache: MappingCache = source.into_cache();
    let progress = progress_bar(jobs.len());
    let outcomes: Vec<Outcome> = pool.install(|| {
        jobs.into_par_iter()
            .map(|job| {
                let outcome = match job.example {
                    Ok(example) => Outcome {
                        result: Ok(convert(&example, language, &cache)),
                        example: Some(example),
                        input: job.input,
                        name: job.name,
                    },
                    Err(error) => Outcome {
                        input: job.input,
                        name: job.name,
                        example: None,
                        result: Err(error),
                    },
                };
                progress.inc(1);
                outcome
            })
            .collect()
    });
    progress.finish_and_clear();
    report(&outcomes, language, out.as_deref(), format)
}

fn progress_bar(len: usize) -> ProgressBar {
    if len < 8 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} {per_sec}")
    {
        bar.set_style(style);
    }
    bar
}

/// Writes or prints the results and the diagnostics; the exit code says whether any input failed.
fn report(
    outcomes: &[Outcome],
    language: Language,
    out: Option<&Path>,
    format: Format,
) -> ExitCode {
    let mut failed = false;
    let mut json = Vec::new();
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    let many = outcomes.len() > 1;
    for outcome in outcomes {
        let label = outcome.input.display().to_string();
        match &outcome.result {
            Err(error) => {
                failed = true;
                match format {
                    Format::Text => eprintln!("error: {error}"),
                    Format::Json => json.push(serde_json::json!({
                        "input": label, "error": error,
                    })),
                }
            }
            Ok(conversion) => {
                failed |= conversion.has_errors();
                let written = match out {
                    Some(dir) => write_project(dir, &outcome.name, conversion),
                    None if format == Format::Text => {
                        if many {
                            let _ = writeln!(stdout, "// ==== {label} ====");
                        }
                        let _ = write!(stdout, "{}", conversion.output.text);
                        Ok(None)
                    }
                    None => Ok(None),
                };
                let written = match written {
                    Ok(path) => path,
                    Err(error) => {
                        failed = true;
                        eprintln!("error: {error}");
                        None
                    }
                };
                match format {
                    Format::Text => {
                        for diagnostic in &conversion.diagnostics {
                            eprintln!(
                                "{}",
                                render(diagnostic, &outcome.input, outcome.example.as_ref())
                            );
                        }
                        if let Some(path) = written {
                            eprintln!("wrote {} ({language})", path.display());
                        }
                    }
                    Format::Json => json.push(serde_json::json!({
                        "input": label,
                        "project": written.map(|p| p.display().to_string()),
                        "program": if out.is_none() { Some(&conversion.output.text) } else { None },
                        "diagnostics": conversion.diagnostics,
                    })),
                }
            }
        }
    }
    if format == Format::Json {
        match serde_json::to_string_pretty(&json) {
            Ok(text) => {
                let _ = writeln!(stdout, "{text}");
            }
            Err(error) => eprintln!("error: {error}"),
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `path:line:col: severity[code]: message` and, for text sources, the line with a caret under it.
fn render(diagnostic: &Diagnostic, input: &Path, example: Option<&Example>) -> String {
    let span = &diagnostic.span;
    let file = if input.is_dir() {
        input.join(&span.file).display().to_string()
    } else {
        input.display().to_string()
    };
    let mut text = format!(
        "{file}:{}:{}: {}[{}]: {}",
        span.line, span.column, diagnostic.severity, diagnostic.code, diagnostic.message
    );
    let source = example.and_then(|e| e.files.get(&span.file));
    if let Some(line) = source.and_then(|s| s.lines().nth(span.line.saturating_sub(1))) {
        if span.line > 0 {
            let width = if span.end_line == span.line {
                span.end_column.saturating_sub(span.column).max(1)
            } else {
                1
            };
            let pad = " ".repeat(span.column.saturating_sub(1));
            text.push_str(&format!(
                "\n  {:>4} | {line}\n       | {pad}{}",
                span.line,
                "^".repeat(width)
            ));
        }
    }
    if diagnostic.severity == Severity::Info {
        text = text.replacen(": info[", ": note[", 1);
    }
    text
}

/// Writes the project files below `dir/<name>` (the input's name, made unique by its path).
fn write_project(
    dir: &Path,
    name: &str,
    conversion: &Conversion,
) -> Result<Option<PathBuf>, String> {
    let target = dir.join(name);
    for file in &conversion.output.project {
        // Component programs of `../` modules would land outside the project: keep them inside.
        let relative = file.path.replace("../", "_parent_/");
        let path = target.join(&relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(Some(target))
}

/// A folder name for a project: the input's own name, plus the path below it for `--recursive`.
fn project_dir_name(input: &Path, below: Option<&Path>) -> String {
    let base = input
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| input.to_string_lossy().into_owned());
    let text = match below.map(|b| b.to_string_lossy().into_owned()) {
        Some(rest) if !rest.is_empty() => format!("{base}/{rest}"),
        _ => base,
    };
    let trimmed = text.trim_start_matches("./").trim_end_matches('/');
    let name: String = trimmed
        .strip_suffix(".tf")
        .unwrap_or(trimmed)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = name.trim_matches(|c| c == '.' || c == '_').to_string();
    if name.is_empty() {
        "project".to_string()
    } else {
        name
    }
}

/// Inputs → jobs. With `--recursive`, every directory holding `.tf` files is a job of its own.
fn collect_jobs(inputs: &[PathBuf], recursive: bool) -> Vec<Job> {
    let mut jobs = Vec::new();
    for input in inputs {
        match std::fs::metadata(input) {
            Err(error) => jobs.push(Job {
                input: input.clone(),
                name: project_dir_name(input, None),
                example: Err(format!("cannot read {}: {error}", input.display())),
            }),
            Ok(meta) if meta.is_dir() && recursive => {
                let mut dirs = Vec::new();
                terraform_dirs(input, &mut dirs, 0);
                if dirs.is_empty() {
                    jobs.push(Job {
                        input: input.clone(),
                        name: project_dir_name(input, None),
                        example: Err(format!("no .tf files below {}", input.display())),
                    });
                }
                for dir in dirs {
                    let example = read_dir_example(&dir);
                    let name = project_dir_name(input, dir.strip_prefix(input).ok());
                    jobs.push(Job {
                        input: dir,
                        name,
                        example,
                    });
                }
            }
            Ok(meta) if meta.is_dir() => jobs.push(Job {
                input: input.clone(),
                name: project_dir_name(input, None),
                example: read_dir_example(input),
            }),
            Ok(_) => jobs.push(Job {
                input: input.clone(),
                name: project_dir_name(input, None),
                example: read_file_example(input),
            }),
        }
    }
    // Two inputs with the same name (`r/x.tf`, `d/x.tf`) get distinct project folders.
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for job in &mut jobs {
        let count = seen.entry(job.name.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            job.name = format!("{}-{count}", job.name);
        }
    }
    jobs
}

fn terraform_dirs(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 32 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut has_tf = false;
    let mut subdirs = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if path.is_dir() && !hidden {
            subdirs.push(path);
        } else if hclconv::input::is_terraform_path(&path.to_string_lossy()) {
            has_tf = true;
        }
    }
    if has_tf {
        out.push(dir.to_path_buf());
    }
    subdirs.sort();
    for sub in subdirs {
        terraform_dirs(&sub, out, depth + 1);
    }
}

fn read_file_example(path: &Path) -> Result<Example, String> {
    let name = path
        .file_name()
        .map_or_else(|| "main.tf".into(), |n| n.to_string_lossy().into_owned());
    let mut files = BTreeMap::new();
    files.insert(name, read_text(path)?);
    Ok(Example {
        id: path.display().to_string(),
        files,
    })
}

/// A directory contributes every Terraform file below it, by relative path.
fn read_dir_example(dir: &Path) -> Result<Example, String> {
    let mut files = BTreeMap::new();
    collect(dir, dir, &mut files, 0)?;
    if !files.keys().any(|k| !k.contains('/')) {
        return Err(format!(
            "{} has no .tf files at its top level",
            dir.display()
        ));
    }
    add_outside_modules(dir, &mut files);
    Ok(Example {
        id: dir.display().to_string(),
        files,
    })
}

fn collect(
    root: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, String>,
    depth: usize,
) -> Result<(), String> {
    if depth > 32 {
        return Ok(());
    }
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            if !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                collect(root, &path, files, depth + 1)?;
            }
        } else if hclconv::input::is_terraform_path(&path.to_string_lossy()) {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            files.insert(
                relative.to_string_lossy().replace('\\', "/"),
                read_text(&path)?,
            );
        }
    }
    Ok(())
}

/// Reads a Terraform file, refusing huge and binary files with a clear reason.
fn read_text(path: &Path) -> Result<String, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.len() > MAX_INPUT_BYTES {
        return Err(format!(
            "{} is {} bytes; files above {MAX_INPUT_BYTES} bytes are not converted",
            path.display(),
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.contains(&0) {
        return Err(format!(
            "{} is a binary file, not Terraform",
            path.display()
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))
}

/// Local modules outside the input directory (`source = "../../modules/x"`) are read from disk and
/// added under their relative path, so that they convert as components too.
fn add_outside_modules(dir: &Path, files: &mut BTreeMap<String, String>) {
    let mut queue: Vec<(String, String)> =
        files.iter().map(|(p, t)| (p.clone(), t.clone())).collect();
    let mut seen = std::collections::BTreeSet::new();
    while let Some((path, text)) = queue.pop() {
        let folder = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        for source in module_sources(&text) {
            let relative = normalize(&format!("{folder}/{source}"));
            if !relative.starts_with("..") || !seen.insert(relative.clone()) || seen.len() > 64 {
                continue;
            }
            let Ok(entries) = std::fs::read_dir(dir.join(&relative)) else {
                continue;
            };
            for entry in entries.flatten() {
                let file = entry.path();
                let Some(name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                    continue;
                };
                if !hclconv::input::is_terraform_path(&name) {
                    continue;
                }
                if let Ok(text) = read_text(&file) {
                    let key = format!("{relative}/{name}");
                    if !files.contains_key(&key) {
                        files.insert(key.clone(), text.clone());
                        queue.push((key, text));
                    }
                }
            }
        }
    }
}

/// The `source = "./..."` / `"../..."` strings of module blocks, found textually.
fn module_sources(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let rest = line
                .trim()
                .strip_prefix("source")?
                .trim_start()
                .strip_prefix('=')?;
            let value = rest.trim().strip_prefix('"')?;
            let value = value.split('"').next()?;
            (value.starts_with("./") || value.starts_with("../")).then(|| value.to_string())
        })
        .collect()
}

/// `a/../b/./c` → `b/c`; leading `..` stay.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}
