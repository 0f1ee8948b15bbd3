//! Resource and data-source bodies: attributes and nested blocks as Pulumi properties (named through
//! the mapping), `dynamic` blocks, and the meta-arguments as resource options: `count`, `for_each`,
//! `depends_on`, `provider`, `lifecycle`, `timeouts`, provisioners.

use super::coerce::coerce_literal;
use super::expr::ExprLowering;
use super::infer::pending_conversion;
use super::lower::{comment_lines, range_kind};
use super::required;
use super::{
    Expr, ForExpr, Intrinsic, Invoke, NodeId, ObjectKey, Property, Range, Resource,
    ResourceOptions, TemplatePart,
};
use crate::diagnostics::{Severity, SourceSpan};
use crate::mapping::{camel_case, property_name, FieldMapping, ScalarType, ValueType};
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::{Decorate, Span};
use std::collections::{BTreeMap, HashMap};

/// A resource generated for a provisioner (`command:local:Command`, ...). The driver names it
/// `<resource><suffix>` and chains it after the resource and the provisioners before it.
pub(crate) struct Provisioner {
    /// Runs after the resource it belongs to (false for built-ins, which are values).
    pub after_owner: bool,
    pub suffix: String,
    pub token: &'static str,
    pub properties: Vec<Property>,
    pub options: ResourceOptions,
    pub comments: Vec<String>,
    pub span: SourceSpan,
}

/// Meta-arguments handled by the resource itself, not passed as properties.
const RESOURCE_META: &[&str] = &["count", "for_each", "depends_on", "provider"];
const RESOURCE_META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection", "timeouts"];

fn lower_range(block: &Block, lowering: &mut ExprLowering) -> Option<Range> {
    let range = if let Some(attr) = block.body.get_attribute("count") {
        Some(Range::Count(lowering.lower(&attr.value)))
    } else {
        block
            .body
            .get_attribute("for_each")
            .map(|attr| Range::ForEach(lowering.lower(&attr.value)))
    };
    lowering.range = range_kind(block);
    range
}

fn lower_depends_on(block: &Block, lowering: &mut ExprLowering) -> Vec<Expr> {
    let Some(attr) = block.body.get_attribute("depends_on") else {
        return Vec::new();
    };
    depends_on_items(&attr.value, lowering)
}

/// The entries of a `depends_on` list. Terraform 0.11 wrote them as quoted strings
/// (`"aws_instance.web"`), which Terraform still reads as references with a deprecation warning;
/// so does the converter, instead of passing a string where Pulumi wants a resource.
pub(super) fn depends_on_items(value: &Expression, lowering: &mut ExprLowering) -> Vec<Expr> {
    let Expression::Array(items) = value else {
        return match lowering.lower(value) {
            Expr::List(items) => items,
            other => vec![other],
        };
    };
    items
        .iter()
        .map(|item| match item {
            Expression::String(text) => quoted_reference(text.value(), item, lowering),
            other => lowering.lower(other),
        })
        .collect()
}

/// `"aws_instance.web"`, `"data.aws_ami.x"`, `"module.vpc"` in `depends_on` → that declaration.
fn quoted_reference(text: &str, item: &Expression, lowering: &mut ExprLowering) -> Expr {
    let span = item.span();
    let declared = lowering.decls.get(text).map(|d| d.id);
    match declared {
        Some(node) => {
            lowering.reporter.report(
                Severity::Warning,
                "deprecated-syntax",
                format!(
                    "quoted references in `depends_on` are Terraform 0.11 syntax; read as `{text}`"
                ),
                span,
            );
            Expr::Ref {
                node,
                path: Vec::new(),
            }
        }
        None => {
            lowering.reporter.report(
                Severity::Warning,
                "unknown-reference",
                format!(
                    "`depends_on` entry \"{text}\" does not name a resource, data source or module \
                     declared in this module; a placeholder stands in for it"
                ),
                span,
            );
            Expr::Unsupported(text.to_string())
        }
    }
}

/// `provider = aws.west` → a reference to the provider resource declared for that alias.
pub(super) fn lower_provider_ref(block: &Block, lowering: &mut ExprLowering) -> Option<Expr> {
    let attr = block.body.get_attribute("provider")?;
    provider_ref(&attr.value, lowering)
}

pub(super) fn provider_ref(value: &Expression, lowering: &mut ExprLowering) -> Option<Expr> {
    let name = match value {
        Expression::Traversal(t) => {
            let root = t.expr.as_variable().map(|v| v.as_str().to_string())?;
            match t.operators.first().map(|o| o.value()) {
                Some(TraversalOperator::GetAttr(alias)) => format!("{root}.{}", alias.as_str()),
                _ => root,
            }
        }
        Expression::Variable(v) => v.as_str().to_string(),
        _ => String::new(),
    };
    match lowering.decls.get(&format!("provider.{name}")) {
        Some(decl) => Some(Expr::Ref {
            node: decl.id,
            path: Vec::new(),
        }),
        None if !name.contains('.') => None, // the default provider: nothing to pass
        None => {
            lowering.reporter.report(
                Severity::Warning,
                "unknown-reference",
                format!("provider `{name}` is not declared in this module; the default provider is used"),
                value.span(),
            );
            None
        }
    }
}

pub(crate) fn lower_resource_body(
    resource: &mut Resource,
    block: &Block,
    fields: Option<&HashMap<String, FieldMapping>>,
    self_id: NodeId,
    owner_name: &str,
    lowering: &mut ExprLowering,
) -> Vec<Provisioner> {
    let mut options = ResourceOptions {
        range: lower_range(block, lowering),
        depends_on: lower_depends_on(block, lowering),
        provider: lower_provider_ref(block, lowering),
        ..ResourceOptions::default()
    };
    resource.properties = lower_properties(&block.body, fields, true, lowering);
    if resource.token.starts_with("pulumi:providers:") {
        // `alias` names the provider in Terraform; `version` pins the plugin. Neither is an input.
        resource
            .properties
            .retain(|p| p.name != "alias" && p.name != "version");
    }
    let mut provisioner_blocks = Vec::new();
    let mut connection = None;
    for inner in block.body.blocks() {
        match inner.ident.as_str() {
            "lifecycle" => lower_lifecycle(inner, fields, &mut options, lowering),
            "timeouts" => {
                for attr in inner.body.attributes() {
                    options
                        .custom_timeouts
                        .push((attr.key.as_str().to_string(), lowering.lower(&attr.value)));
                }
            }
            "provisioner" => provisioner_blocks.push(inner),
            "connection" => connection = Some(inner),
            _ => {}
        }
    }
    resource.options = options;
    let mut generated = Vec::new();
    lowering.self_node = Some(self_id);
    for (index, provisioner) in provisioner_blocks.into_iter().enumerate() {
        lower_provisioner(
            provisioner,
            index,
            owner_name,
            connection,
            lowering,
            &mut generated,
        );
    }
    lowering.self_node = None;
    generated
}

pub(crate) fn lower_data_body(
    invoke: &mut Invoke,
    block: &Block,
    fields: Option<&HashMap<String, FieldMapping>>,
    lowering: &mut ExprLowering,
) {
    invoke.range = lower_range(block, lowering);
    invoke.depends_on = lower_depends_on(block, lowering);
    invoke.provider = lower_provider_ref(block, lowering);
    invoke.arguments = lower_properties(&block.body, fields, true, lowering);
    if let Some(get) = invoke.get.as_mut() {
        let arguments = std::mem::take(&mut invoke.arguments);
        get.id = object_id(arguments, &invoke.tf_type, block, lowering);
    }
    for inner in block.body.blocks() {
        if RESOURCE_META_BLOCKS.contains(&inner.ident.as_str()) {
            lowering.reporter.report(
                Severity::Warning,
                "not-converted",
                format!(
                    "`{}` on a data source is not converted: a Pulumi invoke has no such option",
                    inner.ident.as_str()
                ),
                inner.ident.span(),
            );
        }
    }
}

/// The ID a Kubernetes object is read by: `namespace/name` from the data source's `metadata`, or
/// `name` alone (cluster-scoped kinds, or the provider's default namespace). The other arguments
/// select nothing when reading by ID: each is reported.
fn object_id(
    arguments: Vec<Property>,
    tf_type: &str,
    block: &Block,
    lowering: &mut ExprLowering,
) -> Expr {
    let span = block.labels.first().and_then(|l| l.span());
    let (mut name, mut namespace) = (None, None);
    for argument in arguments {
        match (argument.name.as_str(), argument.value) {
            ("metadata", Expr::Object(entries)) => {
                for (key, value) in entries {
                    match &key {
                        ObjectKey::Name(k) if k == "name" => name = Some(value),
                        ObjectKey::Name(k) if k == "namespace" => namespace = Some(value),
                        _ => lowering.reporter.report(
                            Severity::Warning,
                            "not-converted",
                            format!(
                                "`metadata` other than `name` and `namespace` is not converted: \
                                 `{tf_type}` is read by namespace and name"
                            ),
                            span.clone(),
                        ),
                    }
                }
            }
            (other, _) => lowering.reporter.report(
                Severity::Warning,
                "not-converted",
                format!(
                    "`{other}` is not converted: `{tf_type}` is read by namespace and name, \
                     with the resource type's `get`"
                ),
                span.clone(),
            ),
        }
    }
    let Some(name) = name else {
        lowering.reporter.report(
            Severity::Error,
            "missing-argument",
            format!("`{tf_type}` needs `metadata {{ name = ... }}` to name the object it reads"),
            span,
        );
        return Expr::Unsupported(format!("the name of the {tf_type} to read"));
    };
    match namespace {
        Some(Expr::String(namespace)) if matches!(&name, Expr::String(_)) => match name {
            Expr::String(name) => Expr::String(format!("{namespace}/{name}")),
            other => other,
        },
        Some(namespace) => Expr::Template(vec![
            TemplatePart::Interpolation(namespace),
            TemplatePart::Literal("/".to_string()),
            TemplatePart::Interpolation(name),
        ]),
        None => name,
    }
}

fn lower_lifecycle(
    block: &Block,
    fields: Option<&HashMap<String, FieldMapping>>,
    options: &mut ResourceOptions,
    lowering: &mut ExprLowering,
) {
    for structure in block.body.iter() {
        match structure {
            Structure::Attribute(attr) => match attr.key.as_str() {
                "prevent_destroy" => options.protect = Some(lowering.lower(&attr.value)),
                "ignore_changes" => match &attr.value {
                    Expression::Variable(v) if v.as_str() == "all" => {
                        options.ignore_changes.push("*".to_string())
                    }
                    Expression::Array(items) => {
                        for item in items.iter() {
                            match property_path(item, fields) {
                                Some(path) => options.ignore_changes.push(path),
                                None => lowering.reporter.report(
                                    Severity::Warning,
                                    "not-converted",
                                    "this `ignore_changes` entry is not an attribute path",
                                    item.span(),
                                ),
                            }
                        }
                    }
                    other => lowering.reporter.report(
                        Severity::Warning,
                        "not-converted",
                        "`ignore_changes` must be a list of attributes or `all`",
                        other.span(),
                    ),
                },
                "create_before_destroy" => match attr.value.as_bool() {
                    Some(true) => lowering.reporter.report(
                        Severity::Info,
                        "create-before-destroy",
                        "`create_before_destroy = true` is Pulumi's default (a replacement is created before the old resource is deleted): no option needed",
                        attr.span(),
                    ),
                    Some(false) => {
                        options.delete_before_replace = Some(true);
                        lowering.reporter.report(
                            Severity::Info,
                            "create-before-destroy",
                            "`create_before_destroy = false` becomes `deleteBeforeReplace: true`: the meaning is inverted because Pulumi creates replacements first by default",
                            attr.span(),
                        );
                    }
                    None => lowering.reporter.report(
                        Severity::Warning,
                        "not-converted",
                        "`create_before_destroy` must be a constant true or false",
                        attr.span(),
                    ),
                },
                "replace_triggered_by" => lowering.reporter.report(
                    Severity::Warning,
                    "not-converted",
                    "`replace_triggered_by` is not converted: Pulumi's `replaceOnChanges` only watches the resource's own properties; use `replacementTrigger` or a `dependsOn` chain by hand",
                    attr.span(),
                ),
                other => lowering.reporter.report(
                    Severity::Warning,
                    "not-converted",
                    format!("lifecycle argument `{other}` is not converted"),
                    attr.span(),
                ),
            },
            Structure::Block(inner) => lowering.reporter.report(
                Severity::Warning,
                "not-converted",
                format!(
                    "`{}` is not converted: Pulumi resources have no pre- or postconditions",
                    inner.ident.as_str()
                ),
                inner.ident.span(),
            ),
        }
    }
}

/// `tags["Name"]`, `root_block_device[0].volume_size` → a Pulumi property path.
fn property_path(
    expr: &Expression,
    fields: Option<&HashMap<String, FieldMapping>>,
) -> Option<String> {
    let (root, ops): (&str, Vec<&TraversalOperator>) = match expr {
        Expression::Variable(v) => (v.as_str(), Vec::new()),
        Expression::Traversal(t) => (
            t.expr.as_variable()?.as_str(),
            t.operators.iter().map(|o| o.value()).collect(),
        ),
        _ => return None,
    };
    let field = fields.and_then(|f| f.get(root));
    let mut path = property_name(root, field, |s| fields.is_some_and(|f| f.contains_key(s)));
    let mut nested = field.map(|f| &f.fields);
    for op in ops {
        match op {
            TraversalOperator::GetAttr(name) => {
                let name = name.as_str();
                let field = nested.and_then(|f| f.get(name));
                let siblings = nested;
                path.push('.');
                path.push_str(&property_name(name, field, |s| {
                    siblings.is_some_and(|f| f.contains_key(s))
                }));
                nested = field.map(|f| &f.fields);
            }
            TraversalOperator::Index(Expression::String(s)) => {
                path.push_str(&format!("[{:?}]", s.value()))
            }
            TraversalOperator::Index(Expression::Number(n)) => {
                path.push_str(&format!("[{}]", n.value()))
            }
            TraversalOperator::LegacyIndex(n) => path.push_str(&format!("[{}]", n.value())),
            _ => return None,
        }
    }
    Some(path)
}

/// A group of same-named nested blocks: static blocks and `dynamic` ones, in source order.
struct BlockGroup {
    name: String,
    comments: Vec<String>,
    max_items_one: Option<bool>,
    /// See [`FieldMapping::inline`].
    inline: bool,
    required: bool,
    items: Vec<GroupItem>,
}

enum GroupItem {
    Static(Expr),
    Dynamic(Expr),
}

/// Attributes and nested blocks of a body as Pulumi properties, in source order (blocks of one type
/// at their first block's position).
pub(super) fn lower_properties(
    body: &Body,
    fields: Option<&HashMap<String, FieldMapping>>,
    top_level: bool,
    lowering: &mut ExprLowering,
) -> Vec<Property> {
    let has_sibling = |name: &str| fields.is_some_and(|f| f.contains_key(name));
    let mut properties: Vec<(usize, Property)> = Vec::new();
    let mut groups: BTreeMap<usize, BlockGroup> = BTreeMap::new();
    let mut slots: HashMap<String, usize> = HashMap::new();
    for (index, structure) in body.iter().enumerate() {
        match structure {
            Structure::Attribute(attr) => {
                let key = attr.key.as_str();
                if top_level && RESOURCE_META.contains(&key) {
                    continue;
                }
                let (key, field) = match fields.and_then(|f| renamed_switch(key, f)) {
                    Some((current, field)) => {
                        lowering.reporter.report(
                            Severity::Info,
                            "renamed-argument",
                            format!(
                                "`{key}` is `{current}` in the provider version the Pulumi package \
                                 bridges; converted as `{current}`"
                            ),
                            attr.key.span(),
                        );
                        (current, Some(field))
                    }
                    None => (key.to_string(), fields.and_then(|f| f.get(key))),
                };
                if field.is_some_and(|f| f.no_equivalent) {
                    report_no_equivalent(&key, attr.span(), lowering);
                    continue;
                }
                let name = property_name(&key, field, has_sibling);
                let value = lower_field_value(&attr.value, field, lowering);
                let value = required::mark_argument(value, &name, field);
                properties.push((
                    index,
                    Property {
                        name,
                        value,
                        comments: comment_lines(attr.decor().prefix().map(|p| &**p)),
                    },
                ));
            }
            Structure::Block(block) => {
                let ident = block.ident.as_str();
                if top_level && RESOURCE_META_BLOCKS.contains(&ident) {
                    continue;
                }
                let generated = match ident {
                    "dynamic" => block.labels.first().map(|l| l.as_str()),
                    _ => Some(ident),
                };
                if let Some(name) = generated.filter(|name| {
                    fields
                        .and_then(|f| f.get(*name))
                        .is_some_and(|f| f.no_equivalent)
                }) {
                    report_no_equivalent(name, block.span(), lowering);
                    continue;
                }
                let (key, item) = if ident == "dynamic" {
                    let Some(label) = block.labels.first().map(|l| l.as_str().to_string()) else {
                        lowering.reporter.report(
                            Severity::Error,
                            "invalid-block",
                            "a `dynamic` block needs a label naming the block it generates",
                            block.span(),
                        );
                        continue;
                    };
                    if top_level && label == "timeouts" {
                        // `timeouts` is a resource option in Pulumi (`customTimeouts`), not an input;
                        // its generated form has no per-key static value to carry over.
                        lowering.reporter.report(
                            Severity::Warning,
                            "not-converted",
                            "a `dynamic \"timeouts\"` block is not converted: set `customTimeouts` \
                             in the resource options by hand",
                            block.span(),
                        );
                        continue;
                    }
                    let field = fields.and_then(|f| f.get(&label));
                    match lower_dynamic(block, &label, field.map(|f| &f.fields), lowering) {
                        Some(value) => (label, GroupItem::Dynamic(value)),
                        None => continue,
                    }
                } else {
                    let field = fields.and_then(|f| f.get(ident));
                    let props =
                        lower_properties(&block.body, field.map(|f| &f.fields), false, lowering);
                    (ident.to_string(), GroupItem::Static(object_of(props)))
                };
                let field = fields.and_then(|f| f.get(&key));
                let slot = *slots.entry(key.clone()).or_insert(index);
                let group = groups.entry(slot).or_insert_with(|| BlockGroup {
                    name: property_name(&key, Some(&list_field(field)), has_sibling),
                    comments: comment_lines(block.decor().prefix().map(|p| &**p)),
                    max_items_one: field.and_then(|f| f.max_items_one),
                    inline: field.is_some_and(|f| f.inline),
                    required: field.is_some_and(|f| f.required),
                    items: Vec::new(),
                });
                if group.max_items_one == Some(true) && !group.items.is_empty() {
                    lowering.reporter.report(
                        Severity::Error,
                        "too-many-blocks",
                        format!("`{key}` may appear at most once here"),
                        block.span(),
                    );
                    continue;
                }
                group.items.push(item);
            }
        }
    }
    for (position, group) in groups {
        let single = group.max_items_one == Some(true);
        let mut value = group_value(group.items, single);
        // A dynamic max-items-one block may generate none: a required one must then fail.
        if single && group.required {
            value = required::mark(value, &group.name);
        }
        match value {
            // A wrapper block Pulumi does not have: its fields join the parent's.
            Expr::Object(entries)
                if group.inline && entries.iter().all(|(k, _)| matches!(k, ObjectKey::Name(_))) =>
            {
                properties.extend(entries.into_iter().filter_map(|(key, value)| match key {
                    ObjectKey::Name(name) => Some((
                        position,
                        Property {
                            name,
                            value,
                            comments: Vec::new(),
                        },
                    )),
                    ObjectKey::Expr(_) => None,
                }));
            }
            value => properties.push((
                position,
                Property {
                    name: group.name,
                    value,
                    comments: group.comments,
                },
            )),
        }
    }
    properties.sort_by_key(|(position, _)| *position);
    properties.into_iter().map(|(_, p)| p).collect()
}

/// `enable_x` where the type has no such field but a bool `x_enabled`: the provider's rename of its
/// switches (azurerm 4.0 renamed every `enable_*` argument to `*_enabled`), which the Pulumi package
/// follows while older examples keep the old name.
fn renamed_switch<'f>(
    key: &str,
    fields: &'f HashMap<String, FieldMapping>,
) -> Option<(String, &'f FieldMapping)> {
    let rest = key
        .strip_prefix("enable_")
        .filter(|_| !fields.contains_key(key))?;
    let current = format!("{rest}_enabled");
    let field = fields
        .get(&current)
        .filter(|f| f.value_type == Some(ValueType::Scalar(ScalarType::Bool)))?;
    Some((current, field))
}

/// A Terraform-only argument (see [`FieldMapping::no_equivalent`]) is left out, and said so.
fn report_no_equivalent(
    name: &str,
    span: Option<std::ops::Range<usize>>,
    lowering: &mut ExprLowering,
) {
    lowering.reporter.report(
        Severity::Warning,
        "no-pulumi-equivalent",
        format!(
            "`{name}` configures the Terraform provider's own behaviour and has no Pulumi property; \
             it is not converted"
        ),
        span,
    );
}

/// An attribute's value, with literals converted to the field's type where the data knows it
/// (`port = "80"` → 80; see `coerce.rs`), and other values marked for the conversion their type
/// may need (see `infer.rs`).
fn lower_field_value(
    value: &Expression,
    field: Option<&FieldMapping>,
    lowering: &mut ExprLowering,
) -> Expr {
    let lowered = lower_field_shape(value, field, lowering);
    match field.and_then(|f| f.value_type) {
        Some(value_type) => pending_conversion(coerce_literal(lowered, value_type), value_type),
        None => lowered,
    }
}

/// When the field is a nested block type written as an object or a list of objects (attribute
/// syntax, or Terraform JSON), its keys are field names and get Pulumi names; a single object for a
/// list block becomes a one-element list.
fn lower_field_shape(
    value: &Expression,
    field: Option<&FieldMapping>,
    lowering: &mut ExprLowering,
) -> Expr {
    let Some(field) = field.filter(|f| f.max_items_one.is_some() || !f.fields.is_empty()) else {
        return lowering.lower(value);
    };
    match value {
        Expression::Object(object) => {
            let renamed = block_object(object, &field.fields, lowering);
            if field.max_items_one == Some(false) {
                Expr::List(vec![renamed])
            } else {
                renamed
            }
        }
        // `[{...}]` for a max-items-one block is the object itself in Pulumi.
        // A max-items-one list of scalars is the scalar itself.
        Expression::Array(items) if field.max_items_one == Some(true) && items.len() == 1 => {
            match items.iter().next() {
                Some(Expression::Object(object)) => block_object(object, &field.fields, lowering),
                Some(item) => lowering.lower(item),
                None => lowering.lower(value),
            }
        }
        Expression::Array(items)
            if items
                .iter()
                .all(|i| matches!(i, Expression::Object(_) | Expression::Array(_))) =>
        {
            // Elements are blocks; nested lists (a list of lists of blocks) keep their shape.
            let element = FieldMapping {
                name: None,
                max_items_one: None,
                fields: field.fields.clone(),
                value_type: None,
                no_equivalent: false,
                inline: false,
                required: false,
            };
            Expr::List(
                items
                    .iter()
                    .map(|i| match i {
                        Expression::Object(object) => block_object(object, &field.fields, lowering),
                        other => lower_field_value(other, Some(&element), lowering),
                    })
                    .collect(),
            )
        }
        other => lowering.lower(other),
    }
}

fn block_object(
    object: &hcl_edit::expr::Object,
    fields: &HashMap<String, FieldMapping>,
    lowering: &mut ExprLowering,
) -> Expr {
    let mut entries = Vec::new();
    for (key, value) in object.iter() {
        let name = match key {
            hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
            hcl_edit::expr::ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
            hcl_edit::expr::ObjectKey::Expression(e) => {
                entries.push((
                    ObjectKey::Expr(lowering.lower(e)),
                    lowering.lower(value.expr()),
                ));
                continue;
            }
        };
        let field = fields.get(&name);
        let renamed = property_name(&name, field, |s| fields.contains_key(s));
        entries.push((
            ObjectKey::Name(renamed),
            lower_field_value(value.expr(), field, lowering),
        ));
    }
    Expr::Object(entries)
}

fn object_of(props: Vec<Property>) -> Expr {
    Expr::Object(
        props
            .into_iter()
            .map(|p| (ObjectKey::Name(p.name), p.value))
            .collect(),
    )
}

/// The value of a block group: a single object for max-items-one, else a list; dynamic blocks are
/// `for` expressions, concatenated with any static blocks beside them.
fn group_value(mut items: Vec<GroupItem>, max_items_one: bool) -> Expr {
    let all_static = items.iter().all(|i| matches!(i, GroupItem::Static(_)));
    if all_static {
        let mut values: Vec<Expr> = items
            .into_iter()
            .map(|i| match i {
                GroupItem::Static(e) | GroupItem::Dynamic(e) => e,
            })
            .collect();
        return if max_items_one && values.len() == 1 {
            values.pop().unwrap_or(Expr::Null)
        } else {
            Expr::List(values)
        };
    }
    let list = if items.len() == 1 {
        match items.pop() {
            Some(GroupItem::Dynamic(e) | GroupItem::Static(e)) => e,
            None => Expr::Null,
        }
    } else {
        // Runs of static blocks become list literals between the dynamic parts.
        let mut parts: Vec<Expr> = Vec::new();
        let mut run: Vec<Expr> = Vec::new();
        for item in items {
            match item {
                GroupItem::Static(e) => run.push(e),
                GroupItem::Dynamic(e) => {
                    if !run.is_empty() {
                        parts.push(Expr::List(std::mem::take(&mut run)));
                    }
                    parts.push(e);
                }
            }
        }
        if !run.is_empty() {
            parts.push(Expr::List(run));
        }
        Expr::Call {
            name: "concat".to_string(),
            args: parts,
        }
    };
    if max_items_one {
        Expr::Intrinsic(Intrinsic::SingleOrNone, vec![list])
    } else {
        list
    }
}

/// `dynamic "rule" { for_each = X, iterator = it, content { ... } }` → `[for key, entry in X : {...}]`.
fn lower_dynamic(
    block: &Block,
    label: &str,
    fields: Option<&HashMap<String, FieldMapping>>,
    lowering: &mut ExprLowering,
) -> Option<Expr> {
    let Some(for_each) = block.body.get_attribute("for_each") else {
        lowering.reporter.report(
            Severity::Error,
            "invalid-block",
            format!("dynamic `{label}` needs `for_each`"),
            block.span(),
        );
        return None;
    };
    let collection = lowering.lower(&for_each.value);
    let iterator = match block.body.get_attribute("iterator") {
        Some(attr) => match &attr.value {
            Expression::Variable(v) => v.as_str().to_string(),
            other => other.as_str().unwrap_or(label).to_string(),
        },
        None => label.to_string(),
    };
    if block.body.has_attribute("labels") {
        lowering.reporter.report(
            Severity::Warning,
            "not-converted",
            "`labels` in a dynamic block is not converted: Pulumi's nested blocks have no labels",
            block.body.get_attribute("labels").and_then(|a| a.span()),
        );
    }
    let Some(content) = block.body.get_blocks("content").next() else {
        lowering.reporter.report(
            Severity::Error,
            "invalid-block",
            format!("dynamic `{label}` needs a `content` block"),
            block.span(),
        );
        return None;
    };
    let value_var = lowering.fresh_var("entry");
    let key_var = lowering.fresh_var("key");
    let outer_key_use = std::mem::take(&mut lowering.used_iterator_key);
    let props = lowering.with_iterator(&iterator, &key_var, &value_var, |this| {
        lower_properties(&content.body, fields, false, this)
    });
    let used_key = std::mem::replace(&mut lowering.used_iterator_key, outer_key_use);
    Some(Expr::For(Box::new(ForExpr {
        key_var: used_key.then_some(key_var),
        value_var,
        collection,
        key: None,
        value: object_of(props),
        condition: None,
        grouping: false,
    })))
}

/// Blocks are lists unless the data says max-items-one: pluralise them like list attributes.
fn list_field(field: Option<&FieldMapping>) -> FieldMapping {
    FieldMapping {
        name: field.and_then(|f| f.name.clone()),
        max_items_one: Some(field.and_then(|f| f.max_items_one).unwrap_or(false)),
        fields: HashMap::new(),
        value_type: None,
        no_equivalent: false,
        inline: false,
        required: false,
    }
}

/// A `connection` block → the `connection` input of the command provider (camelCase keys).
fn connection_object(block: &Block, lowering: &mut ExprLowering) -> Expr {
    let mut entries = Vec::new();
    for attr in block.body.attributes() {
        let key = match attr.key.as_str() {
            "type" => continue, // ssh is the only kind the command provider speaks
            other => camel_case(other),
        };
        entries.push((ObjectKey::Name(key), lowering.lower(&attr.value)));
    }
    entries.sort_by(|a, b| match (&a.0, &b.0) {
        (ObjectKey::Name(x), ObjectKey::Name(y)) => x.cmp(y),
        _ => std::cmp::Ordering::Equal,
    });
    Expr::Object(entries)
}

fn prop(name: &str, value: Expr) -> Property {
    Property {
        name: name.to_string(),
        value,
        comments: Vec::new(),
    }
}

/// One `provisioner` block → command resources.
fn lower_provisioner(
    block: &Block,
    index: usize,
    owner_name: &str,
    resource_connection: Option<&Block>,
    lowering: &mut ExprLowering,
    out: &mut Vec<Provisioner>,
) {
    let kind = block.labels.first().map(|l| l.as_str()).unwrap_or_default();
    let span = lowering.reporter.span(block.span());
    let comments = comment_lines(block.decor().prefix().map(|p| &**p));
    let attr = |name: &str| block.body.get_attribute(name);
    let connection = block
        .body
        .get_blocks("connection")
        .next()
        .or(resource_connection)
        .map(|c| connection_object(c, lowering));
    let on_destroy = matches!(
        attr("when").map(|a| &a.value),
        Some(Expression::Variable(v)) if v.as_str() == "destroy"
    );
    if let Some(a) = attr("on_failure") {
        lowering.reporter.report(
            Severity::Warning,
            "not-converted",
            "`on_failure` is not converted: a failing command fails the deployment",
            a.span(),
        );
    }
    let suffix = format!("Provisioner{index}");
    let mut push = |suffix: String, token: &'static str, properties: Vec<Property>| {
        out.push(Provisioner {
            after_owner: true,
            suffix,
            token,
            properties,
            options: ResourceOptions::default(),
            comments: comments.clone(),
            span: span.clone(),
        })
    };
    let command_props = |command: Expr, props: &mut Vec<Property>| {
        if on_destroy {
            props.push(prop("create", Expr::String("true".into())));
            props.push(prop("update", Expr::String("true".into())));
            props.push(prop("delete", command));
        } else {
            props.push(prop("create", command));
        }
    };
    match kind {
        "local-exec" => {
            let Some(command) = attr("command").map(|a| lowering.lower(&a.value)) else {
                lowering.reporter.report(
                    Severity::Error,
                    "invalid-block",
                    "`local-exec` needs `command`",
                    block.span(),
                );
                return;
            };
            let mut props = Vec::new();
            command_props(command, &mut props);
            for (tf, pulumi) in [
                ("interpreter", "interpreter"),
                ("environment", "environment"),
                ("working_dir", "dir"),
            ] {
                if let Some(a) = attr(tf) {
                    props.push(prop(pulumi, lowering.lower(&a.value)));
                }
            }
            push(suffix, "command:local:Command", props);
        }
        "remote-exec" => {
            let Some(connection) = connection else {
                lowering.reporter.report(
                    Severity::Error,
                    "invalid-block",
                    "`remote-exec` needs a `connection` block",
                    block.span(),
                );
                return;
            };
            if let Some(inline) = attr("inline") {
                let lines = lowering.lower(&inline.value);
                let command = Expr::Call {
                    name: "join".into(),
                    args: vec![Expr::String("\n".into()), lines],
                };
                let mut props = vec![prop("connection", connection)];
                command_props(command, &mut props);
                push(suffix, "command:remote:Command", props);
            } else if let Some(script) = attr("script") {
                let remote = format!("/tmp/{owner_name}{suffix}");
                let source = Expr::Intrinsic(Intrinsic::FileAsset, vec![lowering.lower(&script.value)]);
                push(
                    format!("{suffix}Copy"),
                    "command:remote:CopyToRemote",
                    vec![
                        prop("connection", connection.clone()),
                        prop("source", source),
                        prop("remotePath", Expr::String(remote.clone())),
                    ],
                );
                let mut props = vec![prop("connection", connection)];
                command_props(Expr::String(format!("bash {remote}")), &mut props);
                push(suffix, "command:remote:Command", props);
            } else {
                lowering.reporter.report(
                    Severity::Warning,
                    "not-converted",
                    "`remote-exec` with `scripts` is not converted; use `inline` or one `script`",
                    block.span(),
                );
            }
        }
        "file" => {
            let Some(connection) = connection else {
                lowering.reporter.report(
                    Severity::Error,
                    "invalid-block",
                    "the `file` provisioner needs a `connection` block",
                    block.span(),
                );
                return;
            };
            let source = if let Some(content) = attr("content") {
                Expr::Intrinsic(Intrinsic::StringAsset, vec![lowering.lower(&content.value)])
            } else if let Some(source) = attr("source") {
                Expr::Intrinsic(Intrinsic::FileAsset, vec![lowering.lower(&source.value)])
            } else {
                lowering.reporter.report(
                    Severity::Error,
                    "invalid-block",
                    "the `file` provisioner needs `source` or `content`",
                    block.span(),
                );
                return;
            };
            let destination = attr("destination")
                .map(|a| lowering.lower(&a.value))
                .unwrap_or(Expr::Null);
            push(
                suffix,
                "command:remote:CopyToRemote",
                vec![
                    prop("connection", connection),
                    prop("source", source),
                    prop("remotePath", destination),
                ],
            );
        }
        other => lowering.reporter.report(
            Severity::Warning,
            "not-converted",
            format!("provisioner `{other}` is not converted: only local-exec, remote-exec and file have Pulumi equivalents"),
            block.span(),
        ),
    }
}
