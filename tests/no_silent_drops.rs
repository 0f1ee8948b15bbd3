//! Nothing is dropped silently: over the whole corpus, every attribute and nested block of every
//! resource and data source is either in the generated program (under its Pulumi name) or named
//! by a diagnostic on its line.

use hcl_edit::structure::Structure;
use hclconv::model::{lower_example, NodeKind};
use hclconv::{convert, Example, Language, MappingCache};
use std::path::Path;

/// Arguments that are options, not properties: converted to resource options or reported.
const META: &[&str] = &[
    "count",
    "for_each",
    "depends_on",
    "provider",
    "lifecycle",
    "provisioner",
    "connection",
    "timeouts",
    "dynamic",
];

#[test]
fn every_attribute_is_converted_or_reported() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/corpus is missing"
        );
        return;
    };
    let cache = MappingCache::builtin();
    let (mut checked, mut dropped) = (0usize, Vec::new());
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(kind), Some(path)) = (cols.get(2), cols.get(3)) else {
            continue;
        };
        if *kind != "snippet" {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(corpus.join(path)) else {
            continue;
        };
        let Ok(body) = hcl_edit::parser::parse_body(&text) else {
            continue;
        };
        let example = Example::single(*path, "main.tf", text.clone());
        let conversion = convert(&example, Language::Typescript, &cache);
        let (program, _) = lower_example(&example, &cache);
        let output = &conversion.output.text;
        for block in body.blocks() {
            if !matches!(block.ident.as_str(), "resource" | "data") {
                continue;
            }
            let address = match block.labels.as_slice() {
                [t, n] if block.ident.as_str() == "resource" => {
                    format!("{}.{}", t.as_str(), n.as_str())
                }
                [t, n] => format!("data.{}.{}", t.as_str(), n.as_str()),
                _ => continue,
            };
            let Some(node) = program.nodes.iter().find(|n| n.address == address) else {
                continue;
            };
            let (properties, read_by_id) = match &node.kind {
                NodeKind::Resource(r) => (&r.properties, false),
                NodeKind::Invoke(i) => (&i.arguments, i.get.is_some()),
                _ => continue,
            };
            // Distinct properties the block should produce: attributes, and nested blocks by type
            // (static and dynamic blocks of one type form one property).
            let mut keys: Vec<&str> = Vec::new();
            for structure in block.body.iter() {
                let key = match structure {
                    Structure::Attribute(a) => a.key.as_str(),
                    Structure::Block(b) if b.ident.as_str() == "dynamic" => {
                        match b.labels.first() {
                            Some(l) => l.as_str(),
                            None => continue,
                        }
                    }
                    Structure::Block(b) => b.ident.as_str(),
                };
                // A data source read with a resource's `get`: `metadata` becomes the ID.
                if META.contains(&key) || keys.contains(&key) || (read_by_id && key == "metadata") {
                    continue;
                }
                keys.push(key);
            }
            checked += keys.len();
            let range = hcl_edit::Span::span(block).unwrap_or(0..0);
            let first = text[..range.start.min(text.len())].matches('\n').count() + 1;
            let last = text[..range.end.min(text.len())].matches('\n').count() + 1;
            let reported = conversion
                .diagnostics
                .iter()
                .any(|d| d.span.line >= first && d.span.line <= last);
            let written = properties.iter().filter(|p| {
                output.contains(&format!("{}:", p.name))
                    || output.contains(&format!("\"{}\":", p.name))
            });
            if (properties.len() != keys.len() || written.count() != keys.len()) && !reported {
                dropped.push(format!(
                    "{path}:{first}: {address}: {} source arguments, {} properties",
                    keys.len(),
                    properties.len()
                ));
            }
        }
    }
    eprintln!(
        "{checked} attributes and blocks checked, {} dropped",
        dropped.len()
    );
    assert!(checked > 10_000, "only {checked} attributes checked");
    assert!(
        dropped.is_empty(),
        "dropped without a diagnostic:\n{}",
        dropped
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
