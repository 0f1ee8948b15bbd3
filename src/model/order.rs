//! Orders nodes so that each comes after the nodes it refers to (Terraform is order-free; the
//! generated programs are not). Ties keep source order; a cycle is reported and kept in source order.

use super::{Expr, Node, NodeId, NodeKind, ObjectKey, Step, TemplatePart};
use crate::diagnostics::{Diagnostic, Severity};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub(super) fn dependency_order(nodes: Vec<Node>) -> (Vec<Node>, Vec<Diagnostic>) {
    let count = nodes.len();
    let mut dependents: Vec<Vec<NodeId>> = vec![Vec::new(); count];
    let mut pending_deps = vec![0usize; count];
    for (id, node) in nodes.iter().enumerate() {
        let mut deps = Vec::new();
        node.kind.for_each_expr(&mut |e| e.collect_refs(&mut deps));
        deps.sort_unstable();
        deps.dedup();
        for dep in deps {
            if dep != id && dep < count {
                if let Some(list) = dependents.get_mut(dep) {
                    list.push(id);
                }
                if let Some(n) = pending_deps.get_mut(id) {
                    *n += 1;
                }
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<NodeId>> = (0..count)
        .filter(|&id| pending_deps.get(id) == Some(&0))
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(count);
    let mut placed = vec![false; count];
    while let Some(Reverse(id)) = ready.pop() {
        order.push(id);
        if let Some(p) = placed.get_mut(id) {
            *p = true;
        }
        for &next in dependents.get(id).map(Vec::as_slice).unwrap_or_default() {
            if let Some(n) = pending_deps.get_mut(next) {
                *n -= 1;
                if *n == 0 {
                    ready.push(Reverse(next));
                }
            }
        }
    }
    let mut diagnostics = Vec::new();
    for (id, node) in nodes.iter().enumerate() {
        if placed.get(id) == Some(&false) {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                code: "cycle",
                message: format!("`{}` is part of a reference cycle", node.address),
                span: node.span.clone(),
            });
            order.push(id);
        }
    }
    // new_id[old] = position in the output
    let mut new_id = vec![0; count];
    for (position, &old) in order.iter().enumerate() {
        if let Some(slot) = new_id.get_mut(old) {
            *slot = position;
        }
    }
    let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    let mut ordered = Vec::with_capacity(count);
    for old in order {
        if let Some(mut node) = slots.get_mut(old).and_then(Option::take) {
            node.kind.for_each_expr_mut(&mut |e| {
                e.remap_refs(&|id| new_id.get(id).copied().unwrap_or(id))
            });
            ordered.push(node);
        }
    }
    (ordered, diagnostics)
}

impl NodeKind {
    pub fn for_each_expr(&self, f: &mut dyn FnMut(&Expr)) {
        match self {
            NodeKind::Config(c) => c.default.iter().for_each(&mut *f),
            NodeKind::Local(e) => f(e),
            NodeKind::Resource(r) => {
                r.properties.iter().for_each(|p| f(&p.value));
                r.depends_on.iter().for_each(&mut *f);
            }
            NodeKind::Invoke(i) => i.arguments.iter().for_each(|p| f(&p.value)),
            NodeKind::Output(o) => f(&o.value),
        }
    }

    fn for_each_expr_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        match self {
            NodeKind::Config(c) => c.default.iter_mut().for_each(&mut *f),
            NodeKind::Local(e) => f(e),
            NodeKind::Resource(r) => {
                r.properties.iter_mut().for_each(|p| f(&mut p.value));
                r.depends_on.iter_mut().for_each(&mut *f);
            }
            NodeKind::Invoke(i) => i.arguments.iter_mut().for_each(|p| f(&mut p.value)),
            NodeKind::Output(o) => f(&mut o.value),
        }
    }
}

impl Expr {
    /// Calls `f` on this expression and every sub-expression.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Template(parts) => parts.iter().for_each(|p| {
                if let TemplatePart::Interpolation(e) = p {
                    e.walk(f)
                }
            }),
            Expr::List(items) => items.iter().for_each(|e| e.walk(f)),
            Expr::Object(entries) => entries.iter().for_each(|(k, v)| {
                if let ObjectKey::Expr(k) = k {
                    k.walk(f)
                }
                v.walk(f)
            }),
            Expr::Ref { path, .. } => walk_steps(path, f),
            Expr::Access(base, path) => {
                base.walk(f);
                walk_steps(path, f)
            }
            Expr::Unary(_, e) => e.walk(f),
            Expr::Binary(_, a, b) => {
                a.walk(f);
                b.walk(f)
            }
            Expr::Conditional(c, t, e) => {
                c.walk(f);
                t.walk(f);
                e.walk(f)
            }
            Expr::Call { args, .. } => args.iter().for_each(|e| e.walk(f)),
            Expr::Null
            | Expr::Bool(_)
            | Expr::Number(_)
            | Expr::String(_)
            | Expr::Unsupported(_) => {}
        }
    }

    fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        f(self);
        match self {
            Expr::Template(parts) => parts.iter_mut().for_each(|p| {
                if let TemplatePart::Interpolation(e) = p {
                    e.walk_mut(f)
                }
            }),
            Expr::List(items) => items.iter_mut().for_each(|e| e.walk_mut(f)),
            Expr::Object(entries) => entries.iter_mut().for_each(|(k, v)| {
                if let ObjectKey::Expr(k) = k {
                    k.walk_mut(f)
                }
                v.walk_mut(f)
            }),
            Expr::Ref { path, .. } => walk_steps_mut(path, f),
            Expr::Access(base, path) => {
                base.walk_mut(f);
                walk_steps_mut(path, f)
            }
            Expr::Unary(_, e) => e.walk_mut(f),
            Expr::Binary(_, a, b) => {
                a.walk_mut(f);
                b.walk_mut(f)
            }
            Expr::Conditional(c, t, e) => {
                c.walk_mut(f);
                t.walk_mut(f);
                e.walk_mut(f)
            }
            Expr::Call { args, .. } => args.iter_mut().for_each(|e| e.walk_mut(f)),
            Expr::Null
            | Expr::Bool(_)
            | Expr::Number(_)
            | Expr::String(_)
            | Expr::Unsupported(_) => {}
        }
    }

    fn collect_refs(&self, out: &mut Vec<NodeId>) {
        self.walk(&mut |e| {
            if let Expr::Ref { node, .. } = e {
                out.push(*node)
            }
        });
    }

    fn remap_refs(&mut self, map: &dyn Fn(NodeId) -> NodeId) {
        self.walk_mut(&mut |e| {
            if let Expr::Ref { node, .. } = e {
                *node = map(*node)
            }
        });
    }
}

fn walk_steps(path: &[Step], f: &mut dyn FnMut(&Expr)) {
    for step in path {
        if let Step::Index(e) = step {
            e.walk(f)
        }
    }
}

fn walk_steps_mut(path: &mut [Step], f: &mut dyn FnMut(&mut Expr)) {
    for step in path {
        if let Step::Index(e) = step {
            e.walk_mut(f)
        }
    }
}
