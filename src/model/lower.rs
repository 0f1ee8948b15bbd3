//! Lowering of parsed files into a [`Program`]: declarations first (so references resolve in any
//! order, as in Terraform), then bodies, then dependency order.

use super::expr::ExprLowering;
use super::{
    ConfigType, ConfigVar, Expr, Invoke, Node, NodeId, NodeKind, ObjectKey, OutputValue, Program,
    Property, Resource,
};
use crate::cache::MappingCache;
use crate::diagnostics::{Diagnostic, Reporter, Severity, SourceSpan};
use crate::mapping::{
    builtin_kind, camel_case, package_for_provider, property_name, provider_of, resolve_type,
    FieldMapping, ProviderMapping, TypeKind,
};
use crate::parse::SourceFile;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body, Structure};
use hcl_edit::{Decorate, Span};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// Identifiers no node may take: keywords of the target languages and names the emitters import.
const RESERVED: &[&str] = &[
    "pulumi",
    "config",
    "notImplemented",
    "std",
    "fs",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "let",
    "static",
    "implements",
    "interface",
    "package",
    "private",
    "protected",
    "public",
    "await",
    "async",
    "and",
    "as",
    "assert",
    "def",
    "del",
    "elif",
    "except",
    "from",
    "global",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "None",
    "True",
    "False",
    "undefined",
    "arguments",
    "eval",
];

/// A declaration that references can resolve to.
pub(crate) struct Decl {
    pub id: NodeId,
    mapping: Option<(Arc<ProviderMapping>, TypeKind, String)>,
}

impl Decl {
    /// The fields of the referenced resource or data-source type, for naming attribute steps.
    pub fn fields(&self) -> Option<&HashMap<String, FieldMapping>> {
        let (mapping, kind, tf_type) = self.mapping.as_ref()?;
        mapping.lookup(*kind, tf_type).map(|t| &t.fields)
    }
}

pub(crate) type Decls = HashMap<String, Decl>;

enum Pending<'f> {
    Variable(&'f Block),
    Local(&'f Attribute),
    Resource(&'f Block),
    Output(&'f Block),
}

struct PendingNode<'f> {
    file: usize,
    pending: Pending<'f>,
    node: Node,
}

/// Lowers the parsed root-module files of one example into a program.
pub fn lower_program(files: &[SourceFile], cache: &MappingCache) -> (Program, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut names = NameTable::default();
    let mut decls: Decls = HashMap::new();
    let mut pending: Vec<PendingNode> = Vec::new();
    let mut packages = std::collections::BTreeSet::new();
    let mut mappings: HashMap<String, Option<Arc<ProviderMapping>>> = HashMap::new();

    // Output names are the stack's export names: they claim their identifiers before anything else.
    for file in files {
        for block in file.body.iter().flat_map(|b| b.blocks()) {
            if let (true, [label]) = (block.has_ident("output"), block.labels.as_slice()) {
                let address = format!("output.{}", label.as_str());
                if !names.preclaimed.contains_key(&address) {
                    let name = names.claim(&camel_case(label.as_str()), "Output");
                    names.preclaimed.insert(address, name);
                }
            }
        }
    }

    for (file_index, file) in files.iter().enumerate() {
        let Some(body) = &file.body else { continue };
        let mut reporter = file.reporter();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => reporter.report(
                    Severity::Error,
                    "unexpected-attribute",
                    format!(
                        "`{}` is not allowed at the top level of a module",
                        attr.key.as_str()
                    ),
                    attr.span(),
                ),
                Structure::Block(block) => declare(
                    block,
                    file_index,
                    &mut reporter,
                    &mut names,
                    &mut decls,
                    &mut pending,
                    &mut packages,
                    &mut mappings,
                    cache,
                ),
            }
        }
        diagnostics.extend(reporter.diagnostics);
    }

    let mut nodes = Vec::with_capacity(pending.len());
    for item in &pending {
        let Some(file) = files.get(item.file) else {
            continue;
        };
        let mut reporter = file.reporter();
        let mut node = item.node.clone();
        let decl_mapping = decls.get(&node.address).and_then(|d| d.mapping.clone());
        lower_node(
            &mut node,
            &item.pending,
            decl_mapping,
            &decls,
            &mut reporter,
        );
        diagnostics.extend(reporter.diagnostics);
        nodes.push(node);
    }
    let (nodes, order_diagnostics) = super::order::dependency_order(nodes);
    diagnostics.extend(order_diagnostics);
    (Program { nodes, packages }, diagnostics)
}

#[allow(clippy::too_many_arguments)]
fn declare<'f>(
    block: &'f Block,
    file: usize,
    reporter: &mut Reporter,
    names: &mut NameTable,
    decls: &mut Decls,
    pending: &mut Vec<PendingNode<'f>>,
    packages: &mut std::collections::BTreeSet<String>,
    mappings: &mut HashMap<String, Option<Arc<ProviderMapping>>>,
    cache: &MappingCache,
) {
    let ident = block.ident.as_str();
    let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
    let span = reporter.span(block.span());
    let comments = comment_lines(block.decor().prefix().map(|p| &**p));
    let mut add = |address: String,
                   base: &str,
                   suffix: &str,
                   kind: NodeKind,
                   p: Pending<'f>,
                   mapping: Option<(Arc<ProviderMapping>, TypeKind, String)>,
                   reporter: &mut Reporter,
                   comments: Vec<String>,
                   span: SourceSpan| {
        if decls.contains_key(&address) {
            reporter.report(
                Severity::Error,
                "duplicate-declaration",
                format!("`{address}` is declared more than once"),
                block.span(),
            );
            return;
        }
        let id = pending.len();
        decls.insert(address.clone(), Decl { id, mapping });
        let name = match names.preclaimed.remove(&address) {
            Some(name) => name,
            None => names.claim(base, suffix),
        };
        pending.push(PendingNode {
            file,
            pending: p,
            node: Node {
                name,
                address,
                comments,
                span,
                kind,
            },
        });
    };
    match (ident, labels.as_slice()) {
        ("variable", [name]) => add(
            format!("var.{name}"),
            &camel_case(name),
            "Config",
            NodeKind::Config(ConfigVar {
                key: name.to_string(),
                ty: ConfigType::Any,
                default: None,
                description: None,
                secret: false,
            }),
            Pending::Variable(block),
            None,
            reporter,
            comments,
            span,
        ),
        ("output", [name]) => add(
            format!("output.{name}"),
            &camel_case(name),
            "Output",
            NodeKind::Output(OutputValue {
                value: Expr::Null,
                description: None,
                secret: false,
            }),
            Pending::Output(block),
            None,
            reporter,
            comments,
            span,
        ),
        ("locals", []) => {
            for structure in block.body.iter() {
                match structure {
                    Structure::Attribute(attr) => {
                        let key = attr.key.as_str();
                        let attr_comments = comment_lines(attr.decor().prefix().map(|p| &**p));
                        let attr_span = reporter.span(attr.span());
                        add(
                            format!("local.{key}"),
                            &camel_case(key),
                            "Local",
                            NodeKind::Local(Expr::Null),
                            Pending::Local(attr),
                            None,
                            reporter,
                            attr_comments,
                            attr_span,
                        );
                    }
                    Structure::Block(inner) => reporter.report(
                        Severity::Error,
                        "unexpected-block",
                        "blocks are not allowed inside `locals`",
                        inner.span(),
                    ),
                }
            }
        }
        ("resource" | "data", [tf_type, name]) => {
            let kind = if ident == "resource" {
                TypeKind::Resource
            } else {
                TypeKind::DataSource
            };
            let provider = provider_of(tf_type).to_string();
            // Provider-less built-ins (`null_resource`, `terraform_data`) load no provider.
            let mapping = if builtin_kind(tf_type).is_some() {
                None
            } else {
                mappings
                    .entry(provider.clone())
                    .or_insert_with(|| match cache.get(&provider) {
                        Ok(mapping) => Some(mapping),
                        Err(error) => {
                            reporter.report(
                                Severity::Warning,
                                error.code(),
                                format!("{error}; names are guessed from the Terraform names"),
                                block.span(),
                            );
                            None
                        }
                    })
                    .clone()
            };
            let resolved = resolve_type(mapping.as_deref(), kind, tf_type);
            if let Some(note) = resolved.note {
                reporter.report(
                    Severity::Warning,
                    note.code,
                    note.message,
                    block.labels.first().and_then(|l| l.span()),
                );
            }
            let token = resolved.token;
            packages.insert(
                token
                    .split(':')
                    .next()
                    .unwrap_or(package_for_provider(&provider))
                    .to_string(),
            );
            let type_suffix = token.rsplit(':').next().unwrap_or("Resource").to_string();
            let (address, node_kind, suffix) = if kind == TypeKind::Resource {
                (
                    format!("{tf_type}.{name}"),
                    NodeKind::Resource(Resource {
                        tf_type: tf_type.to_string(),
                        token,
                        logical_name: name.to_string(),
                        properties: Vec::new(),
                        depends_on: Vec::new(),
                    }),
                    type_suffix,
                )
            } else {
                (
                    format!("data.{tf_type}.{name}"),
                    NodeKind::Invoke(Invoke {
                        tf_type: tf_type.to_string(),
                        token,
                        arguments: Vec::new(),
                    }),
                    String::from("Data"),
                )
            };
            let decl_mapping = mapping.map(|m| (m, kind, tf_type.to_string()));
            add(
                address,
                &camel_case(name),
                &suffix,
                node_kind,
                Pending::Resource(block),
                decl_mapping,
                reporter,
                comments,
                span,
            );
        }
        ("terraform", []) => {}
        ("provider" | "module" | "moved" | "import" | "removed" | "check", _) => reporter.report(
            Severity::Warning,
            "not-converted",
            format!("`{ident}` blocks are not converted yet"),
            block.ident.span(),
        ),
        _ => reporter.report(
            Severity::Error,
            "unexpected-block",
            format!(
                "unexpected top-level block `{ident}` with {} label(s)",
                labels.len()
            ),
            block.span(),
        ),
    }
}

fn lower_node(
    node: &mut Node,
    pending: &Pending,
    mapping: Option<(Arc<ProviderMapping>, TypeKind, String)>,
    decls: &Decls,
    reporter: &mut Reporter,
) {
    let mut lowering = ExprLowering::new(decls, reporter);
    match (&mut node.kind, pending) {
        (NodeKind::Config(config), Pending::Variable(block)) => {
            for structure in block.body.iter() {
                match structure {
                    Structure::Attribute(attr) => match attr.key.as_str() {
                        "type" => config.ty = config_type(&attr.value),
                        "default" => config.default = Some(lowering.lower(&attr.value)),
                        "description" => config.description = attr.value.as_str().map(String::from),
                        "sensitive" => config.secret = attr.value.as_bool() == Some(true),
                        "nullable" | "ephemeral" => {}
                        other => lowering.reporter.report(
                            Severity::Warning,
                            "not-converted",
                            format!("variable argument `{other}` is not converted"),
                            attr.span(),
                        ),
                    },
                    Structure::Block(inner) => lowering.reporter.report(
                        Severity::Warning,
                        "not-converted",
                        format!(
                            "variable `{}` blocks are not converted yet",
                            inner.ident.as_str()
                        ),
                        inner.span(),
                    ),
                }
            }
        }
        (NodeKind::Local(value), Pending::Local(attr)) => *value = lowering.lower(&attr.value),
        (NodeKind::Output(output), Pending::Output(block)) => {
            for structure in block.body.iter() {
                match structure {
                    Structure::Attribute(attr) => match attr.key.as_str() {
                        "value" => output.value = lowering.lower(&attr.value),
                        "description" => output.description = attr.value.as_str().map(String::from),
                        "sensitive" => output.secret = attr.value.as_bool() == Some(true),
                        other => lowering.reporter.report(
                            Severity::Warning,
                            "not-converted",
                            format!("output argument `{other}` is not converted yet"),
                            attr.span(),
                        ),
                    },
                    Structure::Block(inner) => lowering.reporter.report(
                        Severity::Warning,
                        "not-converted",
                        format!(
                            "output `{}` blocks are not converted yet",
                            inner.ident.as_str()
                        ),
                        inner.span(),
                    ),
                }
            }
        }
        (NodeKind::Resource(resource), Pending::Resource(block)) => {
            let fields = fields_of(&mapping);
            resource.properties = lower_properties(
                &block.body,
                fields,
                true,
                &mut lowering,
                &mut resource.depends_on,
            );
        }
        (NodeKind::Invoke(invoke), Pending::Resource(block)) => {
            let fields = fields_of(&mapping);
            let mut depends_on = Vec::new();
            invoke.arguments =
                lower_properties(&block.body, fields, true, &mut lowering, &mut depends_on);
            if !depends_on.is_empty() {
                lowering.reporter.report(
                    Severity::Warning,
                    "not-converted",
                    "`depends_on` on a data source is not converted",
                    block.span(),
                );
            }
        }
        _ => {}
    }
}

fn fields_of(
    mapping: &Option<(Arc<ProviderMapping>, TypeKind, String)>,
) -> Option<&HashMap<String, FieldMapping>> {
    let (mapping, kind, tf_type) = mapping.as_ref()?;
    mapping.lookup(*kind, tf_type).map(|t| &t.fields)
}

/// Attributes and nested blocks of a resource body (or of a nested block) as Pulumi properties.
fn lower_properties(
    body: &Body,
    fields: Option<&HashMap<String, FieldMapping>>,
    top_level: bool,
    lowering: &mut ExprLowering,
    depends_on: &mut Vec<Expr>,
) -> Vec<Property> {
    let has_sibling = |name: &str| fields.is_some_and(|f| f.contains_key(name));
    // (source position, property); blocks of one type are gathered at their first block's position.
    let mut properties: Vec<(usize, Property)> = Vec::new();
    let mut block_groups: BTreeMap<usize, BlockGroup> = BTreeMap::new();
    let mut block_slot: HashMap<String, usize> = HashMap::new();
    for (index, structure) in body.iter().enumerate() {
        match structure {
            Structure::Attribute(attr) => {
                let key = attr.key.as_str();
                if top_level {
                    match key {
                        "depends_on" => {
                            match lowering.lower(&attr.value) {
                                Expr::List(items) => depends_on.extend(items),
                                other => depends_on.push(other),
                            }
                            continue;
                        }
                        "count" | "for_each" | "provider" => {
                            lowering.reporter.report(
                                Severity::Warning,
                                "not-converted",
                                format!("meta-argument `{key}` is not converted yet"),
                                attr.span(),
                            );
                            continue;
                        }
                        _ => {}
                    }
                }
                let field = fields.and_then(|f| f.get(key));
                properties.push((
                    index,
                    Property {
                        name: property_name(key, field, has_sibling),
                        value: lowering.lower(&attr.value),
                        comments: comment_lines(attr.decor().prefix().map(|p| &**p)),
                    },
                ));
            }
            Structure::Block(block) => {
                let key = block.ident.as_str();
                if top_level
                    && matches!(
                        key,
                        "lifecycle" | "provisioner" | "connection" | "dynamic" | "timeouts"
                    )
                    || key == "dynamic"
                {
                    lowering.reporter.report(
                        Severity::Warning,
                        "not-converted",
                        format!("`{key}` blocks are not converted yet"),
                        block.ident.span(),
                    );
                    continue;
                }
                let field = fields.and_then(|f| f.get(key));
                let nested = field.map(|f| &f.fields);
                let mut ignored = Vec::new();
                let props = lower_properties(&block.body, nested, false, lowering, &mut ignored);
                let value = Expr::Object(
                    props
                        .into_iter()
                        .map(|p| (ObjectKey::Name(p.name), p.value))
                        .collect(),
                );
                let slot = *block_slot.entry(key.to_string()).or_insert(index);
                let group = block_groups.entry(slot).or_insert_with(|| {
                    (
                        property_name(key, Some(&list_field(field)), has_sibling),
                        Vec::new(),
                        comment_lines(block.decor().prefix().map(|p| &**p)),
                        field.and_then(|f| f.max_items_one),
                    )
                });
                if group.3 == Some(true) && !group.1.is_empty() {
                    lowering.reporter.report(
                        Severity::Error,
                        "too-many-blocks",
                        format!("`{key}` may appear at most once here"),
                        block.span(),
                    );
                    continue;
                }
                group.1.push(value);
            }
        }
    }
    properties.extend(block_groups.into_iter().map(
        |(position, (name, mut values, comments, max_items_one))| {
            let value = if max_items_one == Some(true) && values.len() == 1 {
                values.pop().unwrap_or(Expr::Null)
            } else {
                Expr::List(values)
            };
            (
                position,
                Property {
                    name,
                    value,
                    comments,
                },
            )
        },
    ));
    properties.sort_by_key(|(position, _)| *position);
    properties.into_iter().map(|(_, p)| p).collect()
}

/// Blocks of one type in a body: (property name, one object per block, comments, max-items-one).
type BlockGroup = (String, Vec<Expr>, Vec<String>, Option<bool>);

/// Blocks are lists unless the data says max-items-one: pluralise them like list attributes.
fn list_field(field: Option<&FieldMapping>) -> FieldMapping {
    FieldMapping {
        name: field.and_then(|f| f.name.clone()),
        max_items_one: Some(field.and_then(|f| f.max_items_one).unwrap_or(false)),
        fields: HashMap::new(),
    }
}

fn config_type(expr: &Expression) -> ConfigType {
    match expr {
        Expression::Variable(v) => match v.as_str() {
            "string" => ConfigType::String,
            "number" => ConfigType::Number,
            "bool" => ConfigType::Bool,
            _ => ConfigType::Any,
        },
        Expression::FuncCall(call) => {
            let first = call.args.iter().next();
            let inner = || first.map_or(ConfigType::Any, config_type);
            match call.name.name.as_str() {
                "list" | "set" | "tuple" => ConfigType::List(Box::new(inner())),
                "map" => ConfigType::Map(Box::new(inner())),
                "optional" => inner(),
                "object" => match first {
                    Some(Expression::Object(object)) => ConfigType::Object(
                        object
                            .iter()
                            .filter_map(|(k, v)| {
                                let key = match k {
                                    hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                                    hcl_edit::expr::ObjectKey::Expression(e) => {
                                        e.as_str()?.to_string()
                                    }
                                };
                                Some((key, config_type(v.expr())))
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

/// Comment text from a decor prefix: `#`, `//` and `/* */` markers removed, blank lines dropped.
fn comment_lines(prefix: Option<&str>) -> Vec<String> {
    let Some(prefix) = prefix else {
        return Vec::new();
    };
    prefix
        .lines()
        .map(str::trim)
        .filter_map(|line| {
            let text = line
                .strip_prefix('#')
                .or_else(|| line.strip_prefix("//"))
                .or_else(|| line.strip_prefix("/*"))
                .or_else(|| line.strip_prefix('*').filter(|_| !line.starts_with("*/")))?;
            let text = text.strip_suffix("*/").unwrap_or(text);
            Some(
                text.strip_prefix(' ')
                    .unwrap_or(text)
                    .trim_end()
                    .to_string(),
            )
        })
        .collect()
}

/// Unique program identifiers: a clash takes the kind's suffix, then a number.
#[derive(Default)]
struct NameTable {
    used: HashSet<String>,
    /// Names claimed ahead of their declaration, by address.
    preclaimed: HashMap<String, String>,
}

impl NameTable {
    fn claim(&mut self, base: &str, suffix: &str) -> String {
        let base = if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            format!("_{base}")
        } else {
            base.to_string()
        };
        let mut candidate = base.clone();
        if self.taken(&candidate) {
            candidate = format!("{base}{suffix}");
        }
        let mut n = 2;
        while self.taken(&candidate) {
            candidate = format!("{base}{suffix}{n}");
            n += 1;
        }
        self.used.insert(candidate.clone());
        candidate
    }

    fn taken(&self, name: &str) -> bool {
        self.used.contains(name) || RESERVED.contains(&name)
    }
}
