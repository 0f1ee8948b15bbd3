//! The whole of `../shared/corpus`: every file converts without a panic (bad input must become
//! diagnostics), and ≥ 97% of the files that parse convert with no error-level diagnostic, in every
//! language. The error codes are counted and printed so the worst ones are easy to find.

#[path = "support/corpus.rs"]
mod corpus_examples;

use corpus_examples::corpus_examples;
use hclconv::{convert, Language, MappingCache, Severity};
use std::collections::BTreeMap;
use std::path::Path;

/// Share of parsing files that must convert without an error (the bar).
const MIN_CLEAN: f64 = 0.97;

#[test]
fn every_corpus_file_converts_without_panic() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/corpus is missing"
        );
        eprintln!("../shared/corpus not found: skipped");
        return;
    };
    let cache = MappingCache::builtin();
    let examples = corpus_examples(&corpus, &manifest);
    let (mut files, mut panics, mut syntax_errors) = (0, Vec::new(), 0);
    let mut clean: BTreeMap<Language, usize> = BTreeMap::new();
    let mut codes: BTreeMap<(Language, &'static str), (usize, String)> = BTreeMap::new();
    for item in &examples {
        files += item.own.len();
        let mut unparsed: Vec<&str> = Vec::new();
        for &language in Language::ALL {
            let attempt = std::panic::AssertUnwindSafe(|| convert(&item.example, language, &cache));
            let Ok(conversion) = std::panic::catch_unwind(attempt) else {
                panics.push(format!("{} ({language})", item.example.id));
                continue;
            };
            for own in &item.own {
                let errors: Vec<_> = conversion
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .filter(|d| &d.span.file == own || d.span.file.is_empty())
                    .collect();
                if errors.iter().any(|d| d.code == "syntax-error") {
                    if !unparsed.contains(&own.as_str()) {
                        unparsed.push(own);
                    }
                    continue;
                }
                if errors.is_empty() {
                    *clean.entry(language).or_default() += 1;
                }
                for d in errors {
                    let entry = codes.entry((language, d.code)).or_insert_with(|| {
                        (0, format!("{}/{own}: {}", item.example.id, d.message))
                    });
                    entry.0 += 1;
                }
            }
        }
        syntax_errors += unparsed.len();
    }
    let parsing = files - syntax_errors;
    eprintln!("{files} corpus files, {syntax_errors} with syntax errors, {parsing} parse");
    for (&language, &n) in &clean {
        eprintln!(
            "  {language}: {n} of {parsing} without errors ({:.2}%)",
            100.0 * n as f64 / parsing.max(1) as f64
        );
    }
    let mut worst: Vec<_> = codes.iter().collect();
    worst.sort_by_key(|entry| std::cmp::Reverse(entry.1 .0));
    for ((language, code), (n, example)) in worst.iter().take(12) {
        eprintln!("  {language} error[{code}] × {n}, e.g. {example}");
    }
    assert!(files > 8000, "corpus incomplete: {files} files");
    assert!(panics.is_empty(), "{} panics: {:?}", panics.len(), panics);
    for &language in Language::ALL {
        let n = clean.get(&language).copied().unwrap_or(0);
        let share = n as f64 / parsing.max(1) as f64;
        assert!(
            share >= MIN_CLEAN,
            "{language}: only {:.2}% of parsing files convert without errors",
            100.0 * share
        );
    }
}
