//! Terraform's automatic conversion of non-literal values, directed by the type of the field they are
//! given to: `from_port = each.value.from_port` where `each.value` comes from a `list(map(string))`
//! variable is a string that Terraform converts to the number field's type; a `number` variable in a
//! string field is its decimal text. The typed SDKs only accept the converted value.
//!
//! Lowering marks every non-literal value of a primitive field with a pending [`Conversion`] (see
//! [`pending_conversion`]); once the whole module is lowered, [`resolve_conversions`] infers the value's
//! type and keeps the conversion only where the type is known for certain and differs from the field's.
//! The inference is deliberately small and conservative: anything it is not sure of is unknown, and an
//! unknown value is never converted.

use super::{
    BinaryOp, ConfigType, Conversion, Expr, ForExpr, Intrinsic, Node, NodeId, NodeKind,
    ObjectField, ObjectKey, Range, RangeField, Step, UnaryOp,
};
use crate::mapping::{property_name, FieldMapping, ScalarType, ValueType};
use std::collections::HashMap;

/// Deeper expressions are not looked into (the lowering already bounds nesting; this bounds the walk
/// through locals that refer to locals).
const MAX_DEPTH: usize = 64;

/// A field's value marked for conversion to the field's type once the module's types are known.
/// Literals are already converted (`coerce.rs`); null and placeholders need nothing.
pub(super) fn pending_conversion(expr: Expr, to: ValueType) -> Expr {
    match (to, expr) {
        (ValueType::Scalar(scalar), expr) => mark(expr, scalar),
        (ValueType::List(scalar), Expr::List(items)) => {
            Expr::List(items.into_iter().map(|item| mark(item, scalar)).collect())
        }
        (ValueType::Map(scalar), Expr::Object(entries)) => Expr::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key, mark(value, scalar)))
                .collect(),
        ),
        (_, other) => other,
    }
}

fn mark(expr: Expr, to: ScalarType) -> Expr {
    match expr {
        Expr::Null
        | Expr::Bool(_)
        | Expr::Number(_)
        | Expr::String(_)
        | Expr::List(_)
        | Expr::Object(_)
        | Expr::Unsupported(_) => expr,
        other => Expr::Intrinsic(
            Intrinsic::Convert(Conversion {
                from: None,
                to,
                nullable: false,
            }),
            vec![other],
        ),
    }
}

/// The mapped fields of resource and data-source nodes, for the types of their attributes.
pub(super) type NodeFields<'m> = HashMap<NodeId, &'m HashMap<String, FieldMapping>>;

/// Resolves the pending conversions in every node of a module: converted where the value's type is
/// known and differs from the field's, otherwise the value as it is.
pub(super) fn resolve_conversions(nodes: &mut [Node], fields: &NodeFields) {
    let mut resolved: Vec<(NodeId, NodeKind)> = Vec::new();
    {
        let mut types = Types::new(nodes);
        types.fields = fields.clone();
        for (id, node) in nodes.iter().enumerate() {
            let mut kind = node.kind.clone();
            let mut scope = Scope::for_node(&types, &kind);
            let mut changed = false;
            for_each_expr_mut(&mut kind, &mut |expr| {
                changed |= types.resolve(expr, &mut scope, 0);
            });
            if changed {
                resolved.push((id, kind));
            }
        }
    }
    for (id, kind) in resolved {
        if let Some(node) = nodes.get_mut(id) {
            node.kind = kind;
        }
    }
}

/// Per node (by id), the values of its `Required` marks that read an object attribute declared
/// `optional` without a default, which is null where a caller leaves it out: those marks stay
/// (see [`super::required::settle`], which judges values by their form alone).
pub(super) fn optional_attribute_reads(nodes: &[Node]) -> Vec<Vec<Expr>> {
    let types = Types::new(nodes);
    nodes
        .iter()
        .map(|node| {
            let mut kind = node.kind.clone();
            let mut scope = Scope::for_node(&types, &kind);
            let mut found = Vec::new();
            for_each_expr_mut(&mut kind, &mut |expr| {
                types.optional_reads_in(expr, &mut scope, 0, &mut found)
            });
            found
        })
        .collect()
}

/// Wraps `value` in the conversion to `to` where its type in `nodes` is known to differ (a module
/// argument given to a typed component input).
/// Resource attributes are not typed here: the module's mapping is not at hand any more.
pub(super) fn convert_in(nodes: &[Node], owner: &NodeKind, value: Expr, to: ScalarType) -> Expr {
    let types = Types::new(nodes);
    let mut scope = Scope::for_node(&types, owner);
    let mut value = mark(value, to);
    types.resolve(&mut value, &mut scope, 0);
    value
}

/// The expressions of a node that are given to typed fields or function parameters.
fn for_each_expr_mut(kind: &mut NodeKind, f: &mut dyn FnMut(&mut Expr)) {
    let properties = match kind {
        NodeKind::Resource(resource) => &mut resource.properties,
        NodeKind::Invoke(invoke) => &mut invoke.arguments,
        NodeKind::Component(component) => &mut component.inputs,
        NodeKind::Local(value) => return f(value),
        NodeKind::Output(output) => return f(&mut output.value),
        // A resolution's value was a component input's, converted before it was deferred.
        NodeKind::Config(_) | NodeKind::Deferred(_) | NodeKind::Resolve(_) => return,
    };
    for property in properties {
        f(&mut property.value);
    }
}

/// The types bound inside an expression: `for` variables, and `count.index` / `each.*` of the node.
#[derive(Default)]
struct Scope {
    vars: Vec<(String, ConfigType)>,
    key: Option<ConfigType>,
    value: Option<ConfigType>,
    index: bool,
}

impl Scope {
    fn for_node(types: &Types, kind: &NodeKind) -> Scope {
        let range = match kind {
            NodeKind::Resource(resource) => resource.options.range.as_ref(),
            NodeKind::Invoke(invoke) => invoke.range.as_ref(),
            NodeKind::Component(component) => component.options.range.as_ref(),
            _ => None,
        };
        let mut scope = Scope::default();
        match range {
            Some(Range::Count(_)) => scope.index = true,
            Some(Range::ForEach(collection)) => {
                let (key, value) =
                    types.elements(&types.infer(collection, &mut Scope::default(), 0));
                scope.key = Some(key);
                scope.value = Some(value);
            }
            None => {}
        }
        scope
    }

    fn var(&self, name: &str) -> ConfigType {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map_or(ConfigType::Any, |(_, ty)| ty.clone())
    }
}

struct Types<'n> {
    nodes: &'n [Node],
    /// Mapped fields of resource and data-source nodes.
    fields: NodeFields<'n>,
    /// Locals' types, worked out once; `Any` while one is being worked out (a cycle).
    locals: std::cell::RefCell<HashMap<NodeId, ConfigType>>,
}

impl<'n> Types<'n> {
    fn new(nodes: &'n [Node]) -> Self {
        Types {
            nodes,
            fields: HashMap::new(),
            locals: std::cell::RefCell::new(HashMap::new()),
        }
    }

    /// Resolves the pending conversions in `expr`; whether anything was resolved.
    fn resolve(&self, expr: &mut Expr, scope: &mut Scope, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match expr {
            Expr::Intrinsic(Intrinsic::Convert(Conversion { from: None, to, .. }), args) => {
                let to = *to;
                // A marker wraps exactly one value (see `mark`).
                let mut inner = match args.as_mut_slice() {
                    [only] => std::mem::replace(only, Expr::Null),
                    _ => return false,
                };
                self.resolve(&mut inner, scope, depth + 1);
                *expr = self.converted(inner, to, scope, depth);
                true
            }
            Expr::For(for_expr) => {
                let mut changed = self.resolve(&mut for_expr.collection, scope, depth + 1);
                let pushed = self.bind_for(for_expr, scope, depth);
                for e in for_expr.per_element_mut() {
                    changed |= self.resolve(e, scope, depth + 1);
                }
                scope.vars.truncate(scope.vars.len().saturating_sub(pushed));
                changed
            }
            other => {
                let mut changed = false;
                other.children_mut(&mut |child| changed |= self.resolve(child, scope, depth + 1));
                if let Expr::Call { name, args } = other {
                    for (index, arg) in args.iter_mut().enumerate() {
                        let Some(to) = parameter_type(name, index) else {
                            continue;
                        };
                        let value = std::mem::replace(arg, Expr::Null);
                        *arg = self.converted(value, to, scope, depth);
                        changed |= matches!(arg, Expr::Intrinsic(Intrinsic::Convert(_), _));
                    }
                }
                changed
            }
        }
    }

    /// `value` as the field of type `to` receives it. A conditional converts each branch, so that a
    /// null branch stays null.
    fn converted(&self, value: Expr, to: ScalarType, scope: &mut Scope, depth: usize) -> Expr {
        match value {
            Expr::Conditional(condition, then, otherwise) => Expr::Conditional(
                condition,
                Box::new(self.converted(*then, to, scope, depth + 1)),
                Box::new(self.converted(*otherwise, to, scope, depth + 1)),
            ),
            value => {
                let from = scalar(&self.infer(&value, scope, depth + 1));
                let convertible = matches!(
                    (from, to),
                    (
                        Some(ScalarType::String),
                        ScalarType::Number | ScalarType::Bool
                    ) | (
                        Some(ScalarType::Number | ScalarType::Bool),
                        ScalarType::String
                    )
                );
                if !convertible || is_literal(&value) {
                    return value;
                }
                let nullable = self.may_be_null(&value, scope, depth + 1);
                Expr::Intrinsic(
                    Intrinsic::Convert(Conversion { from, to, nullable }),
                    vec![value],
                )
            }
        }
    }

    /// Binds a `for` expression's variables; how many were bound.
    fn bind_for(&self, for_expr: &ForExpr, scope: &mut Scope, depth: usize) -> usize {
        let (key, value) = self.elements(&self.infer(&for_expr.collection, scope, depth + 1));
        let mut pushed = 1;
        if let Some(key_var) = &for_expr.key_var {
            scope.vars.push((key_var.clone(), key));
            pushed += 1;
        }
        scope.vars.push((for_expr.value_var.clone(), value));
        pushed
    }

    /// Collects into `found` the values of the `Required` marks in `expr` that read an optional
    /// attribute without a default.
    fn optional_reads_in(
        &self,
        expr: &mut Expr,
        scope: &mut Scope,
        depth: usize,
        found: &mut Vec<Expr>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        match expr {
            Expr::For(for_expr) => {
                self.optional_reads_in(&mut for_expr.collection, scope, depth + 1, found);
                let pushed = self.bind_for(for_expr, scope, depth);
                for e in for_expr.per_element_mut() {
                    self.optional_reads_in(e, scope, depth + 1, found);
                }
                scope.vars.truncate(scope.vars.len().saturating_sub(pushed));
            }
            other => {
                if let Expr::Intrinsic(Intrinsic::Required, args) = &*other {
                    if let Some(value) = args.first() {
                        if self.reads_optional_attribute(value, scope, depth + 1) {
                            found.push(value.clone());
                        }
                    }
                }
                other.children_mut(&mut |child| {
                    self.optional_reads_in(child, scope, depth + 1, found)
                });
            }
        }
    }

    /// Whether `expr` reads an object attribute declared `optional` without a default.
    fn reads_optional_attribute(&self, expr: &Expr, scope: &mut Scope, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match expr {
            Expr::Conditional(_, a, b) => {
                self.reads_optional_attribute(a, scope, depth + 1)
                    || self.reads_optional_attribute(b, scope, depth + 1)
            }
            Expr::Ref { node, path } if !path.is_empty() => {
                match self.nodes.get(*node).map(|n| &n.kind) {
                    Some(NodeKind::Config(config)) => {
                        through_optional_attribute(config.effective_type(), path)
                    }
                    Some(NodeKind::Local(_)) => {
                        through_optional_attribute(self.node_type(*node, depth + 1), path)
                    }
                    _ => false,
                }
            }
            Expr::Access(base, path) => {
                through_optional_attribute(self.infer(base, scope, depth + 1), path)
            }
            _ => false,
        }
    }

    /// The key and element types of iterating a collection (`for`, `for_each`).
    fn elements(&self, collection: &ConfigType) -> (ConfigType, ConfigType) {
        match collection {
            ConfigType::List(inner) => (ConfigType::Number, (**inner).clone()),
            ConfigType::Map(inner) => (ConfigType::String, (**inner).clone()),
            ConfigType::Object(fields) => (
                ConfigType::String,
                common(fields.iter().map(|f| f.ty.clone())),
            ),
            _ => (ConfigType::Any, ConfigType::Any),
        }
    }

    /// The type of `expr`, where it is known for certain; `Any` otherwise.
    fn infer(&self, expr: &Expr, scope: &mut Scope, depth: usize) -> ConfigType {
        if depth > MAX_DEPTH {
            return ConfigType::Any;
        }
        let next = depth + 1;
        match expr {
            Expr::String(_) | Expr::Template(_) | Expr::Builtin(_) => ConfigType::String,
            Expr::Number(_) => ConfigType::Number,
            Expr::Bool(_) => ConfigType::Bool,
            Expr::Null | Expr::Unsupported(_) | Expr::Splat(..) => ConfigType::Any,
            Expr::List(items) => ConfigType::List(Box::new(common(
                items.iter().map(|i| self.infer(i, scope, next)),
            ))),
            Expr::Object(entries) => {
                let mut fields = Vec::new();
                for (key, value) in entries {
                    let ObjectKey::Name(name) = key else {
                        return ConfigType::Any;
                    };
                    fields.push(ObjectField::required(
                        name.clone(),
                        self.infer(value, scope, next),
                    ));
                }
                ConfigType::Object(fields)
            }
            Expr::Ref { node, path } => match self.fields.get(node) {
                Some(fields) => self.attribute_type(*node, fields, path),
                None => {
                    let base = self.node_type(*node, next);
                    self.steps(base, path)
                }
            },
            Expr::Access(base, path) => {
                let base = self.infer(base, scope, next);
                self.steps(base, path)
            }
            Expr::Var(name) => scope.var(name),
            Expr::Range(field) => match field {
                RangeField::Index if scope.index => ConfigType::Number,
                RangeField::Key => scope.key.clone().unwrap_or(ConfigType::Any),
                RangeField::Value => scope.value.clone().unwrap_or(ConfigType::Any),
                RangeField::Index => ConfigType::Any,
            },
            Expr::Unary(UnaryOp::Neg, _) => ConfigType::Number,
            Expr::Unary(UnaryOp::Not, _) => ConfigType::Bool,
            Expr::Binary(op, _, _) => match op {
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
                    ConfigType::Number
                }
                _ => ConfigType::Bool,
            },
            Expr::Conditional(_, then, otherwise) => {
                match (&**then, &**otherwise) {
                    // A null branch takes the other branch's type.
                    (Expr::Null, other) | (other, Expr::Null) => self.infer(other, scope, next),
                    // `cond ? [x] : []`: an empty list takes the other branch's list type.
                    (Expr::List(items), other) | (other, Expr::List(items)) if items.is_empty() => {
                        match self.infer(other, scope, next) {
                            list @ ConfigType::List(_) => list,
                            other => unify(
                                [ConfigType::List(Box::new(ConfigType::Any)), other].into_iter(),
                            ),
                        }
                    }
                    (a, b) => {
                        let a = self.infer(a, scope, next);
                        let b = self.infer(b, scope, next);
                        unify([a, b].into_iter())
                    }
                }
            }
            Expr::Call { name, args } => self.call(name, args, scope, next),
            Expr::Intrinsic(Intrinsic::Convert(conversion), _) if conversion.from.is_some() => {
                scalar_type(conversion.to)
            }
            Expr::Intrinsic(..) => ConfigType::Any,
            Expr::For(for_expr) => {
                let pushed = self.bind_for(for_expr, scope, next);
                let value = self.infer(&for_expr.value, scope, next);
                scope.vars.truncate(scope.vars.len().saturating_sub(pushed));
                match (&for_expr.key, for_expr.grouping) {
                    (None, _) => ConfigType::List(Box::new(value)),
                    (Some(_), false) => ConfigType::Map(Box::new(value)),
                    (Some(_), true) => ConfigType::Map(Box::new(ConfigType::List(Box::new(value)))),
                }
            }
        }
    }

    /// Result types of the built-in functions whose result type does not depend on a guess.
    fn call(&self, name: &str, args: &[Expr], scope: &mut Scope, depth: usize) -> ConfigType {
        let arg = |i: usize, scope: &mut Scope| {
            args.get(i)
                .map_or(ConfigType::Any, |a| self.infer(a, scope, depth))
        };
        match name {
            "tostring" | "format" | "join" | "lower" | "upper" | "title" | "trimspace" | "trim"
            | "trimprefix" | "trimsuffix" | "chomp" | "replace" | "substr" | "strrev"
            | "indent" | "jsonencode" | "yamlencode" | "base64encode" | "base64decode"
            | "base64gzip" | "textencodebase64" | "textdecodebase64" | "urlencode" | "md5"
            | "sha1" | "sha256" | "sha512" | "base64sha256" | "base64sha512" | "uuid"
            | "uuidv5" | "cidrhost" | "cidrnetmask" | "cidrsubnet" | "formatdate" | "timestamp"
            | "timeadd" | "file" | "filebase64" | "templatefile" | "basename" | "dirname"
            | "abspath" | "pathexpand" | "bcrypt" | "filemd5" | "filesha1" | "filesha256"
            | "filesha512" | "filebase64sha256" | "filebase64sha512" => ConfigType::String,
            "tonumber" | "length" | "parseint" | "abs" | "ceil" | "floor" | "log" | "pow"
            | "signum" | "max" | "min" | "sum" | "index" | "timecmp" => ConfigType::Number,
            "tobool" | "contains" | "can" | "alltrue" | "anytrue" | "startswith" | "endswith"
            | "strcontains" | "fileexists" | "issensitive" => ConfigType::Bool,
            "split" | "keys" | "formatlist" | "cidrsubnets" | "fileset" => {
                ConfigType::List(Box::new(ConfigType::String))
            }
            "values" => match arg(0, scope) {
                ConfigType::Map(inner) => ConfigType::List(inner),
                _ => ConfigType::Any,
            },
            // The element of a typed collection; a default of another type makes it unknown.
            "lookup" => {
                let element = match arg(0, scope) {
                    ConfigType::Map(inner) => *inner,
                    _ => ConfigType::Any,
                };
                match args.get(2) {
                    None | Some(Expr::Null) => element,
                    // Terraform converts the default to the map's element type: an `any` default
                    // (`var.rules[k][0]` of a `map(list(any))`) does not make a `map(string)` unknown.
                    Some(default) if scalar(&element).is_some() => {
                        match self.infer(default, scope, depth) {
                            ConfigType::Any => element,
                            known => unify([element, known].into_iter()),
                        }
                    }
                    Some(_) => unify([element, arg(2, scope)].into_iter()),
                }
            }
            "element" => match arg(0, scope) {
                ConfigType::List(inner) => *inner,
                _ => ConfigType::Any,
            },
            "tolist" | "toset" | "distinct" | "reverse" | "sort" | "compact" | "nonsensitive"
            | "sensitive" => arg(0, scope),
            "coalesce" => unify((0..args.len()).map(|i| arg(i, scope))),
            _ => ConfigType::Any,
        }
    }

    /// The type of a declaration's value.
    fn node_type(&self, id: NodeId, depth: usize) -> ConfigType {
        match self.nodes.get(id).map(|n| &n.kind) {
            Some(NodeKind::Config(config)) => config.effective_type(),
            Some(NodeKind::Local(value)) => {
                if let Some(known) = self.locals.borrow().get(&id) {
                    return known.clone();
                }
                self.locals.borrow_mut().insert(id, ConfigType::Any);
                let ty = self.infer(value, &mut Scope::default(), depth);
                self.locals.borrow_mut().insert(id, ty.clone());
                ty
            }
            _ => ConfigType::Any,
        }
    }

    /// The type of a resource's or data source's attribute, as far as the mapping's field types
    /// (`cpu_core_count`: number) tell it.
    fn attribute_type(
        &self,
        node: NodeId,
        fields: &HashMap<String, FieldMapping>,
        path: &[Step],
    ) -> ConfigType {
        let ranged = match self.nodes.get(node).map(|n| &n.kind) {
            Some(NodeKind::Resource(resource)) => resource.options.range.is_some(),
            Some(NodeKind::Invoke(invoke)) => invoke.range.is_some(),
            _ => false,
        };
        let mut steps = path.iter().peekable();
        if ranged && !matches!(steps.next(), Some(Step::Index(_))) {
            return ConfigType::Any;
        }
        let mut level = fields;
        let mut field: Option<&FieldMapping> = None;
        while let Some(step) = steps.peek() {
            match step {
                Step::Attr(name) => {
                    let found = level
                        .iter()
                        .filter(|(tf_name, f)| {
                            property_name(tf_name, Some(f), |s| level.contains_key(s)) == *name
                        })
                        .min_by_key(|(tf_name, _)| *tf_name);
                    let Some((_, found)) = found else {
                        return ConfigType::Any;
                    };
                    level = &found.fields;
                    field = Some(found);
                }
                // An element of a list block: its fields are the block's fields.
                Step::Index(_) if field.is_some_and(|f| f.max_items_one == Some(false)) => {}
                Step::Index(_) => break,
            }
            steps.next();
        }
        let ty = match field.and_then(|f| f.value_type) {
            Some(ValueType::Scalar(s)) => scalar_type(s),
            Some(ValueType::List(s)) => ConfigType::List(Box::new(scalar_type(s))),
            Some(ValueType::Map(s)) => ConfigType::Map(Box::new(scalar_type(s))),
            None => return ConfigType::Any,
        };
        let rest: Vec<Step> = steps.cloned().collect();
        self.steps(ty, &rest)
    }

    /// `ty` after attribute and index steps.
    fn steps(&self, ty: ConfigType, path: &[Step]) -> ConfigType {
        let mut ty = ty;
        for step in path {
            ty = match (step, ty) {
                (Step::Index(_), ConfigType::List(inner) | ConfigType::Map(inner))
                | (Step::Attr(_), ConfigType::Map(inner)) => *inner,
                (Step::Attr(name), ConfigType::Object(fields)) => fields
                    .into_iter()
                    .find(|f| f.name == *name)
                    .map_or(ConfigType::Any, |f| f.ty),
                (Step::Index(Expr::String(name)), ConfigType::Object(fields)) => fields
                    .into_iter()
                    .find(|f| f.name == *name)
                    .map_or(ConfigType::Any, |f| f.ty),
                _ => return ConfigType::Any,
            };
        }
        ty
    }

    /// Whether `expr` may be null where its type is otherwise known: a `lookup` with a null default,
    /// a whole input that defaults to null, an object attribute (it may be `optional`), a resource
    /// attribute, or a local that is one of these.
    fn may_be_null(&self, expr: &Expr, scope: &mut Scope, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return true;
        }
        let next = depth + 1;
        match expr {
            Expr::Null => true,
            Expr::Call { name, args } if name == "lookup" => args
                .get(2)
                .is_some_and(|d| self.may_be_null(d, scope, next)),
            Expr::Conditional(_, a, b) => {
                self.may_be_null(a, scope, next) || self.may_be_null(b, scope, next)
            }
            // An attribute of a resource or data source may be unset.
            Expr::Ref { node, .. } if self.fields.contains_key(node) => true,
            Expr::Ref { node, path } => match self.nodes.get(*node).map(|n| &n.kind) {
                Some(NodeKind::Config(config)) if path.is_empty() => {
                    matches!(config.default, Some(Expr::Null))
                }
                Some(NodeKind::Config(config)) => {
                    through_object_field(config.effective_type(), path)
                }
                Some(NodeKind::Local(value)) if path.is_empty() => {
                    self.may_be_null(value, &mut Scope::default(), next)
                }
                Some(NodeKind::Local(_)) => through_object_field(self.node_type(*node, next), path),
                _ => false,
            },
            Expr::Access(base, path) => {
                let base = self.infer(base, scope, next);
                through_object_field(base, path)
            }
            _ => false,
        }
    }
}

/// Whether `path` takes an attribute declared `optional` without a default on the way.
fn through_optional_attribute(ty: ConfigType, path: &[Step]) -> bool {
    let mut ty = ty;
    for step in path {
        ty = match (step, ty) {
            (Step::Index(_), ConfigType::List(inner) | ConfigType::Map(inner))
            | (Step::Attr(_), ConfigType::Map(inner)) => *inner,
            (Step::Attr(name) | Step::Index(Expr::String(name)), ConfigType::Object(fields)) => {
                match fields.into_iter().find(|f| f.name == *name) {
                    Some(field) if field.optional && field.default.is_none() => return true,
                    Some(field) => field.ty,
                    None => return false,
                }
            }
            _ => return false,
        };
    }
    false
}

/// Whether `path` takes an attribute of an object type on the way (which may be `optional`).
fn through_object_field(ty: ConfigType, path: &[Step]) -> bool {
    let mut ty = ty;
    for step in path {
        ty = match (step, ty) {
            (Step::Index(_), ConfigType::List(inner) | ConfigType::Map(inner))
            | (Step::Attr(_), ConfigType::Map(inner)) => *inner,
            (Step::Attr(_) | Step::Index(Expr::String(_)), ConfigType::Object(_)) => return true,
            _ => return false,
        };
    }
    false
}

/// The primitive type of a built-in function's parameter, where Terraform converts the argument to it
/// (`cidrsubnet(prefix, newbits, netnum)`: numbers).
fn parameter_type(function: &str, index: usize) -> Option<ScalarType> {
    let number = match (function, index) {
        ("cidrsubnet", 1 | 2)
        | ("cidrhost", 1)
        | ("cidrsubnets", 1..)
        | ("substr", 1 | 2)
        | ("pow" | "log", 0 | 1)
        | ("abs" | "ceil" | "floor" | "signum", 0)
        | ("max" | "min", _)
        | ("range", _)
        | ("chunklist", 1)
        | ("indent", 0)
        | ("parseint", 1) => true,
        ("cidrsubnet" | "cidrhost" | "cidrnetmask" | "cidrsubnets", 0)
        | ("join" | "split", 0)
        | ("split", 1)
        | ("replace", 0..=2)
        | ("lower" | "upper" | "title" | "trimspace" | "chomp" | "strrev", 0)
        | ("trimprefix" | "trimsuffix" | "trim" | "startswith" | "endswith", 0 | 1)
        | ("parseint", 0)
        | ("indent", 1) => false,
        _ => return None,
    };
    Some(if number {
        ScalarType::Number
    } else {
        ScalarType::String
    })
}

fn is_literal(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::String(_)
    )
}

/// The one type all of `types` share; `Any` when they differ or there are none.
fn common(mut types: impl Iterator<Item = ConfigType>) -> ConfigType {
    let Some(first) = types.next() else {
        return ConfigType::Any;
    };
    for ty in types {
        if ty != first {
            return ConfigType::Any;
        }
    }
    first
}

/// The type Terraform gives a value that is one of `types` (conditional branches, a `lookup` default):
/// the same type, or `string` for a mix of strings with numbers or bools, which convert to it.
fn unify(types: impl Iterator<Item = ConfigType>) -> ConfigType {
    let types: Vec<ConfigType> = types.collect();
    let all_primitive = types.iter().all(|t| {
        matches!(
            t,
            ConfigType::String | ConfigType::Number | ConfigType::Bool
        )
    });
    if all_primitive && types.contains(&ConfigType::String) {
        return ConfigType::String;
    }
    common(types.into_iter())
}

fn scalar(ty: &ConfigType) -> Option<ScalarType> {
    match ty {
        ConfigType::String => Some(ScalarType::String),
        ConfigType::Number => Some(ScalarType::Number),
        ConfigType::Bool => Some(ScalarType::Bool),
        _ => None,
    }
}

fn scalar_type(scalar: ScalarType) -> ConfigType {
    match scalar {
        ScalarType::String => ConfigType::String,
        ScalarType::Number => ConfigType::Number,
        ScalarType::Bool => ConfigType::Bool,
        // Terraform holds a path, Pulumi an asset: neither side's type is the other's.
        ScalarType::Asset => ConfigType::Any,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::MappingCache;
    use crate::input::Example;
    use crate::model::{lower_example, Program};

    fn lower(text: &str) -> Program {
        let example = Example::single("test", "main.tf", text);
        lower_example(&example, &MappingCache::builtin()).0
    }

    /// The value of property `name` of the resource at `address`.
    fn property(program: &Program, address: &str, name: &str) -> Expr {
        let node = program.nodes.iter().find(|n| n.address == address);
        match node.map(|n| &n.kind) {
            Some(NodeKind::Resource(resource)) => resource
                .properties
                .iter()
                .find(|p| p.name == name)
                .map_or(Expr::Unsupported(format!("no {name}")), |p| p.value.clone()),
            _ => Expr::Unsupported(format!("no {address}")),
        }
    }

    fn conversion(expr: &Expr) -> Option<Conversion> {
        match expr {
            Expr::Intrinsic(Intrinsic::Convert(c), _) => Some(*c),
            _ => None,
        }
    }

    const RULES: &str = r#"
variable "rules" {
  type = list(map(string))
}
variable "port" {
  type = number
}
variable "on" {
  type = bool
}
variable "loose" {
  default = null
}
"#;

    #[test]
    fn strings_from_typed_collections_convert_to_number_fields() {
        let program = lower(&format!(
            r#"{RULES}
resource "aws_network_acl_rule" "r" {{
  count          = length(var.rules)
  network_acl_id = "acl"
  rule_number    = count.index
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  from_port      = var.rules[count.index]["from_port"]
  to_port        = lookup(var.rules[count.index], "to_port", null)
  icmp_code      = var.loose
}}"#
        ));
        let from = conversion(&property(&program, "aws_network_acl_rule.r", "fromPort"));
        assert_eq!(
            from,
            Some(Conversion {
                from: Some(ScalarType::String),
                to: ScalarType::Number,
                nullable: false
            })
        );
        let to = conversion(&property(&program, "aws_network_acl_rule.r", "toPort"));
        assert_eq!(to.map(|c| c.nullable), Some(true));
        // Numbers already: left alone; an untyped variable is never converted.
        for name in ["ruleNumber", "icmpCode"] {
            let value = property(&program, "aws_network_acl_rule.r", name);
            assert_eq!(conversion(&value), None, "{name}: {value:?}");
        }
    }

    #[test]
    fn numbers_and_bools_convert_to_string_fields_through_for_each_and_locals() {
        let program = lower(&format!(
            r#"{RULES}
locals {{
  by_name = {{ for r in var.rules : r["name"] => r }}
}}
resource "aws_s3_bucket" "b" {{
  for_each = local.by_name
  bucket   = each.key
  tags = {{
    port   = var.port
    on     = var.on
    name   = each.value["name"]
    either = var.on ? var.port : null
  }}
}}"#
        ));
        // `either` may be null, so the map is also marked for its null elements to be left out.
        let tags = match property(&program, "aws_s3_bucket.b", "tags") {
            Expr::Intrinsic(Intrinsic::DefinedEntries, mut args) if args.len() == 1 => {
                args.remove(0)
            }
            other => other,
        };
        let Expr::Object(tags) = tags else {
            panic!("tags is not an object")
        };
        let tag = |key: &str| {
            tags.iter()
                .find(|(k, _)| *k == ObjectKey::Name(key.into()))
                .map(|(_, v)| v.clone())
                .unwrap_or(Expr::Null)
        };
        assert_eq!(
            conversion(&tag("port")).and_then(|c| c.needed()),
            Some((ScalarType::Number, ScalarType::String))
        );
        assert_eq!(
            conversion(&tag("on")).and_then(|c| c.needed()),
            Some((ScalarType::Bool, ScalarType::String))
        );
        assert_eq!(conversion(&tag("name")), None);
        // A conditional converts its branches: null stays null.
        let Expr::Conditional(_, then, otherwise) = tag("either") else {
            panic!("not a conditional: {:?}", tag("either"))
        };
        assert!(conversion(&then).is_some());
        assert_eq!(*otherwise, Expr::Null);
        assert_eq!(
            conversion(&property(&program, "aws_s3_bucket.b", "bucket")),
            None
        );
    }

    #[test]
    fn resource_attributes_are_typed_by_the_mapping_and_may_be_unset() {
        let program = lower(
            r#"
resource "aws_lb_target_group" "web" {
  name = "web"
  port = 80
}
resource "aws_s3_bucket" "b" {
  bucket = aws_lb_target_group.web.name
  tags = {
    port = aws_lb_target_group.web.port
    arn  = aws_lb_target_group.web.arn
  }
}"#,
        );
        let Expr::Object(tags) = property(&program, "aws_s3_bucket.b", "tags") else {
            panic!("tags is not an object")
        };
        let converted: Vec<Option<Conversion>> = tags.iter().map(|(_, v)| conversion(v)).collect();
        assert_eq!(
            converted,
            vec![
                Some(Conversion {
                    from: Some(ScalarType::Number),
                    to: ScalarType::String,
                    nullable: true
                }),
                // Computed only: not in the mapping's field types, so not known.
                None
            ]
        );
        assert_eq!(
            conversion(&property(&program, "aws_s3_bucket.b", "bucket")),
            None
        );
    }

    #[test]
    fn a_lookup_in_a_map_of_strings_is_a_string_whatever_its_default() {
        let program = lower(&format!(
            r#"{RULES}
variable "known" {{
  type    = map(list(any))
  default = {{ http = [80, 80, "tcp"] }}
}}
resource "aws_security_group_rule" "r" {{
  count             = length(var.rules)
  security_group_id = "sg-1"
  type              = "ingress"
  protocol          = "tcp"
  from_port         = lookup(var.rules[count.index], "from_port", var.known["http"][0])
  to_port           = lookup(var.rules[count.index], "to_port", var.port)
}}"#
        ));
        for name in ["fromPort", "toPort"] {
            let value = property(&program, "aws_security_group_rule.r", name);
            assert_eq!(
                conversion(&value),
                Some(Conversion {
                    from: Some(ScalarType::String),
                    to: ScalarType::Number,
                    nullable: false
                }),
                "{name}: {value:?}"
            );
        }
    }

    #[test]
    fn terraform_unifies_strings_with_numbers_and_bools() {
        assert_eq!(
            unify([ConfigType::String, ConfigType::Number].into_iter()),
            ConfigType::String
        );
        assert_eq!(
            unify([ConfigType::Bool, ConfigType::Number].into_iter()),
            ConfigType::Any
        );
        assert_eq!(
            unify([ConfigType::String, ConfigType::Any].into_iter()),
            ConfigType::Any
        );
        assert_eq!(
            unify([ConfigType::Number, ConfigType::Number].into_iter()),
            ConfigType::Number
        );
    }
}
