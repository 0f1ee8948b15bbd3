//! `hclconv`: the native command line over the same pipeline as the page.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use clap::{Parser, Subcommand};
use hclconv::{convert, Example, Language, MappingCache};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "hclconv",
    version,
    about = "Convert Terraform to Pulumi programs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert a Terraform file or directory and print the program and its diagnostics.
    Convert {
        /// A `.tf` file, or a directory holding a Terraform module.
        input: PathBuf,
        /// Target language.
        #[arg(long, short, default_value = "ts", value_parser = parse_language)]
        language: Language,
    },
}

fn parse_language(name: &str) -> Result<Language, String> {
    Language::parse(name).ok_or_else(|| format!("unknown language `{name}` (supported: ts)"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Convert { input, language } => match read_example(&input) {
            Ok(example) => {
                let cache = MappingCache::builtin();
                let conversion = convert(&example, language, &cache);
                print!("{}", conversion.output.text);
                for diagnostic in &conversion.diagnostics {
                    eprintln!("{diagnostic}");
                }
                if conversion.has_errors() {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
    }
}

/// A file becomes a one-file example; a directory contributes every file below it, by relative path.
fn read_example(input: &Path) -> Result<Example, String> {
    let metadata =
        std::fs::metadata(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let mut files = BTreeMap::new();
    if metadata.is_dir() {
        collect(input, input, &mut files)?;
    } else {
        let name = input
            .file_name()
            .map_or_else(|| "main.tf".into(), |n| n.to_string_lossy().into_owned());
        files.insert(name, read_text(input)?);
    }
    Ok(Example {
        id: input.display().to_string(),
        files,
    })
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            if !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                collect(root, &path, files)?;
            }
        } else if hclconv::input::is_terraform_path(&path.to_string_lossy()) {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            files.insert(
                relative.to_string_lossy().replace('\\', "/"),
                read_text(&path)?,
            );
        }
    }
    Ok(())
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))
}
