//! Which expressions are plain lists of outputs (a splat over counted resources, modules or data
//! sources). Both typed emitters pass them to inputs as they are and gather them where their values
//! are read; they differ only in what an output is and which nodes are counted lists of outputs.

use crate::model::{Expr, NodeId, NodeKind, Program};
use std::cell::RefCell;
use std::collections::HashMap;

/// What an emitter knows about outputs, as the list analysis needs it.
pub(super) trait OutputFacts {
    fn program(&self) -> &Program;
    fn is_output(&self, expr: &Expr) -> bool;
    /// Whether a node is emitted as a list of output-valued objects.
    fn is_counted_outputs(&self, id: NodeId) -> bool;
    /// Per local: whether it holds a list of outputs.
    fn output_list_memo(&self) -> &RefCell<HashMap<NodeId, bool>>;
}

/// Whether `expr` is a plain list of outputs: a splat over counted nodes, a conditional on a plain
/// value choosing between such a list and a plain value, or a local holding one.
pub(super) fn is_output_list(facts: &impl OutputFacts, expr: &Expr) -> bool {
    match expr {
        Expr::Splat(source, steps) => match source.as_ref() {
            Expr::Ref { node, path } => {
                path.is_empty() && !steps.is_empty() && facts.is_counted_outputs(*node)
            }
            _ => false,
        },
        Expr::Ref { node, path } if path.is_empty() => local_is_output_list(facts, *node),
        Expr::Conditional(cond, then, otherwise) if !facts.is_output(cond) => {
            let then_list = is_output_list(facts, then);
            let otherwise_list = is_output_list(facts, otherwise);
            (then_list || otherwise_list)
                && (then_list || !facts.is_output(then))
                && (otherwise_list || !facts.is_output(otherwise))
        }
        _ => false,
    }
}

fn local_is_output_list(facts: &impl OutputFacts, id: NodeId) -> bool {
    if let Some(known) = facts.output_list_memo().borrow().get(&id) {
        return *known;
    }
    // Provisional answer guards against locals that refer to each other.
    facts.output_list_memo().borrow_mut().insert(id, false);
    let result = match facts.program().node(id).map(|n| &n.kind) {
        Some(NodeKind::Local(value)) => is_output_list(facts, value),
        _ => false,
    };
    facts.output_list_memo().borrow_mut().insert(id, result);
    result
}
