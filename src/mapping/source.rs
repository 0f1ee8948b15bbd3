//! Where a provider's mapping comes from: user-supplied files first, then the embedded tables. The cache's
//! loader is [`MappingSource::load`], so user files load "through the same path" as the embedded data —
//! once per provider, cached and counted like any other load.

use super::{embedded, user, MappingError, ProviderMapping};
use crate::cache::MappingCache;
use std::collections::HashMap;

/// User mappings (by Terraform provider name) in front of the embedded tables.
#[derive(Debug, Clone, Default)]
pub struct MappingSource {
    user: HashMap<String, ProviderMapping>,
}

impl MappingSource {
    /// The embedded tables alone.
    pub fn embedded() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a user mapping under its provider name; it wins over the embedded table.
    pub fn with_user_mapping(mut self, mapping: ProviderMapping) -> Self {
        self.user.insert(mapping.provider.clone(), mapping);
        self
    }

    /// Parses a `MarshallableProviderInfo` file (see [`user`]) and adds it; `file` names it in errors.
    pub fn with_user_file(self, file: &str, json: &str) -> Result<Self, MappingError> {
        Ok(self.with_user_mapping(user::parse_marshallable_file(file, json)?))
    }

    /// Providers with a user mapping, sorted.
    pub fn user_providers(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.user.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// The mapping of a Terraform provider: the user's if there is one, else the embedded table.
    pub fn load(&self, provider: &str) -> Result<ProviderMapping, MappingError> {
        match self.user.get(provider) {
            Some(mapping) => Ok(mapping.clone()),
            None => embedded::load_embedded(provider),
        }
    }

    /// A cache whose loader is [`MappingSource::load`].
    pub fn into_cache(self) -> MappingCache {
        MappingCache::new(Box::new(move |provider: &str| self.load(provider)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::{TypeKind, TypeMapping};

    #[test]
    fn user_mappings_win_and_embedded_data_remains() {
        let mine = ProviderMapping {
            provider: "random".into(),
            package: "random".into(),
            resources: [(
                "random_pet".to_string(),
                TypeMapping {
                    token: "mine:index/pet:Pet".into(),
                    fields: Default::default(),
                },
            )]
            .into_iter()
            .collect(),
            ..Default::default()
        };
        let cache = MappingSource::embedded()
            .with_user_mapping(mine)
            .with_user_file("simple.json", r#"{"name": "simple", "resources": {"simple_resource": {"tok": "simple:index:resource"}}}"#)
            .expect("valid file")
            .into_cache();
        let token = |provider: &str, tf_type: &str| {
            cache.get(provider).ok().and_then(|m| {
                m.lookup(TypeKind::Resource, tf_type)
                    .map(|t| t.token.clone())
            })
        };
        assert_eq!(
            token("random", "random_pet").as_deref(),
            Some("mine:index/pet:Pet")
        );
        assert_eq!(
            token("simple", "simple_resource").as_deref(),
            Some("simple:index:resource")
        );
        assert_eq!(token("aws", "aws_vpc").as_deref(), Some("aws:ec2/vpc:Vpc"));
        assert_eq!(cache.snapshot().loads, 3);
    }
}
