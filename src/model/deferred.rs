//! Cycles through components. Terraform orders a module's inputs and outputs one by one, so
//! `module.a` may take `data.x.json` while `data.x` reads `module.a.arn`; a program constructs a
//! component in one statement, which then needs a value that does not exist yet. Such a cycle is
//! broken at a component input: the input becomes a deferred output, declared before the component
//! ([`NodeKind::Deferred`]) and given its value once that exists ([`NodeKind::Resolve`]).
//! Cycles that no component input closes (resources and data sources only, or a component's
//! `count` / `depends_on`) are left to [`super::order`], which reports them.

use super::{ConfigType, DeferredValue, Expr, Node, NodeId, NodeKind, Resolution};
use std::collections::BTreeSet;

/// Defers the component inputs that close a reference cycle, one at a time: the first component
/// (in source order) on a cycle, its first input on it, until no cycle runs through an input.
/// `claim` gives a unique identifier for a base name.
pub(super) fn defer_cyclic_inputs(nodes: &mut Vec<Node>, claim: &mut dyn FnMut(&str) -> String) {
    let mut deferred: BTreeSet<(NodeId, usize)> = BTreeSet::new();
    while let Some(edge) = next_cyclic_input(nodes, &deferred) {
        deferred.insert(edge);
    }
    for (component, input) in deferred {
        defer_input(nodes, component, input, claim);
    }
}

/// The first component input, not deferred yet, whose value refers to a node that refers back to
/// the component (directly or through others).
fn next_cyclic_input(
    nodes: &[Node],
    deferred: &BTreeSet<(NodeId, usize)>,
) -> Option<(NodeId, usize)> {
    let dependents = dependents(nodes, deferred);
    for (id, node) in nodes.iter().enumerate() {
        let NodeKind::Component(component) = &node.kind else {
            continue;
        };
        let mut reaching: Option<BTreeSet<NodeId>> = None;
        for (index, input) in component.inputs.iter().enumerate() {
            // A value that differs per instance (`count.index`, `each.value`) cannot be one
            // deferred output for all of them.
            if deferred.contains(&(id, index)) || uses_range(&input.value) {
                continue;
            }
            let reaching = reaching.get_or_insert_with(|| transitive_dependents(&dependents, id));
            let mut refs = Vec::new();
            input.value.collect_refs(&mut refs);
            if refs.iter().any(|r| reaching.contains(r)) {
                return Some((id, index));
            }
        }
    }
    None
}

/// For every node, the nodes that refer to it, leaving out the deferred inputs' references.
fn dependents(nodes: &[Node], deferred: &BTreeSet<(NodeId, usize)>) -> Vec<Vec<NodeId>> {
    let mut dependents: Vec<Vec<NodeId>> = vec![Vec::new(); nodes.len()];
    for (id, node) in nodes.iter().enumerate() {
        let mut refs = Vec::new();
        match &node.kind {
            NodeKind::Component(component) => {
                for (index, input) in component.inputs.iter().enumerate() {
                    if !deferred.contains(&(id, index)) {
                        input.value.collect_refs(&mut refs);
                    }
                }
                component
                    .options
                    .for_each_expr(&mut |e| e.collect_refs(&mut refs));
            }
            kind => kind.for_each_expr(&mut |e| e.collect_refs(&mut refs)),
        }
        refs.sort_unstable();
        refs.dedup();
        for dep in refs {
            if let Some(list) = dependents.get_mut(dep) {
                list.push(id);
            }
        }
    }
    dependents
}

/// `target` and every node that refers to it, directly or through others.
fn transitive_dependents(dependents: &[Vec<NodeId>], target: NodeId) -> BTreeSet<NodeId> {
    let mut reached = BTreeSet::from([target]);
    let mut pending = vec![target];
    while let Some(id) = pending.pop() {
        for &next in dependents.get(id).map(Vec::as_slice).unwrap_or_default() {
            if reached.insert(next) {
                pending.push(next);
            }
        }
    }
    reached
}

fn uses_range(expr: &Expr) -> bool {
    let mut found = false;
    expr.walk(&mut |e| found |= matches!(e, Expr::Range(_)));
    found
}

/// Replaces the input's value with a deferred output and adds the node that resolves it.
fn defer_input(
    nodes: &mut Vec<Node>,
    component: NodeId,
    input: usize,
    claim: &mut dyn FnMut(&str) -> String,
) {
    let deferred_id = nodes.len();
    let Some(node) = nodes.get_mut(component) else {
        return;
    };
    let NodeKind::Component(call) = &mut node.kind else {
        return;
    };
    let Some(property) = call.inputs.get_mut(input) else {
        return;
    };
    let value = std::mem::replace(
        &mut property.value,
        Expr::Ref {
            node: deferred_id,
            path: Vec::new(),
        },
    );
    let base = format!(
        "{}{}",
        node.name,
        crate::mapping::naming::upper_first(&crate::mapping::camel_case(&property.name))
    );
    let address = format!("{}.{}", node.address, property.name);
    let comment = format!(
        "`{}` of `{}` is computed from the module's own outputs: its value is set once it exists.",
        property.name, node.address
    );
    let span = node.span.clone();
    let name = claim(&base);
    let resolver = claim(&format!(
        "resolve{}",
        crate::mapping::naming::upper_first(&name)
    ));
    nodes.push(Node {
        name,
        address: address.clone(),
        comments: vec![comment],
        span: span.clone(),
        kind: NodeKind::Deferred(DeferredValue {
            ty: ConfigType::Any,
        }),
    });
    nodes.push(Node {
        name: resolver,
        address,
        comments: Vec::new(),
        span,
        kind: NodeKind::Resolve(Resolution {
            deferred: deferred_id,
            value,
        }),
    });
}
