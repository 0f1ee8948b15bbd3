//! Lowering of parsed files into a [`Program`]: declarations first (so references resolve in any
//! order, as in Terraform), then bodies, then dependency order. One module per concept: `config.rs`
//! (variables), `resource.rs` (resource and data bodies with their meta-arguments), `component.rs`
//! (modules), `provider.rs` (provider blocks), `expr.rs` (expressions).

use super::component::{module_source, ModuleSource};
use super::config::lower_variable;
use super::expr::{ExprLowering, RangeKind};
use super::kubernetes_patch::{self, PatchKind};
use super::provider::{lower_default_provider, provider_package};
use super::resource::{lower_data_body, lower_resource_body, Provisioner};
use super::{
    Component, ConfigType, ConfigVar, Expr, Invoke, Node, NodeId, NodeKind, ObjectKey, OutputValue,
    Program, Resource, ResourceGet, ResourceOptions,
};
use crate::cache::MappingCache;
use crate::diagnostics::{Diagnostic, Reporter, Severity, SourceSpan};
use crate::mapping::{
    builtin_kind, camel_case, package_for_provider, provider_of, resolve_type, FieldMapping,
    ProviderMapping, TypeKind,
};
use crate::parse::SourceFile;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Structure};
use hcl_edit::{Decorate, Span};
use std::collections::{BTreeSet, HashMap, HashSet};
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

const KUBERNETES_MANIFEST: &str = "kubernetes_manifest";
/// `kubernetes_manifest` arguments besides `manifest` and the meta-arguments: the provider's own
/// waiting and server-side apply settings (and its computed `object`), which a Pulumi Kubernetes
/// resource has no argument for.
const KUBERNETES_MANIFEST_SETTINGS: &[&str] = &[
    "field_manager",
    "wait",
    "wait_for",
    "computed_fields",
    "object",
];
const CUSTOM_RESOURCE_TOKEN: &str = "kubernetes:apiextensions.k8s.io:CustomResource";

/// What a declaration is, for resolving references and naming their attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeclKind {
    Config,
    Local,
    Resource,
    Data,
    Output,
    Module,
    Provider,
}

/// A declaration that references can resolve to.
pub(crate) struct Decl {
    pub id: NodeId,
    pub kind: DeclKind,
    mapping: Option<(Arc<ProviderMapping>, TypeKind, String)>,
}

/// How attribute names after a reference are written in Pulumi.
pub(crate) enum Naming<'a> {
    /// A resource or data source: by its mapping (`None`: by the naming rule alone).
    Fields(Option<&'a HashMap<String, FieldMapping>>),
    /// A module: its outputs are camelCase, what follows is user data.
    Module,
    /// User data (variables, locals, `for` variables): names unchanged.
    Raw,
}

impl Decl {
    /// The fields of the referenced resource or data-source type, for naming attribute steps.
    pub fn fields(&self) -> Option<&HashMap<String, FieldMapping>> {
        let (mapping, kind, tf_type) = self.mapping.as_ref()?;
        mapping.lookup(*kind, tf_type).map(|t| &t.fields)
    }

    pub fn naming(&self) -> Naming<'_> {
        match self.kind {
            DeclKind::Resource | DeclKind::Data | DeclKind::Provider => {
                Naming::Fields(self.fields())
            }
            DeclKind::Module => Naming::Module,
            DeclKind::Config | DeclKind::Local | DeclKind::Output => Naming::Raw,
        }
    }
}

pub(crate) type Decls = HashMap<String, Decl>;

enum Pending<'f> {
    /// Declared with its final value; nothing to lower.
    Placeholder,
    /// `null_resource` / `terraform_data`: a value, and provisioners run when it changes.
    Builtin(&'f Block, crate::mapping::BuiltinType),
    Variable(&'f Block),
    Local(&'f Attribute),
    Resource(&'f Block),
    Data(&'f Block),
    Output(&'f Block),
    Module(&'f Block),
    Provider(&'f Block),
}

struct PendingNode<'f> {
    file: usize,
    pending: Pending<'f>,
    node: Node,
}

/// Lowers the parsed files of one module (the root module, or a local module's folder) into a
/// program. `module_dir` is the module's folder in the example (`""` for the root).
pub fn lower_program(
    files: &[SourceFile],
    module_dir: &str,
    cache: &MappingCache,
) -> (Program, Vec<Diagnostic>) {
    let mut lowering = ModuleLowering {
        cache,
        module_dir,
        names: NameTable::default(),
        decls: HashMap::new(),
        pending: Vec::new(),
        packages: BTreeSet::new(),
        required_packages: BTreeSet::new(),
        mappings: HashMap::new(),
        default_providers: Vec::new(),
        moved: Vec::new(),
        imports: Vec::new(),
    };
    let mut diagnostics = Vec::new();

    // Output names are the stack's export names: they claim their identifiers before anything else.
    for file in files {
        for block in file.body.iter().flat_map(|b| b.blocks()) {
            if let (true, [label]) = (block.has_ident("output"), block.labels.as_slice()) {
                let address = format!("output.{}", label.as_str());
                if !lowering.names.preclaimed.contains_key(&address) {
                    let name = lowering.names.claim(&camel_case(label.as_str()), "Output");
                    lowering.names.preclaimed.insert(address, name);
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
                Structure::Block(block) => lowering.declare(block, file_index, &mut reporter),
            }
        }
        diagnostics.extend(reporter.diagnostics);
    }

    let ModuleLowering {
        decls,
        pending,
        mut packages,
        required_packages,
        default_providers,
        moved,
        imports,
        mut names,
        ..
    } = lowering;
    let mut nodes = Vec::with_capacity(pending.len());
    let mut provisioners: Vec<(NodeId, usize, Vec<Provisioner>)> = Vec::new();
    for (id, item) in pending.iter().enumerate() {
        let Some(file) = files.get(item.file) else {
            continue;
        };
        let mut reporter = file.reporter();
        let mut node = item.node.clone();
        let decl_mapping = decls.get(&node.address).and_then(|d| d.mapping.clone());
        let generated = lower_node(
            &mut node,
            id,
            &item.pending,
            decl_mapping,
            &decls,
            &mut reporter,
        );
        if !generated.is_empty() {
            provisioners.push((id, item.file, generated));
        }
        diagnostics.extend(reporter.diagnostics);
        nodes.push(node);
    }

    // Provisioners become command resources after their resource, each after the one before.
    for (owner, _file, list) in provisioners {
        let Some(owner_node) = nodes.get(owner) else {
            continue;
        };
        let base = owner_node.name.clone();
        let mut previous = owner;
        for (index, provisioner) in list.into_iter().enumerate() {
            let name = names.claim(&format!("{base}{}", provisioner.suffix), "Command");
            packages.insert("command".to_string());
            let id = nodes.len();
            let mut options = provisioner.options;
            if previous != owner || provisioner.after_owner {
                options.depends_on.insert(
                    0,
                    Expr::Ref {
                        node: previous,
                        path: Vec::new(),
                    },
                );
            }
            nodes.push(Node {
                name: name.clone(),
                address: format!("{}.provisioner[{index}]", owner_node_address(&nodes, owner)),
                comments: provisioner.comments,
                span: provisioner.span,
                kind: NodeKind::Resource(Resource {
                    tf_type: String::new(),
                    token: provisioner.token.to_string(),
                    logical_name: name,
                    properties: provisioner.properties,
                    options,
                }),
            });
            previous = id;
        }
    }

    // `moved` and `import` blocks become options of the resources they name.
    for (from, to, span) in moved {
        let target = decls.get(&to).map(|d| d.id);
        match target.and_then(|id| nodes.get_mut(id)) {
            Some(Node {
                kind: NodeKind::Resource(resource),
                ..
            }) => {
                let old_name = from.rsplit('.').next().unwrap_or(&from).to_string();
                resource.options.aliases.push(old_name);
            }
            _ => diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                code: "not-converted",
                message: format!("`moved` to `{to}`: no such resource in this module"),
                span,
            }),
        }
    }
    for (to, id_expr, span) in imports {
        let target = decls.get(&to).map(|d| d.id);
        match target.and_then(|id| nodes.get_mut(id)) {
            Some(Node {
                kind: NodeKind::Resource(resource),
                ..
            }) => resource.options.import_id = Some(id_expr),
            _ => diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                code: "not-converted",
                message: format!("`import` to `{to}`: no such resource in this module"),
                span,
            }),
        }
    }

    let mut stack_config = Vec::new();
    for (file_index, block) in default_providers {
        let Some(file) = files.get(file_index) else {
            continue;
        };
        let mut reporter = file.reporter();
        lower_default_provider(block, &decls, &nodes, &mut reporter, &mut stack_config);
        diagnostics.extend(reporter.diagnostics);
    }

    let node_fields: super::infer::NodeFields = decls
        .values()
        .filter(|d| matches!(d.kind, DeclKind::Resource | DeclKind::Data))
        .filter_map(|d| d.fields().map(|f| (d.id, f)))
        .collect();
    super::infer::resolve_conversions(&mut nodes, &node_fields);
    let optional_reads = super::infer::optional_attribute_reads(&nodes);
    super::required::settle(&mut nodes, &optional_reads);
    super::deferred::defer_cyclic_inputs(&mut nodes, &mut |base| names.claim(base, "Deferred"));
    let (nodes, order_diagnostics) = super::order::dependency_order(nodes);
    diagnostics.extend(order_diagnostics);
    (
        Program {
            nodes,
            packages,
            required_packages,
            stack_config,
            components: Vec::new(),
            local_types: Vec::new(),
        },
        diagnostics,
    )
}

fn owner_node_address(nodes: &[Node], id: NodeId) -> String {
    nodes.get(id).map(|n| n.address.clone()).unwrap_or_default()
}

struct ModuleLowering<'f, 'c> {
    cache: &'c MappingCache,
    module_dir: &'c str,
    names: NameTable,
    decls: Decls,
    pending: Vec<PendingNode<'f>>,
    packages: BTreeSet<String>,
    required_packages: BTreeSet<String>,
    mappings: HashMap<String, Option<Arc<ProviderMapping>>>,
    default_providers: Vec<(usize, &'f Block)>,
    /// `moved` blocks: (from address, to address, span).
    moved: Vec<(String, String, SourceSpan)>,
    /// `import` blocks: (to address, id, span).
    imports: Vec<(String, Expr, SourceSpan)>,
}

impl<'f> ModuleLowering<'f, '_> {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        block_span: Option<std::ops::Range<usize>>,
        address: String,
        base: &str,
        suffix: &str,
        kind: NodeKind,
        decl_kind: DeclKind,
        pending: Pending<'f>,
        mapping: Option<(Arc<ProviderMapping>, TypeKind, String)>,
        file: usize,
        comments: Vec<String>,
        span: SourceSpan,
        reporter: &mut Reporter,
    ) {
        if self.decls.contains_key(&address) {
            reporter.report(
                Severity::Error,
                "duplicate-declaration",
                format!("`{address}` is declared more than once"),
                block_span,
            );
            return;
        }
        let id = self.pending.len();
        self.decls.insert(
            address.clone(),
            Decl {
                id,
                kind: decl_kind,
                mapping,
            },
        );
        let name = match self.names.preclaimed.remove(&address) {
            Some(name) => name,
            None => self.names.claim(base, suffix),
        };
        self.pending.push(PendingNode {
            file,
            pending,
            node: Node {
                name,
                address,
                comments,
                span,
                kind,
            },
        });
    }

    fn mapping_for(
        &mut self,
        provider: &str,
        block: &Block,
        reporter: &mut Reporter,
    ) -> Option<Arc<ProviderMapping>> {
        let cache = self.cache;
        self.mappings
            .entry(provider.to_string())
            .or_insert_with(|| match cache.get(provider) {
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
    }

    fn declare(&mut self, block: &'f Block, file: usize, reporter: &mut Reporter) {
        let ident = block.ident.as_str();
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        let span = reporter.span(block.span());
        let comments = comment_lines(block.decor().prefix().map(|p| &**p));
        match (ident, labels.as_slice()) {
            ("variable", [name]) => self.add(
                block.span(),
                format!("var.{name}"),
                &camel_case(name),
                "Config",
                NodeKind::Config(ConfigVar {
                    key: name.to_string(),
                    ty: ConfigType::Any,
                    default: None,
                    description: None,
                    secret: false,
                    nullable: true,
                    typed: false,
                }),
                DeclKind::Config,
                Pending::Variable(block),
                None,
                file,
                comments,
                span,
                reporter,
            ),
            ("output", [name]) => self.add(
                block.span(),
                format!("output.{name}"),
                &camel_case(name),
                "Output",
                NodeKind::Output(OutputValue {
                    value: Expr::Null,
                    description: None,
                    secret: false,
                }),
                DeclKind::Output,
                Pending::Output(block),
                None,
                file,
                comments,
                span,
                reporter,
            ),
            ("locals", []) => {
                for structure in block.body.iter() {
                    match structure {
                        Structure::Attribute(attr) => {
                            let key = attr.key.as_str();
                            let attr_comments = comment_lines(attr.decor().prefix().map(|p| &**p));
                            let attr_span = reporter.span(attr.span());
                            self.add(
                                attr.span(),
                                format!("local.{key}"),
                                &camel_case(key),
                                "Local",
                                NodeKind::Local(Expr::Null),
                                DeclKind::Local,
                                Pending::Local(attr),
                                None,
                                file,
                                attr_comments,
                                attr_span,
                                reporter,
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
                self.declare_resource(block, ident, tf_type, name, file, comments, span, reporter)
            }
            ("ephemeral", [tf_type, name]) => {
                // Ephemeral resources are read at plan time and never stored; the nearest Pulumi
                // construct is an invoke of the matching data source.
                reporter.report(
                    Severity::Warning,
                    "ephemeral-resource",
                    format!("ephemeral `{tf_type}` becomes an invoke of the data source of that type: its values end up in Pulumi's state unless marked secret"),
                    block.ident.span(),
                );
                self.declare_resource(block, ident, tf_type, name, file, comments, span, reporter)
            }
            ("action" | "list", _) => reporter.report(
                Severity::Warning,
                "not-converted",
                format!(
                    "`{ident}` blocks ({}) have no Pulumi equivalent and are not converted",
                    if ident == "action" { "Terraform actions" } else { "Terraform search queries" }
                ),
                block.ident.span(),
            ),
            ("module", [name]) => {
                let source = block
                    .body
                    .get_attribute("source")
                    .and_then(|a| a.value.as_str().map(String::from));
                let Some(source) = source else {
                    reporter.report(
                        Severity::Error,
                        "module-source",
                        format!("module `{name}` needs a constant `source`"),
                        block.span(),
                    );
                    return;
                };
                let path = match module_source(self.module_dir, &source) {
                    ModuleSource::Local(path) => Some(path),
                    ModuleSource::Registry => {
                        reporter.report(
                            Severity::Warning,
                            "registry-module",
                            format!(
                                "module `{name}` comes from `{source}`, which is not downloaded: it is referenced as a component of that name, and its inputs are passed as written"
                            ),
                            block.span(),
                        );
                        None
                    }
                };
                self.add(
                    block.span(),
                    format!("module.{name}"),
                    &camel_case(name),
                    "Component",
                    NodeKind::Component(Component {
                        source,
                        path,
                        logical_name: name.to_string(),
                        inputs: Vec::new(),
                        options: ResourceOptions::default(),
                    }),
                    DeclKind::Module,
                    Pending::Module(block),
                    None,
                    file,
                    comments,
                    span,
                    reporter,
                )
            }
            ("provider", [name]) => {
                let alias = block
                    .body
                    .get_attribute("alias")
                    .and_then(|a| a.value.as_str().map(String::from));
                let package = provider_package(name);
                self.packages.insert(package.clone());
                match alias {
                    None => self.default_providers.push((file, block)),
                    Some(alias) => {
                        let mapping = self.mapping_for(name, block, reporter);
                        self.add(
                            block.span(),
                            format!("provider.{name}.{alias}"),
                            &camel_case(&alias),
                            "Provider",
                            NodeKind::Resource(Resource {
                                tf_type: name.to_string(),
                                token: format!("pulumi:providers:{package}"),
                                logical_name: alias.clone(),
                                properties: Vec::new(),
                                options: ResourceOptions::default(),
                            }),
                            DeclKind::Provider,
                            Pending::Provider(block),
                            mapping.map(|m| (m, TypeKind::Resource, String::new())),
                            file,
                            comments,
                            span,
                            reporter,
                        )
                    }
                }
            }
            ("terraform", []) => self.terraform_block(block, reporter),
            ("moved", []) => {
                let from = block.body.get_attribute("from").map(|a| address_of(&a.value));
                let to = block.body.get_attribute("to").map(|a| address_of(&a.value));
                match (from, to) {
                    (Some(from), Some(to)) => self.moved.push((from, to, span)),
                    _ => reporter.report(
                        Severity::Error,
                        "invalid-block",
                        "`moved` needs `from` and `to`",
                        block.span(),
                    ),
                }
            }
            ("import", []) => {
                let to = block.body.get_attribute("to").map(|a| address_of(&a.value));
                let id = block
                    .body
                    .get_attribute("id")
                    .and_then(|a| a.value.as_str().map(|s| Expr::String(s.to_string())));
                match (to, id) {
                    (Some(to), Some(id)) => self.imports.push((to, id, span)),
                    _ => reporter.report(
                        Severity::Warning,
                        "not-converted",
                        "`import` blocks are converted when `to` names a resource and `id` is a constant string",
                        block.span(),
                    ),
                }
            }
            ("removed", []) => reporter.report(
                Severity::Warning,
                "not-converted",
                "`removed` blocks are not converted: to stop managing a resource in Pulumi, run `pulumi state delete <urn>` before deploying",
                block.ident.span(),
            ),
            ("check", [name]) => reporter.report(
                Severity::Warning,
                "not-converted",
                format!(
                    "check `{name}` is not converted: Pulumi has no continuous checks; consider a policy pack or a test"
                ),
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

    #[allow(clippy::too_many_arguments)]
    fn declare_resource(
        &mut self,
        block: &'f Block,
        ident: &str,
        tf_type: &str,
        name: &str,
        file: usize,
        comments: Vec<String>,
        span: SourceSpan,
        reporter: &mut Reporter,
    ) {
        let kind = if ident == "resource" {
            TypeKind::Resource
        } else {
            TypeKind::DataSource
        };
        // `data` and `ephemeral` share the invoke form but not the address.
        let data_prefix = if ident == "ephemeral" {
            "ephemeral"
        } else {
            "data"
        };
        // The `template` provider is deprecated and has no Pulumi package: its data sources render
        // Terraform templates, which only Terraform can do.
        if kind == TypeKind::DataSource && matches!(tf_type, "template_file" | "template_dir") {
            reporter.report(
                Severity::Warning,
                "no-pulumi-equivalent",
                format!(
                    "`{tf_type}` (the deprecated template provider) is not converted: use `templatefile()` in Terraform, or render the template in the program"
                ),
                block.labels.first().and_then(|l| l.span()),
            );
            self.add(
                block.span(),
                format!("{data_prefix}.{tf_type}.{name}"),
                &camel_case(name),
                "Data",
                NodeKind::Local(Expr::Unsupported(format!(
                    "The {tf_type} data resource is not yet supported."
                ))),
                DeclKind::Local,
                Pending::Placeholder,
                None,
                file,
                comments,
                span,
                reporter,
            );
            return;
        }
        // Provider-less built-ins carry values (and order provisioners): a plain value in Pulumi.
        if let (TypeKind::Resource, Some(builtin)) = (kind, builtin_kind(tf_type)) {
            reporter.report(
                Severity::Warning,
                "no-pulumi-equivalent",
                builtin.note(),
                block.labels.first().and_then(|l| l.span()),
            );
            self.add(
                block.span(),
                format!("{tf_type}.{name}"),
                &camel_case(name),
                "Value",
                NodeKind::Local(Expr::Null),
                DeclKind::Local,
                Pending::Builtin(block, builtin),
                None,
                file,
                comments,
                span,
                reporter,
            );
            return;
        }
        let provider = provider_of(tf_type).to_string();
        // Provider-less built-ins (`null_resource`, `terraform_data`) load no provider.
        let mapping = if builtin_kind(tf_type).is_some() {
            None
        } else {
            self.mapping_for(&provider, block, reporter)
        };
        // A provider whose data sources the mapping data leaves out on purpose (Kubernetes): Pulumi
        // reads an existing object with the static `get` of the resource type of the same name.
        let read_existing = mapping.as_ref().filter(|m| {
            kind == TypeKind::DataSource
                && m.lookup(kind, tf_type).is_none()
                && m.gap(kind, tf_type).is_some()
        });
        let mut read_get = None;
        if let Some(m) = read_existing {
            let Some(resource) = m.lookup(TypeKind::Resource, tf_type) else {
                reporter.report(
                    Severity::Warning,
                    "no-pulumi-equivalent",
                    format!(
                        "data source `{tf_type}` has no Pulumi equivalent: Pulumi reads one existing \
                         object at a time with a resource type's `get`, and `{tf_type}` is not a \
                         resource type"
                    ),
                    block.labels.first().and_then(|l| l.span()),
                );
                self.add(
                    block.span(),
                    format!("{data_prefix}.{tf_type}.{name}"),
                    &camel_case(name),
                    "Data",
                    NodeKind::Local(Expr::Unsupported(format!(
                        "The {tf_type} data source has no Pulumi equivalent."
                    ))),
                    DeclKind::Local,
                    Pending::Placeholder,
                    None,
                    file,
                    comments,
                    span,
                    reporter,
                );
                return;
            };
            read_get = Some((resource.token.clone(), Arc::clone(m)));
        }
        let reads_existing = read_get.is_some();
        let token = if let Some((token, _)) = &read_get {
            token.clone()
        } else if let (TypeKind::Resource, Some(patch)) = (kind, PatchKind::of(tf_type)) {
            // Server-side apply edits of objects the configuration does not own: a Patch resource.
            kubernetes_patch::token(patch, block)
        } else if kind == TypeKind::Resource && tf_type == KUBERNETES_MANIFEST {
            // Any Kubernetes object: Pulumi's CustomResource takes apiVersion, kind and the rest
            // of the manifest as its arguments (see `lower_node`).
            CUSTOM_RESOURCE_TOKEN.to_string()
        } else {
            let resolved = resolve_type(mapping.as_deref(), kind, tf_type);
            let type_gap = mapping
                .as_deref()
                .filter(|_| resolved.mapping.is_none())
                .and_then(|m| m.type_gap(kind, tf_type));
            if let Some(reason) = type_gap {
                reporter.report(
                    Severity::Error,
                    "no-pulumi-equivalent",
                    format!("`{tf_type}` has no Pulumi equivalent: {reason}"),
                    block.labels.first().and_then(|l| l.span()),
                );
                // No token to construct: a placeholder that fails with the reason where it is
                // used, rather than a reference to a class the SDK lacks.
                let address = match kind {
                    TypeKind::Resource => format!("{tf_type}.{name}"),
                    TypeKind::DataSource => format!("{data_prefix}.{tf_type}.{name}"),
                };
                let suffix = resolved.token.rsplit(':').next().unwrap_or("Value");
                self.add(
                    block.span(),
                    address,
                    &camel_case(name),
                    suffix,
                    NodeKind::Local(Expr::Unsupported(format!(
                        "{tf_type} has no Pulumi equivalent: {reason}"
                    ))),
                    DeclKind::Local,
                    Pending::Placeholder,
                    None,
                    file,
                    comments,
                    span,
                    reporter,
                );
                return;
            } else if let Some(note) = resolved.note {
                reporter.report(
                    Severity::Warning,
                    note.code,
                    note.message,
                    block.labels.first().and_then(|l| l.span()),
                );
            }
            resolved.token
        };
        self.packages.insert(
            token
                .split(':')
                .next()
                .unwrap_or(package_for_provider(&provider))
                .to_string(),
        );
        let type_suffix = token.rsplit(':').next().unwrap_or("Resource").to_string();
        // A data source read with `get` resolves its attributes as the resource type's.
        let decl_mapping = match read_get {
            Some((_, m)) => Some((m, TypeKind::Resource, tf_type.to_string())),
            None if kind == TypeKind::Resource && tf_type == KUBERNETES_MANIFEST => {
                Some((Arc::new(manifest_attributes()), kind, tf_type.to_string()))
            }
            None => mapping.map(|m| {
                // A Patch resource's attributes are the patched object's.
                let object_type = PatchKind::of(tf_type)
                    .filter(|_| kind == TypeKind::Resource)
                    .and_then(PatchKind::object_type);
                (m, kind, object_type.unwrap_or(tf_type).to_string())
            }),
        };
        if kind == TypeKind::Resource {
            self.add(
                block.span(),
                format!("{tf_type}.{name}"),
                &camel_case(name),
                &type_suffix,
                NodeKind::Resource(Resource {
                    tf_type: tf_type.to_string(),
                    token,
                    logical_name: name.to_string(),
                    properties: Vec::new(),
                    options: ResourceOptions::default(),
                }),
                DeclKind::Resource,
                Pending::Resource(block),
                decl_mapping,
                file,
                comments,
                span,
                reporter,
            );
        } else {
            self.add(
                block.span(),
                format!("{data_prefix}.{tf_type}.{name}"),
                &camel_case(name),
                "Data",
                NodeKind::Invoke(Invoke {
                    tf_type: tf_type.to_string(),
                    token,
                    arguments: Vec::new(),
                    range: None,
                    provider: None,
                    depends_on: Vec::new(),
                    get: reads_existing.then(|| ResourceGet {
                        logical_name: name.to_string(),
                        id: Expr::Null,
                    }),
                }),
                DeclKind::Data,
                Pending::Data(block),
                decl_mapping,
                file,
                comments,
                span,
                reporter,
            );
        }
    }

    /// `terraform { required_providers { ... } backend ... }`.
    fn terraform_block(&mut self, block: &Block, reporter: &mut Reporter) {
        for structure in block.body.iter() {
            let Structure::Block(inner) = structure else {
                continue; // required_version, experiments: nothing to convert
            };
            match inner.ident.as_str() {
                "required_providers" => {
                    for attr in inner.body.attributes() {
                        // The local name is what resources use; the source names the provider.
                        let source_name = match &attr.value {
                            Expression::Object(object) => object.iter().find_map(|(k, v)| {
                                let key = match k {
                                    hcl_edit::expr::ObjectKey::Ident(i) => i.as_str(),
                                    hcl_edit::expr::ObjectKey::Expression(e) => e.as_str()?,
                                };
                                (key == "source")
                                    .then(|| v.expr().as_str())
                                    .flatten()
                                    .and_then(|s| s.rsplit('/').next())
                                    .map(String::from)
                            }),
                            _ => None,
                        };
                        let name = source_name.unwrap_or_else(|| attr.key.as_str().to_string());
                        self.packages.insert(provider_package(&name));
                        self.required_packages.insert(provider_package(&name));
                    }
                }
                "backend" | "cloud" => reporter.report(
                    Severity::Info,
                    "not-converted",
                    format!(
                        "the `{}` state configuration is not converted: Pulumi keeps state in its own backend (`pulumi login`)",
                        inner.ident.as_str()
                    ),
                    inner.ident.span(),
                ),
                other => reporter.report(
                    Severity::Warning,
                    "not-converted",
                    format!("`terraform {{ {other} }}` is not converted"),
                    inner.ident.span(),
                ),
            }
        }
    }
}

/// The address a `moved`/`import` traversal names: `aws_instance.a` or `module.x`.
fn address_of(expr: &Expression) -> String {
    let Expression::Traversal(t) = expr else {
        return expr.as_str().unwrap_or_default().to_string();
    };
    let mut parts = Vec::new();
    if let Expression::Variable(v) = &t.expr {
        parts.push(v.as_str().to_string());
    }
    for op in t.operators.iter() {
        if let hcl_edit::expr::TraversalOperator::GetAttr(name) = op.value() {
            parts.push(name.as_str().to_string());
        }
    }
    parts.join(".")
}

/// Lowers one declaration's body; returns the provisioners of a resource, to be added as nodes.
fn lower_node(
    node: &mut Node,
    id: NodeId,
    pending: &Pending,
    mapping: Option<(Arc<ProviderMapping>, TypeKind, String)>,
    decls: &Decls,
    reporter: &mut Reporter,
) -> Vec<Provisioner> {
    let mut lowering = ExprLowering::new(decls, reporter);
    match (&mut node.kind, pending) {
        (NodeKind::Config(config), Pending::Variable(block)) => {
            lower_variable(config, block, &mut lowering)
        }
        (NodeKind::Local(value), Pending::Local(attr)) => *value = lowering.lower(&attr.value),
        (NodeKind::Output(output), Pending::Output(block)) => {
            for structure in block.body.iter() {
                match structure {
                    Structure::Attribute(attr) => match attr.key.as_str() {
                        "value" => output.value = lowering.lower(&attr.value),
                        "description" => output.description = attr.value.as_str().map(String::from),
                        "sensitive" => output.secret = attr.value.as_bool() == Some(true),
                        "depends_on" => lowering.reporter.report(
                            Severity::Info,
                            "not-converted",
                            "`depends_on` on an output is not needed in Pulumi: outputs wait for the values they use",
                            attr.span(),
                        ),
                        other => lowering.reporter.report(
                            Severity::Warning,
                            "not-converted",
                            format!("output argument `{other}` is not converted"),
                            attr.span(),
                        ),
                    },
                    Structure::Block(inner) => lowering.reporter.report(
                        Severity::Warning,
                        "not-converted",
                        format!(
                            "`{}` on an output is not converted: Pulumi has no output conditions",
                            inner.ident.as_str()
                        ),
                        inner.span(),
                    ),
                }
            }
        }
        (NodeKind::Resource(resource), Pending::Resource(block))
            if PatchKind::of(&resource.tf_type).is_some() =>
        {
            let Some(patch) = PatchKind::of(&resource.tf_type) else {
                return Vec::new();
            };
            let fields = kubernetes_patch::fields(patch, mapping.as_ref().map(|(m, _, _)| &**m));
            let provisioners = lower_resource_body(
                resource,
                block,
                Some(&fields),
                id,
                &node.name,
                &mut lowering,
            );
            kubernetes_patch::reshape(patch, resource, block, &mut lowering);
            return provisioners;
        }
        (NodeKind::Resource(resource), Pending::Resource(block)) => {
            let manifest_fields;
            let fields = if resource.tf_type == KUBERNETES_MANIFEST {
                manifest_fields = manifest_arguments();
                Some(&manifest_fields)
            } else {
                fields_of(&mapping)
            };
            let provisioners =
                lower_resource_body(resource, block, fields, id, &node.name, &mut lowering);
            if resource.tf_type == KUBERNETES_MANIFEST {
                spread_manifest(resource, block, &mut lowering);
            }
            super::kubernetes_defaults::fill_required(resource);
            return provisioners;
        }
        (NodeKind::Resource(resource), Pending::Provider(block)) => {
            let fields = fields_of(&mapping);
            lower_resource_body(resource, block, fields, id, &node.name, &mut lowering);
        }
        (NodeKind::Invoke(invoke), Pending::Data(block)) => {
            let fields = fields_of(&mapping);
            lower_data_body(invoke, block, fields, &mut lowering);
        }
        (NodeKind::Component(component), Pending::Module(block)) => {
            super::component::lower_module_block(component, block, &mut lowering)
        }
        (NodeKind::Local(value), Pending::Builtin(block, builtin)) => {
            return lower_builtin(value, block, *builtin, id, &node.name, &mut lowering);
        }
        _ => {}
    }
    Vec::new()
}

/// `kubernetes_manifest`'s arguments besides `manifest` (which the mapping data, having no entry for
/// the type, does not list) configure the Terraform provider's own waiting and server-side apply; the
/// CustomResource has no property for them.
fn manifest_arguments() -> HashMap<String, FieldMapping> {
    KUBERNETES_MANIFEST_SETTINGS
        .iter()
        .map(|name| {
            let field = FieldMapping {
                no_equivalent: true,
                ..FieldMapping::default()
            };
            (name.to_string(), field)
        })
        .collect()
}

/// How references read a `kubernetes_manifest`'s attributes: its computed `object` (the object as the
/// cluster has it) is the resource itself in Pulumi (`object.metadata.uid` → `metadata.uid`).
fn manifest_attributes() -> ProviderMapping {
    let object = FieldMapping {
        inline: true,
        ..FieldMapping::default()
    };
    let manifest = crate::mapping::TypeMapping {
        token: CUSTOM_RESOURCE_TOKEN.to_string(),
        fields: HashMap::from([("object".to_string(), object)]),
    };
    ProviderMapping {
        provider: "kubernetes".to_string(),
        package: "kubernetes".to_string(),
        resources: HashMap::from([(KUBERNETES_MANIFEST.to_string(), manifest)]),
        ..ProviderMapping::default()
    }
}

/// `kubernetes_manifest { manifest = { apiVersion = ..., kind = ..., ... } }`: the manifest's own
/// fields are the CustomResource's arguments (Kubernetes names, unchanged).
fn spread_manifest(resource: &mut Resource, block: &Block, lowering: &mut ExprLowering) {
    resource.properties.retain(|p| p.name == "manifest");
    let Some(index) = resource
        .properties
        .iter()
        .position(|p| p.name == "manifest")
    else {
        return;
    };
    let manifest = resource.properties.remove(index);
    match manifest.value {
        Expr::Object(entries) if entries.iter().all(|(k, _)| matches!(k, ObjectKey::Name(_))) => {
            let missing: Vec<&str> = ["apiVersion", "kind"]
                .into_iter()
                .filter(|field| {
                    !entries
                        .iter()
                        .any(|(k, _)| *k == ObjectKey::Name(field.to_string()))
                })
                .collect();
            if !missing.is_empty() {
                // The provider cannot tell which API the object belongs to; neither can Pulumi.
                lowering.reporter.report(
                    Severity::Error,
                    "invalid-manifest",
                    format!(
                        "this manifest has no `{}`: Kubernetes needs it to know the object's type",
                        missing.join("` or `")
                    ),
                    block.body.get_attribute("manifest").and_then(|a| a.span()),
                );
            }
            let spread = entries.into_iter().filter_map(|(key, value)| match key {
                ObjectKey::Name(name) => Some(super::Property {
                    name,
                    value,
                    comments: Vec::new(),
                }),
                ObjectKey::Expr(_) => None,
            });
            resource.properties.splice(index..index, spread);
        }
        other => {
            lowering.reporter.report(
                Severity::Warning,
                "not-converted",
                "this manifest is computed: pass its fields to the CustomResource by hand (apiVersion, kind, metadata, spec)",
                block.body.get_attribute("manifest").and_then(|a| a.span()),
            );
            resource.properties.insert(
                index,
                super::Property {
                    name: "manifest".to_string(),
                    value: other,
                    comments: manifest.comments,
                },
            );
        }
    }
}

/// A built-in's value: `{ triggers = ... }` (`null_resource`) or `{ input = ..., output = ... }`
/// (`terraform_data`, whose `output` is its `input`). Its provisioners become commands that re-run
/// when that value changes (their `triggers`), after what the built-in depended on.
fn lower_builtin(
    value: &mut Expr,
    block: &Block,
    builtin: crate::mapping::BuiltinType,
    id: NodeId,
    name: &str,
    lowering: &mut ExprLowering,
) -> Vec<Provisioner> {
    let attribute = builtin.value_attribute();
    let held = block
        .body
        .get_attribute(attribute)
        .map_or(Expr::Null, |a| lowering.lower(&a.value));
    let mut entries = vec![(ObjectKey::Name(attribute.to_string()), held.clone())];
    if attribute == "input" {
        entries.push((ObjectKey::Name("output".to_string()), held));
    }
    *value = Expr::Object(entries);
    // The provisioners, lowered like a resource's; the value itself is their trigger.
    let mut carrier = Resource {
        tf_type: builtin.tf_type().to_string(),
        token: String::new(),
        logical_name: name.to_string(),
        properties: Vec::new(),
        options: ResourceOptions::default(),
    };
    let mut provisioners = lower_resource_body(&mut carrier, block, None, id, name, lowering);
    for attr in block.body.attributes() {
        let key = attr.key.as_str();
        if !matches!(
            key,
            "triggers" | "input" | "triggers_replace" | "depends_on" | "count" | "for_each"
        ) {
            lowering.reporter.report(
                Severity::Warning,
                "not-converted",
                format!("`{key}` of `{}` is not converted", builtin.tf_type()),
                attr.span(),
            );
        }
    }
    if carrier.options.range.is_some() {
        lowering.reporter.report(
            Severity::Warning,
            "not-converted",
            format!(
                "`count`/`for_each` on `{}` is not converted: the value is kept once",
                builtin.tf_type()
            ),
            block.span(),
        );
    }
    if let Some(first) = provisioners.first_mut() {
        first.after_owner = false;
        first.options.depends_on = carrier.options.depends_on;
    }
    for provisioner in &mut provisioners {
        provisioner.properties.push(super::Property {
            name: "triggers".to_string(),
            value: Expr::List(vec![Expr::Ref {
                node: id,
                path: Vec::new(),
            }]),
            comments: Vec::new(),
        });
    }
    provisioners
}

fn fields_of(
    mapping: &Option<(Arc<ProviderMapping>, TypeKind, String)>,
) -> Option<&HashMap<String, FieldMapping>> {
    let (mapping, kind, tf_type) = mapping.as_ref()?;
    mapping.lookup(*kind, tf_type).map(|t| &t.fields)
}

/// Whether lowering with this range kind makes `count.index` / `each.*` valid.
pub(super) fn range_kind(block: &Block) -> Option<RangeKind> {
    if block.body.has_attribute("count") {
        Some(RangeKind::Count)
    } else if block.body.has_attribute("for_each") {
        Some(RangeKind::ForEach)
    } else {
        None
    }
}

/// Comment text from a decor prefix: `#`, `//` and `/* */` markers removed, blank lines dropped.
pub(super) fn comment_lines(prefix: Option<&str>) -> Vec<String> {
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

/// A name usable as an identifier in every target language: characters Terraform allows in names
/// but identifiers do not (`-`, `.`) end a word, camelCase style (`access-policy` → `accessPolicy`).
pub fn identifier_base(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            if upper_next && !out.is_empty() {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            upper_next = false;
        } else {
            upper_next = true;
        }
    }
    out
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
        let base = identifier_base(base);
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
