//! Regenerates the embedded mapping tables: `scripts/gen-mappings [MAPPINGS_DIR [OUT_DIR]]`.
//! Defaults: `../shared/mappings` → `src/mapping/data`. See `generate.rs` for what is read and how.

mod field_types;
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = std::env::args().skip(1);
    let mappings = args
        .next()
        .map_or_else(|| root.join("../shared/mappings"), PathBuf::from);
    let out = args
        .next()
        .map_or_else(|| root.join("src/mapping/data"), PathBuf::from);
    let generated = match generate::generate(&mappings, &root.join("src/mapping/sdk-types")) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("gen-mappings: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = generate::write(&generated, &out) {
        eprintln!("gen-mappings: {e}");
        return ExitCode::FAILURE;
    }
    let mut total = 0;
    for t in &generated.tables {
        let mut bytes = 0;
        if let Some(text) = &t.text {
            // Read back what was written: the blob must inflate to the table.
            let path = out.join(format!("{}.bin", t.provider));
            let blob = std::fs::read(&path).unwrap_or_default();
            if generate::inflate(&blob).as_deref() != Ok(text.as_str()) {
                eprintln!("gen-mappings: {} does not read back", path.display());
                return ExitCode::FAILURE;
            }
            bytes = blob.len();
        }
        total += bytes;
        println!(
            "{:<16} {:<16} {:>5} resources {:>5} data sources {:>6} fields {:>8} bytes  {}",
            t.provider, t.package, t.resources, t.data_sources, t.fields, bytes, t.source
        );
    }
    for (folder, reason) in &generated.skipped {
        println!("{folder:<16} skipped: {reason}");
    }
    println!(
        "{} tables, {total} compressed bytes in {}",
        generated.tables.len(),
        out.display()
    );
    ExitCode::SUCCESS
}
