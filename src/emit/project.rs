//! The files of a ready Pulumi project around a generated program: `Pulumi.yaml`, the program, and the
//! language's dependency manifest (`package.json` + `tsconfig.json`, `requirements.txt`).

use super::Language;
use crate::model::Program;
use serde::Serialize;
use std::fmt::Write;

const SDK_VERSIONS: &str = include_str!("sdk_versions.txt");

/// One file of a generated project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectFile {
    pub path: String,
    pub text: String,
}

/// The SDK version the mapping data describes for a Pulumi package (`aws` → `7.48.0`).
pub fn sdk_version(package: &str) -> Option<&'static str> {
    SDK_VERSIONS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
        .find(|(p, _)| *p == package)
        .map(|(_, v)| v.trim())
}

/// A project name Pulumi accepts (letters, digits, `-`, `_`, `.`), derived from the example id.
pub fn project_name(id: &str) -> String {
    let base = id.rsplit('/').find(|s| !s.is_empty()).unwrap_or(id);
    let base = base.strip_suffix(".tf").unwrap_or(base);
    let mut name: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    name = name.trim_matches(|c| c == '-' || c == '.').to_string();
    if name.is_empty() {
        name = "converted".to_string();
    }
    name
}

/// `Pulumi.yaml`, the program files and the dependency manifest, in a stable order.
pub fn project_files(
    id: &str,
    language: Language,
    program: &Program,
    program_files: Vec<ProjectFile>,
) -> Vec<ProjectFile> {
    let name = project_name(id);
    let mut files = vec![ProjectFile {
        path: "Pulumi.yaml".into(),
        text: pulumi_yaml(&name, language, program),
    }];
    let requirements = requirements_txt(program, &program_files);
    files.extend(program_files.iter().cloned());
    // Component programs bring their own packages; `std` is used by emitters for some functions.
    let mut all = program.packages.clone();
    for component in &program.components {
        all.extend(component.program.packages.iter().cloned());
    }
    if program_files
        .iter()
        .any(|f| f.text.contains("from \"@pulumi/std\"") || f.text.contains("import pulumi_std"))
    {
        all.insert("std".to_string());
    }
    let packages: Vec<&str> = all.iter().map(String::as_str).collect();
    match language {
        Language::Typescript => {
            files.push(ProjectFile {
                path: "package.json".into(),
                text: package_json(&name, &packages),
            });
            files.push(ProjectFile {
                path: "tsconfig.json".into(),
                text: TSCONFIG.into(),
            });
        }
        Language::Python => files.push(ProjectFile {
            path: "requirements.txt".into(),
            text: requirements,
        }),
        Language::Pcl => {}
    }
    files
}

fn pulumi_yaml(name: &str, language: Language, program: &Program) -> String {
    let runtime = match language {
        Language::Typescript => "nodejs",
        // A PCL program is what `pulumi convert` writes first; Pulumi's own tests mark it so.
        Language::Pcl => "terraform",
        // As `pulumi new python` writes it: pip installs requirements.txt into ./venv.
        Language::Python => {
            "\n    name: python\n    options:\n        toolchain: pip\n        virtualenv: venv"
        }
    };
    let separator = if runtime.starts_with('\n') { "" } else { " " };
    let mut out = format!(
        "name: {name}\nruntime:{separator}{runtime}\ndescription: Converted from Terraform by hclconv\n"
    );
    if !program.stack_config.is_empty() {
        out.push_str("config:\n");
        for (key, value) in &program.stack_config {
            let _ = writeln!(out, "    {}:", yaml_key(key));
            out.push_str("        value:");
            write_yaml(value, &mut out, 3);
        }
    }
    out
}

fn yaml_key(key: &str) -> String {
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-' | '.'))
    {
        key.to_string()
    } else {
        json_string(key)
    }
}

/// A JSON (and YAML-compatible) string literal.
pub fn json_string(text: &str) -> String {
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

/// `requirements.txt`: the Pulumi SDK, each package the program imports (`import pulumi_aws as aws`,
/// `pulumi_std` included when the program calls it) within its major version, and PyYAML when used.
fn requirements_txt(program: &Program, program_files: &[ProjectFile]) -> String {
    let mut packages: Vec<String> = program.packages.iter().cloned().collect();
    let mut yaml = false;
    for file in program_files.iter().filter(|f| f.path.ends_with(".py")) {
        for line in file.text.lines() {
            if line == "import yaml" {
                yaml = true;
            }
            let imported = line
                .strip_prefix("import pulumi_")
                .and_then(|rest| rest.split(" as ").next());
            if let Some(module) = imported {
                let package = program
                    .packages
                    .iter()
                    .find(|p| p.replace(|c: char| !c.is_ascii_alphanumeric(), "_") == module)
                    .cloned()
                    .unwrap_or_else(|| module.to_string());
                packages.push(package);
            }
        }
    }
    packages.sort();
    packages.dedup();
    let mut out = format!("pulumi{}\n", pip_range("pulumi"));
    for package in &packages {
        let _ = writeln!(out, "pulumi-{package}{}", pip_range(package));
    }
    if yaml {
        out.push_str("pyyaml>=6.0,<7.0\n");
    }
    out
}

/// `>=7.48.0,<8.0.0` from the table, or no bound for a package it does not know.
fn pip_range(package: &str) -> String {
    let Some(version) = sdk_version(package) else {
        return String::new();
    };
    let major = version
        .split('.')
        .next()
        .and_then(|m| m.parse::<u64>().ok());
    match major {
        Some(major) => format!(">={version},<{}.0.0", major + 1),
        None => format!(">={version}"),
    }
}

fn npm_range(package: &str) -> String {
    sdk_version(package).map_or_else(|| "latest".to_string(), |v| format!("^{v}"))
}

fn package_json(name: &str, packages: &[&str]) -> String {
    let mut deps = vec![("@pulumi/pulumi".to_string(), npm_range("pulumi"))];
    for package in packages {
        deps.push((format!("@pulumi/{package}"), npm_range(package)));
    }
    deps.sort();
    deps.dedup();
    let deps: Vec<String> = deps
        .iter()
        .map(|(p, v)| format!("        {}: {}", json_string(p), json_string(v)))
        .collect();
    format!(
        "{{\n    \"name\": {},\n    \"main\": \"index.ts\",\n    \"devDependencies\": {{\n        \"@types/node\": \"^20\",\n        \"typescript\": \"^5\"\n    }},\n    \"dependencies\": {{\n{}\n    }}\n}}\n",
        json_string(name),
        deps.join(",\n")
    )
}

const TSCONFIG: &str = r#"{
    "compilerOptions": {
        "strict": true,
        "outDir": "bin",
        "target": "es2020",
        "module": "commonjs",
        "moduleResolution": "node",
        "sourceMap": true,
        "experimentalDecorators": true,
        "pretty": true,
        "noFallthroughCasesInSwitch": true,
        "noImplicitReturns": true,
        "forceConsistentCasingInFileNames": true
    },
    "files": [
        "index.ts"
    ]
}
"#;

/// A constant expression as a YAML value after `key:` (scalars inline, collections indented).
fn write_yaml(value: &crate::model::Expr, out: &mut String, level: usize) {
    use crate::model::{Expr, ObjectKey};
    let indent = "    ".repeat(level);
    match value {
        Expr::Null => out.push_str(" null\n"),
        Expr::Bool(b) => {
            let _ = writeln!(out, " {b}");
        }
        Expr::Number(n) => {
            let _ = writeln!(out, " {n}");
        }
        Expr::String(s) => {
            let _ = writeln!(out, " {}", yaml_scalar(s));
        }
        Expr::List(items) if items.is_empty() => out.push_str(" []\n"),
        Expr::List(items) => {
            out.push('\n');
            for item in items {
                let _ = write!(out, "{indent}-");
                write_yaml(item, out, level + 1);
            }
        }
        Expr::Object(entries) if entries.is_empty() => out.push_str(" {}\n"),
        Expr::Object(entries) => {
            out.push('\n');
            for (key, item) in entries {
                let key = match key {
                    ObjectKey::Name(k) => yaml_key(k),
                    ObjectKey::Expr(_) => continue,
                };
                let _ = write!(out, "{indent}{key}:");
                write_yaml(item, out, level + 1);
            }
        }
        _ => out.push_str(" null\n"),
    }
}

/// A plain YAML scalar when that reads back as the same string, else a quoted one.
fn yaml_scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '/'))
        && !text.starts_with([' ', '-'])
        && !text.ends_with(' ')
        && text.parse::<f64>().is_err()
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        );
    if plain {
        text.to_string()
    } else {
        json_string(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_come_from_the_table() {
        assert_eq!(sdk_version("aws"), Some("7.48.0"));
        assert_eq!(sdk_version("gcp"), Some("9.37.0"));
        assert_eq!(sdk_version("nope"), None);
    }

    #[test]
    fn python_projects_pin_their_imports() {
        let program = Program {
            packages: ["aws".to_string(), "kubernetes".to_string()].into(),
            ..Program::default()
        };
        let main = ProjectFile {
            path: "__main__.py".into(),
            text: "import json\n\nimport pulumi\nimport pulumi_aws as aws\nimport pulumi_std as std\nimport yaml\n"
                .into(),
        };
        let files = project_files("demo", Language::Python, &program, vec![main]);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["Pulumi.yaml", "__main__.py", "requirements.txt"]);
        let yaml = &files[0].text;
        assert!(yaml.starts_with("name: demo\nruntime:\n    name: python\n    options:\n        toolchain: pip\n        virtualenv: venv\n"), "{yaml}");
        assert_eq!(
            files[2].text,
            "pulumi>=3.270.0,<4.0.0\npulumi-aws>=7.48.0,<8.0.0\npulumi-kubernetes>=4.32.0,<5.0.0\npulumi-std>=2.2.0,<3.0.0\npyyaml>=6.0,<7.0\n"
        );
    }

    #[test]
    fn project_names_are_sanitised() {
        assert_eq!(project_name("examples/S3 Site.tf"), "s3-site");
        assert_eq!(project_name("///"), "converted");
    }

    /// Every provider version in the table matches the mapping data it was taken from.
    #[test]
    fn versions_match_the_mapping_data() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/mappings/PROVIDERS.tsv"
        );
        let Ok(tsv) = std::fs::read_to_string(path) else {
            // Outside CI a checkout may live without ../shared; in CI that is an error.
            assert!(std::env::var_os("CI").is_none(), "{path} is missing");
            return;
        };
        for line in tsv.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (Some(provider), Some(describe)) = (cols.first(), cols.get(4)) else {
                continue;
            };
            if describe.is_empty() || *provider == "gcp" {
                continue; // gcp: pinned to the sdk-properties file's version instead
            }
            let version = describe.trim_start_matches('v').split('-').next();
            assert_eq!(sdk_version(provider), version, "{provider}");
        }
    }
}
