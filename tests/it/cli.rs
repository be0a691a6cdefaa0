//! The headless commands as a user runs them: real processes, real files.

use predicates::prelude::*;

use crate::common::{kam, root};

#[test]
fn check_passes_the_shipped_scenarios() {
    kam()
        .args(["check", "--runs", "50"])
        .assert()
        .success()
        .stdout(predicate::str::contains("merchandiser-first-round.ron: ok"))
        .stdout(predicate::str::contains("random play, 50 runs"))
        .stdout(predicate::str::contains(
            "players who never read the answers",
        ))
        .stdout(predicate::str::contains("scenarios/career.ron: ok"));
}

#[test]
fn check_fails_a_broken_file_with_a_located_message() {
    let bad = root().join("tests/fixtures/bad");
    let any = std::fs::read_dir(&bad).unwrap().count();
    assert!(
        any >= 25,
        "expected the bad-input fixtures in {}",
        bad.display()
    );
    kam()
        .args([
            "check",
            "--runs",
            "0",
            "tests/fixtures/bad/unknown-node-next.ron",
        ])
        .assert()
        .code(1)
        .stderr(
            predicate::str::is_match(r"tests/fixtures/bad/unknown-node-next\.ron:\d+:\d+").unwrap(),
        );
}

#[test]
fn check_json_lists_diagnostics_for_tools() {
    let out = kam()
        .args([
            "check",
            "--json",
            "--runs",
            "0",
            "tests/fixtures/bad",
            "scenarios",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let files = json.as_array().unwrap();
    assert!(files.len() > 25);
    let broken = files
        .iter()
        .filter(|f| f["errors"].as_u64().unwrap() > 0)
        .count();
    assert!(broken >= 20, "{broken} broken files");
    let d = files
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap())
        .find(|d| d["severity"] == "error")
        .unwrap();
    assert!(d["code"].as_str().unwrap().starts_with("KAM"));
    assert!(d["line"].as_u64().is_some() && d["column"].as_u64().is_some());
}

#[test]
fn usage_errors_exit_with_2() {
    kam().args(["check", "no/such/place"]).assert().code(2);
    kam()
        .args(["play", "docs/reference/reference-late-shipment.ron"])
        .assert()
        .code(2); // no --seed
    kam().args(["frobnicate"]).assert().code(2);
}

#[test]
fn play_json_is_one_object_and_the_same_every_time() {
    for policy in ["first", "random", "greedy"] {
        let run = || {
            kam()
                .args([
                    "play",
                    "docs/reference/reference-late-shipment.ron",
                    "--seed",
                    "42",
                    "--policy",
                    policy,
                    "--json",
                ])
                .assert()
                .success()
                .get_output()
                .stdout
                .clone()
        };
        let (a, b) = (run(), run());
        assert_eq!(a, b, "{policy}");
        let v: serde_json::Value = serde_json::from_slice(&a).unwrap();
        assert_eq!(v["scenario"], "reference-late-shipment");
        assert_eq!(v["seed"], 42);
        for s in ["loyalty", "stress", "priorities", "overall"] {
            assert!(v["scores"][s].as_u64().unwrap() <= 100, "{policy} {s}");
        }
        assert!(v["passed"].is_boolean());
        let decisions = v["decisions"].as_array().unwrap();
        assert!(!decisions.is_empty());
        for d in decisions {
            assert!(d["time"].as_str().unwrap().len() == 5);
            assert!(d["action"].is_object());
            assert!(d["feedback"].is_string());
        }
    }
}

#[test]
fn play_runs_a_script_and_reports_a_refused_step() {
    kam()
        .args([
            "play",
            "docs/reference/reference-late-shipment.ron",
            "--seed",
            "7",
            "--script",
            "docs/reference/reference-late-shipment.script.ron",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("PASSED"));
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("early.ron");
    std::fs::write(
        &script,
        r#"[(at: "09:05", do: Assign(task: "reroute-stock", to: "sergey"))]"#,
    )
    .unwrap();
    kam()
        .args([
            "play",
            "docs/reference/reference-late-shipment.ron",
            "--seed",
            "7",
            "--script",
        ])
        .arg(&script)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "step 1 at 09:05 was refused: task `reroute-stock` has not arrived yet",
        ));
}

#[test]
fn play_refuses_a_broken_scenario_with_its_diagnostics() {
    kam()
        .args([
            "play",
            "tests/fixtures/bad/unknown-node-next.ron",
            "--seed",
            "1",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown-node-next.ron:"));
}

#[test]
fn check_tells_scenarios_plans_scripts_and_unknown_files_apart() {
    let out = kam()
        .args(["check", "--runs", "0", "tests/fixtures/kinds"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    for line in [
        "tests/fixtures/kinds/shift.ron: ok",
        "tests/fixtures/kinds/shift.script.ron (play script): ok",
        "tests/fixtures/kinds/draft.ron (play script): ok",
        "tests/fixtures/kinds/notes.ron (unknown): ok, 1 warning(s)",
    ] {
        assert!(stdout.contains(line), "{line}:\n{stdout}");
    }
    assert!(stderr.contains("warning[KAM0053]"), "{stderr}");
    assert!(
        stderr.contains("a play script (`NAME.script.ron`"),
        "{stderr}"
    );
    // Nothing was read as a broken scenario.
    assert!(!stderr.contains("KAM0005"), "{stderr}");
}

#[test]
fn a_script_beside_its_scenario_that_does_not_play_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/fixtures/kinds/shift.ron"),
        dir.path().join("shift.ron"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("shift.script.ron"),
        "[\n    (at: \"09:05\", do: Assign(task: \"poster\", to: \"olga\")),\n]\n",
    )
    .unwrap();
    let out = kam()
        .args(["check", "--runs", "0"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[KAM0904]"), "{stderr}");
    assert!(
        stderr.contains("task `poster` has not arrived yet"),
        "{stderr}"
    );
    assert!(stderr.contains("shift.script.ron:2:5"), "{stderr}");
}

#[test]
fn new_writes_a_skeleton_in_either_language_that_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    for (id, lang) in [("first-try", "en"), ("pervaya-smena", "ru")] {
        kam()
            .args([
                "new",
                id,
                "--stage",
                "sales-manager",
                "--lang",
                lang,
                "--dir",
            ])
            .arg(dir.path())
            .assert()
            .success()
            .stdout(predicate::str::contains(format!("{id}.plans.ron")));
        let text = std::fs::read_to_string(dir.path().join(format!("{id}.ron"))).unwrap();
        assert!(text.contains(&format!("id: \"{id}\"")));
        assert!(text.contains("stage: SalesManager"));
        assert!(text.contains(&format!("language: \"{lang}\"")));
    }
    let out = kam()
        .args(["check", "--json", "--runs", "300"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for r in reports.as_array().unwrap() {
        assert_eq!(r["errors"], 0, "{r:#}");
        assert_eq!(r["warnings"], 0, "{r:#}");
        assert_eq!(r["plans"]["matched"], 3, "{r:#}");
        assert_eq!(r["greedy_passes"], true);
    }
    // It never overwrites, and says why an id is refused.
    kam()
        .args(["new", "first-try", "--stage", "merchandiser", "--dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    kam()
        .args(["new", "First Try", "--stage", "merchandiser", "--dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a shift id"));
}

#[test]
fn graph_draws_every_dialogue_answer_and_event_on_one_page() {
    let out = kam()
        .args(["graph", "tests/fixtures/judgement/initiative.ron"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for part in [
        "call-shop",
        "price",
        "value · Calm",
        "match · Placating · CRITICAL",
        "the trainee: “Call Nina Petrovna about the late delivery” while delay-known",
        "event 2 (at 10:00 ± 20)",
        "reply within 20 min; silence: loyalty -4",
        "shelf",
    ] {
        assert!(html.contains(part), "the page lacks {part:?}");
    }
    for outside in ["<script", "<link", "src=", "href=", "@import"] {
        assert!(!html.contains(outside), "the page loads nothing: {outside}");
    }
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
}
