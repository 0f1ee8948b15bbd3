//! hclconv: converts Terraform (HCL) into Pulumi programs.
//!
//! Pipeline: [`parse`] (text → hcl-edit syntax tree) → [`model`] (language-neutral program, names
//! resolved through [`mapping`] and the shared [`cache`]) → [`emit`] (one file per language).
//! [`batch`] converts many examples in parallel with rayon. The core is pure Rust; `wasm.rs` is the only
//! file that knows about the browser.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo
    )
)]
#![cfg_attr(
    target_arch = "wasm32",
    feature(stdarch_wasm_atomic_wait, thread_local)
)]

pub mod batch;
pub mod cache;
pub mod diagnostics;
pub mod emit;
pub mod input;
pub mod mapping;
pub mod model;
pub mod parse;

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
mod alloc;
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: alloc::ThreadCachingAllocator = alloc::ThreadCachingAllocator;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

use serde::Serialize;

pub use batch::{convert_batch, BatchOptions, BatchResult, ExampleResult, Schedule};
pub use cache::MappingCache;
pub use diagnostics::{Diagnostic, Severity, SourceSpan};
pub use emit::{EmittedProgram, Language};
pub use input::Example;

/// The result of converting one example to one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversion {
    pub output: EmittedProgram,
    /// Sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
}

impl Conversion {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Converts one example. Never fails as a whole: problems become diagnostics, and the program is
/// produced around them.
pub fn convert(example: &Example, language: Language, cache: &MappingCache) -> Conversion {
    let (program, mut diagnostics) = model::lower_example(example, cache);
    let (output, emit_diagnostics) = emit::emit(&program, language, &example.id);
    diagnostics.extend(emit_diagnostics);
    diagnostics.sort_by(|a, b| {
        (&a.span.file, a.span.line, a.span.column).cmp(&(&b.span.file, b.span.line, b.span.column))
    });
    Conversion {
        output,
        diagnostics,
    }
}
