//! Orders nodes so that each comes after the nodes it refers to (Terraform is order-free; the
//! generated programs are not). Ties keep source order; a cycle is reported and kept in source order.

use super::{Expr, Node, NodeId, NodeKind, ObjectKey, Range, ResourceOptions, Step, TemplatePart};
use crate::diagnostics::{Diagnostic, Severity};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub(super) fn dependency_order(nodes: Vec<Node>) -> (Vec<Node>, Vec<Diagnostic>) {
    let count = nodes.len();
    // A deferred output is placed just before the component that takes it, which does not wait
    // for it (nothing else does: it refers to nothing).
    let owned = deferred_outputs_by_component(&nodes);
    let is_owned_by =
        |dep: NodeId, id: NodeId| owned.get(id).is_some_and(|list| list.contains(&dep));
    let owned_at_all: Vec<bool> = (0..count)
        .map(|id| owned.iter().any(|list| list.contains(&id)))
        .collect();
    let mut dependents: Vec<Vec<NodeId>> = vec![Vec::new(); count];
    let mut pending_deps = vec![0usize; count];
    for (id, node) in nodes.iter().enumerate() {
        let mut deps = Vec::new();
        node.kind.for_each_expr(&mut |e| e.collect_refs(&mut deps));
        if let NodeKind::Resolve(resolution) = &node.kind {
            deps.push(resolution.deferred);
        }
        deps.sort_unstable();
        deps.dedup();
        for dep in deps {
            if dep != id && dep < count && !is_owned_by(dep, id) {
                if let Some(list) = dependents.get_mut(dep) {
                    list.push(id);
                }
                if let Some(n) = pending_deps.get_mut(id) {
                    *n += 1;
                }
            }
        }
    }
    let keys = placement_keys(&nodes);
    let key = |id: NodeId| keys.get(id).copied().unwrap_or((id, 1));
    let mut ready: BinaryHeap<Reverse<((NodeId, u8), NodeId)>> = (0..count)
        .filter(|&id| pending_deps.get(id) == Some(&0) && owned_at_all.get(id) == Some(&false))
        .map(|id| Reverse((key(id), id)))
        .collect();
    let mut order = Vec::with_capacity(count);
    let mut placed = vec![false; count];
    while let Some(Reverse((_, next_ready))) = ready.pop() {
        let companions = owned.get(next_ready).map(Vec::as_slice).unwrap_or_default();
        for &id in companions.iter().chain(std::iter::once(&next_ready)) {
            order.push(id);
            if let Some(p) = placed.get_mut(id) {
                *p = true;
            }
            for &next in dependents.get(id).map(Vec::as_slice).unwrap_or_default() {
                if let Some(n) = pending_deps.get_mut(next) {
                    *n -= 1;
                    if *n == 0 {
                        ready.push(Reverse((key(next), next)));
                    }
                }
            }
        }
    }
    let mut diagnostics = Vec::new();
    for (id, node) in nodes.iter().enumerate() {
        if placed.get(id) == Some(&false) && owned_at_all.get(id) == Some(&false) {
            let message = if on_cycle(&dependents, id) {
                format!("`{}` is part of a reference cycle", node.address)
            } else {
                format!(
                    "`{}` refers to a reference cycle, so it cannot be ordered either",
                    node.address
                )
            };
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                code: "cycle",
                message,
                span: node.span.clone(),
            });
            order.extend(owned.get(id).into_iter().flatten());
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
            let remap = |id: NodeId| new_id.get(id).copied().unwrap_or(id);
            node.kind.for_each_expr_mut(&mut |e| e.remap_refs(&remap));
            if let NodeKind::Resolve(resolution) = &mut node.kind {
                resolution.deferred = remap(resolution.deferred);
            }
            ordered.push(node);
        }
    }
    (ordered, diagnostics)
}

/// Whether `start` refers to itself through other nodes.
fn on_cycle(dependents: &[Vec<NodeId>], start: NodeId) -> bool {
    let mut seen = vec![false; dependents.len()];
    let mut pending = vec![start];
    while let Some(id) = pending.pop() {
        for &next in dependents.get(id).map(Vec::as_slice).unwrap_or_default() {
            if next == start {
                return true;
            }
            if let Some(slot) = seen.get_mut(next).filter(|s| !**s) {
                *slot = true;
                pending.push(next);
            }
        }
    }
    false
}

/// Per component, the deferred outputs it takes (see `deferred.rs`).
fn deferred_outputs_by_component(nodes: &[Node]) -> Vec<Vec<NodeId>> {
    nodes
        .iter()
        .map(|node| match &node.kind {
            NodeKind::Component(component) => component
                .inputs
                .iter()
                .filter_map(|input| match &input.value {
                    Expr::Ref { node: target, path } if path.is_empty() => Some(*target),
                    _ => None,
                })
                .filter(|target| {
                    nodes
                        .get(*target)
                        .is_some_and(|n| matches!(n.kind, NodeKind::Deferred(_)))
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// Among the nodes ready to be placed, the one with the least key comes first: source order, except
/// that a deferred output's resolution comes just after the last node its value needs.
fn placement_keys(nodes: &[Node]) -> Vec<(NodeId, u8)> {
    nodes
        .iter()
        .enumerate()
        .map(|(id, node)| match &node.kind {
            NodeKind::Resolve(resolution) => {
                let mut deps = Vec::new();
                resolution.value.collect_refs(&mut deps);
                (deps.into_iter().max().unwrap_or(resolution.deferred), 2)
            }
            _ => (id, 1),
        })
        .collect()
}

impl NodeKind {
    pub fn for_each_expr(&self, f: &mut dyn FnMut(&Expr)) {
        match self {
            NodeKind::Config(c) => c.default.iter().for_each(&mut *f),
            NodeKind::Local(e) => f(e),
            NodeKind::Resource(r) => {
                r.properties.iter().for_each(|p| f(&p.value));
                r.options.for_each_expr(f);
            }
            NodeKind::Invoke(i) => {
                i.arguments.iter().for_each(|p| f(&p.value));
                i.get.iter().for_each(|g| f(&g.id));
                range_expr(&i.range).into_iter().for_each(&mut *f);
                i.provider.iter().for_each(&mut *f);
                i.depends_on.iter().for_each(&mut *f);
            }
            NodeKind::Output(o) => f(&o.value),
            NodeKind::Component(c) => {
                c.inputs.iter().for_each(|p| f(&p.value));
                c.options.for_each_expr(f);
            }
            NodeKind::Deferred(_) => {}
            NodeKind::Resolve(r) => f(&r.value),
        }
    }

    pub(super) fn for_each_expr_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        match self {
            NodeKind::Config(c) => c.default.iter_mut().for_each(&mut *f),
            NodeKind::Local(e) => f(e),
            NodeKind::Resource(r) => {
                r.properties.iter_mut().for_each(|p| f(&mut p.value));
                r.options.for_each_expr_mut(f);
            }
            NodeKind::Invoke(i) => {
                i.arguments.iter_mut().for_each(|p| f(&mut p.value));
                i.get.iter_mut().for_each(|g| f(&mut g.id));
                range_expr_mut(&mut i.range).into_iter().for_each(&mut *f);
                i.provider.iter_mut().for_each(&mut *f);
                i.depends_on.iter_mut().for_each(&mut *f);
            }
            NodeKind::Output(o) => f(&mut o.value),
            NodeKind::Component(c) => {
                c.inputs.iter_mut().for_each(|p| f(&mut p.value));
                c.options.for_each_expr_mut(f);
            }
            NodeKind::Deferred(_) => {}
            NodeKind::Resolve(r) => f(&mut r.value),
        }
    }
}

fn range_expr(range: &Option<Range>) -> Option<&Expr> {
    match range {
        Some(Range::Count(e) | Range::ForEach(e)) => Some(e),
        None => None,
    }
}

fn range_expr_mut(range: &mut Option<Range>) -> Option<&mut Expr> {
    match range {
        Some(Range::Count(e) | Range::ForEach(e)) => Some(e),
        None => None,
    }
}

impl ResourceOptions {
    pub fn for_each_expr(&self, f: &mut dyn FnMut(&Expr)) {
        range_expr(&self.range).into_iter().for_each(&mut *f);
        self.depends_on.iter().for_each(&mut *f);
        self.provider.iter().for_each(&mut *f);
        self.providers.iter().for_each(|(_, e)| f(e));
        self.protect.iter().for_each(&mut *f);
        self.custom_timeouts.iter().for_each(|(_, e)| f(e));
        self.import_id.iter().for_each(&mut *f);
    }

    fn for_each_expr_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        range_expr_mut(&mut self.range)
            .into_iter()
            .for_each(&mut *f);
        self.depends_on.iter_mut().for_each(&mut *f);
        self.provider.iter_mut().for_each(&mut *f);
        self.providers.iter_mut().for_each(|(_, e)| f(e));
        self.protect.iter_mut().for_each(&mut *f);
        self.custom_timeouts.iter_mut().for_each(|(_, e)| f(e));
        self.import_id.iter_mut().for_each(&mut *f);
    }
}

impl Expr {
    /// Calls `f` on this expression and every sub-expression.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        self.children(&mut |e| e.walk(f));
    }

    pub(super) fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        f(self);
        self.children_mut(&mut |e| e.walk_mut(f));
    }

    /// Calls `f` on each direct sub-expression.
    pub fn children(&self, f: &mut dyn FnMut(&Expr)) {
        match self {
            Expr::Template(parts) => template_children(parts, f),
            Expr::List(items) => items.iter().for_each(f),
            Expr::Object(entries) => entries.iter().for_each(|(k, v)| {
                if let ObjectKey::Expr(k) = k {
                    f(k)
                }
                f(v)
            }),
            Expr::Ref { path, .. } => steps_children(path, f),
            Expr::Access(base, path) | Expr::Splat(base, path) => {
                f(base);
                steps_children(path, f)
            }
            Expr::Unary(_, e) => f(e),
            Expr::Binary(_, a, b) => {
                f(a);
                f(b)
            }
            Expr::Conditional(c, t, e) => {
                f(c);
                f(t);
                f(e)
            }
            Expr::Call { args, .. } | Expr::Intrinsic(_, args) => args.iter().for_each(f),
            Expr::For(fe) => {
                f(&fe.collection);
                fe.key.iter().for_each(&mut *f);
                f(&fe.value);
                fe.condition.iter().for_each(&mut *f);
            }
            Expr::Null
            | Expr::Bool(_)
            | Expr::Number(_)
            | Expr::String(_)
            | Expr::Var(_)
            | Expr::Range(_)
            | Expr::Builtin(_)
            | Expr::Unsupported(_) => {}
        }
    }

    pub(super) fn children_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        match self {
            Expr::Template(parts) => template_children_mut(parts, f),
            Expr::List(items) => items.iter_mut().for_each(f),
            Expr::Object(entries) => entries.iter_mut().for_each(|(k, v)| {
                if let ObjectKey::Expr(k) = k {
                    f(k)
                }
                f(v)
            }),
            Expr::Ref { path, .. } => steps_children_mut(path, f),
            Expr::Access(base, path) | Expr::Splat(base, path) => {
                f(base);
                steps_children_mut(path, f)
            }
            Expr::Unary(_, e) => f(e),
            Expr::Binary(_, a, b) => {
                f(a);
                f(b)
            }
            Expr::Conditional(c, t, e) => {
                f(c);
                f(t);
                f(e)
            }
            Expr::Call { args, .. } | Expr::Intrinsic(_, args) => args.iter_mut().for_each(f),
            Expr::For(fe) => {
                f(&mut fe.collection);
                fe.key.iter_mut().for_each(&mut *f);
                f(&mut fe.value);
                fe.condition.iter_mut().for_each(&mut *f);
            }
            Expr::Null
            | Expr::Bool(_)
            | Expr::Number(_)
            | Expr::String(_)
            | Expr::Var(_)
            | Expr::Range(_)
            | Expr::Builtin(_)
            | Expr::Unsupported(_) => {}
        }
    }

    pub(crate) fn collect_refs(&self, out: &mut Vec<NodeId>) {
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

fn template_children(parts: &[TemplatePart], f: &mut dyn FnMut(&Expr)) {
    for part in parts {
        match part {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interpolation(e) => f(e),
            TemplatePart::If {
                condition,
                then,
                otherwise,
            } => {
                f(condition);
                template_children(then, f);
                template_children(otherwise, f);
            }
            TemplatePart::For {
                collection, body, ..
            } => {
                f(collection);
                template_children(body, f);
            }
        }
    }
}

fn template_children_mut(parts: &mut [TemplatePart], f: &mut dyn FnMut(&mut Expr)) {
    for part in parts {
        match part {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interpolation(e) => f(e),
            TemplatePart::If {
                condition,
                then,
                otherwise,
            } => {
                f(condition);
                template_children_mut(then, f);
                template_children_mut(otherwise, f);
            }
            TemplatePart::For {
                collection, body, ..
            } => {
                f(collection);
                template_children_mut(body, f);
            }
        }
    }
}

fn steps_children(path: &[Step], f: &mut dyn FnMut(&Expr)) {
    for step in path {
        if let Step::Index(e) = step {
            f(e)
        }
    }
}

fn steps_children_mut(path: &mut [Step], f: &mut dyn FnMut(&mut Expr)) {
    for step in path {
        if let Step::Index(e) = step {
            f(e)
        }
    }
}
