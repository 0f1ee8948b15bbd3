//! The language-neutral program model (in the spirit of Pulumi's PCL) and the lowering into it.
//!
//! Every declaration is a [`Node`]; expressions refer to nodes by index. Nodes are kept in an order in
//! which every node comes after the nodes it refers to, so emitters can print them top to bottom.

mod expr;
mod lower;
mod order;

use crate::diagnostics::SourceSpan;
use std::collections::BTreeSet;

pub use lower::lower_program;

pub type NodeId = usize;

#[derive(Debug, Clone, Default)]
pub struct Program {
    pub nodes: Vec<Node>,
    /// Pulumi packages the program uses (`aws`, `gcp`, ...), for imports and dependencies.
    pub packages: BTreeSet<String>,
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
}

#[derive(Debug, Clone)]
pub struct ConfigVar {
    /// Config key: the Terraform variable name.
    pub key: String,
    pub ty: ConfigType,
    pub default: Option<Expr>,
    pub description: Option<String>,
    pub secret: bool,
}

/// A Terraform type constraint.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigType {
    String,
    Number,
    Bool,
    List(Box<ConfigType>),
    Map(Box<ConfigType>),
    Object(Vec<(String, ConfigType)>),
    Any,
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub tf_type: String,
    pub token: String,
    /// Logical name given to the Pulumi engine: the Terraform resource name.
    pub logical_name: String,
    pub properties: Vec<Property>,
    pub depends_on: Vec<Expr>,
}

#[derive(Debug, Clone)]
pub struct Invoke {
    pub tf_type: String,
    pub token: String,
    pub arguments: Vec<Property>,
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
    /// Something not converted; a diagnostic explains it. Carries the source text.
    Unsupported(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    Interpolation(Expr),
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
}
