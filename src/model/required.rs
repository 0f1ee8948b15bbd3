//! Values passed to arguments the Pulumi SDK requires.
//!
//! Terraform accepts a null for a required argument until the resource is actually created (modules
//! guard such resources with `count`, so it usually never is), and only then fails with "The argument
//! ... is required". The SDKs reject a value that may be undefined at compile time. Lowering marks the
//! value of every required argument with [`Intrinsic::Required`]; once the whole module is lowered,
//! [`settle`] keeps the mark only on values that may be null — a null-default variable, a conditional
//! with a null branch, `try(..., null)`, `one(...)`, and locals holding one of these — so that the
//! emitters check exactly those at run time, as Terraform does.
//!
//! The elements of a map argument are required by the SDKs too (`{[key: string]: Input<string>}`);
//! an element that may be null is left out there ([`Intrinsic::DefinedEntries`]), as the Pulumi
//! runtime leaves out an undefined property when it sends the map to the provider. The elements of
//! a list argument's literal are checked like a required argument: Terraform rejects a null element
//! ("Null values are not allowed for this attribute value").

use super::{Expr, Intrinsic, Node, NodeKind};
use crate::mapping::{FieldMapping, ValueType};

/// The value of the argument `name` (its Pulumi name) with the marks its field calls for.
pub(super) fn mark_argument(value: Expr, name: &str, field: Option<&FieldMapping>) -> Expr {
    let Some(field) = field else {
        return value;
    };
    let value = match field.value_type {
        Some(ValueType::Map(_)) => mark_elements(value, name, true),
        Some(ValueType::List(_)) => mark_elements(value, name, false),
        _ => value,
    };
    if field.required {
        mark(value, name)
    } else {
        value
    }
}

/// The literals a map or list argument's value is made of, marked per element: the value itself,
/// the branches of a conditional, the maps of a `merge` and the lists of a `concat` (their
/// elements are the argument's elements).
fn mark_elements(value: Expr, name: &str, map: bool) -> Expr {
    mark_elements_from(value, name, map, Some(0))
}

/// [`mark_elements`] for a list whose first element is at `offset` in the argument, where known
/// (after a `concat` operand that is no literal it is not: elements are then named by the argument).
fn mark_elements_from(value: Expr, name: &str, map: bool, offset: Option<usize>) -> Expr {
    match value {
        Expr::Object(entries) if map => {
            Expr::Intrinsic(Intrinsic::DefinedEntries, vec![Expr::Object(entries)])
        }
        Expr::List(items) if !map => Expr::List(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let element = match offset {
                        Some(offset) => format!("{name}[{}]", offset + i),
                        None => name.to_string(),
                    };
                    mark(item, &element)
                })
                .collect(),
        ),
        Expr::Conditional(cond, then, otherwise) => Expr::Conditional(
            cond,
            Box::new(mark_elements_from(*then, name, map, offset)),
            Box::new(mark_elements_from(*otherwise, name, map, offset)),
        ),
        Expr::Call {
            name: function,
            args,
        } if function == if map { "merge" } else { "concat" } => {
            let mut next = offset;
            let mut marked = Vec::with_capacity(args.len());
            for arg in args {
                let at = next;
                next = match &arg {
                    Expr::List(items) => next.map(|n| n + items.len()),
                    _ => None,
                };
                marked.push(mark_elements_from(arg, name, map, at));
            }
            Expr::Call {
                args: marked,
                name: function,
            }
        }
        other => other,
    }
}

/// `value` marked as going into the required argument `name` (its Pulumi name). A literal is never
/// marked: it is either defined, or a literal `null` that no check would make valid.
pub(super) fn mark(value: Expr, name: &str) -> Expr {
    match value {
        Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::String(_) | Expr::Template(_) => value,
        Expr::List(_) | Expr::Object(_) | Expr::Intrinsic(Intrinsic::DefinedEntries, _) => value,
        other => Expr::Intrinsic(
            Intrinsic::Required,
            vec![other, Expr::String(name.to_string())],
        ),
    }
}

/// Removes the marks of [`mark`] from values that cannot be null. `nodes` are indexed by node id;
/// `optional_reads` are, per node, the marked values that read an optional object attribute
/// (known from the types, not the form).
pub(super) fn settle(nodes: &mut [Node], optional_reads: &[Vec<Expr>]) {
    let nullable = nullable_nodes(nodes);
    for (id, node) in nodes.iter_mut().enumerate() {
        let optional_reads = optional_reads.get(id).map_or(&[][..], Vec::as_slice);
        node.kind.for_each_expr_mut(&mut |expr| {
            expr.walk_mut(&mut |e| {
                let unneeded = match e {
                    Expr::Intrinsic(Intrinsic::Required, args) => !args
                        .first()
                        .is_some_and(|v| may_be_null(v, &nullable) || optional_reads.contains(v)),
                    Expr::Intrinsic(Intrinsic::DefinedEntries, args) => !matches!(
                        args.first(),
                        Some(Expr::Object(entries))
                            if entries.iter().any(|(_, v)| may_be_null(v, &nullable))
                    ),
                    _ => false,
                };
                if unneeded {
                    if let Expr::Intrinsic(_, args) = std::mem::replace(e, Expr::Null) {
                        *e = args.into_iter().next().unwrap_or(Expr::Null);
                    }
                }
            })
        });
    }
}

/// Per node: whether its value as a whole may be null (a variable defaulting to null, or a local
/// whose value may be). Locals refer to each other, so this is a fixpoint; it only ever grows.
fn nullable_nodes(nodes: &[Node]) -> Vec<bool> {
    let mut nullable: Vec<bool> = nodes
        .iter()
        .map(|n| matches!(&n.kind, NodeKind::Config(c) if c.default == Some(Expr::Null)))
        .collect();
    let mut changed = true;
    while changed {
        changed = false;
        for (id, node) in nodes.iter().enumerate() {
            if let NodeKind::Local(value) = &node.kind {
                if nullable.get(id) == Some(&false) && may_be_null(value, &nullable) {
                    if let Some(flag) = nullable.get_mut(id) {
                        *flag = true;
                        changed = true;
                    }
                }
            }
        }
    }
    nullable
}

/// Whether `expr` may evaluate to null by its form (not by its data: an attribute of a resource or a
/// map lookup is taken as defined, as the generated programs' types take it).
fn may_be_null(expr: &Expr, nullable: &[bool]) -> bool {
    match expr {
        Expr::Null => true,
        Expr::Ref { node, path } => path.is_empty() && nullable.get(*node) == Some(&true),
        Expr::Conditional(_, then, otherwise) => {
            may_be_null(then, nullable) || may_be_null(otherwise, nullable)
        }
        Expr::Call { name, args } => match (name.as_str(), args.as_slice()) {
            ("try", alternatives) => alternatives.iter().any(|a| may_be_null(a, nullable)),
            ("lookup", [_, _, default]) => may_be_null(default, nullable),
            ("one", [_]) => true,
            _ => false,
        },
        Expr::Intrinsic(Intrinsic::SingleOrNone, _) => true,
        // A converted null stays null.
        Expr::Intrinsic(Intrinsic::Convert(_), args) => {
            args.first().is_some_and(|a| may_be_null(a, nullable))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConfigType, ConfigVar};

    fn node(kind: NodeKind) -> Node {
        Node {
            name: String::new(),
            address: String::new(),
            comments: Vec::new(),
            span: Default::default(),
            kind,
        }
    }

    fn config(default: Option<Expr>) -> Node {
        node(NodeKind::Config(ConfigVar {
            key: "x".into(),
            ty: ConfigType::String,
            default,
            description: None,
            secret: false,
            nullable: true,
            typed: false,
        }))
    }

    fn whole(id: usize) -> Expr {
        Expr::Ref {
            node: id,
            path: Vec::new(),
        }
    }

    #[test]
    fn keeps_marks_only_where_the_value_may_be_null() {
        let conditional = Expr::Conditional(
            Box::new(Expr::Bool(true)),
            Box::new(whole(1)),
            Box::new(Expr::Null),
        );
        let mut nodes = vec![
            config(Some(Expr::Null)),
            config(Some(Expr::String("a".into()))),
            node(NodeKind::Local(whole(0))),
            node(NodeKind::Local(conditional.clone())),
            node(NodeKind::Output(crate::model::OutputValue {
                value: Expr::List(vec![
                    mark(whole(2), "a"),
                    mark(whole(1), "b"),
                    mark(whole(3), "c"),
                    mark(Expr::String("s".into()), "d"),
                ]),
                description: None,
                secret: false,
            })),
        ];
        settle(&mut nodes, &[]);
        let Some(NodeKind::Output(output)) = nodes.get(4).map(|n| &n.kind) else {
            panic!("output node");
        };
        let required = |e: Expr, name: &str| {
            Expr::Intrinsic(Intrinsic::Required, vec![e, Expr::String(name.into())])
        };
        assert_eq!(
            output.value,
            Expr::List(vec![
                required(whole(2), "a"),
                whole(1),
                required(whole(3), "c"),
                Expr::String("s".into()),
            ])
        );
    }

    #[test]
    fn map_and_list_literals_are_marked_per_element() {
        let map = FieldMapping {
            value_type: Some(ValueType::Map(crate::mapping::ScalarType::String)),
            ..Default::default()
        };
        let list = FieldMapping {
            value_type: Some(ValueType::List(crate::mapping::ScalarType::String)),
            required: true,
            ..Default::default()
        };
        let entries = vec![(crate::model::ObjectKey::Name("k".into()), whole(0))];
        let mut nodes = vec![
            config(Some(Expr::Null)),
            node(NodeKind::Local(mark_argument(
                Expr::Object(entries.clone()),
                "tags",
                Some(&map),
            ))),
            node(NodeKind::Local(mark_argument(
                Expr::List(vec![Expr::String("a".into()), whole(0)]),
                "ids",
                Some(&list),
            ))),
        ];
        settle(&mut nodes, &[]);
        let values: Vec<&Expr> = nodes
            .iter()
            .filter_map(|n| match &n.kind {
                NodeKind::Local(value) => Some(value),
                _ => None,
            })
            .collect();
        assert_eq!(
            values,
            vec![
                &Expr::Intrinsic(Intrinsic::DefinedEntries, vec![Expr::Object(entries)]),
                &Expr::List(vec![
                    Expr::String("a".into()),
                    Expr::Intrinsic(
                        Intrinsic::Required,
                        vec![whole(0), Expr::String("ids[1]".into())]
                    ),
                ]),
            ]
        );
    }

    #[test]
    fn literals_in_conditionals_concat_and_merge_are_marked_per_element() {
        let list = FieldMapping {
            value_type: Some(ValueType::List(crate::mapping::ScalarType::String)),
            ..Default::default()
        };
        let map = FieldMapping {
            value_type: Some(ValueType::Map(crate::mapping::ScalarType::String)),
            ..Default::default()
        };
        let required = |e: Expr, name: &str| {
            Expr::Intrinsic(Intrinsic::Required, vec![e, Expr::String(name.into())])
        };
        let call = |name: &str, args: Vec<Expr>| Expr::Call {
            name: name.into(),
            args,
        };
        let chosen = Expr::Conditional(
            Box::new(Expr::Bool(true)),
            Box::new(whole(1)),
            Box::new(Expr::List(vec![whole(0)])),
        );
        let joined = call(
            "concat",
            vec![
                Expr::List(vec![Expr::String("a".into())]),
                Expr::List(vec![whole(0)]),
                whole(1),
                Expr::List(vec![whole(0)]),
            ],
        );
        let entries = vec![(crate::model::ObjectKey::Name("k".into()), whole(0))];
        let merged = call("merge", vec![whole(1), Expr::Object(entries.clone())]);
        assert_eq!(
            mark_argument(chosen, "ids", Some(&list)),
            Expr::Conditional(
                Box::new(Expr::Bool(true)),
                Box::new(whole(1)),
                Box::new(Expr::List(vec![required(whole(0), "ids[0]")])),
            )
        );
        // After an operand of unknown length the position is not known.
        assert_eq!(
            mark_argument(joined, "ids", Some(&list)),
            call(
                "concat",
                vec![
                    Expr::List(vec![Expr::String("a".into())]),
                    Expr::List(vec![required(whole(0), "ids[1]")]),
                    whole(1),
                    Expr::List(vec![required(whole(0), "ids")]),
                ],
            )
        );
        assert_eq!(
            mark_argument(merged, "tags", Some(&map)),
            call(
                "merge",
                vec![
                    whole(1),
                    Expr::Intrinsic(Intrinsic::DefinedEntries, vec![Expr::Object(entries)]),
                ],
            )
        );
    }
}
