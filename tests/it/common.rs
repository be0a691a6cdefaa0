//! Helpers shared by the test modules.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use kam_trainer::engine::Shift;
use kam_trainer::engine::policy::{Policy, autoplay};
use kam_trainer::record::RunRecord;
use kam_trainer::scenario::{Resolved, load_path, load_str};
use kam_trainer::scoring::assess::assess;

/// The crate's root, where `scenarios/` and `tests/fixtures/` live.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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

/// The built binary, run from the crate's root with none of the
/// environment variables that would change what it reads or writes.
pub fn kam() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(binary());
    cmd.current_dir(root());
    for var in [
        "KAM_TRAINER_DATA",
        "KAM_TRAINER_XAPI_HOMEPAGE",
        "KAM_TRAINER_XAPI_BASE",
        kam_trainer::files::SLOW_SAVE_ENV,
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Where the built binary is, for tests that start and kill it themselves.
pub fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("kam-trainer")
}

/// The run record of a shift played on the scenario file at `path`.
pub fn record(
    trainee: &str,
    path: &Path,
    shift: &Shift,
    started: Timestamp,
    finished: Timestamp,
) -> RunRecord {
    let bytes = std::fs::read(path).unwrap();
    let loaded = load_path(path);
    let resolved = loaded.resolved.clone().expect("the scenario is valid");
    let outcome = shift.outcome();
    let assessment = assess(&resolved, &outcome);
    RunRecord::new(
        trainee,
        loaded.scenario.as_ref().unwrap(),
        &bytes,
        outcome,
        &assessment,
        started,
        finished,
    )
}

/// The run record of the scenario at `path` played by a policy.
pub fn policy_run(
    trainee: &str,
    path: &Path,
    seed: u64,
    policy: Policy,
    started: Timestamp,
    finished: Timestamp,
) -> RunRecord {
    let resolved = load_path(path).resolved.expect("the scenario is valid");
    let shift = autoplay(resolved, seed, policy);
    record(trainee, path, &shift, started, finished)
}
