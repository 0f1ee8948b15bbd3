//! The generated Python is valid Python: every fixture's program (and, when `../shared/corpus` is
//! there, every corpus directory's program) compiles with `python3`. Skipped, with a message, only
//! where no `python3` is installed.

use hclconv::{convert, Example, Language, MappingCache};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn python3() -> Option<&'static str> {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some("python3")
}

/// The `.tf` files directly in `dir`, as one example.
fn example_of(dir: &Path, id: &str) -> Option<Example> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).ok()? {
            let path = entry.ok()?.path();
            if path.is_dir() && current == dir && id.starts_with("fixture:") {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "tf") {
                let relative = path
                    .strip_prefix(dir)
                    .ok()?
                    .to_string_lossy()
                    .replace('\\', "/");
                if let Ok(text) = std::fs::read_to_string(&path) {
                    files.insert(relative, text);
                }
            }
        }
    }
    (!files.is_empty()).then(|| Example {
        id: id.to_string(),
        files,
    })
}

/// Writes each program to `out/<n>.py` and compiles them all in one `python3` run; returns the
/// failures as `id: error`.
fn compile_all(python: &str, programs: &[(String, String)], out: &Path) -> Vec<String> {
    std::fs::create_dir_all(out).expect("temp dir");
    let mut index = Vec::new();
    for (n, (id, text)) in programs.iter().enumerate() {
        let path = out.join(format!("p{n}.py"));
        std::fs::write(&path, text).expect("write program");
        index.push((path, id.clone()));
    }
    // One interpreter compiles every file and prints `path<TAB>error` for the broken ones.
    let script = r#"
import sys
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            compile(f.read(), path, "exec")
    except SyntaxError as e:
        print(f"{path}\t{e.msg} (line {e.lineno}): {(e.text or '').strip()}")
"#;
    let mut failures = Vec::new();
    for chunk in index.chunks(500) {
        let output = Command::new(python)
            .arg("-c")
            .arg(script)
            .args(chunk.iter().map(|(p, _)| p))
            .output()
            .expect("python3 runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        for line in stdout.lines() {
            let (path, error) = line.split_once('\t').unwrap_or((line, ""));
            let id = chunk
                .iter()
                .find(|(p, _)| p.to_string_lossy() == path)
                .map_or(path, |(_, id)| id.as_str());
            failures.push(format!("{id}: {error}"));
        }
    }
    failures
}

fn temp_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("hclconv-{name}-{}", std::process::id()))
}

#[test]
fn fixture_programs_compile() {
    let Some(python) = python3() else {
        eprintln!("python3 not found: Python syntax check skipped");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let cache = MappingCache::builtin();
    let mut programs = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let Some(example) = example_of(&dir, &format!("fixture:{name}")) else {
            continue;
        };
        let conversion = convert(&example, Language::Python, &cache);
        programs.push((name, conversion.output.text));
    }
    assert!(programs.len() >= 8);
    let out = temp_dir("fixtures");
    let failures = compile_all(python, &programs, &out);
    let _ = std::fs::remove_dir_all(&out);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn corpus_programs_compile() {
    let Some(python) = python3() else {
        eprintln!("python3 not found: Python syntax check skipped");
        return;
    };
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("../shared/corpus not found: skipped");
        return;
    }
    let mut dirs = Vec::new();
    let mut stack = vec![corpus.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut has_tf = false;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "tf") {
                has_tf = true;
            }
        }
        if has_tf {
            dirs.push(dir);
        }
    }
    dirs.sort();
    let cache = MappingCache::builtin();
    let mut programs = Vec::new();
    for dir in &dirs {
        let id = dir
            .strip_prefix(&corpus)
            .unwrap_or(dir)
            .to_string_lossy()
            .into_owned();
        let Some(example) = example_of(dir, &id) else {
            continue;
        };
        let conversion = convert(&example, Language::Python, &cache);
        if conversion
            .diagnostics
            .iter()
            .any(|d| d.code == "syntax-error")
        {
            continue;
        }
        programs.push((id, conversion.output.text));
    }
    let out = temp_dir("corpus");
    let failures = compile_all(python, &programs, &out);
    let _ = std::fs::remove_dir_all(&out);
    eprintln!(
        "{} corpus programs compiled, {} failed",
        programs.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} programs are not valid Python, e.g. {:#?}",
        failures.len(),
        programs.len(),
        failures.iter().take(20).collect::<Vec<_>>()
    );
}
