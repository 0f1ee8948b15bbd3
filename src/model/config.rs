//! `variable` blocks → stack configuration.

use super::expr::ExprLowering;
use super::lower::config_type;
use super::ConfigVar;
use crate::diagnostics::Severity;
use hcl_edit::structure::{Block, Structure};
use hcl_edit::Span;

pub(super) fn lower_variable(config: &mut ConfigVar, block: &Block, lowering: &mut ExprLowering) {
    for structure in block.body.iter() {
        match structure {
            Structure::Attribute(attr) => match attr.key.as_str() {
                "type" => config.ty = config_type(&attr.value),
                "default" => config.default = Some(lowering.lower(&attr.value)),
                "description" => config.description = attr.value.as_str().map(String::from),
                "sensitive" => config.secret = attr.value.as_bool() == Some(true),
                "nullable" => config.nullable = attr.value.as_bool() != Some(false),
                // Ephemeral values are a Terraform plan-time notion; Pulumi config is read at run time.
                "ephemeral" => {}
                other => lowering.reporter.report(
                    Severity::Warning,
                    "not-converted",
                    format!("variable argument `{other}` is not converted"),
                    attr.span(),
                ),
            },
            Structure::Block(inner) if inner.ident.as_str() == "validation" => {
                lowering.reporter.report(
                    Severity::Warning,
                    "validation-not-converted",
                    format!(
                        "the validation of variable `{}` is not converted: Pulumi config has no validation rules; check the value in the program if it matters",
                        config.key
                    ),
                    inner.ident.span(),
                )
            }
            Structure::Block(inner) => lowering.reporter.report(
                Severity::Warning,
                "not-converted",
                format!("variable `{}` blocks are not converted", inner.ident.as_str()),
                inner.span(),
            ),
        }
    }
}
