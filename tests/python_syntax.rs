//! The generated Python is valid Python: every fixture's program (and, when `../shared/corpus` is
//! there, every corpus directory's program) compiles with `python3`. Skipped, with a message, only
//! where no `python3` is installed.

#[path = "support/corpus.rs"]
mod corpus_support;

use corpus_support::corpus_examples;
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
            if path.is_dir() && id.starts_with("fixture:") {
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
        // Every Python file of the project: the program and its component classes.
        for file in &conversion.output.project {
            if file.path.ends_with(".py") {
                programs.push((format!("{name}/{}", file.path), file.text.clone()));
            }
        }
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
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        eprintln!("../shared/corpus/MANIFEST.tsv not found: skipped");
        return;
    };
    // Doc snippets alone; module repositories one directory at a time with the repository around
    // it (so `../../` module sources resolve and component classes are written), as the corpus
    // test judges them.
    let examples: Vec<Example> = corpus_examples(&corpus, &manifest)
        .into_iter()
        .filter(|c| !c.own.iter().any(|k| k.ends_with(".json")))
        .map(|c| c.example)
        .collect();
    let cache = MappingCache::builtin();
    let mut programs = Vec::new();
    for example in &examples {
        let conversion = convert(example, Language::Python, &cache);
        if conversion
            .diagnostics
            .iter()
            .any(|d| d.code == "syntax-error")
        {
            continue;
        }
        for file in &conversion.output.project {
            if file.path.ends_with(".py") {
                programs.push((format!("{}/{}", example.id, file.path), file.text.clone()));
            }
        }
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

/// A local module becomes a component class in `components/`, imported by the program.
#[test]
fn local_modules_become_component_classes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/module_count");
    let example = example_of(&root, "fixture:module_count").expect("fixture");
    let conversion = convert(&example, Language::Python, &MappingCache::builtin());
    let file = |path: &str| {
        conversion
            .output
            .project
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.text.clone())
            .unwrap_or_else(|| panic!("{path} is missing"))
    };
    let main = file("__main__.py");
    let component = file("components/subnets.py");
    assert!(file("components/__init__.py").starts_with("\"\"\""));
    assert!(
        main.contains("from components.subnets import Subnets"),
        "{main}"
    );
    assert!(main.contains("subnets = Subnets("), "{main}");
    assert!(
        component.contains("class Subnets(pulumi.ComponentResource):"),
        "{component}"
    );
    assert!(component.contains("parent=self"), "{component}");
    assert!(component.contains("self.register_outputs("), "{component}");
    // `vpc_id` receives an output from one caller: inside, it is an Output.
    assert!(
        component.contains("vpc_id = pulumi.Output.from_input(vpc_id)"),
        "{component}"
    );
    insta::assert_snapshot!("local_module.python.components", component);
}
