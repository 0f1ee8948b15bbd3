//! User-supplied mapping files in Pulumi's `MarshallableProviderInfo` JSON — the format `pulumi convert`
//! reads for a provider it does not know (`../shared/mappings/_pulumi-converter-testdata`), which is also the
//! format of the hand-kept kubernetes and helm files the generator embeds.
//!
//! What is read: `name` (the Terraform provider name), `resources` / `dataSources` (Terraform type →
//! `{tok, fields}`), and `provider.resources` / `provider.dataSources` (the Terraform schema: attribute →
//! `{type, maxItems, element}`). Types 5 (list) and 7 (set) are lists, max-items-one when `maxItems` is 1;
//! a field's `maxItemsOne` (true/false) overrides that, and its `name` is an explicit Pulumi name. Nested
//! fields come from the schema's `element.resource` and from the field's `fields` and `elem` — some files
//! say `element` instead of `elem`, and Go wrote the type override as `typeomitempty`: both are accepted
//! (the type override itself does not affect names and is ignored, like `default`, `asset`, `altTypes`).
//! The schema's primitive types (bool 1, int 2, float 3, string 4, and lists, sets and maps of them) become
//! the fields' value types, so that literals convert as Terraform converts them.

use super::{
    package_for_provider, FieldMapping, MappingError, ProviderMapping, ScalarType, TypeMapping,
    ValueType,
};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Terraform's schema value types (`helper/schema.ValueType`).
const TYPE_BOOL: u64 = 1;
const TYPE_INT: u64 = 2;
const TYPE_FLOAT: u64 = 3;
const TYPE_STRING: u64 = 4;
const TYPE_LIST: u64 = 5;
const TYPE_SET: u64 = 7;
const TYPE_MAP: u64 = 6;

/// Parses a `MarshallableProviderInfo` document. Errors name the file as `<mapping>`; see
/// [`parse_marshallable_file`] to name it.
pub fn parse_marshallable(json: &str) -> Result<ProviderMapping, MappingError> {
    parse_marshallable_file("<mapping>", json)
}

/// [`parse_marshallable`], with `file` named in errors.
pub fn parse_marshallable_file(file: &str, json: &str) -> Result<ProviderMapping, MappingError> {
    let invalid = |reason: String| MappingError::InvalidFile {
        file: file.to_string(),
        reason,
    };
    let root: Value = serde_json::from_str(json).map_err(|e| invalid(e.to_string()))?;
    let root = root
        .as_object()
        .ok_or_else(|| invalid("the document is not a JSON object".into()))?;
    let schema = root.get("provider").and_then(Value::as_object);
    let resources = read_types(root, schema, "resources").map_err(invalid)?;
    let data_sources = read_types(root, schema, "dataSources").map_err(invalid)?;
    let provider = match root.get("name").and_then(Value::as_str) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => resources
            .keys()
            .chain(data_sources.keys())
            .min()
            .and_then(|t| t.split_once('_'))
            .map(|(p, _)| p.to_string())
            .ok_or_else(|| {
                invalid("no `name` and no types to take the provider name from".into())
            })?,
    };
    // The package is what the tokens say (helm's tokens are `kubernetes:...`).
    let package = resources
        .values()
        .chain(data_sources.values())
        .map(|t| t.token.as_str())
        .min()
        .and_then(|t| t.split(':').next())
        .filter(|p| !p.is_empty())
        .map_or_else(
            || package_for_provider(&provider).to_string(),
            str::to_string,
        );
    Ok(ProviderMapping {
        provider,
        package,
        resources,
        data_sources,
        gaps: Vec::new(),
    })
}

fn read_types(
    root: &Map<String, Value>,
    schema: Option<&Map<String, Value>>,
    section: &str,
) -> Result<HashMap<String, TypeMapping>, String> {
    let mut out = HashMap::new();
    let Some(infos) = root.get(section).and_then(Value::as_object) else {
        return Ok(out);
    };
    let schemas = schema
        .and_then(|s| s.get(section))
        .and_then(Value::as_object);
    for (tf_type, info) in infos {
        let token = info
            .get("tok")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| format!("{section}.{tf_type} has no `tok`"))?;
        let mut fields = HashMap::new();
        if let Some(attrs) = schemas
            .and_then(|s| s.get(tf_type))
            .and_then(Value::as_object)
        {
            schema_fields(attrs, &mut fields);
        }
        if let Some(overrides) = info.get("fields").and_then(Value::as_object) {
            info_fields(overrides, &mut fields);
        }
        out.insert(
            tf_type.clone(),
            TypeMapping {
                token: token.to_string(),
                fields,
            },
        );
    }
    Ok(out)
}

/// Fields from the Terraform schema: list-ness, `maxItems: 1`, nested resources. A map of
/// resources is a single object in Pulumi (no list-ness, but named fields); a list of lists of
/// resources names the innermost resource's fields.
fn schema_fields(attrs: &Map<String, Value>, out: &mut HashMap<String, FieldMapping>) {
    for (name, attr) in attrs {
        let field = out.entry(name.clone()).or_default();
        let kind = attr.get("type").and_then(Value::as_u64);
        field.value_type = value_type(attr, kind);
        if matches!(kind, Some(TYPE_LIST | TYPE_SET)) {
            let max_items = attr.get("maxItems").and_then(Value::as_u64);
            field.max_items_one = Some(max_items == Some(1));
        }
        if matches!(kind, Some(TYPE_LIST | TYPE_SET | TYPE_MAP)) {
            if let Some(nested) = element_resource(attr, 0) {
                // A map of resources is one object in Pulumi: max-items-one in effect.
                if kind == Some(TYPE_MAP) {
                    field.max_items_one = Some(true);
                }
                schema_fields(nested, &mut field.fields);
            }
        }
    }
}

fn scalar_type(kind: Option<u64>) -> Option<ScalarType> {
    match kind? {
        TYPE_BOOL => Some(ScalarType::Bool),
        TYPE_INT | TYPE_FLOAT => Some(ScalarType::Number),
        TYPE_STRING => Some(ScalarType::String),
        _ => None,
    }
}

/// A primitive, or a list, set or map of primitives. A map without an element schema is a map of
/// strings, as in Terraform's SDK.
fn value_type(attr: &Value, kind: Option<u64>) -> Option<ValueType> {
    let element = ["element", "elem"].iter().find_map(|k| attr.get(*k));
    let element_type = || {
        scalar_type(
            element
                .and_then(|e| e.get("schema"))
                .and_then(|s| s.get("type"))
                .and_then(Value::as_u64),
        )
    };
    match kind? {
        TYPE_LIST | TYPE_SET => element_type().map(ValueType::List),
        TYPE_MAP if element.is_none() => Some(ValueType::Map(ScalarType::String)),
        TYPE_MAP => element_type().map(ValueType::Map),
        other => scalar_type(Some(other)).map(ValueType::Scalar),
    }
}

/// The resource schema of a collection's elements, through nested collections.
fn element_resource(attr: &Value, depth: usize) -> Option<&Map<String, Value>> {
    if depth > 8 {
        return None;
    }
    let element = ["element", "elem"].iter().find_map(|k| attr.get(*k))?;
    if let Some(resource) = element.get("resource").and_then(Value::as_object) {
        return Some(resource);
    }
    element_resource(element.get("schema")?, depth + 1)
}

/// Fields from `SchemaInfo` overrides: explicit names, `maxItemsOne`, nested `fields` and `elem`/`element`.
fn info_fields(infos: &Map<String, Value>, out: &mut HashMap<String, FieldMapping>) {
    for (name, info) in infos {
        let field = out.entry(name.clone()).or_default();
        apply_info(info, field);
    }
}

fn apply_info(info: &Value, field: &mut FieldMapping) {
    if let Some(name) = info.get("name").and_then(Value::as_str) {
        if !name.is_empty() {
            field.name = Some(name.to_string());
        }
    }
    if let Some(one) = info.get("maxItemsOne").and_then(Value::as_bool) {
        field.max_items_one = Some(one);
    }
    if let Some(nested) = info.get("fields").and_then(Value::as_object) {
        info_fields(nested, &mut field.fields);
    }
    // The element's own fields are the list elements' fields; its name/maxItemsOne do not apply here.
    if let Some(element) = ["elem", "element"].iter().find_map(|k| info.get(*k)) {
        if let Some(nested) = element.get("fields").and_then(Value::as_object) {
            info_fields(nested, &mut field.fields);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::{property_name, TypeKind};

    const FILE: &str = r#"{
        "name": "demo",
        "provider": {"resources": {"demo_thing": {
            "rule": {"type": 5, "element": {"resource": {"port": {"type": 7, "element": {"schema": {"type": 2}}}}}},
            "config": {"type": 5, "maxItems": 1, "element": {"resource": {"size": {"type": 2}}}},
            "label": {"type": 4}
        }}},
        "resources": {"demo_thing": {"tok": "demo:index/thing:Thing", "fields": {
            "label": {"name": "title", "typeomitempty": "string"},
            "rule": {"element": {"fields": {"port": {"name": "portNumbers"}}}},
            "config": {"maxItemsOne": false}
        }}},
        "dataSources": {"demo_info": {"tok": "demo:index/getInfo:getInfo", "fields": {
            "entry": {"maxItemsOne": true, "elem": {"fields": {"value": {"name": "val"}}}}
        }}}
    }"#;

    #[test]
    fn reads_schema_and_overrides() {
        let mapping = parse_marshallable(FILE).expect("valid");
        assert_eq!(
            (mapping.provider.as_str(), mapping.package.as_str()),
            ("demo", "demo")
        );
        let thing = mapping
            .lookup(TypeKind::Resource, "demo_thing")
            .expect("thing");
        assert_eq!(thing.token, "demo:index/thing:Thing");
        assert_eq!(thing.fields["label"].name.as_deref(), Some("title"));
        assert_eq!(thing.fields["rule"].max_items_one, Some(false));
        assert_eq!(
            thing.field_type(&["rule", "port"]),
            Some(ValueType::List(ScalarType::Number))
        );
        assert_eq!(
            thing.field_type(&["config", "size"]),
            Some(ValueType::Scalar(ScalarType::Number))
        );
        assert_eq!(
            thing.field_type(&["label"]),
            Some(ValueType::Scalar(ScalarType::String))
        );
        assert_eq!(thing.field_type(&["rule"]), None);
        assert_eq!(
            thing.fields["rule"].fields["port"].name.as_deref(),
            Some("portNumbers")
        );
        // The override wins over `maxItems: 1`.
        assert_eq!(thing.fields["config"].max_items_one, Some(false));
        let none = |_: &str| false;
        assert_eq!(
            property_name("rule", thing.fields.get("rule"), none),
            "rules"
        );
        let info = mapping
            .lookup(TypeKind::DataSource, "demo_info")
            .expect("info");
        assert_eq!(info.fields["entry"].max_items_one, Some(true));
        assert_eq!(
            info.fields["entry"].fields["value"].name.as_deref(),
            Some("val")
        );
    }

    #[test]
    fn names_the_provider_and_package_without_a_name() {
        let json = r#"{"resources": {"helm_release": {"tok": "kubernetes:helm.sh/v3:Release"}}}"#;
        let mapping = parse_marshallable(json).expect("valid");
        assert_eq!(
            (mapping.provider.as_str(), mapping.package.as_str()),
            ("helm", "kubernetes")
        );
    }

    #[test]
    fn invalid_files_are_errors() {
        let err = |json: &str| parse_marshallable_file("x.json", json).err();
        assert!(matches!(err("{"), Some(MappingError::InvalidFile { .. })));
        assert!(matches!(err("[]"), Some(MappingError::InvalidFile { .. })));
        let no_tok = r#"{"name": "a", "resources": {"a_b": {}}}"#;
        assert!(err(no_tok).is_some_and(|e| e.to_string().contains("a_b has no `tok`")));
        assert!(err("{}").is_some_and(|e| e.to_string().contains("x.json")));
    }
}
