//! This engine against bladeink on the same synthetic negotiation graph:
//! loading (with validation, for this engine) and one first-answer
//! playthrough, for 50 and 200 nodes. Criterion times each; then both
//! engines are sampled in turn, batch by batch in one loop, and the medians
//! and their ratio are printed, so machine noise hits both alike.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bladeink::story::Story;
use criterion::{Criterion, criterion_group, criterion_main};
use peers::{ink_json, load_scenario, play_ink, play_kam, same_path, scenario_ron};

const SIZES: [usize; 2] = [50, 200];

/// One graph in both formats, loaded in both engines, checked to walk the
/// same path before anything is timed.
struct Graph {
    ron: String,
    json: String,
    scenario: std::sync::Arc<kam_trainer::scenario::Resolved>,
    story: Story,
}

impl Graph {
    fn of(nodes: usize) -> Graph {
        let ron = scenario_ron(nodes);
        let json = ink_json(nodes);
        let scenario = load_scenario(&ron);
        let mut story = Story::new(&json).expect("the ink loads");
        same_path(nodes, &scenario, &mut story).expect("both engines walk the same path");
        Graph {
            ron,
            json,
            scenario,
            story,
        }
    }
}

fn criterion_benches(c: &mut Criterion) {
    for nodes in SIZES {
        let Graph {
            ron,
            json,
            scenario,
            mut story,
        } = Graph::of(nodes);

        let mut group = c.benchmark_group(format!("playthrough {nodes} nodes"));
        group.bench_function("kam-trainer", |b| b.iter(|| play_kam(black_box(&scenario))));
        group.bench_function("bladeink", |b| b.iter(|| play_ink(black_box(&mut story))));
        group.finish();

        let mut group = c.benchmark_group(format!("load {nodes} nodes"));
        group.bench_function("kam-trainer load+validate", |b| {
            b.iter(|| load_scenario(black_box(&ron)))
        });
        group.bench_function("bladeink load", |b| {
            b.iter(|| Story::new(black_box(&json)).expect("the ink loads"))
        });
        group.finish();
    }
}

/// Median time of one call of `a` and of `b`, sampled in turn.
fn side_by_side(mut a: impl FnMut(), mut b: impl FnMut()) -> (Duration, Duration) {
    // Batches of about a millisecond each, sized from a first call.
    let batch = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        (Duration::from_millis(1).as_nanos() / t.elapsed().as_nanos().max(1)).clamp(1, 10_000)
            as u32
    };
    let (na, nb) = (batch(&mut a), batch(&mut b));
    let mut sa = Vec::new();
    let mut sb = Vec::new();
    for _ in 0..201 {
        let t = Instant::now();
        for _ in 0..na {
            a();
        }
        sa.push(t.elapsed() / na);
        let t = Instant::now();
        for _ in 0..nb {
            b();
        }
        sb.push(t.elapsed() / nb);
    }
    sa.sort();
    sb.sort();
    (sa[sa.len() / 2], sb[sb.len() / 2])
}

fn summary(_: &mut Criterion) {
    println!("\nside by side, medians of 201 alternating batches:");
    println!(
        "{:<28} {:>14} {:>14} {:>9}",
        "", "kam-trainer", "bladeink", "ratio"
    );
    for nodes in SIZES {
        let Graph {
            ron,
            json,
            scenario,
            mut story,
        } = Graph::of(nodes);
        let (kam, ink) = side_by_side(
            || {
                black_box(play_kam(black_box(&scenario)));
            },
            || {
                black_box(play_ink(black_box(&mut story)));
            },
        );
        row(&format!("playthrough, {nodes} nodes"), kam, ink, "faster");
        let (kam, ink) = side_by_side(
            || {
                black_box(load_scenario(black_box(&ron)));
            },
            || {
                black_box(Story::new(black_box(&json)).expect("the ink loads"));
            },
        );
        row(&format!("load, {nodes} nodes"), kam, ink, "faster");
    }
}

fn row(what: &str, kam: Duration, ink: Duration, _: &str) {
    println!(
        "{what:<28} {:>11.1} µs {:>11.1} µs {:>8.2}×",
        kam.as_secs_f64() * 1e6,
        ink.as_secs_f64() * 1e6,
        ink.as_secs_f64() / kam.as_secs_f64()
    );
}

criterion_group!(peers, criterion_benches, summary);
criterion_main!(peers);
