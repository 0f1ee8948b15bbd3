//! TypeScript emitter: idiomatic `@pulumi/pulumi` programs.
//!
//! Values that come from resources and invokes are `Output`s: templates over them become
//! `pulumi.interpolate`, and operations on them are lifted with `apply` / `pulumi.all`.

mod attribute_defaults;

use super::output_lists;
use super::split_token;
use crate::diagnostics::{Diagnostic, Severity};
use crate::mapping::ScalarType;
use crate::model::{
    BinaryOp, Builtin, ConfigType, ConfigVar, Conversion, DeferredValue, Expr, ForExpr, Intrinsic,
    Invoke, Node, NodeId, NodeKind, ObjectKey, Program, Property, Range, RangeField, Resolution,
    Resource, ResourceGet, ResourceOptions, Step, TemplatePart, UnaryOp,
};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

const INDENT: &str = "    ";

/// Terraform's check of a required argument, for a value that may be undefined: a plain value is
/// checked at once, an `Output` when it resolves (the overloads give `T` and `Output<T>`; an `Output`
/// that holds an `Output` is flattened, as `apply` flattens it at run time).
const REQUIRED_VALUE_HELPER: &str = r#"/** Terraform's check of a required argument: a null value fails where the resource is created. */
function requiredValue<T>(value: pulumi.Output<T | undefined>, name: string): pulumi.Output<pulumi.Unwrap<T>>;
function requiredValue<T>(value: T | undefined, name: string): T;
function requiredValue<T>(value: pulumi.Output<T | undefined> | T | undefined, name: string): pulumi.Output<pulumi.Unwrap<T>> | T {
    const check = (item: T | undefined): T => {
        if (item === undefined || item === null) {
            throw new Error(`Null value for "${name}": Terraform requires a value here.`);
        }
        return item;
    };
    return pulumi.Output.isInstance<T | undefined>(value) ? pulumi.output(value.apply(check)) : check(value);
}

"#;

/// A map argument's elements are required by the SDKs; the runtime leaves an undefined one out when
/// it sends the map, and so does this, in a way the types can follow.
const DEFINED_ENTRIES_HELPER: &str = r#"/** A map without its undefined elements, which the Pulumi runtime would leave out. */
function definedEntries<T>(entries: Record<string, T | undefined>): Record<string, T> {
    const defined: Record<string, T> = {};
    for (const [key, value] of Object.entries(entries)) {
        if (value !== undefined && value !== null) {
            defined[key] = value;
        }
    }
    return defined;
}

"#;

/// Terraform's `lookup` on an object literal with a computed key: the literal is taken as a
/// `Record`, which a computed key may index. Without a default a missing key is an error, as in
/// Terraform.
const LOOKUP_HELPER: &str = r#"/** Terraform's `lookup`: the map's element for `key`, else the default; without one, an error. */
function lookup<T>(map: Record<string, T>, key: string): T;
function lookup<T, D>(map: Record<string, T>, key: string, fallback: D): T | D;
function lookup<T, D>(map: Record<string, T>, key: string, ...fallback: D[]): T | D {
    if (Object.prototype.hasOwnProperty.call(map, key)) {
        return map[key];
    }
    if (fallback.length > 0) {
        return fallback[0];
    }
    throw new Error(`The map has no element "${key}".`);
}

"#;

/// Starts a line that continues a multi-line template literal; removed before output.
const CONTINUATION: char = '\u{1}';

/// A local module's component class: where it lives and what it is called.
#[derive(Debug, Clone)]
pub struct ComponentClass {
    /// The module's folder in the example (`modules/vpc`).
    pub path: String,
    pub class: String,
    /// Module path of its file without extension, from the project root (`components/vpc`).
    pub file: String,
    /// Variables typed as plain values in the args interface rather than `pulumi.Input`s: every
    /// call site passes a plain value. Counts, conditions and optional arguments built from them
    /// then stay plain, as in the Terraform, instead of becoming outputs.
    pub plain_inputs: BTreeSet<String>,
}

/// Capitalised names of JavaScript's and Node's globals and TypeScript's global types, which the
/// generated code uses (`Object.keys`, `Record<...>`) and a component class must not shadow.
const GLOBAL_NAMES: &[&str] = &[
    "AggregateError",
    "Array",
    "ArrayBuffer",
    "Atomics",
    "Awaited",
    "BigInt",
    "Boolean",
    "Buffer",
    "DataView",
    "Date",
    "Error",
    "EvalError",
    "Exclude",
    "Extract",
    "FinalizationRegistry",
    "Function",
    "Infinity",
    "Intl",
    "Iterable",
    "Iterator",
    "JSON",
    "Map",
    "Math",
    "NaN",
    "NonNullable",
    "Number",
    "Object",
    "Omit",
    "Parameters",
    "Partial",
    "Pick",
    "Promise",
    "Proxy",
    "RangeError",
    "Readonly",
    "Record",
    "ReferenceError",
    "Reflect",
    "RegExp",
    "Required",
    "ReturnType",
    "Set",
    "String",
    "Symbol",
    "SyntaxError",
    "TextDecoder",
    "TextEncoder",
    "TypeError",
    "URIError",
    "URL",
    "URLSearchParams",
    "WeakMap",
    "WeakRef",
    "WeakSet",
];

/// Class names and files for every component program, unique within the project.
pub fn component_classes(program: &Program) -> Vec<ComponentClass> {
    let mut classes: Vec<ComponentClass> = Vec::new();
    for component in &program.components {
        let last = component
            .path
            .rsplit('/')
            .find(|s| !s.is_empty() && *s != "..")
            .unwrap_or("module");
        let camel = crate::mapping::camel_case(&last.replace(['-', '.'], "_"));
        let mut base = identifier(&crate::mapping::naming::upper_first(&camel));
        // A class named like a global would shadow it in its file and in every importer (and
        // `Object` is rejected outright): `ObjectModule`.
        if GLOBAL_NAMES.contains(&base.as_str()) {
            base.push_str("Module");
        }
        let mut class = base.clone();
        let mut n = 2;
        while classes.iter().any(|c| c.class == class) {
            class = format!("{base}{n}");
            n += 1;
        }
        let mut chars = class.chars();
        let lower: String = chars
            .next()
            .map(|c| c.to_ascii_lowercase())
            .into_iter()
            .chain(chars)
            .collect();
        let file = format!("components/{lower}");
        // Secrets stay outputs: that is what keeps them secret.
        let plain_inputs = component
            .program
            .nodes
            .iter()
            .filter_map(|n| match &n.kind {
                NodeKind::Config(config) if !config.secret => Some(config.key.clone()),
                _ => None,
            })
            .collect();
        classes.push(ComponentClass {
            path: component.path.clone(),
            class,
            file,
            plain_inputs,
        });
    }
    settle_plain_inputs(program, &mut classes);
    classes
}

/// Narrows every class's plain inputs to those that all call sites pass plain values for. Whether a
/// value is plain depends on the caller's own plain inputs, so this starts from all of them and
/// demotes until nothing changes; each round demotes at least one, which bounds the rounds.
fn settle_plain_inputs(program: &Program, classes: &mut [ComponentClass]) {
    let callers: Vec<(&Program, Option<usize>)> = std::iter::once((program, None))
        .chain(
            program
                .components
                .iter()
                .enumerate()
                .map(|(i, c)| (&c.program, Some(i))),
        )
        .collect();
    loop {
        let mut demoted: Vec<(usize, String)> = Vec::new();
        for (caller, own) in &callers {
            let plain = own
                .and_then(|i| classes.get(i))
                .map(|c| c.plain_inputs.clone())
                .unwrap_or_default();
            let mode = match own {
                None => Mode::Program,
                Some(_) => Mode::Component {
                    name: String::new(),
                    args: String::new(),
                },
            };
            let emitter = Emitter::new(caller, classes, mode, plain);
            for node in &caller.nodes {
                let NodeKind::Component(call) = &node.kind else {
                    continue;
                };
                let Some(callee) = call
                    .path
                    .as_ref()
                    .and_then(|path| classes.iter().position(|c| &c.path == path))
                else {
                    continue;
                };
                for input in &call.inputs {
                    let is_plain = classes
                        .get(callee)
                        .is_some_and(|c| c.plain_inputs.contains(&input.name));
                    if is_plain && emitter.is_output(&input.value) {
                        demoted.push((callee, input.name.clone()));
                    }
                }
            }
        }
        if demoted.is_empty() {
            return;
        }
        for (callee, key) in demoted {
            if let Some(class) = classes.get_mut(callee) {
                class.plain_inputs.remove(&key);
            }
        }
    }
}

/// The main program (`index.ts`).
pub fn emit(program: &Program, classes: &[ComponentClass]) -> (String, Vec<Diagnostic>) {
    emit_module(program, classes, None)
}

/// A component program as a `pulumi.ComponentResource` class in its own file.
pub fn emit_component(
    program: &Program,
    class: &ComponentClass,
    classes: &[ComponentClass],
) -> (String, Vec<Diagnostic>) {
    emit_module(program, classes, Some(class))
}

fn emit_module(
    program: &Program,
    classes: &[ComponentClass],
    component: Option<&ComponentClass>,
) -> (String, Vec<Diagnostic>) {
    let taken = |name: &str| program.nodes.iter().any(|n| n.name == name);
    let pick = |base: &str, alternative: &str| {
        if taken(base) {
            alternative.to_string()
        } else {
            base.to_string()
        }
    };
    let mode = match component {
        None => Mode::Program,
        Some(_) => Mode::Component {
            name: pick("name", "componentName"),
            args: pick("args", "componentArgs"),
        },
    };
    let plain = component
        .map(|c| c.plain_inputs.clone())
        .unwrap_or_default();
    let mut emitter = Emitter::new(program, classes, mode.clone(), plain);
    let mut body = String::new();
    let has_config = program
        .nodes
        .iter()
        .any(|n| matches!(n.kind, NodeKind::Config(_)));
    if has_config && component.is_none() {
        body.push_str("const config = new pulumi.Config();\n");
    }
    let mut previous: Option<(std::mem::Discriminant<NodeKind>, bool)> = None;
    for (id, node) in program.nodes.iter().enumerate() {
        emitter.current = Some(id);
        let mut statement = String::new();
        emitter.node(node, &mut statement);
        // Blank lines separate groups of one kind and every multi-line statement.
        let code_lines = statement.lines().filter(|l| !l.starts_with("//")).count();
        let multi_line = code_lines > 1;
        let kind = std::mem::discriminant(&node.kind);
        if previous.is_some_and(|(k, m)| k != kind || m || multi_line)
            || (previous.is_none() && has_config && component.is_none())
        {
            body.push('\n');
        }
        previous = Some((kind, multi_line));
        body.push_str(&statement);
    }

    let mut out = String::from("import * as pulumi from \"@pulumi/pulumi\";\n");
    let packages: BTreeSet<&str> = program.packages.iter().map(String::as_str).collect();
    for package in packages {
        let _ = writeln!(
            out,
            "import * as {} from \"@pulumi/{package}\";",
            package_identifier(package)
        );
    }
    if emitter.needs_std && !program.packages.contains("std") {
        out.push_str("import * as std from \"@pulumi/std\";\n");
    }
    if emitter.needs_fs {
        out.push_str("import * as fs from \"fs\";\n");
    }
    if emitter.needs_path {
        out.push_str("import * as path from \"path\";\n");
    }
    for class in classes
        .iter()
        .filter(|c| emitter.used_classes.contains(&c.class))
    {
        let from = match component {
            // Component files sit side by side in `components/`.
            Some(_) => format!("./{}", class.file.rsplit('/').next().unwrap_or(&class.file)),
            None => format!("./{}", class.file),
        };
        let _ = writeln!(
            out,
            "import {{ {} }} from {};",
            class.class,
            string_literal(&from)
        );
    }
    out.push('\n');
    if emitter.needs_single_or_none {
        out.push_str(
            "function singleOrNone<T>(items: T[]): T | undefined {\n    if (items.length > 1) {\n        throw new Error(\"expected at most one item\");\n    }\n    return items[0];\n}\n\n",
        );
    }
    if emitter.needs_group_by {
        out.push_str(
            "/** A `for` expression with `...`: values with the same key are grouped into lists. */\nfunction groupBy<T, V>(items: T[], key: (item: T) => string, value: (item: T) => V): Record<string, V[]> {\n    const groups: Record<string, V[]> = {};\n    for (const item of items) {\n        (groups[key(item)] ??= []).push(value(item));\n    }\n    return groups;\n}\n\n",
        );
    }
    if emitter.needs_try {
        out.push_str(
            "/**\n * Terraform's `try`: the first alternative that evaluates without an error. An earlier alternative\n * that is `undefined` counts as failed (a missing attribute is an error in Terraform); the last one\n * is the result even then (`try(x, null)`).\n */\nfunction tryValues<L>(only: () => L): L;\nfunction tryValues<T, L>(...alternatives: [...(() => T)[], () => L]): (T & ({} | null)) | L;\nfunction tryValues(...alternatives: (() => unknown)[]): unknown {\n    for (const [index, alternative] of alternatives.entries()) {\n        try {\n            const value = alternative();\n            if (value !== undefined || index === alternatives.length - 1) {\n                return value;\n            }\n        } catch {\n            // fall through to the next alternative\n        }\n    }\n    throw new Error(\"no alternative of try() could be evaluated\");\n}\n\n/** Terraform's `can`: whether the expression evaluates without an error. */\nfunction canEvaluate(expression: () => unknown): boolean {\n    try {\n        expression();\n        return true;\n    } catch {\n        return false;\n    }\n}\n\n",
        );
    }
    if emitter.needs_to_bool {
        out.push_str(
            "/** Terraform's `tobool`: a boolean or the string \"true\" or \"false\"; anything else is an error. */\nfunction toBool(value: unknown): boolean {\n    if (value === true || value === \"true\") {\n        return true;\n    }\n    if (value === false || value === \"false\") {\n        return false;\n    }\n    throw new Error(`cannot convert ${JSON.stringify(value)} to bool`);\n}\n\n",
        );
    }
    if emitter.needs_required {
        out.push_str(REQUIRED_VALUE_HELPER);
    }
    if emitter.needs_defined_entries {
        out.push_str(DEFINED_ENTRIES_HELPER);
    }
    if emitter.needs_lookup {
        out.push_str(LOOKUP_HELPER);
    }
    if emitter.needs_not_implemented {
        out.push_str(
            "function notImplemented(message: string): never {\n    throw new Error(message);\n}\n\n",
        );
    }
    match (component, &mode) {
        (Some(class), Mode::Component { name, args }) => {
            out.push_str(&component_class(program, class, name, args, &body))
        }
        _ => out.push_str(&body),
    }
    (out.replace(CONTINUATION, ""), emitter.diagnostics)
}

/// The class around a component's body: an args interface from its variables, output fields, and
/// the body inside the constructor.
fn component_class(
    program: &Program,
    class: &ComponentClass,
    name_param: &str,
    args_param: &str,
    body: &str,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "export interface {}Args {{", class.class);
    for node in &program.nodes {
        if let NodeKind::Config(config) = &node.kind {
            if let Some(description) = &config.description {
                let _ = writeln!(out, "{INDENT}/** {} */", description.replace("*/", "* /"));
            }
            let optional = if config.default.is_some() { "?" } else { "" };
            let ty = config.effective_type();
            let ty = if class.plain_inputs.contains(&config.key) {
                ts_type(&ty)
            } else {
                format!("pulumi.Input<{}>", input_ts_type(&ty))
            };
            let _ = writeln!(
                out,
                "{INDENT}{}{optional}: {ty};",
                property_key(&crate::mapping::camel_case(&config.key)),
            );
        }
    }
    out.push_str("}\n\n");
    let outputs: Vec<&Node> = program
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Output(_)))
        .collect();
    let _ = writeln!(
        out,
        "export class {} extends pulumi.ComponentResource {{",
        class.class
    );
    for node in &outputs {
        let _ = writeln!(
            out,
            "{INDENT}public readonly {}: pulumi.Output<any>;",
            node.name
        );
    }
    if !outputs.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{INDENT}constructor({name_param}: string, {args_param}: {}Args, opts?: pulumi.ComponentResourceOptions) {{",
        class.class
    );
    let _ = writeln!(
        out,
        "{INDENT}{INDENT}super({}, {name_param}, {args_param}, opts);",
        string_literal(&format!("components:index:{}", class.class))
    );
    for line in body.lines() {
        if line.is_empty() || line.starts_with(CONTINUATION) {
            let _ = writeln!(out, "{line}");
        } else {
            let _ = writeln!(out, "{INDENT}{INDENT}{line}");
        }
    }
    if !outputs.is_empty() {
        let fields: Vec<String> = outputs
            .iter()
            .map(|n| format!("{0}: this.{0}", n.name))
            .collect();
        let _ = writeln!(
            out,
            "{INDENT}{INDENT}this.registerOutputs({{ {} }});",
            fields.join(", ")
        );
    } else {
        let _ = writeln!(out, "{INDENT}{INDENT}this.registerOutputs({{}});");
    }
    let _ = writeln!(out, "{INDENT}}}");
    out.push_str("}\n");
    out
}

#[derive(Debug, Clone)]
enum Mode {
    Program,
    /// Inside a component class constructor, with its parameter names.
    Component {
        name: String,
        args: String,
    },
}

/// The identifier a package is imported as.
pub fn package_identifier(package: &str) -> String {
    match package {
        "kubernetes" => "k8s".to_string(),
        other => identifier(&other.replace(|c: char| !c.is_ascii_alphanumeric(), "_")),
    }
}

struct Emitter<'p> {
    program: &'p Program,
    output_memo: RefCell<HashMap<NodeId, bool>>,
    gathered_invoke_memo: RefCell<HashMap<NodeId, bool>>,
    output_list_memo: RefCell<HashMap<NodeId, bool>>,
    /// While emitting inside an `apply`: output-valued expressions → the callback parameter names.
    substitutions: Vec<(Expr, String)>,
    needs_not_implemented: bool,
    needs_fs: bool,
    diagnostics: Vec<Diagnostic>,
    current: Option<NodeId>,
    /// Identifiers of `count.index` / `each.key` / `each.value` inside a ranged resource.
    range_names: Option<RangeNames>,
    needs_single_or_none: bool,
    classes: &'p [ComponentClass],
    mode: Mode,
    /// In a component: its variables that are plain values (see `ComponentClass::plain_inputs`).
    plain_inputs: BTreeSet<String>,
    needs_std: bool,
    needs_group_by: bool,
    needs_path: bool,
    needs_try: bool,
    needs_to_bool: bool,
    /// `requiredValue`: a value that may be undefined goes into a required argument.
    needs_required: bool,
    /// `definedEntries`: a map argument's literal with elements that may be undefined.
    needs_defined_entries: bool,
    /// `lookup`: an object literal indexed by a computed key.
    needs_lookup: bool,
    /// Component classes this file instantiates (to import them).
    used_classes: BTreeSet<String>,
    /// Variables of the `for` expressions around the code being written, as emitted.
    bound_vars: Vec<String>,
    /// The static types of the `for` value variables around the code being written, by source name.
    var_types: Vec<(String, Option<ConfigType>)>,
    /// The `for` expression about to be written is a whole alternative of `try`: a collection that
    /// may be undefined (an optional resource attribute) is iterated with `?.`, whose `undefined`
    /// moves `tryValues` on as Terraform's error on a null collection moves `try` on.
    try_alternative_for: bool,
    /// Writing a variable's value as given, before its attribute defaults are filled in.
    reading_given_value: bool,
}

#[derive(Debug, Clone, Copy)]
struct RangeNames {
    index: &'static str,
    key: &'static str,
    value: &'static str,
}

impl RangeNames {
    fn for_range(_range: &Range) -> Self {
        RangeNames {
            index: "index",
            key: "key",
            value: "value",
        }
    }
}

impl<'p> Emitter<'p> {
    fn new(
        program: &'p Program,
        classes: &'p [ComponentClass],
        mode: Mode,
        plain_inputs: BTreeSet<String>,
    ) -> Self {
        Emitter {
            program,
            output_memo: RefCell::new(HashMap::new()),
            gathered_invoke_memo: RefCell::new(HashMap::new()),
            output_list_memo: RefCell::new(HashMap::new()),
            substitutions: Vec::new(),
            needs_not_implemented: false,
            needs_fs: false,
            diagnostics: Vec::new(),
            current: None,
            range_names: None,
            needs_single_or_none: false,
            classes,
            mode,
            plain_inputs,
            needs_std: false,
            needs_group_by: false,
            needs_path: false,
            needs_try: false,
            needs_to_bool: false,
            needs_required: false,
            needs_defined_entries: false,
            needs_lookup: false,
            used_classes: BTreeSet::new(),
            bound_vars: Vec::new(),
            var_types: Vec::new(),
            try_alternative_for: false,
            reading_given_value: false,
        }
    }

    fn node(&mut self, node: &Node, out: &mut String) {
        for line in &node.comments {
            let _ = writeln!(out, "// {line}");
        }
        let name = &node.name;
        match &node.kind {
            NodeKind::Config(config) if self.config_with_attribute_defaults(node, config, out) => {}
            NodeKind::Config(config) => {
                let value = match &self.mode {
                    Mode::Program => self.config(config),
                    Mode::Component { args, .. } => {
                        let field = format!(
                            "{args}.{}",
                            identifier(&crate::mapping::camel_case(&config.key))
                        );
                        let plain = self.plain_inputs.contains(&config.key);
                        match &config.default {
                            // A plain input is the value itself; its declared type keeps a
                            // literal default from narrowing it.
                            Some(default) if plain && *default != Expr::Null => {
                                let fallback = self.expr(default, 0);
                                let ty = ts_type(&config.effective_type());
                                let _ =
                                    writeln!(out, "const {name}: {ty} = {field} ?? {fallback};");
                                return;
                            }
                            _ if plain => field,
                            // A list, map or object default would otherwise give the value its
                            // literal's type, which need not be the declared one.
                            Some(default)
                                if *default != Expr::Null
                                    && matches!(
                                        config.ty,
                                        ConfigType::List(_)
                                            | ConfigType::Map(_)
                                            | ConfigType::Object(_)
                                    ) =>
                            {
                                let fallback = self.expr(default, 0);
                                format!(
                                    "pulumi.output<{}>({field} ?? {fallback})",
                                    input_ts_type(&config.ty)
                                )
                            }
                            // Left as the `Input<T> | undefined` it is, so it can go straight into an
                            // optional argument; `pulumi.output(...)` would make it an
                            // `Output<T | undefined>`, which no argument accepts. Lifting wraps it.
                            Some(Expr::Null) => field,
                            Some(default) => {
                                let fallback = self.expr(default, 0);
                                format!("pulumi.output({field} ?? {fallback})")
                            }
                            None => format!("pulumi.output({field})"),
                        }
                    }
                };
                let _ = writeln!(out, "const {name} = {value};");
            }
            // A placeholder for something with no Pulumi equivalent: it throws where it is
            // evaluated, and its attributes are unknown (`never` would reject every use).
            NodeKind::Local(value @ Expr::Unsupported(_)) => {
                let _ = writeln!(
                    out,
                    "const {name}: Record<string, any> = {};",
                    self.expr(value, 0)
                );
            }
            NodeKind::Local(value) => {
                let value = self.expr(value, 0);
                match self.declared_local_type() {
                    // TypeScript types a literal by its shape (objects of differing keys become a
                    // union with `?: undefined` members), which the module's input does not accept.
                    Some(ty) => {
                        let _ = writeln!(out, "const {name}: {} = {value};", ts_type(ty));
                    }
                    None => {
                        let _ = writeln!(out, "const {name} = {value};");
                    }
                }
            }
            NodeKind::Resource(resource) => self.resource(name, resource, out),
            NodeKind::Invoke(invoke) => self.invoke(name, invoke, out),
            NodeKind::Component(component) if self.class_of(component).is_some() => {
                self.component(name, component, out)
            }
            NodeKind::Component(component) => {
                self.needs_not_implemented = true;
                self.diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    code: "not-converted",
                    message: format!(
                        "module `{}` comes from `{}`, which is not downloaded: its component class cannot be generated",
                        component.logical_name, component.source
                    ),
                    span: node.span.clone(),
                });
                let _ = writeln!(
                    out,
                    "const {name}: Record<string, pulumi.Output<any>> = notImplemented({});",
                    string_literal(&format!("module {}", component.source))
                );
            }
            NodeKind::Deferred(deferred) => self.deferred(name, deferred, out),
            NodeKind::Resolve(resolution) => self.resolve(name, resolution, out),
            NodeKind::Output(output) => {
                let mut value = self.expr(&output.value, 0);
                if output.secret {
                    value = format!("pulumi.secret({value})");
                }
                match &self.mode {
                    Mode::Program => {
                        let _ = writeln!(out, "export const {name} = {value};");
                    }
                    Mode::Component { .. } => {
                        if !self.is_output(&output.value)
                            || self.is_plain_input(&output.value)
                            || self.is_output_list(&output.value)
                            || self.may_not_be_output(&output.value)
                        {
                            value = format!("pulumi.output({value})");
                        }
                        let _ = writeln!(out, "this.{name} = {value};");
                    }
                }
            }
        }
    }

    /// `new pkg.mod.Type(name, args, opts)`, in a loop for `count` / `for_each`.
    fn resource(&mut self, name: &str, resource: &Resource, out: &mut String) {
        let class = resource_class(&resource.token);
        self.construct(name, &class, resource, out);
    }

    fn construct(&mut self, name: &str, class: &str, resource: &Resource, out: &mut String) {
        let Some(range) = &resource.options.range else {
            let args = self.properties(&resource.properties, 0);
            let options = self.options(&resource.options, 0);
            let _ = writeln!(
                out,
                "const {name} = new {class}({}, {args}{options});",
                self.logical_name(&resource.logical_name, None)
            );
            return;
        };
        let (collection_expr, is_count) = match range {
            Range::Count(e) => (e, true),
            Range::ForEach(e) => (e, false),
        };
        let lifted = self.is_output(collection_expr);
        if lifted {
            self.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                code: "range-after-deploy",
                message: format!(
                    "the `{}` of `{}` is known only after deployment: the resources are created inside an `apply`, and `pulumi preview` will not show them",
                    if is_count { "count" } else { "for_each" },
                    resource.logical_name
                ),
                span: self.current_span(),
            });
        }
        let collection = if lifted {
            "range".to_string()
        } else if is_count && !is_arithmetic(collection_expr) {
            // `index < (create ? 1 : 0)`: a conditional or comparison binds looser than `<`.
            self.operand(collection_expr, 1)
        } else {
            self.expr(collection_expr, 1)
        };
        let saved = self.range_names.replace(RangeNames::for_range(range));
        let args = self.properties(&resource.properties, 1);
        let options = self.options(&resource.options, 1);
        self.range_names = saved;
        let mut body = String::new();
        if is_count {
            let _ = writeln!(out, "const {name}: {class}[] = [];");
            let _ = writeln!(
                body,
                "for (let index = 0; index < {collection}; index++) {{"
            );
            let _ = writeln!(
                body,
                "{INDENT}{name}.push(new {class}({}, {args}{options}));",
                self.logical_name(&resource.logical_name, Some("index"))
            );
        } else {
            let _ = writeln!(out, "const {name}: Record<string, {class}> = {{}};");
            let _ = writeln!(
                body,
                "for (const [key, value] of {}) {{",
                entries_of(collection_expr, &collection)
            );
            let _ = writeln!(
                body,
                "{INDENT}{name}[key] = new {class}({}, {args}{options});",
                self.logical_name(&resource.logical_name, Some("key"))
            );
        }
        body.push_str("}\n");
        if lifted {
            let source = self.output_expr(collection_expr, 0);
            let _ = writeln!(out, "{source}.apply(range => {{");
            for line in body.lines() {
                let _ = writeln!(out, "{INDENT}{line}");
            }
            out.push_str("});\n");
        } else {
            out.push_str(&body);
        }
    }

    fn class_of(&self, component: &crate::model::Component) -> Option<&ComponentClass> {
        let path = component.path.as_ref()?;
        self.classes.iter().find(|c| &c.path == path)
    }

    /// `new Vpc(name, args, opts)` for a local module, in a loop for `count` / `for_each`.
    fn component(&mut self, name: &str, component: &crate::model::Component, out: &mut String) {
        let Some(class) = self.class_of(component).map(|c| c.class.clone()) else {
            return;
        };
        self.used_classes.insert(class.clone());
        let inputs: Vec<Property> = component
            .inputs
            .iter()
            .map(|p| Property {
                name: crate::mapping::camel_case(&p.name),
                value: p.value.clone(),
                comments: p.comments.clone(),
            })
            .collect();
        let as_resource = Resource {
            tf_type: String::new(),
            token: String::new(),
            logical_name: component.logical_name.clone(),
            properties: inputs,
            options: component.options.clone(),
        };
        self.construct(name, &class, &as_resource, out);
    }

    /// `const [value, resolveValue] = pulumi.deferredOutput<T>();`, typed as the component input
    /// it is given to, unwrapped: the `Output` that resolves it is made from the input type (see
    /// `resolve`), and a lifted object type would not match a plain one.
    fn deferred(&mut self, name: &str, deferred: &DeferredValue, out: &mut String) {
        let resolver = self
            .current
            .and_then(|id| self.program.resolution_of(id))
            .and_then(|id| self.program.node(id))
            .map(|node| node.name.clone());
        let input = input_ts_type(&deferred.ty);
        let ty = if input == ts_type(&deferred.ty) {
            input
        } else {
            format!("pulumi.Unwrap<{input}>")
        };
        match resolver {
            Some(resolver) => {
                let _ = writeln!(
                    out,
                    "const [{name}, {resolver}] = pulumi.deferredOutput<{ty}>();"
                );
            }
            None => {
                let _ = writeln!(out, "const [{name}] = pulumi.deferredOutput<{ty}>();");
            }
        }
    }

    /// `resolveValue(pulumi.output<I>(value))`: the deferred output takes the value, as an `Output`
    /// made from the component's input type `I`, which the value was written for.
    fn resolve(&mut self, name: &str, resolution: &Resolution, out: &mut String) {
        let ty = self
            .program
            .node(resolution.deferred)
            .and_then(|node| match &node.kind {
                NodeKind::Deferred(deferred) => Some(input_ts_type(&deferred.ty)),
                _ => None,
            })
            .unwrap_or_else(|| "any".to_string());
        let value = self.expr(&resolution.value, 0);
        let _ = writeln!(out, "{name}(pulumi.output<{ty}>({value}));");
    }

    /// The logical-name argument: in a component, prefixed with the component's own name so that
    /// two instances do not collide.
    fn logical_name(&self, logical: &str, suffix: Option<&str>) -> String {
        let escaped = template_escape(logical);
        match (&self.mode, suffix) {
            (Mode::Program, None) => string_literal(logical),
            (Mode::Program, Some(s)) => format!("`{escaped}-${{{s}}}`"),
            (Mode::Component { name, .. }, None) => format!("`${{{name}}}-{escaped}`"),
            (Mode::Component { name, .. }, Some(s)) => {
                format!("`${{{name}}}-{escaped}-${{{s}}}`")
            }
        }
    }

    /// `pkg.mod.getThingOutput(args)`, mapped over `count` / `for_each`.
    fn invoke(&mut self, name: &str, invoke: &Invoke, out: &mut String) {
        if let Some(get) = &invoke.get {
            return self.get_existing(name, invoke, get, out);
        }
        let (package, module, member) = split_token(&invoke.token);
        let function = qualified(package, &module, &format!("{member}Output"));
        let mut invoke_options: Vec<String> = Vec::new();
        if matches!(self.mode, Mode::Component { .. }) {
            invoke_options.push("parent: this".to_string());
        }
        if let Some(provider) = &invoke.provider {
            invoke_options.push(format!("provider: {}", self.expr(provider, 0)));
        }
        let argless = takes_no_arguments(&invoke.token) && invoke.arguments.is_empty();
        let invoke_options = if invoke_options.is_empty() {
            String::new()
        } else if argless {
            format!("{{ {} }}", invoke_options.join(", "))
        } else {
            format!(", {{ {} }}", invoke_options.join(", "))
        };
        let Some(range) = &invoke.range else {
            let args = if argless {
                String::new()
            } else {
                self.properties(&invoke.arguments, 0)
            };
            let _ = writeln!(out, "const {name} = {function}({args}{invoke_options});");
            return;
        };
        let saved = self.range_names.replace(RangeNames::for_range(range));
        let args = if argless {
            String::new()
        } else {
            self.properties(&invoke.arguments, 1)
        };
        self.range_names = saved;
        // A range known only after deployment: the calls happen inside an `apply`, and
        // `pulumi.output` turns their list (or map) of outputs into one output of plain results.
        match range {
            Range::Count(count) if self.is_output(count) => {
                let count = self.output_expr(count, 0);
                let _ = writeln!(
                    out,
                    "const {name} = {count}.apply(length => pulumi.output(Array.from({{ length }}, (_, index) => {function}({args}{invoke_options}))));"
                );
            }
            Range::Count(count) => {
                let count = self.expr(count, 0);
                let _ = writeln!(
                    out,
                    "const {name} = Array.from({{ length: {count} }}, (_, index) => {function}({args}{invoke_options}));"
                );
            }
            Range::ForEach(collection) if self.is_output(collection) => {
                let text = self.output_expr(collection, 0);
                let entries = entries_of(collection, "range");
                let _ = writeln!(
                    out,
                    "const {name} = {text}.apply(range => pulumi.output(Object.fromEntries({entries}.map(([key, value]) => [key, {function}({args}{invoke_options})]))));"
                );
            }
            Range::ForEach(collection) => {
                let text = self.expr(collection, 0);
                let entries = entries_of(collection, &text);
                let _ = writeln!(
                    out,
                    "const {name} = Object.fromEntries({entries}.map(([key, value]) => [key, {function}({args}{invoke_options})]));"
                );
            }
        }
    }

    /// `pkg.mod.Thing.get(name, id, opts)` for a data source read as an existing resource, mapped
    /// over `count` / `for_each`.
    fn get_existing(&mut self, name: &str, invoke: &Invoke, get: &ResourceGet, out: &mut String) {
        let class = resource_class(&invoke.token);
        let mut options: Vec<String> = Vec::new();
        if matches!(self.mode, Mode::Component { .. }) {
            options.push("parent: this".to_string());
        }
        if let Some(provider) = &invoke.provider {
            options.push(format!("provider: {}", self.expr(provider, 0)));
        }
        if !invoke.depends_on.is_empty() {
            let deps: Vec<String> = invoke.depends_on.iter().map(|e| self.expr(e, 0)).collect();
            options.push(format!("dependsOn: [{}]", deps.join(", ")));
        }
        let options = if options.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", options.join(", "))
        };
        let Some(range) = &invoke.range else {
            let id = self.expr(&get.id, 0);
            let logical = self.logical_name(&get.logical_name, None);
            let _ = writeln!(out, "const {name} = {class}.get({logical}, {id}{options});");
            return;
        };
        let saved = self.range_names.replace(RangeNames::for_range(range));
        let id = self.expr(&get.id, 1);
        self.range_names = saved;
        match range {
            Range::Count(count) => {
                let count = self.expr(count, 0);
                let logical = self.logical_name(&get.logical_name, Some("index"));
                let _ = writeln!(
                    out,
                    "const {name} = Array.from({{ length: {count} }}, (_, index) => {class}.get({logical}, {id}{options}));"
                );
            }
            Range::ForEach(collection) => {
                let text = self.expr(collection, 0);
                let entries = entries_of(collection, &text);
                let logical = self.logical_name(&get.logical_name, Some("key"));
                let _ = writeln!(
                    out,
                    "const {name} = Object.fromEntries({entries}.map(([key, value]) => [key, {class}.get({logical}, {id}{options})]));"
                );
            }
        }
    }

    /// The type the module arguments a local is given to declare for it (`Program::local_types`).
    fn declared_local_type(&self) -> Option<&'p ConfigType> {
        let current = self.current?;
        self.program
            .local_types
            .iter()
            .find(|(id, _)| *id == current)
            .map(|(_, ty)| ty)
    }

    fn current_span(&self) -> crate::diagnostics::SourceSpan {
        self.current
            .and_then(|id| self.program.node(id))
            .map(|n| n.span.clone())
            .unwrap_or_default()
    }

    /// `, { dependsOn: [...], ... }` or nothing.
    fn options(&mut self, options: &ResourceOptions, level: usize) -> String {
        let inner = INDENT.repeat(level + 1);
        let mut lines: Vec<String> = Vec::new();
        if matches!(self.mode, Mode::Component { .. }) {
            lines.push("parent: this".to_string());
        }
        if !options.depends_on.is_empty() {
            let deps: Vec<String> = options
                .depends_on
                .iter()
                .map(|e| {
                    let text = self.expr(e, level + 1);
                    // A counted resource is an array of resources, a `for_each` one a record.
                    match self.range_kind_of(e) {
                        Some(true) => format!("...{text}"),
                        Some(false) => format!("...Object.values({text})"),
                        None => text,
                    }
                })
                .collect();
            lines.push(format!("dependsOn: [{}]", deps.join(", ")));
        }
        if let Some(provider) = &options.provider {
            lines.push(format!("provider: {}", self.expr(provider, level + 1)));
        }
        if !options.providers.is_empty() {
            let providers: Vec<String> = options
                .providers
                .iter()
                .map(|(_, e)| self.expr(e, level + 1))
                .collect();
            lines.push(format!("providers: [{}]", providers.join(", ")));
        }
        if let Some(protect) = &options.protect {
            lines.push(format!("protect: {}", self.expr(protect, level + 1)));
        }
        if !options.ignore_changes.is_empty() {
            let paths: Vec<String> = options
                .ignore_changes
                .iter()
                .map(|p| string_literal(p))
                .collect();
            lines.push(format!("ignoreChanges: [{}]", paths.join(", ")));
        }
        if let Some(dbr) = options.delete_before_replace {
            lines.push(format!("deleteBeforeReplace: {dbr}"));
        }
        if !options.custom_timeouts.is_empty() {
            let timeouts: Vec<String> = options
                .custom_timeouts
                .iter()
                .map(|(k, v)| format!("{}: {}", property_key(k), self.expr(v, level + 2)))
                .collect();
            lines.push(format!("customTimeouts: {{ {} }}", timeouts.join(", ")));
        }
        if !options.aliases.is_empty() {
            let aliases: Vec<String> = options
                .aliases
                .iter()
                .map(|a| format!("{{ name: {} }}", string_literal(a)))
                .collect();
            lines.push(format!("aliases: [{}]", aliases.join(", ")));
        }
        if let Some(id) = &options.import_id {
            lines.push(format!("import: {}", self.expr(id, level + 1)));
        }
        if lines.is_empty() {
            return String::new();
        }
        let mut out = String::from(", {\n");
        for line in lines {
            let _ = writeln!(out, "{inner}{line},");
        }
        out.push_str(&INDENT.repeat(level));
        out.push('}');
        out
    }

    fn config(&mut self, config: &ConfigVar) -> String {
        let key = string_literal(&config.key);
        let ty = config.effective_type();
        let (getter, type_arg) = match &ty {
            // A variable declared `any` takes structured values, which Pulumi config holds as
            // JSON (a string is the JSON string `"..."`); an untyped one takes strings.
            ConfigType::Any if config.typed => ("Object", "<any>".to_string()),
            ConfigType::String | ConfigType::Any => ("", String::new()),
            ConfigType::Number => ("Number", String::new()),
            ConfigType::Bool => ("Boolean", String::new()),
            other => ("Object", format!("<{}>", ts_type(other))),
        };
        let secret = if config.secret { "Secret" } else { "" };
        match &config.default {
            None => format!("config.require{secret}{getter}{type_arg}({key})"),
            Some(default) => {
                let mut fallback = self.expr(default, 0);
                if config.secret {
                    fallback = format!("pulumi.secret({fallback})");
                }
                let verb = format!("get{secret}{getter}");
                format!("config.{verb}{type_arg}({key}) ?? {fallback}")
            }
        }
    }

    fn properties(&mut self, properties: &[Property], level: usize) -> String {
        if properties.is_empty() {
            return "{}".to_string();
        }
        let inner = INDENT.repeat(level + 1);
        let mut out = String::from("{\n");
        for property in properties {
            for line in &property.comments {
                let _ = writeln!(out, "{inner}// {line}");
            }
            let _ = writeln!(
                out,
                "{inner}{}: {},",
                property_key(&property.name),
                self.expr(&property.value, level + 1)
            );
        }
        out.push_str(&INDENT.repeat(level));
        out.push('}');
        out
    }

    /// Whether an expression evaluates to a `pulumi.Output`.
    fn is_output(&self, expr: &Expr) -> bool {
        // Exactly when lifting has something to lift: the same walk decides both.
        let mut found = false;
        self.for_each_output_leaf(expr, &mut |_| found = true);
        found
    }

    /// An output-valued expression, as an `Output` (a plain input is wrapped, a list of outputs
    /// gathered).
    fn output_expr(&mut self, expr: &Expr, level: usize) -> String {
        let text = self.expr(expr, level);
        // A list or object literal holding outputs is written as itself, not lifted.
        if self.is_plain_input(expr) || matches!(expr, Expr::List(_) | Expr::Object(_)) {
            format!("pulumi.output({text})")
        } else if self.is_output_list(expr) {
            format!("pulumi.all({text})")
        } else {
            text
        }
    }

    /// Whether `expr` is a whole reference to a component input that may be undefined (a null
    /// default), emitted as the `Input<T> | undefined` it is rather than as an `Output`; it is
    /// wrapped in `pulumi.output(...)` wherever an `Output` is needed.
    fn is_plain_input(&self, expr: &Expr) -> bool {
        (matches!(self.mode, Mode::Component { .. })
            && self.may_be_undefined(expr)
            && self.is_output(expr))
            || self.may_be_plain(expr, self.program.nodes.len())
    }

    /// Whether an output-valued expression may be a plain value when it runs: a conditional that
    /// chooses between an output and a plain value without lifting (its type is their union), or
    /// a local holding one. `depth` bounds the walk through locals (alias cycles are possible).
    fn may_be_plain(&self, expr: &Expr, depth: usize) -> bool {
        match expr {
            Expr::Conditional(cond, then, otherwise)
                if !self.is_lifted_conditional(cond, then, otherwise)
                    && !self.is_output_list(expr) =>
            {
                let branch_plain =
                    |e: &Expr| !self.is_output(e) || self.may_be_plain(e, depth.saturating_sub(1));
                self.is_output(expr) && (branch_plain(then) || branch_plain(otherwise))
            }
            Expr::Ref { node, path } if path.is_empty() && depth > 0 => {
                match self.program.node(*node).map(|n| &n.kind) {
                    Some(NodeKind::Local(value)) => self.may_be_plain(value, depth - 1),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Whether `expr` is a whole reference to a variable whose default is null: `undefined` when
    /// not set, in a program (`config.get(...)`) as in a component.
    fn may_be_undefined(&self, expr: &Expr) -> bool {
        self.program.is_null_default_variable(expr)
    }

    /// Whether `expr` is a plain array of outputs: a splat over counted resources, modules or data
    /// sources (`aws_subnet.a[*].id` is `a.map(item => item.id)`, an `Output<string>[]`), a
    /// conditional choosing between such a list and a plain value, or a local holding one. It is
    /// an input as it is; reading its values takes `pulumi.all`.
    fn is_output_list(&self, expr: &Expr) -> bool {
        output_lists::is_output_list(self, expr)
    }

    /// Whether a node is emitted as an array of output-valued objects: counted resources and
    /// modules, and counted data sources whose count is known before deployment (otherwise the
    /// results are one output of a list).
    fn is_counted_outputs(&self, id: NodeId) -> bool {
        match self.program.node(id).map(|n| &n.kind) {
            Some(NodeKind::Resource(r)) => matches!(r.options.range, Some(Range::Count(_))),
            Some(NodeKind::Component(c)) => matches!(c.options.range, Some(Range::Count(_))),
            Some(NodeKind::Invoke(i)) => {
                matches!(i.range, Some(Range::Count(_))) && !self.is_gathered_invoke(id)
            }
            _ => false,
        }
    }

    /// Whether a node is a ranged data source whose range is known only after deployment: its
    /// results are then one output of a list (or map), and a whole reference to it is an output.
    fn is_gathered_invoke(&self, id: NodeId) -> bool {
        if let Some(known) = self.gathered_invoke_memo.borrow().get(&id) {
            return *known;
        }
        // Provisional answer guards against ranges that refer to each other.
        self.gathered_invoke_memo.borrow_mut().insert(id, false);
        let result = match self.program.node(id).map(|n| &n.kind) {
            Some(NodeKind::Invoke(i)) => match &i.range {
                Some(Range::Count(e) | Range::ForEach(e)) => self.is_output(e),
                None => false,
            },
            _ => false,
        };
        self.gathered_invoke_memo.borrow_mut().insert(id, result);
        result
    }

    /// Whether a conditional is emitted inside an `apply`: when its condition is an output, or when
    /// one branch is a list of outputs and the other an output (their union is no `Input`).
    fn is_lifted_conditional(&self, cond: &Expr, then: &Expr, otherwise: &Expr) -> bool {
        let only_output = |e: &Expr| self.is_output(e) && !self.is_output_list(e);
        self.is_output(cond)
            || (self.is_output_list(then) && only_output(otherwise))
            || (only_output(then) && self.is_output_list(otherwise))
    }

    /// Whether an output-valued expression may still be a plain value: a conditional not emitted
    /// inside an `apply`, one of whose branches may be plain (or a list of outputs).
    fn may_not_be_output(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Conditional(cond, then, otherwise) => {
                !self.is_lifted_conditional(cond, then, otherwise)
            }
            _ => false,
        }
    }

    fn node_is_output(&self, id: NodeId) -> bool {
        if let Some(known) = self.output_memo.borrow().get(&id) {
            return *known;
        }
        // Provisional answer guards against cycles (already reported by the model).
        self.output_memo.borrow_mut().insert(id, false);
        let result = match self.program.node(id).map(|n| &n.kind) {
            Some(
                NodeKind::Resource(_)
                | NodeKind::Invoke(_)
                | NodeKind::Component(_)
                | NodeKind::Deferred(_),
            ) => true,
            Some(NodeKind::Config(c)) => {
                c.secret
                    || (matches!(self.mode, Mode::Component { .. })
                        && !self.plain_inputs.contains(&c.key))
            }
            Some(NodeKind::Local(value)) => self.is_output(value),
            Some(NodeKind::Output(_) | NodeKind::Resolve(_)) | None => false,
        };
        self.output_memo.borrow_mut().insert(id, result);
        result
    }

    /// For a whole reference to a ranged resource or component: whether it is counted
    /// (`Some(true)`) or `for_each` (`Some(false)`).
    fn range_kind_of(&self, expr: &Expr) -> Option<bool> {
        let Expr::Ref { node, path } = expr else {
            return None;
        };
        if !path.is_empty() {
            return None;
        }
        let range = match self.program.node(*node).map(|n| &n.kind) {
            Some(NodeKind::Resource(r)) => r.options.range.as_ref(),
            Some(NodeKind::Component(c)) => c.options.range.as_ref(),
            _ => None,
        }?;
        Some(matches!(range, Range::Count(_)))
    }

    /// How many leading steps of a reference to an output-valued node are taken on the output
    /// itself, through `Output`'s lifted properties; the rest are taken inside an `apply`.
    /// Lifting works for lists and objects of a known shape; a config value that may be
    /// undefined, a map (whose index signature would shadow `apply`) or an untyped value is
    /// entered through `apply`, where the plain value's type is known.
    fn output_prefix_len(&self, node: NodeId, path: &[Step]) -> usize {
        let whole = Expr::Ref {
            node,
            path: Vec::new(),
        };
        // A list of outputs is gathered whole (its elements need not all be outputs).
        if !path.is_empty() && self.is_output_list(&whole) {
            return 0;
        }
        let Some(NodeKind::Config(config)) = self.program.node(node).map(|n| &n.kind) else {
            return path.len();
        };
        if matches!(config.default, Some(Expr::Null)) {
            return 0;
        }
        let mut ty = config.effective_type();
        let mut taken = 0;
        for step in path {
            let next = match (step, ty) {
                (Step::Index(_), ConfigType::List(inner)) => *inner,
                (Step::Attr(name), ConfigType::Object(fields)) => {
                    match fields.into_iter().find(|field| field.name == *name) {
                        Some(field) => field.ty,
                        None => break,
                    }
                }
                _ => break,
            };
            if matches!(next, ConfigType::Map(_) | ConfigType::Any) {
                break;
            }
            ty = next;
            taken += 1;
        }
        taken
    }

    /// The parameter standing for a substituted leading part of a reference, and the steps past it.
    fn substituted_prefix<'s>(
        &self,
        node: NodeId,
        path: &'s [Step],
    ) -> Option<(String, &'s [Step])> {
        self.substitutions.iter().find_map(|(e, name)| match e {
            Expr::Ref {
                node: n,
                path: head,
            } if *n == node && head.len() < path.len() => path
                .strip_prefix(head.as_slice())
                .map(|rest| (name.clone(), rest)),
            _ => None,
        })
    }

    /// Visits the maximal output-valued references in `expr` that are not substituted yet.
    fn for_each_output_leaf(&self, expr: &Expr, f: &mut dyn FnMut(&Expr)) {
        if self.substitutions.iter().any(|(e, _)| e == expr) {
            return;
        }
        match expr {
            Expr::Ref { node, path } => {
                let indexed = matches!(path.first(), Some(Step::Index(_)));
                if self.node_is_output(*node)
                    && (indexed || !self.program.is_ranged(*node) || self.is_gathered_invoke(*node))
                {
                    match path.split_at_checked(self.output_prefix_len(*node, path)) {
                        Some((head, rest)) if !rest.is_empty() => {
                            let leaf = Expr::Ref {
                                node: *node,
                                path: head.to_vec(),
                            };
                            if !self.substitutions.iter().any(|(e, _)| *e == leaf) {
                                f(&leaf);
                            }
                            for step in rest {
                                if let Step::Index(e) = step {
                                    self.for_each_output_leaf(e, f);
                                }
                            }
                        }
                        _ => f(expr),
                    }
                } else {
                    for step in path {
                        if let Step::Index(e) = step {
                            self.for_each_output_leaf(e, f);
                        }
                    }
                }
            }
            Expr::Call { name, args } if self.is_std_invoke(name, args) => f(expr),
            // The length of a list of outputs is plain: nothing in it needs lifting.
            Expr::Call { name, args }
                if name == "length"
                    && matches!(args.as_slice(), [list] if self.is_output_list(list)) => {}
            Expr::Splat(..) if self.is_output_list(expr) => f(expr),
            // Its outputs cannot be lifted past the variables they read: the whole `for` is one.
            Expr::For(for_expr) if self.has_element_outputs(for_expr) => f(expr),
            other => other.children(&mut |child| self.for_each_output_leaf(child, f)),
        }
    }

    /// Whether the value of a `for` expression is an output computed from the loop variables (a
    /// `std` invoke over them, a ranged resource indexed by them): such a `for` yields a list or
    /// map of outputs, gathered with `pulumi.all`. Keys, conditions and grouping need plain values
    /// and are lifted as before.
    fn has_element_outputs(&self, for_expr: &ForExpr) -> bool {
        if for_expr.grouping {
            return false;
        }
        let vars: Vec<&str> = for_expr
            .key_var
            .iter()
            .map(String::as_str)
            .chain([for_expr.value_var.as_str()])
            .collect();
        let reads_vars = |e: &Expr| {
            let mut found = false;
            self.for_each_output_leaf(e, &mut |leaf| {
                found = found || vars.iter().any(|v| mentions_var(leaf, v));
            });
            found
        };
        reads_vars(&for_expr.value)
            && !for_expr.key.as_ref().is_some_and(reads_vars)
            && !for_expr.condition.as_ref().is_some_and(reads_vars)
    }

    /// A `for` expression with outputs per element: `pulumi.all(...)` over the mapped elements,
    /// inside an `apply` over the collection when that is an output too.
    fn element_outputs_for(&mut self, for_expr: &ForExpr, level: usize) -> String {
        let gather =
            |emitter: &mut Self| format!("pulumi.all({})", emitter.for_expr(for_expr, level));
        if self.is_output(&for_expr.collection) {
            self.lifted_with(&for_expr.collection, level, gather)
        } else {
            gather(self)
        }
    }

    /// Emits `expr` inside an `apply` over its output-valued references.
    fn lifted(&mut self, expr: &Expr, level: usize) -> String {
        self.lifted_with(expr, level, |emitter| emitter.expr(expr, level))
    }

    /// Emits what `render` writes inside an `apply` over the output-valued references in `root`.
    fn lifted_with(
        &mut self,
        root: &Expr,
        level: usize,
        render: impl FnOnce(&mut Self) -> String,
    ) -> String {
        let mut leaves: Vec<Expr> = Vec::new();
        self.for_each_output_leaf(root, &mut |leaf| {
            if !leaves.contains(leaf) {
                leaves.push(leaf.clone());
            }
        });
        let mut sources = Vec::new();
        let mut params = Vec::new();
        // Parameters must not shadow the names the body uses or binds.
        let mut taken = Vec::new();
        self.names_in(root, &mut taken);
        for leaf in &leaves {
            sources.push(self.output_expr(leaf, level));
            let param = self.parameter_name(leaf, &taken);
            taken.push(param.clone());
            params.push(param);
        }
        let pushed = leaves.len();
        self.substitutions
            .extend(leaves.into_iter().zip(params.iter().cloned()));
        let mut body = render(self);
        if body.starts_with('{') {
            body = format!("({body})"); // an arrow function returning an object literal
        }
        let keep = self.substitutions.len().saturating_sub(pushed);
        self.substitutions.truncate(keep);
        match (sources.as_slice(), params.as_slice()) {
            ([source], [param]) => format!("{source}.apply({param} => {body})"),
            _ => {
                let (all, pattern) = gathered(&sources, &params);
                format!("{all}.apply(({pattern}) => {body})")
            }
        }
    }

    /// The identifiers `expr` is emitted with that are neither nodes nor parameters: variables of
    /// `for` expressions and the `count` / `for_each` names.
    fn names_in(&self, expr: &Expr, names: &mut Vec<String>) {
        match expr {
            Expr::Var(name) => names.push(identifier(name)),
            Expr::Range(field) => names.push(self.range_name(field).to_string()),
            Expr::For(for_expr) => {
                names.extend(for_expr.key_var.iter().map(|k| identifier(k)));
                names.push(identifier(&for_expr.value_var));
            }
            _ => {}
        }
        expr.children(&mut |child| self.names_in(child, names));
    }

    fn range_name(&self, field: &RangeField) -> &'static str {
        let names = self.range_names.unwrap_or(RangeNames {
            index: "index",
            key: "key",
            value: "value",
        });
        match field {
            RangeField::Index => names.index,
            RangeField::Key => names.key,
            RangeField::Value => names.value,
        }
    }

    fn parameter_name(&self, leaf: &Expr, taken: &[String]) -> String {
        let base = match leaf {
            Expr::Ref { node, path } => path
                .iter()
                .rev()
                .find_map(|s| match s {
                    Step::Attr(a) if is_identifier(a) => Some(a.clone()),
                    _ => None,
                })
                .or_else(|| self.program.node(*node).map(|n| n.name.clone()))
                .unwrap_or_else(|| "value".to_string()),
            // The attribute the list gathers, as a plural: `ids` for `a[*].id`.
            Expr::Splat(_, steps) => match steps.last() {
                Some(Step::Attr(a)) if is_identifier(a) && a.ends_with('s') => format!("{a}List"),
                Some(Step::Attr(a)) if is_identifier(a) => format!("{a}s"),
                _ => "values".to_string(),
            },
            _ => "value".to_string(),
        };
        let node_names = |name: &str| self.program.nodes.iter().any(|n| n.name == name);
        let in_scope = |name: &str| {
            taken.iter().any(|t| t == name)
                || self.substitutions.iter().any(|(_, p)| p == name)
                || self.bound_vars.iter().any(|v| v == name)
                || self
                    .range_names
                    .is_some_and(|r| [r.index, r.key, r.value].contains(&name))
                || node_names(name)
                || matches!(name, "pulumi" | "config" | "fs")
        };
        let mut candidate = base.clone();
        let mut n = 2;
        while in_scope(&candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        candidate
    }

    /// `requiredValue(value, "name")` for [`Intrinsic::Required`]: `value` is already emitted, as an
    /// `Output` or a plain value alike (the helper takes both).
    fn required_value(&mut self, value: String, args: &[Expr]) -> String {
        self.needs_required = true;
        let name = match args.get(1) {
            Some(Expr::String(name)) => name.as_str(),
            _ => "value",
        };
        format!("requiredValue({value}, {})", string_literal(name))
    }

    fn expr(&mut self, expr: &Expr, level: usize) -> String {
        if let Some((_, name)) = self.substitutions.iter().find(|(e, _)| e == expr) {
            return name.clone();
        }
        match expr {
            Expr::Null => "undefined".to_string(),
            Expr::Bool(b) => b.to_string(),
            Expr::Number(n) => n.clone(),
            Expr::String(s) => string_literal(s),
            Expr::Template(parts) => {
                let mut body = String::new();
                let interpolate = self.is_output(expr);
                self.template_parts(parts, level, &mut body);
                if interpolate {
                    format!("pulumi.interpolate`{body}`")
                } else {
                    format!("`{body}`")
                }
            }
            Expr::List(items) => {
                let rendered: Vec<String> = items.iter().map(|e| self.expr(e, level + 1)).collect();
                let total: usize = rendered.iter().map(String::len).sum();
                if rendered.iter().any(|r| r.contains('\n')) || total > 80 {
                    let inner = INDENT.repeat(level + 1);
                    let mut out = String::from("[\n");
                    for item in rendered {
                        let _ = writeln!(out, "{inner}{item},");
                    }
                    out.push_str(&INDENT.repeat(level));
                    out.push(']');
                    out
                } else {
                    format!("[{}]", rendered.join(", "))
                }
            }
            Expr::Object(entries) => {
                if entries.is_empty() {
                    return "{}".to_string();
                }
                let inner = INDENT.repeat(level + 1);
                let mut out = String::from("{\n");
                for (key, value) in entries {
                    let key = match key {
                        ObjectKey::Name(name) => property_key(name),
                        ObjectKey::Expr(e) => format!("[{}]", self.expr(e, level + 1)),
                    };
                    let _ = writeln!(out, "{inner}{key}: {},", self.expr(value, level + 1));
                }
                out.push_str(&INDENT.repeat(level));
                out.push('}');
                out
            }
            Expr::Ref { node, path } => {
                if let Some((param, rest)) = self.substituted_prefix(*node, path) {
                    let mut out = param;
                    self.steps(&mut out, rest, level);
                    return out;
                }
                if self.output_prefix_len(*node, path) < path.len() && self.is_output(expr) {
                    return self.lifted(expr, level);
                }
                let mut out = self
                    .program
                    .node(*node)
                    .map_or_else(|| "undefined".to_string(), |n| n.name.clone());
                self.steps(&mut out, path, level);
                out
            }
            Expr::Access(base, path) => {
                if self.is_output(expr) {
                    return self.lifted(expr, level);
                }
                if let Some((mut out, rest)) = self.literal_map_access(base, path, level) {
                    self.steps(&mut out, rest, level);
                    return out;
                }
                let mut out = self.operand(base, level);
                self.steps(&mut out, path, level);
                out
            }
            Expr::Unary(op, operand) => {
                if self.is_output(expr) {
                    return self.lifted(expr, level);
                }
                let symbol = match op {
                    UnaryOp::Neg => "-",
                    UnaryOp::Not => "!",
                };
                format!("{symbol}{}", self.operand(operand, level))
            }
            Expr::Binary(op, lhs, rhs) => {
                if self.is_output(expr) {
                    return self.lifted(expr, level);
                }
                format!(
                    "{} {} {}",
                    self.operand(lhs, level),
                    binary_symbol(*op),
                    self.operand(rhs, level)
                )
            }
            Expr::Conditional(cond, then, otherwise) => {
                if self.is_lifted_conditional(cond, then, otherwise) {
                    return self.lifted(expr, level);
                }
                format!(
                    "{} ? {} : {}",
                    self.operand(cond, level),
                    self.operand(then, level),
                    self.operand(otherwise, level)
                )
            }
            Expr::Call { name, args } => {
                // A `std` invoke takes inputs and returns an output: nothing to lift.
                if !self.is_std_invoke(name, args) && self.is_output(expr) {
                    return self.lifted(expr, level);
                }
                self.call(name, args, level)
            }
            Expr::Unsupported(text) => {
                self.needs_not_implemented = true;
                format!("notImplemented({})", string_literal(text))
            }
            Expr::Var(name) => identifier(name),
            Expr::Range(field) => self.range_name(field).to_string(),
            Expr::Builtin(builtin) => match builtin {
                Builtin::StackName => "pulumi.getStack()".to_string(),
                Builtin::PathModule | Builtin::PathRoot => "\".\"".to_string(),
                Builtin::PathCwd => "process.cwd()".to_string(),
            },
            Expr::Intrinsic(Intrinsic::Convert(conversion), args) => {
                self.converted(expr, *conversion, args, level)
            }
            Expr::Intrinsic(intrinsic, args) => {
                if self.is_output(expr) && matches!(intrinsic, Intrinsic::SingleOrNone) {
                    return self.lifted(expr, level);
                }
                let arg = args
                    .first()
                    .map_or_else(|| "undefined".to_string(), |a| self.expr(a, level));
                match intrinsic {
                    Intrinsic::FileAsset => format!("new pulumi.asset.FileAsset({arg})"),
                    Intrinsic::StringAsset => format!("new pulumi.asset.StringAsset({arg})"),
                    Intrinsic::SingleOrNone => {
                        self.needs_single_or_none = true;
                        format!("singleOrNone({arg})")
                    }
                    Intrinsic::Convert(_) => arg,
                    Intrinsic::Required => self.required_value(arg, args),
                    Intrinsic::DefinedEntries => {
                        self.needs_defined_entries = true;
                        format!("definedEntries({arg})")
                    }
                }
            }
            Expr::For(for_expr) => {
                if self.has_element_outputs(for_expr) {
                    return self.element_outputs_for(for_expr, level);
                }
                if self.is_output(&for_expr.collection) {
                    return self.lifted(expr, level);
                }
                self.for_expr(for_expr, level)
            }
            Expr::Splat(source, steps) => {
                if self.is_output(source) {
                    return self.lifted(expr, level);
                }
                let base = self.operand(source, level);
                let mut each = String::from("item");
                self.steps(&mut each, steps, level);
                format!("{base}.map(item => {each})")
            }
        }
    }

    /// Terraform's implicit conversion of a value to its field's primitive type: `Number(x)`,
    /// `String(x)`; a value that may be null stays undefined.
    fn converted(
        &mut self,
        whole: &Expr,
        conversion: Conversion,
        args: &[Expr],
        level: usize,
    ) -> String {
        let Some(inner) = args.first() else {
            return "undefined".to_string();
        };
        let Some((from, to)) = conversion.needed() else {
            return self.expr(inner, level);
        };
        if self.is_output(whole) {
            return self.lifted(whole, level);
        }
        // `lookup(m, k, null)` is tested on the element itself: `m[k] === undefined ? ...`.
        let element = match inner {
            Expr::Call { name, args } if name == "lookup" && conversion.nullable => args
                .get(..2)
                .filter(|_| matches!(args.get(2), Some(Expr::Null)))
                .map(|head| Expr::Call {
                    name: name.clone(),
                    args: head.to_vec(),
                }),
            _ => None,
        };
        let value = self.operand(element.as_ref().unwrap_or(inner), level);
        let converted = match (from, to) {
            (ScalarType::String, ScalarType::Number) => format!("Number({value})"),
            // go-cty reads exactly "true"/"1" as true ("false"/"0" as false).
            (ScalarType::String, ScalarType::Bool) => {
                format!("[\"true\", \"1\"].includes({value})")
            }
            _ => format!("String({value})"),
        };
        if conversion.nullable {
            format!("({value} === undefined ? undefined : {converted})")
        } else {
            converted
        }
    }

    /// `[for k, v in c : value if cond]` → `c.map(...)` / `Object.entries(c)...`.
    fn for_expr(&mut self, for_expr: &ForExpr, level: usize) -> String {
        let optional_collection = std::mem::take(&mut self.try_alternative_for);
        let collection = self.operand(&for_expr.collection, level);
        let value_var = identifier(&for_expr.value_var);
        let (source, params) = match &for_expr.key_var {
            // Without a filter the callback's own index is the list index.
            Some(key)
                if for_expr.condition.is_none()
                    && self.is_sequence(&for_expr.collection, self.program.nodes.len()) =>
            {
                (
                    collection.clone(),
                    format!("({value_var}, {})", identifier(key)),
                )
            }
            Some(key) => (
                self.for_entries(&for_expr.collection, &collection),
                format!("([{}, {value_var}])", identifier(key)),
            ),
            None if (for_expr.key.is_some()
                && !self.is_sequence(&for_expr.collection, self.program.nodes.len()))
                || self.is_map_valued(&for_expr.collection) =>
            {
                (
                    format!("Object.values({collection})"),
                    format!("({value_var})"),
                )
            }
            // `x?.map(...)`: the whole chain is undefined when `x` is.
            None if optional_collection && for_expr.key.is_none() => {
                (format!("{collection}?"), format!("({value_var})"))
            }
            None => (collection.clone(), format!("({value_var})")),
        };
        // Callbacks over an `any` collection get no parameter types from it: they are stated.
        let depth = self.program.nodes.len();
        let untyped = matches!(
            self.static_type(&for_expr.collection, depth),
            Some(ConfigType::Any)
        );
        let params = match (untyped, &for_expr.key_var) {
            (false, _) => params,
            (true, Some(key)) if params.starts_with("([") => {
                format!("([{}, {value_var}]: [string, any])", identifier(key))
            }
            (true, Some(key)) => format!("({value_var}: any, {}: number)", identifier(key)),
            (true, None) => format!("({value_var}: any)"),
        };
        let element_type = self.element_type(&for_expr.collection, depth);
        let outer_types = self.var_types.len();
        self.var_types
            .push((for_expr.value_var.clone(), element_type));
        let outer_vars = self.bound_vars.len();
        self.bound_vars.extend(
            for_expr
                .key_var
                .iter()
                .map(|k| identifier(k))
                .chain([value_var.clone()]),
        );
        let value = self.expr(&for_expr.value, level);
        let value = if value.starts_with('{') {
            format!("({value})")
        } else {
            value
        };
        let filtered = match &for_expr.condition {
            Some(cond) => {
                let cond = self.expr(cond, level);
                format!("{source}.filter({params} => {cond})")
            }
            None => source,
        };
        let result = match &for_expr.key {
            None => format!("{filtered}.map({params} => {value})"),
            Some(key) => {
                let key = self.expr(key, level);
                if for_expr.grouping {
                    self.needs_group_by = true;
                    format!("groupBy({filtered}, {params} => {key}, {params} => {value})")
                } else {
                    format!("Object.fromEntries({filtered}.map({params} => [{key}, {value}]))")
                }
            }
        };
        self.bound_vars.truncate(outer_vars);
        self.var_types.truncate(outer_types);
        result
    }

    /// The type of a value as far as the variables' declared types tell (`Any` is TypeScript's
    /// `any`); `None` where nothing is known. `depth` bounds the walk through locals.
    fn static_type(&self, expr: &Expr, depth: usize) -> Option<ConfigType> {
        let depth = depth.checked_sub(1)?;
        match expr {
            Expr::Ref { node, path } => {
                let base = match &self.program.node(*node)?.kind {
                    NodeKind::Config(config) => config.effective_type(),
                    NodeKind::Local(Expr::Unsupported(_)) if !path.is_empty() => {
                        return Some(ConfigType::Any)
                    }
                    NodeKind::Local(value) => self.static_type(value, depth)?,
                    // A component's outputs are declared `pulumi.Output<any>`, a placeholder's
                    // attributes `any`.
                    NodeKind::Component(_) if path.iter().any(|s| matches!(s, Step::Attr(_))) => {
                        return Some(ConfigType::Any)
                    }
                    _ => return None,
                };
                type_at(base, path)
            }
            Expr::Var(name) => self
                .var_types
                .iter()
                .rev()
                .find(|(var, _)| var == name)
                .and_then(|(_, ty)| ty.clone()),
            Expr::Range(RangeField::Value) => {
                let node = self.program.node(self.current?)?;
                let range = match &node.kind {
                    NodeKind::Resource(r) => r.options.range.as_ref(),
                    NodeKind::Component(c) => c.options.range.as_ref(),
                    NodeKind::Invoke(i) => i.range.as_ref(),
                    _ => None,
                }?;
                match range {
                    Range::ForEach(collection) => match self.static_type(collection, depth)? {
                        ConfigType::Map(inner) | ConfigType::List(inner) => Some(*inner),
                        _ => None,
                    },
                    Range::Count(_) => None,
                }
            }
            Expr::Access(base, path) => type_at(self.static_type(base, depth)?, path),
            Expr::Conditional(_, then, otherwise) => {
                let then_type = self.static_type(then, depth);
                let otherwise_type = self.static_type(otherwise, depth);
                match (then_type, otherwise_type) {
                    (Some(ConfigType::Any), _) | (_, Some(ConfigType::Any)) => {
                        Some(ConfigType::Any)
                    }
                    (a, b) if a == b => a,
                    // An empty literal takes the other branch's type.
                    (a, _) if is_empty_literal(otherwise) => a,
                    (_, b) if is_empty_literal(then) => b,
                    _ => None,
                }
            }
            Expr::List(items) => Some(ConfigType::List(Box::new(
                self.static_type(items.first()?, depth)?,
            ))),
            // A filter keeps the collection's element type.
            Expr::For(for_expr) if for_expr.value == Expr::Var(for_expr.value_var.clone()) => {
                let element = Box::new(self.element_type(&for_expr.collection, depth)?);
                Some(if for_expr.key.is_some() {
                    ConfigType::Map(element)
                } else {
                    ConfigType::List(element)
                })
            }
            // A projection of each element (`for k, v in var.m : k => v.items`).
            Expr::For(for_expr) => {
                let element = self.element_type(&for_expr.collection, depth)?;
                let projected = match &for_expr.value {
                    Expr::Access(base, path) if **base == Expr::Var(for_expr.value_var.clone()) => {
                        type_at(element, path)?
                    }
                    _ => return None,
                };
                let projected = if for_expr.grouping {
                    ConfigType::List(Box::new(projected))
                } else {
                    projected
                };
                Some(if for_expr.key.is_some() {
                    ConfigType::Map(Box::new(projected))
                } else {
                    ConfigType::List(Box::new(projected))
                })
            }
            Expr::Call { name, args } => match name.as_str() {
                "jsondecode" | "yamldecode" => Some(ConfigType::Any),
                // `tryValues` of alternatives one of which is `any` is `any`; otherwise the first
                // known alternative stands for all.
                "try" => {
                    let types: Vec<ConfigType> = args
                        .iter()
                        .filter(|a| !is_empty_literal(a))
                        .filter_map(|a| self.static_type(a, depth))
                        .collect();
                    if types.contains(&ConfigType::Any) {
                        Some(ConfigType::Any)
                    } else {
                        types.into_iter().next()
                    }
                }
                "lookup" => args.first().and_then(|m| self.element_type(m, depth)),
                _ => None,
            },
            Expr::Intrinsic(Intrinsic::SingleOrNone, args) => {
                args.first().and_then(|a| self.element_type(a, depth))
            }
            _ => None,
        }
    }

    /// The static type of the elements (values) of a list or map.
    fn element_type(&self, collection: &Expr, depth: usize) -> Option<ConfigType> {
        match self.static_type(collection, depth)? {
            ConfigType::Any => Some(ConfigType::Any),
            ConfigType::List(inner) | ConfigType::Map(inner) => Some(*inner),
            _ => None,
        }
    }

    fn template_parts(&mut self, parts: &[TemplatePart], level: usize, body: &mut String) {
        for part in parts {
            match part {
                TemplatePart::Literal(s) => body.push_str(&template_escape(s)),
                // Constants are written into the literal itself.
                TemplatePart::Interpolation(Expr::String(text)) => {
                    body.push_str(&template_escape(text))
                }
                TemplatePart::Interpolation(Expr::Builtin(
                    Builtin::PathModule | Builtin::PathRoot,
                )) => body.push('.'),
                TemplatePart::Interpolation(e) => {
                    let _ = write!(body, "${{{}}}", self.expr(e, level));
                }
                TemplatePart::If {
                    condition,
                    then,
                    otherwise,
                } => {
                    let cond = self.operand(condition, level);
                    let mut a = String::new();
                    self.template_parts(then, level, &mut a);
                    let mut b = String::new();
                    self.template_parts(otherwise, level, &mut b);
                    let _ = write!(body, "${{{cond} ? `{a}` : `{b}`}}");
                }
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body: inner,
                } => {
                    let coll = self.operand(collection, level);
                    let mut text = String::new();
                    self.template_parts(inner, level, &mut text);
                    let value_var = identifier(value_var);
                    let mapped = match key_var {
                        Some(key) => format!(
                            "{}.map(([{}, {value_var}]) => `{text}`)",
                            self.for_entries(collection, &coll),
                            identifier(key)
                        ),
                        None if self.is_map_valued(collection) => {
                            format!("Object.values({coll}).map(({value_var}) => `{text}`)")
                        }
                        None => format!("{coll}.map(({value_var}) => `{text}`)"),
                    };
                    let _ = write!(body, "${{{mapped}.join(\"\")}}");
                }
            }
        }
    }

    /// An operand of an operator: parenthesised unless it is atomic.
    fn operand(&mut self, expr: &Expr, level: usize) -> String {
        let text = self.expr(expr, level);
        self.wrap_operand(expr, text)
    }

    fn wrap_operand(&self, expr: &Expr, text: String) -> String {
        let atomic = matches!(
            expr,
            Expr::Null
                | Expr::Bool(_)
                | Expr::Number(_)
                | Expr::String(_)
                | Expr::Template(_)
                | Expr::List(_)
                | Expr::Object(_)
                | Expr::Ref { .. }
                | Expr::Call { .. }
                | Expr::Var(_)
                | Expr::Range(_)
                | Expr::Builtin(_)
                | Expr::Intrinsic(..)
                | Expr::Access(..)
                | Expr::Splat(..)
                | Expr::For(_)
                | Expr::Unsupported(_)
        ) || self.substitutions.iter().any(|(e, _)| e == expr);
        if atomic {
            text
        } else {
            format!("({text})")
        }
    }

    /// An object literal indexed by a computed key, directly (`{...}[k]`) or through a `lookup`
    /// with a null default that is indexed further (`lookup({...}, k, null)[i]`, where a missing key
    /// fails in Terraform as in the helper): `lookup({...}, k)`, since a literal's type has no index
    /// signature. Returns the text and the steps left to write.
    fn literal_map_access<'s>(
        &mut self,
        base: &Expr,
        path: &'s [Step],
        level: usize,
    ) -> Option<(String, &'s [Step])> {
        let (map, key, rest) = match (base, path.split_first()) {
            (Expr::Object(_), Some((Step::Index(key), rest))) => (base, key, rest),
            (Expr::Call { name, args }, Some(_)) if name == "lookup" => match args.as_slice() {
                [map, key, Expr::Null] => (map, key, path),
                _ => return None,
            },
            _ => return None,
        };
        if !is_literal_map_lookup(map, key) {
            return None;
        }
        self.needs_lookup = true;
        let text = format!(
            "lookup({}, {})",
            self.expr(map, level),
            self.expr(key, level)
        );
        Some((text, rest))
    }

    fn steps(&mut self, out: &mut String, path: &[Step], level: usize) {
        for step in path {
            match step {
                Step::Attr(name) if is_identifier(name) => {
                    let _ = write!(out, ".{name}");
                }
                Step::Attr(name) => {
                    let _ = write!(out, "[{}]", string_literal(name));
                }
                Step::Index(index) => {
                    let _ = write!(out, "[{}]", self.expr(index, level));
                }
            }
        }
    }

    fn call(&mut self, name: &str, args: &[Expr], level: usize) -> String {
        if let Some(inputs) = self.std_call(name, args.len()) {
            return self.std_invoke(name, &inputs, args, level);
        }
        let plain: Vec<String> = args
            .iter()
            .map(|a| {
                self.try_alternative_for = name == "try" && matches!(a, Expr::For(_));
                let text = self.expr(a, level);
                self.try_alternative_for = false;
                text
            })
            .collect();
        let rendered: Vec<String> = args
            .iter()
            .zip(&plain)
            .map(|(a, text)| self.wrap_operand(a, text.clone()))
            .collect();
        let arg = |i: usize| {
            rendered
                .get(i)
                .cloned()
                .unwrap_or_else(|| "undefined".into())
        };
        let plain = |i: usize| plain.get(i).cloned().unwrap_or_else(|| "undefined".into());
        // A string method on a variable that may be null: Terraform fails there (so `try` moves
        // on), which only a guarded (counted) use survives; `?.` type-checks and gives `undefined`.
        let member = |i: usize| match args.get(i) {
            Some(a) if self.may_be_undefined(a) => "?.",
            _ => ".",
        };
        let all = rendered.join(", ");
        let native = match (name, rendered.len()) {
            ("jsonencode", 1) => format!("JSON.stringify({})", plain(0)),
            ("jsondecode", 1) => format!("JSON.parse({})", plain(0)),
            // YAML 1.2 reads JSON: the value round-trips, only the layout differs.
            ("yamlencode", 1) => format!("JSON.stringify({}, undefined, 2)", plain(0)),
            ("length", 1) => match args.first() {
                Some(Expr::Object(_)) => format!("Object.keys({}).length", plain(0)),
                Some(e) if self.is_map_valued(e) => format!("Object.keys({}).length", plain(0)),
                _ => format!("{}.length", arg(0)),
            },
            ("lower", 1) => format!("{}{}toLowerCase()", arg(0), member(0)),
            ("upper", 1) => format!("{}{}toUpperCase()", arg(0), member(0)),
            ("trimspace", 1) => format!("{}{}trim()", arg(0), member(0)),
            ("tostring", 1) => format!("String({})", plain(0)),
            ("tonumber", 1) => format!("Number({})", plain(0)),
            // A helper rather than `x === true || x === "true"`: that comparison does not type-check
            // for a value known to be a string, and any other value must fail as in Terraform.
            ("tobool", 1) => {
                self.needs_to_bool = true;
                format!("toBool({})", plain(0))
            }
            ("tolist" | "tomap", 1) => plain(0),
            ("toset" | "distinct", 1) => format!("Array.from(new Set({}))", plain(0)),
            ("join", 2) => format!("{}.join({})", arg(1), plain(0)),
            ("split", 2) => format!("{}.split({})", arg(1), plain(0)),
            ("concat", 1) => plain(0),
            // Spread rather than `a.concat(b)`, which requires `b`'s elements to be of `a`'s type:
            // lists of different object shapes, or of outputs and strings, are joined as in Terraform.
            ("concat", n) if n >= 2 => {
                let mut elements: Vec<String> = Vec::new();
                for (a, r) in args.iter().zip(&rendered) {
                    match a {
                        // A literal list's items are written in place.
                        Expr::List(items) => {
                            elements.extend(items.iter().map(|item| self.expr(item, level)))
                        }
                        _ => elements.push(format!("...{r}")),
                    }
                }
                format!("[{}]", elements.join(", "))
            }
            ("concat...", 1) => format!("{}.flat()", arg(0)),
            ("merge", 0) => "{}".to_string(),
            ("merge", _) => {
                let spread: Vec<String> = rendered.iter().map(|r| format!("...{r}")).collect();
                format!("{{ {} }}", spread.join(", "))
            }
            ("merge...", 1) => format!("Object.assign({{}}, ...{})", arg(0)),
            ("lookup", 2 | 3)
                if matches!(args, [map, key, ..] if is_literal_map_lookup(map, key)) =>
            {
                self.needs_lookup = true;
                format!("lookup({all})")
            }
            ("lookup", 2) => format!("{}[{}]", arg(0), plain(1)),
            ("lookup", 3) => format!("({}[{}] ?? {})", arg(0), plain(1), plain(2)),
            // Terraform's coalesce skips null and "": `||` does the same for strings.
            ("coalesce", n) if n >= 1 => format!("({})", rendered.join(" || ")),
            ("coalesce...", 1) => format!(
                "{}.find(v => v !== undefined && v !== null && v !== \"\")",
                arg(0)
            ),
            // Parenthesised: `??` binds looser than the indexing or `.length` that may follow.
            ("coalescelist", n) if n >= 1 => format!("([{all}].find(l => l.length > 0) ?? [])"),
            ("contains", 2) => format!("{}.includes({})", arg(0), plain(1)),
            ("element", 2) => format!("{0}[{1} % {0}.length]", arg(0), arg(1)),
            ("index", 2) => format!("{}.indexOf({})", arg(0), plain(1)),
            // A type guard, so that the result is a list of strings.
            ("compact", 1) => format!(
                "{}.filter((v): v is NonNullable<typeof v> => v !== undefined && v !== null && v !== \"\")",
                arg(0)
            ),
            ("one", 1) => {
                self.needs_single_or_none = true;
                format!("singleOrNone({})", plain(0))
            }
            ("base64encode", 1) => format!("Buffer.from({}).toString(\"base64\")", plain(0)),
            ("base64decode", 1) => {
                format!("Buffer.from({}, \"base64\").toString(\"utf8\")", plain(0))
            }
            ("keys", 1) => format!("Object.keys({})", plain(0)),
            ("values", 1) => format!("Object.values({})", plain(0)),
            ("flatten", 1) => format!("{}.flat(Infinity)", arg(0)),
            ("slice", 3) => format!("{}.slice({}, {})", arg(0), plain(1), plain(2)),
            ("reverse", 1) => format!("[...{}].reverse()", arg(0)),
            ("sort", 1) => format!("[...{}].sort()", arg(0)),
            ("sum", 1) => format!("{}.reduce((a, b) => a + b, 0)", arg(0)),
            ("replace", 3) => match args.get(1) {
                Some(Expr::String(pattern))
                    if pattern.len() > 1 && pattern.starts_with('/') && pattern.ends_with('/') =>
                {
                    let inner = pattern.get(1..pattern.len() - 1).unwrap_or_default();
                    format!(
                        "{}.replace(new RegExp({}, \"g\"), {})",
                        arg(0),
                        string_literal(inner),
                        plain(2)
                    )
                }
                _ => format!("{}.split({}).join({})", arg(0), plain(1), plain(2)),
            },
            ("startswith", 2) => format!("{}{}startsWith({})", arg(0), member(0), plain(1)),
            ("endswith", 2) => format!("{}{}endsWith({})", arg(0), member(0), plain(1)),
            ("strcontains", 2) => format!("{}{}includes({})", arg(0), member(0), plain(1)),
            ("strrev", 1) => format!("[...{}].reverse().join(\"\")", arg(0)),
            ("min", n) if n >= 1 => format!("Math.min({all})"),
            ("max", n) if n >= 1 => format!("Math.max({all})"),
            ("min...", 1) => format!("Math.min(...{})", arg(0)),
            ("max...", 1) => format!("Math.max(...{})", arg(0)),
            ("abs", 1) => format!("Math.abs({})", plain(0)),
            ("ceil", 1) => format!("Math.ceil({})", plain(0)),
            ("floor", 1) => format!("Math.floor({})", plain(0)),
            ("signum", 1) => format!("Math.sign({})", plain(0)),
            ("pow", 2) => format!("Math.pow({}, {})", plain(0), plain(1)),
            ("log", 2) => format!("(Math.log({}) / Math.log({}))", plain(0), plain(1)),
            ("parseint", 2) => format!("parseInt({}, {})", plain(0), plain(1)),
            ("range", 1) => format!("Array.from({{ length: {} }}, (_, i) => i)", plain(0)),
            ("range", 2) => format!(
                "Array.from({{ length: {1} - {0} }}, (_, i) => {0} + i)",
                arg(0),
                arg(1)
            ),
            ("zipmap", 2) => format!(
                "Object.fromEntries({}.map((k, i) => [k, {}[i]]))",
                arg(0),
                arg(1)
            ),
            ("setunion", n) if n >= 1 => {
                let spread: Vec<String> = rendered.iter().map(|r| format!("...{r}")).collect();
                format!("Array.from(new Set([{}]))", spread.join(", "))
            }
            ("setsubtract", 2) => format!("{}.filter(v => !{}.includes(v))", arg(0), arg(1)),
            ("matchkeys", 3) => format!(
                "{}.filter((_, i) => {}.includes({}[i]))",
                arg(0),
                arg(2),
                arg(1)
            ),
            ("urlencode", 1) => format!("encodeURIComponent({})", plain(0)),
            ("timestamp", 0) => "new Date().toISOString()".to_string(),
            ("sensitive", 1) => format!("pulumi.secret({})", plain(0)),
            ("nonsensitive", 1) => format!("pulumi.unsecret(pulumi.output({}))", plain(0)),
            ("try", n) if n >= 1 => {
                // `try(jsondecode(var.x), var.x)` accepts a JSON string or the value itself; a
                // variable typed as a non-string can only be the value.
                let alternatives: Vec<(&Expr, &String)> = args
                    .iter()
                    .zip(&rendered)
                    .filter(|(a, _)| !self.decodes_non_string(a))
                    .collect();
                match alternatives.as_slice() {
                    [(only, text)] if cannot_fail(only) => (*text).clone(),
                    [] => {
                        self.needs_try = true;
                        format!("tryValues({})", thunks(&rendered))
                    }
                    kept => {
                        let kept: Vec<String> = kept.iter().map(|(_, t)| (*t).clone()).collect();
                        self.needs_try = true;
                        format!("tryValues({})", thunks(&kept))
                    }
                }
            }
            ("can", 1) => {
                self.needs_try = true;
                format!("canEvaluate({})", arrow_body(&plain(0)))
            }
            ("file", 1) => {
                self.needs_fs = true;
                format!("fs.readFileSync({}, \"utf8\")", plain(0))
            }
            ("filebase64", 1) => {
                self.needs_fs = true;
                format!("fs.readFileSync({}).toString(\"base64\")", plain(0))
            }
            ("fileexists", 1) => {
                self.needs_fs = true;
                format!("fs.existsSync({})", plain(0))
            }
            ("basename", 1) => {
                self.needs_path = true;
                format!("path.basename({})", plain(0))
            }
            ("dirname", 1) => {
                self.needs_path = true;
                format!("path.dirname({})", plain(0))
            }
            ("abspath", 1) => {
                self.needs_path = true;
                format!("path.resolve({})", plain(0))
            }
            ("format", n) if n >= 1 => match format_template(args, &rendered) {
                Some(text) => text,
                None => {
                    return self.std_or_unsupported(name, args, level);
                }
            },
            ("list", _) => format!("[{all}]"),
            ("map", _) if rendered.len() % 2 == 0 => {
                let pairs: Vec<String> = rendered
                    .chunks(2)
                    .map(|kv| {
                        format!(
                            "[{}]: {}",
                            kv.first().cloned().unwrap_or_default(),
                            kv.get(1).cloned().unwrap_or_default()
                        )
                    })
                    .collect();
                format!("{{ {} }}", pairs.join(", "))
            }
            _ => return self.std_or_unsupported(name, args, level),
        };
        native
    }

    /// Key/value pairs of a `for` expression's collection: a list's keys are its indices (numbers,
    /// as in Terraform, where `Object.entries` would give strings).
    fn for_entries(&self, collection: &Expr, text: &str) -> String {
        if self.is_sequence(collection, self.program.nodes.len()) {
            format!("{text}.map((value, index) => [index, value] as const)")
        } else {
            entries_of(collection, text)
        }
    }

    /// Whether a value is known to be a list or tuple (not a set or a map); `depth` bounds the
    /// walk through locals, whose cycles are possible input.
    fn is_sequence(&self, expr: &Expr, depth: usize) -> bool {
        match expr {
            Expr::List(_) | Expr::Splat(..) => true,
            Expr::For(for_expr) => for_expr.key.is_none(),
            Expr::Conditional(_, then, otherwise) => {
                depth > 0
                    && (self.is_sequence(then, depth - 1) || self.is_sequence(otherwise, depth - 1))
            }
            Expr::Call { name, .. } => matches!(
                name.as_str(),
                "tolist"
                    | "concat"
                    | "flatten"
                    | "compact"
                    | "split"
                    | "sort"
                    | "range"
                    | "slice"
                    | "reverse"
                    | "keys"
                    | "values"
                    | "distinct"
                    | "chunklist"
                    | "formatlist"
            ),
            Expr::Ref { node, path } if path.is_empty() && depth > 0 => {
                match self.program.node(*node).map(|n| &n.kind) {
                    Some(NodeKind::Local(value)) => self.is_sequence(value, depth - 1),
                    Some(NodeKind::Config(config)) => {
                        matches!(config.effective_type(), ConfigType::List(_))
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Whether `expr` is `jsondecode(v)` of a variable whose type is known and not a string, which
    /// can only fail (and does not type-check in TypeScript).
    fn decodes_non_string(&self, expr: &Expr) -> bool {
        let Expr::Call { name, args } = expr else {
            return false;
        };
        let [arg] = args.as_slice() else {
            return false;
        };
        name == "jsondecode"
            && matches!(
                self.variable_type(arg, self.program.nodes.len()),
                Some(ConfigType::List(_) | ConfigType::Map(_) | ConfigType::Object(_))
                    | Some(ConfigType::Number | ConfigType::Bool)
            )
    }

    /// The type of a whole reference to a variable, through locals that alias it; `depth` bounds
    /// the walk (alias cycles are possible input).
    fn variable_type(&self, expr: &Expr, depth: usize) -> Option<ConfigType> {
        let Expr::Ref { node, path } = expr else {
            return None;
        };
        if !path.is_empty() {
            return None;
        }
        match self.program.node(*node).map(|n| &n.kind)? {
            NodeKind::Config(config) => Some(config.effective_type()),
            NodeKind::Local(value) if depth > 0 => self.variable_type(value, depth - 1),
            _ => None,
        }
    }

    /// A value known to be a map (object): object literals, map-producing `for` expressions and
    /// functions, map-typed variables and the locals that hold them.
    fn is_map_valued(&self, expr: &Expr) -> bool {
        self.is_map_within(expr, self.program.nodes.len())
    }

    /// `is_map_valued`, following at most `depth` locals (alias cycles are possible input).
    fn is_map_within(&self, expr: &Expr, depth: usize) -> bool {
        match expr {
            Expr::Object(_) => true,
            Expr::For(for_expr) => for_expr.key.is_some(),
            Expr::Ref { node, path } if path.is_empty() => {
                match self.program.node(*node).map(|n| &n.kind) {
                    Some(NodeKind::Config(config)) => matches!(
                        config.effective_type(),
                        ConfigType::Map(_) | ConfigType::Object(_)
                    ),
                    Some(NodeKind::Local(value)) if depth > 0 => {
                        self.is_map_within(value, depth - 1)
                    }
                    _ => false,
                }
            }
            Expr::Call { name, .. } => matches!(name.as_str(), "merge" | "tomap" | "zipmap"),
            _ => false,
        }
    }

    /// Functions written as an invoke of Pulumi's `std` package in TypeScript: those without a
    /// native construct above. Returns the `std` input names.
    fn std_call(&self, name: &str, count: usize) -> Option<Vec<&'static str>> {
        const NATIVE: &[&str] = &[
            "jsonencode",
            "jsondecode",
            "yamlencode",
            "length",
            "lower",
            "upper",
            "trimspace",
            "tostring",
            "tonumber",
            "tobool",
            "tolist",
            "tomap",
            "toset",
            "distinct",
            "join",
            "split",
            "concat",
            "merge",
            "lookup",
            "coalesce",
            "coalescelist",
            "contains",
            "element",
            "index",
            "compact",
            "one",
            "base64encode",
            "base64decode",
            "keys",
            "values",
            "flatten",
            "slice",
            "reverse",
            "sort",
            "sum",
            "replace",
            "startswith",
            "endswith",
            "strcontains",
            "strrev",
            "min",
            "max",
            "abs",
            "ceil",
            "floor",
            "signum",
            "pow",
            "log",
            "parseint",
            "zipmap",
            "setunion",
            "setsubtract",
            "matchkeys",
            "urlencode",
            "timestamp",
            "sensitive",
            "nonsensitive",
            "try",
            "can",
            "file",
            "filebase64",
            "fileexists",
            "basename",
            "dirname",
            "abspath",
            "format",
            "list",
            "map",
        ];
        if NATIVE.contains(&name) || (name == "range" && count <= 2) {
            return None;
        }
        let inputs = super::pcl::std_inputs(name.trim_end_matches("..."))?;
        // Spreading a list into a function that takes several separate arguments is unsupported.
        if name.ends_with("...") && !inputs.iter().any(|i| i.starts_with('*')) {
            return None;
        }
        Some(inputs)
    }

    /// Whether a call is written as a `std` invoke, whose result is an output: a function without
    /// a native construct, or a `format` whose format string is not a constant.
    fn is_std_invoke(&self, name: &str, args: &[Expr]) -> bool {
        if self.std_call(name, args.len()).is_some() {
            return true;
        }
        name == "format"
            && !args.is_empty()
            && format_template(args, &vec![String::new(); args.len()]).is_none()
            && super::pcl::std_inputs(name).is_some()
    }

    /// `std.cidrsubnetOutput({ input: ..., newbits: ..., netnum: ... }).result`.
    fn std_invoke(&mut self, name: &str, inputs: &[&str], args: &[Expr], level: usize) -> String {
        self.needs_std = true;
        let base = name.trim_end_matches("...");
        let mut fields: Vec<String> = Vec::new();
        for (index, input) in inputs.iter().enumerate() {
            if let Some(rest) = input.strip_prefix('*') {
                let items: Vec<String> = args
                    .iter()
                    .skip(index)
                    .map(|a| self.expr(a, level + 1))
                    .collect();
                let value = if name.ends_with("...") {
                    items.join(", ")
                } else {
                    format!("[{}]", items.join(", "))
                };
                fields.push(format!("{}: {value}", property_key(rest)));
                break;
            }
            if let Some(arg) = args.get(index) {
                let mut value = self.expr(arg, level + 1);
                // Terraform's functions reject a null argument, and the invoke's inputs are
                // required: the value is checked where it is passed, as Terraform checks it.
                if self.may_yield_undefined(arg) {
                    self.needs_required = true;
                    value = format!("requiredValue({value}, {})", string_literal(base));
                }
                fields.push(format!("{}: {value}", property_key(input)));
            }
        }
        format!("std.{base}Output({{ {} }}).result", fields.join(", "))
    }

    /// Whether `expr` is written as a value that may be `undefined`: a variable that may be null,
    /// or a string method called on one with `?.` (see `call`).
    fn may_yield_undefined(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Call { name, args }
                if matches!(name.as_str(), "lower" | "upper" | "trimspace") =>
            {
                args.first().is_some_and(|a| self.may_be_undefined(a))
            }
            other => self.may_be_undefined(other),
        }
    }

    fn std_or_unsupported(&mut self, name: &str, args: &[Expr], level: usize) -> String {
        if let Some(inputs) = super::pcl::std_inputs(name.trim_end_matches("...")) {
            return self.std_invoke(name, &inputs, args, level);
        }
        self.needs_not_implemented = true;
        self.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            code: "unsupported-function",
            message: format!(
                "function `{name}` with {} argument(s) has no TypeScript or `std` equivalent; `notImplemented` stands in for it",
                args.len()
            ),
            span: self.current_span(),
        });
        format!(
            "notImplemented({})",
            string_literal(&format!("{name}(...)"))
        )
    }
}

/// `pulumi.all([...])` over the sources, and the pattern destructuring its value into the
/// parameters. The typed overloads of `pulumi.all` take at most eight values (beyond that, all must
/// have one type), so longer lists are gathered in nested groups of eight.
fn gathered(sources: &[String], params: &[String]) -> (String, String) {
    const TYPED: usize = 8;
    if sources.len() <= TYPED {
        return (
            format!("pulumi.all([{}])", sources.join(", ")),
            format!("[{}]", params.join(", ")),
        );
    }
    let mut group_sources = Vec::new();
    let mut group_patterns = Vec::new();
    for (group, names) in sources.chunks(TYPED).zip(params.chunks(TYPED)) {
        let (source, pattern) = match (group, names) {
            ([source], [name]) => (source.clone(), name.clone()),
            _ => gathered(group, names),
        };
        group_sources.push(source);
        group_patterns.push(pattern);
    }
    gathered(&group_sources, &group_patterns)
}

/// `() => value`; an object literal is parenthesised, as a bare `{` would open a block.
fn arrow_body(value: &str) -> String {
    if value.starts_with('{') {
        format!("() => ({value})")
    } else {
        format!("() => {value}")
    }
}

/// `format("%s-%03d", a, b)` with a constant format of simple verbs → a template literal.
fn format_template(args: &[Expr], rendered: &[String]) -> Option<String> {
    let Some(Expr::String(format)) = args.first() else {
        return None;
    };
    let mut out = String::from("`");
    let mut next = 1;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push_str(&template_escape(&c.to_string()));
            continue;
        }
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '-' || d == '.' {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let verb = chars.next()?;
        if verb == '%' && spec.is_empty() {
            out.push('%');
            continue;
        }
        let value = rendered.get(next)?.clone();
        next += 1;
        let text = match (verb, spec.as_str()) {
            ('s' | 'v' | 'd', "") => value,
            ('d', width) if width.starts_with('0') => {
                let width: usize = width.parse().ok()?;
                format!("String({value}).padStart({width}, \"0\")")
            }
            ('q', "") => format!("JSON.stringify({value})"),
            _ => return None,
        };
        out.push_str(&format!("${{{text}}}"));
    }
    if next != rendered.len() {
        return None;
    }
    out.push('`');
    Some(out)
}

/// The class of a resource token; explicit providers are `pkg.Provider`.
fn resource_class(token: &str) -> String {
    if let Some(package) = token.strip_prefix("pulumi:providers:") {
        return format!("{}.Provider", package_identifier(package));
    }
    let (package, module, member) = split_token(token);
    qualified(package, &module, member)
}

/// Key/value pairs of a `for_each` or `for` collection: a list or set (`toset(...)`, literals) yields
/// each element as its own key, like Terraform; anything else is treated as a map.
/// Whether an expression is arithmetic, which binds tighter than a comparison in TypeScript.
fn is_arithmetic(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Binary(
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod,
            ..
        )
    )
}

fn entries_of(collection: &Expr, text: &str) -> String {
    if is_list_like(collection) {
        format!("{text}.map(item => [item, item] as const)")
    } else {
        format!("Object.entries({text})")
    }
}

/// Whether a `for_each` collection is a list or set (iterated by value) rather than a map.
fn is_list_like(collection: &Expr) -> bool {
    match collection {
        Expr::List(_) | Expr::Splat(..) => true,
        Expr::For(for_expr) => for_expr.key.is_none(),
        Expr::Conditional(_, then, otherwise) => is_list_like(then) || is_list_like(otherwise),
        Expr::Call { name, .. } => matches!(
            name.as_str(),
            "toset"
                | "tolist"
                | "distinct"
                | "compact"
                | "concat"
                | "flatten"
                | "keys"
                | "values"
                | "split"
                | "sort"
                | "range"
                | "setunion"
                | "setintersection"
                | "setsubtract"
        ),
        _ => false,
    }
}

/// `[]` or `{}`.
fn is_empty_literal(expr: &Expr) -> bool {
    match expr {
        Expr::List(items) => items.is_empty(),
        Expr::Object(entries) => entries.is_empty(),
        _ => false,
    }
}

/// The type reached from `ty` through `path`: `any` stays `any`.
fn type_at(ty: ConfigType, path: &[Step]) -> Option<ConfigType> {
    let mut ty = ty;
    for step in path {
        ty = match (step, ty) {
            (_, ConfigType::Any) => return Some(ConfigType::Any),
            (Step::Index(_), ConfigType::List(inner)) | (_, ConfigType::Map(inner)) => *inner,
            (Step::Attr(name), ConfigType::Object(fields)) => {
                fields.into_iter().find(|field| field.name == *name)?.ty
            }
            _ => return None,
        };
    }
    Some(ty)
}

/// `() => body` for each alternative of `tryValues`.
fn thunks(bodies: &[String]) -> String {
    let thunks: Vec<String> = bodies.iter().map(|b| arrow_body(b)).collect();
    thunks.join(", ")
}

/// Whether evaluating `expr` cannot throw: a constant or a whole reference.
fn cannot_fail(expr: &Expr) -> bool {
    match expr {
        Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::String(_) | Expr::Var(_) => true,
        Expr::Ref { path, .. } => path.is_empty(),
        _ => false,
    }
}

/// Whether `expr` reads the `for` variable `name` (an inner `for` rebinding it counts too, which
/// only keeps an output inside the loop where hoisting it would have been possible).
fn mentions_var(expr: &Expr, name: &str) -> bool {
    if let Expr::Var(var) = expr {
        return var == name;
    }
    let mut found = false;
    expr.children(&mut |child| found = found || mentions_var(child, name));
    found
}

/// A source identifier usable in TypeScript (reserved words get a trailing `_`).
fn identifier(name: &str) -> String {
    const WORDS: &[&str] = &[
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "let",
        "static",
    ];
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty()
        || out.starts_with(|c: char| c.is_ascii_digit())
        || WORDS.contains(&out.as_str())
    {
        out.push('_');
        if out.starts_with(|c: char| c.is_ascii_digit()) {
            out.insert(0, '_');
        }
    }
    out
}

/// Functions whose TypeScript form takes only invoke options (`getCanonicalUserIdOutput(opts?)`),
/// read from the SDK declarations by `scripts/gen-argless-invokes.mjs`: an arguments object before
/// the options would be one argument too many.
const ARGLESS_INVOKES: &str = include_str!("argless_invokes.txt");

fn takes_no_arguments(token: &str) -> bool {
    ARGLESS_INVOKES
        .lines()
        .any(|line| !line.starts_with('#') && line == token)
}

fn qualified(package: &str, module: &[&str], member: &str) -> String {
    let mut out = package_identifier(package);
    for segment in module {
        // `rbac.authorization.k8s.io` is the namespace `rbac`.
        let segment = segment.split('.').next().unwrap_or(segment);
        out.push('.');
        out.push_str(segment);
    }
    out.push('.');
    out.push_str(member);
    out
}

fn binary_symbol(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Eq => "===",
        BinaryOp::NotEq => "!==",
        BinaryOp::Lt => "<",
        BinaryOp::LtEq => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::GtEq => ">=",
        BinaryOp::And => "&&",
        BinaryOp::Or => "||",
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Mod => "%",
    }
}

fn ts_type(ty: &ConfigType) -> String {
    match ty {
        ConfigType::String => "string".into(),
        ConfigType::Number => "number".into(),
        ConfigType::Bool => "boolean".into(),
        // Terraform's `any` (with nothing to infer it from) takes values of any shape, which the
        // module's code reads freely; `unknown` would reject every such read.
        ConfigType::Any => "any".into(),
        ConfigType::List(inner) => format!("{}[]", ts_type(inner)),
        ConfigType::Map(inner) => format!("Record<string, {}>", ts_type(inner)),
        ConfigType::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| {
                    let optional = if f.optional { "?" } else { "" };
                    format!("{}{optional}: {}", property_key(&f.name), ts_type(&f.ty))
                })
                .collect();
            format!("{{{}}}", fields.join("; "))
        }
    }
}

/// The type of a component input inside its `pulumi.Input<...>`: as in Pulumi's own component
/// code, the elements and fields of a list, map or object may be outputs too.
fn input_ts_type(ty: &ConfigType) -> String {
    match ty {
        ConfigType::List(inner) => format!("pulumi.Input<{}>[]", input_ts_type(inner)),
        ConfigType::Map(inner) => format!("Record<string, pulumi.Input<{}>>", input_ts_type(inner)),
        ConfigType::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| {
                    let optional = if f.optional { "?" } else { "" };
                    let key = property_key(&f.name);
                    format!("{key}{optional}: pulumi.Input<{}>", input_ts_type(&f.ty))
                })
                .collect();
            format!("{{{}}}", fields.join("; "))
        }
        other => ts_type(other),
    }
}

/// Whether `lookup`'s map is an object literal and its key is computed: TypeScript does not let a
/// computed key index a literal's type, which has no index signature; the `lookup` helper takes
/// the literal as a `Record`.
fn is_literal_map_lookup(map: &Expr, key: &Expr) -> bool {
    matches!(map, Expr::Object(_)) && !matches!(key, Expr::String(_))
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn property_key(name: &str) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        string_literal(name)
    }
}

/// A double-quoted TypeScript string literal.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Escapes literal text inside a template literal.
fn template_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => out.push_str("\\`"),
            '\\' => out.push_str("\\\\"),
            // Template literals keep their line breaks (heredocs stay readable); the mark tells the
            // component indenter that the next line is string content, not code.
            '\n' => {
                out.push('\n');
                out.push(CONTINUATION);
            }
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 && c != '\t' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out
}

impl output_lists::OutputFacts for Emitter<'_> {
    fn program(&self) -> &Program {
        self.program
    }

    fn is_output(&self, expr: &Expr) -> bool {
        Emitter::is_output(self, expr)
    }

    fn is_counted_outputs(&self, id: NodeId) -> bool {
        Emitter::is_counted_outputs(self, id)
    }

    fn output_list_memo(&self) -> &RefCell<HashMap<NodeId, bool>> {
        &self.output_list_memo
    }
}
