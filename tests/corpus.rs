//! The whole of `../shared/corpus`: every file converts without a panic (bad input must become
//! diagnostics), and ≥ 97% of the files that parse convert with no error-level diagnostic, in every
//! language. The error codes are counted and printed so the worst ones are easy to find.

use hclconv::{convert, Example, Language, MappingCache, Severity};
use std::collections::BTreeMap;
use std::path::Path;

/// Share of parsing files that must convert without an error (the bar).
const MIN_CLEAN: f64 = 0.97;

/// One corpus example: a doc snippet or spec file alone, or a directory of a module repository
/// (its `.tf` files at the top, the rest of the repository around it for `../` module sources).
struct CorpusExample {
    example: Example,
    /// The files this example is judged by (the directory's own files).
    own: Vec<String>,
}

/// `a/b/c` relative to directory `a/x` → `../b/c`.
fn relative(path: &str, dir: &str) -> String {
    let from: Vec<&str> = dir.split('/').collect();
    let to: Vec<&str> = path.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(to[common..].iter().map(|s| s.to_string()));
    parts.join("/")
}

fn corpus_examples(corpus: &Path, manifest: &str) -> Vec<CorpusExample> {
    let mut singles = Vec::new();
    // repository → (path, text) of its whole `.tf` files
    let mut repos: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(repo), Some(kind), Some(path)) = (cols.first(), cols.get(2), cols.get(3)) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(corpus.join(path)) else {
            continue;
        };
        if *kind == "tf" {
            repos
                .entry(repo.to_string())
                .or_default()
                .push((path.to_string(), text));
        } else {
            let name = if path.ends_with(".tf.json") {
                "main.tf.json"
            } else {
                "main.tf"
            };
            singles.push(CorpusExample {
                example: Example::single(*path, name, text),
                own: vec![name.to_string()],
            });
        }
    }
    for files in repos.values() {
        let mut dirs: Vec<&str> = files
            .iter()
            .map(|(p, _)| p.rsplit_once('/').map_or("", |(d, _)| d))
            .collect();
        dirs.sort_unstable();
        dirs.dedup();
        for dir in dirs {
            let mut example = Example {
                id: dir.to_string(),
                files: BTreeMap::new(),
            };
            let mut own = Vec::new();
            for (path, text) in files {
                let rel = relative(path, dir);
                if !rel.contains('/') {
                    own.push(rel.clone());
                }
                example.files.insert(rel, text.clone());
            }
            singles.push(CorpusExample { example, own });
        }
    }
    singles
}

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
