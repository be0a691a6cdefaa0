//! Test plans (`NAME.plans.ron`): `check` plays them and reports, at their
//! place in the plans file, every plan whose verdict differs from `expect`
//! and every step the shift refuses.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kam_trainer::engine::script::run_script;
use kam_trainer::scenario::{Code, Severity, collect_scenario_files, load_path};
use kam_trainer::scoring::assess::assess;
use kam_trainer::scoring::plans::{
    Expect, PLAN_SEEDS, load_plans, load_plans_str, plans_path, play_plans, scenario_path,
};

use crate::common::{kam, reference, root};

fn fixture(case: &str) -> String {
    format!("tests/fixtures/plans/{case}")
}

/// `check --runs 0` on one fixture folder: exit code, stdout, stderr.
fn check(case: &str) -> (i32, String, String) {
    let out = kam()
        .args(["check", "--runs", "0", &fixture(case)])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// 1-based line and column of the first occurrence of `needle` in a
/// fixture file, plus `shift` characters.
fn position_of(file: &str, needle: &str, shift: usize) -> (usize, usize) {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in {file}"));
    let line = text[..at].matches('\n').count() + 1;
    let column = at - text[..at].rfind('\n').map_or(0, |nl| nl + 1) + 1 + shift;
    (line, column)
}

#[test]
fn plans_that_match_are_silent() {
    let (code, stdout, stderr) = check("passing");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "", "a matching plan reports nothing");
    assert!(
        stdout.contains("2 of 2 ran, 2 matched their expectation"),
        "{stdout}"
    );
    assert!(stdout.contains("shift.ron: ok"), "{stdout}");
}

#[test]
fn a_plan_expected_to_pass_that_fails_is_kam0903_at_its_name() {
    let (code, stdout, stderr) = check("wrong-expectation");
    assert_eq!(code, 1, "{stderr}");
    let file = fixture("wrong-expectation/shift.plans.ron");
    let (line, column) = position_of(&file, "\"snaps at the client\"", 0);
    assert!(stderr.contains("error[KAM0903]"), "{stderr}");
    assert!(
        stderr.contains(&format!("{file}:{line}:{column}")),
        "expected {file}:{line}:{column} in\n{stderr}"
    );
    for part in [
        "plan \"snaps at the client\" is expected to pass but the shift failed",
        "(below the pass mark 50)",
        "Tells the owner off, then hands the poster to Olga.",
        "help: this line of play should win",
    ] {
        assert!(stderr.contains(part), "{part} in\n{stderr}");
    }
    assert!(
        !stderr.contains("\"calm and delegating\""),
        "the matching plan stays silent:\n{stderr}"
    );
    assert!(
        stdout.contains("2 of 2 ran, 1 matched their expectation"),
        "{stdout}"
    );
    assert!(stdout.contains("1 error(s)"), "{stdout}");
}

#[test]
fn a_refused_step_is_kam0904_at_the_step() {
    let (code, stdout, stderr) = check("refused-step");
    assert_eq!(code, 1, "{stderr}");
    let file = fixture("refused-step/shift.plans.ron");
    let (line, column) = position_of(&file, "(at: \"09:05\"", 0);
    assert!(stderr.contains("error[KAM0904]"), "{stderr}");
    assert!(
        stderr.contains(&format!("{file}:{line}:{column}")),
        "expected {file}:{line}:{column} in\n{stderr}"
    );
    assert!(
        stderr.contains(
            "plan \"too early\", step 2 at 09:05 was refused: task `poster` has not arrived yet"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains("KAM0903"),
        "no verdict without a finished run"
    );
    assert!(stdout.contains("0 of 1 ran"), "{stdout}");
}

#[test]
fn a_broken_plans_file_is_reported_where_ron_stopped() {
    let (code, stdout, stderr) = check("broken");
    assert_eq!(code, 1, "{stderr}");
    let file = fixture("broken/shift.plans.ron");
    let (line, column) = position_of(&file, "Asign", 0);
    assert!(
        stderr.contains("error[KAM0008]: unknown variant `Asign`"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{file}:{line}:{column}")),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `Assign`?"), "{stderr}");
    assert!(
        stdout.contains("not played: the plans file has errors"),
        "{stdout}"
    );
}

#[test]
fn a_plans_file_that_is_not_a_list_says_so() {
    let file = load_plans_str(Path::new("x.plans.ron"), "// old\nScenario(id: \"x\")\n");
    assert!(file.plans.is_empty());
    let d = &file.diagnostics[0];
    assert_eq!(d.severity, Severity::Error);
    assert_eq!((d.line, d.column), (2, 1));
    assert!(d.message.contains("one list of plans"), "{}", d.message);

    let file = load_plans_str(
        Path::new("x.plans.ron"),
        "[(name: \"a\", seed: 1, expect: Pass, steps: [])] extra",
    );
    assert_eq!(file.diagnostics[0].code, Code::Syntax);
    assert!(
        file.diagnostics[0]
            .help
            .as_deref()
            .unwrap()
            .contains("remove what follows"),
        "{:?}",
        file.diagnostics[0]
    );
}

#[test]
fn steps_out_of_order_bad_times_and_twin_names_are_found_before_playing() {
    let (code, _, stderr) = check("out-of-order");
    assert_eq!(code, 1);
    let file = fixture("out-of-order/shift.plans.ron");
    let (line, column) = position_of(&file, "\"09:01\"", 0);
    assert!(stderr.contains("error[KAM0905]"), "{stderr}");
    assert!(
        stderr.contains(&format!("{file}:{line}:{column}")),
        "{stderr}"
    );

    let src = r#"[
    (name: "a", seed: 1, expect: Pass, steps: [(at: "9:05", do: TakeBreak(minutes: 10))]),
    (name: "a", seed: 1, expect: Fail, steps: []),
]"#;
    let file = load_plans_str(Path::new("x.plans.ron"), src);
    let found: Vec<(Code, usize, usize)> = file
        .diagnostics
        .iter()
        .map(|d| (d.code, d.line, d.column))
        .collect();
    assert_eq!(
        found,
        vec![(Code::BadTime, 2, 53), (Code::DuplicateId, 3, 12)]
    );
    assert_eq!(file.playable, vec![false, true]);
}

#[test]
fn empty_and_orphaned_plans_files_are_warnings() {
    let (code, stdout, stderr) = check("empty");
    assert_eq!(code, 0, "warnings do not fail the check");
    assert!(stderr.contains("warning[KAM0907]"), "{stderr}");
    assert!(stdout.contains("ok, 1 warning(s)"), "{stdout}");

    let (code, stdout, stderr) = check("orphan");
    assert_eq!(code, 0);
    assert!(stderr.contains("warning[KAM0906]"), "{stderr}");
    assert!(
        stderr.contains("renamed-shift.ron`, which does not exist"),
        "{stderr}"
    );
    assert!(
        stdout.contains("renamed-shift.plans.ron (test plans): ok, 1 warning(s)"),
        "{stdout}"
    );
}

#[test]
fn a_plans_file_named_on_the_command_line_checks_its_scenario() {
    let out = kam()
        .args(["check", "--runs", "0", &fixture("passing/shift.plans.ron")])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("passing/shift.ron: ok"), "{out}");
    assert!(out.contains("2 of 2 ran, 2 matched"), "{out}");
    assert!(out.contains("1 file(s) checked"), "{out}");
}

#[test]
fn a_scenario_without_plans_gets_a_note_not_a_warning() {
    let out = kam()
        .args([
            "check",
            "--runs",
            "0",
            "tests/fixtures/career/course-merchandiser-a.ron",
            "tests/fixtures/bad/unknown-task.ron",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("course-merchandiser-a.ron: ok\n  test plans: none"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("unknown-task.plans.ron"),
        "no note for a broken scenario:\n{stdout}"
    );
}

#[test]
fn check_json_has_every_plans_result_with_the_scores_the_engine_computes() {
    let out = kam()
        .args(["check", "--json", "--runs", "0", "tests/fixtures/plans"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let report = |case: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"] == format!("tests/fixtures/plans/{case}/shift.ron"))
            .unwrap_or_else(|| panic!("{case} in {json}"))
            .clone()
    };

    let wrong = report("wrong-expectation");
    assert_eq!(wrong["errors"], 1);
    assert_eq!(wrong["diagnostics"][0]["code"], "KAM0903");
    assert_eq!(
        wrong["diagnostics"][0]["file"],
        "tests/fixtures/plans/wrong-expectation/shift.plans.ron"
    );
    let plans = &wrong["plans"];
    assert_eq!(plans["ran"], 2);
    assert_eq!(plans["matched"], 1);

    // The same plans played through the library give the same verdicts.
    let scenario_file = root().join(fixture("wrong-expectation/shift.ron"));
    let scenario = load_path(&scenario_file).resolved.unwrap();
    let file = load_plans(&plans_path(&scenario_file));
    let results = plans["results"].as_array().unwrap();
    assert_eq!(results.len(), file.plans.len());
    for (plan, result) in file.plans.iter().zip(results) {
        let shift = run_script(Arc::clone(&scenario), plan.seed, &plan.steps).unwrap();
        let verdict = assess(&scenario, &shift.outcome());
        assert_eq!(result["name"], plan.name.as_str());
        assert_eq!(result["expect"], "Pass");
        assert_eq!(result["passed"], verdict.passed);
        assert_eq!(result["matched"], verdict.passed);
        assert_eq!(
            result["scores"],
            serde_json::to_value(verdict.scores).unwrap()
        );
    }
    assert_eq!(results[0]["passed"], true);
    assert_eq!(results[1]["passed"], false);

    let refused = report("refused-step");
    assert_eq!(
        refused["plans"]["results"][0]["passed"],
        serde_json::Value::Null
    );
    assert!(
        refused["plans"]["results"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("has not arrived yet")
    );

    let orphan = json
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == "tests/fixtures/plans/orphan/renamed-shift.plans.ron")
        .unwrap();
    assert_eq!(orphan["warnings"], 1);
    assert_eq!(orphan["diagnostics"][0]["code"], "KAM0906");
}

#[test]
fn a_plan_expected_to_fail_that_passes_is_reported_too() {
    let scenario = reference();
    let src =
        std::fs::read_to_string(root().join("docs/reference/reference-late-shipment.plans.ron"))
            .unwrap()
            .replacen("expect: Pass", "expect: Fail", 1);
    let file = load_plans_str(Path::new("flipped.plans.ron"), &src);
    assert!(file.diagnostics.is_empty());
    let played = play_plans(&file, &scenario, 1);
    assert_eq!(played.diagnostics.len(), 1);
    let d = &played.diagnostics[0];
    assert_eq!(d.code, Code::PlanFailed);
    assert!(
        d.message
            .contains("is expected to fail but the shift passed"),
        "{}",
        d.message
    );
    assert_eq!(d.label.as_deref(), Some("expected to fail, passed"));
    assert_eq!(played.matched(), file.plans.len() - 1);
    assert_eq!(played.results[0].expect, Expect::Fail);
}

#[test]
fn every_shipped_plans_file_matches_and_every_plan_fixture_code_is_covered() {
    let scenarios = collect_scenario_files(&[root().join("scenarios")]).unwrap();
    let mut with_plans = 0;
    for path in &scenarios {
        let plans = plans_path(path);
        if !plans.exists() {
            continue;
        }
        with_plans += 1;
        let file = load_plans(&plans);
        assert!(file.diagnostics.is_empty(), "{:?}", file.diagnostics);
        let scenario = load_path(path).resolved.unwrap();
        let played = play_plans(&file, &scenario, PLAN_SEEDS);
        assert!(
            played.diagnostics.is_empty(),
            "{}",
            played
                .diagnostics
                .iter()
                .map(|d| d.render(file.source.as_deref()))
                .collect::<String>()
        );
        let expects = |e| file.plans.iter().any(|p| p.expect == e);
        assert!(
            expects(Expect::Pass) && expects(Expect::Fail),
            "{} should hold a winning plan and a failing one",
            plans.display()
        );
    }
    assert!(with_plans >= 1, "the reference scenario has plans");

    let covered: Vec<Code> = [
        "wrong-expectation",
        "refused-step",
        "out-of-order",
        "empty",
        "bad-step",
        "seed-dependent",
        "by-number",
    ]
    .iter()
    .flat_map(|case| {
        let scenario_file = root().join(fixture(case)).join("shift.ron");
        let scenario = load_path(&scenario_file).resolved.unwrap();
        let file = load_plans(&plans_path(&scenario_file));
        let played = play_plans(&file, &scenario, PLAN_SEEDS);
        file.diagnostics
            .into_iter()
            .chain(played.diagnostics)
            .map(|d| d.code)
            .collect::<Vec<_>>()
    })
    .collect();
    for code in [
        Code::PlanFailed,
        Code::PlanStepRefused,
        Code::PlanStepsOutOfOrder,
        Code::NoPlans,
        Code::BadStep,
        Code::PlanSeedDependent,
        Code::AnswerByNumber,
    ] {
        assert!(covered.contains(&code), "no fixture for {code}");
    }
}

#[test]
fn a_plans_file_sits_beside_its_scenario() {
    let scenario = PathBuf::from("scenarios/shift-one.ron");
    assert_eq!(
        plans_path(&scenario),
        PathBuf::from("scenarios/shift-one.plans.ron")
    );
    assert_eq!(scenario_path(&plans_path(&scenario)), Some(scenario));
    assert_eq!(scenario_path(Path::new("scenarios/shift.ron")), None);
}

#[test]
fn every_file_kind_reports_a_bad_byte_where_it_is() {
    // Scenario, plans and course files are read by one reader: a byte that
    // is not UTF-8 is placed at its line and column in each.
    let dir = tempfile::tempdir().unwrap();
    let bad = b"// a comment\n[\n    (name: \"caf\xE9\", seed: 1, expect: Pass, steps: []),\n]\n";
    let plans = dir.path().join("shift.plans.ron");
    std::fs::write(&plans, bad).unwrap();
    let file = load_plans(&plans);
    let d = &file.diagnostics[0];
    assert_eq!((d.code, d.line, d.column), (Code::NotUtf8, 3, 16), "{d:?}");

    let course = dir.path().join("career.ron");
    std::fs::write(
        &course,
        b"(stages: [\n  (stage: Merchandiser, about: \"\xFF\", scenarios: []),\n])\n",
    )
    .unwrap();
    let loaded = kam_trainer::career::load_course(&course, &[]);
    let d = &loaded.diagnostics[0];
    assert_eq!((d.code, d.line, d.column), (Code::NotUtf8, 2, 33), "{d:?}");
}
