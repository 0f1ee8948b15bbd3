//! TypeScript emitter: idiomatic `@pulumi/pulumi` programs.
//!
//! Values that come from resources and invokes are `Output`s: templates over them become
//! `pulumi.interpolate`, and operations on them are lifted with `apply` / `pulumi.all`.

use super::split_token;
use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{
    BinaryOp, Builtin, ConfigType, ConfigVar, Expr, ForExpr, Intrinsic, Invoke, Node, NodeId,
    NodeKind, ObjectKey, Program, Property, Range, RangeField, Resource, ResourceOptions, Step,
    TemplatePart, UnaryOp,
};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

const INDENT: &str = "    ";

pub fn emit(program: &Program) -> (String, Vec<Diagnostic>) {
    let mut emitter = Emitter {
        program,
        output_memo: RefCell::new(HashMap::new()),
        substitutions: Vec::new(),
        needs_not_implemented: false,
        needs_fs: false,
        diagnostics: Vec::new(),
        current: None,
        range_names: None,
        needs_single_or_none: false,
    };
    let mut body = String::new();
    let has_config = program
        .nodes
        .iter()
        .any(|n| matches!(n.kind, NodeKind::Config(_)));
    if has_config {
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
            || (previous.is_none() && has_config)
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
    if emitter.needs_fs {
        out.push_str("import * as fs from \"fs\";\n");
    }
    out.push('\n');
    if emitter.needs_single_or_none {
        out.push_str(
            "function singleOrNone<T>(items: T[]): T | undefined {\n    if (items.length > 1) {\n        throw new Error(\"expected at most one item\");\n    }\n    return items[0];\n}\n\n",
        );
    }
    if emitter.needs_not_implemented {
        out.push_str(
            "function notImplemented(message: string): never {\n    throw new Error(message);\n}\n\n",
        );
    }
    out.push_str(&body);
    (out, emitter.diagnostics)
}

/// The identifier a package is imported as.
pub fn package_identifier(package: &str) -> String {
    match package {
        "kubernetes" => "k8s".to_string(),
        other => other.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
    }
}

struct Emitter<'p> {
    program: &'p Program,
    output_memo: RefCell<HashMap<NodeId, bool>>,
    /// While emitting inside an `apply`: output-valued expressions → the callback parameter names.
    substitutions: Vec<(Expr, String)>,
    needs_not_implemented: bool,
    needs_fs: bool,
    diagnostics: Vec<Diagnostic>,
    current: Option<NodeId>,
    /// Identifiers of `count.index` / `each.key` / `each.value` inside a ranged resource.
    range_names: Option<RangeNames>,
    needs_single_or_none: bool,
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

impl Emitter<'_> {
    fn node(&mut self, node: &Node, out: &mut String) {
        for line in &node.comments {
            let _ = writeln!(out, "// {line}");
        }
        let name = &node.name;
        match &node.kind {
            NodeKind::Config(config) => {
                let _ = writeln!(out, "const {name} = {};", self.config(config));
            }
            NodeKind::Local(value) => {
                let _ = writeln!(out, "const {name} = {};", self.expr(value, 0));
            }
            NodeKind::Resource(resource) => self.resource(name, resource, out),
            NodeKind::Invoke(invoke) => self.invoke(name, invoke, out),
            NodeKind::Component(component) => {
                self.needs_not_implemented = true;
                self.diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    code: "not-converted",
                    message: format!(
                        "module `{}` ({}) is converted as a component in PCL; TypeScript component classes are not generated yet",
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
            NodeKind::Output(output) => {
                let mut value = self.expr(&output.value, 0);
                if output.secret {
                    value = format!("pulumi.secret({value})");
                }
                let _ = writeln!(out, "export const {name} = {value};");
            }
        }
    }

    /// `new pkg.mod.Type(name, args, opts)`, in a loop for `count` / `for_each`.
    fn resource(&mut self, name: &str, resource: &Resource, out: &mut String) {
        let class = resource_class(&resource.token);
        let Some(range) = &resource.options.range else {
            let args = self.properties(&resource.properties, 0);
            let options = self.options(&resource.options, 0);
            let _ = writeln!(
                out,
                "const {name} = new {class}({}, {args}{options});",
                string_literal(&resource.logical_name)
            );
            return;
        };
        let logical = template_escape(&resource.logical_name);
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
                "{INDENT}{name}.push(new {class}(`{logical}-${{index}}`, {args}{options}));"
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
                "{INDENT}{name}[key] = new {class}(`{logical}-${{key}}`, {args}{options});"
            );
        }
        body.push_str("}\n");
        if lifted {
            let source = self.expr(collection_expr, 0);
            let _ = writeln!(out, "{source}.apply(range => {{");
            for line in body.lines() {
                let _ = writeln!(out, "{INDENT}{line}");
            }
            out.push_str("});\n");
        } else {
            out.push_str(&body);
        }
    }

    /// `pkg.mod.getThingOutput(args)`, mapped over `count` / `for_each`.
    fn invoke(&mut self, name: &str, invoke: &Invoke, out: &mut String) {
        let (package, module, member) = split_token(&invoke.token);
        let function = qualified(package, &module, &format!("{member}Output"));
        let invoke_options = match &invoke.provider {
            Some(provider) => format!(", {{ provider: {} }}", self.expr(provider, 0)),
            None => String::new(),
        };
        let Some(range) = &invoke.range else {
            let args = self.properties(&invoke.arguments, 0);
            let _ = writeln!(out, "const {name} = {function}({args}{invoke_options});");
            return;
        };
        let saved = self.range_names.replace(RangeNames::for_range(range));
        let args = self.properties(&invoke.arguments, 1);
        self.range_names = saved;
        match range {
            Range::Count(count) => {
                let count = self.expr(count, 0);
                let _ = writeln!(
                    out,
                    "const {name} = Array.from({{ length: {count} }}, (_, index) => {function}({args}{invoke_options}));"
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
        if !options.depends_on.is_empty() {
            let deps: Vec<String> = options
                .depends_on
                .iter()
                .map(|e| self.expr(e, level + 1))
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
        let ty = match (&config.ty, &config.default) {
            (ConfigType::Any, Some(default)) => infer_type(default),
            (ty, _) => ty.clone(),
        };
        let (getter, type_arg) = match &ty {
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

    fn node_is_output(&self, id: NodeId) -> bool {
        if let Some(known) = self.output_memo.borrow().get(&id) {
            return *known;
        }
        // Provisional answer guards against cycles (already reported by the model).
        self.output_memo.borrow_mut().insert(id, false);
        let result = match self.program.node(id).map(|n| &n.kind) {
            Some(NodeKind::Resource(_) | NodeKind::Invoke(_) | NodeKind::Component(_)) => true,
            Some(NodeKind::Config(c)) => c.secret,
            Some(NodeKind::Local(value)) => self.is_output(value),
            Some(NodeKind::Output(_)) | None => false,
        };
        self.output_memo.borrow_mut().insert(id, result);
        result
    }

    /// A resource or invoke with `count` / `for_each`: an array or record, not an output itself.
    fn node_is_ranged(&self, id: NodeId) -> bool {
        match self.program.node(id).map(|n| &n.kind) {
            Some(NodeKind::Resource(r)) => r.options.range.is_some(),
            Some(NodeKind::Invoke(i)) => i.range.is_some(),
            Some(NodeKind::Component(c)) => c.options.range.is_some(),
            _ => false,
        }
    }

    /// Visits the maximal output-valued references in `expr` that are not substituted yet.
    fn for_each_output_leaf(&self, expr: &Expr, f: &mut dyn FnMut(&Expr)) {
        if self.substitutions.iter().any(|(e, _)| e == expr) {
            return;
        }
        match expr {
            Expr::Ref { node, path } => {
                let indexed = matches!(path.first(), Some(Step::Index(_)));
                if self.node_is_output(*node) && (indexed || !self.node_is_ranged(*node)) {
                    f(expr);
                } else {
                    for step in path {
                        if let Step::Index(e) = step {
                            self.for_each_output_leaf(e, f);
                        }
                    }
                }
            }
            other => other.children(&mut |child| self.for_each_output_leaf(child, f)),
        }
    }

    /// Emits `expr` inside an `apply` over its output-valued references.
    fn lifted(&mut self, expr: &Expr, level: usize) -> String {
        let mut leaves: Vec<Expr> = Vec::new();
        self.for_each_output_leaf(expr, &mut |leaf| {
            if !leaves.contains(leaf) {
                leaves.push(leaf.clone());
            }
        });
        let mut sources = Vec::new();
        let mut params = Vec::new();
        for leaf in &leaves {
            sources.push(self.expr(leaf, level));
            let param = self.parameter_name(leaf, &params);
            params.push(param);
        }
        let pushed = leaves.len();
        self.substitutions
            .extend(leaves.into_iter().zip(params.iter().cloned()));
        let mut body = self.expr(expr, level);
        if body.starts_with('{') {
            body = format!("({body})"); // an arrow function returning an object literal
        }
        let keep = self.substitutions.len().saturating_sub(pushed);
        self.substitutions.truncate(keep);
        match (sources.as_slice(), params.as_slice()) {
            ([source], [param]) => format!("{source}.apply({param} => {body})"),
            _ => format!(
                "pulumi.all([{}]).apply(([{}]) => {body})",
                sources.join(", "),
                params.join(", ")
            ),
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
            _ => "value".to_string(),
        };
        let node_names = |name: &str| self.program.nodes.iter().any(|n| n.name == name);
        let in_scope = |name: &str| {
            taken.iter().any(|t| t == name)
                || self.substitutions.iter().any(|(_, p)| p == name)
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
                if self.is_output(cond) {
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
                if self.is_output(expr) {
                    return self.lifted(expr, level);
                }
                self.call(name, args, level)
            }
            Expr::Unsupported(text) => {
                self.needs_not_implemented = true;
                format!("notImplemented({})", string_literal(text))
            }
            Expr::Var(name) => identifier(name),
            Expr::Range(field) => {
                let names = self.range_names.unwrap_or(RangeNames {
                    index: "index",
                    key: "key",
                    value: "value",
                });
                match field {
                    RangeField::Index => names.index.to_string(),
                    RangeField::Key => names.key.to_string(),
                    RangeField::Value => names.value.to_string(),
                }
            }
            Expr::Builtin(builtin) => match builtin {
                Builtin::StackName => "pulumi.getStack()".to_string(),
                Builtin::PathModule | Builtin::PathRoot => "\".\"".to_string(),
                Builtin::PathCwd => "process.cwd()".to_string(),
            },
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
                }
            }
            Expr::For(for_expr) => {
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

    /// `[for k, v in c : value if cond]` → `c.map(...)` / `Object.entries(c)...`.
    fn for_expr(&mut self, for_expr: &ForExpr, level: usize) -> String {
        let collection = self.operand(&for_expr.collection, level);
        let value_var = identifier(&for_expr.value_var);
        let (source, params) = match &for_expr.key_var {
            Some(key) => (
                entries_of(&for_expr.collection, &collection),
                format!("([{}, {value_var}])", identifier(key)),
            ),
            None if for_expr.key.is_some() => (
                format!("Object.values({collection})"),
                format!("({value_var})"),
            ),
            None => (collection.clone(), format!("({value_var})")),
        };
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
        match &for_expr.key {
            None => format!("{filtered}.map({params} => {value})"),
            Some(key) => {
                let key = self.expr(key, level);
                if for_expr.grouping {
                    format!(
                        "{filtered}.reduce((groups, {}) => ({{ ...groups, [{key}]: [...(groups[{key}] ?? []), {value}] }}), {{}} as Record<string, any[]>)",
                        params.trim_start_matches('(').trim_end_matches(')')
                    )
                } else {
                    format!("Object.fromEntries({filtered}.map({params} => [{key}, {value}]))")
                }
            }
        }
    }

    fn template_parts(&mut self, parts: &[TemplatePart], level: usize, body: &mut String) {
        for part in parts {
            match part {
                TemplatePart::Literal(s) => body.push_str(&template_escape(s)),
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
                            entries_of(collection, &coll),
                            identifier(key)
                        ),
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
                | Expr::Unsupported(_)
        ) || self.substitutions.iter().any(|(e, _)| e == expr);
        if atomic {
            text
        } else {
            format!("({text})")
        }
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
        let plain: Vec<String> = args.iter().map(|a| self.expr(a, level)).collect();
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
        match (name, rendered.len()) {
            ("jsonencode", 1) => format!("JSON.stringify({})", plain(0)),
            ("jsondecode", 1) => format!("JSON.parse({})", plain(0)),
            ("length", 1) => format!("{}.length", arg(0)),
            ("lower", 1) => format!("{}.toLowerCase()", arg(0)),
            ("upper", 1) => format!("{}.toUpperCase()", arg(0)),
            ("trimspace", 1) => format!("{}.trim()", arg(0)),
            ("tostring", 1) => format!("String({})", plain(0)),
            ("tonumber", 1) => format!("Number({})", plain(0)),
            ("join", 2) => format!("{}.join({})", arg(1), plain(0)),
            ("split", 2) => format!("{}.split({})", arg(1), plain(0)),
            ("concat", n) if n >= 1 => {
                let rest: Vec<String> = rendered.iter().skip(1).cloned().collect();
                format!("{}.concat({})", arg(0), rest.join(", "))
            }
            ("merge", n) if n >= 1 => {
                let spread: Vec<String> = rendered.iter().map(|r| format!("...{r}")).collect();
                format!("{{{}}}", spread.join(", "))
            }
            ("file", 1) => {
                self.needs_fs = true;
                format!("fs.readFileSync({}, \"utf8\")", plain(0))
            }
            _ => {
                self.needs_not_implemented = true;
                if let Some(node) = self.current.and_then(|id| self.program.node(id)) {
                    self.diagnostics.push(Diagnostic {
                        severity: Severity::Warning,
                        code: "unsupported-function",
                        message: format!(
                            "function `{name}` with {} argument(s) is not converted to TypeScript yet (in `{}`)",
                            args.len(),
                            node.address
                        ),
                        span: node.span.clone(),
                    });
                }
                format!(
                    "notImplemented({})",
                    string_literal(&format!("{name}(...)"))
                )
            }
        }
    }
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
fn entries_of(collection: &Expr, text: &str) -> String {
    let list_like = match collection {
        Expr::List(_) | Expr::Splat(..) | Expr::For(_) => true,
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
    };
    if list_like {
        format!("{text}.map(item => [item, item] as const)")
    } else {
        format!("Object.entries({text})")
    }
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

fn qualified(package: &str, module: &[&str], member: &str) -> String {
    let mut out = package_identifier(package);
    for segment in module {
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

/// A config type guessed from a default value, for untyped variables.
fn infer_type(default: &Expr) -> ConfigType {
    match default {
        Expr::String(_) | Expr::Template(_) => ConfigType::String,
        Expr::Number(_) => ConfigType::Number,
        Expr::Bool(_) => ConfigType::Bool,
        Expr::List(items) => ConfigType::List(Box::new(
            items.first().map_or(ConfigType::String, infer_type),
        )),
        Expr::Object(entries) => ConfigType::Map(Box::new(
            entries
                .first()
                .map_or(ConfigType::String, |(_, v)| infer_type(v)),
        )),
        _ => ConfigType::Any,
    }
}

fn ts_type(ty: &ConfigType) -> String {
    match ty {
        ConfigType::String => "string".into(),
        ConfigType::Number => "number".into(),
        ConfigType::Bool => "boolean".into(),
        ConfigType::Any => "unknown".into(),
        ConfigType::List(inner) => format!("{}[]", ts_type(inner)),
        ConfigType::Map(inner) => format!("Record<string, {}>", ts_type(inner)),
        ConfigType::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(k, t)| format!("{}: {}", property_key(k), ts_type(t)))
                .collect();
            format!("{{{}}}", fields.join("; "))
        }
    }
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
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out
}
