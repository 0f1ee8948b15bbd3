//! Value types of the Terraform fields, so that the converter can convert literals as Terraform does
//! (`port = "80"` for a number field is the number 80). The types are read from the Pulumi side — the
//! property types of a provider's `schema.json`, or, where that could not be collected (aws, gcp, azure)
//! or does not exist (kubernetes), of its npm SDK, as written by `scripts/gen-field-types.mjs` into
//! `src/mapping/sdk-types/<package>.txt` — and matched to the Terraform fields through the naming rule:
//! a field already in the table by the Pulumi name the rule (or its explicit name) gives it, any other
//! by reversing the rule (`volumeSize` → `volume_size`). What is stored: every primitive and every
//! list/map of primitives, strings included — a string field is what turns `tags = { n = 3 }` into
//! `"3"`, and a field the data does not know must stay untouched rather than be taken for a string.
//! Also whether a property is required (declared without `?` in the SDK, in `requiredInputs` of the
//! schema): the emitters then make a value that may be undefined fail as Terraform does.

use hclconv::mapping::naming::{camel_case, singularize, snake_case};
use hclconv::mapping::{
    property_name, FieldMapping, ProviderMapping, ScalarType, TypeKind, ValueType,
};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A Pulumi input property's type, as far as literals and nesting go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropType {
    Value(ValueType),
    /// An object type (a max-items-one block), by name in [`SdkTypes::types`].
    Object(String),
    /// A list of an object type (a block).
    ObjectList(String),
}

/// One input property: its type, and whether the SDK requires it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prop {
    pub ty: PropType,
    pub required: bool,
}

pub type Props = BTreeMap<String, Prop>;

/// The input properties of a package's resources, functions and object types.
#[derive(Debug, Default)]
pub struct SdkTypes {
    pub resources: HashMap<String, Props>,
    pub functions: HashMap<String, Props>,
    pub types: HashMap<String, Props>,
}

/// Reads `src/mapping/sdk-types/<package>.txt` (format: `scripts/gen-field-types.mjs`).
pub fn parse_sdk_types(file: &str, text: &str) -> Result<SdkTypes, String> {
    let mut sdk = SdkTypes::default();
    let mut current: Option<&mut Props> = None;
    for (index, line) in text.lines().enumerate() {
        let error = |reason: &str| format!("{file}:{}: {reason}", index + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('.') {
            let Some((name, code)) = rest.split_once(' ') else {
                return Err(error("a property needs a name and a type"));
            };
            let (code, required) = match code.strip_suffix('!') {
                Some(code) => (code, true),
                None => (code, false),
            };
            let prop = if let Some(object) = code.strip_prefix("[@") {
                PropType::ObjectList(object.to_string())
            } else if let Some(object) = code.strip_prefix('@') {
                PropType::Object(object.to_string())
            } else {
                PropType::Value(ValueType::from_code(code).ok_or_else(|| error("unknown type"))?)
            };
            let Some(props) = current.as_deref_mut() else {
                return Err(error("a property before any record"));
            };
            props.insert(name.to_string(), Prop { ty: prop, required });
            continue;
        }
        let Some((record, name)) = line.split_once(' ') else {
            return Err(error("a record needs a kind and a name"));
        };
        let table = match record {
            "r" => &mut sdk.resources,
            "d" => &mut sdk.functions,
            "t" => &mut sdk.types,
            _ => return Err(error("unknown record")),
        };
        current = Some(table.entry(name.to_string()).or_default());
    }
    Ok(sdk)
}

/// The same from a Pulumi `schema.json`: resources' `inputProperties` (required: `requiredInputs`),
/// functions' `inputs`, object types (required: their `required`).
pub fn from_schema(schema: &Map<String, Value>) -> SdkTypes {
    let types = schema.get("types").and_then(Value::as_object);
    let props_of = |props: Option<&Value>, required: Option<&Value>| -> Props {
        let required: BTreeSet<&str> = required
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        props
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(name, prop)| {
                let ty = schema_prop(types, prop)?;
                let required = required.contains(name.as_str());
                Some((name.clone(), Prop { ty, required }))
            })
            .collect()
    };
    let section = |name: &str| {
        schema
            .get(name)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
    };
    SdkTypes {
        resources: section("resources")
            .map(|(token, r)| {
                let props = props_of(r.get("inputProperties"), r.get("requiredInputs"));
                (token.clone(), props)
            })
            .collect(),
        functions: section("functions")
            .map(|(token, f)| {
                let inputs = f.get("inputs");
                let props = props_of(
                    inputs.and_then(|i| i.get("properties")),
                    inputs.and_then(|i| i.get("required")),
                );
                (token.clone(), props)
            })
            .collect(),
        types: section("types")
            .filter(|(_, t)| t.get("type").and_then(Value::as_str) == Some("object"))
            .map(|(token, t)| {
                (
                    token.clone(),
                    props_of(t.get("properties"), t.get("required")),
                )
            })
            .collect(),
    }
}

fn schema_scalar(type_name: Option<&str>) -> Option<ScalarType> {
    match type_name? {
        "string" => Some(ScalarType::String),
        "integer" | "number" => Some(ScalarType::Number),
        "boolean" => Some(ScalarType::Bool),
        _ => None,
    }
}

/// A schema type: a primitive, or a reference to an enum (its primitive) or to an object type.
enum SchemaType {
    Scalar(ScalarType),
    Object(String),
}

fn schema_type(types: Option<&Map<String, Value>>, spec: &Value) -> Option<SchemaType> {
    if let Some(reference) = spec.get("$ref").and_then(Value::as_str) {
        let name = reference.strip_prefix("#/types/")?;
        let def = types?.get(name)?;
        let kind = def.get("type").and_then(Value::as_str);
        return match kind {
            Some("object") => Some(SchemaType::Object(name.to_string())),
            other => schema_scalar(other).map(SchemaType::Scalar),
        };
    }
    schema_scalar(spec.get("type").and_then(Value::as_str)).map(SchemaType::Scalar)
}

fn schema_prop(types: Option<&Map<String, Value>>, prop: &Value) -> Option<PropType> {
    if prop.get("oneOf").is_some() {
        return None;
    }
    match prop.get("type").and_then(Value::as_str) {
        Some("array") => match schema_type(types, prop.get("items")?)? {
            SchemaType::Scalar(s) => Some(PropType::Value(ValueType::List(s))),
            SchemaType::Object(name) => Some(PropType::ObjectList(name)),
        },
        Some("object") => match schema_type(types, prop.get("additionalProperties")?)? {
            SchemaType::Scalar(s) => Some(PropType::Value(ValueType::Map(s))),
            SchemaType::Object(_) => None,
        },
        _ => match schema_type(types, prop)? {
            SchemaType::Scalar(s) => Some(PropType::Value(ValueType::Scalar(s))),
            SchemaType::Object(name) => Some(PropType::Object(name)),
        },
    }
}

/// Object types are followed at most this deep, and never into one already on the path.
const MAX_DEPTH: usize = 12;

/// Sets the value types of every type of `mapping` that `sdk` describes. Returns how many fields got one.
/// `bridged`: the package is a bridged Terraform provider, where a block the data does not list (the
/// auto-aliasing table leaves out a plugin-framework resource's blocks) is max-items-one exactly when
/// the SDK gives its property a single object.
pub fn apply(mapping: &mut ProviderMapping, sdk: &SdkTypes, bridged: bool) -> usize {
    let mut typed = 0;
    for (table, kind) in [
        (&mut mapping.resources, TypeKind::Resource),
        (&mut mapping.data_sources, TypeKind::DataSource),
    ] {
        let source = match kind {
            TypeKind::Resource => &sdk.resources,
            TypeKind::DataSource => &sdk.functions,
        };
        for entry in table.values_mut() {
            if let Some(props) = source.get(&entry.token) {
                typed += apply_level(&mut entry.fields, props, sdk, bridged, &mut Vec::new());
            }
        }
    }
    typed
}

fn names(fields: &HashMap<String, FieldMapping>) -> BTreeMap<String, String> {
    let keys: BTreeSet<&str> = fields.keys().map(String::as_str).collect();
    fields
        .iter()
        .map(|(tf, f)| (tf.clone(), property_name(tf, Some(f), |s| keys.contains(s))))
        .collect()
}

fn apply_level<'s>(
    fields: &mut HashMap<String, FieldMapping>,
    props: &'s Props,
    sdk: &'s SdkTypes,
    bridged: bool,
    path: &mut Vec<&'s str>,
) -> usize {
    let before = names(fields);
    // Pulumi name → Terraform name of the fields already known; a name two fields share is ambiguous.
    let mut by_pulumi: HashMap<&str, Option<&str>> = HashMap::new();
    for (tf, pulumi) in &before {
        by_pulumi
            .entry(pulumi.as_str())
            .and_modify(|seen| *seen = None)
            .or_insert(Some(tf.as_str()));
    }
    let mut typed = 0;
    let mut updates: Vec<(String, &'s Prop)> = Vec::new();
    for (pulumi, prop) in props {
        let tf = match by_pulumi.get(pulumi.as_str()) {
            Some(Some(tf)) => tf.to_string(),
            Some(None) => continue,
            None => {
                let tf = snake_case(pulumi);
                if camel_case(&tf) != *pulumi || before.contains_key(&tf) {
                    continue;
                }
                tf
            }
        };
        updates.push((tf, prop));
    }
    for (tf, Prop { ty, required }) in updates {
        match ty {
            PropType::Value(value_type) => {
                let fits = fields.get(&tf).is_none_or(|field| {
                    field.fields.is_empty()
                        && match value_type {
                            // A max-items-one list is its element in Pulumi, never a list.
                            ValueType::List(_) => field.max_items_one != Some(true),
                            ValueType::Scalar(_) | ValueType::Map(_) => {
                                field.max_items_one != Some(false)
                            }
                        }
                });
                if fits {
                    let field = fields.entry(tf).or_default();
                    field.value_type = Some(*value_type);
                    field.required = *required;
                    typed += 1;
                }
            }
            PropType::Object(name) | PropType::ObjectList(name) => {
                let Some(nested) = sdk.types.get(name) else {
                    continue;
                };
                if path.len() >= MAX_DEPTH || path.contains(&name.as_str()) {
                    continue;
                }
                path.push(name);
                if let Some(field) = fields.get_mut(&tf) {
                    // A block the data lists: required as a whole when the SDK says so.
                    field.required = *required;
                    typed += apply_level(&mut field.fields, nested, sdk, bridged, path);
                } else {
                    // A block the data does not list: in a bridged provider, a single object is a
                    // max-items-one block (`metadata_configuration`, not `metadataConfigurations`);
                    // elsewhere (the hand-kept kubernetes subset) an entry with only its fields'
                    // types, no list-ness, so that it names and shapes nothing.
                    let (tf, max_items_one) = match ty {
                        PropType::ObjectList(_) => (singularize(&tf), None),
                        _ => (tf, bridged.then_some(true)),
                    };
                    let mut field = FieldMapping {
                        max_items_one,
                        ..FieldMapping::default()
                    };
                    let found = apply_level(&mut field.fields, nested, sdk, bridged, path);
                    let shaped = found > 0 || max_items_one.is_some();
                    if shaped && !before.contains_key(&tf) && !fields.contains_key(&tf) {
                        typed += found;
                        fields.insert(tf, field);
                    }
                }
                path.pop();
            }
        }
    }
    // New scalar siblings must not change how the known fields are named (a list `tag` beside a new
    // `tags`): where the rule now says otherwise, the name it gave before is kept explicitly.
    let after = names(fields);
    for (tf, name) in before {
        if after.get(&tf) != Some(&name) {
            if let Some(field) = fields.get_mut(&tf) {
                field.name = Some(name);
            }
        }
    }
    typed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_sdk_types_format() {
        let text = "# header\nr p:m/a:A\n.port n!\n.rule [@m.Rule\nt m.Rule\n.labels {s\n";
        let sdk = parse_sdk_types("p.txt", text).expect("valid");
        assert_eq!(
            sdk.resources["p:m/a:A"]["rule"],
            Prop {
                ty: PropType::ObjectList("m.Rule".into()),
                required: false
            }
        );
        assert_eq!(
            sdk.resources["p:m/a:A"]["port"],
            Prop {
                ty: PropType::Value(ValueType::Scalar(ScalarType::Number)),
                required: true
            }
        );
        assert_eq!(
            sdk.types["m.Rule"]["labels"].ty,
            PropType::Value(ValueType::Map(ScalarType::String))
        );
        assert!(parse_sdk_types("p.txt", ".x s\n").is_err());
        assert!(parse_sdk_types("p.txt", "r a\n.x q\n").is_err());
    }
}
