//! `provider` blocks. A default (unaliased) block becomes stack configuration (`aws:region`), as
//! Pulumi's own converter writes it into `Pulumi.yaml`; an aliased one is declared as an explicit
//! provider resource by the driver and lowered like a resource body.

use super::expr::ExprLowering;
use super::lower::Decls;
use super::{Expr, Node, NodeKind, ObjectKey, TemplatePart};
use crate::diagnostics::{Reporter, Severity};
use crate::mapping::{camel_case, package_for_provider};
use hcl_edit::structure::{Block, Structure};
use hcl_edit::Span;

/// The Pulumi package of a Terraform provider name (`google` → `gcp`).
pub(super) fn provider_package(name: &str) -> String {
    package_for_provider(name).to_string()
}

pub(super) fn lower_default_provider(
    block: &Block,
    decls: &Decls,
    nodes: &[Node],
    reporter: &mut Reporter,
    stack_config: &mut Vec<(String, Expr)>,
) {
    let Some(name) = block.labels.first().map(|l| l.as_str()) else {
        return;
    };
    let package = provider_package(name);
    let mut lowering = ExprLowering::new(decls, reporter);
    for structure in block.body.iter() {
        match structure {
            Structure::Attribute(attr) => {
                let key = attr.key.as_str();
                if key == "version" {
                    continue; // provider versions live in the project's dependencies
                }
                let value = lowering.lower(&attr.value);
                match constant_value(&value, nodes, 0) {
                    Some(constant) => stack_config
                        .push((format!("{package}:{}", camel_case(key)), constant)),
                    None => lowering.reporter.report(
                        Severity::Warning,
                        "provider-config",
                        format!(
                            "`{key}` of the default `{name}` provider is not a constant, so it cannot become stack configuration; set it with `pulumi config set {package}:{}`",
                            camel_case(key)
                        ),
                        attr.span(),
                    ),
                }
            }
            Structure::Block(inner) => lowering.reporter.report(
                Severity::Warning,
                "provider-config",
                format!(
                    "blocks in provider configuration are not converted: `{}` of provider `{name}` is ignored",
                    inner.ident.as_str()
                ),
                inner.ident.span(),
            ),
        }
    }
}

/// The value of `expr` when it is known without deploying: literals, locals that are constant, and
/// a few pure string functions (Pulumi's converter evaluates these the same way).
fn constant_value(expr: &Expr, nodes: &[Node], depth: usize) -> Option<Expr> {
    if depth > 32 {
        return None;
    }
    match expr {
        Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::String(_) => Some(expr.clone()),
        Expr::List(items) => items
            .iter()
            .map(|e| constant_value(e, nodes, depth + 1))
            .collect::<Option<Vec<_>>>()
            .map(Expr::List),
        Expr::Object(entries) => entries
            .iter()
            .map(|(k, v)| match k {
                ObjectKey::Name(_) => Some((k.clone(), constant_value(v, nodes, depth + 1)?)),
                ObjectKey::Expr(_) => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(Expr::Object),
        Expr::Ref { node, path } if path.is_empty() => match nodes.get(*node).map(|n| &n.kind) {
            Some(NodeKind::Local(value)) => constant_value(value, nodes, depth + 1),
            _ => None,
        },
        Expr::Template(parts) => {
            let mut out = String::new();
            for part in parts {
                match part {
                    TemplatePart::Literal(s) => out.push_str(s),
                    TemplatePart::Interpolation(e) => match constant_value(e, nodes, depth + 1)? {
                        Expr::String(s) | Expr::Number(s) => out.push_str(&s),
                        Expr::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                        _ => return None,
                    },
                    TemplatePart::If { .. } | TemplatePart::For { .. } => return None,
                }
            }
            Some(Expr::String(out))
        }
        Expr::Call { name, args } => {
            let strings: Option<Vec<String>> = args
                .iter()
                .map(|a| match constant_value(a, nodes, depth + 1)? {
                    Expr::String(s) => Some(s),
                    _ => None,
                })
                .collect();
            let strings = strings?;
            let one = || strings.first().cloned();
            let text = match name.as_str() {
                "upper" => one()?.to_uppercase(),
                "lower" => one()?.to_lowercase(),
                "trimspace" => one()?.trim().to_string(),
                "title" => title_case(&one()?),
                _ => return None,
            };
            Some(Expr::String(text))
        }
        _ => None,
    }
}

/// Terraform's `title`: the first letter of each word upper-cased.
fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at_start = true;
    for c in text.chars() {
        if at_start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        at_start = !c.is_alphanumeric();
    }
    out
}
