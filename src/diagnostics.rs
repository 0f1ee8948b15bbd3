//! Diagnostics: what went wrong or was approximated, and where in the source.

use serde::Serialize;
use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// A position range in one input file; lines and columns are 1-based, columns count characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SourceSpan {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, kebab-case identifier of the kind of problem (e.g. `syntax-error`).
    pub code: &'static str,
    pub message: String,
    #[serde(flatten)]
    pub span: SourceSpan,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            self.span.file,
            self.span.line,
            self.span.column,
            self.severity,
            self.code,
            self.message
        )
    }
}

/// Maps byte offsets of one file to line/column positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset at which each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based (line, column) of a byte offset; offsets past the end clamp to the end.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = text
            .get(start..offset)
            .map_or(offset - start, |prefix| prefix.chars().count())
            + 1;
        (line, column)
    }

    pub fn span(&self, file: &str, text: &str, range: Range<usize>) -> SourceSpan {
        let (line, column) = self.position(text, range.start);
        let (end_line, end_column) = self.position(text, range.end.max(range.start));
        SourceSpan {
            file: file.to_string(),
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// Collects diagnostics for one file while it is lowered.
#[derive(Debug)]
pub struct Reporter<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub lines: &'a LineIndex,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    pub fn new(file: &'a str, text: &'a str, lines: &'a LineIndex) -> Self {
        Reporter {
            file,
            text,
            lines,
            diagnostics: Vec::new(),
        }
    }

    pub fn span(&self, range: Option<Range<usize>>) -> SourceSpan {
        self.lines.span(self.file, self.text, range.unwrap_or(0..0))
    }

    pub fn report(
        &mut self,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        range: Option<Range<usize>>,
    ) {
        let span = self.span(range);
        self.diagnostics.push(Diagnostic {
            severity,
            code,
            message: message.into(),
            span,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\nçd\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), (1, 1));
        assert_eq!(idx.position(text, 3), (2, 1));
        // 'ç' is two bytes: the 'd' after it is the second character.
        assert_eq!(idx.position(text, 5), (2, 2));
        assert_eq!(idx.position(text, 100), (3, 1));
    }
}
