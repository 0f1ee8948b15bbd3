//! Lowering of HCL expressions into model expressions, resolving references to declarations and to
//! the variables of enclosing `for` expressions, `dynamic` blocks and `count`/`for_each`.

use super::lower::{Decls, Naming};
use super::{
    BinaryOp, Builtin, Expr, ForExpr, NodeId, ObjectKey, RangeField, Step, TemplatePart, UnaryOp,
};
use crate::diagnostics::{Reporter, Severity};
use crate::mapping::{camel_case, property_name, FieldMapping};
use hcl_edit::expr::{self as hcl, Expression, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use std::collections::HashMap;

/// Deeper expressions are refused: wasm threads have small stacks. hcl-edit already bounds nesting at
/// parse time; this guards the lowering itself.
const MAX_DEPTH: usize = 200;

/// Which of `count.index` / `each.*` the expression may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RangeKind {
    Count,
    ForEach,
}

/// A name bound inside an expression.
#[derive(Debug, Clone)]
enum Binding<'a> {
    /// A `for` variable: used as it is.
    Plain(String),
    /// A `for` value variable over a resource or data source, or over one of their attributes: an
    /// element of a Pulumi value, whose attributes have Pulumi names (`fields` of the element, `None`
    /// for the naming rule alone).
    Element {
        name: String,
        fields: Option<&'a HashMap<String, FieldMapping>>,
    },
    /// A `dynamic` block's iterator (`rule.key`, `rule.value`), bound to the generated `for` variables.
    Iterator {
        name: String,
        key_var: String,
        value_var: String,
    },
}

pub(super) struct ExprLowering<'a, 'r> {
    pub decls: &'a Decls,
    pub reporter: &'a mut Reporter<'r>,
    depth: usize,
    scopes: Vec<Binding<'a>>,
    /// `count` / `for_each` of the resource being lowered.
    pub range: Option<RangeKind>,
    /// The resource `self` refers to (inside provisioners and connections).
    pub self_node: Option<NodeId>,
    /// Set when the lowered expression used a dynamic iterator's key.
    pub used_iterator_key: bool,
}

impl<'a, 'r> ExprLowering<'a, 'r> {
    pub fn new(decls: &'a Decls, reporter: &'a mut Reporter<'r>) -> Self {
        ExprLowering {
            decls,
            reporter,
            depth: 0,
            scopes: Vec::new(),
            range: None,
            self_node: None,
            used_iterator_key: false,
        }
    }

    fn source(&self, expr: &Expression) -> String {
        expr.span()
            .and_then(|r| self.reporter.text.get(r))
            .unwrap_or("<expression>")
            .trim()
            .to_string()
    }

    fn unsupported(&mut self, expr: &Expression, code: &'static str, message: String) -> Expr {
        self.reporter
            .report(Severity::Warning, code, message, expr.span());
        Expr::Unsupported(self.source(expr))
    }

    /// A name for a generated variable that shadows nothing in scope (`entry`, `entry2`, ...).
    pub fn fresh_var(&self, base: &str) -> String {
        let taken = |name: &str| {
            self.scopes.iter().any(|b| match b {
                Binding::Plain(n) | Binding::Element { name: n, .. } => n == name,
                Binding::Iterator {
                    name: n,
                    key_var,
                    value_var,
                } => n == name || key_var == name || value_var == name,
            })
        };
        let mut candidate = base.to_string();
        let mut n = 2;
        while taken(&candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        candidate
    }

    /// Binds a `dynamic` block iterator while `f` lowers its content.
    pub fn with_iterator<T>(
        &mut self,
        name: &str,
        key_var: &str,
        value_var: &str,
        f: impl FnOnce(&mut Self) -> T,
    ) -> T {
        self.scopes.push(Binding::Iterator {
            name: name.to_string(),
            key_var: key_var.to_string(),
            value_var: value_var.to_string(),
        });
        let result = f(self);
        self.scopes.pop();
        result
    }

    fn with_vars<T>(&mut self, vars: &[&str], f: impl FnOnce(&mut Self) -> T) -> T {
        for var in vars {
            self.scopes.push(Binding::Plain(var.to_string()));
        }
        let result = f(self);
        for _ in vars {
            self.scopes.pop();
        }
        result
    }

    fn binding(&self, name: &str) -> Option<&Binding<'a>> {
        self.scopes.iter().rev().find(|b| match b {
            Binding::Plain(n)
            | Binding::Element { name: n, .. }
            | Binding::Iterator { name: n, .. } => n == name,
        })
    }

    /// The fields of the elements of a `for` collection that is a resource or data source (with
    /// `count` or `for_each`), or an attribute path of one; `None` when it is anything else.
    fn element_fields(
        &self,
        collection: &Expression,
    ) -> Option<Option<&'a HashMap<String, FieldMapping>>> {
        let Expression::Traversal(traversal) = collection else {
            return None;
        };
        let Expression::Variable(root) = &traversal.expr else {
            return None;
        };
        let root = root.as_str();
        if self.binding(root).is_some() {
            return None;
        }
        let ops: Vec<&TraversalOperator> = traversal.operators.iter().map(|o| o.value()).collect();
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(name)) => Some(name.as_str()),
            _ => None,
        };
        let (address, used) = match root {
            "data" => (format!("data.{}.{}", attr(0)?, attr(1)?), 2),
            "var" | "local" | "module" | "count" | "each" | "path" | "terraform" | "self" => {
                return None
            }
            _ => (format!("{root}.{}", attr(0)?), 1),
        };
        let decl = self.decls.get(&address)?;
        if !matches!(decl.naming(), Naming::Fields(_)) {
            return None;
        }
        let mut fields = decl.fields();
        let mut after_max_items_one = false;
        for op in ops.get(used..).unwrap_or_default() {
            if std::mem::take(&mut after_max_items_one) && is_index_zero(op) {
                continue;
            }
            let TraversalOperator::GetAttr(name) = op else {
                return None;
            };
            let field = fields.and_then(|f| f.get(name.as_str()));
            after_max_items_one = field.and_then(|f| f.max_items_one) == Some(true);
            fields = field.map(|f| &f.fields).filter(|f| !f.is_empty());
            if field.is_some_and(|f| f.max_items_one.is_none() && f.fields.is_empty()) {
                // An attribute the data says nothing nested about: a map or list of user data.
                return None;
            }
        }
        Some(fields)
    }

    pub fn lower(&mut self, expr: &Expression) -> Expr {
        if self.depth >= MAX_DEPTH {
            self.reporter.report(
                Severity::Error,
                "too-deep",
                format!("expression nested deeper than {MAX_DEPTH} levels"),
                expr.span(),
            );
            return Expr::Unsupported(String::from("<too deep>"));
        }
        self.depth += 1;
        let lowered = self.lower_inner(expr);
        self.depth -= 1;
        lowered
    }

    fn lower_inner(&mut self, expr: &Expression) -> Expr {
        match expr {
            Expression::Null(_) => Expr::Null,
            Expression::Bool(b) => Expr::Bool(*b.value()),
            Expression::Number(n) => Expr::Number(n.value().to_string()),
            Expression::String(s) => Expr::String(s.value().clone()),
            Expression::Array(items) => Expr::List(items.iter().map(|e| self.lower(e)).collect()),
            Expression::Object(object) => {
                let mut entries = Vec::new();
                for (key, value) in object.iter() {
                    let key = match key {
                        hcl::ObjectKey::Ident(ident) => ObjectKey::Name(ident.as_str().to_string()),
                        hcl::ObjectKey::Expression(Expression::String(s)) => {
                            ObjectKey::Name(s.value().clone())
                        }
                        hcl::ObjectKey::Expression(e) => ObjectKey::Expr(self.lower(e)),
                    };
                    entries.push((key, self.lower(value.expr())));
                }
                Expr::Object(entries)
            }
            Expression::StringTemplate(t) => {
                let parts = self.template(t.iter(), false, false);
                template_expr(parts)
            }
            Expression::HeredocTemplate(heredoc) => {
                let mut heredoc = heredoc.as_ref().clone();
                heredoc.dedent();
                let parts = self.template(heredoc.template.iter(), false, false);
                template_expr(parts)
            }
            Expression::Parenthesis(p) => self.lower(p.inner()),
            Expression::Variable(v) => {
                let name = v.as_str();
                match self.binding(name) {
                    Some(Binding::Plain(n) | Binding::Element { name: n, .. }) => {
                        Expr::Var(n.clone())
                    }
                    Some(Binding::Iterator { .. }) => self.unsupported(
                        expr,
                        "unsupported-reference",
                        format!("use `{name}.key` or `{name}.value` inside a dynamic block"),
                    ),
                    None => {
                        self.reporter.report(
                            Severity::Error,
                            "unknown-reference",
                            format!("`{name}` does not name anything declared in this module"),
                            expr.span(),
                        );
                        Expr::Unsupported(name.to_string())
                    }
                }
            }
            Expression::Conditional(c) => Expr::Conditional(
                Box::new(self.lower(&c.cond_expr)),
                Box::new(self.lower(&c.true_expr)),
                Box::new(self.lower(&c.false_expr)),
            ),
            Expression::FuncCall(call) => self.call(call, expr),
            Expression::Traversal(t) => self.traversal(t, expr),
            Expression::UnaryOp(op) => {
                let operator = match op.operator.value() {
                    hcl::UnaryOperator::Neg => UnaryOp::Neg,
                    hcl::UnaryOperator::Not => UnaryOp::Not,
                };
                Expr::Unary(operator, Box::new(self.lower(&op.expr)))
            }
            Expression::BinaryOp(op) => {
                use hcl::BinaryOperator as B;
                let operator = match op.operator.value() {
                    B::Eq => BinaryOp::Eq,
                    B::NotEq => BinaryOp::NotEq,
                    B::LessEq => BinaryOp::LtEq,
                    B::GreaterEq => BinaryOp::GtEq,
                    B::Less => BinaryOp::Lt,
                    B::Greater => BinaryOp::Gt,
                    B::Plus => BinaryOp::Add,
                    B::Minus => BinaryOp::Sub,
                    B::Mul => BinaryOp::Mul,
                    B::Div => BinaryOp::Div,
                    B::Mod => BinaryOp::Mod,
                    B::And => BinaryOp::And,
                    B::Or => BinaryOp::Or,
                };
                Expr::Binary(
                    operator,
                    Box::new(self.lower(&op.lhs_expr)),
                    Box::new(self.lower(&op.rhs_expr)),
                )
            }
            Expression::ForExpr(for_expr) => {
                let intro = &for_expr.intro;
                let collection = self.lower(&intro.collection_expr);
                let key_var = intro.key_var.as_ref().map(|k| k.as_str().to_string());
                let value_var = intro.value_var.as_str().to_string();
                let element = self.element_fields(&intro.collection_expr);
                let mut vars = vec![value_var.as_str()];
                if let Some(k) = &key_var {
                    vars.push(k.as_str());
                }
                let (key, value, condition) = self.with_vars(&vars, |this| {
                    if let Some(fields) = element {
                        // The value variable is the last bound: it names the collection's elements.
                        if let Some(last) = this
                            .scopes
                            .iter_mut()
                            .rev()
                            .find(|b| matches!(b, Binding::Plain(n) if *n == value_var))
                        {
                            *last = Binding::Element {
                                name: value_var.clone(),
                                fields,
                            };
                        }
                    }
                    (
                        for_expr.key_expr.as_ref().map(|k| this.lower(k)),
                        this.lower(&for_expr.value_expr),
                        for_expr.cond.as_ref().map(|c| this.lower(&c.expr)),
                    )
                });
                let grouping = for_expr.grouping && key.is_some();
                Expr::For(Box::new(ForExpr {
                    key_var,
                    value_var,
                    collection,
                    key,
                    value,
                    condition,
                    grouping,
                }))
            }
        }
    }

    fn call(&mut self, call: &hcl::FuncCall, expr: &Expression) -> Expr {
        if call.name.is_namespaced() {
            return self.unsupported(
                expr,
                "unsupported-call",
                format!(
                    "provider-defined function `{}` has no Pulumi equivalent",
                    self.source(expr)
                ),
            );
        }
        let name = call.name.name.as_str();
        let mut args: Vec<Expr> = call.args.iter().map(|a| self.lower(a)).collect();
        if call.args.expand_final() {
            // `f(a, list...)`: the last list supplies the remaining arguments. Only the variadic
            // functions where that is common are rewritten; anything else would change meaning.
            let spread = args.pop().unwrap_or(Expr::Null);
            return match (name, args.is_empty()) {
                (
                    "merge" | "concat" | "coalesce" | "coalescelist" | "setunion" | "min" | "max",
                    true,
                ) => Expr::Call {
                    name: format!("{name}..."),
                    args: vec![spread],
                },
                _ => self.unsupported(
                    expr,
                    "unsupported-call",
                    format!("argument expansion (`...`) in `{name}` is not converted"),
                ),
            };
        }
        match super::functions::lookup(name) {
            Some(info) => {
                if let Some(message) = info.check_arity(args.len()) {
                    self.reporter.report(
                        Severity::Error,
                        "function-arguments",
                        format!("`{name}` {message}"),
                        expr.span(),
                    );
                }
            }
            None => self.reporter.report(
                Severity::Error,
                "unknown-function",
                format!("`{name}` is not a Terraform function"),
                expr.span(),
            ),
        }
        Expr::Call {
            name: name.to_string(),
            args,
        }
    }

    /// Template elements → parts, with strip markers (`~`) applied to the adjacent literals.
    /// `lead` / `trail`: strip the first / last literal (set by the enclosing directive's markers).
    fn template<'t>(
        &mut self,
        elements: impl Iterator<Item = &'t Element>,
        lead: bool,
        trail: bool,
    ) -> Vec<TemplatePart> {
        let mut parts = Vec::new();
        if self.depth >= MAX_DEPTH {
            self.reporter.report(
                Severity::Error,
                "too-deep",
                format!("template directives nested deeper than {MAX_DEPTH} levels"),
                None,
            );
            return parts;
        }
        self.depth += 1;
        let mut strip_next = lead;
        for element in elements {
            match element {
                Element::Literal(lit) => {
                    let text = lit.value();
                    let text = if std::mem::take(&mut strip_next) {
                        text.trim_start()
                    } else {
                        text.as_str()
                    };
                    parts.push(TemplatePart::Literal(text.to_string()));
                }
                Element::Interpolation(i) => {
                    if i.strip.strip_start() {
                        trim_last(&mut parts);
                    }
                    parts.push(TemplatePart::Interpolation(self.lower(&i.expr)));
                    strip_next = i.strip.strip_end();
                }
                Element::Directive(directive) => match directive.as_ref() {
                    Directive::If(d) => {
                        if d.if_expr.strip.strip_start() {
                            trim_last(&mut parts);
                        }
                        let condition = self.lower(&d.if_expr.cond_expr);
                        let then_trail = d.else_expr.as_ref().map_or_else(
                            || d.endif_expr.strip.strip_start(),
                            |e| e.strip.strip_start(),
                        );
                        let then = self.template_of(
                            &d.if_expr.template,
                            d.if_expr.strip.strip_end(),
                            then_trail,
                        );
                        let otherwise = match &d.else_expr {
                            Some(e) => self.template_of(
                                &e.template,
                                e.strip.strip_end(),
                                d.endif_expr.strip.strip_start(),
                            ),
                            None => Vec::new(),
                        };
                        parts.push(TemplatePart::If {
                            condition,
                            then,
                            otherwise,
                        });
                        strip_next = d.endif_expr.strip.strip_end();
                    }
                    Directive::For(d) => {
                        let f = &d.for_expr;
                        if f.strip.strip_start() {
                            trim_last(&mut parts);
                        }
                        let collection = self.lower(&f.collection_expr);
                        let key_var = f.key_var.as_ref().map(|k| k.as_str().to_string());
                        let value_var = f.value_var.as_str().to_string();
                        let mut vars = vec![value_var.as_str()];
                        if let Some(k) = &key_var {
                            vars.push(k.as_str());
                        }
                        let (lead, trail) =
                            (f.strip.strip_end(), d.endfor_expr.strip.strip_start());
                        let body = self
                            .with_vars(&vars, |this| this.template_of(&f.template, lead, trail));
                        parts.push(TemplatePart::For {
                            key_var,
                            value_var,
                            collection,
                            body,
                        });
                        strip_next = d.endfor_expr.strip.strip_end();
                    }
                },
            }
        }
        if trail {
            trim_last(&mut parts);
        }
        self.depth -= 1;
        // Adjacent literals (left by stripping) are merged; empty ones dropped.
        let mut merged: Vec<TemplatePart> = Vec::with_capacity(parts.len());
        for part in parts {
            match (merged.last_mut(), part) {
                (_, TemplatePart::Literal(s)) if s.is_empty() => {}
                (Some(TemplatePart::Literal(prev)), TemplatePart::Literal(s)) => prev.push_str(&s),
                (_, part) => merged.push(part),
            }
        }
        merged
    }

    fn template_of(&mut self, template: &Template, lead: bool, trail: bool) -> Vec<TemplatePart> {
        self.template(template.iter(), lead, trail)
    }

    fn traversal(&mut self, traversal: &hcl::Traversal, expr: &Expression) -> Expr {
        let ops: Vec<&TraversalOperator> = traversal.operators.iter().map(|o| o.value()).collect();
        let Expression::Variable(root) = &traversal.expr else {
            // A traversal on a computed value, e.g. `(x)[0]` or `f(x).y`.
            let base = self.lower(&traversal.expr);
            return self.apply_ops(base, &ops, Naming::Raw);
        };
        let root = root.as_str();
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(name)) => Some(name.as_str()),
            _ => None,
        };
        let rest = |n: usize| ops.get(n..).unwrap_or_default();
        match self.binding(root).cloned() {
            Some(Binding::Plain(name)) => {
                return self.apply_ops(Expr::Var(name), &ops, Naming::Raw);
            }
            Some(Binding::Element { name, fields }) => {
                return self.apply_ops(Expr::Var(name), &ops, Naming::Fields(fields));
            }
            Some(Binding::Iterator {
                key_var, value_var, ..
            }) => {
                return match attr(0) {
                    Some("value") => self.apply_ops(Expr::Var(value_var), rest(1), Naming::Raw),
                    Some("key") => {
                        self.used_iterator_key = true;
                        self.apply_ops(Expr::Var(key_var), rest(1), Naming::Raw)
                    }
                    _ => self.unsupported(
                        expr,
                        "unsupported-reference",
                        format!(
                            "a dynamic block iterator has only `{root}.key` and `{root}.value`"
                        ),
                    ),
                };
            }
            None => {}
        }
        let (address, used) = match root {
            "count" => {
                return match (attr(0), self.range) {
                    (Some("index"), Some(RangeKind::Count)) => {
                        self.apply_ops(Expr::Range(RangeField::Index), rest(1), Naming::Raw)
                    }
                    _ => self.invalid(
                        expr,
                        "`count.index` is only valid in a resource with `count`",
                    ),
                };
            }
            "each" => {
                let field = match attr(0) {
                    Some("key") => RangeField::Key,
                    Some("value") => RangeField::Value,
                    _ => return self.invalid(expr, "`each` has only `each.key` and `each.value`"),
                };
                if self.range != Some(RangeKind::ForEach) {
                    return self.invalid(expr, "`each` is only valid in a block with `for_each`");
                }
                return self.apply_ops(Expr::Range(field), rest(1), Naming::Raw);
            }
            "path" => {
                let builtin = match attr(0) {
                    Some("module") => Builtin::PathModule,
                    Some("root") => Builtin::PathRoot,
                    Some("cwd") => Builtin::PathCwd,
                    _ => return self.invalid(expr, "`path` has `module`, `root` and `cwd`"),
                };
                return self.apply_ops(Expr::Builtin(builtin), rest(1), Naming::Raw);
            }
            "terraform" => {
                return match attr(0) {
                    Some("workspace") => {
                        self.apply_ops(Expr::Builtin(Builtin::StackName), rest(1), Naming::Raw)
                    }
                    _ => self.invalid(expr, "only `terraform.workspace` is a value"),
                };
            }
            "self" => {
                return match self.self_node {
                    Some(node) => {
                        let naming = self
                            .decls
                            .values()
                            .find(|d| d.id == node)
                            .map_or(Naming::Raw, |d| d.naming());
                        self.apply_ops(
                            Expr::Ref {
                                node,
                                path: Vec::new(),
                            },
                            &ops,
                            naming,
                        )
                    }
                    None => self.invalid(
                        expr,
                        "`self` is only valid in provisioner and connection blocks",
                    ),
                };
            }
            "var" | "local" | "module" => match attr(0) {
                Some(name) => (format!("{root}.{name}"), 1),
                None => (root.to_string(), 0),
            },
            "data" | "ephemeral" => match (attr(0), attr(1)) {
                (Some(ty), Some(name)) => (format!("{root}.{ty}.{name}"), 2),
                _ => (root.to_string(), 0),
            },
            _ => match attr(0) {
                Some(name) => (format!("{root}.{name}"), 1),
                None => (root.to_string(), 0),
            },
        };
        let decls = self.decls;
        let Some(decl) = decls.get(&address) else {
            // Doc examples often refer to what another example declares: the program still converts,
            // with a placeholder the user has to fill.
            self.reporter.report(
                Severity::Warning,
                "unknown-reference",
                format!(
                    "`{address}` is not declared in this module; a placeholder stands in for it"
                ),
                expr.span(),
            );
            return Expr::Unsupported(self.source(expr));
        };
        let base = Expr::Ref {
            node: decl.id,
            path: Vec::new(),
        };
        self.apply_ops(base, rest(used), decl.naming())
    }

    fn invalid(&mut self, expr: &Expression, message: &str) -> Expr {
        self.reporter
            .report(Severity::Error, "invalid-reference", message, expr.span());
        Expr::Unsupported(self.source(expr))
    }

    /// Applies attribute, index and splat steps to `base`. Attribute names follow `naming`: the
    /// mapping of a referenced resource type, camelCase for module outputs, unchanged for user data.
    pub fn apply_ops(&mut self, base: Expr, ops: &[&TraversalOperator], naming: Naming) -> Expr {
        let mut fields: Option<&HashMap<String, FieldMapping>> = match &naming {
            Naming::Fields(f) => *f,
            _ => None,
        };
        let mut current = base;
        let mut steps: Vec<Step> = Vec::new();
        let mut in_splat: Option<Expr> = None;
        let mut after_max_items_one = false;
        let mut first_attr = true;
        for op in ops {
            // `block[0]` on a max-items-one block: Pulumi has the object itself, not a list.
            if std::mem::take(&mut after_max_items_one) && is_index_zero(op) {
                continue;
            }
            match op {
                TraversalOperator::GetAttr(name) => {
                    let name = name.as_str();
                    let step = match &naming {
                        Naming::Fields(_) => {
                            let field = fields.and_then(|f| f.get(name));
                            let siblings = fields;
                            let renamed = property_name(name, field, |s| {
                                siblings.is_some_and(|f| f.contains_key(s))
                            });
                            after_max_items_one = field.and_then(|f| f.max_items_one) == Some(true);
                            fields = field.map(|f| &f.fields);
                            if field.is_some_and(|f| f.inline) {
                                // A wrapper Pulumi does not have: no step of its own.
                                first_attr = false;
                                continue;
                            }
                            renamed
                        }
                        Naming::Module if first_attr => camel_case(name),
                        _ => name.to_string(),
                    };
                    first_attr = false;
                    // A Terraform attribute the Pulumi type keeps deeper (`certificate` →
                    // `status.certificate`) is named by its path.
                    steps.extend(step.split('.').map(|s| Step::Attr(s.to_string())));
                }
                TraversalOperator::Index(index) => steps.push(Step::Index(self.lower(index))),
                TraversalOperator::LegacyIndex(index) => {
                    steps.push(Step::Index(Expr::Number(index.value().to_string())))
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let before = std::mem::take(&mut steps);
                    let source = match in_splat.take() {
                        Some(outer) => splat_of(outer, before),
                        None => with_steps(current, before),
                    };
                    in_splat = Some(source);
                    current = Expr::Null;
                }
            }
        }
        match in_splat {
            Some(source) => splat_of(source, steps),
            None => with_steps(current, steps),
        }
    }
}

/// `source[*]` followed by `steps` on each element.
fn splat_of(source: Expr, steps: Vec<Step>) -> Expr {
    Expr::Splat(Box::new(source), steps)
}

fn with_steps(base: Expr, steps: Vec<Step>) -> Expr {
    if steps.is_empty() {
        return base;
    }
    match base {
        Expr::Ref { node, mut path } => {
            path.extend(steps);
            Expr::Ref { node, path }
        }
        Expr::Access(inner, mut path) => {
            path.extend(steps);
            Expr::Access(inner, path)
        }
        other => Expr::Access(Box::new(other), steps),
    }
}

fn template_expr(mut parts: Vec<TemplatePart>) -> Expr {
    match parts.as_slice() {
        [] => Expr::String(String::new()),
        [TemplatePart::Literal(s)] => Expr::String(s.clone()),
        // `"${x}"` is x itself, with its own type (HCL's rule; common in 0.11-era code and JSON).
        [TemplatePart::Interpolation(_)] => match parts.pop() {
            Some(TemplatePart::Interpolation(e)) => e,
            _ => Expr::Template(parts),
        },
        _ => Expr::Template(parts),
    }
}

fn trim_last(parts: &mut [TemplatePart]) {
    if let Some(TemplatePart::Literal(s)) = parts.last_mut() {
        let trimmed = s.trim_end().len();
        s.truncate(trimmed);
    }
}

fn is_index_zero(op: &TraversalOperator) -> bool {
    match op {
        TraversalOperator::LegacyIndex(i) => *i.value() == 0,
        TraversalOperator::Index(Expression::Number(n)) => n.value().as_u64() == Some(0),
        _ => false,
    }
}
