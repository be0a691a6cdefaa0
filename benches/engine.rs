//! The costs the issue sets targets for: loading and validating the
//! reference scenario, one full playthrough, and `check`'s Monte Carlo.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use kam_trainer::engine::policy::{Policy, autoplay};
use kam_trainer::scenario::load_str;
use kam_trainer::scoring::assess::assess;
use kam_trainer::scoring::monte_carlo::{PlanCache, monte_carlo};

const REFERENCE: &str = include_str!("../docs/reference/reference-late-shipment.ron");

fn benches(c: &mut Criterion) {
    let path = Path::new("docs/reference/reference-late-shipment.ron");
    c.bench_function("load+validate reference", |b| {
        b.iter(|| load_str(path, std::hint::black_box(REFERENCE)))
    });
    let resolved = load_str(path, REFERENCE)
        .resolved
        .expect("the reference scenario is valid");
    c.bench_function("playthrough reference (random policy)", |b| {
        let mut seed = 0;
        b.iter(|| {
            seed += 1;
            autoplay(Arc::clone(&resolved), seed, Policy::Random).outcome()
        })
    });
    c.bench_function("playthrough + scoring reference (random policy)", |b| {
        let mut seed = 0;
        b.iter(|| {
            seed += 1;
            let outcome = autoplay(Arc::clone(&resolved), seed, Policy::Random).outcome();
            assess(&resolved, &outcome)
        })
    });
    let mut group = c.benchmark_group("monte carlo");
    group.sample_size(10);
    group.bench_function("1000 random runs of reference", |b| {
        b.iter(|| {
            monte_carlo(
                &resolved,
                Policy::Random,
                1000,
                1,
                &mut PlanCache::default(),
                || (),
            )
        })
    });
    group.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
