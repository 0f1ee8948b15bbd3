//! Terraform → Pulumi names: provider packages, type tokens and property names.
//!
//! A [`ProviderMapping`] is what the [`crate::cache::MappingCache`] loads once per provider and shares.

mod builtin;
pub mod naming;

use std::collections::HashMap;
use thiserror::Error;

pub use builtin::load_builtin;
pub use naming::{camel_case, pluralize};

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MappingError {
    #[error("no mapping data for provider `{0}`")]
    UnknownProvider(String),
    #[error("malformed mapping data for provider `{provider}` at line {line}: {reason}")]
    Malformed {
        provider: String,
        line: usize,
        reason: String,
    },
}

/// What the mapping data says about one attribute or nested block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMapping {
    /// Explicit Pulumi name; wins over the naming rule.
    pub name: Option<String>,
    /// `Some(true)`: a max-items-one block (single object); `Some(false)`: a list; `None`: scalar/map/object.
    pub max_items_one: Option<bool>,
    /// Nested fields of a block or of list elements.
    pub fields: HashMap<String, FieldMapping>,
}

/// One Terraform resource or data-source type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeMapping {
    pub token: String,
    pub fields: HashMap<String, FieldMapping>,
}

/// Everything known about one provider.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderMapping {
    /// Terraform provider name (`google`).
    pub provider: String,
    /// Pulumi package name (`gcp`).
    pub package: String,
    pub resources: HashMap<String, TypeMapping>,
    pub data_sources: HashMap<String, TypeMapping>,
}

/// Whether a Terraform type is a managed resource or a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    Resource,
    DataSource,
}

impl ProviderMapping {
    pub fn lookup(&self, kind: TypeKind, tf_type: &str) -> Option<&TypeMapping> {
        match kind {
            TypeKind::Resource => self.resources.get(tf_type),
            TypeKind::DataSource => self.data_sources.get(tf_type),
        }
    }
}

/// The Terraform provider a type belongs to: the part before the first `_` (`aws_s3_bucket` → `aws`).
pub fn provider_of(tf_type: &str) -> &str {
    tf_type.split_once('_').map_or(tf_type, |(p, _)| p)
}

/// Pulumi package name for a Terraform provider name.
pub fn package_for_provider(provider: &str) -> &str {
    match provider {
        "azurerm" => "azure",
        "google" | "google-beta" => "gcp",
        "bigip" => "f5bigip",
        "confluent" => "confluentcloud",
        other => other,
    }
}

/// A token guessed from the Terraform name alone, for types the data does not know:
/// `foo_bar_baz` → `foo:index/barBaz:BarBaz` (data sources: `foo:index/getBarBaz:getBarBaz`).
pub fn guess_token(kind: TypeKind, tf_type: &str) -> String {
    let provider = provider_of(tf_type);
    let package = package_for_provider(provider);
    let rest = tf_type
        .strip_prefix(provider)
        .and_then(|r| r.strip_prefix('_'))
        .unwrap_or(tf_type);
    let camel = camel_case(rest);
    let pascal = naming::upper_first(&camel);
    match kind {
        TypeKind::Resource => format!("{package}:index/{camel}:{pascal}"),
        TypeKind::DataSource => format!("{package}:index/get{pascal}:get{pascal}"),
    }
}

/// The name of a field in Pulumi, by the rule in `../shared/mappings/README.md`: an explicit rename wins;
/// a non-max-items-one list is pluralised (unless the plural is a sibling); then camelCase.
pub fn property_name(
    tf_name: &str,
    field: Option<&FieldMapping>,
    has_sibling: impl Fn(&str) -> bool,
) -> String {
    if let Some(name) = field.and_then(|f| f.name.as_ref()) {
        return name.clone();
    }
    let is_list = field.and_then(|f| f.max_items_one) == Some(false);
    if is_list {
        let plural = pluralize(tf_name);
        if plural != tf_name && !has_sibling(&plural) {
            return camel_case(&plural);
        }
    }
    camel_case(tf_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_tokens_from_terraform_names() {
        assert_eq!(
            guess_token(TypeKind::Resource, "aws_s3_bucket"),
            "aws:index/s3Bucket:S3Bucket"
        );
        assert_eq!(
            guess_token(TypeKind::DataSource, "google_thing"),
            "gcp:index/getThing:getThing"
        );
    }

    #[test]
    fn property_names_follow_the_rule() {
        let list = FieldMapping {
            max_items_one: Some(false),
            ..Default::default()
        };
        let one = FieldMapping {
            max_items_one: Some(true),
            ..Default::default()
        };
        let none = |_: &str| false;
        assert_eq!(
            property_name("ebs_block_device", Some(&list), none),
            "ebsBlockDevices"
        );
        assert_eq!(property_name("policy", Some(&list), none), "policies");
        assert_eq!(property_name("subnet_ids", Some(&list), none), "subnetIds");
        assert_eq!(property_name("versioning", Some(&one), none), "versioning");
        assert_eq!(property_name("tag", Some(&list), |s| s == "tags"), "tag");
        assert_eq!(
            property_name("ipv6_cidr_block", None, none),
            "ipv6CidrBlock"
        );
    }
}
