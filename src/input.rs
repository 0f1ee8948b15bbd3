//! The unit of conversion: one example, a small set of files (path → text).

use serde::Deserialize;
use std::collections::BTreeMap;

/// One Terraform example. Files at the top level (no `/` in the path) form the root module; files in
/// folders are reachable by `module` sources, `file()` and `path.module`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Example {
    pub id: String,
    pub files: BTreeMap<String, String>,
}

impl Example {
    pub fn single(id: impl Into<String>, path: impl Into<String>, text: impl Into<String>) -> Self {
        let mut files = BTreeMap::new();
        files.insert(path.into(), text.into());
        Example {
            id: id.into(),
            files,
        }
    }

    /// The files of the root module that hold Terraform, in path order.
    pub fn root_terraform_files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .filter(|(path, _)| !path.contains('/') && is_terraform_path(path))
            .map(|(p, t)| (p.as_str(), t.as_str()))
    }
}

pub fn is_terraform_path(path: &str) -> bool {
    path.ends_with(".tf") || path.ends_with(".tf.json")
}
