//! Property names from the embedded data + the naming rule agree with the Pulumi SDKs' own property names
//! (`../shared/mappings/{aws,gcp}/sdk-properties-npm-*.json`, which the generator does not read).
//!
//! Attributes measured, per type whose token the SDK lists (resources: all properties; data sources:
//! arguments and results):
//! - every top-level field of the embedded table: list/set attributes (where pluralisation applies) and
//!   explicitly renamed attributes;
//! - AWS only: the top-level attributes of the 2020 Terraform schema
//!   (`aws-2020-tf2pulumi-testdata-mapping.json`) for types whose token is unchanged since — independent
//!   Terraform names for scalars too. Attributes removed since 2020 are left out: one counts when the SDK
//!   still has it as `camelCase` or as its plural, so the check is whether the rule picked the right one.
//!
//! Skipped with a message when `../shared/mappings` is not beside the repository.

use hclconv::mapping::{
    camel_case, load_embedded, pluralize, property_name, ProviderMapping, TypeKind, TypeMapping,
};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

const THRESHOLD: f64 = 99.5;

#[derive(Default)]
struct Tally {
    agree: usize,
    total: usize,
    disagreements: Vec<String>,
}

impl Tally {
    fn check(&mut self, what: &str, generated: String, sdk: &BTreeSet<String>) {
        self.total += 1;
        if sdk.contains(&generated) {
            self.agree += 1;
        } else {
            self.disagreements.push(format!("{what} → {generated}"));
        }
    }

    fn percent(&self) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        self.agree as f64 * 100.0 / self.total as f64
    }
}

fn sdk_names(sdk: &Value, kind: TypeKind, token: &str) -> Option<BTreeSet<String>> {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    match kind {
        TypeKind::Resource => sdk
            .get("resources")?
            .get(token)
            .map(|v| strings(v).into_iter().collect()),
        TypeKind::DataSource => {
            let f = sdk.get("functions")?.get(token)?;
            let mut names: BTreeSet<String> = strings(f.get("args")?).into_iter().collect();
            names.extend(strings(f.get("results")?));
            Some(names)
        }
    }
}

fn name_in(entry: &TypeMapping, tf: &str) -> String {
    property_name(tf, entry.fields.get(tf), |s| entry.fields.contains_key(s))
}

fn tables(mapping: &ProviderMapping) -> [(TypeKind, &HashMap<String, TypeMapping>); 2] {
    [
        (TypeKind::Resource, &mapping.resources),
        (TypeKind::DataSource, &mapping.data_sources),
    ]
}

fn measure_fields(mapping: &ProviderMapping, sdk: &Value, tally: &mut Tally) -> usize {
    let mut missing_tokens = 0;
    for (kind, table) in tables(mapping) {
        for (tf_type, entry) in table {
            let Some(names) = sdk_names(sdk, kind, &entry.token) else {
                missing_tokens += 1;
                continue;
            };
            let mut fields: Vec<&String> = entry.fields.keys().collect();
            fields.sort();
            for tf in fields {
                tally.check(
                    &format!("{tf_type}.{tf} ({})", entry.token),
                    name_in(entry, tf),
                    &names,
                );
            }
        }
    }
    missing_tokens
}

fn measure_aws_2020(mapping: &ProviderMapping, sdk: &Value, old: &Value, tally: &mut Tally) {
    for (kind, section) in [
        (TypeKind::Resource, "resources"),
        (TypeKind::DataSource, "dataSources"),
    ] {
        let (Some(schemas), Some(infos)) = (
            old.get("provider")
                .and_then(|p| p.get(section))
                .and_then(Value::as_object),
            old.get(section).and_then(Value::as_object),
        ) else {
            continue;
        };
        for (tf_type, attrs) in schemas {
            let Some(entry) = mapping.lookup(kind, tf_type) else {
                continue;
            };
            let old_token = infos
                .get(tf_type)
                .and_then(|i| i.get("tok"))
                .and_then(Value::as_str);
            if old_token != Some(entry.token.as_str()) {
                continue;
            }
            let Some(names) = sdk_names(sdk, kind, &entry.token) else {
                continue;
            };
            let mut attrs: Vec<&String> = attrs
                .as_object()
                .map(|a| a.keys().collect())
                .unwrap_or_default();
            attrs.sort();
            for tf in attrs {
                let generated = name_in(entry, tf);
                // Attributes removed since 2020 (`enable_classiclink`) say nothing about names: an
                // attribute counts when the SDK still has it under either form the rule chooses between.
                let forms = [
                    camel_case(tf),
                    camel_case(&pluralize(tf)),
                    generated.clone(),
                ];
                if tf == "id" || !forms.iter().any(|f| names.contains(f)) {
                    continue;
                }
                tally.check(&format!("{tf_type}.{tf} (2020 schema)"), generated, &names);
            }
        }
    }
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn property_names_agree_with_the_sdks() {
    let mappings = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/mappings");
    if !mappings.join("PROVIDERS.tsv").exists() {
        eprintln!("../shared/mappings not found: skipped");
        return;
    }
    let mut failures = Vec::new();
    for (provider, folder, sdk_file) in [
        ("aws", "aws", "sdk-properties-npm-7.48.0.json"),
        ("google", "gcp", "sdk-properties-npm-9.37.0.json"),
    ] {
        let mapping = load_embedded(provider).expect("embedded table");
        let sdk = read(&mappings.join(folder).join(sdk_file));
        let mut fields = Tally::default();
        let missing = measure_fields(&mapping, &sdk, &mut fields);
        let mut all = Tally {
            agree: fields.agree,
            total: fields.total,
            disagreements: fields.disagreements.clone(),
        };
        eprintln!(
            "{provider}: table fields {}/{} agree = {:.2}% ({missing} types not in the SDK file)",
            fields.agree,
            fields.total,
            fields.percent()
        );
        if provider == "aws" {
            let mut old = Tally::default();
            let old_mapping = read(&mappings.join("aws/aws-2020-tf2pulumi-testdata-mapping.json"));
            measure_aws_2020(&mapping, &sdk, &old_mapping, &mut old);
            eprintln!(
                "aws: 2020-schema attributes {}/{} agree = {:.2}%",
                old.agree,
                old.total,
                old.percent()
            );
            all.agree += old.agree;
            all.total += old.total;
            all.disagreements.extend(old.disagreements);
        }
        eprintln!(
            "{provider}: all attributes {}/{} agree = {:.2}%; first disagreements: {:#?}",
            all.agree,
            all.total,
            all.percent(),
            all.disagreements.iter().take(12).collect::<Vec<_>>()
        );
        assert!(
            fields.total > 3000,
            "{provider}: too few attributes measured"
        );
        for (what, tally) in [("table fields", &fields), ("all attributes", &all)] {
            if tally.percent() < THRESHOLD {
                failures.push(format!(
                    "{provider} {what}: {:.2}% < {THRESHOLD}%; first disagreements:\n  {}",
                    tally.percent(),
                    tally
                        .disagreements
                        .iter()
                        .take(25)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("\n  ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
