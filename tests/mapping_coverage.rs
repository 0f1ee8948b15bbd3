//! Coverage of the embedded mapping data over real Terraform: every `resource` and `data` block of the
//! corpus files that parse (`../shared/corpus/MANIFEST.tsv`, column 4) is resolved through the mapping API
//! ([`provider_of`] → [`load_embedded`] → [`resolve_type`]); a block counts as resolved when its token comes
//! from the data. Nothing is excluded: types of providers without data, known gaps (kubernetes data sources,
//! `kubernetes_manifest`) and the provider-less built-ins (`null_resource`, `terraform_data`) count as
//! unresolved. Prints a per-provider table; asserts at least 98% of occurrences resolve.
//! Skipped with a message when the corpus is not beside the repository.

use hcl_edit::structure::Structure;
use hclconv::mapping::{
    builtin_kind, load_embedded, provider_of, resolve_type, ProviderMapping, TypeKind,
};
use hclconv::parse::parse_file;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

const THRESHOLD: f64 = 98.0;

#[derive(Default)]
struct Row {
    occurrences: usize,
    resolved: usize,
    types: BTreeSet<(bool, String)>,
    resolved_types: BTreeSet<(bool, String)>,
    status: String,
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    part as f64 * 100.0 / whole as f64
}

#[test]
fn corpus_types_resolve_to_tokens_from_the_data() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        eprintln!("../shared/corpus not found: skipped");
        return;
    };
    let mut loaded: HashMap<String, Result<ProviderMapping, String>> = HashMap::new();
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let mut unresolved: BTreeMap<(String, &str), usize> = BTreeMap::new();
    let (mut parsed, mut unparsed) = (0, 0);
    for line in manifest.lines().skip(1) {
        let Some(path) = line.split('\t').nth(3) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(corpus.join(path)) else {
            continue;
        };
        let (file, _) = parse_file(path, &text);
        let Some(body) = file.body else {
            unparsed += 1;
            continue;
        };
        parsed += 1;
        for structure in body.iter() {
            let Structure::Block(block) = structure else {
                continue;
            };
            let kind = match block.ident.as_str() {
                "resource" => TypeKind::Resource,
                "data" => TypeKind::DataSource,
                _ => continue,
            };
            let Some(tf_type) = block.labels.first().map(|l| l.as_str().to_string()) else {
                continue;
            };
            let builtin = builtin_kind(&tf_type).is_some();
            let provider = provider_of(&tf_type).to_string();
            let key = if builtin {
                "(built-in)".to_string()
            } else {
                provider.clone()
            };
            let row = rows.entry(key).or_default();
            let resolution = if builtin {
                row.status = "no provider: no-pulumi-equivalent".into();
                None
            } else {
                let mapping = loaded
                    .entry(provider.clone())
                    .or_insert_with(|| load_embedded(&provider).map_err(|e| e.code().to_string()));
                row.status = match mapping {
                    Ok(m) if m.gaps.is_empty() => "data".into(),
                    Ok(_) => "data with known gaps".into(),
                    Err(code) => code.clone(),
                };
                Some(
                    resolve_type(mapping.as_ref().ok(), kind, &tf_type)
                        .mapping
                        .is_some(),
                )
            };
            let is_data = kind == TypeKind::DataSource;
            row.occurrences += 1;
            row.types.insert((is_data, tf_type.clone()));
            if resolution == Some(true) {
                row.resolved += 1;
                row.resolved_types.insert((is_data, tf_type.clone()));
            } else {
                let label = if is_data { "data" } else { "resource" };
                *unresolved.entry((tf_type, label)).or_default() += 1;
            }
        }
    }
    let mut sorted: Vec<(&String, &Row)> = rows.iter().collect();
    sorted.sort_by(|a, b| b.1.occurrences.cmp(&a.1.occurrences).then(a.0.cmp(b.0)));
    eprintln!("{parsed} corpus files parse ({unparsed} do not)");
    eprintln!(
        "{:<14} {:>11} {:>9} {:>8} {:>7} {:>14}  status",
        "provider", "occurrences", "resolved", "%", "types", "resolved types"
    );
    let (mut total, mut resolved, mut types, mut resolved_types) = (0, 0, 0, 0);
    for (provider, row) in &sorted {
        eprintln!(
            "{:<14} {:>11} {:>9} {:>7.2}% {:>7} {:>14}  {}",
            provider,
            row.occurrences,
            row.resolved,
            percent(row.resolved, row.occurrences),
            row.types.len(),
            row.resolved_types.len(),
            row.status
        );
        total += row.occurrences;
        resolved += row.resolved;
        types += row.types.len();
        resolved_types += row.resolved_types.len();
    }
    let overall = percent(resolved, total);
    eprintln!(
        "{:<14} {:>11} {:>9} {:>7.2}% {:>7} {:>14}",
        "TOTAL", total, resolved, overall, types, resolved_types
    );
    let mut misses: Vec<_> = unresolved.iter().collect();
    misses.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    eprintln!(
        "most frequent unresolved: {:?}",
        misses.iter().take(25).collect::<Vec<_>>()
    );
    assert!(parsed > 8000, "corpus incomplete: {parsed} files parse");
    assert!(total > 10000, "too few resource/data blocks: {total}");
    assert!(
        overall >= THRESHOLD,
        "{overall:.2}% of {total} resource/data occurrences resolve to a token from the data (< {THRESHOLD}%)"
    );
}
