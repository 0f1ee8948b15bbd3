//! Fixture tests: every folder in `tests/fixtures/` is one example; each converts to every language,
//! and each (fixture, language) pair has an insta snapshot of the program and its diagnostics.

#[path = "support/render.rs"]
mod render;

use hclconv::{convert, Example, Language, MappingCache};
use render::render;
use std::collections::BTreeMap;
use std::path::Path;

fn load_example(dir: &Path) -> Example {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).expect("fixture folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(
                    relative,
                    std::fs::read_to_string(&path).expect("utf-8 fixture"),
                );
            }
        }
    }
    let id = dir
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    Example { id, files }
}

#[test]
fn fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 8, "fixtures missing");
    let cache = MappingCache::builtin();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root.join("../snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for dir in &dirs {
            let example = load_example(dir);
            for &language in Language::ALL {
                let name = format!("{}.{}", example.id, language.name());
                insta::assert_snapshot!(name, render(&example, language, &cache));
            }
        }
    });
}

#[test]
fn invalid_hcl_reports_line_and_column() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid_hcl");
    let conversion = convert(
        &load_example(&root),
        Language::Typescript,
        &MappingCache::builtin(),
    );
    let error = conversion
        .diagnostics
        .iter()
        .find(|d| d.code == "syntax-error")
        .expect("a syntax error");
    assert_eq!((error.span.file.as_str(), error.span.line), ("main.tf", 6));
    assert!(error.span.column > 1);
}

#[test]
fn output_does_not_depend_on_a_warm_cache() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws_static_site");
    let example = load_example(&root);
    let warm = MappingCache::builtin();
    let first = convert(&example, Language::Typescript, &warm);
    let second = convert(&example, Language::Typescript, &warm);
    let cold = convert(&example, Language::Typescript, &MappingCache::builtin());
    assert_eq!(first, second);
    assert_eq!(first, cold);
    assert_eq!(warm.snapshot().loads, 1);
}

/// The browser test compares wasm output with these snapshots' bodies: every snapshot file must
/// have the header it skips, and a body.
#[test]
fn snapshots_have_a_header_and_a_body() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for entry in std::fs::read_dir(dir).expect("tests/snapshots") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("utf-8 snapshot");
        assert!(text.starts_with("---\n"), "{}", path.display());
        assert!(
            !render::snapshot_body(&text).trim().is_empty(),
            "{}",
            path.display()
        );
    }
}
