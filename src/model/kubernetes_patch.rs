//! Terraform Kubernetes resources that edit part of an object they do not own (`kubernetes_labels`,
//! `kubernetes_annotations`, `kubernetes_env`, `kubernetes_node_taint`,
//! `kubernetes_default_service_account`): the Terraform provider applies them with server-side
//! apply, which is what Pulumi's `...Patch` resources do. Each becomes the Patch resource of the
//! object's kind, with the edited fields at their place in the object: labels under `metadata`,
//! an environment under the pod template's container, taints under `spec.taints`.

use super::expr::ExprLowering;
use super::{Expr, ObjectKey, Property, Resource};
use crate::diagnostics::Severity;
use crate::mapping::{FieldMapping, ProviderMapping, TypeKind};
use hcl_edit::structure::Block;
use hcl_edit::Span;
use std::collections::HashMap;

/// Pulumi's Patch resource for any kind, named by `apiVersion` and `kind` arguments.
const CUSTOM_RESOURCE_PATCH_TOKEN: &str = "kubernetes:apiextensions.k8s.io:CustomResourcePatch";
/// The annotations through which a Pulumi Patch resource takes what Terraform's `field_manager`
/// and `force` arguments say.
const FIELD_MANAGER_ANNOTATION: &str = "pulumi.com/patchFieldManager";
const FORCE_ANNOTATION: &str = "pulumi.com/patchForce";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PatchKind {
    Labels,
    Annotations,
    Env,
    NodeTaint,
    DefaultServiceAccount,
}

impl PatchKind {
    pub fn of(tf_type: &str) -> Option<PatchKind> {
        match tf_type {
            "kubernetes_labels" => Some(PatchKind::Labels),
            "kubernetes_annotations" => Some(PatchKind::Annotations),
            "kubernetes_env" => Some(PatchKind::Env),
            "kubernetes_node_taint" => Some(PatchKind::NodeTaint),
            "kubernetes_default_service_account" | "kubernetes_default_service_account_v1" => {
                Some(PatchKind::DefaultServiceAccount)
            }
            _ => None,
        }
    }

    /// The Terraform resource type whose field tree names the edited object's fields, where the
    /// mapping data has one (the service account a default service account resource edits).
    pub fn object_type(self) -> Option<&'static str> {
        match self {
            PatchKind::DefaultServiceAccount => Some("kubernetes_service_account_v1"),
            _ => None,
        }
    }
}

/// The Patch resource token: fixed for kinds the Terraform type always edits, else the one of the
/// `api_version` and `kind` the block names (`apps/v1` + `Deployment` →
/// `kubernetes:apps/v1:DeploymentPatch`). Kinds outside the built-in API groups, and values known only
/// at run time, get the `CustomResourcePatch`, which takes them as arguments.
pub(super) fn token(kind: PatchKind, block: &Block) -> String {
    match kind {
        PatchKind::NodeTaint => "kubernetes:core/v1:NodePatch".to_string(),
        PatchKind::DefaultServiceAccount => "kubernetes:core/v1:ServiceAccountPatch".to_string(),
        PatchKind::Labels | PatchKind::Annotations | PatchKind::Env => {
            let literal = |name: &str| {
                block
                    .body
                    .get_attribute(name)
                    .and_then(|a| a.value.as_str())
                    .map(String::from)
            };
            match (literal("api_version"), literal("kind")) {
                (Some(api_version), Some(object_kind)) => {
                    builtin_patch_token(&api_version, &object_kind)
                        .unwrap_or_else(|| CUSTOM_RESOURCE_PATCH_TOKEN.to_string())
                }
                _ => CUSTOM_RESOURCE_PATCH_TOKEN.to_string(),
            }
        }
    }
}

/// `v1` + `ConfigMap` → `kubernetes:core/v1:ConfigMapPatch`; `None` for API groups the Kubernetes
/// package does not generate classes for (custom resources).
fn builtin_patch_token(api_version: &str, kind: &str) -> Option<String> {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let builtin_group = group.is_empty() || !group.contains('.') || group.ends_with(".k8s.io");
    let valid_kind = kind.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && kind.chars().all(|c| c.is_ascii_alphanumeric());
    let valid_version =
        version.starts_with('v') && version.chars().all(|c| c.is_ascii_alphanumeric());
    if !(builtin_group && valid_kind && valid_version) {
        return None;
    }
    let group = if group.is_empty() { "core" } else { group };
    Some(format!("kubernetes:{group}/{version}:{kind}Patch"))
}

/// The field tree the Terraform body is lowered by, before [`reshape`] moves the values to their
/// place in the object.
pub(super) fn fields(
    kind: PatchKind,
    provider: Option<&ProviderMapping>,
) -> HashMap<String, FieldMapping> {
    let block = |max_items_one: bool| FieldMapping {
        max_items_one: Some(max_items_one),
        ..FieldMapping::default()
    };
    if let Some(object) = kind
        .object_type()
        .and_then(|t| provider?.lookup(TypeKind::Resource, t))
    {
        return object.fields.clone();
    }
    let mut fields = HashMap::from([("metadata".to_string(), block(true))]);
    match kind {
        PatchKind::Env => {
            // The container's `env` as a Deployment's tree has it (`value_from { secret_key_ref }`).
            let env = provider
                .and_then(|p| p.lookup(TypeKind::Resource, "kubernetes_deployment_v1"))
                .and_then(|d| {
                    ["spec", "template", "spec", "container", "env"]
                        .iter()
                        .try_fold(&d.fields, |fields, name| {
                            fields.get(*name).map(|f| &f.fields)
                        })
                });
            let env = FieldMapping {
                name: Some("env".to_string()),
                max_items_one: Some(false),
                fields: env.cloned().unwrap_or_default(),
                ..FieldMapping::default()
            };
            fields.insert("env".to_string(), env);
        }
        PatchKind::NodeTaint => {
            let taint = FieldMapping {
                name: Some("taint".to_string()),
                ..block(false)
            };
            fields.insert("taint".to_string(), taint);
        }
        _ => {}
    }
    fields
}

/// Moves the lowered Terraform arguments to their place in the patched object.
pub(super) fn reshape(
    kind: PatchKind,
    resource: &mut Resource,
    block: &Block,
    lowering: &mut ExprLowering,
) {
    let span = block.labels.first().and_then(|l| l.span());
    let mut taken: HashMap<String, Expr> = std::mem::take(&mut resource.properties)
        .into_iter()
        .map(|p| (p.name, p.value))
        .collect();
    let custom = resource.token == CUSTOM_RESOURCE_PATCH_TOKEN;
    let mut properties = Vec::new();
    for name in ["apiVersion", "kind"] {
        match taken.remove(name) {
            Some(value) if custom => properties.push(property(name, value)),
            _ => {}
        }
    }
    let mut metadata = match taken.remove("metadata") {
        Some(Expr::Object(entries)) => entries,
        Some(other) => {
            lowering.reporter.report(
                Severity::Error,
                "unsupported-value",
                "`metadata` must be a block naming the object to patch",
                span.clone(),
            );
            vec![(ObjectKey::Name("name".to_string()), other)]
        }
        None => Vec::new(),
    };
    let mut patch_annotations = Vec::new();
    if let Some(manager) = taken.remove("fieldManager") {
        patch_annotations.push((
            ObjectKey::Name(FIELD_MANAGER_ANNOTATION.to_string()),
            manager,
        ));
    }
    if let Some(force) = taken.remove("force") {
        let value = match force {
            Expr::Bool(force) => Expr::String(force.to_string()),
            other => Expr::Conditional(
                Box::new(other),
                Box::new(Expr::String("true".to_string())),
                Box::new(Expr::String("false".to_string())),
            ),
        };
        patch_annotations.push((ObjectKey::Name(FORCE_ANNOTATION.to_string()), value));
    }
    let mut spec = Vec::new();
    match kind {
        PatchKind::Labels => {
            if let Some(labels) = taken.remove("labels") {
                merge_into(&mut metadata, "labels", labels);
            }
        }
        PatchKind::Annotations => {
            if let Some(annotations) = taken.remove("annotations") {
                merge_into(&mut metadata, "annotations", annotations);
            }
            if let Some(template) = taken.remove("templateAnnotations") {
                let template_metadata = object([("annotations", template)]);
                spec = nest(
                    pod_template_path(block),
                    object([("metadata", template_metadata)]),
                );
            }
        }
        PatchKind::Env => {
            let (list, container) = match (taken.remove("container"), taken.remove("initContainer"))
            {
                (Some(container), _) => ("containers", container),
                (None, Some(container)) => ("initContainers", container),
                (None, None) => {
                    lowering.reporter.report(
                        Severity::Error,
                        "missing-argument",
                        "`kubernetes_env` needs `container` or `init_container` to name the container to patch",
                        span.clone(),
                    );
                    ("containers", Expr::Unsupported("container".to_string()))
                }
            };
            let env = taken.remove("env").unwrap_or(Expr::List(Vec::new()));
            let containers = Expr::List(vec![object([("name", container), ("env", env)])]);
            let pod_spec = object([(list, containers)]);
            spec = match pod_template_path(block) {
                // A Pod's own spec holds its containers.
                None => match pod_spec {
                    Expr::Object(entries) => entries,
                    _ => Vec::new(),
                },
                path => nest(path, object([("spec", pod_spec)])),
            };
        }
        PatchKind::NodeTaint => {
            let taints = taken.remove("taint").unwrap_or(Expr::List(Vec::new()));
            spec.push((ObjectKey::Name("taints".to_string()), taints));
        }
        PatchKind::DefaultServiceAccount => {
            // The namespace's own service account, which Kubernetes creates with the namespace.
            if !metadata
                .iter()
                .any(|(k, _)| matches!(k, ObjectKey::Name(n) if n == "name"))
            {
                metadata.insert(
                    0,
                    (
                        ObjectKey::Name("name".to_string()),
                        Expr::String("default".to_string()),
                    ),
                );
            }
        }
    }
    if !patch_annotations.is_empty() {
        merge_into(
            &mut metadata,
            "annotations",
            Expr::Object(patch_annotations),
        );
    }
    properties.push(property("metadata", Expr::Object(metadata)));
    if !spec.is_empty() {
        properties.push(property("spec", Expr::Object(spec)));
    }
    // Anything else is a field of the object itself (a service account's `secrets`), in source order.
    let mut rest: Vec<(String, Expr)> = taken.into_iter().collect();
    rest.sort_by(|a, b| a.0.cmp(&b.0));
    properties.extend(rest.into_iter().map(|(name, value)| property(&name, value)));
    resource.properties = properties;
}

/// Where a workload kind keeps its pod template, as steps below `spec`; `None` for a Pod.
fn pod_template_path(block: &Block) -> Option<&'static [&'static str]> {
    let kind = block
        .body
        .get_attribute("kind")
        .and_then(|a| a.value.as_str());
    match kind {
        Some("Pod") => None,
        Some("CronJob") => Some(&["jobTemplate", "spec", "template"]),
        _ => Some(&["template"]),
    }
}

/// `value` under the steps of `path` (`["template"]` → `{ template: value }`), as object entries.
fn nest(path: Option<&[&str]>, value: Expr) -> Vec<(ObjectKey, Expr)> {
    let steps = path.unwrap_or_default();
    let inner = steps
        .iter()
        .skip(1)
        .rev()
        .fold(value, |inner, step| object([(step, inner)]));
    match steps.first() {
        Some(first) => vec![(ObjectKey::Name(first.to_string()), inner)],
        None => match inner {
            Expr::Object(entries) => entries,
            _ => Vec::new(),
        },
    }
}

/// Adds a map under `key`, merged with the one already there.
fn merge_into(entries: &mut Vec<(ObjectKey, Expr)>, key: &str, value: Expr) {
    let existing = entries
        .iter()
        .position(|(k, _)| matches!(k, ObjectKey::Name(n) if n == key));
    let Some(index) = existing else {
        entries.push((ObjectKey::Name(key.to_string()), value));
        return;
    };
    let (name, current) = entries.remove(index);
    let merged = match (current, value) {
        (Expr::Object(mut first), Expr::Object(second)) => {
            first.extend(second);
            Expr::Object(first)
        }
        (first, second) => Expr::Call {
            name: "merge".to_string(),
            args: vec![first, second],
        },
    };
    entries.insert(index, (name, merged));
}

fn object<const N: usize>(entries: [(&str, Expr); N]) -> Expr {
    Expr::Object(
        entries
            .into_iter()
            .map(|(k, v)| (ObjectKey::Name(k.to_string()), v))
            .collect(),
    )
}

fn property(name: &str, value: Expr) -> Property {
    Property {
        name: name.to_string(),
        value,
        comments: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_kinds_get_their_patch_class() {
        assert_eq!(
            builtin_patch_token("apps/v1", "Deployment").as_deref(),
            Some("kubernetes:apps/v1:DeploymentPatch")
        );
        assert_eq!(
            builtin_patch_token("v1", "ConfigMap").as_deref(),
            Some("kubernetes:core/v1:ConfigMapPatch")
        );
        assert_eq!(
            builtin_patch_token("networking.k8s.io/v1", "Ingress").as_deref(),
            Some("kubernetes:networking.k8s.io/v1:IngressPatch")
        );
        assert_eq!(
            builtin_patch_token("cert-manager.io/v1", "Certificate"),
            None
        );
        assert_eq!(builtin_patch_token("v1", "config map"), None);
    }
}
