//! Builds the embedded mapping tables from `../shared/mappings` (one folder per Pulumi package). Shared by
//! the `gen_mappings` example (which writes `src/mapping/data/`) and `tests/mapping_data.rs` (which checks
//! that the committed tables are what this produces). Everything is sorted: the output is deterministic.
//!
//! Per folder, in order of preference:
//! - `bridge-metadata.json` `auto-aliasing`: types, tokens and the list/max-items-one field tree;
//! - else `renames.resources`/`functions` (legacy token → Terraform type) and `schema.json` tokens, whose
//!   Terraform names follow the single-module rule (`consul:index/aclPolicy:AclPolicy` → `consul_acl_policy`);
//! - `kubernetes`: `terraform-mapping.json` and `helm-mapping.json` (MarshallableProviderInfo, read with the
//!   crate's own user-file parser); `datadog`: nothing, so the table says the data is missing.
//!
//! Explicit Pulumi names, where the naming rule does not give them: the AWS top-level `renames`; the legacy
//! `renames.renamedProperties` where reliable (confirmed by schema.json when there is one, else only true
//! renames, not pluralisation artefacts of an older max-items-one); and schema.json's property names, which
//! settle every list field (and nested ones, through the schema's types) the rule would name wrongly.
//! Field value types (for converting literals): see `field_types.rs` — from schema.json, or from the npm
//! SDKs' declarations as committed in `src/mapping/sdk-types/` by `scripts/gen-field-types.mjs`.
//! The npm `sdk-properties-*.json` files are deliberately NOT used: `tests/mapping_names.rs` measures the
//! rule against them, and that check would prove nothing if they fed the tables.

use crate::field_types::{self, SdkTypes};
use hclconv::mapping::format;
use hclconv::mapping::naming::{camel_case, pluralize, singularize, snake_case};
use hclconv::mapping::user::parse_marshallable_file;
use hclconv::mapping::{property_name, FieldMapping, Gap, ProviderMapping, TypeKind, TypeMapping};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

/// One provider's generated table.
pub struct Table {
    pub provider: String,
    pub package: String,
    pub folder: String,
    /// The uncompressed table text; `None` when the data is missing.
    pub text: Option<String>,
    /// Why the data is missing (when `text` is `None`).
    pub missing: Option<String>,
    pub source: String,
    pub resources: usize,
    pub data_sources: usize,
    pub fields: usize,
    pub explicit_names: usize,
    /// Fields with a value type.
    pub typed_fields: usize,
    pub notes: Vec<String>,
}

pub struct Generated {
    pub tables: Vec<Table>,
    /// Folders not turned into a table, with the reason.
    pub skipped: Vec<(String, String)>,
    /// `src/mapping/data/index.rs`.
    pub index_rs: String,
    /// `src/mapping/data/MANIFEST.tsv`.
    pub manifest: String,
}

/// Terraform provider names that other Terraform provider names stand for (`provider = google-beta`).
const ALIASES: &[(&str, &str)] = &[("google-beta", "google")];

/// Deflate level of the blobs (the runtime only inflates).
const LEVEL: u8 = 9;

pub fn compress(text: &str) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(text.as_bytes(), LEVEL)
}

pub fn inflate(bytes: &[u8]) -> Result<String, String> {
    let raw = miniz_oxide::inflate::decompress_to_vec(bytes).map_err(|e| format!("{e:?}"))?;
    String::from_utf8(raw).map_err(|e| e.to_string())
}

fn read_json(path: &Path) -> Result<Option<Value>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Terraform provider names by folder, from `PROVIDERS.tsv` (`tf_provider_name` column).
fn tf_names(mappings: &Path) -> Result<BTreeMap<String, String>, String> {
    let path = mappings.join("PROVIDERS.tsv");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    for line in text.lines().skip(1) {
        let mut cols = line.split('\t');
        if let (Some(folder), Some(name)) = (cols.next(), cols.next()) {
            out.insert(folder.to_string(), name.to_string());
        }
    }
    Ok(out)
}

/// The npm-derived field types of a package (`<sdk_types>/<package>.txt`), when committed.
fn read_sdk_types(sdk_types: &Path, package: &str) -> Result<Option<SdkTypes>, String> {
    let path = sdk_types.join(format!("{package}.txt"));
    match std::fs::read_to_string(&path) {
        Ok(text) => field_types::parse_sdk_types(&path.display().to_string(), &text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// `mappings`: `../shared/mappings`; `sdk_types`: `src/mapping/sdk-types`.
pub fn generate(mappings: &Path, sdk_types: &Path) -> Result<Generated, String> {
    let names = tf_names(mappings)?;
    let mut folders: Vec<String> = std::fs::read_dir(mappings)
        .map_err(|e| format!("{}: {e}", mappings.display()))?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    // A provider listed in PROVIDERS.tsv may have no folder at all (datadog): it still gets an entry.
    folders.extend(names.keys().cloned());
    folders.sort();
    folders.dedup();
    let mut tables = Vec::new();
    let mut skipped = Vec::new();
    for folder in folders {
        let dir = mappings.join(&folder);
        let tf_name = names
            .get(&folder)
            .cloned()
            .unwrap_or_else(|| folder.clone());
        if folder.starts_with('_') {
            skipped.push((
                folder,
                "test data for user-supplied mapping files (tests/mapping_user.rs), not embedded"
                    .into(),
            ));
            continue;
        }
        if tf_name.starts_with('(') {
            skipped.push((folder, format!("{tf_name}: nothing to map from Terraform")));
            continue;
        }
        if folder == "kubernetes" {
            let sdk = read_sdk_types(sdk_types, "kubernetes")?;
            tables.push(kubernetes(
                &dir,
                "terraform-mapping.json",
                "kubernetes",
                sdk.as_ref(),
            )?);
            tables.push(kubernetes(&dir, "helm-mapping.json", "helm", sdk.as_ref())?);
            continue;
        }
        let sdk = read_sdk_types(sdk_types, &folder)?;
        tables.push(provider_table(&dir, &folder, &tf_name, sdk.as_ref())?);
    }
    tables.sort_by(|a, b| a.provider.cmp(&b.provider));
    let index_rs = index_rs(&tables);
    let manifest = manifest(&tables, &skipped);
    Ok(Generated {
        tables,
        skipped,
        index_rs,
        manifest,
    })
}

fn kubernetes(
    dir: &Path,
    file: &str,
    provider: &str,
    sdk: Option<&SdkTypes>,
) -> Result<Table, String> {
    let path = dir.join(file);
    let json = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut mapping = parse_marshallable_file(file, &json).map_err(|e| e.to_string())?;
    mapping.provider = provider.to_string();
    let mut notes = vec![format!("{file}: hand-kept MarshallableProviderInfo subset")];
    if provider == "kubernetes" {
        mapping.gaps.push(Gap {
            kind: Some(TypeKind::DataSource),
            tf_type: None,
            reason:
                "the kubernetes mapping data has no data sources; Pulumi reads existing objects \
                     with a resource's get() instead"
                    .into(),
        });
        mapping.gaps.push(Gap {
            kind: Some(TypeKind::Resource),
            tf_type: Some("kubernetes_manifest".into()),
            reason: "kubernetes_manifest is not in the mapping data; Pulumi's nearest forms are the typed \
                     resource of the manifest's kind or kubernetes:yaml/v2:ConfigGroup"
                .into(),
        });
        notes.push("gap: no data sources (each reported as mapping-gap)".into());
        notes.push("gap: no kubernetes_manifest (reported as mapping-gap)".into());
        notes.push(apply_kubernetes_supplement(&mut mapping)?);
    }
    if let Some(sdk) = sdk {
        let typed = field_types::apply(&mut mapping, sdk, false);
        notes.push(format!(
            "{typed} field types from the npm SDK (src/mapping/sdk-types/kubernetes.txt)"
        ));
    }
    Ok(finish(mapping, "kubernetes", "marshallable", notes))
}

/// `kubernetes-supplement.json` (beside this file; its `about` lists the sources): types the hand-kept
/// subset lacks, types with no Pulumi equivalent (gaps), and Kubernetes API names and shapes the naming
/// rule gets wrong. Returns the manifest note.
fn apply_kubernetes_supplement(mapping: &mut ProviderMapping) -> Result<String, String> {
    const FILE: &str = "kubernetes-supplement.json";
    let supplement: Value = serde_json::from_str(include_str!("kubernetes-supplement.json"))
        .map_err(|e| format!("{FILE}: {e}"))?;
    let empty = Map::new();
    let section = |key: &str| {
        supplement
            .get(key)
            .and_then(Value::as_object)
            .unwrap_or(&empty)
    };
    // Per-type trees, read with the user-file parser (`tok` is required there; only the fields are used
    // for the `fields` section).
    let parse = |types: Map<String, Value>| -> Result<ProviderMapping, String> {
        let doc = serde_json::json!({ "name": "kubernetes", "resources": types });
        parse_marshallable_file(FILE, &doc.to_string()).map_err(|e| e.to_string())
    };
    let (mut added, mut tweaked) = (0, 0);
    let resources = section("resources");
    let parsed = parse(resources.clone())?;
    for (tf_type, entry) in resources {
        if mapping.resources.contains_key(tf_type) {
            continue;
        }
        let Some(mut found) = parsed.resources.get(tf_type).cloned() else {
            continue;
        };
        if let Some(same) = entry.get("sameAs").and_then(Value::as_str) {
            let tree = mapping
                .resources
                .get(same)
                .or_else(|| parsed.resources.get(same))
                .map(|t| t.fields.clone())
                .ok_or_else(|| format!("{FILE}: {tf_type}: sameAs `{same}` is unknown"))?;
            found.fields = tree;
        }
        mapping.resources.insert(tf_type.clone(), found);
        added += 1;
    }
    let additions: Map<String, Value> = section("fields")
        .iter()
        .map(|(t, f)| (t.clone(), serde_json::json!({ "tok": "-", "fields": f })))
        .collect();
    for (tf_type, extra) in parse(additions)?.resources {
        let entry = mapping
            .resources
            .get_mut(&tf_type)
            .ok_or_else(|| format!("{FILE}: fields for unknown type `{tf_type}`"))?;
        merge_fields(&mut entry.fields, extra.fields);
        tweaked += 1;
    }
    let mut by_name: Vec<(String, FieldMapping)> = Vec::new();
    let mut under: Vec<(String, String)> = Vec::new();
    for (name, info) in section("fieldNames") {
        let field = FieldMapping {
            name: info.get("name").and_then(Value::as_str).map(str::to_string),
            max_items_one: info.get("maxItemsOne").and_then(Value::as_bool),
            fields: HashMap::new(),
            value_type: None,
            no_equivalent: false,
            inline: info.get("inline").and_then(Value::as_bool) == Some(true),
            required: false,
        };
        by_name.push((name.clone(), field));
        for parent in info
            .get("under")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            under.push((parent.to_string(), name.clone()));
        }
    }
    let mut renamed = 0;
    for entry in mapping.resources.values_mut() {
        add_under(&mut entry.fields, &under);
        renamed += rename_everywhere(&mut entry.fields, &by_name);
    }
    for (tf_type, token) in section("tokens") {
        let entry = mapping
            .resources
            .get_mut(tf_type)
            .ok_or_else(|| format!("{FILE}: token for unknown type `{tf_type}`"))?;
        entry.token = token.as_str().unwrap_or_default().to_string();
        tweaked += 1;
    }
    let mut terraform_only = 0;
    for (argument, types) in section("terraformOnly") {
        for tf_type in types
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let entry = mapping
                .resources
                .get_mut(tf_type)
                .ok_or_else(|| format!("{FILE}: terraformOnly for unknown type `{tf_type}`"))?;
            entry
                .fields
                .entry(argument.clone())
                .or_default()
                .no_equivalent = true;
            terraform_only += 1;
        }
    }
    for (tf_type, reason) in section("gaps") {
        mapping.gaps.push(Gap {
            kind: Some(TypeKind::Resource),
            tf_type: Some(tf_type.clone()),
            reason: reason.as_str().unwrap_or_default().to_string(),
        });
    }
    Ok(format!(
        "{FILE}: {added} types added, {} gaps, {tweaked} trees extended or tokens corrected, {renamed} fields renamed or reshaped, {terraform_only} Terraform-only arguments",
        section("gaps").len()
    ))
}

/// `extra` over `fields`: its names and max-items-one win, nested fields merge.
fn merge_fields(fields: &mut HashMap<String, FieldMapping>, extra: HashMap<String, FieldMapping>) {
    for (key, field) in extra {
        let target = fields.entry(key).or_default();
        if field.name.is_some() {
            target.name = field.name;
        }
        if field.max_items_one.is_some() {
            target.max_items_one = field.max_items_one;
        }
        merge_fields(&mut target.fields, field.fields);
    }
}

/// Adds an (empty) field `child` below every field named `parent`, for each `(parent, child)`.
fn add_under(fields: &mut HashMap<String, FieldMapping>, pairs: &[(String, String)]) {
    for (key, field) in fields.iter_mut() {
        for (_, child) in pairs.iter().filter(|(parent, _)| parent == key) {
            field.fields.entry(child.clone()).or_default();
        }
        // After adding: an added field may itself be a parent.
        add_under(&mut field.fields, pairs);
    }
}

/// Applies the name and shape of `rules` to every field of that Terraform name, at any depth.
fn rename_everywhere(
    fields: &mut HashMap<String, FieldMapping>,
    rules: &[(String, FieldMapping)],
) -> usize {
    let mut count = 0;
    for (key, field) in fields.iter_mut() {
        if let Some((_, rule)) = rules.iter().find(|(name, _)| name == key) {
            if rule.name.is_some() {
                field.name.clone_from(&rule.name);
            }
            if rule.max_items_one.is_some() {
                field.max_items_one = rule.max_items_one;
            }
            field.inline |= rule.inline;
            count += 1;
        }
        count += rename_everywhere(&mut field.fields, rules);
    }
    count
}

fn provider_table(
    dir: &Path,
    folder: &str,
    tf_name: &str,
    sdk: Option<&SdkTypes>,
) -> Result<Table, String> {
    let metadata = read_json(&dir.join("bridge-metadata.json"))?;
    let schema = read_json(&dir.join("schema.json"))?;
    if metadata.is_none() && schema.is_none() {
        return Ok(Table {
            provider: tf_name.to_string(),
            package: folder.to_string(),
            folder: folder.to_string(),
            text: None,
            missing: Some(format!(
                "nothing could be collected for it (no bridge metadata and no schema in \
                 ../shared/mappings/{folder})"
            )),
            source: "missing".into(),
            resources: 0,
            data_sources: 0,
            fields: 0,
            explicit_names: 0,
            typed_fields: 0,
            notes: vec!["no data: lookups fail with MissingData; tokens are guessed".into()],
        });
    }
    let mut mapping = ProviderMapping {
        provider: tf_name.to_string(),
        package: folder.to_string(),
        ..Default::default()
    };
    let mut notes = Vec::new();
    let empty = Map::new();
    let meta = metadata
        .as_ref()
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let aliasing = meta.get("auto-aliasing").and_then(Value::as_object);
    let renames = meta.get("renames").and_then(Value::as_object);
    let schema_obj = schema.as_ref().and_then(Value::as_object);
    let has_aliasing = aliasing.is_some_and(|a| {
        ["resources", "datasources"].iter().any(|k| {
            a.get(*k)
                .and_then(Value::as_object)
                .is_some_and(|m| !m.is_empty())
        })
    });
    let source;
    if let (true, Some(aliasing)) = (has_aliasing, aliasing) {
        source = if schema_obj.is_some() {
            "auto-aliasing+schema"
        } else {
            "auto-aliasing"
        };
        for (section, kind) in [
            ("resources", TypeKind::Resource),
            ("datasources", TypeKind::DataSource),
        ] {
            for (tf_type, entry) in aliasing
                .get(section)
                .and_then(Value::as_object)
                .unwrap_or(&empty)
            {
                let Some(token) = entry.get("current").and_then(Value::as_str) else {
                    continue;
                };
                let fields = entry
                    .get("fields")
                    .and_then(Value::as_object)
                    .map(aliasing_fields)
                    .unwrap_or_default();
                table_mut(&mut mapping, kind).insert(
                    tf_type.clone(),
                    TypeMapping {
                        token: token.to_string(),
                        fields,
                    },
                );
            }
        }
    } else {
        // No auto-aliasing: legacy renames give Terraform names for some tokens, the schema the rest.
        source = match (renames.is_some(), schema_obj.is_some()) {
            (true, true) => "legacy-renames+schema",
            (false, true) => "schema (derived Terraform names)",
            _ => "legacy-renames",
        };
        let mut named: BTreeMap<String, (TypeKind, String)> = BTreeMap::new();
        for (section, kind) in [
            ("resources", TypeKind::Resource),
            ("functions", TypeKind::DataSource),
        ] {
            for (token, tf_type) in renames
                .and_then(|r| r.get(section))
                .and_then(Value::as_object)
                .unwrap_or(&empty)
            {
                if let Some(tf_type) = tf_type.as_str() {
                    named.insert(token.clone(), (kind, tf_type.to_string()));
                }
            }
        }
        let mut derived = 0;
        if let Some(schema) = schema_obj {
            for (section, kind) in [
                ("resources", TypeKind::Resource),
                ("functions", TypeKind::DataSource),
            ] {
                for token in schema
                    .get(section)
                    .and_then(Value::as_object)
                    .unwrap_or(&empty)
                    .keys()
                {
                    if named.contains_key(token) {
                        continue;
                    }
                    if let Some(tf_type) = derive_tf_type(tf_name, token, kind) {
                        derived += 1;
                        named.insert(token.clone(), (kind, tf_type));
                    }
                }
            }
        }
        for (token, (kind, tf_type)) in named {
            let fields = schema_obj
                .map(|s| schema_type_fields(s, &token, kind, renamed_properties(renames, &token)))
                .unwrap_or_default();
            let table = table_mut(&mut mapping, kind);
            // Two deprecated tokens may derive one name; the first (sorted) token wins.
            table
                .entry(tf_type)
                .or_insert(TypeMapping { token, fields });
        }
        let reason = if has_legacy_types(renames) {
            format!(
                "{tf_name} has no auto-aliasing table: types come from the legacy renames and \
                 schema.json ({derived} Terraform names derived from tokens), fields from schema.json"
            )
        } else {
            format!(
                "only schema.json was collected for {tf_name}: Terraform names are derived from Pulumi \
                 tokens and property names by the naming rule and may differ from the real ones"
            )
        };
        notes.push(format!(
            "derived: {derived} Terraform type names from schema tokens"
        ));
        mapping.gaps.push(Gap {
            kind: None,
            tf_type: None,
            reason,
        });
    }
    let explicit = apply_renames(&mut mapping, renames, schema_obj, folder == "aws");
    if explicit > 0 {
        notes.push(format!("{explicit} explicit names from renames/schema"));
    }
    // Field types: the committed npm-derived file wins (it exists where schema.json is missing).
    match (sdk, schema_obj) {
        (Some(sdk), _) => {
            let typed = field_types::apply(&mut mapping, sdk, true);
            notes.push(format!(
                "{typed} field types from the npm SDK (src/mapping/sdk-types/{folder}.txt)"
            ));
        }
        (None, Some(schema)) => {
            let typed = field_types::apply(&mut mapping, &field_types::from_schema(schema), true);
            notes.push(format!("{typed} field types from schema.json"));
        }
        (None, None) => notes.push("no field types (no schema.json, no npm SDK types)".into()),
    }
    if folder == "aws" {
        notes.push(
            "bridge-metadata is DERIVED (cdktf 21.22.1 ↔ @pulumi/aws 7.48.0); top-level renames applied; \
             the 2020 tf2pulumi mapping is not used (superseded)"
                .into(),
        );
    }
    for (alias, target) in ALIASES {
        if *target == tf_name {
            notes.push(format!("alias: {alias} → {target}"));
        }
    }
    Ok(finish(mapping, folder, source, notes))
}

fn has_legacy_types(renames: Option<&Map<String, Value>>) -> bool {
    renames.is_some_and(|r| {
        ["resources", "functions"].iter().any(|k| {
            r.get(*k)
                .and_then(Value::as_object)
                .is_some_and(|m| !m.is_empty())
        })
    })
}

fn table_mut(mapping: &mut ProviderMapping, kind: TypeKind) -> &mut HashMap<String, TypeMapping> {
    match kind {
        TypeKind::Resource => &mut mapping.resources,
        TypeKind::DataSource => &mut mapping.data_sources,
    }
}

/// `consul:index/aclPolicy:AclPolicy` → `consul_acl_policy`; functions drop `get`.
fn derive_tf_type(tf_name: &str, token: &str, kind: TypeKind) -> Option<String> {
    let mut parts = token.split(':');
    let (package, module, _name) = (parts.next()?, parts.next()?, parts.next()?);
    if package == "pulumi" || parts.next().is_some() {
        return None;
    }
    let member = module.rsplit('/').next()?;
    let member = match kind {
        TypeKind::DataSource => member.strip_prefix("get").unwrap_or(member),
        TypeKind::Resource => member,
    };
    if member.is_empty() {
        return None;
    }
    Some(format!("{tf_name}_{}", snake_case(member)))
}

/// The auto-aliasing field tree: `maxItemsOne`, nested `fields`, list elements' `elem.fields`.
fn aliasing_fields(fields: &Map<String, Value>) -> HashMap<String, FieldMapping> {
    let mut out = HashMap::new();
    for (name, node) in fields {
        let mut field = FieldMapping {
            max_items_one: node.get("maxItemsOne").and_then(Value::as_bool),
            ..Default::default()
        };
        if let Some(nested) = node.get("fields").and_then(Value::as_object) {
            field.fields.extend(aliasing_fields(nested));
        }
        let mut elem = node.get("elem");
        while let Some(e) = elem {
            if let Some(nested) = e.get("fields").and_then(Value::as_object) {
                field.fields.extend(aliasing_fields(nested));
            }
            elem = e.get("elem");
        }
        out.insert(name.clone(), field);
    }
    out
}

fn renamed_properties<'a>(
    renames: Option<&'a Map<String, Value>>,
    token: &str,
) -> Option<&'a Map<String, Value>> {
    renames
        .and_then(|r| r.get("renamedProperties"))
        .and_then(|r| r.get(token))
        .and_then(Value::as_object)
}

/// The Pulumi properties of a resource (inputs and outputs) or function (arguments and results).
fn token_properties<'a>(
    schema: &'a Map<String, Value>,
    token: &str,
    kind: TypeKind,
) -> Vec<&'a Map<String, Value>> {
    let (section, keys): (&str, &[&str]) = match kind {
        TypeKind::Resource => ("resources", &["inputProperties", "properties"]),
        TypeKind::DataSource => ("functions", &["inputs", "outputs"]),
    };
    let Some(entry) = schema.get(section).and_then(|s| s.get(token)) else {
        return Vec::new();
    };
    keys.iter()
        .filter_map(|k| entry.get(*k))
        .filter_map(|v| match kind {
            TypeKind::Resource => v.as_object(),
            TypeKind::DataSource => v.get("properties").and_then(Value::as_object),
        })
        .collect()
}

/// The type token a property refers to, directly (max-items-one) or as list elements.
fn type_reference(property: &Value) -> Option<&str> {
    property
        .get("$ref")
        .or_else(|| property.get("items").and_then(|i| i.get("$ref")))
        .and_then(Value::as_str)?
        .strip_prefix("#/types/")
}

/// The properties of the object type a property refers to.
fn object_type<'a>(
    schema: &'a Map<String, Value>,
    property: &Value,
) -> Option<&'a Map<String, Value>> {
    let token = type_reference(property)?;
    let def = schema.get("types")?.get(token)?;
    (def.get("type").and_then(Value::as_str) == Some("object"))
        .then(|| def.get("properties").and_then(Value::as_object))
        .flatten()
}

fn merged_properties<'a>(maps: &[&'a Map<String, Value>]) -> BTreeMap<&'a str, &'a Value> {
    let mut out = BTreeMap::new();
    for map in maps {
        for (k, v) in *map {
            out.entry(k.as_str()).or_insert(v);
        }
    }
    out
}

/// Fields of a type known only from schema.json: Terraform names by reversing the naming rule (or from
/// the legacy renames), with explicit names wherever the rule would not give the schema's name back.
fn schema_type_fields(
    schema: &Map<String, Value>,
    token: &str,
    kind: TypeKind,
    renamed: Option<&Map<String, Value>>,
) -> HashMap<String, FieldMapping> {
    let props = merged_properties(&token_properties(schema, token, kind));
    schema_fields(schema, &props, renamed, &mut Vec::new())
}

/// Object types are followed at most [`MAX_DEPTH`] levels deep and never into a type already on the path
/// (schemas have recursive types).
const MAX_DEPTH: usize = 8;

fn schema_fields<'s>(
    schema: &'s Map<String, Value>,
    props: &BTreeMap<&'s str, &'s Value>,
    renamed: Option<&Map<String, Value>>,
    path: &mut Vec<&'s str>,
) -> HashMap<String, FieldMapping> {
    let mut out: HashMap<String, FieldMapping> = HashMap::new();
    let mut pulumi_names: HashMap<String, String> = HashMap::new();
    for (pulumi, prop) in props {
        let is_list = prop.get("type").and_then(Value::as_str) == Some("array");
        let reference = type_reference(prop);
        let object = object_type(schema, prop);
        let tf = renamed
            .and_then(|r| r.get(*pulumi))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| {
                let snake = snake_case(pulumi);
                if is_list && object.is_some() {
                    singularize(&snake)
                } else {
                    snake
                }
            });
        let mut field = FieldMapping {
            max_items_one: if is_list {
                Some(false)
            } else if object.is_some() {
                Some(true)
            } else {
                None
            },
            ..Default::default()
        };
        if let (Some(nested), Some(reference)) = (object, reference) {
            if path.len() < MAX_DEPTH && !path.contains(&reference) {
                let nested = nested.iter().map(|(k, v)| (k.as_str(), v)).collect();
                path.push(reference);
                field.fields = schema_fields(schema, &nested, None, path);
                path.pop();
            }
        }
        pulumi_names.insert(tf.clone(), pulumi.to_string());
        out.entry(tf).or_insert(field);
    }
    // Scalars first: their names do not depend on siblings. The lists' plural check then sees exactly
    // the fields that survive pruning, as the runtime will.
    for (tf, field) in out.iter_mut() {
        let wanted = pulumi_names.get(tf).cloned().unwrap_or_default();
        if field.max_items_one.is_none() && camel_case(tf) != wanted {
            field.name = Some(wanted);
        }
    }
    prune(&mut out);
    let kept: BTreeSet<String> = out.keys().cloned().collect();
    for (tf, field) in out.iter_mut() {
        let wanted = pulumi_names.get(tf).cloned().unwrap_or_default();
        if field.max_items_one.is_some()
            && property_name(tf, Some(field), |s| kept.contains(s)) != wanted
        {
            field.name = Some(wanted);
        }
    }
    out
}

/// Drops fields that say nothing the naming rule cannot work out.
fn prune(fields: &mut HashMap<String, FieldMapping>) {
    for field in fields.values_mut() {
        prune(&mut field.fields);
    }
    fields.retain(|_, f| {
        f.name.is_some()
            || f.no_equivalent
            || f.max_items_one.is_some()
            || f.value_type.is_some()
            || !f.fields.is_empty()
    });
}

/// Explicit names from the renames tables and schema.json. Returns how many were set.
fn apply_renames(
    mapping: &mut ProviderMapping,
    renames: Option<&Map<String, Value>>,
    schema: Option<&Map<String, Value>>,
    top_level_renames: bool,
) -> usize {
    let mut count = 0;
    for kind in [TypeKind::Resource, TypeKind::DataSource] {
        for entry in table_mut(mapping, kind).values_mut() {
            // AWS: `renames` is token → {Pulumi name: Terraform name}, all of them deliberate.
            if top_level_renames {
                if let Some(map) = renames
                    .and_then(|r| r.get(&entry.token))
                    .and_then(Value::as_object)
                {
                    for (pulumi, tf) in map {
                        if let Some(tf) = tf.as_str() {
                            count += set_name(&mut entry.fields, tf, pulumi);
                        }
                    }
                }
            }
            let props = schema.map(|s| merged_properties(&token_properties(s, &entry.token, kind)));
            let props = props.filter(|p| !p.is_empty());
            if let Some(map) = renamed_properties(renames, &entry.token) {
                for (pulumi, tf) in map {
                    let Some(tf) = tf.as_str() else { continue };
                    let reliable = match &props {
                        Some(props) => props.contains_key(pulumi.as_str()),
                        None => *pulumi != camel_case(tf) && *pulumi != camel_case(&pluralize(tf)),
                    };
                    if reliable {
                        count += set_name(&mut entry.fields, tf, pulumi);
                    }
                }
            }
            if let (Some(schema), Some(props)) = (schema, &props) {
                count += settle_with_schema(schema, props, &mut entry.fields, 0);
            }
        }
    }
    count
}

/// Sets `fields[tf].name = pulumi` unless the naming rule already gives it. Returns 1 when set.
fn set_name(fields: &mut HashMap<String, FieldMapping>, tf: &str, pulumi: &str) -> usize {
    let keys: BTreeSet<String> = fields.keys().cloned().collect();
    let field = fields.entry(tf.to_string()).or_default();
    if field.name.is_some() || property_name(tf, Some(field), |s| keys.contains(s)) == pulumi {
        return 0;
    }
    field.name = Some(pulumi.to_string());
    1
}

/// Where the rule names a known field wrongly and schema.json has exactly one other way to write it
/// (`camelCase` or its plural), that name becomes explicit; then the same below, through object types.
fn settle_with_schema(
    schema: &Map<String, Value>,
    props: &BTreeMap<&str, &Value>,
    fields: &mut HashMap<String, FieldMapping>,
    depth: usize,
) -> usize {
    let mut count = 0;
    let keys: BTreeSet<String> = fields.keys().cloned().collect();
    for (tf, field) in fields.iter_mut() {
        let mut name = property_name(tf, Some(field), |s| keys.contains(s));
        if !props.contains_key(name.as_str()) {
            let candidates: BTreeSet<String> = [camel_case(tf), camel_case(&pluralize(tf))]
                .into_iter()
                .filter(|c| props.contains_key(c.as_str()))
                .collect();
            if candidates.len() == 1 {
                if let Some(found) = candidates.into_iter().next() {
                    field.name = Some(found.clone());
                    name = found;
                    count += 1;
                }
            }
        }
        if field.fields.is_empty() || depth >= 12 {
            continue;
        }
        let nested = props
            .get(name.as_str())
            .and_then(|p| object_type(schema, p))
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.as_str(), v))
                    .collect::<BTreeMap<_, _>>()
            });
        if let Some(nested) = nested {
            count += settle_with_schema(schema, &nested, &mut field.fields, depth + 1);
        }
    }
    count
}

/// Fields, explicit names and value types, at every depth.
fn count_fields(fields: &HashMap<String, FieldMapping>) -> (usize, usize, usize) {
    fields.values().fold((0, 0, 0), |(n, named, typed), f| {
        let (sub_n, sub_named, sub_typed) = count_fields(&f.fields);
        (
            n + 1 + sub_n,
            named + usize::from(f.name.is_some()) + sub_named,
            typed + usize::from(f.value_type.is_some()) + sub_typed,
        )
    })
}

fn finish(mapping: ProviderMapping, folder: &str, source: &str, notes: Vec<String>) -> Table {
    let (mut fields, mut explicit_names, mut typed_fields) = (0, 0, 0);
    for entry in mapping
        .resources
        .values()
        .chain(mapping.data_sources.values())
    {
        let (n, named, typed) = count_fields(&entry.fields);
        fields += n;
        explicit_names += named;
        typed_fields += typed;
    }
    Table {
        provider: mapping.provider.clone(),
        package: mapping.package.clone(),
        folder: folder.to_string(),
        text: Some(format::encode(&mapping)),
        missing: None,
        source: source.to_string(),
        resources: mapping.resources.len(),
        data_sources: mapping.data_sources.len(),
        fields,
        explicit_names,
        typed_fields,
        notes,
    }
}

fn type_prefixes(table: &Table) -> BTreeSet<String> {
    let Some(text) = &table.text else {
        return BTreeSet::new();
    };
    text.lines()
        .filter_map(|l| l.strip_prefix("r ").or_else(|| l.strip_prefix("d ")))
        .filter_map(|l| l.split('_').next())
        .map(str::to_string)
        .collect()
}

fn index_rs(tables: &[Table]) -> String {
    let mut out = String::from(
        "// @generated by scripts/gen-mappings from ../shared/mappings: do not edit.\n\
         use super::{EmbeddedProvider, Table};\n\n\
         /// Every provider, sorted by Terraform provider name.\n\
         pub(super) static PROVIDERS: &[EmbeddedProvider] = &[\n",
    );
    for t in tables {
        let table = match (&t.text, &t.missing) {
            (Some(_), _) => format!("Table::Deflate(include_bytes!(\"{}.bin\"))", t.provider),
            (None, reason) => format!("Table::Missing({:?})", reason.clone().unwrap_or_default()),
        };
        let _ = writeln!(
            out,
            "    EmbeddedProvider {{\n        provider: {:?},\n        package: {:?},\n        table: {table},\n    }},",
            t.provider, t.package
        );
    }
    out.push_str("];\n\n/// Terraform provider names that stand for another one.\n");
    out.push_str("pub(super) static ALIASES: &[(&str, &str)] = &[\n");
    for (alias, target) in ALIASES {
        let _ = writeln!(out, "    ({alias:?}, {target:?}),");
    }
    out.push_str(
        "];\n\n/// Type-name prefix → Terraform provider, for every type in the data.\n\
         pub(super) static PREFIXES: &[(&str, &str)] = &[\n",
    );
    let mut prefixes: BTreeMap<String, String> = BTreeMap::new();
    for t in tables {
        for prefix in type_prefixes(t) {
            prefixes.entry(prefix).or_insert_with(|| t.provider.clone());
        }
    }
    for (prefix, provider) in prefixes {
        let _ = writeln!(out, "    ({prefix:?}, {provider:?}),");
    }
    out.push_str("];\n");
    out
}

fn manifest(tables: &[Table], skipped: &[(String, String)]) -> String {
    let mut out = String::from(
        "provider\tpackage\tfolder\tsource\tresources\tdata_sources\tfields\texplicit_names\ttyped_fields\ttable_bytes\tnotes\n",
    );
    for t in tables {
        let notes = match &t.missing {
            Some(reason) => format!("MISSING: {reason}"),
            None => t.notes.join("; "),
        };
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            t.provider,
            t.package,
            t.folder,
            t.source,
            t.resources,
            t.data_sources,
            t.fields,
            t.explicit_names,
            t.typed_fields,
            t.text.as_ref().map_or(0, String::len),
            notes
        );
    }
    for (folder, reason) in skipped {
        let _ = writeln!(out, "-\t-\t{folder}\tskipped\t0\t0\t0\t0\t0\t0\t{reason}");
    }
    out
}

/// Writes the tables, index and manifest into `out` and removes tables of providers no longer generated.
pub fn write(generated: &Generated, out: &Path) -> Result<(), String> {
    let io = |e: std::io::Error| format!("{}: {e}", out.display());
    std::fs::create_dir_all(out).map_err(io)?;
    let keep: BTreeSet<String> = generated
        .tables
        .iter()
        .filter(|t| t.text.is_some())
        .map(|t| format!("{}.bin", t.provider))
        .collect();
    for entry in std::fs::read_dir(out).map_err(io)?.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".bin") && !keep.contains(&name) {
            std::fs::remove_file(entry.path()).map_err(io)?;
        }
    }
    for t in &generated.tables {
        if let Some(text) = &t.text {
            std::fs::write(out.join(format!("{}.bin", t.provider)), compress(text)).map_err(io)?;
        }
    }
    std::fs::write(out.join("index.rs"), &generated.index_rs).map_err(io)?;
    std::fs::write(out.join("MANIFEST.tsv"), &generated.manifest).map_err(io)?;
    Ok(())
}
