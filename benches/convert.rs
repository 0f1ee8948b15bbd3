//! Parse, parse+lower (model) and emit per language on small, medium and large real files from
//! `../shared/corpus`: `cargo bench --bench convert`. The files are picked by size from the corpus
//! manifest (the smallest, the median and the largest whole `.tf` file), so the set is reproducible.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hclconv::model::lower_example;
use hclconv::{emit::emit, parse::parse_file, Example, Language, MappingCache};
use std::hint::black_box;
use std::path::Path;

fn sample_files() -> Vec<(&'static str, String, String)> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        eprintln!("../shared/corpus not found: using a built-in example");
        let text = "resource \"random_pet\" \"p\" {}\noutput \"n\" { value = random_pet.p.id }\n";
        return vec![("small", "builtin.tf".into(), text.into())];
    };
    let mut files: Vec<(usize, String)> = manifest
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let (kind, path, bytes) = (cols.get(2)?, cols.get(3)?, cols.get(5)?);
            (*kind == "tf").then(|| (bytes.parse().unwrap_or(0), path.to_string()))
        })
        .filter(|(bytes, _)| *bytes > 200)
        .collect();
    files.sort();
    let pick = |i: usize| files.get(i).cloned().unwrap_or_default();
    let picks = [
        ("small", pick(0)),
        ("medium", pick(files.len() / 2)),
        ("large", pick(files.len().saturating_sub(1))),
    ];
    picks
        .into_iter()
        .filter_map(|(label, (_, path))| {
            let text = std::fs::read_to_string(corpus.join(&path)).ok()?;
            Some((label, path, text))
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let cache = MappingCache::builtin();
    for (label, path, text) in sample_files() {
        let mut group = c.benchmark_group(format!("{label} ({} bytes)", text.len()));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("parse", |b| {
            b.iter(|| parse_file(black_box("main.tf"), black_box(&text)))
        });
        let example = Example::single(path.clone(), "main.tf", text.clone());
        group.bench_function("parse+lower", |b| {
            b.iter(|| lower_example(black_box(&example), &cache))
        });
        let (program, _) = lower_example(&example, &cache);
        for &language in Language::ALL {
            group.bench_with_input(BenchmarkId::new("emit", language), &program, |b, p| {
                b.iter(|| emit(black_box(p), language, "bench"))
            });
            group.bench_with_input(BenchmarkId::new("convert", language), &example, |b, e| {
                b.iter(|| hclconv::convert(black_box(e), language, &cache))
            });
        }
        group.finish();
    }
}

criterion_group!(convert_benches, benches);
criterion_main!(convert_benches);
