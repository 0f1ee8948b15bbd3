//! Lowering of HCL expressions into model expressions, resolving references to declarations.

use super::lower::Decls;
use super::{BinaryOp, Expr, ObjectKey, Step, TemplatePart, UnaryOp};
use crate::diagnostics::{Reporter, Severity};
use crate::mapping::{property_name, FieldMapping};
use hcl_edit::expr::{self as hcl, Expression, TraversalOperator};
use hcl_edit::template::Element;
use hcl_edit::Span;
use std::collections::HashMap;

/// Deeper expressions are refused: wasm threads have small stacks. hcl-edit already bounds nesting at
/// parse time; this guards the lowering itself.
const MAX_DEPTH: usize = 200;

pub(super) struct ExprLowering<'a, 'r> {
    pub decls: &'a Decls,
    pub reporter: &'a mut Reporter<'r>,
    depth: usize,
}

impl<'a, 'r> ExprLowering<'a, 'r> {
    pub fn new(decls: &'a Decls, reporter: &'a mut Reporter<'r>) -> Self {
        ExprLowering {
            decls,
            reporter,
            depth: 0,
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
            Expression::StringTemplate(t) => self.template(t.iter(), expr),
            Expression::HeredocTemplate(heredoc) => {
                let mut heredoc = heredoc.as_ref().clone();
                heredoc.dedent();
                self.template(heredoc.template.iter(), expr)
            }
            Expression::Parenthesis(p) => self.lower(p.inner()),
            Expression::Variable(v) => {
                let name = v.as_str().to_string();
                self.reporter.report(
                    Severity::Error,
                    "unknown-reference",
                    format!("`{name}` does not name anything declared in this module"),
                    expr.span(),
                );
                Expr::Unsupported(name)
            }
            Expression::Conditional(c) => Expr::Conditional(
                Box::new(self.lower(&c.cond_expr)),
                Box::new(self.lower(&c.true_expr)),
                Box::new(self.lower(&c.false_expr)),
            ),
            Expression::FuncCall(call) => {
                if call.name.is_namespaced() || call.args.expand_final() {
                    return self.unsupported(
                        expr,
                        "unsupported-call",
                        "provider functions and argument expansion (`...`) are not converted yet"
                            .into(),
                    );
                }
                Expr::Call {
                    name: call.name.name.as_str().to_string(),
                    args: call.args.iter().map(|a| self.lower(a)).collect(),
                }
            }
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
            Expression::ForExpr(_) => self.unsupported(
                expr,
                "unsupported-expression",
                "`for` expressions are not converted yet".into(),
            ),
        }
    }

    fn template<'t>(
        &mut self,
        elements: impl Iterator<Item = &'t Element>,
        expr: &Expression,
    ) -> Expr {
        let mut parts = Vec::new();
        for element in elements {
            match element {
                Element::Literal(lit) => parts.push(TemplatePart::Literal(lit.value().clone())),
                Element::Interpolation(i) => {
                    parts.push(TemplatePart::Interpolation(self.lower(&i.expr)))
                }
                Element::Directive(_) => {
                    return self.unsupported(
                        expr,
                        "unsupported-expression",
                        "template directives (`%{if}`, `%{for}`) are not converted yet".into(),
                    );
                }
            }
        }
        match parts.as_slice() {
            [] => Expr::String(String::new()),
            [TemplatePart::Literal(s)] => Expr::String(s.clone()),
            _ => Expr::Template(parts),
        }
    }

    fn traversal(&mut self, traversal: &hcl::Traversal, expr: &Expression) -> Expr {
        let ops: Vec<&TraversalOperator> = traversal.operators.iter().map(|o| o.value()).collect();
        let Expression::Variable(root) = &traversal.expr else {
            // A traversal on a computed value, e.g. `(x)[0]` or `f(x).y`.
            let base = self.lower(&traversal.expr);
            return match self.steps(&ops, None, expr) {
                Some(steps) => Expr::Access(Box::new(base), steps),
                None => Expr::Unsupported(self.source(expr)),
            };
        };
        let root = root.as_str();
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(name)) => Some(name.as_str()),
            _ => None,
        };
        let (address, used) = match root {
            "var" | "local" => match attr(0) {
                Some(name) => (format!("{root}.{name}"), 1),
                None => (root.to_string(), 0),
            },
            "data" => match (attr(0), attr(1)) {
                (Some(ty), Some(name)) => (format!("data.{ty}.{name}"), 2),
                _ => (root.to_string(), 0),
            },
            "count" | "each" | "path" | "terraform" | "self" | "module" => {
                return self.unsupported(
                    expr,
                    "unsupported-reference",
                    format!("`{root}` references are not converted yet"),
                );
            }
            _ => match attr(0) {
                Some(name) => (format!("{root}.{name}"), 1),
                None => (root.to_string(), 0),
            },
        };
        let decls = self.decls;
        let Some(decl) = decls.get(&address) else {
            self.reporter.report(
                Severity::Error,
                "unknown-reference",
                format!("`{address}` is not declared in this module"),
                expr.span(),
            );
            return Expr::Unsupported(self.source(expr));
        };
        let rest = ops.get(used..).unwrap_or_default();
        match self.steps(rest, decl.fields(), expr) {
            Some(path) => Expr::Ref {
                node: decl.id,
                path,
            },
            None => Expr::Unsupported(self.source(expr)),
        }
    }

    /// Attribute and index steps; attribute names follow the mapping of the referenced type.
    fn steps(
        &mut self,
        ops: &[&TraversalOperator],
        mut fields: Option<&HashMap<String, FieldMapping>>,
        expr: &Expression,
    ) -> Option<Vec<Step>> {
        let mut steps = Vec::new();
        let mut after_max_items_one = false;
        for op in ops {
            // `block[0]` on a max-items-one block: Pulumi has the object itself, not a list.
            if std::mem::take(&mut after_max_items_one) && is_index_zero(op) {
                continue;
            }
            match op {
                TraversalOperator::GetAttr(name) => {
                    let name = name.as_str();
                    let field = fields.and_then(|f| f.get(name));
                    let siblings = fields;
                    steps.push(Step::Attr(property_name(name, field, |s| {
                        siblings.is_some_and(|f| f.contains_key(s))
                    })));
                    after_max_items_one = field.and_then(|f| f.max_items_one) == Some(true);
                    fields = field.map(|f| &f.fields);
                }
                TraversalOperator::Index(index) => steps.push(Step::Index(self.lower(index))),
                TraversalOperator::LegacyIndex(index) => {
                    steps.push(Step::Index(Expr::Number(index.value().to_string())))
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    self.reporter.report(
                        Severity::Warning,
                        "unsupported-expression",
                        "splat expressions (`[*]`, `.*`) are not converted yet",
                        expr.span(),
                    );
                    return None;
                }
            }
        }
        Some(steps)
    }
}

fn is_index_zero(op: &TraversalOperator) -> bool {
    match op {
        TraversalOperator::LegacyIndex(i) => *i.value() == 0,
        TraversalOperator::Index(Expression::Number(n)) => n.value().as_u64() == Some(0),
        _ => false,
    }
}
