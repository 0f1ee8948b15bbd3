//! The embedded tables' text format (version 3), which the generator writes and [`decode`] reads. Each
//! table is deflate-compressed as a whole; inside, one record per line, words separated by one space:
//!
//! ```text
//! hclconv-mapping 3                      header: format name and version
//! provider google gcp                    Terraform provider name, Pulumi package
//! gap d * <reason ...>                   a known hole: kind r|d|*, type or *, then the reason
//! r google_compute_instance :compute/instance:Instance
//! .boot_disk 1 -                         a field of the type above: one dot per nesting level,
//! ..initialize_params 1 -                then the Terraform name, a flag — 1: max-items-one,
//! .network_interface n -                 n: list, -: neither —, the value type ([`ValueType::code`]:
//! .can_ip_forward - b                    s, n, b, [s, {s, ...; -: unknown or a block) and, if the
//! .filename - s code                     rule does not give it, the explicit Pulumi name; a `!`
//! .family - s!                           after the type marks an argument the SDK requires
//! d google_project :organizations/getProject:getProject
//! ```
//!
//! A token that starts with `:` is relative to the package. Only fields that say something the naming
//! rule cannot work out, or whose value type is known, are written. Version 1 had no type column,
//! version 2 no required marks.
//! Decoding is a single pass with a stack of open fields; no allocation beyond the result.

use super::{FieldMapping, Gap, MappingError, ProviderMapping, TypeKind, TypeMapping, ValueType};
use std::collections::HashMap;
use std::fmt::Write as _;

/// The header line of version 3.
pub const HEADER: &str = "hclconv-mapping 3";

/// Marks a required argument after the type column (`s!`, `-!`).
const REQUIRED: char = '!';

/// The name column of a Terraform-only field (no Pulumi name can be `!`).
const NO_EQUIVALENT: &str = "!";
/// The name column of a wrapper block whose fields are its parent's in Pulumi.
const INLINE: &str = "^";

/// Writes a mapping in the table format, sorted so that equal mappings give equal text.
pub fn encode(mapping: &ProviderMapping) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{HEADER}");
    let _ = writeln!(out, "provider {} {}", mapping.provider, mapping.package);
    for gap in &mapping.gaps {
        let kind = match gap.kind {
            Some(TypeKind::Resource) => "r",
            Some(TypeKind::DataSource) => "d",
            None => "*",
        };
        let tf_type = gap.tf_type.as_deref().unwrap_or("*");
        let _ = writeln!(out, "gap {kind} {tf_type} {}", gap.reason);
    }
    for (letter, types) in [("r", &mapping.resources), ("d", &mapping.data_sources)] {
        let mut sorted: Vec<_> = types.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        for (tf_type, entry) in sorted {
            let token = match entry
                .token
                .strip_prefix(mapping.package.as_str())
                .filter(|rest| rest.starts_with(':'))
            {
                Some(relative) => relative,
                None => entry.token.as_str(),
            };
            let _ = writeln!(out, "{letter} {tf_type} {token}");
            encode_fields(&mut out, &entry.fields, 1);
        }
    }
    out
}

fn encode_fields(out: &mut String, fields: &HashMap<String, FieldMapping>, depth: usize) {
    let mut sorted: Vec<_> = fields.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (name, field) in sorted {
        let flag = match field.max_items_one {
            Some(true) => "1",
            Some(false) => "n",
            None => "-",
        };
        let dots = ".".repeat(depth);
        let mut value_type = field
            .value_type
            .map_or_else(|| "-".to_string(), ValueType::code);
        if field.required {
            value_type.push(REQUIRED);
        }
        let _ = match &field.name {
            _ if field.no_equivalent => {
                writeln!(out, "{dots}{name} {flag} {value_type} {NO_EQUIVALENT}")
            }
            _ if field.inline => writeln!(out, "{dots}{name} {flag} {value_type} {INLINE}"),
            Some(pulumi) => writeln!(out, "{dots}{name} {flag} {value_type} {pulumi}"),
            None => writeln!(out, "{dots}{name} {flag} {value_type}"),
        };
        encode_fields(out, &field.fields, depth + 1);
    }
}

/// Reads a table written by [`encode`]. `provider` names the table in errors.
pub fn decode(provider: &str, text: &str) -> Result<ProviderMapping, MappingError> {
    let mut lines = text.lines().enumerate();
    let malformed = |line: usize, reason: &str| MappingError::Malformed {
        provider: provider.to_string(),
        line: line + 1,
        reason: reason.to_string(),
    };
    match lines.next() {
        Some((_, HEADER)) => {}
        Some((_, other)) if other.starts_with("hclconv-mapping ") => {
            return Err(malformed(0, &format!("unsupported format `{other}`")));
        }
        _ => return Err(malformed(0, "missing `hclconv-mapping` header")),
    }
    let mut mapping = ProviderMapping::default();
    match lines
        .next()
        .map(|(i, l)| (i, l.split(' ').collect::<Vec<_>>()))
    {
        Some((_, words)) if words.len() == 3 && words.first() == Some(&"provider") => {
            mapping.provider = words.get(1).copied().unwrap_or_default().to_string();
            mapping.package = words.get(2).copied().unwrap_or_default().to_string();
        }
        Some((i, _)) => return Err(malformed(i, "expected `provider <name> <package>`")),
        None => return Err(malformed(1, "missing provider line")),
    }
    let mut current: Option<(TypeKind, String, TypeMapping)> = None;
    // Fields under construction, outermost first.
    let mut open: Vec<(String, FieldMapping)> = Vec::new();
    for (index, line) in lines {
        if line.is_empty() {
            continue;
        }
        if line.starts_with('.') {
            let depth = line.bytes().take_while(|b| *b == b'.').count();
            let Some((_, _, entry)) = current.as_mut() else {
                return Err(malformed(index, "field before any type"));
            };
            if depth > open.len() + 1 {
                return Err(malformed(index, "field nested deeper than its parent"));
            }
            close_fields(&mut open, depth - 1, &mut entry.fields);
            let mut words = line.get(depth..).unwrap_or_default().split(' ');
            let (Some(name), Some(flag), Some(value_type)) =
                (words.next(), words.next(), words.next())
            else {
                return Err(malformed(index, "field needs a name, a flag and a type"));
            };
            let max_items_one = match flag {
                "1" => Some(true),
                "n" => Some(false),
                "-" => None,
                _ => return Err(malformed(index, "field flag must be 1, n or -")),
            };
            let (value_type, required) = match value_type.strip_suffix(REQUIRED) {
                Some(rest) => (rest, true),
                None => (value_type, false),
            };
            let value_type = match value_type {
                "-" => None,
                code => Some(
                    ValueType::from_code(code)
                        .ok_or_else(|| malformed(index, "unknown field type"))?,
                ),
            };
            let pulumi_name = words.next();
            let no_equivalent = pulumi_name == Some(NO_EQUIVALENT);
            let inline = pulumi_name == Some(INLINE);
            let field = FieldMapping {
                name: pulumi_name
                    .filter(|_| !no_equivalent && !inline)
                    .map(str::to_string),
                max_items_one,
                fields: HashMap::new(),
                value_type,
                no_equivalent,
                inline,
                required,
            };
            if words.next().is_some() {
                return Err(malformed(index, "extra words after a field"));
            }
            open.push((name.to_string(), field));
            continue;
        }
        let mut words = line.splitn(3, ' ');
        let record = words.next().unwrap_or_default();
        match record {
            "r" | "d" => {
                finish_type(&mut mapping, &mut current, &mut open);
                let (Some(tf_type), Some(token)) = (words.next(), words.next()) else {
                    return Err(malformed(index, "type needs a name and a token"));
                };
                if token.contains(' ') {
                    return Err(malformed(index, "extra words after a type"));
                }
                let kind = if record == "r" {
                    TypeKind::Resource
                } else {
                    TypeKind::DataSource
                };
                let token = if token.starts_with(':') {
                    format!("{}{token}", mapping.package)
                } else {
                    token.to_string()
                };
                current = Some((
                    kind,
                    tf_type.to_string(),
                    TypeMapping {
                        token,
                        fields: HashMap::new(),
                    },
                ));
            }
            "gap" => {
                let (Some(kind), Some(rest)) = (words.next(), words.next()) else {
                    return Err(malformed(index, "gap needs a kind, a type and a reason"));
                };
                let Some((tf_type, reason)) = rest.split_once(' ') else {
                    return Err(malformed(index, "gap needs a reason"));
                };
                let kind = match kind {
                    "r" => Some(TypeKind::Resource),
                    "d" => Some(TypeKind::DataSource),
                    "*" => None,
                    _ => return Err(malformed(index, "gap kind must be r, d or *")),
                };
                mapping.gaps.push(Gap {
                    kind,
                    tf_type: (tf_type != "*").then(|| tf_type.to_string()),
                    reason: reason.to_string(),
                });
            }
            _ => return Err(malformed(index, "unknown record")),
        }
    }
    finish_type(&mut mapping, &mut current, &mut open);
    Ok(mapping)
}

/// Closes open fields until `keep` remain, attaching each to its parent (or to the type).
fn close_fields(
    open: &mut Vec<(String, FieldMapping)>,
    keep: usize,
    top: &mut HashMap<String, FieldMapping>,
) {
    while open.len() > keep {
        let Some((name, field)) = open.pop() else {
            break;
        };
        match open.last_mut() {
            Some((_, parent)) => parent.fields.insert(name, field),
            None => top.insert(name, field),
        };
    }
}

fn finish_type(
    mapping: &mut ProviderMapping,
    current: &mut Option<(TypeKind, String, TypeMapping)>,
    open: &mut Vec<(String, FieldMapping)>,
) {
    if let Some((kind, tf_type, mut entry)) = current.take() {
        close_fields(open, 0, &mut entry.fields);
        let table = match kind {
            TypeKind::Resource => &mut mapping.resources,
            TypeKind::DataSource => &mut mapping.data_sources,
        };
        table.insert(tf_type, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::ScalarType;

    fn field(
        flag: Option<bool>,
        name: Option<&str>,
        nested: &[(&str, FieldMapping)],
    ) -> FieldMapping {
        FieldMapping {
            name: name.map(str::to_string),
            max_items_one: flag,
            fields: nested
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            value_type: None,
            no_equivalent: false,
            inline: false,
            required: false,
        }
    }

    fn sample() -> ProviderMapping {
        let disk = field(
            Some(true),
            None,
            &[("initialize_params", field(Some(true), None, &[]))],
        );
        let instance = TypeMapping {
            token: "gcp:compute/instance:Instance".into(),
            fields: [
                ("boot_disk".to_string(), disk),
                (
                    "network_interface".to_string(),
                    field(Some(false), None, &[]),
                ),
                ("filename".to_string(), field(None, Some("code"), &[])),
                (
                    "labels".to_string(),
                    FieldMapping {
                        value_type: Some(ValueType::Map(ScalarType::String)),
                        ..Default::default()
                    },
                ),
                (
                    "wait_for_rollout".to_string(),
                    FieldMapping {
                        value_type: Some(ValueType::Scalar(ScalarType::Bool)),
                        no_equivalent: true,
                        ..Default::default()
                    },
                ),
                (
                    "can_ip_forward".to_string(),
                    FieldMapping {
                        value_type: Some(ValueType::Scalar(ScalarType::Bool)),
                        ..Default::default()
                    },
                ),
                (
                    "source_wrapper".to_string(),
                    FieldMapping {
                        max_items_one: Some(true),
                        inline: true,
                        ..Default::default()
                    },
                ),
                (
                    "machine_type".to_string(),
                    FieldMapping {
                        value_type: Some(ValueType::Scalar(ScalarType::String)),
                        required: true,
                        ..Default::default()
                    },
                ),
            ]
            .into_iter()
            .collect(),
        };
        ProviderMapping {
            provider: "google".into(),
            package: "gcp".into(),
            resources: [("google_compute_instance".to_string(), instance)]
                .into_iter()
                .collect(),
            data_sources: [(
                "google_project".to_string(),
                TypeMapping {
                    token: "other:index/getProject:getProject".into(),
                    fields: HashMap::new(),
                },
            )]
            .into_iter()
            .collect(),
            gaps: vec![Gap {
                kind: Some(TypeKind::DataSource),
                tf_type: None,
                reason: "no data sources in the data".into(),
            }],
        }
    }

    #[test]
    fn round_trips() {
        let mapping = sample();
        let text = encode(&mapping);
        assert!(text.contains("r google_compute_instance :compute/instance:Instance\n"));
        assert!(text.contains("\n..initialize_params 1 -\n"));
        assert!(text.contains("\n.labels - {s\n"));
        assert!(text.contains("\n.filename - - code\n"));
        assert!(text.contains("\n.source_wrapper 1 - ^\n"));
        assert!(text.contains("\n.machine_type - s!\n"));
        assert!(text.contains("d google_project other:index/getProject:getProject\n"));
        assert_eq!(decode("google", &text), Ok(mapping));
    }

    #[test]
    fn rejects_bad_tables() {
        let err = |text: &str| decode("p", text).err().map(|e| e.to_string());
        assert!(err("hclconv-mapping 2\n").is_some_and(|e| e.contains("unsupported format")));
        assert!(err("").is_some_and(|e| e.contains("header")));
        let head = format!("{HEADER}\nprovider p p\n");
        assert!(err(&format!("{head}.x 1 -\n")).is_some_and(|e| e.contains("before any type")));
        assert!(err(&format!("{head}r p_a :a\n..x 1 -\n")).is_some_and(|e| e.contains("deeper")));
        assert!(err(&format!("{head}r p_a :a\n.x 7 -\n")).is_some_and(|e| e.contains("flag")));
        assert!(err(&format!("{head}r p_a :a\n.x - q\n")).is_some_and(|e| e.contains("type")));
        assert!(err(&format!("{head}r p_a :a\n.x 1\n")).is_some_and(|e| e.contains("type")));
        assert!(err(&format!("{head}q\n")).is_some_and(|e| e.contains("line 3")));
    }
}
