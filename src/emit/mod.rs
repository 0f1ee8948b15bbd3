//! Program model → program text, one file per target language.

mod output_lists;
pub mod pcl;
pub mod project;
pub mod python;
pub mod typescript;

pub use project::ProjectFile;

use crate::diagnostics::Diagnostic;
use crate::model::Program;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    #[serde(alias = "ts")]
    Typescript,
    Pcl,
    #[serde(alias = "py")]
    Python,
}

impl Language {
    pub const ALL: &'static [Language] = &[Language::Typescript, Language::Pcl, Language::Python];

    pub fn name(self) -> &'static str {
        match self {
            Language::Typescript => "typescript",
            Language::Pcl => "pcl",
            Language::Python => "python",
        }
    }

    /// The program file of a Pulumi project in this language.
    pub fn main_file(self) -> &'static str {
        match self {
            Language::Typescript => "index.ts",
            Language::Pcl => "main.pp",
            Language::Python => "__main__.py",
        }
    }

    /// A display name for pickers (`TypeScript`).
    pub fn display_name(self) -> &'static str {
        match self {
            Language::Typescript => "TypeScript",
            Language::Pcl => "PCL",
            Language::Python => "Python",
        }
    }

    pub fn parse(name: &str) -> Option<Language> {
        match name {
            "ts" | "typescript" => Some(Language::Typescript),
            "pcl" | "pp" => Some(Language::Pcl),
            "python" | "py" => Some(Language::Python),
            _ => None,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Generated program text for one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmittedProgram {
    pub language: Language,
    /// The main program file (`index.ts`).
    pub path: String,
    pub text: String,
    /// Every file of a ready Pulumi project: `Pulumi.yaml`, the program (and component) files, and
    /// the dependency manifest.
    pub project: Vec<ProjectFile>,
}

/// Emits `program` in `language`; `id` names the project.
pub fn emit(program: &Program, language: Language, id: &str) -> (EmittedProgram, Vec<Diagnostic>) {
    // `files`: the program files of the project (main program first, then components).
    let (text, diagnostics, files) = emit_program(program, language);
    let project = project::project_files(id, language, program, files);
    (
        EmittedProgram {
            language,
            path: language.main_file().to_string(),
            text,
            project,
        },
        diagnostics,
    )
}

/// The program as one text, its diagnostics, and the program files of the project.
fn emit_program(
    program: &Program,
    language: Language,
) -> (String, Vec<Diagnostic>, Vec<ProjectFile>) {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let main = match language {
        Language::Typescript => {
            let classes = typescript::component_classes(program);
            for (component, class) in program.components.iter().zip(&classes) {
                let (text, d) = typescript::emit_component(&component.program, class, &classes);
                diagnostics.extend(d);
                files.push(ProjectFile {
                    path: format!("{}.ts", class.file),
                    text,
                });
            }
            let (text, d) = typescript::emit(program, &classes);
            files.insert(
                0,
                ProjectFile {
                    path: language.main_file().to_string(),
                    text: text.clone(),
                },
            );
            (text, d)
        }
        Language::Pcl => {
            // One `.pp` per `.tf`; component programs live in their folders, as Pulumi lays
            // them out.
            for component in &program.components {
                let output = pcl::emit_files(&component.program);
                diagnostics.extend(output.diagnostics);
                for (name, text) in output.files {
                    files.push(ProjectFile {
                        path: format!("{}/{name}", component.path),
                        text,
                    });
                }
            }
            let output = pcl::emit_files(program);
            let mut own: Vec<ProjectFile> = output
                .files
                .into_iter()
                .map(|(path, text)| ProjectFile { path, text })
                .collect();
            own.append(&mut files);
            files = own;
            (output.text, output.diagnostics)
        }
        Language::Python => {
            let (text, d) = python::emit(program);
            files.push(ProjectFile {
                path: language.main_file().to_string(),
                text: text.clone(),
            });
            let (component_files, component_diagnostics) = python::emit_components(program);
            diagnostics.extend(component_diagnostics);
            files.extend(component_files);
            (text, d)
        }
    };
    let (text, main_diagnostics) = main;
    diagnostics.extend(main_diagnostics);
    (text, diagnostics, files)
}

/// Token parts: `aws:s3/bucket:Bucket` → (`aws`, [`s3`], `Bucket`); `kubernetes:core/v1:Namespace` →
/// (`kubernetes`, [`core`, `v1`], `Namespace`). The `index` module is the package root.
pub fn split_token(token: &str) -> (&str, Vec<&str>, &str) {
    let mut parts = token.splitn(3, ':');
    let package = parts.next().unwrap_or_default();
    let module = parts.next().unwrap_or_default();
    let name = parts.next().unwrap_or_default();
    let mut segments: Vec<&str> = module.split('/').filter(|s| !s.is_empty()).collect();
    // Bridged tokens repeat the member name as the module's last segment (`s3/bucket`).
    if segments.len() > 1
        && segments
            .last()
            .is_some_and(|last| same_lower_first(last, name))
    {
        segments.pop();
    }
    if segments.as_slice() == ["index"] {
        segments.clear();
    }
    (package, segments, name)
}

fn same_lower_first(segment: &str, name: &str) -> bool {
    let mut a = segment.chars();
    let mut b = name.chars();
    match (a.next(), b.next()) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(&y) && a.eq(b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_into_module_paths() {
        assert_eq!(
            split_token("aws:s3/bucket:Bucket"),
            ("aws", vec!["s3"], "Bucket")
        );
        assert_eq!(
            split_token("aws:index/getCallerIdentity:getCallerIdentity"),
            ("aws", vec![], "getCallerIdentity")
        );
        assert_eq!(
            split_token("kubernetes:core/v1:Namespace"),
            ("kubernetes", vec!["core", "v1"], "Namespace")
        );
        assert_eq!(
            split_token("random:index/randomPet:RandomPet"),
            ("random", vec![], "RandomPet")
        );
    }
}
