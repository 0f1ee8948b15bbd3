//! Decodes the small built-in table (`builtin.txt`) for one provider on demand.

use super::{FieldMapping, MappingError, ProviderMapping, TypeMapping};
use std::collections::HashMap;

const TABLE: &str = include_str!("builtin.txt");

/// Loads one provider's mapping (Terraform provider name, e.g. `google`) from the built-in table.
pub fn load_builtin(provider: &str) -> Result<ProviderMapping, MappingError> {
    let mut mapping: Option<ProviderMapping> = None;
    for (index, raw) in TABLE.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let kind = words.next().unwrap_or_default();
        let malformed = |reason: &str| MappingError::Malformed {
            provider: provider.to_string(),
            line: index + 1,
            reason: reason.to_string(),
        };
        match kind {
            "provider" => {
                if mapping.is_some() {
                    break; // the next provider's section starts
                }
                let (Some(name), Some(package)) = (words.next(), words.next()) else {
                    return Err(malformed("provider line needs a name and a package"));
                };
                if name == provider {
                    mapping = Some(ProviderMapping {
                        provider: name.to_string(),
                        package: package.to_string(),
                        ..Default::default()
                    });
                }
            }
            "resource" | "data" => {
                let Some(current) = mapping.as_mut() else {
                    continue;
                };
                let (Some(tf_type), Some(token)) = (words.next(), words.next()) else {
                    return Err(malformed("type line needs a type and a token"));
                };
                let mut fields = HashMap::new();
                for spec in words {
                    insert_field(&mut fields, spec).map_err(|r| malformed(&r))?;
                }
                let entry = TypeMapping {
                    token: token.to_string(),
                    fields,
                };
                let table = if kind == "resource" {
                    &mut current.resources
                } else {
                    &mut current.data_sources
                };
                table.insert(tf_type.to_string(), entry);
            }
            _ => return Err(malformed("unknown line kind")),
        }
    }
    mapping.ok_or_else(|| MappingError::UnknownProvider(provider.to_string()))
}

/// `a.b=1`, `a=n:names`, `filename=:code` → nested [`FieldMapping`]s.
fn insert_field(fields: &mut HashMap<String, FieldMapping>, spec: &str) -> Result<(), String> {
    let (path, value) = spec
        .split_once('=')
        .ok_or_else(|| format!("field `{spec}` has no `=`"))?;
    let (flag, name) = match value.split_once(':') {
        Some((flag, name)) => (flag, Some(name.to_string())),
        None => (value, None),
    };
    let max_items_one = match flag {
        "1" => Some(true),
        "n" => Some(false),
        "" => None,
        other => return Err(format!("unknown flag `{other}` in `{spec}`")),
    };
    let mut level = fields;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let field = level.entry(part.to_string()).or_default();
        if parts.peek().is_none() {
            field.max_items_one = max_items_one;
            field.name = name;
            return Ok(());
        }
        level = &mut field.fields;
    }
    Err(format!("empty field path in `{spec}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_each_builtin_provider() {
        for provider in ["aws", "google", "azurerm", "kubernetes", "random"] {
            let mapping = load_builtin(provider).expect("built-in provider");
            assert!(!mapping.resources.is_empty(), "{provider}");
        }
        let gcp = load_builtin("google").expect("google");
        assert_eq!(gcp.package, "gcp");
        let instance = &gcp.resources["google_compute_instance"];
        assert_eq!(instance.token, "gcp:compute/instance:Instance");
        assert_eq!(instance.fields["boot_disk"].max_items_one, Some(true));
        assert_eq!(
            instance.fields["boot_disk"].fields["initialize_params"].max_items_one,
            Some(true)
        );
        let k8s = load_builtin("kubernetes").expect("kubernetes");
        let deployment = &k8s.resources["kubernetes_deployment"];
        let container =
            &deployment.fields["spec"].fields["template"].fields["spec"].fields["container"];
        assert_eq!(container.name.as_deref(), Some("containers"));
    }

    #[test]
    fn unknown_provider_is_an_error() {
        assert_eq!(
            load_builtin("nope"),
            Err(MappingError::UnknownProvider("nope".into()))
        );
    }
}
