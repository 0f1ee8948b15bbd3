//! A canonical text of an HCL body parsed with hcl-edit, for comparing programs while ignoring order
//! and layout: attributes and blocks sorted, object keys sorted, whitespace, comments and quoting
//! style dropped, template strip markers applied to the literals they strip. Anything that changes a
//! value changes the canonical text.

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Directive, Element, Template};

/// Top-level items one per line; nested bodies inline.
pub fn canonical_body(body: &Body) -> String {
    body_items(body).join("\n")
}

fn body_items(body: &Body) -> Vec<String> {
    let mut items: Vec<String> = body
        .iter()
        .map(|s| match s {
            Structure::Attribute(a) => format!("{} = {}", a.key.as_str(), expr(&a.value)),
            Structure::Block(b) => {
                let labels: Vec<String> = b
                    .labels
                    .iter()
                    .map(|l| format!("{:?}", l.as_str()))
                    .collect();
                format!(
                    "{} {} {{{}}}",
                    b.ident.as_str(),
                    labels.join(" "),
                    body_items(&b.body).join("; ")
                )
            }
        })
        .collect();
    items.sort();
    items
}

pub fn expr(e: &Expression) -> String {
    match e {
        Expression::Null(_) => "null".into(),
        Expression::Bool(b) => b.value().to_string(),
        Expression::Number(n) => {
            let n = n.value();
            n.as_f64().map_or_else(|| n.to_string(), |f| format!("{f}"))
        }
        Expression::String(s) => format!("{:?}", s.value()),
        Expression::Array(items) => {
            let items: Vec<String> = items.iter().map(expr).collect();
            format!("[{}]", items.join(", "))
        }
        Expression::Object(object) => {
            let mut entries: Vec<String> = object
                .iter()
                .map(|(k, v)| {
                    let k = match k {
                        ObjectKey::Ident(i) => format!("{:?}", i.as_str()),
                        ObjectKey::Expression(Expression::String(s)) => format!("{:?}", s.value()),
                        ObjectKey::Expression(Expression::Parenthesis(p)) => {
                            format!("({})", expr(p.inner()))
                        }
                        ObjectKey::Expression(e) => format!("({})", expr(e)),
                    };
                    format!("{k} = {}", expr(v.expr()))
                })
                .collect();
            entries.sort();
            format!("{{{}}}", entries.join(", "))
        }
        Expression::StringTemplate(t) => template(t.iter()),
        Expression::HeredocTemplate(h) => {
            let mut h = h.as_ref().clone();
            h.dedent();
            template(h.template.iter())
        }
        Expression::Parenthesis(p) => expr(p.inner()),
        Expression::Variable(v) => v.as_str().to_string(),
        Expression::Conditional(c) => format!(
            "({} ? {} : {})",
            expr(&c.cond_expr),
            expr(&c.true_expr),
            expr(&c.false_expr)
        ),
        Expression::FuncCall(call) => {
            let args: Vec<String> = call.args.iter().map(expr).collect();
            let expand = if call.args.expand_final() { "..." } else { "" };
            format!("{}({}{expand})", call.name.name.as_str(), args.join(", "))
        }
        Expression::Traversal(t) => {
            let mut out = expr(&t.expr);
            for op in t.operators.iter() {
                match op.value() {
                    TraversalOperator::GetAttr(name) => {
                        out.push('.');
                        out.push_str(name.as_str());
                    }
                    TraversalOperator::Index(i) => out.push_str(&format!("[{}]", expr(i))),
                    TraversalOperator::LegacyIndex(i) => out.push_str(&format!("[{}]", i.value())),
                    TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                        out.push_str("[*]")
                    }
                }
            }
            out
        }
        Expression::UnaryOp(op) => format!("({}{})", op.operator.value().as_str(), expr(&op.expr)),
        Expression::BinaryOp(op) => format!(
            "({} {} {})",
            expr(&op.lhs_expr),
            op.operator.value().as_str(),
            expr(&op.rhs_expr)
        ),
        Expression::ForExpr(f) => {
            let vars = match &f.intro.key_var {
                Some(k) => format!("{}, {}", k.as_str(), f.intro.value_var.as_str()),
                None => f.intro.value_var.as_str().to_string(),
            };
            let cond = f
                .cond
                .as_ref()
                .map(|c| format!(" if {}", expr(&c.expr)))
                .unwrap_or_default();
            match &f.key_expr {
                Some(k) => format!(
                    "{{for {vars} in {} : {} => {}{}{cond}}}",
                    expr(&f.intro.collection_expr),
                    expr(k),
                    expr(&f.value_expr),
                    if f.grouping { "..." } else { "" }
                ),
                None => format!(
                    "[for {vars} in {} : {}{cond}]",
                    expr(&f.intro.collection_expr),
                    expr(&f.value_expr)
                ),
            }
        }
    }
}

/// A template as a list of pieces with strip markers applied: `"lit" ${expr} %{if ..}...`.
fn template<'a>(elements: impl Iterator<Item = &'a Element>) -> String {
    let parts = pieces(elements, false, false);
    // A template that is one literal is the same value as a plain string.
    match parts.as_slice() {
        [] => format!("{:?}", ""),
        [Piece::Literal(s)] => format!("{s:?}"),
        _ => parts
            .iter()
            .map(Piece::text)
            .collect::<Vec<_>>()
            .join(" ~ "),
    }
}

enum Piece {
    Literal(String),
    Other(String),
}

impl Piece {
    fn text(&self) -> String {
        match self {
            Piece::Literal(s) => format!("{s:?}"),
            Piece::Other(s) => s.clone(),
        }
    }
}

fn trim_last(parts: &mut [Piece]) {
    if let Some(Piece::Literal(s)) = parts.last_mut() {
        let n = s.trim_end().len();
        s.truncate(n);
    }
}

fn sub(t: &Template, lead: bool, trail: bool) -> String {
    pieces(t.iter(), lead, trail)
        .iter()
        .map(Piece::text)
        .collect::<Vec<_>>()
        .join(" ~ ")
}

fn pieces<'a>(elements: impl Iterator<Item = &'a Element>, lead: bool, trail: bool) -> Vec<Piece> {
    let mut parts: Vec<Piece> = Vec::new();
    let mut strip_next = lead;
    for element in elements {
        match element {
            Element::Literal(l) => {
                let text = if std::mem::take(&mut strip_next) {
                    l.value().trim_start().to_string()
                } else {
                    l.value().clone()
                };
                match parts.last_mut() {
                    Some(Piece::Literal(prev)) => prev.push_str(&text),
                    _ => parts.push(Piece::Literal(text)),
                }
            }
            Element::Interpolation(i) => {
                if i.strip.strip_start() {
                    trim_last(&mut parts);
                }
                parts.push(Piece::Other(format!("${{{}}}", expr(&i.expr))));
                strip_next = i.strip.strip_end();
            }
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    if d.if_expr.strip.strip_start() {
                        trim_last(&mut parts);
                    }
                    let then_trail = d
                        .else_expr
                        .as_ref()
                        .map_or(d.endif_expr.strip.strip_start(), |e| e.strip.strip_start());
                    let then = sub(&d.if_expr.template, d.if_expr.strip.strip_end(), then_trail);
                    let otherwise = d
                        .else_expr
                        .as_ref()
                        .map(|e| {
                            sub(
                                &e.template,
                                e.strip.strip_end(),
                                d.endif_expr.strip.strip_start(),
                            )
                        })
                        .unwrap_or_default();
                    parts.push(Piece::Other(format!(
                        "%{{if {}}}[{then}]%{{else}}[{otherwise}]",
                        expr(&d.if_expr.cond_expr)
                    )));
                    strip_next = d.endif_expr.strip.strip_end();
                }
                Directive::For(d) => {
                    let f = &d.for_expr;
                    if f.strip.strip_start() {
                        trim_last(&mut parts);
                    }
                    let vars = match &f.key_var {
                        Some(k) => format!("{}, {}", k.as_str(), f.value_var.as_str()),
                        None => f.value_var.as_str().to_string(),
                    };
                    let body = sub(
                        &f.template,
                        f.strip.strip_end(),
                        d.endfor_expr.strip.strip_start(),
                    );
                    parts.push(Piece::Other(format!(
                        "%{{for {vars} in {}}}[{body}]",
                        expr(&f.collection_expr)
                    )));
                    strip_next = d.endfor_expr.strip.strip_end();
                }
            },
        }
    }
    if trail {
        trim_last(&mut parts);
    }
    parts.retain(|p| !matches!(p, Piece::Literal(s) if s.is_empty()));
    parts
}
