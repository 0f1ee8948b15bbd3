//! Pulumi's own converter tests (`../shared/pulumi-tests`): every `pct__*` program (expected
//! `pcl/*.pp`) and every `pct-conformance__*` program (`input/*.tf` → `main.pp`) is converted to PCL
//! and compared with the expected program as hcl-edit trees, ignoring only order and layout.
//! Programs that need a registry download are excluded and listed. The pass count may only go up:
//! `FLOOR` is the count reached so far (the target is 90%).

#[path = "support/hcl_canon.rs"]
mod hcl_canon;

use hclconv::{convert, Example, Language, MappingCache};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Equivalent programs reached so far; raise it when more pass.
const FLOOR: usize = 49;

/// Programs that convert registry modules, which would need a download.
const NEEDS_DOWNLOAD: &[&str] = &[
    "pct__external_module",
    "pct__registry_module_multiple",
    "pct__sandbox_registry_module",
];

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/pulumi-tests")
}

fn read_tree(root: &Path, prefix: &str, skip: &[&str], out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let path = entry.path();
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if path.is_dir() {
            if !skip.contains(&name.as_str()) {
                read_tree(&path, &key, &[], out);
            }
        } else if name.ends_with(".tf") || name.ends_with(".tf.json") {
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.insert(key, text);
            }
        }
    }
}

/// A test case: the example and its expected PCL files (path in the project → text).
struct Case {
    name: String,
    example: Example,
    expected: BTreeMap<String, String>,
}

fn cases() -> Vec<Case> {
    let root = shared();
    let mut cases = Vec::new();
    let Ok(entries) = std::fs::read_dir(&root) else {
        return cases;
    };
    let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut files = BTreeMap::new();
        let mut expected = BTreeMap::new();
        if name.starts_with("pct-conformance__") {
            read_tree(&dir.join("input"), "", &[], &mut files);
            if let Ok(text) = std::fs::read_to_string(dir.join("main.pp")) {
                expected.insert("main.pp".to_string(), text);
            }
        } else if name.starts_with("pct__") && !name.starts_with("pct__support") {
            read_tree(&dir, "", &["pcl"], &mut files);
            collect_pp(&dir.join("pcl"), "", &mut expected);
        } else {
            continue;
        }
        if expected.is_empty() || files.is_empty() {
            continue;
        }
        // Modules referenced as `../modules/x` live in pct__support_modules/x.
        let mut support = BTreeMap::new();
        read_tree(&root.join("pct__support_modules"), "", &[], &mut support);
        for (path, text) in support {
            files.insert(format!("../modules/{path}"), text);
        }
        cases.push(Case {
            name: name.clone(),
            example: Example { id: name, files },
            expected,
        });
    }
    cases
}

fn collect_pp(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if entry.path().is_dir() {
            collect_pp(&entry.path(), &key, out);
        } else if name.ends_with(".pp") {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                out.insert(key, text);
            }
        }
    }
}

fn canonical(text: &str) -> Result<String, String> {
    hcl_edit::parser::parse_body(text)
        .map(|body| hcl_canon::canonical_body(&body))
        .map_err(|e| format!("does not parse: {e}"))
}

/// The test providers' mapping files (`pct__support_mappings/*.json`) in front of the embedded data,
/// as `pulumi convert` is given them.
fn support_mappings() -> MappingCache {
    let mut source = hclconv::mapping::MappingSource::embedded();
    let dir = shared().join("pct__support_mappings");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let json = std::fs::read_to_string(path).expect("readable mapping file");
        source = source
            .with_user_file(&path.display().to_string(), &json)
            .expect("valid mapping file");
    }
    source.into_cache()
}

/// Compares the converted project with the expected files; `Err` says what differs first.
fn compare(case: &Case, cache: &MappingCache) -> Result<(), String> {
    let conversion = convert(&case.example, Language::Pcl, cache);
    for (path, expected) in &case.expected {
        let Some(actual) = conversion.output.project.iter().find(|f| &f.path == path) else {
            return Err(format!("no {path} in the output"));
        };
        let want = canonical(expected).map_err(|e| format!("expected {path} {e}"))?;
        let got = canonical(&actual.text).map_err(|e| format!("our {path} {e}"))?;
        if want != got {
            let w: Vec<&str> = want.lines().collect();
            let g: Vec<&str> = got.lines().collect();
            let missing: Vec<&&str> = w.iter().filter(|x| !g.contains(x)).take(1).collect();
            let extra: Vec<&&str> = g.iter().filter(|x| !w.contains(x)).take(1).collect();
            return Err(format!("{path}: expected {missing:?}\n      got {extra:?}"));
        }
    }
    Ok(())
}

#[test]
fn pulumi_converter_tests_convert_to_equivalent_pcl() {
    let cases = cases();
    if cases.is_empty() {
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared/pulumi-tests is missing"
        );
        eprintln!("../shared/pulumi-tests not found: skipped");
        return;
    }
    // The conformance programs use their own `simple` provider (tokens `simple:index/resource:Resource`),
    // so the support mappings apply to the `pct__*` programs only.
    let (support, plain) = (support_mappings(), MappingCache::builtin());
    let (mut passed, mut failed, mut excluded) = (Vec::new(), Vec::new(), Vec::new());
    for case in &cases {
        if NEEDS_DOWNLOAD.contains(&case.name.as_str()) {
            excluded.push(case.name.clone());
            continue;
        }
        let cache = if case.name.starts_with("pct__") {
            &support
        } else {
            &plain
        };
        match compare(case, cache) {
            Ok(()) => passed.push(case.name.clone()),
            Err(why) => failed.push(format!("{}: {why}", case.name)),
        }
    }
    let total = passed.len() + failed.len();
    eprintln!(
        "pulumi-tests: {} of {total} equivalent ({:.1}%), {} excluded (registry download): {excluded:?}",
        passed.len(),
        100.0 * passed.len() as f64 / total.max(1) as f64,
        excluded.len()
    );
    for f in &failed {
        eprintln!("  FAIL {f}");
    }
    assert!(
        passed.len() >= FLOOR,
        "only {} equivalent programs; {FLOOR} passed before",
        passed.len()
    );
}

/// The comparison must notice a changed value, and must not notice reordering or layout.
#[test]
fn comparison_sees_values_not_layout() {
    let expected = "resource \"a\" \"t:index:r\" {\n  x = 1\n  y = \"s\"\n}\noutput \"o\" {\n  value = a.x\n}\n";
    let reordered =
        "output \"o\" { value = a.x }\nresource \"a\" \"t:index:r\" {\n  y = \"s\"\n    x = 1\n}\n";
    let changed = "resource \"a\" \"t:index:r\" {\n  x = 2\n  y = \"s\"\n}\noutput \"o\" {\n  value = a.x\n}\n";
    let (Ok(e), Ok(r), Ok(c)) = (
        canonical(expected),
        canonical(reordered),
        canonical(changed),
    ) else {
        panic!("test programs must parse")
    };
    assert_eq!(e, r);
    assert_ne!(e, c);
    // Strip markers that strip nothing are layout; ones that strip whitespace are not.
    let (Ok(a), Ok(b), Ok(c), Ok(d)) = (
        canonical("x = \"%{for n in ns}Hi ${n}!%{endfor}\""),
        canonical("x = \"%{for n in ns~}Hi ${n}!%{endfor~}\""),
        canonical("x = \"%{for n in ns} Hi ${n}!%{endfor}\""),
        canonical("x = \"%{for n in ns~} Hi ${n}!%{endfor}\""),
    ) else {
        panic!("templates must parse")
    };
    assert_eq!(a, b);
    assert_ne!(c, d);
    assert_eq!(a, d);
}

/// `CASE=pct__x cargo test --test pulumi_pcl debug_one_case -- --ignored --nocapture` prints the
/// canonical lines that differ.
#[test]
#[ignore]
fn debug_one_case() {
    let name = std::env::var("CASE").unwrap_or_default();
    let cache = if name.starts_with("pct__") {
        support_mappings()
    } else {
        MappingCache::builtin()
    };
    for case in cases().iter().filter(|c| c.name == name) {
        let conversion = convert(&case.example, Language::Pcl, &cache);
        for (path, expected) in &case.expected {
            let actual = conversion.output.project.iter().find(|f| &f.path == path);
            let want = canonical(expected).unwrap_or_default();
            let got = actual
                .map(|a| canonical(&a.text).unwrap_or_default())
                .unwrap_or_default();
            eprintln!("== {path}");
            for line in want.lines().filter(|l| !got.lines().any(|g| g == *l)) {
                eprintln!("want {line}");
            }
            for line in got.lines().filter(|l| !want.lines().any(|w| w == *l)) {
                eprintln!(" got {line}");
            }
        }
    }
}
