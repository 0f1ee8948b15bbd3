//! Python emitter: idiomatic `pulumi` programs (`__main__.py`).
//!
//! Arguments and attributes are the Python SDK's snake_case names of the Pulumi properties; user data
//! (maps, locals, variables) keeps its keys as written. Values that come from resources and invokes are
//! `Output`s: templates over them become `pulumi.Output.format`, and operations on them are lifted with
//! `apply` / `pulumi.Output.all`. Terraform functions map to plain Python where Python has them, else to
//! the `pulumi_std` package.

mod attribute_defaults;

use super::output_lists;
use super::pcl::std_inputs;
use super::split_token;
use crate::diagnostics::{Diagnostic, Severity, SourceSpan};
use crate::mapping::ScalarType;
use crate::model::{
    BinaryOp, Builtin, ConfigType, ConfigVar, Conversion, Expr, ForExpr, Intrinsic, Invoke, Node,
    NodeId, NodeKind, ObjectKey, Program, Property, Range, RangeField, Resource, ResourceOptions,
    Step, TemplatePart, UnaryOp,
};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

const INDENT: &str = "    ";
/// Black's line length: calls and collections longer than this are split one item per line.
const LINE_WIDTH: usize = 88;

/// Python keywords (and Python 2 ones Pulumi's code generator still avoids): a name that is one gets a
/// trailing `_`, as the Pulumi Python SDKs name such arguments (`lambda_`, `from_`, `import_`).
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "exec", "finally", "for", "from", "global", "if",
    "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "print", "raise", "return",
    "try", "while", "with", "yield",
];

/// Names the generated program uses itself: modules it imports, builtins it calls, its helpers and
/// loop variables. Declarations and `for` variables never take them.
const RESERVED: &[&str] = &[
    "pulumi",
    "config",
    "typing",
    "json",
    "base64",
    "os",
    "math",
    "re",
    "pathlib",
    "hashlib",
    "yaml",
    "std",
    "urllib",
    "itertools",
    "uuid",
    "len",
    "str",
    "int",
    "float",
    "bool",
    "list",
    "dict",
    "set",
    "range",
    "sorted",
    "min",
    "max",
    "abs",
    "sum",
    "any",
    "all",
    "zip",
    "enumerate",
    "next",
    "isinstance",
    "open",
    "type",
    "index",
    "key",
    "value",
    "args",
    "item",
    "not_implemented",
    "one",
    "try_",
    "can",
    "coalesce",
    "coalescelist",
    "flatten",
    "to_number",
    "each_entries",
    "group_entries",
    "fileset",
    "formatdate",
    "datetime",
    "required_value",
    "required_text",
    "defined_entries",
    "components",
];

/// `kubernetes_manifest`'s resource in the model. Python's `CustomResource` takes only `api_version`,
/// `kind`, `metadata` and `spec` (TypeScript's takes any field), so a manifest of a built-in kind
/// becomes that kind's own class (`KUBERNETES_KINDS`), whose arguments are its fields.
const CUSTOM_RESOURCE_TOKEN: &str = "kubernetes:apiextensions.k8s.io:CustomResource";

/// The stable built-in Kubernetes kinds of `pulumi_kubernetes` 4.x, as `module/version:Kind`
/// (module: the API group's first label, `core` for the core group).
const KUBERNETES_KINDS: &[&str] = &[
    "admissionregistration/v1:MutatingAdmissionPolicy",
    "admissionregistration/v1:MutatingAdmissionPolicyBinding",
    "admissionregistration/v1:MutatingWebhookConfiguration",
    "admissionregistration/v1:ValidatingAdmissionPolicy",
    "admissionregistration/v1:ValidatingAdmissionPolicyBinding",
    "admissionregistration/v1:ValidatingWebhookConfiguration",
    "apiextensions/v1:CustomResourceDefinition",
    "apiregistration/v1:APIService",
    "apps/v1:ControllerRevision",
    "apps/v1:DaemonSet",
    "apps/v1:Deployment",
    "apps/v1:ReplicaSet",
    "apps/v1:StatefulSet",
    "autoscaling/v1:HorizontalPodAutoscaler",
    "autoscaling/v2:HorizontalPodAutoscaler",
    "batch/v1:CronJob",
    "batch/v1:Job",
    "certificates/v1:CertificateSigningRequest",
    "coordination/v1:Lease",
    "core/v1:Binding",
    "core/v1:ConfigMap",
    "core/v1:Endpoints",
    "core/v1:Event",
    "core/v1:LimitRange",
    "core/v1:Namespace",
    "core/v1:Node",
    "core/v1:PersistentVolume",
    "core/v1:PersistentVolumeClaim",
    "core/v1:Pod",
    "core/v1:PodTemplate",
    "core/v1:ReplicationController",
    "core/v1:ResourceQuota",
    "core/v1:Secret",
    "core/v1:Service",
    "core/v1:ServiceAccount",
    "discovery/v1:EndpointSlice",
    "events/v1:Event",
    "flowcontrol/v1:FlowSchema",
    "flowcontrol/v1:PriorityLevelConfiguration",
    "networking/v1:IPAddress",
    "networking/v1:Ingress",
    "networking/v1:IngressClass",
    "networking/v1:NetworkPolicy",
    "networking/v1:ServiceCIDR",
    "node/v1:RuntimeClass",
    "policy/v1:PodDisruptionBudget",
    "rbac/v1:ClusterRole",
    "rbac/v1:ClusterRoleBinding",
    "rbac/v1:Role",
    "rbac/v1:RoleBinding",
    "resource/v1:DeviceClass",
    "resource/v1:ResourceClaim",
    "resource/v1:ResourceClaimTemplate",
    "resource/v1:ResourceSlice",
    "scheduling/v1:PriorityClass",
    "storage/v1:CSIDriver",
    "storage/v1:CSINode",
    "storage/v1:CSIStorageCapacity",
    "storage/v1:StorageClass",
    "storage/v1:VolumeAttachment",
    "storage/v1:VolumeAttributesClass",
];

/// The `pulumi_kubernetes` class of a manifest's `apiVersion` and `kind` when it is a built-in kind:
/// `rbac.authorization.k8s.io/v1` + `ClusterRole` → `rbac.v1.ClusterRole`.
fn kubernetes_kind_class(api_version: &str, kind: &str) -> Option<String> {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let module = match group {
        "" => "core",
        _ if group.contains('.') && !group.ends_with(".k8s.io") => return None,
        _ => group.split('.').next().unwrap_or(group),
    };
    let key = format!("{module}/{version}:{kind}");
    KUBERNETES_KINDS
        .contains(&key.as_str())
        .then(|| format!("{module}.{version}.{kind}"))
}

/// Pulumi properties whose values are free-form user data (maps, manifests): their keys are kept as
/// written, never renamed to snake_case.
const FREE_FORM: &[&str] = &[
    "tags",
    "tagsAll",
    "labels",
    "annotations",
    "manifest",
    "variables",
    "environment",
    "environmentVariables",
    "data",
    "stringData",
    "binaryData",
    "parameters",
    "triggers",
    "keepers",
    "values",
    "properties",
    "settings",
    "attributes",
    "nodeSelector",
    "matchLabels",
    "headers",
];

/// Terraform's `formatdate`, in Python.
const FORMATDATE: &str = r#"def formatdate(spec, timestamp):
    """Terraform's formatdate(): an RFC 3339 timestamp in the given format."""
    moment = datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    minutes = int((moment.utcoffset() or datetime.timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    offset = "%02d%02d" % divmod(abs(minutes), 60)
    hour12 = moment.hour % 12 or 12
    fields = {
        "YYYY": "%04d" % moment.year,
        "YY": "%02d" % (moment.year % 100),
        "MMMM": moment.strftime("%B"),
        "MMM": moment.strftime("%b"),
        "MM": "%02d" % moment.month,
        "M": str(moment.month),
        "DD": "%02d" % moment.day,
        "D": str(moment.day),
        "EEEE": moment.strftime("%A"),
        "EEE": moment.strftime("%a"),
        "hh": "%02d" % moment.hour,
        "h": str(moment.hour),
        "HH": "%02d" % hour12,
        "H": str(hour12),
        "AA": "AM" if moment.hour < 12 else "PM",
        "aa": "am" if moment.hour < 12 else "pm",
        "mm": "%02d" % moment.minute,
        "m": str(moment.minute),
        "ss": "%02d" % moment.second,
        "s": str(moment.second),
        "ZZZZZ": sign + offset[:2] + ":" + offset[2:],
        "ZZZZ": sign + offset,
        "ZZZ": "UTC" if minutes == 0 else sign + offset,
        "Z": "Z" if minutes == 0 else sign + offset[:2] + ":" + offset[2:],
    }
    out = []
    for match in re.finditer(r"'((?:[^']|'')*)'|([A-Za-z])\2*|.", spec):
        if match.group(1) is not None:
            out.append(match.group(1).replace("''", "'"))
        elif match.group(2) is not None:
            out.append(fields[match.group(0)])
        else:
            out.append(match.group(0))
    return "".join(out)
"#;

/// Terraform's check of a required argument, for a value that may be `None`: a plain value is checked
/// at once, an `Output` when it resolves (the overloads give `_T` and `Output[_T]`).
const REQUIRED_VALUE_HELPER: &str = r#"@typing.overload
def required_value(value: pulumi.Output[typing.Optional[_T]], name: str) -> pulumi.Output[_T]: ...
@typing.overload
def required_value(value: typing.Optional[_T], name: str) -> _T: ...
def required_value(value, name):
    """Terraform's check of a required argument: None fails where the resource is created."""
    def check(item):
        if item is None:
            raise ValueError(f'Null value for "{name}": Terraform requires a value here.')
        return item
    if isinstance(value, pulumi.Output):
        return value.apply(check)
    return check(value)
"#;

/// Small functions the program defines when it needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Helper {
    NotImplemented,
    SingleOrNone,
    Try,
    Can,
    Coalesce,
    CoalesceList,
    Flatten,
    ToNumber,
    EachEntries,
    GroupEntries,
    Fileset,
    FormatDate,
    RequiredValue,
    RequiredText,
    DefinedEntries,
}

impl Helper {
    fn source(self) -> &'static str {
        match self {
            Helper::NotImplemented => {
                "def not_implemented(message):\n    raise NotImplementedError(message)\n"
            }
            // Terraform's `one`, called as `one(items or [None])`: a checker carries the expected
            // type into the argument only through a plain `_T` result, not through `Optional[_T]`.
            Helper::SingleOrNone => {
                "def one(items: typing.Sequence[_T]) -> _T:\n    if len(items) != 1:\n        raise ValueError(\"expected at most one item\")\n    return items[0]\n"
            }
            Helper::Try => {
                "def try_(*attempts: typing.Callable[[], _T]) -> _T:\n    for attempt in attempts:\n        try:\n            return attempt()\n        except Exception:\n            continue\n    raise ValueError(\"no alternative of try() could be evaluated\")\n"
            }
            Helper::Can => {
                "def can(attempt: typing.Callable[[], object]) -> bool:\n    try:\n        attempt()\n        return True\n    except Exception:\n        return False\n"
            }
            Helper::RequiredValue => REQUIRED_VALUE_HELPER,
            // Not `required_value`: a checker picks its `Output` overload for a value typed `Any`.
            Helper::RequiredText => {
                "def required_text(value: typing.Optional[str], function: str) -> str:\n    \"\"\"Terraform rejects a null argument of a string function.\"\"\"\n    if value is None:\n        raise ValueError(f'Null value given to \"{function}\": Terraform requires a string here.')\n    return value\n"
            }
            Helper::DefinedEntries => {
                "def defined_entries(entries: typing.Mapping[str, typing.Optional[_T]]) -> typing.Dict[str, _T]:\n    \"\"\"A map without its None elements, which the Pulumi runtime would leave out.\"\"\"\n    return {key: value for key, value in entries.items() if value is not None}\n"
            }
            Helper::Coalesce => {
                "def coalesce(*values: typing.Optional[_T]) -> _T:\n    return next(value for value in values if value is not None and value != \"\")\n"
            }
            Helper::CoalesceList => {
                "def coalescelist(*lists: typing.Sequence[_T]) -> typing.Sequence[_T]:\n    return next(items for items in lists if items)\n"
            }
            Helper::Flatten => {
                "def flatten(items):\n    flat = []\n    for item in items:\n        if isinstance(item, list):\n            flat.extend(flatten(item))\n        else:\n            flat.append(item)\n    return flat\n"
            }
            Helper::ToNumber => {
                "def to_number(value):\n    number = float(value)\n    return int(number) if number.is_integer() else number\n"
            }
            Helper::EachEntries => {
                "def each_entries(collection):\n    \"\"\"Key/value pairs of a map; a list or set gives each element as its own key.\"\"\"\n    if isinstance(collection, dict):\n        return list(collection.items())\n    return [(item, item) for item in collection]\n"
            }
            Helper::GroupEntries => {
                "def group_entries(entries):\n    groups = {}\n    for key, value in entries:\n        groups.setdefault(key, []).append(value)\n    return groups\n"
            }
            Helper::FormatDate => FORMATDATE,
            Helper::Fileset => {
                "def fileset(directory, pattern):\n    root = pathlib.Path(directory)\n    return sorted(path.relative_to(root).as_posix() for path in root.glob(pattern) if path.is_file())\n"
            }
        }
    }

    fn imports(self) -> &'static [&'static str] {
        match self {
            Helper::Fileset => &["pathlib"],
            Helper::FormatDate => &["datetime", "re"],
            Helper::SingleOrNone
            | Helper::Try
            | Helper::Can
            | Helper::Coalesce
            | Helper::CoalesceList
            | Helper::RequiredValue
            | Helper::RequiredText
            | Helper::DefinedEntries => &["typing"],
            _ => &[],
        }
    }

    /// Whether the helper's signature uses the type variable `_T`: typed helpers let a checker carry
    /// the expected type into their arguments (a dict literal inside `one([...] or [None])` is then
    /// checked as the input type it is passed as, instead of as a plain `dict`).
    fn generic(self) -> bool {
        matches!(
            self,
            Helper::SingleOrNone
                | Helper::Try
                | Helper::Coalesce
                | Helper::CoalesceList
                | Helper::RequiredValue
                | Helper::DefinedEntries
        )
    }
}

/// Whether a collection is a list (or set), a map, or cannot be told from the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    List,
    Map,
    Unknown,
}

/// A variable bound by a loop or comprehension around the code being written.
#[derive(Debug, Clone)]
struct Binding {
    /// The variable's name in the source (`for` variables) or its range field.
    source: BindingSource,
    /// The Python identifier.
    name: String,
    /// Holds a resource or invoke result (attributes are accessed with `.`), not user data.
    typed: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum BindingSource {
    Var(String),
    Range(RangeField),
}

pub fn emit(program: &Program) -> (String, Vec<Diagnostic>) {
    let components = Components::of(program);
    emit_file(program, &components, None)
}

/// The component classes of the program's local modules, one file each in the `components`
/// package (`components/vpc.py` with `class Vpc(pulumi.ComponentResource)`), and their diagnostics.
pub fn emit_components(program: &Program) -> (Vec<super::ProjectFile>, Vec<Diagnostic>) {
    let components = Components::of(program);
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    if program.components.is_empty() {
        return (files, diagnostics);
    }
    files.push(super::ProjectFile {
        path: "components/__init__.py".into(),
        text:
            "\"\"\"Component classes converted from the Terraform modules of this project.\"\"\"\n"
                .into(),
    });
    for component in &program.components {
        let Some(class) = components.classes.get(&component.path) else {
            continue;
        };
        let (text, file_diagnostics) =
            emit_file(&component.program, &components, Some(&component.path));
        diagnostics.extend(file_diagnostics);
        files.push(super::ProjectFile {
            path: format!("components/{}.py", class.module),
            text,
        });
    }
    (files, diagnostics)
}

/// The Python class of a local module.
#[derive(Debug, Clone)]
struct ComponentClass {
    /// `VirtualNetwork`.
    class: String,
    /// `virtual_network`: the file in the `components` package.
    module: String,
}

/// What every file of a project knows about its components: their classes, and which of their
/// inputs some caller passes an output to (those are `Output`s inside the component).
#[derive(Debug, Default)]
struct Components {
    classes: HashMap<String, ComponentClass>,
    output_inputs: HashMap<String, BTreeSet<String>>,
}

impl Components {
    fn of(root: &Program) -> Self {
        let mut classes: HashMap<String, ComponentClass> = HashMap::new();
        let mut taken: BTreeSet<String> = BTreeSet::new();
        for component in &root.components {
            let base = class_name(&component.path);
            let mut class = base.clone();
            let mut n = 2;
            while taken.contains(&class) {
                class = format!("{base}{n}");
                n += 1;
            }
            taken.insert(class.clone());
            let module = py_name(&class);
            classes.insert(component.path.clone(), ComponentClass { class, module });
        }
        let mut components = Components {
            classes,
            output_inputs: HashMap::new(),
        };
        // Outputs flow into a component through its callers, who may be components themselves:
        // repeat until nothing changes (each round only adds).
        for _ in 0..=root.components.len() {
            let mut changed = false;
            let programs = std::iter::once((None, root)).chain(
                root.components
                    .iter()
                    .map(|c| (Some(c.path.as_str()), &c.program)),
            );
            let mut found: Vec<(String, String)> = Vec::new();
            for (path, program) in programs {
                let emitter = Emitter::new(program, &components, path);
                for node in &program.nodes {
                    let NodeKind::Component(component) = &node.kind else {
                        continue;
                    };
                    let Some(target) = &component.path else {
                        continue;
                    };
                    for input in &component.inputs {
                        if emitter.is_output(&input.value) {
                            found.push((target.clone(), input.name.clone()));
                        }
                    }
                }
            }
            for (target, key) in found {
                changed |= components
                    .output_inputs
                    .entry(target)
                    .or_default()
                    .insert(key);
            }
            if !changed {
                break;
            }
        }
        components
    }
}

/// `modules/virtual-network` → `VirtualNetwork`; a path with no name of its own (`../..`) → `Module`.
fn class_name(path: &str) -> String {
    let segment = path
        .rsplit('/')
        .find(|s| !s.is_empty() && *s != "." && *s != "..")
        .unwrap_or("module");
    let mut out = String::new();
    for word in segment.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Module");
    }
    out
}

/// One Python file: the main program (`component` is `None`) or a component class.
fn emit_file(
    program: &Program,
    components: &Components,
    component: Option<&str>,
) -> (String, Vec<Diagnostic>) {
    let mut emitter = Emitter::new(program, components, component);
    let mut body = String::new();
    let has_config = program
        .nodes
        .iter()
        .any(|n| matches!(n.kind, NodeKind::Config(_)));
    if has_config && component.is_none() {
        body.push_str("config = pulumi.Config()\n");
    }
    let mut previous: Option<(std::mem::Discriminant<NodeKind>, bool)> = None;
    for (id, node) in program.nodes.iter().enumerate() {
        emitter.span = node.span.clone();
        emitter.address = node.address.clone();
        let mut statement = String::new();
        emitter.node(id, node, &mut statement);
        // Blank lines separate groups of one kind and every multi-line statement.
        let code_lines = statement.lines().filter(|l| !l.starts_with('#')).count();
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

    let mut imports: BTreeSet<&str> = emitter.imports.clone();
    for helper in &emitter.helpers {
        imports.extend(helper.imports());
    }
    if component.is_some() {
        imports.insert("typing");
    }
    // The standard library first, then Pulumi and the other third-party modules (PEP 8 groups),
    // then the project's own components.
    let third_party = imports.remove("yaml");
    let mut out = String::new();
    for module in &imports {
        let _ = writeln!(out, "import {module}");
    }
    if !imports.is_empty() {
        out.push('\n');
    }
    out.push_str("import pulumi\n");
    let mut packages: BTreeSet<&str> = program.packages.iter().map(String::as_str).collect();
    if emitter.uses_std {
        packages.insert("std");
    }
    for package in packages {
        let _ = writeln!(
            out,
            "import {} as {}",
            python_module(package),
            package_identifier(package)
        );
    }
    if third_party {
        out.push_str("import yaml\n");
    }
    if !emitter.component_imports.is_empty() {
        out.push('\n');
        for (module, class) in &emitter.component_imports {
            let _ = writeln!(out, "from components.{module} import {class}");
        }
    }
    out.push('\n');
    if emitter.helpers.iter().any(|h| h.generic()) {
        out.push_str("\n_T = typing.TypeVar(\"_T\")\n\n");
    }
    for helper in &emitter.helpers {
        out.push('\n');
        out.push_str(helper.source());
        out.push('\n');
    }
    if !emitter.helpers.is_empty() {
        out.push('\n');
    }
    match component.and_then(|path| components.classes.get(path)) {
        None => out.push_str(&body),
        Some(class) => {
            let name = &class.class;
            let _ = write!(
                out,
                "\nclass {name}(pulumi.ComponentResource):\n{INDENT}\"\"\"The Terraform module `{}`.\"\"\"\n\n",
                component.unwrap_or_default()
            );
            let _ = writeln!(
                out,
                "{INDENT}def __init__(\n{INDENT}{INDENT}self,\n{INDENT}{INDENT}name: str,\n{INDENT}{INDENT}args: typing.Mapping[str, typing.Any],\n{INDENT}{INDENT}opts: typing.Optional[pulumi.ResourceOptions] = None,\n{INDENT}):"
            );
            let _ = writeln!(
                out,
                "{INDENT}{INDENT}super().__init__(\"components:index:{name}\", name, None, opts)"
            );
            if !body.starts_with('\n') {
                out.push('\n');
            }
            out.push_str(&indent_code(&body, 2));
            let exports: Vec<String> = emitter
                .exports
                .iter()
                .map(|(key, attribute)| format!("{}: self.{attribute}", string_literal(key)))
                .collect();
            let _ = writeln!(
                out,
                "\n{INDENT}{INDENT}self.register_outputs({})",
                sequence("{", "}", &exports, 2)
            );
        }
    }
    (out, emitter.diagnostics)
}

/// Indents every line of code by `level`, leaving the inside of triple-quoted strings alone.
/// `pulumi.Output.all(*items)`: one output of the values of a list of outputs. Unlike
/// `Output.from_input`, a checker types what it gives as plain values.
fn gathered_list(items: &str) -> String {
    format!("pulumi.Output.all(*{})", wrap_postfix(items))
}

fn indent_code(code: &str, level: usize) -> String {
    let pad = INDENT.repeat(level);
    let mut out = String::with_capacity(code.len() + code.lines().count() * pad.len());
    let mut in_string = false;
    for line in code.lines() {
        if !in_string && !line.is_empty() {
            out.push_str(&pad);
        }
        out.push_str(line);
        out.push('\n');
        if line.matches("\"\"\"").count() % 2 == 1 {
            in_string = !in_string;
        }
    }
    out
}

/// The Python distribution module of a Pulumi package (`aws` → `pulumi_aws`).
pub fn python_module(package: &str) -> String {
    format!("pulumi_{}", package_identifier(package))
}

/// The identifier a package is imported as (`aws`, `kubernetes`, `azure_native`).
pub fn package_identifier(package: &str) -> String {
    package.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
}

/// Unique Python identifiers for the nodes: snake_case of the model's names, clear of keywords and of
/// the names the program uses itself.
fn node_names(program: &Program, component: bool) -> Vec<String> {
    let aliases: Vec<String> = program
        .packages
        .iter()
        .map(|p| package_identifier(p))
        .collect();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut names = Vec::with_capacity(program.nodes.len());
    for node in &program.nodes {
        let mut base = py_name(&node.name);
        let in_class = component && matches!(base.as_str(), "self" | "name" | "opts" | "typing");
        if RESERVED.contains(&base.as_str()) || aliases.contains(&base) || in_class {
            base.push('_');
        }
        let mut candidate = base.clone();
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        taken.insert(candidate.clone());
        names.push(candidate);
    }
    names
}

struct Emitter<'p> {
    program: &'p Program,
    components: &'p Components,
    /// The folder of the module whose component class is being written; `None` for the program.
    component: Option<&'p str>,
    /// `from components.<module> import <class>` lines the file needs.
    component_imports: BTreeSet<(String, String)>,
    /// A component's outputs: Pulumi output name → attribute of `self`.
    exports: Vec<(String, String)>,
    /// Python identifier of every node.
    names: Vec<String>,
    output_memo: RefCell<HashMap<NodeId, bool>>,
    /// Per counted node: whether it is a list of output-valued objects (see `is_counted_outputs`).
    counted_outputs_memo: RefCell<HashMap<NodeId, bool>>,
    /// Per local: whether it holds a list of outputs (see `is_output_list`).
    output_list_memo: RefCell<HashMap<NodeId, bool>>,
    /// Per local: whether its value builds a list or dict (see `holds_values`).
    values_memo: RefCell<HashMap<NodeId, bool>>,
    typed_memo: RefCell<HashMap<NodeId, bool>>,
    /// While emitting inside an `apply`: output-valued expressions → the callback's names for them.
    substitutions: Vec<(Expr, String)>,
    /// Loop and comprehension variables in scope, innermost last.
    scope: Vec<Binding>,
    imports: BTreeSet<&'static str>,
    helpers: BTreeSet<Helper>,
    uses_std: bool,
    /// While emitting a `CustomResource`: its `spec` is free-form.
    free_form_spec: bool,
    diagnostics: Vec<Diagnostic>,
    /// The node being emitted, for diagnostics.
    span: SourceSpan,
    address: String,
}

impl<'p> Emitter<'p> {
    fn new(program: &'p Program, components: &'p Components, component: Option<&'p str>) -> Self {
        Emitter {
            program,
            components,
            component,
            component_imports: BTreeSet::new(),
            exports: Vec::new(),
            names: node_names(program, component.is_some()),
            output_memo: RefCell::new(HashMap::new()),
            counted_outputs_memo: RefCell::new(HashMap::new()),
            output_list_memo: RefCell::new(HashMap::new()),
            values_memo: RefCell::new(HashMap::new()),
            typed_memo: RefCell::new(HashMap::new()),
            substitutions: Vec::new(),
            scope: Vec::new(),
            imports: BTreeSet::new(),
            helpers: BTreeSet::new(),
            uses_std: false,
            free_form_spec: false,
            diagnostics: Vec::new(),
            span: SourceSpan::default(),
            address: String::new(),
        }
    }

    fn node_name(&self, id: NodeId) -> String {
        self.names
            .get(id)
            .cloned()
            .unwrap_or_else(|| "None".to_string())
    }

    fn warn(&mut self, code: &'static str, message: String) {
        self.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            code,
            message,
            span: self.span.clone(),
        });
    }

    fn not_implemented(&mut self, text: &str) -> String {
        self.helpers.insert(Helper::NotImplemented);
        format!("not_implemented({})", string_literal(text))
    }

    fn node(&mut self, id: NodeId, node: &Node, out: &mut String) {
        for line in &node.comments {
            let _ = writeln!(out, "{}", comment(line));
        }
        let name = self.node_name(id);
        match &node.kind {
            NodeKind::Config(config) => {
                self.config(&name, config, out);
                self.fill_attribute_defaults(&name, config, out);
            }
            NodeKind::Local(value) => {
                let _ = writeln!(out, "{name} = {}", strip_parens(&self.expr(value, 0)));
            }
            NodeKind::Resource(resource) => self.resource(&name, resource, out),
            NodeKind::Invoke(invoke) => self.invoke(&name, invoke, out),
            NodeKind::Component(component) => {
                let class = component
                    .path
                    .as_ref()
                    .and_then(|path| self.components.classes.get(path))
                    .cloned();
                let Some(class) = class else {
                    self.warn(
                        "not-converted",
                        format!(
                            "module `{}` ({}) is not part of the example: no Python component class is generated for it",
                            component.logical_name, component.source
                        ),
                    );
                    let value = self.not_implemented(&format!("module {}", component.source));
                    let _ = writeln!(out, "{name} = {value}");
                    return;
                };
                self.component_imports
                    .insert((class.module.clone(), class.class.clone()));
                let args = InstanceArgs::Inputs(&component.inputs);
                self.instance(
                    &name,
                    &class.class,
                    &component.logical_name,
                    &args,
                    &component.options,
                    out,
                );
            }
            NodeKind::Deferred(_) => {
                let resolver = match self.program.resolution_of(id) {
                    Some(resolver) => self.node_name(resolver),
                    None => "_".to_string(),
                };
                let _ = writeln!(out, "{name}, {resolver} = pulumi.deferred_output()");
            }
            NodeKind::Resolve(resolution) => {
                let value = self.expr(&resolution.value, 1);
                let value = if self.surely_output(&resolution.value, 0) {
                    value
                } else {
                    format!("pulumi.Output.from_input({value})")
                };
                let _ = writeln!(out, "{}", call(&name, &[value], 0));
            }
            NodeKind::Output(output) => {
                let mut value = self.expr(&output.value, 1);
                if output.secret {
                    value = format!("pulumi.Output.secret({value})");
                }
                if self.component.is_some() {
                    // Callers treat a component's outputs as `Output`s (and lift over them).
                    if !output.secret && self.is_output_list(&output.value) {
                        value = gathered_list(&value);
                    } else if !output.secret && !self.is_output(&output.value) {
                        value = format!("pulumi.Output.from_input({value})");
                    }
                    let attribute = py_name(&node.name);
                    let _ = writeln!(out, "self.{attribute} = {}", strip_parens(&value));
                    self.exports.push((node.name.clone(), attribute));
                    return;
                }
                let export = string_literal(&node.name);
                let _ = writeln!(out, "{}", call("pulumi.export", &[export, value], 0));
            }
        }
    }

    /// `config.get_int("x")` and friends; a default is applied when the value is not set (`None`),
    /// so `false`, `0` and `""` defaults survive.
    fn config(&mut self, name: &str, config: &ConfigVar, out: &mut String) {
        if let Some(description) = &config.description {
            for line in description.lines() {
                let _ = writeln!(out, "{}", comment(line));
            }
        }
        let key = string_literal(&config.key);
        if self.component.is_some() {
            // A component's inputs come from its caller's `args`. Declared `typing.Any` as the
            // caller's value is: a checker would otherwise narrow it to the union of `None` and
            // the default's type, and reject every use the default's type does not allow.
            match &config.default {
                None => {
                    let _ = writeln!(out, "{name} = args[{key}]");
                }
                Some(Expr::Null) => {
                    let _ = writeln!(out, "{name}: typing.Any = args.get({key})");
                }
                // One assignment: a second one (`if x is None: x = ...`) would make a checker type
                // the name as possibly `None` wherever a lambda captures it.
                Some(default) => {
                    let fallback = self.expr(default, 1);
                    let _ = writeln!(
                        out,
                        "{name}: typing.Any = args[{key}] if args.get({key}) is not None else {fallback}"
                    );
                }
            }
            if config.secret {
                let _ = writeln!(out, "{name} = pulumi.Output.secret({name})");
            } else if self.input_is_output(&config.key) {
                let _ = writeln!(out, "{name} = pulumi.Output.from_input({name})");
            }
            return;
        }
        let ty = config.effective_type();
        let kind = match &ty {
            ConfigType::String | ConfigType::Any => "",
            ConfigType::Number => match &config.default {
                Some(Expr::Number(n)) if !is_integer(n) => "_float",
                _ => "_int",
            },
            ConfigType::Bool => "_bool",
            ConfigType::List(_) | ConfigType::Map(_) | ConfigType::Object(_) => "_object",
        };
        let secret = if config.secret { "_secret" } else { "" };
        match &config.default {
            None => {
                let _ = writeln!(out, "{name} = config.require{secret}{kind}({key})");
            }
            // `default = null`: the value may stay `None`, and the program guards its uses in
            // ways a checker cannot follow (`[x] if x is not None else []` in a comprehension).
            Some(Expr::Null) if !config.secret => {
                self.imports.insert("typing");
                let _ = writeln!(out, "{name}: typing.Any = config.get{kind}({key})");
            }
            // The SDK's `default` argument types the value as the default's type, never `None`.
            Some(default) if !config.secret => {
                let fallback = self.expr(default, 1);
                let read = call(&format!("config.get{kind}"), &[key, fallback], 0);
                let _ = writeln!(out, "{name} = {read}");
            }
            Some(default) => {
                let fallback = self.expr(default, 1);
                let fallback = format!("pulumi.Output.secret({fallback})");
                let _ = writeln!(out, "{name} = config.get{secret}{kind}({key})");
                let _ = writeln!(out, "if {name} is None:\n{INDENT}{name} = {fallback}");
            }
        }
    }

    fn resource(&mut self, name: &str, resource: &Resource, out: &mut String) {
        let mut class = resource_class(&resource.token);
        let custom = resource.token == CUSTOM_RESOURCE_TOKEN;
        if custom {
            let field = |key: &str| {
                resource
                    .properties
                    .iter()
                    .find(|p| p.name == key)
                    .and_then(|p| match &p.value {
                        Expr::String(s) => Some(s.as_str()),
                        _ => None,
                    })
            };
            if let Some(kind_class) = field("apiVersion")
                .zip(field("kind"))
                .and_then(|(api_version, kind)| kubernetes_kind_class(api_version, kind))
            {
                class = format!("{}.{kind_class}", package_identifier("kubernetes"));
            } else {
                // A custom resource's `spec` is the CRD's data: its keys stay as written.
                self.free_form_spec = true;
            }
        }
        let args = InstanceArgs::Properties(&resource.properties);
        self.instance(
            name,
            &class,
            &resource.logical_name,
            &args,
            &resource.options,
            out,
        );
        self.free_form_spec = false;
    }

    /// The arguments after the logical name: keyword arguments of a resource, the input dict of a
    /// component.
    fn instance_args(&mut self, args: &InstanceArgs, level: usize) -> Vec<String> {
        match args {
            InstanceArgs::Properties(properties) => self.arguments(properties, level),
            InstanceArgs::Inputs(inputs) => {
                let mut items = Vec::new();
                for input in *inputs {
                    let mut text = String::new();
                    for line in &input.comments {
                        let _ = writeln!(text, "{}", comment(line));
                        text.push_str(&INDENT.repeat(level + 2));
                    }
                    let value = self.expr(&input.value, level + 2);
                    let _ = write!(text, "{}: {value}", string_literal(&input.name));
                    items.push(text);
                }
                vec![sequence("{", "}", &items, level + 1)]
            }
        }
    }

    /// The logical name of a resource; inside a component, prefixed with the component's name.
    fn logical_name(&self, logical: &str, suffix: Option<&str>) -> String {
        let text = fstring_literal_text(logical);
        match (self.component.is_some(), suffix) {
            (false, None) => string_literal(logical),
            (false, Some(var)) => format!("f\"{text}-{{{var}}}\""),
            (true, None) => format!("f\"{{name}}-{text}\""),
            (true, Some(var)) => format!("f\"{{name}}-{text}-{{{var}}}\""),
        }
    }

    /// `name = Class("name", args..., opts=...)`, in a loop for `count` / `for_each`.
    fn instance(
        &mut self,
        name: &str,
        class: &str,
        logical_name: &str,
        instance_args: &InstanceArgs,
        options: &ResourceOptions,
        out: &mut String,
    ) {
        let Some(range) = &options.range else {
            let mut args = vec![self.logical_name(logical_name, None)];
            args.extend(self.instance_args(instance_args, 0));
            args.extend(self.options(options, 0));
            let _ = writeln!(out, "{name} = {}", call(class, &args, 0));
            return;
        };
        let (collection, is_count) = match range {
            Range::Count(e) => (e, true),
            Range::ForEach(e) => (e, false),
        };
        let lifted = self.is_output(collection);
        if lifted {
            self.warn(
                "range-after-deploy",
                format!(
                    "the `{}` of `{}` is known only after deployment: the resources are created inside an `apply`, and `pulumi preview` will not show them",
                    if is_count { "count" } else { "for_each" },
                    logical_name
                ),
            );
        }
        // Inside a lifted range the collection is the callback's parameter.
        let source = if lifted {
            "resolved".to_string()
        } else {
            self.operand(collection, 1)
        };
        let shape = if is_count {
            Shape::List
        } else {
            self.shape(collection)
        };
        let level = if lifted { 2 } else { 1 };
        let pad = if lifted { INDENT } else { "" };
        let mut body = String::new();
        if is_count {
            let _ = writeln!(out, "{name} = []");
            let bindings = vec![Binding {
                source: BindingSource::Range(RangeField::Index),
                name: "index".into(),
                typed: false,
            }];
            let mut args = vec![self.logical_name(logical_name, Some("index"))];
            let (props, options) = self.in_scope(bindings, |this| {
                (
                    this.instance_args(instance_args, level),
                    this.options(options, level),
                )
            });
            args.extend(props);
            args.extend(options);
            let _ = writeln!(body, "{pad}for index in range({source}):");
            let _ = writeln!(
                body,
                "{pad}{INDENT}{name}.append({})",
                call(class, &args, level)
            );
        } else {
            let _ = writeln!(out, "{name} = {{}}");
            let typed = self.is_typed(collection);
            let (header, bindings) = self.each_header(&source, shape, typed);
            let mut args = vec![self.logical_name(logical_name, Some("key"))];
            let (props, options) = self.in_scope(bindings, |this| {
                (
                    this.instance_args(instance_args, level),
                    this.options(options, level),
                )
            });
            args.extend(props);
            args.extend(options);
            let _ = writeln!(body, "{pad}{header}:");
            let _ = writeln!(
                body,
                "{pad}{INDENT}{name}[key] = {}",
                call(class, &args, level)
            );
        }
        if lifted {
            let source = self.expr(collection, 0);
            let source = self.as_output(collection, source);
            // `create_<name>`, unless a declaration already has that name.
            let base = format!("create_{}", name.trim_end_matches('_'));
            let mut function = base.clone();
            let mut n = 2;
            while self.names.contains(&function) {
                function = format!("{base}_{n}");
                n += 1;
            }
            let _ = writeln!(out, "\n\ndef {function}(resolved):");
            // The body is written at its final depth: re-indenting would change multi-line strings.
            out.push_str(&body);
            let _ = writeln!(out, "\n\n{source}.apply({function})");
        } else {
            out.push_str(&body);
        }
    }

    /// The `for` header of a `for_each` loop and the bindings of `each.key` / `each.value`.
    fn each_header(&mut self, source: &str, shape: Shape, typed: bool) -> (String, Vec<Binding>) {
        let key = |name: &str, field| Binding {
            source: BindingSource::Range(field),
            name: name.into(),
            typed: false,
        };
        match shape {
            // A set: each element is its own key and value.
            Shape::List => (
                format!("for key in {source}"),
                vec![key("key", RangeField::Key), key("key", RangeField::Value)],
            ),
            Shape::Map => (
                format!("for key, value in {}.items()", wrap_postfix(source)),
                vec![
                    key("key", RangeField::Key),
                    Binding {
                        source: BindingSource::Range(RangeField::Value),
                        name: "value".into(),
                        typed,
                    },
                ],
            ),
            Shape::Unknown => {
                self.helpers.insert(Helper::EachEntries);
                (
                    format!("for key, value in each_entries({source})"),
                    vec![
                        key("key", RangeField::Key),
                        Binding {
                            source: BindingSource::Range(RangeField::Value),
                            name: "value".into(),
                            typed,
                        },
                    ],
                )
            }
        }
    }

    /// `name = pkg.mod.get_thing_output(args...)`, as a comprehension for `count` / `for_each`.
    fn invoke(&mut self, name: &str, invoke: &Invoke, out: &mut String) {
        // A data source read as an existing resource: `Class.get("name", id, opts=...)`.
        let function = match &invoke.get {
            Some(_) => format!("{}.get", resource_class(&invoke.token)),
            None => invoke_function(&invoke.token),
        };
        let Some(range) = &invoke.range else {
            let text = self.invoke_call(&function, invoke, None, 0);
            let _ = writeln!(out, "{name} = {text}");
            return;
        };
        let (collection, is_count) = match range {
            Range::Count(e) => (e, true),
            Range::ForEach(e) => (e, false),
        };
        let lifted = self.is_output(collection);
        if lifted {
            self.warn(
                "range-after-deploy",
                format!(
                    "the `{}` of data source `{}` is known only after deployment: the calls are made inside an `apply`",
                    if is_count { "count" } else { "for_each" },
                    self.address
                ),
            );
        }
        let source = if lifted {
            "resolved".to_string()
        } else {
            self.operand(collection, 1)
        };
        let text = if is_count {
            let bindings = vec![Binding {
                source: BindingSource::Range(RangeField::Index),
                name: "index".into(),
                typed: false,
            }];
            let text = self.in_scope(bindings, |this| {
                this.invoke_call(&function, invoke, Some("index"), 1)
            });
            format!("[\n{INDENT}{text}\n{INDENT}for index in range({source})\n]")
        } else {
            let shape = self.shape(collection);
            let typed = self.is_typed(collection);
            let (header, bindings) = self.each_header(&source, shape, typed);
            let text = self.in_scope(bindings, |this| {
                this.invoke_call(&function, invoke, Some("key"), 1)
            });
            format!("{{\n{INDENT}key: {text}\n{INDENT}{header}\n}}")
        };
        if lifted {
            let source = self.expr(collection, 0);
            let source = self.as_output(collection, source);
            let _ = writeln!(out, "{name} = {source}.apply(lambda resolved: {text})");
        } else {
            let _ = writeln!(out, "{name} = {text}");
        }
    }

    /// `function(arguments, opts=...)`. The typed dicts of an invoke's arguments hold plain values
    /// (only an argument as a whole may be an `Output`), and a checker infers a dict built inside an
    /// `apply` without the expected type: where outputs sit inside an argument, the call itself is
    /// made inside the `apply`, so its dicts are checked against the function's parameters.
    fn invoke_call(
        &mut self,
        function: &str,
        invoke: &Invoke,
        suffix: Option<&str>,
        level: usize,
    ) -> String {
        let render = |this: &mut Self| {
            let mut args = this.invoke_arguments(invoke, suffix, level);
            args.extend(this.invoke_options(invoke, level));
            call(function, &args, level)
        };
        let nested_outputs = invoke.get.is_none()
            && invoke
                .arguments
                .iter()
                .any(|p| self.is_output(&p.value) && self.holds_values(&p.value));
        if !nested_outputs {
            return render(self);
        }
        let roots: Vec<&Expr> = invoke.arguments.iter().map(|p| &p.value).collect();
        self.lift(&roots, level, render)
    }

    /// Whether an expression builds a list or dict (directly or through the locals it reads): an
    /// output in it is an element, not the value as a whole.
    fn holds_values(&self, expr: &Expr) -> bool {
        let mut found = false;
        expr.walk(&mut |e| match e {
            Expr::List(_) | Expr::Object(_) | Expr::For(_) | Expr::Splat(..) => found = true,
            Expr::Ref { node, .. } if !found => found = self.local_holds_values(*node),
            _ => {}
        });
        found
    }

    fn local_holds_values(&self, id: NodeId) -> bool {
        if let Some(known) = self.values_memo.borrow().get(&id) {
            return *known;
        }
        // Provisional answer guards against cycles (already reported by the model).
        self.values_memo.borrow_mut().insert(id, false);
        let result = match self.program.node(id).map(|n| &n.kind) {
            Some(NodeKind::Local(value)) => self.holds_values(value),
            _ => false,
        };
        self.values_memo.borrow_mut().insert(id, result);
        result
    }

    /// A function's keyword arguments, or a `get`'s logical name (with the range variable `suffix`)
    /// and ID.
    fn invoke_arguments(
        &mut self,
        invoke: &Invoke,
        suffix: Option<&str>,
        level: usize,
    ) -> Vec<String> {
        match &invoke.get {
            Some(get) => vec![
                self.logical_name(&get.logical_name, suffix),
                self.expr(&get.id, level + 1),
            ],
            None => self.arguments(&invoke.arguments, level),
        }
    }

    fn invoke_options(&mut self, invoke: &Invoke, level: usize) -> Option<String> {
        let mut args = Vec::new();
        if self.component.is_some() {
            args.push("parent=self".to_string());
        }
        if let Some(provider) = &invoke.provider {
            args.push(format!("provider={}", self.expr(provider, level + 2)));
        }
        if !invoke.depends_on.is_empty() {
            let deps: Vec<String> = invoke
                .depends_on
                .iter()
                .map(|e| self.expr(e, level + 3))
                .collect();
            args.push(format!(
                "depends_on={}",
                sequence("[", "]", &deps, level + 2)
            ));
        }
        if args.is_empty() {
            return None;
        }
        let class = if invoke.get.is_some() {
            "pulumi.ResourceOptions"
        } else {
            "pulumi.InvokeOutputOptions"
        };
        Some(format!("opts={}", call(class, &args, level + 1)))
    }

    /// Keyword arguments `snake_name=value`.
    fn arguments(&mut self, properties: &[Property], level: usize) -> Vec<String> {
        let mut out = Vec::new();
        for property in properties {
            let value = self.property_value(&property.name, &property.value, level + 1);
            let mut text = String::new();
            for line in &property.comments {
                let _ = writeln!(text, "{}", comment(line));
                text.push_str(&INDENT.repeat(level + 1));
            }
            let _ = write!(text, "{}={value}", py_name(&property.name));
            out.push(text);
        }
        out
    }

    /// The value of a Pulumi property: objects in it are input types (snake_case keys) unless the
    /// property holds free-form data.
    fn property_value(&mut self, name: &str, value: &Expr, level: usize) -> String {
        // Free-form data is a map; a list of objects under such a name is a list of blocks
        // (`aws_db_parameter_group`'s `parameter` blocks become `parameters`).
        let blocks = matches!(value, Expr::List(items) if items.iter().all(|i| matches!(i, Expr::Object(_))))
            || matches!(value, Expr::For(f) if f.key.is_none() && matches!(f.value, Expr::Object(_)));
        let free_form = FREE_FORM.contains(&name) && !blocks;
        let input = !free_form && !(self.free_form_spec && name == "spec");
        self.expr_ctx(value, level, input)
    }

    /// `opts=pulumi.ResourceOptions(...)`, or nothing.
    fn options(&mut self, options: &ResourceOptions, level: usize) -> Option<String> {
        // `opts=` is an argument of the call at `level`; its own arguments are one level deeper.
        let value = level + 1;
        let inner = level + 2;
        let mut args: Vec<String> = Vec::new();
        if self.component.is_some() {
            args.push("parent=self".to_string());
        }
        if !options.depends_on.is_empty() {
            let deps: Vec<String> = options
                .depends_on
                .iter()
                .map(|e| self.dependency(e, inner + 1))
                .collect();
            args.push(format!("depends_on={}", sequence("[", "]", &deps, inner)));
        }
        if let Some(provider) = &options.provider {
            args.push(format!("provider={}", self.expr(provider, inner)));
        }
        if !options.providers.is_empty() {
            let providers: Vec<String> = options
                .providers
                .iter()
                .map(|(_, e)| self.expr(e, inner + 1))
                .collect();
            args.push(format!(
                "providers={}",
                sequence("[", "]", &providers, inner)
            ));
        }
        if let Some(protect) = &options.protect {
            args.push(format!("protect={}", self.expr(protect, inner)));
        }
        if !options.ignore_changes.is_empty() {
            let paths: Vec<String> = options
                .ignore_changes
                .iter()
                .map(|p| string_literal(&property_path(p)))
                .collect();
            args.push(format!(
                "ignore_changes={}",
                sequence("[", "]", &paths, inner)
            ));
        }
        if let Some(dbr) = options.delete_before_replace {
            args.push(format!("delete_before_replace={}", py_bool(dbr)));
        }
        if !options.replace_on_changes.is_empty() {
            let paths: Vec<String> = options
                .replace_on_changes
                .iter()
                .map(|p| string_literal(&property_path(p)))
                .collect();
            args.push(format!(
                "replace_on_changes={}",
                sequence("[", "]", &paths, inner)
            ));
        }
        if !options.custom_timeouts.is_empty() {
            let mut timeouts: Vec<String> = Vec::new();
            for (k, v) in &options.custom_timeouts {
                let value = self.expr(v, inner + 1);
                if matches!(k.as_str(), "create" | "update" | "delete" | "read") {
                    timeouts.push(format!("{k}={value}"));
                } else {
                    self.warn(
                        "not-converted",
                        format!("timeout `{k}` has no Pulumi custom timeout (create, update, delete, read)"),
                    );
                }
            }
            if !timeouts.is_empty() {
                args.push(format!(
                    "custom_timeouts={}",
                    call("pulumi.CustomTimeouts", &timeouts, inner)
                ));
            }
        }
        if !options.aliases.is_empty() {
            let aliases: Vec<String> = options
                .aliases
                .iter()
                .map(|a| format!("pulumi.Alias(name={})", string_literal(a)))
                .collect();
            args.push(format!("aliases={}", sequence("[", "]", &aliases, inner)));
        }
        if let Some(id) = &options.import_id {
            args.push(format!("import_={}", self.expr(id, inner)));
        }
        if args.is_empty() {
            return None;
        }
        Some(format!(
            "opts={}",
            call("pulumi.ResourceOptions", &args, value)
        ))
    }

    /// One entry of `depends_on`: a `count` / `for_each` resource is a list / dict of resources, so
    /// its instances are unpacked into the list (`depends_on` takes resources, not collections).
    fn dependency(&mut self, expr: &Expr, level: usize) -> String {
        let text = self.expr(expr, level);
        let Expr::Ref { node, path } = expr else {
            return text;
        };
        if !path.is_empty() {
            return text;
        }
        let range = match self.program.node(*node).map(|n| &n.kind) {
            Some(NodeKind::Resource(r)) => r.options.range.as_ref(),
            Some(NodeKind::Component(c)) => c.options.range.as_ref(),
            _ => None,
        };
        match range {
            Some(Range::Count(_)) => format!("*{}", wrap_postfix(&text)),
            Some(Range::ForEach(_)) => format!("*{}.values()", wrap_postfix(&text)),
            None => text,
        }
    }

    fn in_scope<T>(&mut self, bindings: Vec<Binding>, f: impl FnOnce(&mut Self) -> T) -> T {
        let count = bindings.len();
        self.scope.extend(bindings);
        let result = f(self);
        let keep = self.scope.len().saturating_sub(count);
        self.scope.truncate(keep);
        result
    }

    fn binding(&self, source: &BindingSource) -> Option<&Binding> {
        self.scope.iter().rev().find(|b| &b.source == source)
    }

    /// A Python name for a `for` variable (keywords and the program's own names avoided).
    fn var_name(name: &str) -> String {
        let mut out = identifier(name);
        if RESERVED.contains(&out.as_str()) {
            out.push('_');
        }
        out
    }

    // ----- outputs -------------------------------------------------------------------------------

    /// Whether an expression evaluates to a `pulumi.Output`.
    fn is_output(&self, expr: &Expr) -> bool {
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
            Some(
                NodeKind::Resource(_)
                | NodeKind::Invoke(_)
                | NodeKind::Component(_)
                | NodeKind::Deferred(_),
            ) => true,
            Some(NodeKind::Config(c)) => c.secret || self.input_is_output(&c.key),
            Some(NodeKind::Local(value)) => self.is_output(value),
            Some(NodeKind::Output(_) | NodeKind::Resolve(_)) | None => false,
        };
        self.output_memo.borrow_mut().insert(id, result);
        result
    }

    /// Whether `expr` is a plain list of outputs: a splat over counted resources, modules or data
    /// sources (`aws_subnet.a[*].id` is `[item.id for item in a]`), a conditional choosing between
    /// such a list and a plain value, or a local holding one. It is an input as it is; reading its
    /// values takes `pulumi.Output.all(*items)`.
    fn is_output_list(&self, expr: &Expr) -> bool {
        output_lists::is_output_list(self, expr)
    }

    /// Whether a node is emitted as a list of output-valued objects: counted resources and
    /// modules, and counted data sources whose count is known before deployment (otherwise the
    /// results are one output of a list).
    fn is_counted_outputs(&self, id: NodeId) -> bool {
        if let Some(known) = self.counted_outputs_memo.borrow().get(&id) {
            return *known;
        }
        // Provisional answer guards against counts that refer to each other.
        self.counted_outputs_memo.borrow_mut().insert(id, false);
        let result = match self.program.node(id).map(|n| &n.kind) {
            Some(NodeKind::Resource(r)) => matches!(r.options.range, Some(Range::Count(_))),
            Some(NodeKind::Component(c)) => matches!(c.options.range, Some(Range::Count(_))),
            Some(NodeKind::Invoke(i)) => {
                matches!(&i.range, Some(Range::Count(count)) if !self.is_output(count))
            }
            _ => false,
        };
        self.counted_outputs_memo.borrow_mut().insert(id, result);
        result
    }

    /// Whether an output-valued expression is an `Output` on every path: a local such as
    /// `cond ? aws_x.y.id : null` holds an `Output` or `None`, which `.apply` cannot follow.
    fn surely_output(&self, expr: &Expr, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        match expr {
            Expr::Conditional(cond, then, otherwise) => {
                self.is_output(cond)
                    || (self.surely_output(then, depth + 1)
                        && self.surely_output(otherwise, depth + 1))
            }
            Expr::List(_) | Expr::Object(_) => false,
            // A comprehension is lifted as a whole only when it ranges over an output; otherwise it
            // is a list of outputs.
            Expr::For(f) => self.is_output(&f.collection),
            Expr::Splat(source, _) => self.is_output(source),
            Expr::Ref { node, .. } => match self.program.node(*node).map(|n| &n.kind) {
                Some(NodeKind::Local(value)) => {
                    self.node_is_output(*node) && self.surely_output(value, depth + 1)
                }
                _ => self.is_output(expr),
            },
            _ => self.is_output(expr),
        }
    }

    /// Text that `.apply` can follow: what is lifted as a whole is an `Output` already; a list, dict
    /// or conditional with outputs inside is made one.
    fn as_output(&self, expr: &Expr, text: String) -> String {
        match expr {
            Expr::List(_) | Expr::Object(_) | Expr::Conditional(..) => {
                format!("pulumi.Output.from_input({text})")
            }
            _ => wrap_postfix(&text),
        }
    }

    /// Inside a component: whether some caller passes an output for this input.
    fn input_is_output(&self, key: &str) -> bool {
        self.component
            .and_then(|path| self.components.output_inputs.get(path))
            .is_some_and(|keys| keys.contains(key))
    }

    /// Visits the maximal output-valued references in `expr` that are not substituted yet.
    fn for_each_output_leaf(&self, expr: &Expr, f: &mut dyn FnMut(&Expr)) {
        if self.substitutions.iter().any(|(e, _)| e == expr) {
            return;
        }
        match expr {
            Expr::Ref { node, path } => {
                let indexed = matches!(path.first(), Some(Step::Index(_)));
                // An element of a local list of outputs is itself the output to lift.
                if self.node_is_output(*node) && (indexed || !self.program.is_ranged(*node)) {
                    f(expr);
                } else {
                    for step in path {
                        if let Step::Index(e) = step {
                            self.for_each_output_leaf(e, f);
                        }
                    }
                }
            }
            // `pulumi.Output.secret(...)` is an output whatever it wraps.
            Expr::Call { name, .. } if name == "sensitive" => f(expr),
            // The length of a list of outputs is plain: nothing in it needs lifting.
            Expr::Call { name, args }
                if name == "length"
                    && matches!(args.as_slice(), [list] if self.is_output_list(list)) => {}
            Expr::Splat(..) if self.is_output_list(expr) => f(expr),
            other => other.children(&mut |child| self.for_each_output_leaf(child, f)),
        }
    }

    /// Emits what `render` writes inside an `apply` over the output-valued references in `roots`.
    fn lift(
        &mut self,
        roots: &[&Expr],
        level: usize,
        render: impl FnOnce(&mut Self) -> String,
    ) -> String {
        let mut leaves: Vec<Expr> = Vec::new();
        for root in roots {
            self.for_each_output_leaf(root, &mut |leaf| {
                if !leaves.contains(leaf) {
                    leaves.push(leaf.clone());
                }
            });
        }
        let mut sources = Vec::new();
        for leaf in &leaves {
            let source = self.expr(leaf, level + 1);
            sources.push(if self.is_output_list(leaf) {
                gathered_list(&source)
            } else {
                source
            });
        }
        // A list or dict of outputs as the only leaf: `Output.from_input` unwraps it, but a checker
        // then types the callback's argument as still holding outputs; `Output.all` types it `Any`.
        let single = match leaves.as_slice() {
            [leaf] => {
                self.surely_output(leaf, 0) || !self.holds_values(leaf) || self.is_output_list(leaf)
            }
            _ => false,
        };
        let roots_leaf = if single {
            leaves.first().cloned()
        } else {
            None
        };
        let (param, names): (String, Vec<String>) = if single {
            let name = self.parameter_name(leaves.first(), &[]);
            (name.clone(), vec![name])
        } else {
            let name = self.parameter_name(None, &[]);
            let names = (0..leaves.len()).map(|i| format!("{name}[{i}]")).collect();
            (name, names)
        };
        let pushed = leaves.len();
        self.substitutions.extend(leaves.into_iter().zip(names));
        let body = render(self);
        let keep = self.substitutions.len().saturating_sub(pushed);
        self.substitutions.truncate(keep);
        // Loop variables are bound now: the callback runs after the loop has moved on.
        let mut params = vec![param];
        let mut bound: Vec<&str> = Vec::new();
        for binding in self.scope.iter().rev() {
            let name = binding.name.as_str();
            if !bound.contains(&name) && mentions(&body, name) {
                bound.push(name);
            }
        }
        bound.sort_unstable();
        params.extend(bound.iter().map(|n| format!("{n}={n}")));
        let lambda = format!("lambda {}: {body}", params.join(", "));
        if single {
            let source = sources.pop().unwrap_or_default();
            let source = match roots_leaf {
                Some(leaf) if self.is_output_list(&leaf) => source,
                Some(leaf) if !self.surely_output(&leaf, 0) => {
                    format!("pulumi.Output.from_input({source})")
                }
                _ => wrap_postfix(&source),
            };
            format!("{source}.apply({lambda})")
        } else {
            let head = call("pulumi.Output.all", &sources, level);
            format!("{head}.apply({lambda})")
        }
    }

    /// `lambda: body` for `try_` / `can`, with the loop variables it reads bound as defaults: a
    /// checker gives a free variable of a lambda the type of every value the name ever holds in
    /// the file (a `value` of one loop is then also the `bool` of another).
    fn thunk(&self, body: &str) -> String {
        let mut bound: Vec<&str> = Vec::new();
        for binding in self.scope.iter().rev() {
            let name = binding.name.as_str();
            if !bound.contains(&name) && mentions(body, name) {
                bound.push(name);
            }
        }
        bound.sort_unstable();
        if bound.is_empty() {
            return format!("lambda: {body}");
        }
        let params: Vec<String> = bound.iter().map(|n| format!("{n}={n}")).collect();
        format!("lambda {}: {body}", params.join(", "))
    }

    /// Terraform's implicit conversion of a value to its field's primitive type: `int(x)`, `str(x)`,
    /// a bool as Terraform writes it (`"true"`, not `"True"`); a value that may be null stays `None`.
    /// Number fields of the Python SDKs are `int` almost everywhere (and an `int` is a valid `float`).
    fn converted(
        &mut self,
        whole: &Expr,
        conversion: Conversion,
        args: &[Expr],
        level: usize,
        input: bool,
    ) -> String {
        let Some(inner) = args.first() else {
            return "None".to_string();
        };
        let Some((from, to)) = conversion.needed() else {
            return self.expr_ctx(inner, level, input);
        };
        if self.is_output(whole) {
            return self.lifted(whole, level, input);
        }
        let value = self.operand(inner, level);
        let converted = match (from, to) {
            (ScalarType::String, ScalarType::Number) => format!("int({value})"),
            // go-cty reads exactly "true"/"1" as true ("false"/"0" as false).
            (ScalarType::String, ScalarType::Bool) => format!("{value} in (\"true\", \"1\")"),
            (ScalarType::Bool, ScalarType::String) => {
                format!("(\"true\" if {value} else \"false\")")
            }
            _ => format!("str({value})"),
        };
        if conversion.nullable {
            format!("(None if {value} is None else {converted})")
        } else if matches!((from, to), (ScalarType::String, ScalarType::Bool)) {
            format!("({converted})")
        } else {
            converted
        }
    }

    fn lifted(&mut self, expr: &Expr, level: usize, input: bool) -> String {
        self.lift(&[expr], level, |this| this.expr_ctx(expr, level, input))
    }

    fn parameter_name(&self, leaf: Option<&Expr>, taken: &[String]) -> String {
        let base = match leaf {
            Some(Expr::Ref { node, path }) => path
                .iter()
                .rev()
                .find_map(|s| match s {
                    Step::Attr(a) if is_pulumi_name(a) => Some(py_name(a)),
                    _ => None,
                })
                .unwrap_or_else(|| self.node_name(*node)),
            // The attribute the list gathers, as a plural: `ids` for `a[*].id`.
            Some(Expr::Splat(_, steps)) => match steps.last() {
                Some(Step::Attr(a)) if is_pulumi_name(a) && a.ends_with('s') => {
                    format!("{}_list", py_name(a))
                }
                Some(Step::Attr(a)) if is_pulumi_name(a) => format!("{}s", py_name(a)),
                _ => "values".to_string(),
            },
            Some(_) => "value".to_string(),
            None => "args".to_string(),
        };
        let base = base.trim_end_matches('_').to_string();
        let in_scope = |name: &str| {
            taken.iter().any(|t| t == name)
                || self
                    .substitutions
                    .iter()
                    .any(|(_, p)| p == name || p.starts_with(&format!("{name}[")))
                || self.names.iter().any(|n| n == name)
                || self.scope.iter().any(|b| b.name == name)
                || KEYWORDS.contains(&name)
                || (RESERVED.contains(&name) && name != "args" && name != "value")
        };
        let mut candidate = base.clone();
        let mut n = 2;
        while in_scope(&candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        candidate
    }

    // ----- shapes and types ----------------------------------------------------------------------

    /// Whether the value holds resources or invoke results (attributes accessed with `.`), as
    /// opposed to user data (dicts, accessed with `["key"]`).
    fn is_typed(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Ref { node, .. } => self.node_typed(*node),
            Expr::Var(name) => self
                .binding(&BindingSource::Var(name.clone()))
                .is_some_and(|b| b.typed),
            Expr::Range(field) => self
                .binding(&BindingSource::Range(*field))
                .is_some_and(|b| b.typed),
            Expr::Access(base, _) | Expr::Splat(base, _) => self.is_typed(base),
            Expr::Conditional(_, a, b) => self.is_typed(a) || self.is_typed(b),
            Expr::List(items) => items.iter().any(|i| self.is_typed(i)),
            Expr::Call { name, args } => {
                matches!(
                    name.trim_end_matches("..."),
                    "element"
                        | "one"
                        | "lookup"
                        | "try"
                        | "coalesce"
                        | "values"
                        | "concat"
                        | "flatten"
                        | "slice"
                        | "tolist"
                        | "toset"
                        | "reverse"
                        | "compact"
                        | "distinct"
                ) && args.iter().any(|a| self.is_typed(a))
            }
            Expr::Intrinsic(Intrinsic::SingleOrNone, args) => args.iter().any(|a| self.is_typed(a)),
            Expr::Intrinsic(Intrinsic::Required, args) => {
                args.first().is_some_and(|a| self.is_typed(a))
            }
            Expr::For(f) => self.is_typed(&f.value),
            _ => false,
        }
    }

    fn node_typed(&self, id: NodeId) -> bool {
        if let Some(known) = self.typed_memo.borrow().get(&id) {
            return *known;
        }
        self.typed_memo.borrow_mut().insert(id, false);
        let result = match self.program.node(id).map(|n| &n.kind) {
            Some(NodeKind::Resource(_) | NodeKind::Invoke(_)) => true,
            Some(NodeKind::Component(c)) => c
                .path
                .as_ref()
                .is_some_and(|p| self.components.classes.contains_key(p)),
            Some(NodeKind::Local(value)) => self.is_typed(value),
            _ => false,
        };
        self.typed_memo.borrow_mut().insert(id, result);
        result
    }

    /// Whether a collection is a list/set or a map, as far as the program tells.
    fn shape(&self, expr: &Expr) -> Shape {
        match expr {
            Expr::List(_) | Expr::Splat(..) => Shape::List,
            Expr::Object(_) => Shape::Map,
            Expr::For(f) => {
                if f.key.is_some() {
                    Shape::Map
                } else {
                    Shape::List
                }
            }
            Expr::Call { name, .. } => match name.trim_end_matches("...") {
                "toset" | "tolist" | "distinct" | "compact" | "concat" | "flatten" | "keys"
                | "values" | "split" | "sort" | "range" | "setunion" | "setintersection"
                | "setsubtract" | "setproduct" | "reverse" | "slice" | "formatlist"
                | "chunklist" | "cidrsubnets" | "matchkeys" | "regexall" | "fileset" | "list" => {
                    Shape::List
                }
                "merge" | "zipmap" | "tomap" | "transpose" | "map" => Shape::Map,
                _ => Shape::Unknown,
            },
            Expr::Conditional(_, a, b) => match self.shape(a) {
                Shape::Unknown => self.shape(b),
                known => known,
            },
            Expr::Ref { node, path } if path.is_empty() => {
                match self.program.node(*node).map(|n| &n.kind) {
                    Some(NodeKind::Config(c)) => {
                        let ty = c.effective_type();
                        match ty {
                            ConfigType::List(_) => Shape::List,
                            ConfigType::Map(_) | ConfigType::Object(_) => Shape::Map,
                            _ => Shape::Unknown,
                        }
                    }
                    Some(NodeKind::Local(value)) => self.shape_guarded(value, 0),
                    Some(NodeKind::Resource(r)) => match r.options.range {
                        Some(Range::Count(_)) => Shape::List,
                        Some(Range::ForEach(_)) => Shape::Map,
                        None => Shape::Unknown,
                    },
                    Some(NodeKind::Invoke(i)) => match i.range {
                        Some(Range::Count(_)) => Shape::List,
                        Some(Range::ForEach(_)) => Shape::Map,
                        None => Shape::Unknown,
                    },
                    _ => Shape::Unknown,
                }
            }
            _ => Shape::Unknown,
        }
    }

    /// `shape` through chains of locals, bounded (cycles are reported by the model).
    fn shape_guarded(&self, expr: &Expr, depth: usize) -> Shape {
        if depth > 16 {
            return Shape::Unknown;
        }
        match expr {
            Expr::Ref { node, path } if path.is_empty() => {
                match self.program.node(*node).map(|n| &n.kind) {
                    Some(NodeKind::Local(value)) => self.shape_guarded(value, depth + 1),
                    _ => self.shape(expr),
                }
            }
            other => self.shape(other),
        }
    }

    // ----- expressions ---------------------------------------------------------------------------

    fn expr(&mut self, expr: &Expr, level: usize) -> String {
        self.expr_ctx(expr, level, false)
    }

    /// `input`: objects here are Pulumi input types (keys become snake_case names).
    fn expr_ctx(&mut self, expr: &Expr, level: usize, input: bool) -> String {
        if let Some((_, name)) = self.substitutions.iter().find(|(e, _)| e == expr) {
            return name.clone();
        }
        match expr {
            Expr::Null => "None".to_string(),
            Expr::Bool(b) => py_bool(*b).to_string(),
            Expr::Number(n) => n.clone(),
            Expr::String(s) => string_literal(s),
            Expr::Template(parts) => self.template(expr, parts, level),
            Expr::List(items) => {
                let rendered: Vec<String> = items
                    .iter()
                    .map(|e| self.expr_ctx(e, level + 1, input))
                    .collect();
                sequence("[", "]", &rendered, level)
            }
            Expr::Object(entries) => self.object(entries, level, input),
            Expr::Ref { node, path } => {
                let mut out = self.node_name(*node);
                let typed = self.node_typed(*node);
                self.steps(&mut out, path, level, typed);
                out
            }
            Expr::Access(base, path) => {
                if self.is_output(expr) {
                    return self.lifted(expr, level, input);
                }
                let typed = self.is_typed(base);
                // `lookup(m, k, null)[i]` fails in Terraform when the key is missing, as `m[k][i]`
                // does in Python; `m.get(k, None)[i]` would only type as possibly-None.
                let strict_lookup = match base.as_ref() {
                    Expr::Call { name, args }
                        if name == "lookup"
                            && args.len() == 3
                            && matches!(args.get(2), Some(Expr::Null)) =>
                    {
                        Some(Expr::Call {
                            name: name.clone(),
                            args: args.iter().take(2).cloned().collect(),
                        })
                    }
                    _ => None,
                };
                let mut out = self.operand(strict_lookup.as_ref().unwrap_or(base), level);
                self.steps(&mut out, path, level, typed);
                out
            }
            Expr::Unary(op, operand) => {
                if self.is_output(expr) {
                    return self.lifted(expr, level, input);
                }
                match op {
                    UnaryOp::Neg => format!("-{}", self.operand_at(operand, level, 7, false)),
                    UnaryOp::Not => format!("not {}", self.operand_at(operand, level, 3, false)),
                }
            }
            Expr::Binary(op, lhs, rhs) => {
                if self.is_output(expr) {
                    return self.lifted(expr, level, input);
                }
                let parent = precedence_of_op(*op);
                let a = self.operand_at(lhs, level, parent, false);
                let b = self.operand_at(rhs, level, parent, true);
                match (op, lhs.as_ref(), rhs.as_ref()) {
                    (BinaryOp::Eq, _, Expr::Null) => format!("{a} is None"),
                    (BinaryOp::NotEq, _, Expr::Null) => format!("{a} is not None"),
                    (BinaryOp::Eq, Expr::Null, _) => format!("{b} is None"),
                    (BinaryOp::NotEq, Expr::Null, _) => format!("{b} is not None"),
                    _ => format!("{a} {} {b}", binary_symbol(*op)),
                }
            }
            Expr::Conditional(cond, then, otherwise) => {
                if self.is_output(cond) {
                    return self.lifted(expr, level, input);
                }
                let then_text = self.expr_ctx(then, level, input);
                let cond_text = self.expr(cond, level);
                let otherwise_text = self.expr_ctx(otherwise, level, input);
                format!(
                    "{} if {} else {}",
                    self.wrap_below(then, then_text, 1),
                    self.wrap_below(cond, cond_text, 1),
                    self.wrap_below(otherwise, otherwise_text, 1)
                )
            }
            Expr::Call { name, args } => self.call_expr(expr, name, args, level, input),
            Expr::Unsupported(text) => self.not_implemented(text),
            Expr::Var(name) => match self.binding(&BindingSource::Var(name.clone())) {
                Some(binding) => binding.name.clone(),
                None => Self::var_name(name),
            },
            Expr::Range(field) => match self.binding(&BindingSource::Range(*field)) {
                Some(binding) => binding.name.clone(),
                None => match field {
                    RangeField::Index => "index".to_string(),
                    RangeField::Key => "key".to_string(),
                    RangeField::Value => "value".to_string(),
                },
            },
            Expr::Builtin(builtin) => match builtin {
                Builtin::StackName => "pulumi.get_stack()".to_string(),
                Builtin::PathModule | Builtin::PathRoot => "\".\"".to_string(),
                Builtin::PathCwd => {
                    self.imports.insert("os");
                    "os.getcwd()".to_string()
                }
            },
            Expr::Intrinsic(Intrinsic::Convert(conversion), args) => {
                self.converted(expr, *conversion, args, level, input)
            }
            Expr::Intrinsic(intrinsic, args) => {
                if self.is_output(expr)
                    && matches!(intrinsic, Intrinsic::SingleOrNone)
                    && !(input
                        && args
                            .first()
                            .is_some_and(|a| self.outputs_in_elements_only(a)))
                {
                    return self.lifted(expr, level, input);
                }
                let arg = args
                    .first()
                    .map_or_else(|| "None".to_string(), |a| self.expr_ctx(a, level, input));
                match intrinsic {
                    Intrinsic::FileAsset => format!("pulumi.FileAsset({arg})"),
                    Intrinsic::StringAsset => format!("pulumi.StringAsset({arg})"),
                    Intrinsic::SingleOrNone => match args.first() {
                        Some(items) => self.single_or_none(items, arg),
                        None => arg,
                    },
                    Intrinsic::Convert(_) => arg,
                    Intrinsic::Required => {
                        self.helpers.insert(Helper::RequiredValue);
                        // `cidrBlocks[1]`: the property's Python name, the element index as it is.
                        let name = match args.get(1) {
                            Some(Expr::String(name)) => match name.split_once('[') {
                                Some((property, index)) => format!("{}[{index}", py_name(property)),
                                None => py_name(name),
                            },
                            _ => "value".to_string(),
                        };
                        format!("required_value({arg}, {})", string_literal(&name))
                    }
                    Intrinsic::DefinedEntries => {
                        self.helpers.insert(Helper::DefinedEntries);
                        format!("defined_entries({arg})")
                    }
                }
            }
            Expr::For(for_expr) => {
                if self.is_output(&for_expr.collection) {
                    return self.lifted(expr, level, input);
                }
                self.for_expr(for_expr, level, input)
            }
            Expr::Splat(source, steps) => {
                if self.is_output(source) {
                    return self.lifted(expr, level, input);
                }
                let base = self.expr(source, level);
                if steps.is_empty() {
                    return self.wrap_operand(source, base);
                }
                let typed = self.is_typed(source);
                let item = self.fresh_var("item");
                let mut each = item.clone();
                self.steps(&mut each, steps, level, typed);
                format!("[{each} for {item} in {base}]")
            }
        }
    }

    /// `one(items or [None])`: the only element of a list of zero or one, or `None`.
    fn single_or_none(&mut self, items: &Expr, text: String) -> String {
        self.helpers.insert(Helper::SingleOrNone);
        if matches!(items, Expr::List(elements) if !elements.is_empty()) {
            return format!("one({text})");
        }
        format!("one({} or [None])", self.wrap_below(items, text, 1))
    }

    /// Whether the outputs in a list are elements (or inside them) rather than the list itself or
    /// what decides its length: a list of input types may hold outputs, so it need not be lifted.
    fn outputs_in_elements_only(&self, items: &Expr) -> bool {
        match items {
            Expr::List(_) => true,
            Expr::For(f) => {
                !self.is_output(&f.collection)
                    && f.condition.as_ref().is_none_or(|c| !self.is_output(c))
            }
            _ => false,
        }
    }

    /// A name for a generated comprehension variable that shadows nothing in scope.
    fn fresh_var(&self, base: &str) -> String {
        let taken = |name: &str| {
            self.scope.iter().any(|b| b.name == name)
                || self.substitutions.iter().any(|(_, p)| p == name)
        };
        let mut candidate = base.to_string();
        let mut n = 2;
        while taken(&candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        candidate
    }

    fn object(&mut self, entries: &[(ObjectKey, Expr)], level: usize, input: bool) -> String {
        let items = self.object_items(entries, level, input);
        sequence("{", "}", &items, level)
    }

    /// `"key": value` entries of a dict display.
    fn object_items(
        &mut self,
        entries: &[(ObjectKey, Expr)],
        level: usize,
        input: bool,
    ) -> Vec<String> {
        // An input type's keys are Pulumi property names (`volumeSize` → `volume_size`); anything
        // else is user data whose keys stay as written.
        let rename = input
            && entries.iter().all(|(k, _)| match k {
                ObjectKey::Name(name) => is_pulumi_name(name),
                ObjectKey::Expr(_) => false,
            });
        let mut items = Vec::new();
        for (key, value) in entries {
            let (key, value_input) = match key {
                ObjectKey::Name(name) if rename => (
                    string_literal(&py_name(name)),
                    !FREE_FORM.contains(&name.as_str()),
                ),
                ObjectKey::Name(name) => (string_literal(name), false),
                ObjectKey::Expr(e) => (self.expr(e, level + 1), false),
            };
            let value = self.expr_ctx(value, level + 1, value_input);
            items.push(format!("{key}: {value}"));
        }
        items
    }

    fn steps(&mut self, out: &mut String, path: &[Step], level: usize, typed: bool) {
        for step in path {
            match step {
                Step::Attr(name) if typed && is_attribute_name(name) => {
                    let _ = write!(out, ".{}", py_name(name));
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

    /// `[value for v in collection if cond]` / `{key: value for k, v in ...}`.
    fn for_expr(&mut self, f: &ForExpr, level: usize, input: bool) -> String {
        let collection = self.operand(&f.collection, level);
        let typed = self.is_typed(&f.collection);
        let shape = self.shape(&f.collection);
        let value_name = self.fresh_var(&Self::var_name(&f.value_var));
        let mut bindings = vec![Binding {
            source: BindingSource::Var(f.value_var.clone()),
            name: value_name.clone(),
            typed,
        }];
        let header = match &f.key_var {
            Some(key) => {
                let key_name = self.fresh_var(&Self::var_name(key));
                bindings.push(Binding {
                    source: BindingSource::Var(key.clone()),
                    name: key_name.clone(),
                    typed: false,
                });
                match shape {
                    Shape::List => {
                        format!("for {key_name}, {value_name} in enumerate({collection})")
                    }
                    _ => format!(
                        "for {key_name}, {value_name} in {}.items()",
                        self.wrap_operand(&f.collection, collection.clone())
                    ),
                }
            }
            None => match shape {
                Shape::Map => format!(
                    "for {value_name} in {}.values()",
                    self.wrap_operand(&f.collection, collection.clone())
                ),
                _ => format!("for {value_name} in {collection}"),
            },
        };
        self.in_scope(bindings, |this| {
            let value = this.expr_ctx(&f.value, level + 1, input);
            let condition = match &f.condition {
                Some(c) => format!(" if {}", this.expr(c, level + 1)),
                None => String::new(),
            };
            match &f.key {
                None => comprehension("[", "]", &value, &header, &condition, level),
                Some(key) => {
                    let key = this.operand(key, level + 1);
                    if f.grouping {
                        this.helpers.insert(Helper::GroupEntries);
                        let inner = comprehension(
                            "[",
                            "]",
                            &format!("({key}, {value})"),
                            &header,
                            &condition,
                            level + 1,
                        );
                        format!("group_entries({inner})")
                    } else {
                        comprehension(
                            "{",
                            "}",
                            &format!("{key}: {value}"),
                            &header,
                            &condition,
                            level,
                        )
                    }
                }
            }
        })
    }

    // ----- templates -----------------------------------------------------------------------------

    fn template(&mut self, expr: &Expr, parts: &[TemplatePart], level: usize) -> String {
        if self.is_output(expr) {
            let directive_outputs = parts.iter().any(|p| match p {
                TemplatePart::Literal(_) | TemplatePart::Interpolation(_) => false,
                other => {
                    let wrapper = Expr::Template(vec![other.clone()]);
                    self.is_output(&wrapper)
                }
            });
            if directive_outputs {
                return self.lifted(expr, level, false);
            }
            // Outputs only in plain interpolations: `pulumi.Output.format("...{}...", a, b)`.
            let mut format = String::new();
            let mut args = vec![String::new()];
            for part in parts {
                match part {
                    TemplatePart::Literal(s) => format.push_str(&brace_escape(s)),
                    TemplatePart::Interpolation(e) => {
                        format.push_str("{}");
                        args.push(self.expr(e, level + 1));
                    }
                    other => {
                        format.push_str("{}");
                        let text = self.directive(other, level + 1);
                        args.push(text);
                    }
                }
            }
            if let Some(first) = args.first_mut() {
                *first = string_literal(&format);
            }
            return call("pulumi.Output.format", &args, level);
        }
        let pieces = self.template_pieces(parts, level);
        render_template(&pieces)
    }

    fn template_pieces(&mut self, parts: &[TemplatePart], level: usize) -> Vec<Piece> {
        let mut pieces = Vec::new();
        for part in parts {
            match part {
                TemplatePart::Literal(s) => pieces.push(Piece::Literal(s.clone())),
                TemplatePart::Interpolation(Expr::String(s)) => {
                    pieces.push(Piece::Literal(s.clone()))
                }
                TemplatePart::Interpolation(Expr::Builtin(
                    Builtin::PathModule | Builtin::PathRoot,
                )) => pieces.push(Piece::Literal(".".into())),
                TemplatePart::Interpolation(e) => pieces.push(Piece::Code(self.expr(e, level))),
                other => pieces.push(Piece::Text(self.directive(other, level))),
            }
        }
        pieces
    }

    /// A template directive as a string-valued Python expression.
    fn directive(&mut self, part: &TemplatePart, level: usize) -> String {
        match part {
            TemplatePart::Literal(s) => string_literal(s),
            TemplatePart::Interpolation(e) => self.expr(e, level),
            TemplatePart::If {
                condition,
                then,
                otherwise,
            } => {
                let cond = self.expr(condition, level);
                let cond = self.wrap_below(condition, cond, 1);
                let a = self.template_pieces(then, level);
                let b = self.template_pieces(otherwise, level);
                format!(
                    "{} if {cond} else {}",
                    render_template(&a),
                    render_template(&b)
                )
            }
            TemplatePart::For {
                key_var,
                value_var,
                collection,
                body,
            } => {
                let coll = self.operand(collection, level);
                let typed = self.is_typed(collection);
                let shape = self.shape(collection);
                let value_name = self.fresh_var(&Self::var_name(value_var));
                let mut bindings = vec![Binding {
                    source: BindingSource::Var(value_var.clone()),
                    name: value_name.clone(),
                    typed,
                }];
                let header = match key_var {
                    Some(key) => {
                        let key_name = self.fresh_var(&Self::var_name(key));
                        bindings.push(Binding {
                            source: BindingSource::Var(key.clone()),
                            name: key_name.clone(),
                            typed: false,
                        });
                        match shape {
                            Shape::List => {
                                format!("for {key_name}, {value_name} in enumerate({coll})")
                            }
                            _ => format!(
                                "for {key_name}, {value_name} in {}.items()",
                                self.wrap_operand(collection, coll.clone())
                            ),
                        }
                    }
                    None => match shape {
                        Shape::Map => format!(
                            "for {value_name} in {}.values()",
                            self.wrap_operand(collection, coll.clone())
                        ),
                        _ => format!("for {value_name} in {coll}"),
                    },
                };
                let text = self.in_scope(bindings, |this| {
                    let pieces = this.template_pieces(body, level);
                    render_template(&pieces)
                });
                format!("\"\".join({text} {header})")
            }
        }
    }

    // ----- operands ------------------------------------------------------------------------------

    /// An operand of an operator: parenthesised unless it is atomic.
    fn operand(&mut self, expr: &Expr, level: usize) -> String {
        self.operand_ctx(expr, level, false)
    }

    fn operand_ctx(&mut self, expr: &Expr, level: usize, input: bool) -> String {
        let text = self.expr_ctx(expr, level, input);
        self.wrap_operand(expr, text)
    }

    fn wrap_operand(&self, expr: &Expr, text: String) -> String {
        wrap_postfix_expr(expr, &text, &self.substitutions)
    }

    /// An operand of an operator of precedence `parent`: parenthesised when it binds less tightly
    /// (or equally, on the right; comparisons never chain).
    fn operand_at(&mut self, expr: &Expr, level: usize, parent: u8, right: bool) -> String {
        let text = self.expr(expr, level);
        let own = self.precedence(expr);
        let wrap = own < parent || (own == parent && (right || parent == 4));
        if wrap {
            format!("({text})")
        } else {
            text
        }
    }

    /// Parenthesises `text` when `expr` binds less tightly than `min`.
    fn wrap_below(&self, expr: &Expr, text: String, min: u8) -> String {
        if self.precedence(expr) < min {
            format!("({text})")
        } else {
            text
        }
    }

    /// Python precedence of the written form: 0 conditional, 1 `or`, 2 `and`, 3 `not`,
    /// 4 comparison, 5 `+ -`, 6 `* / %`, 7 unary minus, 8 atoms.
    fn precedence(&self, expr: &Expr) -> u8 {
        if self.substitutions.iter().any(|(e, _)| e == expr) {
            return 8;
        }
        match expr {
            Expr::Conditional(..) => 0,
            Expr::Binary(op, ..) => precedence_of_op(*op),
            Expr::Unary(UnaryOp::Not, _) => 3,
            Expr::Unary(UnaryOp::Neg, _) => 7,
            _ => 8,
        }
    }

    // ----- functions -----------------------------------------------------------------------------

    fn call_expr(
        &mut self,
        expr: &Expr,
        name: &str,
        args: &[Expr],
        level: usize,
        input: bool,
    ) -> String {
        // Functions that take outputs as they are: secrets, and `std` invokes (their `_output` form).
        let takes_outputs =
            matches!(name, "sensitive" | "nonsensitive") || routed_to_std(name, args);
        if !takes_outputs && self.is_output(expr) {
            return self.lifted(expr, level, input);
        }
        self.call(name, args, level, input)
    }

    /// A string function written as a method of its string argument: when that argument is a
    /// variable that may be None, the method would fail on None with Python's own error, where
    /// Terraform reports the null argument; `required_text` checks it first, as Terraform does.
    fn checked_receiver(
        &mut self,
        name: &str,
        args: &[Expr],
        mut wrapped: Vec<String>,
    ) -> Vec<String> {
        let receiver = match (name, args.len()) {
            ("lower" | "upper" | "chomp" | "trimspace" | "strrev" | "title", 1) => 0,
            ("startswith" | "endswith" | "trimprefix" | "trimsuffix" | "trim", 2) => 0,
            ("replace", 3) => 0,
            ("split", 2) => 1,
            _ => return wrapped,
        };
        let nullable = args
            .get(receiver)
            .is_some_and(|arg| self.program.is_null_default_variable(arg));
        if let Some(text) = wrapped.get_mut(receiver).filter(|_| nullable) {
            self.helpers.insert(Helper::RequiredText);
            *text = format!("required_text({text}, {})", string_literal(name));
        }
        wrapped
    }

    fn call(&mut self, name: &str, args: &[Expr], level: usize, input: bool) -> String {
        // `concat` also joins the static and dynamic parts of a repeated block.
        let keep_input = input && matches!(name, "concat" | "coalescelist" | "flatten");
        let plain: Vec<String> = args
            .iter()
            .map(|a| self.expr_ctx(a, level + 1, keep_input))
            .collect();
        let wrapped: Vec<String> = args
            .iter()
            .zip(&plain)
            .map(|(a, text)| wrap_postfix_expr(a, text, &self.substitutions))
            .collect();
        let wrapped = self.checked_receiver(name, args, wrapped);
        let p = |i: usize| plain.get(i).cloned().unwrap_or_else(|| "None".into());
        let w = |i: usize| wrapped.get(i).cloned().unwrap_or_else(|| "None".into());
        let n = args.len();
        let literal = |i: usize| match args.get(i) {
            Some(Expr::String(s)) => Some(s.as_str()),
            _ => None,
        };
        let text = match (name, n) {
            // numbers
            ("abs", 1) => format!("abs({})", p(0)),
            ("ceil", 1) => self.module_call("math", "math.ceil", &[p(0)], level),
            ("floor", 1) => self.module_call("math", "math.floor", &[p(0)], level),
            ("log", 2) => self.module_call("math", "math.log", &[p(0), p(1)], level),
            ("pow", 2) => format!("({} ** {})", w(0), w(1)),
            ("max" | "min", 1) => w(0),
            ("max" | "min", _) => call(name, &plain, level),
            ("max..." | "min...", 1) => format!("{}({})", base_name(name), p(0)),
            ("parseint", 2) => format!("int({}, {})", p(0), p(1)),
            ("sum", 1) => format!("sum({})", p(0)),
            // strings
            ("chomp", 1) => format!("{}.rstrip(\"\\r\\n\")", w(0)),
            ("endswith", 2) => format!("{}.endswith({})", w(0), p(1)),
            ("startswith", 2) => format!("{}.startswith({})", w(0), p(1)),
            ("format", _) if n >= 1 => match literal(0).and_then(percent_format) {
                Some(format) => {
                    let rest: Vec<String> = plain.iter().skip(1).cloned().collect();
                    if rest.is_empty() {
                        string_literal(&format.replace("%%", "%"))
                    } else {
                        format!(
                            "({} % {})",
                            string_literal(&format),
                            tuple(&rest, level + 1)
                        )
                    }
                }
                None => self.std_call(name, args, &plain, level),
            },
            ("formatlist", 2) => match literal(0).and_then(percent_format) {
                Some(format) => {
                    let item = self.fresh_var("item");
                    format!(
                        "[{} % ({item},) for {item} in {}]",
                        string_literal(&format),
                        p(1)
                    )
                }
                None => self.std_call(name, args, &plain, level),
            },
            ("join", 2) => format!("{}.join({})", w(0), p(1)),
            ("join", _) if n > 2 => {
                let lists: Vec<String> = wrapped.iter().skip(1).map(|l| format!("*{l}")).collect();
                format!("{}.join({})", w(0), sequence("[", "]", &lists, level + 1))
            }
            ("lower", 1) => format!("{}.lower()", w(0)),
            ("upper", 1) => format!("{}.upper()", w(0)),
            ("trimspace", 1) => format!("{}.strip()", w(0)),
            ("trim", 2) => format!("{}.strip({})", w(0), p(1)),
            ("trimprefix", 2) => format!("{}.removeprefix({})", w(0), p(1)),
            ("trimsuffix", 2) => format!("{}.removesuffix({})", w(0), p(1)),
            ("split", 2) => format!("{}.split({})", w(1), p(0)),
            ("strcontains", 2) => format!("({} in {})", w(1), w(0)),
            ("strrev", 1) => format!("{}[::-1]", w(0)),
            ("substr", 3) => match args.get(2) {
                Some(Expr::Unary(UnaryOp::Neg, one)) if **one == Expr::Number("1".into()) => {
                    format!("{}[{}:]", w(0), p(1))
                }
                _ => format!("{}[{}:{} + {}]", w(0), p(1), w(1), w(2)),
            },
            ("replace", 3) if !routed_to_std(name, args) => match (literal(1), literal(2)) {
                (Some(search), Some(replacement))
                    if search.len() > 1 && search.starts_with('/') =>
                {
                    let pattern = search
                        .get(1..search.len() - 1)
                        .unwrap_or_default()
                        .to_string();
                    self.imports.insert("re");
                    call(
                        "re.sub",
                        &[
                            string_literal(&pattern),
                            string_literal(&regex_replacement(replacement)),
                            p(0),
                        ],
                        level,
                    )
                }
                _ => format!("{}.replace({}, {})", w(0), p(1), p(2)),
            },
            // collections
            ("alltrue", 1) => format!("all({})", p(0)),
            ("anytrue", 1) => format!("any({})", p(0)),
            ("coalesce", _) if n >= 1 => {
                self.helpers.insert(Helper::Coalesce);
                call("coalesce", &plain, level)
            }
            ("coalesce...", 1) => {
                self.helpers.insert(Helper::Coalesce);
                format!("coalesce(*{})", w(0))
            }
            ("coalescelist", _) if n >= 1 => {
                self.helpers.insert(Helper::CoalesceList);
                call("coalescelist", &plain, level)
            }
            ("coalescelist...", 1) => {
                self.helpers.insert(Helper::CoalesceList);
                format!("coalescelist(*{})", w(0))
            }
            ("compact", 1) => {
                let item = self.fresh_var("item");
                format!("[{item} for {item} in {} if {item}]", p(0))
            }
            ("concat", 1) => format!("list({})", p(0)),
            ("concat", _) if n > 1 => {
                // List literals are spliced in; anything else is unpacked.
                let mut items: Vec<String> = Vec::new();
                for (arg, text) in args.iter().zip(&wrapped) {
                    match arg {
                        Expr::List(list) => {
                            for item in list {
                                items.push(self.expr_ctx(item, level + 1, keep_input));
                            }
                        }
                        _ => items.push(format!("*{text}")),
                    }
                }
                sequence("[", "]", &items, level)
            }
            ("concat...", 1) => {
                let (part, item) = (self.fresh_var("part"), self.fresh_var("item"));
                format!("[{item} for {part} in {} for {item} in {part}]", p(0))
            }
            ("contains", 2) => format!("({} in {})", w(1), w(0)),
            ("distinct", 1) => format!("list(dict.fromkeys({}))", p(0)),
            ("element", 2) => format!("{}[{} % len({})]", w(0), w(1), p(0)),
            ("flatten", 1) => {
                self.helpers.insert(Helper::Flatten);
                format!("flatten({})", p(0))
            }
            ("index", 2) => format!("{}.index({})", w(0), p(1)),
            ("keys", 1) => format!("sorted({})", p(0)),
            ("length", 1) => format!("len({})", p(0)),
            ("list", _) => sequence("[", "]", &plain, level),
            ("lookup", 2) => format!("{}[{}]", w(0), p(1)),
            ("lookup", 3) => format!("{}.get({}, {})", w(0), p(1), p(2)),
            ("map", _) if n % 2 == 0 => {
                let pairs: Vec<String> = plain.chunks(2).map(|c| c.join(": ")).collect::<Vec<_>>();
                sequence("{", "}", &pairs, level)
            }
            ("matchkeys", 3) => {
                let (v, k) = (self.fresh_var("value"), self.fresh_var("key"));
                format!(
                    "[{v} for {v}, {k} in zip({}, {}) if {k} in {}]",
                    p(0),
                    p(1),
                    w(2)
                )
            }
            ("merge", 0) => "{}".to_string(),
            ("merge", _) => {
                // Object literals are spliced in; anything else is unpacked.
                let mut items: Vec<String> = Vec::new();
                for (arg, text) in args.iter().zip(&wrapped) {
                    match arg {
                        Expr::Object(entries) => {
                            items.extend(self.object_items(entries, level, false));
                        }
                        _ => items.push(format!("**{text}")),
                    }
                }
                sequence("{", "}", &items, level)
            }
            ("merge...", 1) => {
                let (part, k, v) = (
                    self.fresh_var("part"),
                    self.fresh_var("key"),
                    self.fresh_var("value"),
                );
                format!(
                    "{{{k}: {v} for {part} in {} for {k}, {v} in {part}.items()}}",
                    p(0)
                )
            }
            ("one", 1) => match args.first() {
                Some(items) => self.single_or_none(items, p(0)),
                None => p(0),
            },
            ("range", 1..=3) => format!("list({})", call("range", &plain, level)),
            ("reverse", 1) => format!("{}[::-1]", w(0)),
            ("setproduct", _) if n >= 1 => {
                self.imports.insert("itertools");
                let combo = self.fresh_var("combo");
                format!(
                    "[list({combo}) for {combo} in {}]",
                    call("itertools.product", &plain, level)
                )
            }
            ("setsubtract", 2) => {
                let item = self.fresh_var("item");
                format!("[{item} for {item} in {} if {item} not in {}]", p(0), w(1))
            }
            ("setunion", _) if n >= 1 => {
                let spread: Vec<String> = wrapped.iter().map(|l| format!("*{l}")).collect();
                format!(
                    "list(dict.fromkeys({}))",
                    sequence("[", "]", &spread, level + 1)
                )
            }
            ("setunion...", 1) => {
                let (part, item) = (self.fresh_var("part"), self.fresh_var("item"));
                format!(
                    "list(dict.fromkeys({item} for {part} in {} for {item} in {part}))",
                    p(0)
                )
            }
            ("slice", 3) => format!("{}[{}:{}]", w(0), p(1), p(2)),
            ("sort", 1) => format!("sorted({})", p(0)),
            ("values", 1) => {
                let v = self.fresh_var("value");
                format!("[{v} for _, {v} in sorted({}.items())]", w(0))
            }
            ("zipmap", 2) => format!("dict(zip({}, {}))", p(0), p(1)),
            ("tolist", 1) => format!("list({})", p(0)),
            ("toset", 1) => format!("list(dict.fromkeys({}))", p(0)),
            ("tomap", 1) => format!("dict({})", p(0)),
            ("tostring", 1) => format!("str({})", p(0)),
            ("tonumber", 1) => {
                self.helpers.insert(Helper::ToNumber);
                format!("to_number({})", p(0))
            }
            // encoding
            ("base64encode", 1) => {
                self.imports.insert("base64");
                format!("base64.b64encode({}.encode()).decode()", w(0))
            }
            ("base64decode", 1) => {
                self.imports.insert("base64");
                format!("base64.b64decode({}).decode()", p(0))
            }
            ("textencodebase64", 2) => {
                self.imports.insert("base64");
                format!("base64.b64encode({}.encode({})).decode()", w(0), p(1))
            }
            ("textdecodebase64", 2) => {
                self.imports.insert("base64");
                format!("base64.b64decode({}).decode({})", p(0), p(1))
            }
            ("jsonencode", 1) => self.module_call("json", "json.dumps", &[p(0)], level),
            ("jsondecode", 1) => self.module_call("json", "json.loads", &[p(0)], level),
            ("yamlencode", 1) => self.module_call("yaml", "yaml.safe_dump", &[p(0)], level),
            ("yamldecode", 1) => self.module_call("yaml", "yaml.safe_load", &[p(0)], level),
            ("urlencode", 1) => {
                self.module_call("urllib.parse", "urllib.parse.quote_plus", &[p(0)], level)
            }
            // files
            ("abspath", 1) => self.module_call("os", "os.path.abspath", &[p(0)], level),
            ("basename", 1) => self.module_call("os", "os.path.basename", &[p(0)], level),
            ("dirname", 1) => self.module_call("os", "os.path.dirname", &[p(0)], level),
            ("pathexpand", 1) => self.module_call("os", "os.path.expanduser", &[p(0)], level),
            ("fileexists", 1) => self.module_call("os", "os.path.isfile", &[p(0)], level),
            ("file", 1) => {
                self.imports.insert("pathlib");
                format!("pathlib.Path({}).read_text()", p(0))
            }
            ("filebase64", 1) => {
                self.imports.insert("pathlib");
                self.imports.insert("base64");
                format!(
                    "base64.b64encode(pathlib.Path({}).read_bytes()).decode()",
                    p(0)
                )
            }
            ("fileset", 2) => {
                self.helpers.insert(Helper::Fileset);
                call("fileset", &plain, level)
            }
            // hashes
            ("md5" | "sha1" | "sha256" | "sha512", 1) => {
                self.imports.insert("hashlib");
                format!("hashlib.{name}({}.encode()).hexdigest()", w(0))
            }
            ("uuid", 0) => {
                self.imports.insert("uuid");
                "str(uuid.uuid4())".to_string()
            }
            ("uuidv5", 2) => {
                self.imports.insert("uuid");
                let namespace = match literal(0) {
                    Some("dns") => "uuid.NAMESPACE_DNS".to_string(),
                    Some("url") => "uuid.NAMESPACE_URL".to_string(),
                    Some("oid") => "uuid.NAMESPACE_OID".to_string(),
                    Some("x500") => "uuid.NAMESPACE_X500".to_string(),
                    _ => format!("uuid.UUID({})", p(0)),
                };
                format!("str(uuid.uuid5({namespace}, {}))", p(1))
            }
            // secrets and errors
            ("sensitive", 1) => format!("pulumi.Output.secret({})", p(0)),
            ("nonsensitive", 1) => match args.first() {
                Some(a) if self.is_output(a) => format!("pulumi.Output.unsecret({})", p(0)),
                _ => w(0),
            },
            ("try", _) if n >= 1 => {
                self.helpers.insert(Helper::Try);
                let attempts: Vec<String> = plain.iter().map(|a| self.thunk(a)).collect();
                call("try_", &attempts, level)
            }
            ("can", 1) => {
                self.helpers.insert(Helper::Can);
                format!("can({})", self.thunk(&p(0)))
            }
            ("plantimestamp", 0) => self.std_call("timestamp", &[], &[], level),
            ("formatdate", 2) => {
                self.helpers.insert(Helper::FormatDate);
                call("formatdate", &plain, level)
            }
            _ => self.std_call(name, args, &plain, level),
        };
        text
    }

    fn module_call(
        &mut self,
        module: &'static str,
        function: &str,
        args: &[String],
        level: usize,
    ) -> String {
        self.imports.insert(module);
        call(function, args, level)
    }

    /// `std.name(input=..., ...).result` with plain arguments; the `_output` form when any argument
    /// is an output. Functions `std` lacks become `not_implemented` with a warning.
    fn std_call(&mut self, name: &str, args: &[Expr], rendered: &[String], level: usize) -> String {
        let base = name.trim_end_matches("...");
        let Some(inputs) = std_inputs(base) else {
            self.warn(
                "unsupported-function",
                format!(
                    "function `{name}` with {} argument(s) has no Python equivalent; `not_implemented` is written in its place (in `{}`)",
                    args.len(),
                    self.address
                ),
            );
            return self.not_implemented(&format!("{name}(...)"));
        };
        let mut pairs: Vec<String> = Vec::new();
        for (index, input) in inputs.iter().enumerate() {
            if let Some(rest) = input.strip_prefix('*') {
                let items: Vec<String> = rendered.iter().skip(index).cloned().collect();
                let value = if name.ends_with("...") {
                    items.join(", ") // `f(list...)`: the list itself
                } else {
                    sequence("[", "]", &items, level + 1)
                };
                pairs.push(format!("{}={value}", py_name(rest)));
                break;
            }
            if let Some(value) = rendered.get(index) {
                pairs.push(format!("{}={value}", py_name(input)));
            }
        }
        self.uses_std = true;
        let outputs = args.iter().any(|a| self.is_output(a));
        let function = if outputs {
            format!("std.{base}_output")
        } else {
            format!("std.{base}")
        };
        format!("{}.result", call(&function, &pairs, level))
    }
}

/// Whether a call becomes a `std` invoke (which takes outputs as arguments) rather than Python.
fn routed_to_std(name: &str, args: &[Expr]) -> bool {
    let literal = |i: usize| match args.get(i) {
        Some(Expr::String(s)) => Some(s.as_str()),
        _ => None,
    };
    let is_regex = |s: &str| s.len() > 1 && s.starts_with('/') && s.ends_with('/');
    let native = match (name, args.len()) {
        ("format", n) if n >= 1 => literal(0).and_then(percent_format).is_some(),
        ("formatlist", 2) => literal(0).and_then(percent_format).is_some(),
        ("replace", 3) => match (literal(1), literal(2)) {
            (Some(search), Some(_)) if is_regex(search) => true,
            (Some(search), _) => !is_regex(search),
            (None, _) => false,
        },
        ("plantimestamp", 0) => false,
        (name, n) => is_native(name, n),
    };
    !native && (std_inputs(name.trim_end_matches("...")).is_some() || name == "plantimestamp")
}

/// Functions the Python emitter writes natively whatever their arguments.
fn is_native(name: &str, n: usize) -> bool {
    matches!(
        (name, n),
        ("abs" | "ceil" | "floor" | "sum" | "alltrue" | "anytrue", 1)
            | ("log" | "pow" | "parseint", 2)
            | ("max" | "min", _)
            | ("max..." | "min...", 1)
            | ("chomp" | "lower" | "upper" | "trimspace" | "strrev", 1)
            | (
                "endswith"
                    | "startswith"
                    | "trim"
                    | "trimprefix"
                    | "trimsuffix"
                    | "split"
                    | "strcontains",
                2
            )
            | ("join", _)
            | ("substr", 3)
            | (
                "coalesce"
                    | "coalescelist"
                    | "concat"
                    | "list"
                    | "merge"
                    | "map"
                    | "setproduct"
                    | "setunion"
                    | "try",
                _
            )
            | (
                "coalesce..." | "coalescelist..." | "concat..." | "merge..." | "setunion...",
                1
            )
            | (
                "compact"
                    | "distinct"
                    | "flatten"
                    | "keys"
                    | "length"
                    | "one"
                    | "reverse"
                    | "sort"
                    | "values"
                    | "tolist"
                    | "toset"
                    | "tomap"
                    | "tostring"
                    | "tonumber",
                1
            )
            | (
                "contains" | "element" | "index" | "lookup" | "setsubtract" | "zipmap",
                2
            )
            | ("lookup" | "matchkeys" | "slice", 3)
            | ("range", 1..=3)
            | (
                "base64encode"
                    | "base64decode"
                    | "jsonencode"
                    | "jsondecode"
                    | "yamlencode"
                    | "yamldecode"
                    | "urlencode",
                1
            )
            | (
                "textencodebase64" | "textdecodebase64" | "uuidv5" | "fileset" | "formatdate",
                2
            )
            | (
                "abspath"
                    | "basename"
                    | "dirname"
                    | "pathexpand"
                    | "fileexists"
                    | "file"
                    | "filebase64",
                1
            )
            | (
                "md5" | "sha1" | "sha256" | "sha512" | "can" | "sensitive" | "nonsensitive",
                1
            )
            | ("uuid", 0)
    )
}

fn base_name(name: &str) -> &str {
    name.trim_end_matches("...")
}

/// What follows the logical name of an instance.
enum InstanceArgs<'a> {
    /// A resource's properties, as keyword arguments.
    Properties(&'a [Property]),
    /// A component's inputs by variable name, as one dict.
    Inputs(&'a [Property]),
}

/// One piece of a template: literal text or a Python expression.
enum Piece {
    Literal(String),
    Code(String),
    /// Code that is a string already (a directive).
    Text(String),
}

/// A plain (non-output) template: an f-string when every expression can sit inside one on any Python
/// 3, else `"...{}...".format(...)`.
fn render_template(pieces: &[Piece]) -> String {
    if pieces.is_empty() {
        return "\"\"".to_string();
    }
    match pieces {
        [Piece::Code(code)] => return format!("str({code})"),
        [Piece::Text(code)] => return code.clone(),
        _ => {}
    }
    if pieces.iter().all(|p| matches!(p, Piece::Literal(_))) {
        let text: String = pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(s) | Piece::Code(s) | Piece::Text(s) => s.as_str(),
            })
            .collect();
        return string_literal(&text);
    }
    let fstring_safe = pieces.iter().all(|p| match p {
        Piece::Literal(_) => true,
        Piece::Code(code) | Piece::Text(code) => {
            !code.contains(['"', '\'', '\\', '\n', '#', '{', '}', '!', ':'])
        }
    });
    let mut literal = String::new();
    let mut args = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Literal(s) => literal.push_str(&brace_escape(s)),
            Piece::Code(code) | Piece::Text(code) => {
                if fstring_safe {
                    let _ = write!(literal, "{{{code}}}");
                } else {
                    literal.push_str("{}");
                    args.push(code.clone());
                }
            }
        }
    }
    if fstring_safe {
        format!("f{}", string_literal(&literal))
    } else {
        format!("{}.format({})", string_literal(&literal), args.join(", "))
    }
}

fn brace_escape(s: &str) -> String {
    s.replace('{', "{{").replace('}', "}}")
}

/// Escapes text for the inside of a double-quoted f-string.
fn fstring_literal_text(s: &str) -> String {
    let quoted = string_literal(&brace_escape(s));
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or_default()
        .to_string()
}

/// `callee(a, b)` on one line when it fits, else one argument per line with a trailing comma.
fn call(callee: &str, args: &[String], level: usize) -> String {
    sequence(&format!("{callee}("), ")", args, level)
}

/// `open a, b close` on one line when it fits, else one item per line with a trailing comma.
fn sequence(open: &str, close: &str, items: &[String], level: usize) -> String {
    let one_line = format!("{open}{}{close}", items.join(", "));
    let fits = !one_line.contains('\n') && INDENT.len() * level + one_line.len() <= LINE_WIDTH;
    if items.is_empty() || fits {
        return one_line;
    }
    let inner = INDENT.repeat(level + 1);
    let mut out = format!("{open}\n");
    for item in items {
        let _ = writeln!(out, "{inner}{item},");
    }
    out.push_str(&INDENT.repeat(level));
    out.push_str(close);
    out
}

/// A one-element-safe tuple: `(a,)`, `(a, b)`.
fn tuple(items: &[String], level: usize) -> String {
    if let [single] = items {
        return format!("({single},)");
    }
    sequence("(", ")", items, level)
}

/// `[value for v in c if cond]`, split over lines when long.
fn comprehension(
    open: &str,
    close: &str,
    value: &str,
    header: &str,
    condition: &str,
    level: usize,
) -> String {
    let one_line = format!("{open}{value} {header}{condition}{close}");
    if !one_line.contains('\n') && INDENT.len() * level + one_line.len() <= LINE_WIDTH {
        return one_line;
    }
    let inner = INDENT.repeat(level + 1);
    let mut out = format!("{open}\n{inner}{value}\n{inner}{header}\n");
    if let Some(cond) = condition.strip_prefix(' ') {
        let _ = writeln!(out, "{inner}{cond}");
    }
    out.push_str(&INDENT.repeat(level));
    out.push_str(close);
    out
}

/// `(a in b)` → `a in b` where the parentheses enclose the whole text (a statement's value).
fn strip_parens(text: &str) -> String {
    let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) else {
        return text.to_string();
    };
    // The first parenthesis must close at the very end.
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in inner.chars() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth < 0 {
                    return text.to_string();
                }
            }
            _ => {}
        }
    }
    if depth == 0 && !inner.ends_with(',') {
        inner.to_string()
    } else {
        text.to_string()
    }
}

/// Parenthesises text that a postfix (`.x`, `[i]`) cannot follow directly.
fn wrap_postfix(text: &str) -> String {
    if is_postfix_safe(text) {
        text.to_string()
    } else {
        format!("({text})")
    }
}

fn wrap_postfix_expr(expr: &Expr, text: &str, substitutions: &[(Expr, String)]) -> String {
    if substitutions.iter().any(|(e, _)| e == expr) {
        return text.to_string();
    }
    match expr {
        Expr::Unary(..) | Expr::Binary(..) | Expr::Conditional(..) => format!("({text})"),
        _ => wrap_postfix(text),
    }
}

/// Whether text is an atom: a name, literal, call, subscript or bracketed display (no top-level
/// operator, `lambda` or conditional).
fn is_postfix_safe(text: &str) -> bool {
    if text.starts_with("lambda") || text.starts_with("not ") || text.starts_with('-') {
        return false;
    }
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ' ' if depth == 0 => return false,
            _ => {}
        }
    }
    true
}

/// Whether `name` occurs in `text` as a whole identifier (not an attribute or keyword argument).
fn mentions(text: &str, name: &str) -> bool {
    let bytes = text.as_bytes();
    let mut start = 0;
    while let Some(found) = text.get(start..).and_then(|t| t.find(name)) {
        let at = start + found;
        let end = at + name.len();
        let before = at.checked_sub(1).and_then(|i| bytes.get(i)).copied();
        let after = bytes.get(end).copied();
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let clean_before = before.is_none_or(|b| !ident(b) && b != b'.');
        let clean_after = after.is_none_or(|b| !ident(b) && b != b'=');
        if clean_before && clean_after {
            return true;
        }
        start = end;
    }
    false
}

/// The class of a resource token; explicit providers are `pkg.Provider`.
fn resource_class(token: &str) -> String {
    if let Some(package) = token.strip_prefix("pulumi:providers:") {
        return format!("{}.Provider", package_identifier(package));
    }
    let (package, module, member) = split_token(token);
    qualified(package, &module, member)
}

/// `aws:ec2/getAmi:getAmi` → `aws.ec2.get_ami_output`.
fn invoke_function(token: &str) -> String {
    let (package, module, member) = split_token(token);
    qualified(package, &module, &format!("{}_output", py_name(member)))
}

fn qualified(package: &str, module: &[&str], member: &str) -> String {
    let mut out = package_identifier(package);
    for segment in module {
        // `networking.k8s.io` is the Python module `networking`.
        let segment = segment.split('.').next().unwrap_or(segment);
        out.push('.');
        out.push_str(&py_name(segment));
    }
    out.push('.');
    out.push_str(member);
    out
}

/// An `ignore_changes` path: a top-level property by its Python name (the SDK maps it back), a
/// nested path as the Pulumi property path.
fn property_path(path: &str) -> String {
    if is_pulumi_name(path) {
        py_name(path)
    } else {
        path.to_string()
    }
}

fn precedence_of_op(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => 1,
        BinaryOp::And => 2,
        BinaryOp::Eq
        | BinaryOp::NotEq
        | BinaryOp::Lt
        | BinaryOp::LtEq
        | BinaryOp::Gt
        | BinaryOp::GtEq => 4,
        BinaryOp::Add | BinaryOp::Sub => 5,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 6,
    }
}

fn binary_symbol(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Eq => "==",
        BinaryOp::NotEq => "!=",
        BinaryOp::Lt => "<",
        BinaryOp::LtEq => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::GtEq => ">=",
        BinaryOp::And => "and",
        BinaryOp::Or => "or",
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Mod => "%",
    }
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

fn is_integer(number: &str) -> bool {
    !number.is_empty() && number.chars().all(|c| c.is_ascii_digit())
}

/// A Terraform `format` string as a Python `%` format, when every verb has a Python equivalent.
fn percent_format(format: &str) -> Option<String> {
    let mut out = String::with_capacity(format.len());
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        out.push('%');
        // flags and width/precision
        while let Some(&f) = chars.peek() {
            if matches!(f, '-' | '+' | ' ' | '0' | '#' | '.') || f.is_ascii_digit() {
                if f == '#' {
                    return None; // `%#v`: JSON
                }
                out.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let verb = chars.next()?;
        let python = match verb {
            '%' => '%',
            'v' | 's' => 's',
            'd' => 'd',
            'f' | 'F' => 'f',
            'e' | 'E' | 'g' | 'G' | 'o' | 'x' | 'X' => verb,
            _ => return None, // `%t`, `%q`, `%b`, `%[n]`: TF-specific
        };
        out.push(python);
    }
    Some(out)
}

/// A Terraform regex replacement (`$1`, `${name}`) in Python's `re.sub` syntax (`\1`, `\g<name>`).
fn regex_replacement(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '$' => match chars.peek() {
                Some('$') => {
                    chars.next();
                    out.push('$');
                }
                Some('{') => {
                    chars.next();
                    let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    let _ = write!(out, "\\g<{name}>");
                }
                Some(d) if d.is_ascii_digit() => {
                    let mut digits = String::new();
                    while let Some(&d) = chars.peek() {
                        if !d.is_ascii_digit() {
                            break;
                        }
                        digits.push(d);
                        chars.next();
                    }
                    let _ = write!(out, "\\g<{digits}>");
                }
                _ => out.push('$'),
            },
            c => out.push(c),
        }
    }
    out
}

/// Whether an attribute of a resource can be written with `.`: a Pulumi name (`volumeSize`) or a
/// Terraform one (`availability_zone`), both spelled the same way in Python.
fn is_attribute_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether a key or attribute looks like a Pulumi property name (`volumeSize`, `arn`).
fn is_pulumi_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

fn comment(line: &str) -> String {
    if line.is_empty() {
        "#".to_string()
    } else {
        format!("# {line}")
    }
}

/// A source identifier usable in Python: invalid characters become `_`, keywords get a trailing `_`.
pub fn identifier(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    keyword_safe(out)
}

fn keyword_safe(mut name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// The Python name of a Pulumi (camelCase) name, as Pulumi's Python code generator derives it:
/// `ipv6CidrBlock` → `ipv6_cidr_block`, `SHA256Hash` → `sha256_hash`, `lambda` → `lambda_`.
pub fn py_name(name: &str) -> String {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        First,
        Upper,
        Acronym,
        LowerOrNumber,
    }
    // Names that shipped with the older algorithm (`open_x_json_ser_de`).
    let legacy = matches!(
        name,
        "openXJsonSerDe" | "GetPublicIPs" | "GetUptimeCheckIPs"
    );
    let mut result = String::with_capacity(name.len() + 5);
    let mut current = String::with_capacity(name.len() + 5);
    let mut state = State::First;
    let flush = |result: &mut String, component: &str| {
        if !result.is_empty() {
            result.push('_');
        }
        result.push_str(component);
    };
    for c in name.chars() {
        let c = if c.is_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        };
        let upper = c.is_uppercase();
        match state {
            State::First => {
                if !(c.is_alphabetic() || c == '_') {
                    current.push('_');
                }
                if upper {
                    state = State::Upper;
                    current.extend(c.to_lowercase());
                } else {
                    state = State::LowerOrNumber;
                    current.push(c);
                }
            }
            State::Upper => {
                if upper {
                    state = State::Acronym;
                    current.extend(c.to_lowercase());
                } else {
                    state = State::LowerOrNumber;
                    current.push(c);
                }
            }
            State::Acronym => {
                if upper {
                    current.extend(c.to_lowercase());
                } else if c.is_numeric() || (c == 's' && !legacy) {
                    // Digits (and a plural `s`) stay with the acronym: `SHA256Hash`, `IPs`.
                    state = State::LowerOrNumber;
                    current.push(c);
                } else {
                    // The acronym's last letter starts the next word: `HTTPServer` → `http_server`.
                    let last = current.pop();
                    flush(&mut result, &current);
                    current.clear();
                    current.extend(last);
                    current.push(c);
                    state = State::LowerOrNumber;
                }
            }
            State::LowerOrNumber => {
                if upper {
                    flush(&mut result, &current);
                    current.clear();
                    current.extend(c.to_lowercase());
                    state = State::Upper;
                } else {
                    current.push(c);
                }
            }
        }
    }
    if !current.is_empty() {
        flush(&mut result, &current);
    }
    keyword_safe(result)
}

/// A double-quoted Python string literal; long multi-line text becomes a triple-quoted literal.
pub fn string_literal(s: &str) -> String {
    let lines = s.matches('\n').count();
    let triple_safe = lines >= 2
        && !s.contains("\"\"\"")
        && !s.ends_with('"')
        && !s.contains('\\')
        && !s.contains('\r')
        && !s
            .chars()
            .any(|c| (c as u32) < 0x20 && c != '\n' && c != '\t');
    if triple_safe {
        return format!("\"\"\"{s}\"\"\"");
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_names_follow_pulumi_codegen() {
        assert_eq!(py_name("ipv6CidrBlock"), "ipv6_cidr_block");
        assert_eq!(py_name("arn"), "arn");
        assert_eq!(py_name("eTag"), "e_tag");
        assert_eq!(py_name("websiteEndpoint"), "website_endpoint");
        assert_eq!(py_name("SHA256Hash"), "sha256_hash");
        assert_eq!(py_name("Sha256Hash"), "sha256_hash");
        assert_eq!(py_name("HTTPServer"), "http_server");
        assert_eq!(py_name("GetPublicIPs"), "get_public_i_ps");
        assert_eq!(py_name("publicIPs"), "public_ips");
        assert_eq!(py_name("openXJsonSerDe"), "open_x_json_ser_de");
        assert_eq!(py_name("getAmi"), "get_ami");
        assert_eq!(py_name("s3Bucket"), "s3_bucket");
        assert_eq!(py_name("already_snake"), "already_snake");
        assert_eq!(py_name("kms-key"), "kms_key");
        assert_eq!(py_name("2fa"), "_2fa");
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(py_name("lambda"), "lambda_");
        assert_eq!(py_name("from"), "from_");
        assert_eq!(py_name("import"), "import_");
        assert_eq!(py_name("global"), "global_");
        assert_eq!(identifier("in"), "in_");
        assert_eq!(identifier("my-var"), "my_var");
        assert_eq!(identifier("None"), "None_");
    }

    #[test]
    fn module_paths_come_from_tokens() {
        assert_eq!(resource_class("aws:s3/bucket:Bucket"), "aws.s3.Bucket");
        assert_eq!(
            resource_class("kubernetes:core/v1:Namespace"),
            "kubernetes.core.v1.Namespace"
        );
        assert_eq!(
            resource_class("kubernetes:networking.k8s.io/v1:Ingress"),
            "kubernetes.networking.v1.Ingress"
        );
        assert_eq!(resource_class("pulumi:providers:aws"), "aws.Provider");
        assert_eq!(
            invoke_function("aws:ec2/getAmi:getAmi"),
            "aws.ec2.get_ami_output"
        );
        assert_eq!(
            invoke_function("aws:index/getCallerIdentity:getCallerIdentity"),
            "aws.get_caller_identity_output"
        );
        assert_eq!(python_module("azure-native"), "pulumi_azure_native");
        assert_eq!(package_identifier("kubernetes"), "kubernetes");
    }

    #[test]
    fn formats_translate_to_percent_style() {
        assert_eq!(percent_format("%s-%03d"), Some("%s-%03d".into()));
        assert_eq!(
            percent_format("%v and %.2f%%"),
            Some("%s and %.2f%%".into())
        );
        assert_eq!(percent_format("%#v"), None);
        assert_eq!(percent_format("%t"), None);
        assert_eq!(percent_format("%[2]s"), None);
        assert_eq!(regex_replacement("$1-${name}-$$"), "\\g<1>-\\g<name>-$");
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string_literal("a\"b\\c\n"), r#""a\"b\\c\n""#);
        assert_eq!(string_literal("x\u{1}"), r#""x\x01""#);
        assert_eq!(string_literal("one\ntwo\n"), "\"\"\"one\ntwo\n\"\"\"");
    }

    #[test]
    fn whole_identifiers_are_found() {
        assert!(mentions("f\"{index}\"", "index"));
        assert!(!mentions("x.index", "index"));
        assert!(!mentions("index_2", "index"));
        assert!(!mentions("f(index=3)", "index"));
        assert!(mentions("a + key", "key"));
    }

    #[test]
    fn postfix_needs_atoms() {
        assert!(is_postfix_safe("foo.bar[\"a b\"]"));
        assert!(is_postfix_safe("f(a, b)"));
        assert!(!is_postfix_safe("a + b"));
        assert!(!is_postfix_safe("-a"));
    }
}
