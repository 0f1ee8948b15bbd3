//! Every file of `../shared/corpus` converts without a panic (bad input must become diagnostics).
//! Skipped with a message when the corpus is not beside the repository.

use hclconv::{convert, Example, Language, MappingCache, Severity};
use std::path::Path;

#[test]
fn every_corpus_file_converts_without_panic() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        eprintln!("../shared/corpus not found: skipped");
        return;
    };
    let cache = MappingCache::builtin();
    let (mut files, mut panics, mut syntax_errors) = (0, Vec::new(), 0);
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let Some(path) = cols.get(3) else { continue };
        let Ok(text) = std::fs::read_to_string(corpus.join(path)) else {
            continue;
        };
        files += 1;
        let example = Example::single(*path, "main.tf", text);
        let attempt =
            std::panic::AssertUnwindSafe(|| convert(&example, Language::Typescript, &cache));
        match std::panic::catch_unwind(attempt) {
            Ok(conversion) => {
                syntax_errors += usize::from(
                    conversion
                        .diagnostics
                        .iter()
                        .any(|d| d.severity == Severity::Error && d.code == "syntax-error"),
                );
            }
            Err(_) => panics.push(path.to_string()),
        }
    }
    eprintln!("{files} corpus files converted, {syntax_errors} with syntax errors");
    assert!(files > 8000, "corpus incomplete: {files} files");
    assert!(panics.is_empty(), "{} panics: {:?}", panics.len(), panics);
}
