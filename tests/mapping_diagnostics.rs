//! What the converter says when a type's token is not from the data: each known reason has its own
//! diagnostic code, and the token is still guessed so that the program is produced around it.

use hclconv::{convert, Example, Language, MappingCache};

const PROGRAM: &str = r#"
resource "datadog_monitor" "cpu" {
  name = "cpu"
}

resource "kubernetes_manifest" "crd" {
  manifest = {}
}

data "kubernetes_secret" "s" {
  metadata {
    name = "s"
  }
}

data "kubernetes_all_namespaces" "all" {}

resource "null_resource" "n" {
  triggers = { a = "b" }
}

resource "terraform_data" "d" {
  input = "x"
}

resource "aws_totally_new_service" "x" {}

resource "acme_widget" "w" {}

resource "akamai_nonexistent_thing" "a" {}
"#;

#[test]
fn every_reason_for_a_guess_has_its_code() {
    let cache = MappingCache::builtin();
    let example = Example::single("reasons", "main.tf", PROGRAM);
    let conversion = convert(&example, Language::Typescript, &cache);
    let find = |code: &str, needle: &str| {
        conversion
            .diagnostics
            .iter()
            .any(|d| d.code == code && d.message.contains(needle))
    };
    let all = format!("{:#?}", conversion.diagnostics);
    // datadog: the provider is known, its data is missing — not "unknown provider" or "unknown type".
    assert!(
        find("missing-mapping-data", "`datadog` is missing"),
        "{all}"
    );
    assert!(!find("unknown-type", "datadog"), "{all}");
    // `kubernetes_manifest` is a gap of the data, converted on purpose as a CustomResource.
    assert!(!find("mapping-gap", "kubernetes_manifest"), "{all}");
    assert!(
        conversion
            .output
            .text
            .contains("k8s.apiextensions.CustomResource"),
        "{}",
        conversion.output.text
    );
    // The data has no kubernetes data sources: one with a resource type of the same kind reads the
    // existing object with that type's `get`; one without (all namespaces) is said to have no equivalent.
    assert!(!find("mapping-gap", "kubernetes_secret"), "{all}");
    assert!(
        conversion.output.text.contains("Secret.get("),
        "{}",
        conversion.output.text
    );
    assert!(
        find("no-pulumi-equivalent", "kubernetes_all_namespaces"),
        "{all}"
    );
    assert!(find("no-pulumi-equivalent", "`null_resource`"), "{all}");
    assert!(find("no-pulumi-equivalent", "`terraform_data`"), "{all}");
    assert!(
        !find("unknown-provider", "`null`") && !find("unknown-provider", "`terraform`"),
        "{all}"
    );
    assert!(find("unknown-type", "aws_totally_new_service"), "{all}");
    assert!(find("unknown-provider", "`acme`"), "{all}");
    // Derived data (schema-only provider): a miss says the names are derived.
    assert!(find("mapping-gap", "derived"), "{all}");
    // The program is still produced, with guessed tokens.
    let output = format!("{:?}", conversion.output);
    assert!(output.contains("datadog"), "{output}");
    // Each provider is loaded once, datadog's failure included.
    let snapshot = cache.snapshot();
    assert!(snapshot.failures >= 2, "{snapshot:?}");
}
