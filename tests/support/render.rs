//! How a fixture's conversion is written into its snapshot: the program, the component files, the
//! stack configuration when there is some, and the diagnostics. Shared by the native fixture test
//! and the browser test that checks wasm output is byte-identical to the native snapshots.

use hclconv::{convert, Example, Language, MappingCache};
use std::fmt::Write;

pub fn render(example: &Example, language: Language, cache: &MappingCache) -> String {
    let conversion = convert(example, language, cache);
    let mut out = conversion.output.text.clone();
    for file in &conversion.output.project {
        let manifest = matches!(
            file.path.as_str(),
            "package.json" | "tsconfig.json" | "requirements.txt"
        );
        let shown = if file.path == "Pulumi.yaml" {
            file.text.contains("\nconfig:")
        } else {
            file.path != conversion.output.path && !manifest
        };
        if shown {
            let _ = write!(out, "\n----- {} -----\n{}", file.path, file.text);
        }
    }
    if !conversion.diagnostics.is_empty() {
        out.push_str("\n----- diagnostics -----\n");
        for d in &conversion.diagnostics {
            let _ = writeln!(out, "{d}");
        }
    }
    out
}

/// The body of an insta snapshot file (after its header).
pub fn snapshot_body(file: &str) -> &str {
    file.splitn(3, "---\n").nth(2).unwrap_or(file)
}
