//! User-supplied mapping files (Pulumi's `MarshallableProviderInfo` JSON) from
//! `../shared/mappings/_pulumi-converter-testdata` and `../shared/pulumi-tests/pct__support_mappings`:
//! each parses with what it says, and a registered file is what the converter uses (it wins over the
//! embedded data). Skipped with a message when `../shared` is not beside the repository.

use hclconv::mapping::user::parse_marshallable_file;
use hclconv::mapping::{property_name, FieldMapping, MappingSource, ProviderMapping, TypeKind};
use hclconv::{convert, Example, Language};
use std::path::{Path, PathBuf};

fn shared(dir: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(dir);
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("{} not found: skipped", path.display());
        None
    }
}

const DIRS: [&str; 2] = [
    "mappings/_pulumi-converter-testdata",
    "pulumi-tests/pct__support_mappings",
];

/// The file from every directory that has it (at least one must, when `../shared` is there).
fn load(file: &str) -> Vec<ProviderMapping> {
    let found: Vec<ProviderMapping> = DIRS
        .iter()
        .filter_map(|d| shared(d))
        .map(|d| d.join(file))
        .filter(|p| p.exists())
        .map(|p| {
            let json = std::fs::read_to_string(&p).expect("readable");
            parse_marshallable_file(file, &json).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect();
    let shared_present = DIRS.iter().any(|d| shared(d).is_some());
    assert!(!found.is_empty() || !shared_present, "{file} not found");
    found
}

fn token(m: &ProviderMapping, kind: TypeKind, tf_type: &str) -> String {
    m.lookup(kind, tf_type)
        .map(|t| t.token.clone())
        .unwrap_or_default()
}

fn field<'m>(
    m: &'m ProviderMapping,
    kind: TypeKind,
    tf_type: &str,
    path: &[&str],
) -> Option<&'m FieldMapping> {
    let mut fields = &m.lookup(kind, tf_type)?.fields;
    let mut found = None;
    for step in path {
        let f = fields.get(*step)?;
        fields = &f.fields;
        found = Some(f);
    }
    found
}

#[test]
fn simple() {
    for m in load("simple.json") {
        assert_eq!(
            (m.provider.as_str(), m.package.as_str()),
            ("simple", "simple")
        );
        assert_eq!(
            token(&m, TypeKind::Resource, "simple_resource"),
            "simple:index:resource"
        );
        assert_eq!(
            token(&m, TypeKind::Resource, "simple_another_resource"),
            "simple:index:anotherResource"
        );
        assert_eq!(
            token(&m, TypeKind::DataSource, "simple_data_source"),
            "simple:index:dataSource"
        );
    }
}

#[test]
fn max_items_one() {
    for m in load("maxItemsOne.json") {
        assert_eq!(m.provider, "maxItemsOne");
        // The resource's `maxItemsOne: false` overrides `maxItems: 1`; the data source keeps it.
        let resource = field(&m, TypeKind::Resource, "maxItemsOne_resource", &["aliases"]);
        assert_eq!(resource.and_then(|f| f.max_items_one), Some(false));
        let data = field(
            &m,
            TypeKind::DataSource,
            "maxItemsOne_datasource",
            &["aliases"],
        );
        assert_eq!(data.and_then(|f| f.max_items_one), Some(true));
        let inner = field(
            &m,
            TypeKind::Resource,
            "maxItemsOne_resource",
            &["innerResource", "someInput"],
        );
        assert!(inner.is_some());
    }
}

#[test]
fn renames() {
    for m in load("renames.json") {
        for kind in [TypeKind::Resource, TypeKind::DataSource] {
            let tf_type = match kind {
                TypeKind::Resource => "renames_resource",
                TypeKind::DataSource => "renames_data_source",
            };
            let name = |path: &[&str]| field(&m, kind, tf_type, path).and_then(|f| f.name.clone());
            assert_eq!(name(&["a_number"]).as_deref(), Some("theNumber"));
            assert_eq!(name(&["a_resource"]).as_deref(), Some("theResource"));
            assert_eq!(
                name(&["a_resource", "inner_string"]).as_deref(),
                Some("theInnerString")
            );
            // `element` (not `elem`) carries the list elements' fields.
            assert_eq!(name(&["a_list", "inner_number"]).as_deref(), Some("number"));
            assert_eq!(name(&["result"]).as_deref(), Some("myResult"));
            let a_list = field(&m, kind, tf_type, &["a_list"]);
            assert_eq!(a_list.and_then(|f| f.max_items_one), Some(false));
        }
    }
}

#[test]
fn tfe() {
    for m in load("tfe.json") {
        assert_eq!(m.provider, "tfe");
        assert!(m.resources.len() >= 50 && m.data_sources.len() >= 30);
        assert_eq!(
            token(&m, TypeKind::Resource, "tfe_workspace"),
            "tfe:index/workspace:Workspace"
        );
        // `typeomitempty` is accepted; `id` is renamed.
        let id = field(&m, TypeKind::Resource, "tfe_agent_pool", &["id"]);
        assert_eq!(id.and_then(|f| f.name.as_deref()), Some("agentPoolId"));
        let ids = field(
            &m,
            TypeKind::Resource,
            "tfe_agent_pool_allowed_projects",
            &["allowed_project_ids"],
        );
        assert_eq!(ids.and_then(|f| f.max_items_one), Some(false));
    }
}

#[test]
fn assets_blocks_complex_configured_helm() {
    for m in load("assets.json") {
        assert_eq!(
            token(&m, TypeKind::Resource, "assets_resource"),
            "assets:index:resource"
        );
        assert!(field(&m, TypeKind::Resource, "assets_resource", &["source"]).is_some());
    }
    for m in load("blocks.json") {
        let inner = field(
            &m,
            TypeKind::Resource,
            "blocks_resource",
            &["a_list_of_resources", "inner_resource"],
        );
        assert_eq!(inner.and_then(|f| f.max_items_one), Some(false));
        let map = field(
            &m,
            TypeKind::Resource,
            "blocks_resource",
            &["a_map_of_resources"],
        );
        // A map of resources is one object in Pulumi: max-items-one in effect, fields named.
        assert_eq!(map.and_then(|f| f.max_items_one), Some(true));
        assert_eq!(
            token(&m, TypeKind::DataSource, "blocks_data_source"),
            "blocks:index/index:dataSource"
        );
    }
    for m in load("complex.json") {
        let one = field(
            &m,
            TypeKind::Resource,
            "complex_resource",
            &["inner_list_object"],
        );
        assert_eq!(one.and_then(|f| f.max_items_one), Some(true));
        let ints = field(
            &m,
            TypeKind::Resource,
            "complex_resource",
            &["a_list_of_int"],
        );
        assert_eq!(
            property_name("a_list_of_int", ints, |_| false),
            "aListOfInts"
        );
    }
    for m in load("configured.json") {
        assert_eq!(
            token(&m, TypeKind::Resource, "configured_resource"),
            "configured:index:resource"
        );
    }
    for m in load("helm.json") {
        assert_eq!(
            (m.provider.as_str(), m.package.as_str()),
            ("helm", "kubernetes")
        );
        let hooks = field(
            &m,
            TypeKind::Resource,
            "helm_release",
            &["disable_crd_hooks"],
        );
        assert_eq!(
            hooks.and_then(|f| f.name.as_deref()),
            Some("disableCRDHooks")
        );
    }
    // Every file of both directories is covered above.
    for dir in DIRS.iter().filter_map(|d| shared(d)) {
        for entry in std::fs::read_dir(&dir).expect("dir").filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().to_string();
            assert!(
                [
                    "simple.json",
                    "maxItemsOne.json",
                    "renames.json",
                    "tfe.json",
                    "assets.json",
                    "blocks.json",
                    "complex.json",
                    "configured.json",
                    "helm.json"
                ]
                .contains(&name.as_str())
                    || !name.ends_with(".json"),
                "no test for {name}"
            );
        }
    }
}

#[test]
fn registered_files_drive_the_conversion() {
    let Some(dir) = shared("pulumi-tests") else {
        return;
    };
    let json = std::fs::read_to_string(dir.join("pct__support_mappings/renames.json"))
        .expect("renames.json");
    let cache = MappingSource::embedded()
        .with_user_file("renames.json", &json)
        .expect("valid")
        .into_cache();
    let main = std::fs::read_to_string(dir.join("pct__rename_lists/main.tf")).expect("main.tf");
    let conversion = convert(
        &Example::single("rename_lists", "main.tf", main),
        Language::Typescript,
        &cache,
    );
    let text = format!("{:?}", conversion.output);
    assert!(text.contains("theList"), "{text}");
    assert!(text.contains("number: 1"), "{text}");
    assert!(
        !conversion
            .diagnostics
            .iter()
            .any(|d| d.code == "unknown-provider"),
        "{:?}",
        conversion.diagnostics
    );
    // The user file loaded through the cache like embedded data.
    assert_eq!(cache.snapshot().loads, 1);
}
