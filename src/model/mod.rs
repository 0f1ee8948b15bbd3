//! The language-neutral program model (in the spirit of Pulumi's PCL) and the lowering into it.
//!
//! Every declaration is a [`Node`]; expressions refer to nodes by index. Nodes are kept in an order in
//! which every node comes after the nodes it refers to, so emitters can print them top to bottom.

mod coerce;
mod component;
mod config;
mod deferred;
mod expr;
pub mod functions;
mod infer;
mod kubernetes_defaults;
mod kubernetes_patch;
mod lower;
mod order;
mod provider;
mod required;
mod resource;

use crate::diagnostics::SourceSpan;
use crate::mapping::ScalarType;
use std::collections::BTreeSet;

pub use component::lower_example;
pub use lower::{identifier_base, lower_program};

pub type NodeId = usize;

#[derive(Debug, Clone, Default)]
pub struct Program {
    pub nodes: Vec<Node>,
    /// Pulumi packages the program uses (`aws`, `gcp`, ...), for imports and dependencies.
    pub packages: BTreeSet<String>,
    /// Packages named in `required_providers` (PCL declares these with `package` blocks).
    pub required_packages: BTreeSet<String>,
    /// Settings of default (unaliased) provider blocks, as stack configuration: `aws:region` → value.
    /// Only constant values; anything else is reported and left out.
    pub stack_config: Vec<(String, Expr)>,
    /// Local modules used by `module` blocks, each converted as a component program.
    pub components: Vec<ComponentProgram>,
    /// Locals whose every use is a module argument: the type the module's variables give them
    /// (Terraform converts the value there), so languages that type a literal by its shape can state it.
    pub local_types: Vec<(NodeId, ConfigType)>,
}

/// The program of a local module, by its folder in the example (`modules/vpc`).
#[derive(Debug, Clone)]
pub struct ComponentProgram {
    pub path: String,
    pub program: Program,
    /// Every file of the folder parsed: its declarations are all known.
    pub parsed: bool,
}

#[derive(Debug, Clone)]
pub struct Node {
    /// Identifier in the generated program, unique across all nodes.
    pub name: String,
    /// Terraform address (`var.region`, `aws_s3_bucket.site`, `data.aws_ami.ubuntu`).
    pub address: String,
    /// Comment lines written above the declaration, without comment markers.
    pub comments: Vec<String>,
    pub span: SourceSpan,
    pub kind: NodeKind,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Config(ConfigVar),
    Local(Expr),
    Resource(Resource),
    Invoke(Invoke),
    Output(OutputValue),
    /// A `module` block: an instance of a component.
    Component(Component),
    /// A component input computed from the component's own outputs, which Terraform allows (it
    /// orders a module's inputs and outputs one by one, a program constructs the component in one
    /// statement): an output declared before the component, whose value a [`NodeKind::Resolve`]
    /// sets once it exists.
    Deferred(DeferredValue),
    /// Sets a deferred output's value. The node's name is that of the function that sets it.
    Resolve(Resolution),
}

#[derive(Debug, Clone)]
pub struct DeferredValue {
    /// The type of the component input it stands for, once the component's variables are known.
    pub ty: ConfigType,
}

#[derive(Debug, Clone)]
pub struct Resolution {
    /// The [`NodeKind::Deferred`] node whose value this sets.
    pub deferred: NodeId,
    /// The component input's value as written.
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct ConfigVar {
    /// Config key: the Terraform variable name.
    pub key: String,
    pub ty: ConfigType,
    pub default: Option<Expr>,
    pub description: Option<String>,
    pub secret: bool,
    /// `nullable = false`: a null value is replaced by the default.
    pub nullable: bool,
    /// A `type` is declared. Terraform takes an untyped variable's value from the command line as
    /// a literal string, and parses a typed one (`any` included) as an expression.
    pub typed: bool,
}

impl ConfigVar {
    /// The declared type, or for an untyped variable the type of its default.
    pub fn effective_type(&self) -> ConfigType {
        match (&self.ty, &self.default) {
            (ConfigType::Any, Some(default)) => ConfigType::of_value(default),
            (ty, _) => ty.clone(),
        }
    }
}

impl ConfigType {
    /// The type of a constant value (the first element stands for a list's or map's elements).
    pub fn of_value(value: &Expr) -> ConfigType {
        match value {
            Expr::String(_) | Expr::Template(_) => ConfigType::String,
            Expr::Number(_) => ConfigType::Number,
            Expr::Bool(_) => ConfigType::Bool,
            // An empty list or map says nothing about its elements.
            Expr::List(items) => ConfigType::List(Box::new(
                items.first().map_or(ConfigType::Any, ConfigType::of_value),
            )),
            Expr::Object(entries) => ConfigType::Map(Box::new(
                entries
                    .first()
                    .map_or(ConfigType::Any, |(_, v)| ConfigType::of_value(v)),
            )),
            _ => ConfigType::Any,
        }
    }
}

/// A Terraform type constraint.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigType {
    String,
    Number,
    Bool,
    List(Box<ConfigType>),
    Map(Box<ConfigType>),
    Object(Vec<ObjectField>),
    Any,
}

/// An attribute of an `object({...})` type.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectField {
    pub name: String,
    pub ty: ConfigType,
    /// `optional(T)`: callers may leave the attribute out; the module then sees null, or `default`.
    pub optional: bool,
    /// `optional(T, default)`: what the module sees when the caller leaves the attribute out or
    /// passes null.
    pub default: Option<Expr>,
}

impl ConfigType {
    /// Whether a value of this type may leave out object attributes the module must see filled in:
    /// those with an `optional(T, default)` default, and with `absent_too` also plain `optional(T)`
    /// ones (which the module sees as null).
    pub fn has_attribute_defaults(&self, absent_too: bool) -> bool {
        match self {
            ConfigType::List(inner) | ConfigType::Map(inner) => {
                inner.has_attribute_defaults(absent_too)
            }
            ConfigType::Object(fields) => fields.iter().any(|f| {
                f.default.is_some()
                    || (absent_too && f.optional)
                    || f.ty.has_attribute_defaults(absent_too)
            }),
            _ => false,
        }
    }
}

/// `value` with Terraform's defaults of optional attributes filled in where it is a literal (a
/// literal attribute default is itself filled in this way). `absent_too`: also give plain
/// `optional(T)` attributes a null.
pub fn fill_attribute_defaults(value: &Expr, ty: &ConfigType, absent_too: bool) -> Expr {
    match (ty, value) {
        (ConfigType::List(inner), Expr::List(items)) => Expr::List(
            items
                .iter()
                .map(|item| fill_attribute_defaults(item, inner, absent_too))
                .collect(),
        ),
        (ConfigType::Map(inner), Expr::Object(entries)) => Expr::Object(
            entries
                .iter()
                .map(|(k, item)| (k.clone(), fill_attribute_defaults(item, inner, absent_too)))
                .collect(),
        ),
        (ConfigType::Object(fields), Expr::Object(entries)) => {
            let mut filled: Vec<(ObjectKey, Expr)> = entries
                .iter()
                .map(|(key, item)| {
                    let field = match key {
                        ObjectKey::Name(name) => fields.iter().find(|f| f.name == *name),
                        ObjectKey::Expr(_) => None,
                    };
                    let item = match field {
                        Some(field) if *item == Expr::Null => {
                            field.default.as_ref().map_or(Expr::Null, |d| {
                                fill_attribute_defaults(d, &field.ty, absent_too)
                            })
                        }
                        Some(field) => fill_attribute_defaults(item, &field.ty, absent_too),
                        None => item.clone(),
                    };
                    (key.clone(), item)
                })
                .collect();
            for field in fields {
                let given = entries
                    .iter()
                    .any(|(key, _)| matches!(key, ObjectKey::Name(name) if *name == field.name));
                let value = match &field.default {
                    _ if given => continue,
                    Some(default) => fill_attribute_defaults(default, &field.ty, absent_too),
                    None if absent_too && field.optional => Expr::Null,
                    None => continue,
                };
                filled.push((ObjectKey::Name(field.name.clone()), value));
            }
            Expr::Object(filled)
        }
        _ => value.clone(),
    }
}

impl ObjectField {
    /// A required attribute (the fields of an inferred object type).
    pub fn required(name: String, ty: ConfigType) -> Self {
        ObjectField {
            name,
            ty,
            optional: false,
            default: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub tf_type: String,
    pub token: String,
    /// Logical name given to the Pulumi engine: the Terraform resource name.
    pub logical_name: String,
    pub properties: Vec<Property>,
    pub options: ResourceOptions,
}

#[derive(Debug, Clone)]
pub struct Invoke {
    pub tf_type: String,
    pub token: String,
    pub arguments: Vec<Property>,
    /// `count` / `for_each` on a data source: one call per element.
    pub range: Option<Range>,
    /// Explicit provider (`provider = aws.west`).
    pub provider: Option<Expr>,
    pub depends_on: Vec<Expr>,
    /// `Some`: no provider function exists; the existing object is read with the static `get` of the
    /// resource type `token` (Kubernetes data sources), and `arguments` are empty.
    pub get: Option<ResourceGet>,
}

/// Reading an existing object as a resource: `k8s.core.v1.ConfigMap.get("name", "namespace/name")`.
#[derive(Debug, Clone)]
pub struct ResourceGet {
    /// Logical name given to the Pulumi engine: the Terraform data source name.
    pub logical_name: String,
    /// The provider's ID of the object (Kubernetes: `namespace/name`, or `name`).
    pub id: Expr,
}

/// A `module` block.
#[derive(Debug, Clone)]
pub struct Component {
    /// The module source as written (`./modules/vpc`, `terraform-aws-modules/vpc/aws`).
    pub source: String,
    /// The example folder of a local module's component program; `None` for registry modules.
    pub path: Option<String>,
    pub logical_name: String,
    /// Module inputs by variable name.
    pub inputs: Vec<Property>,
    pub options: ResourceOptions,
}

/// Terraform meta-arguments, as Pulumi resource options.
#[derive(Debug, Clone, Default)]
pub struct ResourceOptions {
    /// `count` or `for_each`.
    pub range: Option<Range>,
    pub depends_on: Vec<Expr>,
    /// `provider = aws.west`: a reference to an explicit provider resource.
    pub provider: Option<Expr>,
    /// Module `providers = { aws = aws.west }`: package → provider resource.
    pub providers: Vec<(String, Expr)>,
    /// `lifecycle { prevent_destroy = true }`.
    pub protect: Option<Expr>,
    /// `lifecycle { ignore_changes = [...] }`, as Pulumi property paths; `["*"]` for `all`.
    pub ignore_changes: Vec<String>,
    /// Pulumi replaces create-before-delete by default; Terraform deletes first unless
    /// `create_before_destroy = true`. `Some(false)` is only kept when written explicitly.
    pub delete_before_replace: Option<bool>,
    /// `replace_triggered_by` entries that name properties of this resource.
    pub replace_on_changes: Vec<String>,
    /// `timeouts { create = "5m" ... }`.
    pub custom_timeouts: Vec<(String, Expr)>,
    /// `moved { from = ... }` blocks that name this resource: its former logical names.
    pub aliases: Vec<String>,
    /// `import { to = ..., id = ... }`.
    pub import_id: Option<Expr>,
}

/// `count` or `for_each`.
#[derive(Debug, Clone, PartialEq)]
pub enum Range {
    Count(Expr),
    ForEach(Expr),
}

#[derive(Debug, Clone)]
pub struct OutputValue {
    pub value: Expr,
    pub description: Option<String>,
    pub secret: bool,
}

/// One input property of a resource or invoke, already named for Pulumi.
#[derive(Debug, Clone)]
pub struct Property {
    pub name: String,
    pub value: Expr,
    pub comments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    /// The number as written in the source.
    Number(String),
    String(String),
    Template(Vec<TemplatePart>),
    List(Vec<Expr>),
    Object(Vec<(ObjectKey, Expr)>),
    /// A value of another declaration, followed by attribute and index steps.
    Ref {
        node: NodeId,
        path: Vec<Step>,
    },
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    Call {
        name: String,
        args: Vec<Expr>,
    },
    /// Indexing or attribute access on a computed value.
    Access(Box<Expr>, Vec<Step>),
    /// A variable bound by an enclosing `for` expression or `dynamic` block, by its source name.
    Var(String),
    /// The element of a `count`/`for_each` resource being built: `count.index`, `each.key`, `each.value`.
    Range(RangeField),
    /// `[for k, v in collection : value if cond]` / `{for k, v in collection : key => value...}`.
    For(Box<ForExpr>),
    /// `source[*].a.b`: the steps applied to every element (a single value is treated as a list of it).
    Splat(Box<Expr>, Vec<Step>),
    /// A value Terraform provides: `terraform.workspace`, `path.module`, ...
    Builtin(Builtin),
    /// A Pulumi construct with no Terraform function behind it.
    Intrinsic(Intrinsic, Vec<Expr>),
    /// Something not converted; a diagnostic explains it. Carries the source text.
    Unsupported(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeField {
    /// `count.index`.
    Index,
    /// `each.key`.
    Key,
    /// `each.value`.
    Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intrinsic {
    /// The file at a path, as an asset.
    FileAsset,
    /// A string, as an asset.
    StringAsset,
    /// The only element of a list of zero or one (a dynamic block for a max-items-one field).
    SingleOrNone,
    /// `[value, name]`: a value that may be null, passed to the argument `name` (its Pulumi name) that
    /// the SDK requires; null fails there, as Terraform fails where the resource is created.
    Required,
    /// `[object]`: a map argument's literal whose elements may be null; those are left out.
    DefinedEntries,
    /// Terraform's automatic conversion of a value to the primitive type of the field it is given to.
    Convert(Conversion),
}

/// A primitive conversion Terraform performs implicitly (a `string` variable into a number field,
/// a number into a string field). PCL converts implicitly too; the typed SDKs need it written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conversion {
    /// The value's type; `None` while it is not known (the value is emitted as it is).
    pub from: Option<ScalarType>,
    pub to: ScalarType,
    /// The value may be null (a `lookup` with a null default, an input defaulting to null): null stays null.
    pub nullable: bool,
}

impl Conversion {
    /// The conversion to write, if any: a known type that differs from the field's.
    pub fn needed(&self) -> Option<(ScalarType, ScalarType)> {
        self.from
            .filter(|from| *from != self.to)
            .map(|from| (from, self.to))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `terraform.workspace` → the stack name.
    StackName,
    /// `path.module`, `path.root`: the program's folder.
    PathModule,
    PathRoot,
    /// `path.cwd`: the working directory.
    PathCwd,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    /// `Some` for an object-producing `for`.
    pub key: Option<Expr>,
    pub value: Expr,
    pub condition: Option<Expr>,
    /// `...` after the value: values with equal keys are grouped into lists.
    pub grouping: bool,
}

impl ForExpr {
    /// The parts evaluated per element, where the loop variables are bound: key, value, condition.
    pub fn per_element_mut(&mut self) -> impl Iterator<Item = &mut Expr> {
        self.key
            .iter_mut()
            .chain(Some(&mut self.value))
            .chain(self.condition.iter_mut())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    Interpolation(Expr),
    /// `%{if cond}then%{else}otherwise%{endif}` (strip markers already applied to the literals).
    If {
        condition: Expr,
        then: Vec<TemplatePart>,
        otherwise: Vec<TemplatePart>,
    },
    /// `%{for k, v in collection}body%{endfor}`.
    For {
        key_var: Option<String>,
        value_var: String,
        collection: Expr,
        body: Vec<TemplatePart>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ObjectKey {
    /// A literal key (identifier or string).
    Name(String),
    /// A computed key.
    Expr(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Attribute access, already named for Pulumi.
    Attr(String),
    Index(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    And,
    Or,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl Program {
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// The node that sets the value of the deferred output `deferred`.
    pub fn resolution_of(&self, deferred: NodeId) -> Option<NodeId> {
        self.nodes.iter().position(|node| {
            matches!(&node.kind, NodeKind::Resolve(resolution) if resolution.deferred == deferred)
        })
    }

    /// A resource, invoke or component with `count` / `for_each`: a collection of instances.
    /// Whether `expr` is a whole reference to a variable whose default is null (through locals that
    /// alias it): null when not set, which Terraform's functions reject.
    pub fn is_null_default_variable(&self, expr: &Expr) -> bool {
        let mut current = expr;
        // Bounded, as a cycle of aliases is possible input.
        for _ in 0..=self.nodes.len() {
            let Expr::Ref { node, path } = current else {
                return false;
            };
            if !path.is_empty() {
                return false;
            }
            match self.node(*node).map(|n| &n.kind) {
                Some(NodeKind::Config(config)) => {
                    return matches!(config.default, Some(Expr::Null));
                }
                Some(NodeKind::Local(value)) => current = value,
                _ => return false,
            }
        }
        false
    }

    pub fn is_ranged(&self, id: NodeId) -> bool {
        match self.node(id).map(|n| &n.kind) {
            Some(NodeKind::Resource(r)) => r.options.range.is_some(),
            Some(NodeKind::Invoke(i)) => i.range.is_some(),
            Some(NodeKind::Component(c)) => c.options.range.is_some(),
            _ => false,
        }
    }
}
