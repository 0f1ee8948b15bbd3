//! Terraform → Pulumi names: provider packages, type tokens and property names.
//!
//! A [`ProviderMapping`] is what the [`crate::cache::MappingCache`] loads once per provider and shares.
//! Where the mappings come from:
//! - [`embedded`]: one deflate-compressed table per Terraform provider, generated from `../shared/mappings`
//!   by `scripts/gen-mappings` into `src/mapping/data/` (see its `README.md`), decoded on first request —
//!   [`load_embedded`] is the cache's default loader;
//! - [`user`]: mapping files in Pulumi's `MarshallableProviderInfo` JSON, registered on a
//!   [`MappingSource`] that prefers them to the embedded tables;
//! - [`builtin`]: the provider-less Terraform types (`null_resource`, `terraform_data`).
//!
//! The questions the converter asks: which provider a type belongs to ([`provider_of`]), its token
//! ([`resolve_type`]: from the data, or guessed with a note saying why), and the Pulumi name and
//! max-items-one of an attribute path ([`TypeMapping::attribute`], [`property_name`]).

pub mod builtin;
pub mod embedded;
pub mod format;
pub mod naming;
pub mod source;
pub mod user;

use std::collections::HashMap;
use thiserror::Error;

pub use builtin::{builtin_kind, BuiltinType};
pub use embedded::{embedded_providers, load_builtin, load_embedded, EmbeddedProvider};
pub use naming::{camel_case, pluralize};
pub use source::MappingSource;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MappingError {
    #[error("no mapping data for provider `{0}`")]
    UnknownProvider(String),
    /// The provider is known, but its data could not be collected (`datadog`).
    #[error("the mapping data for provider `{provider}` is missing: {reason}")]
    MissingData { provider: String, reason: String },
    #[error("malformed mapping data for provider `{provider}` at line {line}: {reason}")]
    Malformed {
        provider: String,
        line: usize,
        reason: String,
    },
    /// A user-supplied mapping file that is not valid `MarshallableProviderInfo` JSON.
    #[error("invalid mapping file `{file}`: {reason}")]
    InvalidFile { file: String, reason: String },
    /// The cache refused a lookup that would wait for itself (from inside a loader).
    #[error("lookup of `{provider}` refused: {reason}")]
    Refused { provider: String, reason: String },
}

impl MappingError {
    /// The diagnostic code a converter reports this error under.
    pub fn code(&self) -> &'static str {
        match self {
            MappingError::UnknownProvider(_) => "unknown-provider",
            MappingError::MissingData { .. } => "missing-mapping-data",
            MappingError::Malformed { .. } => "malformed-mapping-data",
            MappingError::InvalidFile { .. } => "invalid-mapping-file",
            MappingError::Refused { .. } => "refused-lookup",
        }
    }
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
    /// The attribute's value type where it is a scalar or a list/map of scalars; `None`: unknown, or a
    /// block. Literals are converted to it, as Terraform converts them by the provider schema.
    pub value_type: Option<ValueType>,
    /// A Terraform-only argument (provider behaviour such as `wait_for_rollout`) that the Pulumi
    /// resource has no property for: lowering reports it and leaves it out.
    pub no_equivalent: bool,
    /// A Terraform wrapper block the Pulumi type does not have: its fields are the parent's
    /// (Kubernetes `persistent_volume_source { nfs { ... } }` is the volume spec's own `nfs`).
    pub inline: bool,
    /// The Pulumi SDK requires the argument (no `undefined`/`None`): a value that may be null is
    /// checked where it is passed, as Terraform checks it where the resource is created.
    pub required: bool,
}

/// A Terraform primitive type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarType {
    String,
    Number,
    Bool,
    /// A Pulumi asset (or asset or archive) where Terraform takes the path of a file.
    Asset,
}

/// The value type of an attribute, as far as converting literals goes: a primitive, or a list (or set)
/// or map of primitives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    Scalar(ScalarType),
    List(ScalarType),
    Map(ScalarType),
}

impl ScalarType {
    fn code(self) -> char {
        match self {
            ScalarType::String => 's',
            ScalarType::Number => 'n',
            ScalarType::Bool => 'b',
            ScalarType::Asset => 'a',
        }
    }

    fn from_code(code: char) -> Option<Self> {
        match code {
            's' => Some(ScalarType::String),
            'n' => Some(ScalarType::Number),
            'b' => Some(ScalarType::Bool),
            'a' => Some(ScalarType::Asset),
            _ => None,
        }
    }
}

impl ValueType {
    /// The short form used by the embedded tables and `src/mapping/sdk-types/`: `s`, `n`, `b`, `a`
    /// (asset), a list `[s`, a map `{s`.
    pub fn code(self) -> String {
        match self {
            ValueType::Scalar(s) => s.code().to_string(),
            ValueType::List(s) => format!("[{}", s.code()),
            ValueType::Map(s) => format!("{{{}", s.code()),
        }
    }

    /// Reads [`ValueType::code`]; `None` for anything else.
    pub fn from_code(code: &str) -> Option<Self> {
        let mut chars = code.chars();
        let (first, second, rest) = (chars.next(), chars.next(), chars.next());
        match (first, second, rest) {
            (Some('['), Some(c), None) => ScalarType::from_code(c).map(ValueType::List),
            (Some('{'), Some(c), None) => ScalarType::from_code(c).map(ValueType::Map),
            (Some(c), None, None) => ScalarType::from_code(c).map(ValueType::Scalar),
            _ => None,
        }
    }
}

/// One Terraform resource or data-source type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeMapping {
    pub token: String,
    pub fields: HashMap<String, FieldMapping>,
}

/// A part of a provider the data is known not to cover, with the reason (kubernetes has no data sources).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// `None`: resources and data sources alike.
    pub kind: Option<TypeKind>,
    /// `None`: every type of that kind.
    pub tf_type: Option<String>,
    pub reason: String,
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
    /// Known holes in the data, so that a miss can say why.
    pub gaps: Vec<Gap>,
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

    /// Why the data has no entry for this type, when that is a known gap.
    pub fn gap(&self, kind: TypeKind, tf_type: &str) -> Option<&str> {
        self.gaps
            .iter()
            .find(|g| {
                g.kind.is_none_or(|k| k == kind)
                    && g.tf_type.as_deref().is_none_or(|t| t == tf_type)
            })
            .map(|g| g.reason.as_str())
    }

    /// Why this one type has no Pulumi equivalent, when the data says so of the type itself (not of a
    /// whole kind or provider, which is a hole in the data rather than in Pulumi).
    pub fn type_gap(&self, kind: TypeKind, tf_type: &str) -> Option<&str> {
        self.gaps
            .iter()
            .find(|g| g.kind.is_none_or(|k| k == kind) && g.tf_type.as_deref() == Some(tf_type))
            .map(|g| g.reason.as_str())
    }
}

/// One step of an attribute path, as Pulumi names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeName {
    pub name: String,
    /// A max-items-one block: a single object in Pulumi, so a following `[0]` disappears.
    pub max_items_one: bool,
}

impl TypeMapping {
    /// Pulumi names of a Terraform attribute path (`["spec", "template", "spec", "container"]` →
    /// `spec.template.spec.containers`). Steps the data does not know follow the naming rule.
    pub fn attribute(&self, path: &[&str]) -> Vec<AttributeName> {
        let mut level = Some(&self.fields);
        path.iter()
            .map(|step| {
                let siblings = level;
                let field = siblings.and_then(|f| f.get(*step));
                level = field.map(|f| &f.fields);
                AttributeName {
                    name: property_name(step, field, |s| {
                        siblings.is_some_and(|f| f.contains_key(s))
                    }),
                    max_items_one: field.and_then(|f| f.max_items_one) == Some(true),
                }
            })
            .collect()
    }

    /// The value type of a Terraform attribute path (`["root_block_device", "volume_size"]` → number), when
    /// the data knows it. List indexes are not part of the path: a block's fields are its elements' fields.
    pub fn field_type(&self, path: &[&str]) -> Option<ValueType> {
        let (last, parents) = path.split_last()?;
        let mut level = &self.fields;
        for step in parents {
            level = &level.get(*step)?.fields;
        }
        level.get(*last)?.value_type
    }

    /// Whether the Pulumi SDK requires the argument at a Terraform attribute path (paths as for
    /// [`TypeMapping::field_type`]); `false` when the data does not know the field.
    pub fn field_required(&self, path: &[&str]) -> bool {
        let Some((last, parents)) = path.split_last() else {
            return false;
        };
        let mut level = &self.fields;
        for step in parents {
            match level.get(*step) {
                Some(field) => level = &field.fields,
                None => return false,
            }
        }
        level.get(*last).is_some_and(|f| f.required)
    }
}

/// The Terraform provider a type belongs to. Terraform's rule is the first word of the type name
/// (`aws_s3_bucket` → `aws`); the embedded data's prefix table is consulted first so that a provider whose
/// types start with another word could be listed there (none of the collected ones does).
pub fn provider_of(tf_type: &str) -> &str {
    if let Some(provider) = embedded::provider_for_type(tf_type) {
        return provider;
    }
    tf_type.split_once('_').map_or(tf_type, |(p, _)| p)
}

/// Pulumi package name for a Terraform provider name.
pub fn package_for_provider(provider: &str) -> &str {
    if let Some(package) = embedded::package_of(provider) {
        return package;
    }
    match provider {
        "azurerm" => "azure",
        "google" | "google-beta" => "gcp",
        "bigip" => "f5bigip",
        "confluent" => "confluentcloud",
        "helm" => "kubernetes",
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

/// Something a converter should tell the user about a type's resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingNote {
    /// `unknown-type`, `mapping-gap` or `no-pulumi-equivalent`.
    pub code: &'static str,
    pub message: String,
}

/// The Pulumi token of one Terraform type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeResolution<'m> {
    pub token: String,
    /// The data's entry; `None` when the token is guessed.
    pub mapping: Option<&'m TypeMapping>,
    /// Set when the token is guessed for a reason the user should hear of. A provider that failed to load
    /// (`mapping == None` here) is reported once by the caller with [`MappingError::code`], not per type.
    pub note: Option<MappingNote>,
}

/// Terraform type → resource or invoke token. `provider` is the loaded mapping of [`provider_of`]`(tf_type)`,
/// or `None` when it failed to load. Unknown types get a guessed token and an `unknown-type` note; known gaps
/// of the data a `mapping-gap` note; provider-less built-ins a `no-pulumi-equivalent` note.
pub fn resolve_type<'m>(
    provider: Option<&'m ProviderMapping>,
    kind: TypeKind,
    tf_type: &str,
) -> TypeResolution<'m> {
    if let Some(builtin) = builtin_kind(tf_type) {
        return TypeResolution {
            token: guess_token(kind, tf_type),
            mapping: None,
            note: Some(MappingNote {
                code: "no-pulumi-equivalent",
                message: builtin.note().to_string(),
            }),
        };
    }
    let Some(mapping) = provider else {
        return TypeResolution {
            token: guess_token(kind, tf_type),
            mapping: None,
            note: None,
        };
    };
    if let Some(found) = mapping.lookup(kind, tf_type) {
        return TypeResolution {
            token: found.token.clone(),
            mapping: Some(found),
            note: None,
        };
    }
    let guessed = guess_token(kind, tf_type);
    let what = match kind {
        TypeKind::Resource => "resource",
        TypeKind::DataSource => "data source",
    };
    let note = match mapping.gap(kind, tf_type) {
        Some(reason) => MappingNote {
            code: "mapping-gap",
            message: format!(
                "{what} `{tf_type}` is not in the mapping data for `{}` ({reason}); guessed `{guessed}`",
                mapping.provider
            ),
        },
        None => MappingNote {
            code: "unknown-type",
            message: format!(
                "`{tf_type}` is not in the mapping data for `{}`; guessed `{guessed}`",
                mapping.provider
            ),
        },
    };
    TypeResolution {
        token: guessed,
        mapping: None,
        note: Some(note),
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
        assert_eq!(
            guess_token(TypeKind::Resource, "bigip_ltm_node"),
            "f5bigip:index/ltmNode:LtmNode"
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

    fn sample() -> ProviderMapping {
        let image = FieldMapping {
            value_type: Some(ValueType::Scalar(ScalarType::String)),
            required: true,
            ..Default::default()
        };
        let container = FieldMapping {
            max_items_one: Some(false),
            fields: HashMap::from([("image".to_string(), image)]),
            ..Default::default()
        };
        let spec = FieldMapping {
            max_items_one: Some(true),
            fields: HashMap::from([("container".to_string(), container)]),
            ..Default::default()
        };
        ProviderMapping {
            provider: "kubernetes".into(),
            package: "kubernetes".into(),
            resources: HashMap::from([(
                "kubernetes_pod".to_string(),
                TypeMapping {
                    token: "kubernetes:core/v1:Pod".into(),
                    fields: HashMap::from([("spec".to_string(), spec)]),
                },
            )]),
            data_sources: HashMap::new(),
            gaps: vec![
                Gap {
                    kind: Some(TypeKind::DataSource),
                    tf_type: None,
                    reason: "no data sources".into(),
                },
                Gap {
                    kind: Some(TypeKind::Resource),
                    tf_type: Some("kubernetes_manifest".into()),
                    reason: "no manifest".into(),
                },
            ],
        }
    }

    #[test]
    fn attribute_paths_get_pulumi_names() {
        let mapping = sample();
        let pod = mapping.lookup(TypeKind::Resource, "kubernetes_pod");
        let names = pod.map(|t| t.attribute(&["spec", "container", "image_pull_policy"]));
        assert_eq!(
            names,
            Some(vec![
                AttributeName {
                    name: "spec".into(),
                    max_items_one: true
                },
                AttributeName {
                    name: "containers".into(),
                    max_items_one: false
                },
                AttributeName {
                    name: "imagePullPolicy".into(),
                    max_items_one: false
                },
            ])
        );
    }

    #[test]
    fn required_fields_are_found_by_path() {
        let mapping = sample();
        let pod = mapping.lookup(TypeKind::Resource, "kubernetes_pod");
        assert_eq!(
            pod.map(|t| t.field_required(&["spec", "container", "image"])),
            Some(true)
        );
        assert_eq!(
            pod.map(|t| t.field_required(&["spec", "container"])),
            Some(false)
        );
        assert_eq!(
            pod.map(|t| t.field_required(&["nope", "image"])),
            Some(false)
        );
        assert_eq!(pod.map(|t| t.field_required(&[])), Some(false));
    }

    #[test]
    fn resolution_explains_guesses() {
        let mapping = sample();
        let known = resolve_type(Some(&mapping), TypeKind::Resource, "kubernetes_pod");
        assert_eq!(
            (known.token.as_str(), known.note),
            ("kubernetes:core/v1:Pod", None)
        );
        let gap = resolve_type(Some(&mapping), TypeKind::DataSource, "kubernetes_secret");
        assert_eq!(gap.note.map(|n| n.code), Some("mapping-gap"));
        let manifest = resolve_type(Some(&mapping), TypeKind::Resource, "kubernetes_manifest");
        assert!(manifest
            .note
            .is_some_and(|n| n.code == "mapping-gap" && n.message.contains("no manifest")));
        let unknown = resolve_type(Some(&mapping), TypeKind::Resource, "kubernetes_nope");
        assert_eq!(unknown.note.map(|n| n.code), Some("unknown-type"));
        assert_eq!(unknown.token, "kubernetes:index/nope:Nope");
        let builtin = resolve_type(None, TypeKind::Resource, "null_resource");
        assert_eq!(builtin.note.map(|n| n.code), Some("no-pulumi-equivalent"));
        let no_provider = resolve_type(None, TypeKind::Resource, "acme_widget");
        assert_eq!(
            (no_provider.token.as_str(), no_provider.note),
            ("acme:index/widget:Widget", None)
        );
    }
}
