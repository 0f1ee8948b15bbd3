//! Terraform's JSON syntax (`.tf.json`) → equivalent HCL native syntax, which the rest of the
//! pipeline parses as usual. Each item is written on the line it has in the JSON (blank lines pad the
//! output), so diagnostics point at the right JSON line. JSON strings are Terraform templates in
//! both syntaxes; the few arguments whose strings are expressions (`depends_on`, `provider`,
//! variable `type`, `ignore_changes`, ...) are written as expressions.

use jsonc_parser::ast::{Array, Object, ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions};
use std::fmt::Write;
use std::ops::Range;

/// Nested JSON deeper than this is refused (the writer recurses).
const MAX_DEPTH: usize = 64;

/// Why a `.tf.json` file could not be turned into HCL: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub range: Range<usize>,
    pub message: String,
}

pub fn json_to_hcl(text: &str) -> Result<String, JsonError> {
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        ..ParseOptions::default()
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
            JsonError {
                range: e.range().start..e.range().end,
                message: format!("invalid JSON: {}", e.kind()),
            }
        })?;
    let Some(Value::Object(root)) = parsed.value else {
        return Err(JsonError {
            range: 0..text.len().min(1),
            message: "a .tf.json file must hold one JSON object".into(),
        });
    };
    let mut writer = Writer {
        line_starts: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        out: String::with_capacity(text.len()),
        line: 0,
        depth: 0,
    };
    writer.top(&root)?;
    writer.out.push('\n');
    Ok(writer.out)
}

struct Writer {
    line_starts: Vec<usize>,
    out: String,
    /// Lines written so far.
    line: usize,
    depth: usize,
}

/// What a body belongs to: decides which keys are blocks and which strings are expressions.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    Resource,
    Variable,
    Output,
    Module,
    Provider,
    Terraform,
    Lifecycle,
    Plain,
}

fn name_of<'a>(name: &'a ObjectPropName) -> &'a str {
    match name {
        ObjectPropName::String(s) => &s.value,
        ObjectPropName::Word(w) => w.value,
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl Writer {
    fn error(range: jsonc_parser::common::Range, message: impl Into<String>) -> JsonError {
        JsonError {
            range: range.start..range.end,
            message: message.into(),
        }
    }

    /// Pads with newlines so that what comes next starts on the line of `offset`.
    fn align(&mut self, offset: usize) {
        let target = self
            .line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        while self.line < target {
            self.newline();
        }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.line += 1;
    }

    fn write(&mut self, text: &str) {
        self.line += text.matches('\n').count();
        self.out.push_str(text);
    }

    fn enter(&mut self, range: jsonc_parser::common::Range) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Self::error(
                range,
                format!("JSON nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    fn comment(&mut self, value: &Value) {
        if let Value::StringLit(s) = value {
            for line in s.value.lines() {
                let _ = write!(self.out, "# {line}");
                self.newline();
            }
        }
    }

    fn top(&mut self, root: &Object) -> Result<(), JsonError> {
        for prop in &root.properties {
            let kind = name_of(&prop.name);
            self.align(prop.range.start);
            match kind {
                "//" => self.comment(&prop.value),
                "resource" | "data" | "ephemeral" => {
                    for (ty, by_name) in self.object(&prop.value)? {
                        for (name, bodies) in self.object(by_name)? {
                            let header = format!("{kind} {} {}", quote(ty), quote(name));
                            self.blocks(&header, bodies, Body::Resource)?;
                        }
                    }
                }
                "module" | "variable" | "output" | "provider" | "check" => {
                    let body = match kind {
                        "module" => Body::Module,
                        "variable" => Body::Variable,
                        "output" => Body::Output,
                        "provider" => Body::Provider,
                        _ => Body::Plain,
                    };
                    for (name, bodies) in self.object(&prop.value)? {
                        self.blocks(&format!("{kind} {}", quote(name)), bodies, body)?;
                    }
                }
                "terraform" => self.blocks("terraform", &prop.value, Body::Terraform)?,
                "locals" | "moved" | "import" | "removed" => {
                    self.blocks(kind, &prop.value, Body::Plain)?
                }
                other => {
                    return Err(Self::error(
                        prop.range,
                        format!("unknown top-level key `{other}` in Terraform JSON"),
                    ))
                }
            }
        }
        Ok(())
    }

    fn object<'v, 'a>(
        &self,
        value: &'v Value<'a>,
    ) -> Result<Vec<(&'v str, &'v Value<'a>)>, JsonError> {
        match value {
            Value::Object(o) => Ok(o
                .properties
                .iter()
                .filter(|p| name_of(&p.name) != "//")
                .map(|p| (name_of(&p.name), &p.value))
                .collect()),
            other => Err(Self::error(
                other_range(other),
                "expected a JSON object here",
            )),
        }
    }

    /// One block per object; an array of objects is several blocks of the same header.
    fn blocks(&mut self, header: &str, bodies: &Value, kind: Body) -> Result<(), JsonError> {
        match bodies {
            Value::Array(items) => {
                for item in &items.elements {
                    self.block(header, item, kind)?;
                }
                Ok(())
            }
            other => self.block(header, other, kind),
        }
    }

    fn block(&mut self, header: &str, body: &Value, kind: Body) -> Result<(), JsonError> {
        let Value::Object(object) = body else {
            return Err(Self::error(
                other_range(body),
                "a block body must be a JSON object",
            ));
        };
        self.enter(object.range)?;
        self.align(object.range.start);
        self.write(header);
        self.write(" {");
        self.newline();
        self.body(object, kind)?;
        self.write("}");
        self.newline();
        self.depth -= 1;
        Ok(())
    }

    fn body(&mut self, object: &Object, kind: Body) -> Result<(), JsonError> {
        for prop in &object.properties {
            let key = name_of(&prop.name);
            self.align(prop.range.start);
            if key == "//" {
                self.comment(&prop.value);
                continue;
            }
            let nested_block = match (kind, key) {
                (Body::Resource, "lifecycle") => Some(Body::Lifecycle),
                (Body::Resource, "connection" | "timeouts") => Some(Body::Plain),
                (Body::Variable, "validation") => Some(Body::Plain),
                (Body::Lifecycle, "precondition" | "postcondition") => Some(Body::Plain),
                (Body::Terraform, "required_providers") => Some(Body::Plain),
                _ => None,
            };
            if let Some(inner) = nested_block {
                self.blocks(key, &prop.value, inner)?;
                continue;
            }
            match (kind, key) {
                (Body::Resource, "provisioner") => {
                    for (ty, bodies) in self.labelled(&prop.value)? {
                        self.blocks(
                            &format!("provisioner {}", quote(ty)),
                            bodies,
                            Body::Resource,
                        )?;
                    }
                }
                (Body::Terraform, "backend" | "cloud") => {
                    for (ty, bodies) in self.labelled(&prop.value)? {
                        self.blocks(&format!("{key} {}", quote(ty)), bodies, Body::Plain)?;
                    }
                }
                (_, "dynamic") => {
                    for (label, bodies) in self.labelled(&prop.value)? {
                        self.dynamic(label, bodies)?;
                    }
                }
                (Body::Resource | Body::Module | Body::Output, "depends_on")
                | (Body::Lifecycle, "ignore_changes" | "replace_triggered_by") => {
                    self.attribute_key(key, prop.range)?;
                    self.expression_list(&prop.value)?;
                    self.newline();
                }
                (Body::Resource, "provider") | (Body::Variable, "type") => {
                    self.attribute_key(key, prop.range)?;
                    self.expression(&prop.value)?;
                    self.newline();
                }
                (Body::Module, "providers") => {
                    self.attribute_key(key, prop.range)?;
                    self.expression_map(&prop.value)?;
                    self.newline();
                }
                _ => {
                    self.attribute_key(key, prop.range)?;
                    self.value(&prop.value)?;
                    self.newline();
                }
            }
        }
        Ok(())
    }

    /// `{ "label": body-or-bodies, ... }` or an array of such objects.
    fn labelled<'v, 'a>(
        &self,
        value: &'v Value<'a>,
    ) -> Result<Vec<(&'v str, &'v Value<'a>)>, JsonError> {
        match value {
            Value::Array(items) => {
                let mut all = Vec::new();
                for item in &items.elements {
                    all.extend(self.object(item)?);
                }
                Ok(all)
            }
            other => self.object(other),
        }
    }

    fn dynamic(&mut self, label: &str, bodies: &Value) -> Result<(), JsonError> {
        let Value::Object(object) = bodies else {
            return Err(Self::error(
                other_range(bodies),
                "a dynamic block must be a JSON object",
            ));
        };
        self.enter(object.range)?;
        self.align(object.range.start);
        self.write(&format!("dynamic {} {{", quote(label)));
        self.newline();
        for prop in &object.properties {
            let key = name_of(&prop.name);
            self.align(prop.range.start);
            match key {
                "//" => self.comment(&prop.value),
                "content" => self.blocks("content", &prop.value, Body::Resource)?,
                "iterator" => {
                    self.attribute_key(key, prop.range)?;
                    self.expression(&prop.value)?;
                    self.newline();
                }
                _ => {
                    self.attribute_key(key, prop.range)?;
                    self.value(&prop.value)?;
                    self.newline();
                }
            }
        }
        self.write("}");
        self.newline();
        self.depth -= 1;
        Ok(())
    }

    fn attribute_key(
        &mut self,
        key: &str,
        range: jsonc_parser::common::Range,
    ) -> Result<(), JsonError> {
        if !is_identifier(key) {
            return Err(Self::error(
                range,
                format!("`{key}` is not a valid argument name"),
            ));
        }
        self.write(key);
        self.write(" = ");
        Ok(())
    }

    /// A JSON string that holds an expression (`"aws_instance.web"`, `"${var.x}"`, `"list(string)"`).
    fn expression(&mut self, value: &Value) -> Result<(), JsonError> {
        match value {
            Value::StringLit(s) => {
                let text = s.value.trim();
                let inner = text
                    .strip_prefix("${")
                    .and_then(|t| t.strip_suffix('}'))
                    .unwrap_or(text);
                if inner.contains('\n') {
                    return Err(Self::error(s.range, "an expression must fit on one line"));
                }
                self.write(inner);
                Ok(())
            }
            other => self.value(other),
        }
    }

    fn expression_list(&mut self, value: &Value) -> Result<(), JsonError> {
        match value {
            Value::Array(items) => {
                self.write("[");
                for (i, item) in items.elements.iter().enumerate() {
                    if i > 0 {
                        self.write(", ");
                    }
                    self.expression(item)?;
                }
                self.write("]");
                Ok(())
            }
            // `ignore_changes = "all"`
            other => self.expression(other),
        }
    }

    fn expression_map(&mut self, value: &Value) -> Result<(), JsonError> {
        let entries = self.object(value)?;
        self.write("{ ");
        for (i, (key, item)) in entries.into_iter().enumerate() {
            if i > 0 {
                self.write(", ");
            }
            self.write(&quote(key));
            self.write(" = ");
            self.expression(item)?;
        }
        self.write(" }");
        Ok(())
    }

    fn value(&mut self, value: &Value) -> Result<(), JsonError> {
        match value {
            Value::StringLit(s) => self.write(&template(&s.value)),
            Value::NumberLit(n) => self.write(n.value),
            Value::BooleanLit(b) => self.write(if b.value { "true" } else { "false" }),
            Value::NullKeyword(_) => self.write("null"),
            Value::Array(items) => self.array(items)?,
            Value::Object(object) => self.map(object)?,
        }
        Ok(())
    }

    fn array(&mut self, items: &Array) -> Result<(), JsonError> {
        self.enter(items.range)?;
        self.write("[");
        for (i, item) in items.elements.iter().enumerate() {
            if i > 0 {
                self.write(",");
            }
            self.align(other_range(item).start);
            self.value(item)?;
        }
        self.write("]");
        self.depth -= 1;
        Ok(())
    }

    fn map(&mut self, object: &Object) -> Result<(), JsonError> {
        self.enter(object.range)?;
        self.write("{");
        let mut first = true;
        for prop in &object.properties {
            let key = name_of(&prop.name);
            if key == "//" {
                continue;
            }
            if !first {
                self.write(",");
            }
            first = false;
            self.align(prop.range.start);
            self.write(&quote(key));
            self.write(" = ");
            self.value(&prop.value)?;
        }
        self.write("}");
        self.depth -= 1;
        Ok(())
    }
}

fn other_range(value: &Value) -> jsonc_parser::common::Range {
    match value {
        Value::StringLit(v) => v.range,
        Value::NumberLit(v) => v.range,
        Value::BooleanLit(v) => v.range,
        Value::Object(v) => v.range,
        Value::Array(v) => v.range,
        Value::NullKeyword(v) => v.range,
    }
}

/// A quoted HCL string with no template sequences (labels, keys).
fn quote(text: &str) -> String {
    let mut out = template(text);
    // Labels and keys are literal: `${` must not start an interpolation.
    out = out.replace("${", "$${").replace("%{", "%%{");
    out
}

/// A quoted HCL template: the JSON string's `${...}` and `%{...}` sequences stay live.
fn template(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_keep_their_lines_and_expressions() {
        let json = r#"{
  "resource": {
    "aws_instance": {
      "web": {
        "ami": "ami-123",
        "count": 2,
        "depends_on": ["aws_vpc.main"],
        "tags": { "Name": "web-${count.index}" },
        "lifecycle": { "ignore_changes": ["tags"] }
      }
    }
  },
  "variable": { "region": { "type": "string", "default": "us-east-1" } }
}"#;
        let hcl = json_to_hcl(json).unwrap();
        assert!(hcl.contains("resource \"aws_instance\" \"web\" {"), "{hcl}");
        assert!(hcl.contains("depends_on = [aws_vpc.main]"), "{hcl}");
        assert!(hcl.contains("\"Name\" = \"web-${count.index}\""), "{hcl}");
        assert!(hcl.contains("ignore_changes = [tags]"), "{hcl}");
        assert!(hcl.contains("type = string"), "{hcl}");
        // `"ami"` is on line 5 of the JSON and of the HCL.
        assert_eq!(
            hcl.lines().position(|l| l.contains("ami =")),
            Some(4),
            "{hcl}"
        );
        assert!(hcl_edit::parser::parse_body(&hcl).is_ok(), "{hcl}");
    }

    #[test]
    fn errors_carry_the_json_position() {
        let error = json_to_hcl("{\n  \"resource\": [1,\n}").unwrap_err();
        assert!(error.range.start > 0);
        assert!(json_to_hcl("[1, 2]").is_err());
        assert!(json_to_hcl("{\"bogus\": {}}").is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let json = format!(
            "{{\"locals\": {{\"x\": {}1{}}}}}",
            "[".repeat(100),
            "]".repeat(100)
        );
        assert!(json_to_hcl(&json).is_err());
    }
}
