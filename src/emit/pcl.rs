//! PCL emitter: Pulumi's own intermediate language, as `pulumi convert` writes it (compare
//! `../shared/pulumi-tests/*/pcl/*.pp`). Terraform functions become `std` invokes, except the few
//! PCL has built in (`toJSON`, `length`, `element`, `secret`, ...).

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{
    BinaryOp, Builtin, ConfigType, Expr, ForExpr, Intrinsic, Node, NodeKind, ObjectKey, Program,
    Property, Range, RangeField, ResourceOptions, Step, TemplatePart, UnaryOp,
};
use std::fmt::Write;

const STD_FUNCTIONS: &str = include_str!("std_functions.txt");
const INDENT: &str = "  ";

/// `std` input names of a Terraform function, in argument order (`*` marks a list of the rest).
pub fn std_inputs(name: &str) -> Option<Vec<&'static str>> {
    STD_FUNCTIONS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_whitespace())
        .find_map(|mut words| (words.next() == Some(name)).then(|| words.collect()))
}

/// How `count.index` / `each.*` are written where they appear.
#[derive(Clone, Copy)]
enum RangeStyle {
    /// In a resource or component: `range.value`, `range.key`.
    Options,
    /// In a data source's `for` expression: `__index`, `__key`, `__value`.
    Loop,
}

/// The whole program as one text, and one `.pp` file per Terraform source file (`main.tf` →
/// `main.pp`), the way `pulumi convert` lays a PCL program out.
pub struct PclOutput {
    pub text: String,
    pub files: Vec<(String, String)>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn emit(program: &Program) -> (String, Vec<Diagnostic>) {
    let output = emit_files(program);
    (output.text, output.diagnostics)
}

pub fn emit_files(program: &Program) -> PclOutput {
    let mut emitter = Emitter {
        program,
        diagnostics: Vec::new(),
        range_style: RangeStyle::Options,
        span: Default::default(),
        names: pcl_names(program),
    };
    let mut packages = String::new();
    // Like Pulumi's converter: packages declared in `required_providers` get a `package` block.
    for package in &program.required_packages {
        let _ = writeln!(
            packages,
            "package {{\n{INDENT}baseProviderName = {}\n}}\n",
            string(package)
        );
    }
    let mut text = packages.clone();
    let mut by_file: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for node in &program.nodes {
        emitter.span = node.span.clone();
        // PCL has no deferred outputs: the component takes the value itself (see `undeferred`).
        if let NodeKind::Deferred(_) = node.kind {
            emitter.report_kept_cycle(node);
        }
        if matches!(node.kind, NodeKind::Deferred(_) | NodeKind::Resolve(_)) {
            continue;
        }
        let mut statement = String::new();
        emitter.node(node, &mut statement);
        statement.push('\n');
        text.push_str(&statement);
        let file = pp_name(&node.span.file);
        by_file.entry(file).or_default().push_str(&statement);
    }
    // `package` blocks go with the file that holds `terraform { required_providers }`, or main.
    if !packages.is_empty() {
        let first = by_file
            .keys()
            .next()
            .cloned()
            .unwrap_or_else(|| "main.pp".to_string());
        let target = if by_file.contains_key("main.pp") {
            "main.pp".to_string()
        } else {
            first
        };
        let entry = by_file.entry(target).or_default();
        entry.insert_str(0, &packages);
    }
    PclOutput {
        text,
        files: by_file.into_iter().collect(),
        diagnostics: emitter.diagnostics,
    }
}

/// `network/main.tf` → `main.pp` (component files are placed by the caller).
fn pp_name(source: &str) -> String {
    let base = source.rsplit('/').next().unwrap_or(source);
    let stem = base
        .strip_suffix(".tf.json")
        .or_else(|| base.strip_suffix(".tf"))
        .unwrap_or(base);
    if stem.is_empty() {
        "main.pp".to_string()
    } else {
        format!("{stem}.pp")
    }
}

/// PCL names: outputs live in their own namespace; the others are camelCase and unique, with
/// config, locals and invokes keeping the plain name before resources and components (as Pulumi's
/// converter does on a clash).
fn pcl_names(program: &Program) -> Vec<String> {
    let mut names = vec![String::new(); program.nodes.len()];
    let terraform_name = |node: &Node| {
        node.address
            .rsplit('.')
            .next()
            .unwrap_or(&node.address)
            .to_string()
    };
    let rank = |kind: &NodeKind| match kind {
        NodeKind::Config(_) => 0,
        NodeKind::Local(_) => 1,
        NodeKind::Invoke(_) => 2,
        NodeKind::Resource(_) => 3,
        NodeKind::Component(_) => 4,
        NodeKind::Output(_) => 5,
        NodeKind::Deferred(_) | NodeKind::Resolve(_) => 6,
    };
    let mut order: Vec<usize> = (0..program.nodes.len()).collect();
    order.sort_by_key(|&i| program.nodes.get(i).map_or(9, |n| rank(&n.kind)));
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut outputs: std::collections::HashSet<String> = std::collections::HashSet::new();
    for i in order {
        let Some(node) = program.nodes.get(i) else {
            continue;
        };
        // Not written in PCL.
        if matches!(node.kind, NodeKind::Deferred(_) | NodeKind::Resolve(_)) {
            continue;
        }
        let generated = node.address.contains(".provisioner[");
        let base = if generated {
            node.name.clone()
        } else {
            crate::model::identifier_base(&crate::mapping::camel_case(&terraform_name(node)))
        };
        let (suffix, pool) = match &node.kind {
            NodeKind::Output(_) => ("Output", &mut outputs),
            NodeKind::Resource(_) => ("Resource", &mut taken),
            NodeKind::Invoke(_) => ("Data", &mut taken),
            NodeKind::Component(_) => ("Component", &mut taken),
            NodeKind::Config(_) => ("Config", &mut taken),
            NodeKind::Local(_) => ("Local", &mut taken),
            NodeKind::Deferred(_) | NodeKind::Resolve(_) => continue,
        };
        let mut candidate = base.clone();
        if pool.contains(&candidate) {
            candidate = format!("{base}{suffix}");
        }
        let mut n = 2;
        while pool.contains(&candidate) {
            candidate = format!("{base}{suffix}{n}");
            n += 1;
        }
        pool.insert(candidate.clone());
        if let Some(slot) = names.get_mut(i) {
            *slot = candidate;
        }
    }
    names
}

struct Emitter<'p> {
    program: &'p Program,
    diagnostics: Vec<Diagnostic>,
    range_style: RangeStyle,
    span: crate::diagnostics::SourceSpan,
    /// PCL identifier of each node.
    names: Vec<String>,
}

impl Emitter<'_> {
    fn node(&mut self, node: &Node, out: &mut String) {
        for line in &node.comments {
            let _ = writeln!(out, "# {line}");
        }
        let index = self
            .program
            .nodes
            .iter()
            .position(|n| std::ptr::eq(n, node))
            .unwrap_or(usize::MAX);
        let name = &self
            .names
            .get(index)
            .cloned()
            .unwrap_or_else(|| node.name.clone());
        match &node.kind {
            NodeKind::Config(config) => {
                let ty = config.effective_type();
                let _ = writeln!(
                    out,
                    "config {} {} {{",
                    string(name),
                    string(&type_string(&ty))
                );
                if let Some(default) = &config.default {
                    let _ = writeln!(out, "{INDENT}default = {}", self.expr(default, 1));
                }
                if let Some(description) = &config.description {
                    let _ = writeln!(out, "{INDENT}description = {}", string(description));
                }
                if config.secret {
                    let _ = writeln!(out, "{INDENT}secret = true");
                }
                if !config.nullable {
                    let _ = writeln!(out, "{INDENT}nullable = false");
                }
                out.push_str("}\n");
            }
            NodeKind::Local(value) => {
                let _ = writeln!(out, "{name} = {}", self.expr(value, 0));
            }
            NodeKind::Resource(resource) => {
                let _ = writeln!(
                    out,
                    "resource {} {} {{",
                    string(name),
                    string(&resource.token)
                );
                if name != &resource.logical_name {
                    let _ = writeln!(
                        out,
                        "{INDENT}__logicalName = {}",
                        string(&resource.logical_name)
                    );
                }
                self.range_style = RangeStyle::Options;
                self.options(&resource.options, out);
                self.properties(&resource.properties, 1, out);
                out.push_str("}\n");
            }
            NodeKind::Component(component) => {
                // The source as written, relative to the module that uses it.
                let source = component.source.trim_end_matches('/').to_string();
                let _ = writeln!(out, "component {} {} {{", string(name), string(&source));
                self.range_style = RangeStyle::Options;
                self.options(&component.options, out);
                // Component inputs are the component's config names: camelCase.
                let inputs: Vec<Property> = component
                    .inputs
                    .iter()
                    .map(|p| Property {
                        name: crate::mapping::camel_case(&p.name),
                        value: self.undeferred(&p.value),
                        comments: p.comments.clone(),
                    })
                    .collect();
                self.properties(&inputs, 1, out);
                out.push_str("}\n");
            }
            NodeKind::Invoke(invoke) if invoke.get.is_some() => {
                // PCL's resource options have no `get`: nothing reads an existing resource.
                let what = format!(
                    "reading an existing `{}` (data source `{}`)",
                    invoke.token, invoke.tf_type
                );
                let value = self.not_implemented(&what, &format!("{}.get", invoke.token));
                let _ = writeln!(out, "{name} = {value}");
            }
            NodeKind::Invoke(invoke) => {
                let mut options = String::new();
                if let Some(provider) = &invoke.provider {
                    let _ = write!(
                        options,
                        ", {{\n{INDENT}provider = {}\n}}",
                        self.expr(provider, 1)
                    );
                }
                let call = |this: &mut Self, level: usize| {
                    let mut args = String::new();
                    this.object_body(&invoke.arguments, level, &mut args);
                    format!("invoke({}, {args}{options})", string(&invoke.token))
                };
                let value = match &invoke.range {
                    None => call(self, 0),
                    Some(range) => {
                        self.range_style = RangeStyle::Loop;
                        let text = match range {
                            Range::Count(count) => {
                                let count = self.expr(count, 0);
                                let body = call(self, 0);
                                format!("[for __index in range({count}) : {body}]")
                            }
                            Range::ForEach(collection) => {
                                let collection = self.expr(collection, 0);
                                let body = call(self, 0);
                                format!(
                                    "{{ for __key, __value in {collection} : __key => {body} }}"
                                )
                            }
                        };
                        self.range_style = RangeStyle::Options;
                        text
                    }
                };
                let _ = writeln!(out, "{name} = {value}");
            }
            NodeKind::Deferred(_) | NodeKind::Resolve(_) => {}
            NodeKind::Output(output) => {
                let _ = writeln!(out, "output {} {{", string(name));
                let mut value = self.expr(&output.value, 1);
                if output.secret {
                    value = format!("secret({value})");
                }
                let _ = writeln!(out, "{INDENT}value = {value}");
                out.push_str("}\n");
            }
        }
    }

    /// A component input as written: a deferred output's value in place of the deferred output.
    fn undeferred(&self, value: &Expr) -> Expr {
        match value {
            Expr::Ref { node, path } if path.is_empty() => self
                .program
                .resolution_of(*node)
                .and_then(|id| self.program.node(id))
                .and_then(|n| match &n.kind {
                    NodeKind::Resolve(resolution) => Some(resolution.value.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| value.clone()),
            _ => value.clone(),
        }
    }

    /// The cycle a deferred output breaks in the other languages stays in PCL.
    fn report_kept_cycle(&mut self, deferred: &Node) {
        let (module, input) = deferred
            .address
            .rsplit_once('.')
            .unwrap_or((deferred.address.as_str(), ""));
        self.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            code: "cycle",
            message: format!(
                "the input `{input}` of `{module}` is computed from that module's own outputs; PCL has no deferred outputs, so the component and the values it refers to form a reference cycle"
            ),
            span: deferred.span.clone(),
        });
    }

    fn options(&mut self, options: &ResourceOptions, out: &mut String) {
        let mut lines: Vec<String> = Vec::new();
        match &options.range {
            // `for_each = toset(list)`: a map from each element to itself, as Pulumi writes it.
            Some(Range::ForEach(Expr::Call { name, args }))
                if name == "toset" && args.len() == 1 =>
            {
                let list = args
                    .first()
                    .map_or_else(|| "[]".to_string(), |a| self.expr(a, 2));
                lines.push(format!(
                    "range = {{ for entry in {list} : entry => entry }}"
                ));
            }
            Some(Range::Count(e) | Range::ForEach(e)) => {
                lines.push(format!("range = {}", self.expr(e, 2)))
            }
            None => {}
        }
        if !options.depends_on.is_empty() {
            let deps: Vec<String> = options.depends_on.iter().map(|e| self.expr(e, 2)).collect();
            lines.push(format!("dependsOn = [{}]", deps.join(", ")));
        }
        if let Some(provider) = &options.provider {
            lines.push(format!("provider = {}", self.expr(provider, 2)));
        }
        if !options.providers.is_empty() {
            let entries: Vec<String> = options
                .providers
                .iter()
                .map(|(package, e)| format!("{} = {}", string(package), self.expr(e, 3)))
                .collect();
            lines.push(format!(
                "providers = {{\n{}\n{INDENT}{INDENT}}}",
                indent_lines(&entries, 3)
            ));
        }
        if let Some(protect) = &options.protect {
            lines.push(format!("protect = {}", self.expr(protect, 2)));
        }
        if !options.ignore_changes.is_empty() {
            let paths: Vec<String> = options.ignore_changes.iter().map(|p| string(p)).collect();
            lines.push(format!("ignoreChanges = [{}]", paths.join(", ")));
        }
        if let Some(dbr) = options.delete_before_replace {
            lines.push(format!("deleteBeforeReplace = {dbr}"));
        }
        if !options.custom_timeouts.is_empty() {
            let entries: Vec<String> = options
                .custom_timeouts
                .iter()
                .map(|(k, v)| format!("{k} = {}", self.expr(v, 3)))
                .collect();
            lines.push(format!(
                "customTimeouts = {{\n{}\n{INDENT}{INDENT}}}",
                indent_lines(&entries, 3)
            ));
        }
        if !options.aliases.is_empty() {
            let aliases: Vec<String> = options.aliases.iter().map(|a| string(a)).collect();
            lines.push(format!("aliases = [{}]", aliases.join(", ")));
        }
        if let Some(id) = &options.import_id {
            lines.push(format!("import = {}", self.expr(id, 2)));
        }
        if lines.is_empty() {
            return;
        }
        let _ = writeln!(out, "{INDENT}options {{");
        for line in lines {
            let _ = writeln!(out, "{INDENT}{INDENT}{line}");
        }
        let _ = writeln!(out, "{INDENT}}}");
    }

    fn properties(&mut self, properties: &[Property], level: usize, out: &mut String) {
        let indent = INDENT.repeat(level);
        for property in properties {
            for line in &property.comments {
                let _ = writeln!(out, "{indent}# {line}");
            }
            let _ = writeln!(
                out,
                "{indent}{} = {}",
                key(&property.name),
                self.expr(&property.value, level)
            );
        }
    }

    fn object_body(&mut self, properties: &[Property], level: usize, out: &mut String) {
        if properties.is_empty() {
            out.push_str("{}");
            return;
        }
        out.push_str("{\n");
        self.properties(properties, level + 1, out);
        out.push_str(&INDENT.repeat(level));
        out.push('}');
    }

    fn not_implemented(&mut self, what: &str, source: &str) -> String {
        self.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            code: "unsupported-function",
            message: format!(
                "{what} has no PCL equivalent; `notImplemented` is written in its place"
            ),
            span: self.span.clone(),
        });
        format!("notImplemented({})", string(source))
    }

    fn expr(&mut self, expr: &Expr, level: usize) -> String {
        match expr {
            Expr::Null => "null".into(),
            Expr::Bool(b) => b.to_string(),
            Expr::Number(n) => n.clone(),
            Expr::String(s) => string(s),
            Expr::Template(parts) => {
                let mut out = String::from("\"");
                self.template(parts, level, &mut out);
                out.push('"');
                out
            }
            Expr::List(items) => {
                let items: Vec<String> = items.iter().map(|e| self.expr(e, level)).collect();
                format!("[{}]", items.join(", "))
            }
            Expr::Object(entries) => {
                if entries.is_empty() {
                    return "{}".into();
                }
                let indent = INDENT.repeat(level + 1);
                let mut out = String::from("{\n");
                for (k, v) in entries {
                    let k = match k {
                        ObjectKey::Name(name) => key(name),
                        ObjectKey::Expr(e) => format!("({})", self.expr(e, level + 1)),
                    };
                    let _ = writeln!(out, "{indent}{k} = {}", self.expr(v, level + 1));
                }
                out.push_str(&INDENT.repeat(level));
                out.push('}');
                out
            }
            Expr::Ref { node, path } => {
                let mut out = self
                    .names
                    .get(*node)
                    .cloned()
                    .unwrap_or_else(|| "null".to_string());
                self.steps(&mut out, path, level);
                out
            }
            Expr::Access(base, path) => {
                let mut out = self.operand(base, level);
                self.steps(&mut out, path, level);
                out
            }
            Expr::Splat(base, path) => {
                let mut out = self.operand(base, level);
                out.push_str("[*]");
                self.steps(&mut out, path, level);
                out
            }
            Expr::Unary(op, e) => {
                let symbol = match op {
                    UnaryOp::Neg => "-",
                    UnaryOp::Not => "!",
                };
                format!("{symbol}{}", self.operand(e, level))
            }
            Expr::Binary(op, a, b) => format!(
                "{} {} {}",
                self.operand(a, level),
                binary(*op),
                self.operand(b, level)
            ),
            Expr::Conditional(c, t, e) => format!(
                "{} ? {} : {}",
                self.operand(c, level),
                self.operand(t, level),
                self.operand(e, level)
            ),
            Expr::Call { name, args } => self.call(name, args, level),
            Expr::Var(name) => crate::mapping::camel_case(name),
            Expr::Range(field) => match (self.range_style, field) {
                (RangeStyle::Options, RangeField::Index | RangeField::Value) => {
                    "range.value".into()
                }
                (RangeStyle::Options, RangeField::Key) => "range.key".into(),
                (RangeStyle::Loop, RangeField::Index) => "__index".into(),
                (RangeStyle::Loop, RangeField::Key) => "__key".into(),
                (RangeStyle::Loop, RangeField::Value) => "__value".into(),
            },
            Expr::For(f) => self.for_expr(f, level),
            Expr::Builtin(builtin) => match builtin {
                Builtin::StackName => "stack()".into(),
                Builtin::PathModule | Builtin::PathRoot => "\".\"".into(),
                Builtin::PathCwd => "cwd()".into(),
            },
            // PCL converts primitives implicitly, as Terraform does.
            Expr::Intrinsic(Intrinsic::Convert(_), args) => match args.first() {
                Some(inner) => self.expr(inner, level),
                None => "null".into(),
            },
            Expr::Intrinsic(intrinsic, args) => {
                let name = match intrinsic {
                    // A path whose last segment has no extension names a directory.
                    Intrinsic::FileAsset if is_directory_path(args.first()) => "fileArchive",
                    Intrinsic::FileAsset => "fileAsset",
                    Intrinsic::StringAsset => "stringAsset",
                    Intrinsic::SingleOrNone => "singleOrNone",
                    Intrinsic::Convert(_) => "",
                    // PCL has no undefined: a null into a required argument fails in the engine, as
                    // in Terraform, and a null map element is left out by it; the value is written as
                    // it is.
                    Intrinsic::Required | Intrinsic::DefinedEntries => {
                        return args
                            .first()
                            .map_or_else(|| "null".to_string(), |value| self.expr(value, level));
                    }
                };
                let args: Vec<String> = args.iter().map(|a| self.expr(a, level)).collect();
                format!("{name}({})", args.join(", "))
            }
            Expr::Unsupported(text) => format!("notImplemented({})", string(text)),
        }
    }

    fn for_expr(&mut self, f: &ForExpr, level: usize) -> String {
        let camel = crate::mapping::camel_case;
        let vars = match &f.key_var {
            Some(k) => format!("{}, {}", camel(k), camel(&f.value_var)),
            None => camel(&f.value_var),
        };
        let collection = self.expr(&f.collection, level);
        let value = self.expr(&f.value, level);
        let condition = match &f.condition {
            Some(c) => format!(" if {}", self.expr(c, level)),
            None => String::new(),
        };
        match &f.key {
            Some(k) => {
                let k = self.expr(k, level);
                let group = if f.grouping { "..." } else { "" };
                format!("{{for {vars} in {collection} : {k} => {value}{group}{condition}}}")
            }
            None => format!("[for {vars} in {collection} : {value}{condition}]"),
        }
    }

    fn template(&mut self, parts: &[TemplatePart], level: usize, out: &mut String) {
        for part in parts {
            match part {
                TemplatePart::Literal(s) => out.push_str(&escape(s)),
                TemplatePart::Interpolation(e) => {
                    let _ = write!(out, "${{{}}}", self.expr(e, level));
                }
                TemplatePart::If {
                    condition,
                    then,
                    otherwise,
                } => {
                    let _ = write!(out, "%{{if {}}}", self.expr(condition, level));
                    self.template(then, level, out);
                    if !otherwise.is_empty() {
                        out.push_str("%{else}");
                        self.template(otherwise, level, out);
                    }
                    out.push_str("%{endif}");
                }
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                } => {
                    let camel = crate::mapping::camel_case;
                    let vars = match key_var {
                        Some(k) => format!("{}, {}", camel(k), camel(value_var)),
                        None => camel(value_var),
                    };
                    let _ = write!(out, "%{{for {vars} in {}}}", self.expr(collection, level));
                    self.template(body, level, out);
                    out.push_str("%{endfor}");
                }
            }
        }
    }

    fn operand(&mut self, expr: &Expr, level: usize) -> String {
        let text = self.expr(expr, level);
        match expr {
            Expr::Unary(..) | Expr::Binary(..) | Expr::Conditional(..) => format!("({text})"),
            _ => text,
        }
    }

    fn steps(&mut self, out: &mut String, path: &[Step], level: usize) {
        for step in path {
            match step {
                Step::Attr(name) if is_identifier(name) => {
                    let _ = write!(out, ".{name}");
                }
                Step::Attr(name) => {
                    let _ = write!(out, "[{}]", string(name));
                }
                Step::Index(e) => {
                    let _ = write!(out, "[{}]", self.expr(e, level));
                }
            }
        }
    }

    fn call(&mut self, name: &str, args: &[Expr], level: usize) -> String {
        let rendered: Vec<String> = args.iter().map(|a| self.expr(a, level + 1)).collect();
        let first = rendered.first().cloned().unwrap_or_else(|| "null".into());
        match (name, rendered.len()) {
            ("jsonencode", 1) => return format!("toJSON({first})"),
            ("length", 1) => return format!("length({first})"),
            ("element", 2) => return format!("element({})", rendered.join(", ")),
            ("list", _) => return format!("[{}]", rendered.join(", ")),
            ("tolist", 1) => return first,
            ("sensitive", 1) => return format!("secret({first})"),
            ("nonsensitive", 1) => return format!("unsecret({first})"),
            ("try", _) => return format!("try({})", rendered.join(", ")),
            ("can", 1) => return format!("can({first})"),
            ("one", 1) => return format!("singleOrNone({first})"),
            ("range", n @ 1..=3) => {
                // range(limit) / range(start, limit) / range(start, limit, step)
                let names: &[&str] = match n {
                    1 => &["limit"],
                    2 => &["start", "limit"],
                    _ => &["start", "limit", "step"],
                };
                let pairs: Vec<(String, String)> = names
                    .iter()
                    .zip(&rendered)
                    .map(|(n, v)| (n.to_string(), v.clone()))
                    .collect();
                return self.std_invoke("range", &pairs, level);
            }
            _ => {}
        }
        let base = name.trim_end_matches("...");
        if let Some(inputs) = std_inputs(base) {
            let mut pairs: Vec<(String, String)> = Vec::new();
            for (index, input) in inputs.iter().enumerate() {
                if let Some(rest) = input.strip_prefix('*') {
                    let items: Vec<String> = rendered.iter().skip(index).cloned().collect();
                    let value = if name.ends_with("...") {
                        items.join(", ") // `f(list...)`: the list itself
                    } else {
                        format!("[{}]", items.join(", "))
                    };
                    pairs.push((rest.to_string(), value));
                    break;
                }
                if let Some(value) = rendered.get(index) {
                    pairs.push((input.to_string(), value.clone()));
                }
            }
            return self.std_invoke(base, &pairs, level);
        }
        let source = format!("{name}({})", rendered.join(", "));
        self.not_implemented(&format!("function `{name}`"), &source)
    }

    fn std_invoke(&mut self, name: &str, pairs: &[(String, String)], level: usize) -> String {
        if pairs.is_empty() {
            return format!("invoke(\"std:index:{name}\", {{}}).result");
        }
        let indent = INDENT.repeat(level + 1);
        let mut out = format!("invoke(\"std:index:{name}\", {{\n");
        for (k, v) in pairs {
            let _ = writeln!(out, "{indent}{k} = {v}");
        }
        out.push_str(&INDENT.repeat(level));
        out.push_str("}).result");
        out
    }
}

fn is_directory_path(path: Option<&Expr>) -> bool {
    match path {
        Some(Expr::String(p)) => {
            p.ends_with('/') || !p.rsplit('/').next().unwrap_or(p).contains('.')
        }
        _ => false,
    }
}

fn indent_lines(lines: &[String], level: usize) -> String {
    let indent = INDENT.repeat(level);
    lines
        .iter()
        .map(|l| format!("{indent}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn binary(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Eq => "==",
        BinaryOp::NotEq => "!=",
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

/// Pulumi's spelling of a Terraform type constraint: list and map elements are `optional(...)`,
/// object attributes sorted.
pub fn type_string(ty: &ConfigType) -> String {
    match ty {
        ConfigType::String | ConfigType::Any => "string".into(),
        ConfigType::Number => "number".into(),
        ConfigType::Bool => "bool".into(),
        ConfigType::List(inner) => format!("list(optional({}))", type_string(inner)),
        ConfigType::Map(inner) => format!("map(optional({}))", type_string(inner)),
        ConfigType::Object(fields) => {
            let mut fields: Vec<String> = fields
                .iter()
                // PCL has no optional attributes; callers' values are checked by the program.
                .map(|f| format!("{}={}", f.name, type_string(&f.ty)))
                .collect();
            fields.sort();
            format!("object({{{}}})", fields.join(", "))
        }
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn key(name: &str) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        string(name)
    }
}

/// An HCL string literal (template markers escaped).
pub fn string(text: &str) -> String {
    format!("\"{}\"", escape(text))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("$$"),
            '%' if chars.peek() == Some(&'{') => out.push_str("%%"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std_table_reads_argument_order() {
        assert_eq!(
            std_inputs("replace"),
            Some(vec!["text", "search", "replace"])
        );
        assert_eq!(std_inputs("uuid"), Some(vec![]));
        assert_eq!(std_inputs("nope"), None);
    }

    /// Every input named in the table exists in Pulumi's std schema, and required inputs are listed.
    #[test]
    fn std_table_matches_the_schema() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/pulumi-tests/pct__support_schemas/std.json"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            assert!(std::env::var_os("CI").is_none(), "{path} is missing");
            return;
        };
        for line in STD_FUNCTIONS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let mut words = line.split_whitespace();
            let Some(name) = words.next() else { continue };
            let token = format!("\"std:index:{name}\"");
            let Some(at) = text.find(&token) else {
                panic!("{name} is not in std.json")
            };
            // The function's inputs object follows its token; read up to the outputs.
            let rest = &text[at..];
            let end = rest.find("\"outputs\"").unwrap_or(rest.len());
            let inputs = &rest[..end];
            for input in words {
                let input = input.trim_start_matches('*');
                assert!(
                    inputs.contains(&format!("\"{input}\"")),
                    "{name}: input `{input}` is not in std.json"
                );
            }
        }
    }

    #[test]
    fn strings_escape_template_markers() {
        assert_eq!(string("a ${b} %{c} \"d\"\n"), r#""a $${b} %%{c} \"d\"\n""#);
    }
}
