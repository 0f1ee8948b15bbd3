//! Literals converted to the attribute's type, as Terraform converts them by the provider schema
//! (go-cty's primitive conversions): `port = "80"` for a number attribute is the number 80, `"true"`/`"1"`
//! for a bool is `true`, and a number or bool in a string attribute (or in a `map(string)` / `list(string)`,
//! `tags = { count = 3 }`) is its string. The typed Pulumi SDKs accept only the converted value. Only
//! literals are converted: references and expressions keep their value, and a literal Terraform itself
//! would reject (`"yes"` for a bool, `"8O"` for a number) stays as written, so the type checker still says so.

use super::{Expr, Intrinsic};
use crate::mapping::{ScalarType, ValueType};

/// `expr` converted to `to` where it is a literal (or a list/object literal of them, for list/map types).
pub(super) fn coerce_literal(expr: Expr, to: ValueType) -> Expr {
    match (to, expr) {
        (ValueType::Scalar(scalar), expr) => coerce_scalar(expr, scalar),
        (ValueType::List(scalar), Expr::List(items)) => Expr::List(
            items
                .into_iter()
                .map(|item| coerce_scalar(item, scalar))
                .collect(),
        ),
        (ValueType::Map(scalar), Expr::Object(entries)) => Expr::Object(
            entries
                .into_iter()
                .map(|(key, value)| (key, coerce_scalar(value, scalar)))
                .collect(),
        ),
        (_, other) => other,
    }
}

fn coerce_scalar(expr: Expr, to: ScalarType) -> Expr {
    match (to, expr) {
        (ScalarType::Number, Expr::String(text)) => match number_literal(&text) {
            Some(number) => Expr::Number(number),
            None => Expr::String(text),
        },
        // go-cty accepts exactly these four spellings (not "True", not "yes").
        (ScalarType::Bool, Expr::String(text)) => match text.as_str() {
            "true" | "1" => Expr::Bool(true),
            "false" | "0" => Expr::Bool(false),
            _ => Expr::String(text),
        },
        (ScalarType::String, Expr::Number(number)) => Expr::String(number_string(&number)),
        (ScalarType::String, Expr::Bool(b)) => Expr::String(b.to_string()),
        // Terraform reads the file at the path; Pulumi takes the file as an asset.
        (ScalarType::Asset, path @ (Expr::String(_) | Expr::Template(_))) => {
            Expr::Intrinsic(Intrinsic::FileAsset, vec![path])
        }
        (_, other) => other,
    }
}

/// A decimal number as Terraform parses a string (`80`, `-1.5`, `+2`, `.5`, `1e3`), written as a literal
/// every target language accepts (no sign `+`, no leading zeros, no bare `.`); `None` for anything else.
fn number_literal(text: &str) -> Option<String> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, text.get(1..)?),
        b'+' => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (unsigned.get(..at)?, Some(unsigned.get(at + 1..)?)),
        None => (unsigned, None),
    };
    let (integer, fraction) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let valid_mantissa = digits(integer)
        && fraction.is_none_or(digits)
        && !(integer.is_empty() && fraction.is_none_or(str::is_empty));
    let valid_exponent = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if !valid_mantissa || !valid_exponent {
        return None;
    }
    let integer = integer.trim_start_matches('0');
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(if integer.is_empty() { "0" } else { integer });
    if let Some(fraction) = fraction.filter(|f| !f.is_empty()) {
        out.push('.');
        out.push_str(fraction);
    }
    if let Some(exponent) = exponent {
        out.push('e');
        out.push_str(exponent);
    }
    Some(out)
}

/// A number literal as Terraform writes it in a string: `3` → "3", `1.50` → "1.5", `1e3` → "1000".
fn number_string(number: &str) -> String {
    let unsigned = number.strip_prefix('-').unwrap_or(number);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        let trimmed = unsigned.trim_start_matches('0');
        let digits = if trimmed.is_empty() { "0" } else { trimmed };
        return match (number.starts_with('-'), digits) {
            (true, d) if d != "0" => format!("-{d}"),
            (_, d) => d.to_string(),
        };
    }
    match number.parse::<f64>() {
        Ok(value) if value.is_finite() => format!("{value}"),
        _ => number.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObjectKey;

    fn string(s: &str) -> Expr {
        Expr::String(s.to_string())
    }

    fn number(s: &str) -> Expr {
        Expr::Number(s.to_string())
    }

    const NUMBER: ValueType = ValueType::Scalar(ScalarType::Number);
    const BOOL: ValueType = ValueType::Scalar(ScalarType::Bool);
    const STRING: ValueType = ValueType::Scalar(ScalarType::String);

    #[test]
    fn strings_become_numbers_as_terraform_parses_them() {
        assert_eq!(coerce_literal(string("80"), NUMBER), number("80"));
        assert_eq!(coerce_literal(string("-1.5"), NUMBER), number("-1.5"));
        assert_eq!(coerce_literal(string("+2"), NUMBER), number("2"));
        assert_eq!(coerce_literal(string("007"), NUMBER), number("7"));
        assert_eq!(coerce_literal(string(".5"), NUMBER), number("0.5"));
        assert_eq!(coerce_literal(string("1e3"), NUMBER), number("1e3"));
        for not_a_number in ["", "8O", "1.2.3", "0x10", "1e", ".", "-", "1_000", " 1"] {
            assert_eq!(
                coerce_literal(string(not_a_number), NUMBER),
                string(not_a_number)
            );
        }
    }

    #[test]
    fn only_go_ctys_four_spellings_become_bools() {
        assert_eq!(coerce_literal(string("true"), BOOL), Expr::Bool(true));
        assert_eq!(coerce_literal(string("1"), BOOL), Expr::Bool(true));
        assert_eq!(coerce_literal(string("false"), BOOL), Expr::Bool(false));
        assert_eq!(coerce_literal(string("0"), BOOL), Expr::Bool(false));
        for kept in ["True", "yes", "on", ""] {
            assert_eq!(coerce_literal(string(kept), BOOL), string(kept));
        }
        assert_eq!(coerce_literal(number("1"), BOOL), number("1"));
    }

    #[test]
    fn numbers_and_bools_become_strings() {
        assert_eq!(coerce_literal(number("3"), STRING), string("3"));
        assert_eq!(coerce_literal(number("1.50"), STRING), string("1.5"));
        assert_eq!(coerce_literal(number("1e3"), STRING), string("1000"));
        assert_eq!(coerce_literal(number("-0"), STRING), string("0"));
        assert_eq!(coerce_literal(Expr::Bool(false), STRING), string("false"));
    }

    #[test]
    fn collections_convert_their_literal_elements_only() {
        let tags = Expr::Object(vec![
            (ObjectKey::Name("count".into()), number("3")),
            (ObjectKey::Name("on".into()), Expr::Bool(true)),
            (ObjectKey::Name("name".into()), Expr::Var("x".into())),
        ]);
        assert_eq!(
            coerce_literal(tags, ValueType::Map(ScalarType::String)),
            Expr::Object(vec![
                (ObjectKey::Name("count".into()), string("3")),
                (ObjectKey::Name("on".into()), string("true")),
                (ObjectKey::Name("name".into()), Expr::Var("x".into())),
            ])
        );
        let ports = Expr::List(vec![string("80"), number("443")]);
        assert_eq!(
            coerce_literal(ports, ValueType::List(ScalarType::Number)),
            Expr::List(vec![number("80"), number("443")])
        );
        // Not literals: left alone, whatever the type.
        assert_eq!(
            coerce_literal(Expr::Var("v".into()), NUMBER),
            Expr::Var("v".into())
        );
        assert_eq!(
            coerce_literal(string("80"), ValueType::List(ScalarType::Number)),
            string("80")
        );
    }
}
