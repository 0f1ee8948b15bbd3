//! `variable` blocks → stack configuration.

use super::expr::ExprLowering;
use super::{ConfigType, ConfigVar, Expr, ObjectField, ObjectKey};
use crate::diagnostics::Severity;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Structure};
use hcl_edit::Span;

pub(super) fn lower_variable(config: &mut ConfigVar, block: &Block, lowering: &mut ExprLowering) {
    for structure in block.body.iter() {
        match structure {
            Structure::Attribute(attr) => match attr.key.as_str() {
                "type" => {
                    config.ty = config_type(&attr.value, lowering);
                    config.typed = true;
                }
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
    if let Some(default) = &mut config.default {
        convert_constant(default, &config.ty);
    }
}

/// A variable's type constraint; an object attribute's `optional(T, default)` keeps its default,
/// converted to `T`.
fn config_type(expr: &Expression, lowering: &mut ExprLowering) -> ConfigType {
    match expr {
        Expression::Variable(v) => match v.as_str() {
            "string" => ConfigType::String,
            "number" => ConfigType::Number,
            "bool" => ConfigType::Bool,
            _ => ConfigType::Any,
        },
        Expression::FuncCall(call) => {
            let first = call.args.iter().next();
            let inner = first.map_or(ConfigType::Any, |e| config_type(e, lowering));
            match call.name.name.as_str() {
                "list" | "set" | "tuple" => ConfigType::List(Box::new(inner)),
                "map" => ConfigType::Map(Box::new(inner)),
                // Outside an object attribute `optional` says nothing Terraform accepts.
                "optional" => inner,
                "object" => match first {
                    Some(Expression::Object(object)) => ConfigType::Object(
                        object
                            .iter()
                            .filter_map(|(k, v)| {
                                let name = match k {
                                    hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                                    hcl_edit::expr::ObjectKey::Expression(e) => {
                                        e.as_str()?.to_string()
                                    }
                                };
                                Some(object_field(name, v.expr(), lowering))
                            })
                            .collect(),
                    ),
                    _ => ConfigType::Any,
                },
                _ => ConfigType::Any,
            }
        }
        _ => ConfigType::Any,
    }
}

/// An object attribute: `optional(T)` and `optional(T, default)` mark it optional.
fn object_field(name: String, expr: &Expression, lowering: &mut ExprLowering) -> ObjectField {
    let Expression::FuncCall(call) = expr else {
        return ObjectField::required(name, config_type(expr, lowering));
    };
    if call.name.name.as_str() != "optional" {
        return ObjectField::required(name, config_type(expr, lowering));
    }
    let mut args = call.args.iter();
    let ty = args
        .next()
        .map_or(ConfigType::Any, |e| config_type(e, lowering));
    // A null default is no default: the attribute is null either way.
    let default = args
        .next()
        .map(|e| lowering.lower(e))
        .filter(|d| *d != Expr::Null)
        .map(|mut default| {
            convert_constant(&mut default, &ty);
            default
        });
    ObjectField {
        name,
        ty,
        optional: true,
        default,
    }
}

/// Terraform converts a default to the variable's type: `100` in a `map(string)` is `"100"`,
/// `"true"` in a `bool` is `true`. Constants are converted here so every language sees values
/// of the declared type; anything else is left as it is.
pub(super) fn convert_constant(value: &mut Expr, ty: &ConfigType) {
    match (ty, &mut *value) {
        (ConfigType::String, Expr::Number(n)) => *value = Expr::String(n.clone()),
        (ConfigType::String, Expr::Bool(b)) => *value = Expr::String(b.to_string()),
        (ConfigType::Number, Expr::String(s)) if s.trim().parse::<f64>().is_ok() => {
            *value = Expr::Number(s.trim().to_string())
        }
        (ConfigType::Bool, Expr::String(s)) if s == "true" || s == "false" => {
            *value = Expr::Bool(s == "true")
        }
        (ConfigType::List(inner), Expr::List(items)) => {
            for item in items {
                convert_constant(item, inner);
            }
        }
        (ConfigType::Map(inner), Expr::Object(entries)) => {
            for (_, item) in entries {
                convert_constant(item, inner);
            }
        }
        (ConfigType::Object(fields), Expr::Object(entries)) => {
            for (key, item) in entries {
                let field = match key {
                    ObjectKey::Name(name) => fields.iter().find(|f| f.name == *name),
                    ObjectKey::Expr(_) => None,
                };
                if let Some(field) = field {
                    convert_constant(item, &field.ty);
                }
            }
        }
        _ => {}
    }
}
