//! The mapping tables compiled into the binary and the wasm: one deflate blob per Terraform provider
//! (`src/mapping/data/<provider>.bin`, written by `scripts/gen-mappings`), listed in the generated
//! `data/index.rs`. Nothing is decoded until a provider is first asked for; [`load_embedded`] is that
//! decode (inflate + [`super::format::decode`]), and the [`crate::cache::MappingCache`] keeps its result.

use super::{format, MappingError, ProviderMapping};

/// How one provider's table is embedded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// A deflate-compressed table in the [`format`] of this crate.
    Deflate(&'static [u8]),
    /// The provider is known but its data could not be collected; the reason.
    Missing(&'static str),
}

/// One embedded provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedProvider {
    /// Terraform provider name (`google`), the key of [`load_embedded`].
    pub provider: &'static str,
    /// Pulumi package (`gcp`).
    pub package: &'static str,
    pub table: Table,
}

/// Generated; kept exactly as the generator writes it (the regeneration test compares it).
#[rustfmt::skip]
#[path = "data/index.rs"]
mod index;

/// Largest table accepted when inflating (the biggest is well under this).
const MAX_TABLE_BYTES: usize = 64 << 20;

/// Every embedded provider, sorted by name.
pub fn embedded_providers() -> &'static [EmbeddedProvider] {
    index::PROVIDERS
}

fn find(provider: &str) -> Option<&'static EmbeddedProvider> {
    let name = index::ALIASES
        .iter()
        .find(|(alias, _)| *alias == provider)
        .map_or(provider, |(_, target)| *target);
    index::PROVIDERS.iter().find(|p| p.provider == name)
}

/// The Pulumi package of an embedded provider (aliases such as `google-beta` included).
pub(super) fn package_of(provider: &str) -> Option<&'static str> {
    find(provider).map(|p| p.package)
}

/// The provider of a type whose prefix is not its provider's name, from the data's prefix table.
pub(super) fn provider_for_type(tf_type: &str) -> Option<&'static str> {
    index::PREFIXES
        .iter()
        .filter(|(prefix, _)| {
            tf_type
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('_'))
        })
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, provider)| *provider)
}

/// Decodes one provider's embedded table (Terraform provider name, e.g. `google`; `google-beta` is an alias).
pub fn load_embedded(provider: &str) -> Result<ProviderMapping, MappingError> {
    let entry =
        find(provider).ok_or_else(|| MappingError::UnknownProvider(provider.to_string()))?;
    let bytes = match entry.table {
        Table::Deflate(bytes) => bytes,
        Table::Missing(reason) => {
            return Err(MappingError::MissingData {
                provider: provider.to_string(),
                reason: reason.to_string(),
            })
        }
    };
    let corrupt = |reason: String| MappingError::Malformed {
        provider: entry.provider.to_string(),
        line: 0,
        reason,
    };
    let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(bytes, MAX_TABLE_BYTES)
        .map_err(|e| corrupt(format!("cannot inflate the embedded table: {e}")))?;
    let text = std::str::from_utf8(&raw).map_err(|e| corrupt(format!("not UTF-8: {e}")))?;
    format::decode(entry.provider, text)
}

/// The same loader under its former name (the cache's `MappingCache::builtin()` calls it).
pub fn load_builtin(provider: &str) -> Result<ProviderMapping, MappingError> {
    load_embedded(provider)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::TypeKind;

    #[test]
    fn every_embedded_table_decodes() {
        assert!(embedded_providers().len() > 40);
        for entry in embedded_providers() {
            match (entry.table, load_embedded(entry.provider)) {
                (Table::Deflate(_), Ok(mapping)) => {
                    assert_eq!(mapping.provider, entry.provider);
                    assert_eq!(mapping.package, entry.package);
                    assert!(
                        !mapping.resources.is_empty() || !mapping.data_sources.is_empty(),
                        "{} is empty",
                        entry.provider
                    );
                }
                (Table::Missing(_), Err(MappingError::MissingData { .. })) => {}
                (_, other) => panic!("{}: {other:?}", entry.provider),
            }
        }
    }

    #[test]
    fn well_known_entries() {
        let aws = load_embedded("aws").expect("aws");
        let instance = aws
            .lookup(TypeKind::Resource, "aws_instance")
            .expect("instance");
        assert_eq!(instance.token, "aws:ec2/instance:Instance");
        assert_eq!(
            instance.fields["ebs_block_device"].max_items_one,
            Some(false)
        );
        let lambda = aws
            .lookup(TypeKind::Resource, "aws_lambda_function")
            .expect("lambda");
        assert_eq!(lambda.fields["filename"].name.as_deref(), Some("code"));
        let ami = aws.lookup(TypeKind::DataSource, "aws_ami").expect("ami");
        assert_eq!(ami.token, "aws:ec2/getAmi:getAmi");

        let gcp = load_embedded("google").expect("google");
        assert_eq!(gcp.package, "gcp");
        let vm = &gcp.resources["google_compute_instance"];
        assert_eq!(vm.token, "gcp:compute/instance:Instance");
        assert_eq!(
            vm.fields["boot_disk"].fields["initialize_params"].max_items_one,
            Some(true)
        );
        assert_eq!(
            load_embedded("google-beta").map(|m| m.package),
            Ok("gcp".into())
        );

        let k8s = load_embedded("kubernetes").expect("kubernetes");
        let deployment = &k8s.resources["kubernetes_deployment"];
        let names = deployment.attribute(&["spec", "template", "spec", "container"]);
        assert_eq!(names.last().map(|n| n.name.as_str()), Some("containers"));
        assert!(k8s.gap(TypeKind::DataSource, "kubernetes_secret").is_some());
        assert!(k8s.gap(TypeKind::Resource, "kubernetes_manifest").is_some());

        let helm = load_embedded("helm").expect("helm");
        assert_eq!(
            helm.resources["helm_release"].token,
            "kubernetes:helm.sh/v3:Release"
        );
        assert_eq!(
            load_embedded("azurerm").map(|m| m.package),
            Ok("azure".into())
        );
        assert_eq!(
            load_embedded("bigip").map(|m| m.package),
            Ok("f5bigip".into())
        );
        assert_eq!(
            load_embedded("confluent").map(|m| m.package),
            Ok("confluentcloud".into())
        );
        let time = load_embedded("time").expect("time");
        assert_eq!(time.resources["time_sleep"].token, "time:index/sleep:Sleep");
    }

    #[test]
    fn missing_and_unknown_providers_are_distinct_errors() {
        assert!(matches!(
            load_embedded("datadog"),
            Err(MappingError::MissingData { .. })
        ));
        assert_eq!(
            load_embedded("nope"),
            Err(MappingError::UnknownProvider("nope".into()))
        );
    }
}
