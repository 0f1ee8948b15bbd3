//! Terraform fills in an object type's optional attributes where a variable's value enters the
//! module: `optional(T, default)` ones with their default, `optional(T)` ones with null. The
//! generated program does the same where it reads the value, so every later use sees them (and a
//! left-out attribute reads as `None` rather than raising `KeyError`).

use super::{string_literal, Emitter, INDENT};
use crate::model::{fill_attribute_defaults, ConfigType, ConfigVar, Expr};
use std::fmt::Write;

impl Emitter<'_> {
    /// After a variable is read into `name`: `name` again, its optional attributes filled in.
    pub(super) fn fill_attribute_defaults(
        &mut self,
        name: &str,
        config: &ConfigVar,
        out: &mut String,
    ) {
        let ty = config.effective_type();
        if !ty.has_attribute_defaults(true) {
            return;
        }
        let is_output =
            config.secret || (self.component.is_some() && self.input_is_output(&config.key));
        let may_be_none = matches!(config.default, Some(Expr::Null));
        let target = if is_output { "value" } else { name };
        let mut filled = self.attribute_defaults(target, &ty, 0, 0);
        if may_be_none {
            filled = format!("None if {target} is None else {filled}");
        }
        if is_output {
            let _ = writeln!(out, "{name} = {name}.apply(lambda value: {filled})");
        } else {
            let _ = writeln!(out, "{name} = {filled}");
        }
    }

    /// `value` (a name or a subscript, read more than once) with the optional attributes of `ty`
    /// filled in, recursively through lists, maps and object attributes. `level`: the indentation
    /// of the line it starts on.
    fn attribute_defaults(
        &mut self,
        value: &str,
        ty: &ConfigType,
        depth: usize,
        level: usize,
    ) -> String {
        if !ty.has_attribute_defaults(true) {
            return value.to_string();
        }
        let item = if depth == 0 {
            "item".to_string()
        } else {
            format!("item{}", depth + 1)
        };
        let inner_indent = INDENT.repeat(level + 1);
        let indent = INDENT.repeat(level);
        match ty {
            ConfigType::List(inner) => {
                let filled = self.attribute_defaults(&item, inner, depth + 1, level + 1);
                format!("[\n{inner_indent}{filled}\n{inner_indent}for {item} in {value}\n{indent}]")
            }
            ConfigType::Map(inner) => {
                let key = if depth == 0 {
                    "key".to_string()
                } else {
                    format!("key{}", depth + 1)
                };
                let filled = self.attribute_defaults(&item, inner, depth + 1, level + 1);
                format!(
                    "{{\n{inner_indent}{key}: {filled}\n{inner_indent}for {key}, {item} in {value}.items()\n{indent}}}"
                )
            }
            ConfigType::Object(fields) => {
                let mut parts = vec![format!("**{value}")];
                for field in fields {
                    let nested = field.ty.has_attribute_defaults(true);
                    if !field.optional && !nested {
                        continue;
                    }
                    let key = string_literal(&field.name);
                    let get = format!("{value}.get({key})");
                    let given = format!("{value}[{key}]");
                    let filled = match &field.default {
                        Some(default) => {
                            // A constant default carries its own attribute defaults.
                            let default = fill_attribute_defaults(default, &field.ty, true);
                            let default = self.expr(&default, level + 1);
                            let given =
                                self.attribute_defaults(&given, &field.ty, depth + 1, level + 1);
                            format!("{default} if {get} is None else {given}")
                        }
                        None if !nested => get,
                        None if field.optional => {
                            let given =
                                self.attribute_defaults(&given, &field.ty, depth + 1, level + 1);
                            format!("None if {get} is None else {given}")
                        }
                        None => self.attribute_defaults(&given, &field.ty, depth + 1, level + 1),
                    };
                    parts.push(format!("{key}: {filled}"));
                }
                let mut out = String::from("{\n");
                for part in parts {
                    let _ = writeln!(out, "{inner_indent}{part},");
                }
                out.push_str(&indent);
                out.push('}');
                out
            }
            _ => value.to_string(),
        }
    }
}
