//! `validate` plus the canonical parameters for a typical request, and `choices` for a form.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use rds_backup_core::{Context, Draft, Engine, StorageType, choices, validate};

fn typical() -> (Context, Draft) {
    let ctx = Context::new(Engine::MySql, StorageType::LocalSsd);
    let draft = Draft {
        db_instance_id: Some("rm-uf6wjk5xxxxxxx".into()),
        db_name: Some(vec!["orders".into(), "users".into()]),
        backup_strategy: Some("db".into()),
        backup_method: Some("Logical".into()),
        backup_type: None,
        backup_retention_period: Some(30),
    };
    (ctx, draft)
}

fn bench(c: &mut Criterion) {
    let (ctx, draft) = typical();
    c.bench_function("validate+params (MySQL logical, 2 databases)", |b| {
        b.iter(|| validate(black_box(&ctx), black_box(&draft)).map(|r| r.params()))
    });
    let mut refused = draft.clone();
    refused.backup_method = Some("Snapshot".into());
    c.bench_function("validate (refused, with messages)", |b| {
        b.iter(|| validate(black_box(&ctx), black_box(&refused)).is_err())
    });
    c.bench_function("choices (all fields)", |b| {
        b.iter(|| choices(black_box(&ctx), black_box(&draft)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
