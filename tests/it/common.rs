//! Helpers shared by the test modules.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kam_trainer::scenario::{Resolved, load_path, load_str};

/// The crate's root, where `scenarios/` and `tests/fixtures/` live.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A shipped scenario, checked.
pub fn shipped(name: &str) -> Arc<Resolved> {
    let path = root().join("scenarios").join(name);
    let loaded = load_path(&path);
    loaded.resolved.clone().unwrap_or_else(|| {
        panic!(
            "{} should be valid:\n{}",
            path.display(),
            loaded.render_diagnostics()
        )
    })
}

/// The format's conformance file (a copy of `../shared/scenario-format/
/// reference.ron`), checked. It is not part of the course.
pub fn reference() -> Arc<Resolved> {
    let path = root().join(REFERENCE);
    let loaded = load_path(&path);
    loaded.resolved.clone().unwrap_or_else(|| {
        panic!(
            "{} should be valid:\n{}",
            path.display(),
            loaded.render_diagnostics()
        )
    })
}

/// Where the reference scenario lives, relative to the crate's root.
pub const REFERENCE: &str = "docs/reference/reference-late-shipment.ron";

/// A scenario written inline in a test, checked.
pub fn inline(src: &str) -> Arc<Resolved> {
    let loaded = load_str(Path::new("inline.ron"), src);
    loaded.resolved.clone().unwrap_or_else(|| {
        panic!(
            "inline scenario should be valid:\n{}",
            loaded.render_diagnostics()
        )
    })
}

/// A small shift to test one rule at a time: one regular client, a designer
/// with `hours`, and whatever tasks, events and dialogues the test adds.
pub fn small(hours: &str, tasks: &str, events: &str, dialogues: &str) -> Arc<Resolved> {
    inline(&format!(
        r#"Scenario(
    id: "small", title: "Small", stage: Merchandiser,
    shift: (start: "09:00", end: "13:00"),
    trainee: (stress: 20, burnout_at: 95, hours: 1),
    clients: [(id: "shop", name: "Shop", tier: Regular, segment: B2C, loyalty: 50, churn_below: 10, weight: 1)],
    team: [(id: "olga", name: "Olga", role: "designer", hours: {hours})],
    tasks: [{tasks}],
    events: [{events}],
    dialogues: [{dialogues}],
)"#
    ))
}

/// FNV-1a, 64 bits: a stable hash for golden values.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
