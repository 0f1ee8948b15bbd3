//! `module` blocks → components. A local module (`./modules/vpc`) is converted as a component program
//! of its own, from the example's files in that folder; a registry module cannot be downloaded here,
//! so it stays a reference by name, with a diagnostic.

use super::expr::ExprLowering;
use super::lower::range_kind;
use super::resource::provider_ref;
use super::{
    Component, ComponentProgram, ConfigType, NodeId, Program, Property, Range, ResourceOptions,
};
use crate::cache::MappingCache;
use crate::diagnostics::{Diagnostic, Severity, SourceSpan};
use crate::input::{is_terraform_path, Example};
use crate::mapping::{ScalarType, ValueType};
use crate::parse::{parse_file, SourceFile};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Structure};
use hcl_edit::Span;

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
    let declared = declared_input_types(&components);
    coerce_component_inputs(&mut program, &declared);
    settle_deferred_inputs(&mut program, &declared);
    for component in &mut components {
        coerce_component_inputs(&mut component.program, &declared);
        settle_deferred_inputs(&mut component.program, &declared);
    }
    check_deferred_inputs(&program, &components, &mut diagnostics);
    for component in &components {
        check_deferred_inputs(&component.program, &components, &mut diagnostics);
    }
    program.components = components;
    (program, diagnostics)
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
        });
    }
}
