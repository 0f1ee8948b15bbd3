//! Text → syntax tree (hcl-edit keeps spans and comments); syntax errors become diagnostics.

mod json;

use crate::diagnostics::{Diagnostic, LineIndex, Reporter, Severity};
use hcl_edit::structure::Body;

/// Files larger than this are refused with a diagnostic rather than parsed.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// One parsed input file. `body` is `None` when the file could not be parsed.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    pub lines: LineIndex,
    pub body: Option<Body>,
}

impl SourceFile {
    pub fn reporter(&self) -> Reporter<'_> {
        Reporter::new(&self.path, &self.text, &self.lines)
    }
}

pub fn parse_file(path: &str, text: &str) -> (SourceFile, Vec<Diagnostic>) {
    let refused = |message: String, range: Option<std::ops::Range<usize>>| {
        let file = SourceFile {
            path: path.to_string(),
            text: text.to_string(),
            lines: LineIndex::new(text),
            body: None,
        };
        let mut reporter = Reporter::new(path, text, &file.lines);
        let code = if range.is_some() {
            "syntax-error"
        } else {
            "file-too-large"
        };
        reporter.report(Severity::Error, code, message, range);
        let diagnostics = reporter.diagnostics;
        (file, diagnostics)
    };
    if text.len() > MAX_FILE_BYTES {
        return refused(
            format!(
                "{path} is {} bytes; files above {MAX_FILE_BYTES} bytes are not converted",
                text.len()
            ),
            None,
        );
    }
    if path.ends_with(".tf.json") {
        return match json::json_to_hcl(text) {
            // The HCL twin keeps the JSON's line numbers, so its spans point at the JSON lines.
            Ok(hcl) => parse_hcl(path, &hcl),
            Err(error) => refused(error.message, Some(error.range)),
        };
    }
    parse_hcl(path, text)
}

/// HCL native syntax → syntax tree.
fn parse_hcl(path: &str, text: &str) -> (SourceFile, Vec<Diagnostic>) {
    let mut file = SourceFile {
        path: path.to_string(),
        text: text.to_string(),
        lines: LineIndex::new(text),
        body: None,
    };
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => {
            file.body = Some(body);
            (file, Vec::new())
        }
        Err(error) => {
            let offset = error.location().offset();
            let mut reporter = Reporter::new(path, text, &file.lines);
            reporter.report(
                Severity::Error,
                "syntax-error",
                format!("invalid HCL: {}", error.message()),
                Some(offset..offset),
            );
            let diagnostics = reporter.diagnostics;
            (file, diagnostics)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let (file, diags) = parse_file("main.tf", "resource \"a\" \"b\" {\n  x = \n}\n");
        assert!(file.body.is_none());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "syntax-error");
        assert_eq!(diags[0].span.line, 2);
    }

    #[test]
    fn valid_hcl_parses() {
        let (file, diags) = parse_file("main.tf", "a = 1\n");
        assert!(file.body.is_some());
        assert!(diags.is_empty());
    }
}
