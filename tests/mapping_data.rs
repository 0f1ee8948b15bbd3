//! The committed tables in `src/mapping/data/` are exactly what `scripts/gen-mappings` makes from
//! `../shared/mappings` (and the committed `src/mapping/sdk-types/`) today. Skipped with a message when
//! `../shared/mappings` is not beside the repository. The npm-derived `src/mapping/sdk-types/*.txt` are
//! checked against a fresh `scripts/gen-field-types.mjs --check` whenever the pinned SDKs are installed
//! (`scripts/sdk-setup.sh check`), and skipped with a message when they are not; so is
//! `src/emit/argless_invokes.txt` (`scripts/gen-argless-invokes.mjs --check`).

#[path = "../examples/gen_mappings/field_types.rs"]
#[allow(dead_code)]
mod field_types;
#[path = "../examples/gen_mappings/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::path::Path;

const HINT: &str = "run scripts/gen-mappings and commit src/mapping/data/";

/// The first line where two texts differ, for the failure message.
fn first_difference(committed: &str, fresh: &str) -> String {
    let (mut a, mut b) = (committed.lines(), fresh.lines());
    let mut line = 1;
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (None, None) => return "identical".into(),
            (x, y) => {
                return format!(
                    "line {line}: committed {:?}, regenerated {:?}",
                    x.unwrap_or("<end>"),
                    y.unwrap_or("<end>")
                )
            }
        }
    }
}

#[test]
fn committed_tables_match_a_fresh_generation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mappings = root.join("../shared/mappings");
    if !mappings.join("PROVIDERS.tsv").exists() {
        eprintln!("../shared/mappings not found: skipped");
        return;
    }
    let data = root.join("src/mapping/data");
    let generated = generate::generate(&mappings, &root.join("src/mapping/sdk-types"))
        .expect("generation succeeds");
    let mut problems = Vec::new();
    for table in &generated.tables {
        let path = data.join(format!("{}.bin", table.provider));
        match (&table.text, std::fs::read(&path)) {
            (Some(text), Ok(blob)) => match generate::inflate(&blob) {
                Ok(committed) if committed == *text => {}
                Ok(committed) => problems.push(format!(
                    "provider `{}` differs: {}",
                    table.provider,
                    first_difference(&committed, text)
                )),
                Err(e) => problems.push(format!(
                    "provider `{}`: {} does not inflate: {e}",
                    table.provider,
                    path.display()
                )),
            },
            (Some(_), Err(_)) => problems.push(format!(
                "provider `{}` has no committed table",
                table.provider
            )),
            (None, Ok(_)) => problems.push(format!(
                "provider `{}` has a table but no data",
                table.provider
            )),
            (None, Err(_)) => {}
        }
    }
    let expected: std::collections::BTreeSet<String> = generated
        .tables
        .iter()
        .filter(|t| t.text.is_some())
        .map(|t| format!("{}.bin", t.provider))
        .collect();
    for entry in std::fs::read_dir(&data)
        .expect("data dir")
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".bin") && !expected.contains(&name) {
            problems.push(format!("stale table {name}: no such provider in the data"));
        }
    }
    for (file, fresh) in [
        ("index.rs", &generated.index_rs),
        ("MANIFEST.tsv", &generated.manifest),
    ] {
        let committed = std::fs::read_to_string(data.join(file)).unwrap_or_default();
        if committed != *fresh {
            problems.push(format!(
                "{file} differs: {}",
                first_difference(&committed, fresh)
            ));
        }
    }
    assert!(problems.is_empty(), "{HINT}:\n{}", problems.join("\n"));
}

#[test]
fn committed_sdk_types_match_the_installed_sdks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let modules = root.join("tests/sdk/check/node_modules");
    let packages = ["aws", "azure", "gcp", "kubernetes"];
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| {
            !modules
                .join("@pulumi")
                .join(p)
                .join("package.json")
                .exists()
        })
        .collect();
    if !modules.join("typescript").exists() || !missing.is_empty() {
        eprintln!(
            "SKIPPED: the pinned npm SDKs are not installed in {} (missing: typescript or @pulumi/{:?}); \
             run scripts/sdk-setup.sh check to verify src/mapping/sdk-types/",
            modules.display(),
            missing
        );
        return;
    }
    let output = std::process::Command::new("node")
        .arg(root.join("scripts/gen-field-types.mjs"))
        .arg("--check")
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "src/mapping/sdk-types/ is stale: run node scripts/gen-field-types.mjs, then scripts/gen-mappings\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let argless = std::process::Command::new("node")
        .arg(root.join("scripts/gen-argless-invokes.mjs"))
        .arg("--check")
        .output()
        .expect("node runs");
    assert!(
        argless.status.success(),
        "src/emit/argless_invokes.txt is stale: run node scripts/gen-argless-invokes.mjs\n{}",
        String::from_utf8_lossy(&argless.stderr)
    );
}

#[test]
fn differences_are_reported_by_line() {
    assert_eq!(first_difference("a\nb\n", "a\nb\n"), "identical");
    assert_eq!(
        first_difference("a\nb\n", "a\nc\n"),
        "line 2: committed \"b\", regenerated \"c\""
    );
    assert_eq!(
        first_difference("a\n", "a\nz\n"),
        "line 2: committed \"<end>\", regenerated \"z\""
    );
}
