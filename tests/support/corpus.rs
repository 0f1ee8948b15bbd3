//! The corpus as the tests convert it: doc snippets and spec files alone, and every directory of a
//! module repository with the rest of that repository around it (so `../` module sources resolve).

use hclconv::Example;
use std::collections::BTreeMap;
use std::path::Path;

/// One corpus example: a doc snippet or spec file alone, or a directory of a module repository
/// (its `.tf` files at the top, the rest of the repository around it for `../` module sources).
pub struct CorpusExample {
    pub example: Example,
    /// The files this example is judged by (the directory's own files).
    pub own: Vec<String>,
}

/// `a/b/c` relative to directory `a/x` → `../b/c`.
fn relative(path: &str, dir: &str) -> String {
    let from: Vec<&str> = dir.split('/').collect();
    let to: Vec<&str> = path.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(to.iter().skip(common).map(|s| s.to_string()));
    parts.join("/")
}

pub fn corpus_examples(corpus: &Path, manifest: &str) -> Vec<CorpusExample> {
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
