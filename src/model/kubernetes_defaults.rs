//! Arguments the Kubernetes API requires that Terraform's Kubernetes provider fills in when a
//! configuration leaves them out. Pulumi passes objects to the API as written, so the converted
//! program states the provider's default.

use super::{Expr, ObjectKey, Resource};

/// A required field: the resource token, the path to the objects that need it (each step a field
/// holding an object or a list of objects), the field and the Terraform provider's default.
struct RequiredDefault {
    token: &'static str,
    path: &'static [&'static str],
    field: &'static str,
    default: &'static str,
}

const REQUIRED_DEFAULTS: &[RequiredDefault] = &[
    // hashicorp/terraform-provider-kubernetes `kubernetes_ingress_v1`: `path_type` defaults to
    // `ImplementationSpecific`; networking.k8s.io/v1 requires `pathType`.
    RequiredDefault {
        token: "kubernetes:networking.k8s.io/v1:Ingress",
        path: &["spec", "rules", "http", "paths"],
        field: "pathType",
        default: "ImplementationSpecific",
    },
];

/// Adds the Terraform provider's default for each required field the resource leaves out.
pub(super) fn fill_required(resource: &mut Resource) {
    for required in REQUIRED_DEFAULTS
        .iter()
        .filter(|r| r.token == resource.token)
    {
        let Some((first, rest)) = required.path.split_first() else {
            continue;
        };
        for property in resource.properties.iter_mut().filter(|p| p.name == *first) {
            fill(&mut property.value, rest, required);
        }
    }
}

fn fill(value: &mut Expr, path: &[&str], required: &RequiredDefault) {
    match value {
        Expr::List(items) => items.iter_mut().for_each(|item| fill(item, path, required)),
        // A `dynamic` block: every generated object.
        Expr::For(for_expr) if for_expr.key.is_none() => fill(&mut for_expr.value, path, required),
        // Static blocks beside `dynamic` ones.
        Expr::Call { name, args } if name == "concat" => {
            args.iter_mut().for_each(|arg| fill(arg, path, required))
        }
        Expr::Object(entries) => match path.split_first() {
            Some((step, rest)) => {
                for (_, inner) in entries
                    .iter_mut()
                    .filter(|(k, _)| matches!(k, ObjectKey::Name(n) if n == step))
                {
                    fill(inner, rest, required);
                }
            }
            None => {
                let present = entries
                    .iter()
                    .any(|(k, _)| matches!(k, ObjectKey::Name(n) if n == required.field));
                if !present {
                    entries.push((
                        ObjectKey::Name(required.field.to_string()),
                        Expr::String(required.default.to_string()),
                    ));
                }
            }
        },
        // Values computed at run time are passed as they are.
        _ => {}
    }
}
