//! `module` blocks → components. A local module (`./modules/vpc`) is converted as a component program
//! of its own, from the example's files in that folder; a registry module cannot be downloaded here,
//! so it stays a reference by name, with a diagnostic.

use super::expr::ExprLowering;
use super::lower::range_kind;
use super::resource::provider_ref;
use super::{
    Component, ComponentProgram, ConfigType, Expr, Node, NodeId, NodeKind, ObjectKey, Program,
    Property, Range, ResourceOptions, Step,
};
use crate::cache::MappingCache;
use crate::diagnostics::{Diagnostic, Severity, SourceSpan};
use crate::input::{is_terraform_path, Example};
use crate::mapping::{ScalarType, ValueType};
use crate::parse::{parse_file, SourceFile};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Structure};
use hcl_edit::Span;
use std::collections::HashMap;

/// Local modules nested deeper than this are not followed (a guard against cycles and stack use).
const MAX_MODULE_DEPTH: usize = 16;

pub(super) enum ModuleSource {
    /// The module's folder in the example, normalised (`modules/vpc`, `../shared/x`).
    Local(String),
    Registry,
}

/// Resolves a module `source` against the folder of the module that uses it.
pub(super) fn module_source(module_dir: &str, source: &str) -> ModuleSource {
    if !(source.starts_with("./") || source.starts_with("../")) {
        return ModuleSource::Registry;
    }
    let mut parts: Vec<&str> = module_dir.split('/').filter(|p| !p.is_empty()).collect();
    for segment in source.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    ModuleSource::Local(parts.join("/"))
}

pub(super) fn lower_module_block(
    component: &mut Component,
    block: &Block,
    lowering: &mut ExprLowering,
) {
    let mut options = ResourceOptions::default();
    if let Some(attr) = block.body.get_attribute("count") {
        options.range = Some(Range::Count(lowering.lower(&attr.value)));
    } else if let Some(attr) = block.body.get_attribute("for_each") {
        options.range = Some(Range::ForEach(lowering.lower(&attr.value)));
    }
    lowering.range = range_kind(block);
    for structure in block.body.iter() {
        match structure {
            Structure::Attribute(attr) => match attr.key.as_str() {
                "source" | "count" | "for_each" => {}
                "version" => {
                    if component.path.is_some() {
                        lowering.reporter.report(
                            Severity::Warning,
                            "not-converted",
                            "`version` only applies to registry modules",
                            attr.span(),
                        );
                    }
                }
                "depends_on" => options
                    .depends_on
                    .extend(super::resource::depends_on_items(&attr.value, lowering)),
                "providers" => {
                    if let Expression::Object(object) = &attr.value {
                        for (key, value) in object.iter() {
                            let key = match key {
                                hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                                hcl_edit::expr::ObjectKey::Expression(e) => {
                                    e.as_str().unwrap_or_default().to_string()
                                }
                            };
                            let package = crate::mapping::package_for_provider(
                                key.split('.').next().unwrap_or(&key),
                            )
                            .to_string();
                            if let Some(provider) = provider_ref(value.expr(), lowering) {
                                options.providers.push((package, provider));
                            }
                        }
                    }
                }
                name => component.inputs.push(Property {
                    name: name.to_string(),
                    value: lowering.lower(&attr.value),
                    comments: super::lower::comment_lines(
                        hcl_edit::Decorate::decor(attr).prefix().map(|p| &**p),
                    ),
                }),
            },
            Structure::Block(inner) => lowering.reporter.report(
                Severity::Warning,
                "not-converted",
                format!(
                    "`{}` blocks in a module call are not converted",
                    inner.ident.as_str()
                ),
                inner.span(),
            ),
        }
    }
    component.options = options;
}

/// Parses the Terraform files directly in `dir` (`""`: the top level) of the example.
fn parse_folder(example: &Example, dir: &str) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    for (path, text) in &example.files {
        let in_folder = match path.rsplit_once('/') {
            Some((folder, _)) => folder == dir,
            None => dir.is_empty(),
        };
        if in_folder && is_terraform_path(path) {
            let (file, file_diagnostics) = parse_file(path, text);
            diagnostics.extend(file_diagnostics);
            files.push(file);
        }
    }
    (files, diagnostics)
}

/// Converts the root module of an example and, recursively, the local modules it uses.
pub fn lower_example(example: &Example, cache: &MappingCache) -> (Program, Vec<Diagnostic>) {
    let (files, mut diagnostics) = parse_folder(example, "");
    if files.is_empty() {
        diagnostics.push(Diagnostic {
            severity: Severity::Error,
            code: "no-terraform",
            message: "the example has no .tf file at its top level".into(),
            span: SourceSpan::default(),
        });
    }
    let (mut program, model_diagnostics) = super::lower::lower_program(&files, "", cache);
    diagnostics.extend(model_diagnostics);
    let mut components = Vec::new();
    let mut stack = vec![String::new()];
    collect_components(
        example,
        cache,
        &program,
        &mut stack,
        &mut components,
        &mut diagnostics,
    );
    check_module_interfaces(&program, &components, &mut diagnostics);
    for component in &components {
        check_module_interfaces(&component.program, &components, &mut diagnostics);
    }
    let declared = declared_input_types(&components);
    coerce_component_inputs(&mut program, &declared);
    type_locals_for_inputs(&mut program, &declared);
    settle_deferred_inputs(&mut program, &declared);
    for component in &mut components {
        coerce_component_inputs(&mut component.program, &declared);
        type_locals_for_inputs(&mut component.program, &declared);
        settle_deferred_inputs(&mut component.program, &declared);
    }
    check_deferred_inputs(&program, &components, &mut diagnostics);
    for component in &components {
        check_deferred_inputs(&component.program, &components, &mut diagnostics);
    }
    program.components = components;
    (program, diagnostics)
}

/// Module calls checked against the module's interface, as Terraform checks them: an argument the
/// module declares no variable for, and a `module.x.y` of an output it does not declare, are
/// errors in the input (a module folder copied without its `variables.tf` or `outputs.tf`).
fn check_module_interfaces(
    program: &Program,
    components: &[ComponentProgram],
    diagnostics: &mut Vec<Diagnostic>,
) {
    // A module with a file that did not parse may declare more than is known.
    let callee = |component: &super::Component| {
        components
            .iter()
            .find(|c| Some(&c.path) == component.path.as_ref() && c.parsed)
    };
    let declares = |callee: &ComponentProgram, address: &str| {
        callee.program.nodes.iter().any(|n| n.address == address)
    };
    for node in &program.nodes {
        if let super::NodeKind::Component(component) = &node.kind {
            if let Some(callee) = callee(component) {
                let unknown: Vec<String> = component
                    .inputs
                    .iter()
                    .filter(|input| !declares(callee, &format!("var.{}", input.name)))
                    .map(|input| format!("`{}`", input.name))
                    .collect();
                if !unknown.is_empty() {
                    diagnostics.push(Diagnostic {
                        severity: Severity::Error,
                        code: "unknown-argument",
                        message: format!(
                            "module `{}` ({}) declares no variable for {}: Terraform rejects these arguments",
                            component.logical_name,
                            component.source,
                            unknown.join(", ")
                        ),
                        span: node.span.clone(),
                    });
                }
            }
        }
        let mut missing: Vec<String> = Vec::new();
        node.kind.for_each_expr(&mut |expr| {
            undeclared_module_outputs(program, expr, &callee, &mut missing)
        });
        missing.sort();
        missing.dedup();
        for message in missing {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                code: "unknown-reference",
                message,
                span: node.span.clone(),
            });
        }
    }
}

/// The `module.x.y` references inside `expr` whose module declares no output `y`.
fn undeclared_module_outputs<'c>(
    program: &Program,
    expr: &super::Expr,
    callee: &dyn Fn(&super::Component) -> Option<&'c ComponentProgram>,
    missing: &mut Vec<String>,
) {
    if let super::Expr::Ref { node, path } = expr {
        let component = match program.node(*node).map(|n| &n.kind) {
            Some(super::NodeKind::Component(component)) => Some(component),
            _ => None,
        };
        // Past the instance index of a ranged module, the first attribute names the output.
        let output = path.iter().find_map(|step| match step {
            super::Step::Attr(name) => Some(name),
            super::Step::Index(_) => None,
        });
        if let (Some(component), Some(output)) = (component, output) {
            if let Some(target) = callee(component) {
                if !declares_output(target, output) {
                    missing.push(format!(
                        "module `{}` ({}) declares no output for `{output}` (the output's name in camelCase)",
                        component.logical_name, component.source
                    ));
                }
            }
        }
    }
    expr.children(&mut |child| undeclared_module_outputs(program, child, callee, missing));
}

/// Whether a module declares the output a reference step names (module output steps are the
/// output's name in camelCase).
fn declares_output(module: &ComponentProgram, step: &str) -> bool {
    module.program.nodes.iter().any(|n| {
        n.address
            .strip_prefix("output.")
            .is_some_and(|name| crate::mapping::camel_case(name) == step)
    })
}

/// Each component program's variable types, by folder.
type DeclaredInputs = Vec<(String, Vec<(String, ConfigType)>)>;

fn declared_input_types(components: &[ComponentProgram]) -> DeclaredInputs {
    components
        .iter()
        .map(|component| {
            let inputs = component
                .program
                .nodes
                .iter()
                .filter_map(|node| match &node.kind {
                    super::NodeKind::Config(config) => {
                        Some((config.key.clone(), config.effective_type()))
                    }
                    _ => None,
                })
                .collect();
            (component.path.clone(), inputs)
        })
        .collect()
}

/// Module arguments converted to the type their variable declares, as Terraform converts them:
/// literals (`port = 3306` for a `string` variable is `"3306"`, also inside lists and objects), and
/// values whose type is known to differ (`var.port` of type `number` is its decimal text). The
/// typed component inputs accept only the converted value.
fn coerce_component_inputs(program: &mut Program, declared: &DeclaredInputs) {
    for id in 0..program.nodes.len() {
        let Some(node) = program.nodes.get(id) else {
            continue;
        };
        let super::NodeKind::Component(component) = &node.kind else {
            continue;
        };
        let Some((_, types)) = declared
            .iter()
            .find(|(path, _)| Some(path) == component.path.as_ref())
        else {
            continue;
        };
        let mut inputs = component.inputs.clone();
        for input in &mut inputs {
            let Some((_, ty)) = types.iter().find(|(key, _)| *key == input.name) else {
                continue;
            };
            let value = std::mem::replace(&mut input.value, super::Expr::Null);
            input.value = coerce_input(&program.nodes, &node.kind, value, ty);
        }
        if let Some(super::NodeKind::Component(component)) =
            program.nodes.get_mut(id).map(|n| &mut n.kind)
        {
            component.inputs = inputs;
        }
    }
}

/// A local reached by a module argument: `local.acls["inbound"]` given to a `list(map(string))`
/// variable.
struct LocalFlow {
    local: NodeId,
    path: Vec<Step>,
    ty: ConfigType,
}

/// Locals holding literals that only module arguments use, converted to the type the module's
/// variables declare, as Terraform converts them at the call (`rule_number = 100` in a local given
/// to a `list(map(string))` variable is `"100"`). A local also used elsewhere keeps its own type
/// there, so it is left as it is. Where the converted literal has one type throughout, the local
/// gets it in [`Program::local_types`].
fn type_locals_for_inputs(program: &mut Program, declared: &DeclaredInputs) {
    let mut flows = Vec::new();
    for id in 0..program.nodes.len() {
        let Some(NodeKind::Component(component)) = program.nodes.get(id).map(|n| &n.kind) else {
            continue;
        };
        let Some((_, types)) = declared
            .iter()
            .find(|(path, _)| Some(path) == component.path.as_ref())
        else {
            continue;
        };
        let mut inputs = component.inputs.clone();
        for input in &mut inputs {
            if let Some((_, ty)) = types.iter().find(|(key, _)| *key == input.name) {
                follow_argument(&program.nodes, &mut input.value, ty, &mut flows);
            }
        }
        if let Some(NodeKind::Component(component)) = program.nodes.get_mut(id).map(|n| &mut n.kind)
        {
            component.inputs = inputs;
        }
    }
    let mut references: HashMap<NodeId, usize> = HashMap::new();
    for node in &program.nodes {
        node.kind.for_each_expr(&mut |expr| {
            expr.walk(&mut |e| {
                if let Expr::Ref { node, .. } = e {
                    *references.entry(*node).or_default() += 1;
                }
            })
        });
    }
    let mut locals: Vec<NodeId> = flows.iter().map(|flow| flow.local).collect();
    locals.sort_unstable();
    locals.dedup();
    for local in locals {
        let own: Vec<&LocalFlow> = flows.iter().filter(|flow| flow.local == local).collect();
        if references.get(&local).copied().unwrap_or(0) != own.len() {
            continue;
        }
        let Some(NodeKind::Local(value)) = program.nodes.get_mut(local).map(|n| &mut n.kind) else {
            continue;
        };
        for flow in &own {
            convert_at(value, &flow.path, &flow.ty);
        }
        if let Some(ty) = local_type(value, &own) {
            program.local_types.push((local, ty));
        }
    }
}

/// Follows a module argument of type `ty` through the expressions that pass a value on as it is
/// (`concat`, `merge`, conditionals, list and object literals): literals on the way are converted,
/// and the locals it takes its value from are gathered in `out`.
fn follow_argument(nodes: &[Node], value: &mut Expr, ty: &ConfigType, out: &mut Vec<LocalFlow>) {
    super::config::convert_constant(value, ty);
    match (&mut *value, ty) {
        (Expr::Ref { node, path }, _) => {
            if let Some(NodeKind::Local(_)) = nodes.get(*node).map(|n| &n.kind) {
                out.push(LocalFlow {
                    local: *node,
                    path: path.clone(),
                    ty: ty.clone(),
                });
            }
        }
        (Expr::Call { name, args }, ConfigType::List(_)) if name == "concat" => {
            for arg in args {
                follow_argument(nodes, arg, ty, out);
            }
        }
        (Expr::Call { name, args }, ConfigType::Map(_)) if name == "merge" => {
            for arg in args {
                follow_argument(nodes, arg, ty, out);
            }
        }
        (Expr::Call { name, args }, _) if name == "tolist" || name == "toset" => {
            if let [only] = args.as_mut_slice() {
                follow_argument(nodes, only, ty, out);
            }
        }
        (Expr::Conditional(_, then, otherwise), _) => {
            follow_argument(nodes, then, ty, out);
            follow_argument(nodes, otherwise, ty, out);
        }
        (Expr::List(items), ConfigType::List(inner)) => {
            for item in items {
                follow_argument(nodes, item, inner, out);
            }
        }
        (Expr::Object(entries), ConfigType::Map(inner)) => {
            for (_, entry) in entries {
                follow_argument(nodes, entry, inner, out);
            }
        }
        (Expr::Object(entries), ConfigType::Object(fields)) => {
            for (key, entry) in entries {
                let field = match key {
                    ObjectKey::Name(name) => fields.iter().find(|f| &f.name == name),
                    ObjectKey::Expr(_) => None,
                };
                if let Some(field) = field {
                    follow_argument(nodes, entry, &field.ty, out);
                }
            }
        }
        _ => {}
    }
}

/// Converts the literal parts of `value` that `path` reaches to `ty`; an index that is not a
/// literal may reach any element.
fn convert_at(value: &mut Expr, path: &[Step], ty: &ConfigType) {
    let Some((step, rest)) = path.split_first() else {
        return super::config::convert_constant(value, ty);
    };
    match (step, value) {
        (Step::Attr(key) | Step::Index(Expr::String(key)), Expr::Object(entries)) => {
            for (entry_key, entry) in entries {
                if *entry_key == ObjectKey::Name(key.clone()) {
                    convert_at(entry, rest, ty);
                }
            }
        }
        (Step::Index(Expr::Number(index)), Expr::List(items)) => {
            if let Some(item) = index.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                convert_at(item, rest, ty);
            }
        }
        (Step::Index(_), Expr::List(items)) => {
            for item in items {
                convert_at(item, rest, ty);
            }
        }
        (Step::Index(_), Expr::Object(entries)) => {
            for (_, entry) in entries {
                convert_at(entry, rest, ty);
            }
        }
        _ => {}
    }
}

/// The type of a converted local: the variable's type where the local is given whole, a map of it
/// where each use takes one entry of an object literal; `None` unless every part of the literal
/// has that type.
fn local_type(value: &Expr, flows: &[&LocalFlow]) -> Option<ConfigType> {
    let (first, rest) = flows.split_first()?;
    if rest.iter().any(|flow| flow.ty != first.ty) {
        return None;
    }
    let whole = flows.iter().all(|flow| flow.path.is_empty());
    let one_entry = flows.iter().all(|flow| {
        matches!(
            flow.path.as_slice(),
            [Step::Attr(_) | Step::Index(Expr::String(_))]
        )
    });
    let ty = if whole {
        first.ty.clone()
    } else if one_entry && matches!(value, Expr::Object(_)) {
        ConfigType::Map(Box::new(first.ty.clone()))
    } else {
        return None;
    };
    literal_of_type(value, &ty).then_some(ty)
}

/// Whether `value` is a literal of type `ty` throughout.
fn literal_of_type(value: &Expr, ty: &ConfigType) -> bool {
    match (ty, value) {
        (ConfigType::String, Expr::String(_))
        | (ConfigType::Number, Expr::Number(_))
        | (ConfigType::Bool, Expr::Bool(_)) => true,
        (ConfigType::List(inner), Expr::List(items)) => {
            items.iter().all(|item| literal_of_type(item, inner))
        }
        (ConfigType::Map(inner), Expr::Object(entries)) => entries
            .iter()
            .all(|(key, entry)| matches!(key, ObjectKey::Name(_)) && literal_of_type(entry, inner)),
        _ => false,
    }
}

/// A module argument converted to the type `ty` of its variable.
fn coerce_input(
    nodes: &[super::Node],
    owner: &super::NodeKind,
    value: super::Expr,
    ty: &ConfigType,
) -> super::Expr {
    match value_type(ty) {
        Some(value_type) => {
            let value = super::coerce::coerce_literal(value, value_type);
            match value_type {
                ValueType::Scalar(scalar) => super::infer::convert_in(nodes, owner, value, scalar),
                _ => value,
            }
        }
        None => {
            let mut value = value;
            super::config::convert_constant(&mut value, ty);
            value
        }
    }
}

/// A deferred module argument (see `deferred.rs`) takes the type of its variable, and the value that
/// resolves it the conversion the argument would have had.
fn settle_deferred_inputs(program: &mut Program, declared: &DeclaredInputs) {
    /// A deferred output's type, and its resolution's node with the converted value.
    struct Settled {
        deferred: NodeId,
        ty: ConfigType,
        resolution: Option<(NodeId, super::Expr)>,
    }
    let mut settled: Vec<Settled> = Vec::new();
    for node in &program.nodes {
        let super::NodeKind::Component(component) = &node.kind else {
            continue;
        };
        let types = declared
            .iter()
            .find(|(path, _)| Some(path) == component.path.as_ref())
            .map(|(_, types)| types.as_slice())
            .unwrap_or_default();
        for input in &component.inputs {
            let super::Expr::Ref {
                node: deferred,
                path,
            } = &input.value
            else {
                continue;
            };
            let is_deferred = program
                .node(*deferred)
                .is_some_and(|n| matches!(n.kind, super::NodeKind::Deferred(_)));
            if !path.is_empty() || !is_deferred {
                continue;
            }
            let Some((_, ty)) = types.iter().find(|(key, _)| *key == input.name) else {
                continue;
            };
            let resolution = program.resolution_of(*deferred).and_then(|id| {
                match program.node(id).map(|n| &n.kind) {
                    Some(super::NodeKind::Resolve(resolution)) => Some((
                        id,
                        coerce_input(&program.nodes, &node.kind, resolution.value.clone(), ty),
                    )),
                    _ => None,
                }
            });
            settled.push(Settled {
                deferred: *deferred,
                ty: ty.clone(),
                resolution,
            });
        }
    }
    for Settled {
        deferred,
        ty,
        resolution,
    } in settled
    {
        if let Some(super::NodeKind::Deferred(value)) =
            program.nodes.get_mut(deferred).map(|n| &mut n.kind)
        {
            value.ty = ty;
        }
        if let Some((id, converted)) = resolution {
            if let Some(super::NodeKind::Resolve(resolution)) =
                program.nodes.get_mut(id).map(|n| &mut n.kind)
            {
                resolution.value = converted;
            }
        }
    }
}

/// A deferred module argument whose value needs a module output that is itself computed from that
/// argument: a real cycle (Terraform rejects it too), which would never resolve.
fn check_deferred_inputs(
    program: &Program,
    components: &[ComponentProgram],
    diagnostics: &mut Vec<Diagnostic>,
) {
    for node in &program.nodes {
        let super::NodeKind::Component(component) = &node.kind else {
            continue;
        };
        let Some(callee) = components
            .iter()
            .find(|c| Some(&c.path) == component.path.as_ref())
        else {
            continue;
        };
        let owner = program.nodes.iter().position(|n| std::ptr::eq(n, node));
        for input in &component.inputs {
            let super::Expr::Ref { node: deferred, .. } = &input.value else {
                continue;
            };
            let Some(super::NodeKind::Resolve(resolution)) = program
                .resolution_of(*deferred)
                .and_then(|id| program.node(id))
                .map(|n| &n.kind)
            else {
                continue;
            };
            let read = outputs_read(program, owner, &resolution.value);
            let looping = callee.program.nodes.iter().find(|output| {
                matches!(output.kind, super::NodeKind::Output(_))
                    && read
                        .as_ref()
                        .is_none_or(|names| names.contains(&output.name))
                    && depends_on_variable(&callee.program, output, &input.name)
            });
            if let Some(output) = looping {
                diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    code: "cycle",
                    message: format!(
                        "the input `{}` of `{}` is computed from the module's output `{}`, which is computed from that input: a reference cycle",
                        input.name,
                        node.address,
                        output.address.strip_prefix("output.").unwrap_or(&output.address)
                    ),
                    span: node.span.clone(),
                });
            }
        }
    }
}

/// The outputs of the component `owner` that `value` reads, directly or through other nodes;
/// `None` when it reads the component as a whole.
fn outputs_read(
    program: &Program,
    owner: Option<NodeId>,
    value: &super::Expr,
) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut whole = false;
    let mut seen = vec![false; program.nodes.len()];
    let mut pending: Vec<super::Expr> = vec![value.clone()];
    while let Some(expr) = pending.pop() {
        expr.walk(&mut |e| {
            let super::Expr::Ref { node, path } = e else {
                return;
            };
            if Some(*node) == owner {
                let name = path.iter().find_map(|step| match step {
                    super::Step::Attr(name) => Some(name.clone()),
                    super::Step::Index(_) => None,
                });
                match name {
                    Some(name) => names.push(name),
                    None => whole = true,
                }
            } else if let Some(slot) = seen.get_mut(*node).filter(|s| !**s) {
                *slot = true;
                if let Some(next) = program.node(*node) {
                    next.kind.for_each_expr(&mut |e| pending.push(e.clone()));
                }
            }
        });
    }
    (!whole).then_some(names)
}

/// Whether a node of a component program is computed from the variable `key`.
fn depends_on_variable(program: &Program, start: &super::Node, key: &str) -> bool {
    let mut seen = vec![false; program.nodes.len()];
    let mut pending = vec![start];
    while let Some(node) = pending.pop() {
        if matches!(&node.kind, super::NodeKind::Config(config) if config.key == key) {
            return true;
        }
        let mut refs = Vec::new();
        node.kind.for_each_expr(&mut |e| e.collect_refs(&mut refs));
        for id in refs {
            if let Some(slot) = seen.get_mut(id).filter(|s| !**s) {
                *slot = true;
                pending.extend(program.node(id));
            }
        }
    }
    false
}

/// A variable type as far as literal conversion goes: a primitive, or a list or map of one.
fn value_type(ty: &ConfigType) -> Option<ValueType> {
    let scalar = |ty: &ConfigType| match ty {
        ConfigType::String => Some(ScalarType::String),
        ConfigType::Number => Some(ScalarType::Number),
        ConfigType::Bool => Some(ScalarType::Bool),
        _ => None,
    };
    match ty {
        ConfigType::List(inner) => scalar(inner).map(ValueType::List),
        ConfigType::Map(inner) => scalar(inner).map(ValueType::Map),
        other => scalar(other).map(ValueType::Scalar),
    }
}

fn collect_components(
    example: &Example,
    cache: &MappingCache,
    program: &Program,
    stack: &mut Vec<String>,
    out: &mut Vec<ComponentProgram>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for node in &program.nodes {
        let super::NodeKind::Component(component) = &node.kind else {
            continue;
        };
        let Some(path) = &component.path else {
            continue;
        };
        if out.iter().any(|c| &c.path == path) {
            continue;
        }
        if stack.contains(path) || stack.len() > MAX_MODULE_DEPTH {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                code: "module-cycle",
                message: format!(
                    "module `{}` ({path}) uses itself or nests deeper than {MAX_MODULE_DEPTH} levels",
                    component.logical_name
                ),
                span: node.span.clone(),
            });
            continue;
        }
        let (files, file_diagnostics) = parse_folder(example, path);
        let parsed = !file_diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error);
        diagnostics.extend(file_diagnostics);
        if files.is_empty() {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                code: "module-missing",
                message: format!(
                    "module `{}`: no .tf files in `{}`; add the module's folder to the example",
                    component.logical_name, component.source
                ),
                span: node.span.clone(),
            });
            continue;
        }
        let (child, child_diagnostics) = super::lower::lower_program(&files, path, cache);
        diagnostics.extend(child_diagnostics);
        stack.push(path.clone());
        collect_components(example, cache, &child, stack, out, diagnostics);
        stack.pop();
        out.push(ComponentProgram {
            path: path.clone(),
            program: child,
            parsed,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Example;

    const MODULE: &str = r#"
variable "rules" {
  type    = list(map(string))
  default = []
}
"#;

    fn lower(root: &str) -> Program {
        let mut example = Example::single("test", "main.tf", root);
        example
            .files
            .insert("modules/acl/main.tf".into(), MODULE.into());
        lower_example(&example, &MappingCache::builtin()).0
    }

    fn local(program: &Program, address: &str) -> (NodeId, Expr) {
        program
            .nodes
            .iter()
            .enumerate()
            .find_map(|(id, node)| match &node.kind {
                NodeKind::Local(value) if node.address == address => Some((id, value.clone())),
                _ => None,
            })
            .unwrap_or((usize::MAX, Expr::Null))
    }

    fn rule_number(value: &Expr) -> Option<Expr> {
        let mut found = None;
        value.walk(&mut |e| {
            if let Expr::Object(entries) = e {
                for (key, entry) in entries {
                    if *key == ObjectKey::Name("rule_number".into()) && found.is_none() {
                        found = Some(entry.clone());
                    }
                }
            }
        });
        found
    }

    #[test]
    fn locals_only_given_to_typed_inputs_take_the_inputs_type() {
        let program = lower(
            r#"
locals {
  acls  = { inbound = [{ rule_number = 100 }] }
  other = [{ rule_number = 200 }]
}
module "acl" {
  source = "./modules/acl"
  rules  = local.acls["inbound"]
}
module "other" {
  source = "./modules/acl"
  rules  = local.other
}
output "first" {
  value = local.other[0]["rule_number"]
}
"#,
        );
        let (acls, value) = local(&program, "local.acls");
        assert_eq!(rule_number(&value), Some(Expr::String("100".into())));
        let declared = ConfigType::Map(Box::new(ConfigType::List(Box::new(ConfigType::Map(
            Box::new(ConfigType::String),
        )))));
        assert_eq!(program.local_types, vec![(acls, declared)]);
        // Also read by an output: the local keeps its number there.
        let (_, other) = local(&program, "local.other");
        assert_eq!(rule_number(&other), Some(Expr::Number("200".into())));
    }
}
