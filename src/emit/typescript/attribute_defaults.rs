//! Terraform fills in the defaults of an object type's `optional(T, default)` attributes where a
//! variable's value enters the module; the generated program does the same where it reads the
//! value, so every later use sees them.

use super::{is_identifier, string_literal, Emitter, Mode, INDENT};
use crate::model::{fill_attribute_defaults, ConfigType, ConfigVar, Expr, Node};
use std::fmt::Write;

impl Emitter<'_> {
    /// Writes a variable whose type has attribute defaults: the value as given under a name of its
    /// own, then the variable itself with the defaults filled in. `false` when there are none.
    pub(super) fn config_with_attribute_defaults(
        &mut self,
        node: &Node,
        config: &ConfigVar,
        out: &mut String,
    ) -> bool {
        let ty = config.effective_type();
        if self.reading_given_value || !ty.has_attribute_defaults(false) {
            return false;
        }
        let given = self.given_name(&node.name);
        let mut given_node = node.clone();
        given_node.name = given.clone();
        given_node.comments.clear();
        self.reading_given_value = true;
        self.node(&given_node, out);
        self.reading_given_value = false;

        let may_be_undefined = matches!(config.default, Some(Expr::Null));
        let is_output = match &self.mode {
            Mode::Program => config.secret,
            Mode::Component { .. } => !self.plain_inputs.contains(&config.key),
        };
        let filled = self.attribute_defaults("value", &ty, 0, 0);
        let value = match (is_output, may_be_undefined) {
            (false, false) => self.attribute_defaults(&given, &ty, 0, 0),
            (false, true) => format!(
                "{given} === undefined ? {given} : {}",
                self.attribute_defaults(&given, &ty, 0, 0)
            ),
            // Kept `undefined` rather than an `Output` of it, as the value as given was.
            (true, true) => format!(
                "{given} === undefined ? {given} : pulumi.output({given}).apply((value) => {})",
                parenthesised_object(&filled)
            ),
            // A component's input is read as an `Output` already; a secret may be one of two.
            (true, false) if matches!(self.mode, Mode::Component { .. }) => format!(
                "{given}.apply((value) => {})",
                parenthesised_object(&filled)
            ),
            (true, false) => format!(
                "pulumi.output({given}).apply((value) => {})",
                parenthesised_object(&filled)
            ),
        };
        let _ = writeln!(out, "const {} = {value};", node.name);
        true
    }

    /// `{name}Given`, or with a number if a node already has that name.
    fn given_name(&self, name: &str) -> String {
        let taken = |candidate: &str| self.program.nodes.iter().any(|n| n.name == candidate);
        let mut candidate = format!("{name}Given");
        let mut n = 2;
        while taken(&candidate) {
            candidate = format!("{name}Given{n}");
            n += 1;
        }
        candidate
    }

    /// `value` (a name or a property path, read more than once) with the attribute defaults of
    /// `ty` filled in: `x ?? default` for an attribute left out or null, recursively through
    /// lists, maps and object attributes. `level`: the indentation of the line it starts on.
    fn attribute_defaults(
        &mut self,
        value: &str,
        ty: &ConfigType,
        depth: usize,
        level: usize,
    ) -> String {
        if !ty.has_attribute_defaults(false) {
            return value.to_string();
        }
        let item = if depth == 0 {
            "item".to_string()
        } else {
            format!("item{}", depth + 1)
        };
        match ty {
            ConfigType::List(inner) => {
                let filled = self.attribute_defaults(&item, inner, depth + 1, level);
                format!("{value}.map(({item}) => {})", parenthesised_object(&filled))
            }
            ConfigType::Map(inner) => {
                let filled = self.attribute_defaults(&item, inner, depth + 1, level);
                format!("Object.fromEntries(Object.entries({value}).map(([key, {item}]) => [key, {filled}]))")
            }
            ConfigType::Object(fields) => {
                let mut parts = vec![format!("...{value}")];
                for field in fields {
                    let nested = field.ty.has_attribute_defaults(false);
                    if field.default.is_none() && !nested {
                        continue;
                    }
                    let access = if is_identifier(&field.name) {
                        format!("{value}.{}", field.name)
                    } else {
                        format!("{value}[{}]", string_literal(&field.name))
                    };
                    let key = super::property_key(&field.name);
                    let filled = match &field.default {
                        Some(default) if !nested => {
                            format!("{access} ?? {}", self.expr(default, level + 1))
                        }
                        // A constant default carries its own attribute defaults.
                        Some(default) => {
                            let default = fill_attribute_defaults(default, &field.ty, false);
                            let default = self.expr(&default, level + 1);
                            let given =
                                self.attribute_defaults(&access, &field.ty, depth + 1, level + 1);
                            format!("{access} == null ? {default} : {given}")
                        }
                        None if field.optional => {
                            let given =
                                self.attribute_defaults(&access, &field.ty, depth + 1, level + 1);
                            format!("{access} == null ? {access} : {given}")
                        }
                        None => self.attribute_defaults(&access, &field.ty, depth + 1, level + 1),
                    };
                    parts.push(format!("{key}: {filled}"));
                }
                let inner = INDENT.repeat(level + 1);
                let mut out = String::from("{\n");
                for part in parts {
                    let _ = writeln!(out, "{inner}{part},");
                }
                out.push_str(&INDENT.repeat(level));
                out.push('}');
                out
            }
            _ => value.to_string(),
        }
    }
}

/// An object literal as an arrow function's body.
fn parenthesised_object(value: &str) -> String {
    if value.starts_with('{') {
        format!("({value})")
    } else {
        value.to_string()
    }
}
