//! The `hclconv` command line: projects written per input, bad inputs reported while the others
//! still convert, diagnostics with excerpts or as JSON, and the exit code.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn hclconv(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hclconv"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const GOOD: &str =
    "resource \"random_pet\" \"p\" {}\noutput \"name\" {\n  value = random_pet.p.id\n}\n";

#[test]
fn converts_directories_into_projects_and_reports_bad_inputs() {
    let root = scratch("cli-projects");
    let good = root.join("good");
    std::fs::create_dir_all(good.join("modules/m")).unwrap();
    std::fs::write(
        good.join("main.tf"),
        "module \"m\" {\n  source = \"./modules/m\"\n}\n",
    )
    .unwrap();
    std::fs::write(good.join("modules/m/main.tf"), GOOD).unwrap();
    let binary = root.join("binary.tf");
    std::fs::write(&binary, [0u8, 1, 2, 3]).unwrap();
    let huge = root.join("huge.tf");
    std::fs::write(&huge, vec![b'#'; 5 * 1024 * 1024]).unwrap();
    let out = root.join("out");
    let (code, _, stderr) = hclconv(&[
        "convert",
        good.to_str().unwrap(),
        binary.to_str().unwrap(),
        huge.to_str().unwrap(),
        root.join("missing").to_str().unwrap(),
        "--language",
        "pcl",
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "2",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("is a binary file"), "{stderr}");
    assert!(stderr.contains("bytes; files above"), "{stderr}");
    assert!(
        stderr.contains("cannot read") && stderr.contains("missing"),
        "{stderr}"
    );
    let project = out.join("good");
    let main = std::fs::read_to_string(project.join("main.pp")).unwrap();
    assert!(main.contains("component \"m\" \"./modules/m\""), "{main}");
    let component = std::fs::read_to_string(project.join("modules/m/main.pp")).unwrap();
    assert!(
        component.contains("random:index/randomPet:RandomPet"),
        "{component}"
    );
    assert!(project.join("Pulumi.yaml").exists());
}

#[test]
fn prints_excerpts_and_json() {
    let root = scratch("cli-diagnostics");
    let bad = root.join("bad.tf");
    std::fs::write(
        &bad,
        "resource \"random_pet\" \"p\" {\n  length = {{oops}}\n}\n",
    )
    .unwrap();
    let (code, _, stderr) = hclconv(&["convert", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("bad.tf:2:"), "{stderr}");
    assert!(stderr.contains("   2 |   length = {{oops}}"), "{stderr}");
    assert!(stderr.contains('^'), "{stderr}");

    let good = root.join("good.tf");
    std::fs::write(&good, GOOD).unwrap();
    let (code, stdout, _) = hclconv(&["convert", good.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.trim_start().starts_with('['), "{stdout}");
    assert!(
        stdout.contains("\"program\": \"import * as pulumi"),
        "{stdout}"
    );

    let (code, stdout, _) = hclconv(&["convert", good.to_str().unwrap(), "-l", "ts"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("new random.RandomPet(\"p\""), "{stdout}");
}

#[test]
fn user_mapping_files_name_the_tokens() {
    let mapping = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/pulumi-tests/pct__support_mappings/simple.json");
    if !mapping.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing",
            mapping.display()
        );
        return;
    }
    let root = scratch("cli-mappings");
    let input = root.join("main.tf");
    std::fs::write(
        &input,
        "resource \"simple_resource\" \"a\" {\n  input_one = \"x\"\n}\n",
    )
    .unwrap();
    let (code, stdout, stderr) = hclconv(&[
        "convert",
        input.to_str().unwrap(),
        "-l",
        "pcl",
        "--mappings",
        mapping.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\"simple:index:resource\""), "{stdout}");
    let broken = root.join("broken.json");
    std::fs::write(&broken, "{ not json").unwrap();
    let (code, _, stderr) = hclconv(&[
        "convert",
        input.to_str().unwrap(),
        "--mappings",
        broken.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("broken.json"), "{stderr}");
}
