//! Terraform types that belong to no provider: `null_resource` (the `null` provider, which Pulumi does not
//! bridge) and `terraform_data` (built into Terraform). Neither has a Pulumi package, so neither is in the
//! mapping data; the converter asks [`builtin_kind`] before loading any provider for them.
//!
//! Decision: they are not mapped to a placeholder resource (Pulumi has no `null` package). Both exist
//! only to carry values and to order or re-trigger provisioners, which Pulumi expresses without a
//! resource: a converter reports `no-pulumi-equivalent` with [`BuiltinType::note`], keeps the values —
//! the `input` of `terraform_data` (its `output` is that value), the `triggers` of `null_resource` — as
//! plain values so that references to them still resolve, and turns their provisioners into `command`
//! resources triggered by those values.

/// A provider-less built-in Terraform type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinType {
    /// `null_resource`: `triggers` plus provisioners.
    NullResource,
    /// `terraform_data`: `input`/`output` plus `triggers_replace` and provisioners.
    TerraformData,
}

/// Whether a Terraform type is one of the provider-less built-ins.
pub fn builtin_kind(tf_type: &str) -> Option<BuiltinType> {
    match tf_type {
        "null_resource" => Some(BuiltinType::NullResource),
        "terraform_data" => Some(BuiltinType::TerraformData),
        _ => None,
    }
}

impl BuiltinType {
    pub fn tf_type(self) -> &'static str {
        match self {
            BuiltinType::NullResource => "null_resource",
            BuiltinType::TerraformData => "terraform_data",
        }
    }

    /// The attribute whose value stands for the whole resource in Pulumi.
    pub fn value_attribute(self) -> &'static str {
        match self {
            BuiltinType::NullResource => "triggers",
            BuiltinType::TerraformData => "input",
        }
    }

    /// What a converter tells the user.
    pub fn note(self) -> &'static str {
        match self {
            BuiltinType::NullResource => {
                "`null_resource` belongs to no provider and has no Pulumi resource: its `triggers` are kept as \
                 a plain value, and its provisioners become `command` resources that re-run when it changes"
            }
            BuiltinType::TerraformData => {
                "`terraform_data` is built into Terraform and has no Pulumi resource: its `input` is kept as a \
                 plain value (`output` refers to it), and its provisioners become `command` resources that \
                 re-run when it changes; `triggers_replace` is not converted"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_two_builtins() {
        assert_eq!(
            builtin_kind("null_resource"),
            Some(BuiltinType::NullResource)
        );
        assert_eq!(
            builtin_kind("terraform_data"),
            Some(BuiltinType::TerraformData)
        );
        assert_eq!(builtin_kind("terraform_remote_state"), None);
        assert_eq!(builtin_kind("random_pet"), None);
        for b in [BuiltinType::NullResource, BuiltinType::TerraformData] {
            assert_eq!(builtin_kind(b.tf_type()), Some(b));
            assert!(b.note().contains(b.value_attribute()));
        }
    }
}
