//! The career: the ladder and its promotion rules, the course file, the
//! profile store and its crash safety, and the `profile` commands.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jiff::Timestamp;
use kam_trainer::career::ladder::{
    Career, best_runs, default_to_pass, is_better, load_course, load_course_dir,
};
use kam_trainer::engine::policy::Policy;
use kam_trainer::report::RunRecord;
use kam_trainer::scenario::{Code, Severity, Stage, load_path};

use crate::common::root;

/// The scenarios of the career tests.
pub fn course_dir() -> PathBuf {
    root().join("tests/fixtures/career")
}

/// One real run (greedy, passed) of a fixture scenario, to copy and alter.
fn template() -> &'static RunRecord {
    static RUN: OnceLock<RunRecord> = OnceLock::new();
    RUN.get_or_init(|| real_run("Анна", "course-merchandiser-a.ron", 1, at(0)))
}

/// A run played by the greedy policy and recorded as the game does.
pub fn real_run(trainee: &str, file: &str, seed: u64, started: Timestamp) -> RunRecord {
    crate::common::policy_run(
        trainee,
        &course_dir().join(file),
        seed,
        Policy::Greedy,
        started,
        started + jiff::SignedDuration::from_mins(10),
    )
}

/// Minutes after a fixed moment.
pub fn at(minutes: i64) -> Timestamp {
    "2026-03-01T09:00:00Z".parse::<Timestamp>().unwrap() + jiff::SignedDuration::from_mins(minutes)
}

/// A run of `scenario` finished at `minute`, passed or not, with `overall`.
fn run(scenario: &str, stage: Stage, passed: bool, overall: u32, minute: i64) -> RunRecord {
    let mut r = template().clone();
    r.scenario.id = scenario.to_owned();
    r.scenario.stage = stage;
    r.passed = passed;
    r.scores.overall = overall;
    r.started_at = at(minute - 10);
    r.finished_at = at(minute);
    r.id = format!("{scenario}-{minute}");
    r
}

fn pairs(list: &[(&str, Stage)]) -> Vec<(String, Stage)> {
    list.iter().map(|(id, s)| (id.to_string(), *s)).collect()
}

/// Three Merchandiser scenarios (two to pass), one Sales Representative.
fn small_career() -> Career {
    Career::by_declared_stage(&pairs(&[
        ("m-c", Stage::Merchandiser),
        ("m-a", Stage::Merchandiser),
        ("m-b", Stage::Merchandiser),
        ("r-a", Stage::SalesRepresentative),
    ]))
}

use Stage::{KeyAccountManager as Kam, Merchandiser as Merch, SalesRepresentative as Rep};

#[test]
fn without_a_course_file_scenarios_group_by_declared_stage_in_id_order() {
    let career = small_career();
    assert_eq!(career.stages.len(), 5);
    let merch = career.stage(Merch);
    assert_eq!(merch.scenarios, ["m-a", "m-b", "m-c"]);
    assert_eq!(merch.to_pass, 2);
    assert!(!merch.about.is_empty());
    assert_eq!(career.stage(Rep).to_pass, 1);
    assert!(career.stage(Stage::Supervisor).scenarios.is_empty());
    assert_eq!(
        [0, 1, 2, 3, 5].map(default_to_pass),
        [0, 1, 1, 2, 4],
        "all but one, at least one"
    );
    let abouts: std::collections::BTreeSet<_> =
        career.stages.iter().map(|s| s.about.as_str()).collect();
    assert_eq!(abouts.len(), 5, "each stage has its own description");
}

#[test]
fn a_stage_is_passed_at_to_pass_and_promotes_to_the_next() {
    let career = small_career();
    let one = [run("m-a", Merch, true, 80, 1)];
    assert!(!career.is_passed(Merch, &one));
    assert_eq!(career.rank(&one, Merch), Merch);
    let two = [one[0].clone(), run("m-c", Merch, true, 70, 2)];
    assert!(career.is_passed(Merch, &two));
    assert_eq!(career.rank(&two, Merch), Rep);
    // The same scenario twice is one scenario.
    let twice = [one[0].clone(), run("m-a", Merch, true, 90, 2)];
    assert_eq!(career.rank(&twice, Merch), Merch);
    // Failed runs do not count.
    let failed = [one[0].clone(), run("m-b", Merch, false, 99, 2)];
    assert_eq!(career.rank(&failed, Merch), Merch);
}

#[test]
fn the_trainee_stays_at_the_first_stage_not_passed_and_the_top_stays() {
    let career = small_career();
    let all = [
        run("m-a", Merch, true, 80, 1),
        run("m-b", Merch, true, 80, 2),
        run("r-a", Rep, true, 80, 3),
    ];
    // Supervisor has no scenarios: it can never be passed, so the trainee waits there.
    assert_eq!(career.rank(&all, Merch), Stage::Supervisor);
    assert!(!career.is_passed(Stage::Supervisor, &all));
    assert_eq!(career.rank(&all, Kam), Kam, "the top stays the top");
    assert_eq!(career.rank(&[], Kam), Kam);
}

#[test]
fn scenarios_at_or_below_the_trainee_are_unlocked() {
    assert!(Career::is_unlocked(Merch, Merch));
    assert!(!Career::is_unlocked(Rep, Merch));
    assert!(Career::is_unlocked(Merch, Kam));
    assert!(Career::is_unlocked(Stage::Supervisor, Stage::Supervisor));
    assert!(!Career::is_unlocked(Kam, Stage::SalesManager));
    let career = small_career();
    assert_eq!(career.stage_of("r-a"), Some(Rep));
    assert_eq!(career.stage_of("nope"), None);
}

#[test]
fn the_best_run_is_passed_then_higher_overall_then_earlier() {
    let failed_high = run("m-a", Merch, false, 95, 1);
    let passed_low = run("m-a", Merch, true, 60, 2);
    let passed_high = run("m-a", Merch, true, 80, 3);
    let passed_high_later = run("m-a", Merch, true, 80, 4);
    assert!(is_better(&passed_low, &failed_high));
    assert!(is_better(&passed_high, &passed_low));
    assert!(is_better(&passed_high, &passed_high_later));
    assert!(!is_better(&passed_high_later, &passed_high));
    let runs = vec![
        failed_high.clone(),
        passed_high_later,
        passed_low,
        passed_high,
        run("m-a", Merch, false, 10, 5),
        run("m-b", Merch, false, 40, 6),
    ];
    let best = best_runs(&runs);
    assert_eq!(best["m-a"], 3);
    assert_eq!(best["m-b"], 5);
    // Identical runs: the first in the list wins.
    let same = vec![failed_high.clone(), failed_high];
    assert_eq!(best_runs(&same)["m-a"], 0);
}

#[test]
fn a_failed_replay_never_undoes_a_pass_and_a_changed_file_still_counts() {
    let career = small_career();
    let mut first = run("m-a", Merch, true, 80, 1);
    first.scenario.hash = "old".to_owned();
    let mut runs = vec![first, run("m-b", Merch, true, 70, 2)];
    assert_eq!(career.rank(&runs, Merch), Rep);
    runs.push(run("m-a", Merch, false, 10, 3));
    runs.push(run("m-b", Merch, false, 5, 4));
    assert!(career.is_passed(Merch, &runs));
    assert_eq!(career.rank(&runs, Merch), Rep);
    // The file of m-a changed since it was passed: runs count by id.
    assert_ne!(runs[0].scenario.hash, template().scenario.hash);
    assert_eq!(career.passed_count(Merch, &runs), 2);
}

#[test]
fn a_promotion_is_never_taken_back_when_the_course_changes() {
    let runs = [
        run("m-a", Merch, true, 80, 1),
        run("m-b", Merch, true, 70, 2),
    ];
    let mut career = small_career();
    let reached = career.rank(&runs, Merch);
    assert_eq!(reached, Rep);
    // The lead now asks for all three Merchandiser shifts.
    career.stages[0].to_pass = 3;
    assert!(!career.is_passed(Merch, &runs));
    assert_eq!(career.rank(&runs, reached), Rep);
    assert_eq!(
        career.rank(&runs, Merch),
        Merch,
        "without the floor it would drop"
    );
}

#[test]
fn the_run_that_completes_a_stage_earns_the_promotion() {
    let career = small_career();
    let a = run("m-a", Merch, true, 80, 1);
    let b_failed = run("m-b", Merch, false, 40, 2);
    let b = run("m-b", Merch, true, 60, 3);
    let again = run("m-a", Merch, true, 90, 4);
    assert_eq!(career.promotion(&[], &a, Merch), None);
    assert_eq!(
        career.promotion(std::slice::from_ref(&a), &b_failed, Merch),
        None
    );
    let before = [a.clone(), b_failed.clone()];
    assert_eq!(career.promotion(&before, &b, Merch), Some(Rep));
    // A replay after the promotion earns nothing more.
    let before = [a, b_failed, b];
    assert_eq!(career.promotion(&before, &again, Rep), None);
    assert_eq!(career.promotion(&before, &again, Merch), None);
    let top = run("r-a", Rep, true, 70, 5);
    assert_eq!(
        career.promotion(&before, &top, Rep),
        Some(Stage::Supervisor)
    );
}

#[test]
fn the_fixture_course_loads_clean() {
    let course = load_course_dir(&course_dir());
    assert!(
        course.diagnostics.is_empty(),
        "{}",
        course.render_diagnostics()
    );
    let career = course.career;
    assert_eq!(career.stage(Merch).to_pass, 3);
    assert_eq!(
        career.stage(Merch).scenarios,
        [
            "course-merchandiser-a",
            "course-merchandiser-b",
            "course-merchandiser-c"
        ]
    );
    assert_eq!(
        career.stage(Merch).about,
        "Keeps the shelf to the planogram and the promo displays up."
    );
    assert_eq!(career.stage(Rep).to_pass, 1);
    assert!(career.stage(Kam).scenarios.is_empty());
}

fn fixture_scenarios() -> Vec<(String, Stage)> {
    kam_trainer::scenario::collect_scenario_files(&[course_dir()])
        .unwrap()
        .iter()
        .filter_map(|f| load_path(f).resolved.map(|r| (r.id.clone(), r.stage)))
        .collect()
}

fn bad_course(name: &str) -> kam_trainer::career::CourseLoad {
    let path = root().join("tests/fixtures/bad-course").join(name);
    load_course(&path, &fixture_scenarios())
}

#[test]
fn every_course_mistake_is_reported_at_its_place() {
    let cases = [
        (
            "unknown-scenario.ron",
            Code::CourseUnknownScenario,
            3,
            "course-merchandiser-x",
        ),
        (
            "wrong-stage.ron",
            Code::CourseWrongStage,
            4,
            "course-supervisor-a",
        ),
        (
            "listed-twice.ron",
            Code::CourseScenarioTwice,
            3,
            "course-merchandiser-a",
        ),
        ("to-pass-zero.ron", Code::CourseToPass, 3, "0"),
        ("to-pass-too-high.ron", Code::CourseToPass, 3, "4"),
        (
            "stage-missing.ron",
            Code::CourseStageMissing,
            2,
            "SalesRepresentative",
        ),
        (
            "stage-out-of-order.ron",
            Code::CourseStageOrder,
            5,
            "SalesRepresentative",
        ),
        (
            "scenario-left-out.ron",
            Code::CourseScenarioLeftOut,
            3,
            "course-merchandiser-c",
        ),
    ];
    for (file, code, line, mentions) in cases {
        let course = bad_course(file);
        let found = course
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("{file}: no {code}:\n{}", course.render_diagnostics()));
        assert_eq!(found.line, line, "{file}: {}", found.message);
        assert!(
            found.message.contains(mentions),
            "{file}: {}",
            found.message
        );
        assert!(found.help.is_some(), "{file} has no help");
        assert_eq!(
            course.has_errors(),
            code.severity() == Severity::Error,
            "{file}"
        );
    }
}

#[test]
fn a_broken_course_still_gives_a_usable_career() {
    let c = bad_course("wrong-stage.ron").career;
    assert!(
        !c.stage(Rep)
            .scenarios
            .iter()
            .any(|s| s == "course-supervisor-a")
    );
    let c = bad_course("to-pass-too-high.ron").career;
    assert_eq!(c.stage(Merch).to_pass, 3);
    let c = bad_course("stage-missing.ron").career;
    assert_eq!(c.stage(Rep).scenarios, ["course-representative-a"]);
    let c = bad_course("scenario-left-out.ron").career;
    assert_eq!(c.stage_of("course-merchandiser-c"), Some(Merch));
    assert!(
        !c.stage(Merch)
            .scenarios
            .iter()
            .any(|s| s == "course-merchandiser-c")
    );
    let c = bad_course("listed-twice.ron").career;
    assert_eq!(c.stage(Merch).scenarios.len(), 3);
}

#[test]
fn a_course_with_a_syntax_error_is_reported_like_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("career.ron");
    std::fs::write(
        &path,
        "(stages: [(stage: Merchandiser, scenarios: [\"a\"] to_pass: 1)])",
    )
    .unwrap();
    let course = load_course(&path, &[]);
    assert_eq!(course.diagnostics.len(), 1);
    assert_eq!(course.diagnostics[0].code, Code::Syntax);
    std::fs::write(&path, "(stages: [(stage: Trainee, scenarios: [])])").unwrap();
    assert_eq!(
        load_course(&path, &[]).diagnostics[0].code,
        Code::UnknownVariant
    );
    std::fs::write(&path, "  // nothing\n").unwrap();
    assert_eq!(load_course(&path, &[]).diagnostics[0].code, Code::EmptyFile);
}

#[test]
fn check_reports_the_course_file_of_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(course_dir()).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    let ok = crate::common::kam()
        .args(["check", "--runs", "0"])
        .arg(dir.path())
        .assert()
        .success();
    let out = String::from_utf8_lossy(&ok.get_output().stdout).into_owned();
    assert!(out.contains("career.ron: ok"), "{out}");
    std::fs::copy(
        root().join("tests/fixtures/bad-course/wrong-stage.ron"),
        dir.path().join("career.ron"),
    )
    .unwrap();
    let bad = crate::common::kam()
        .args(["check", "--runs", "0", "--json"])
        .arg(dir.path())
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&bad.get_output().stdout).unwrap();
    let course = json
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"].as_str().unwrap().ends_with("career.ron"))
        .expect("the course file is in the report");
    assert_eq!(course["errors"], 1);
    assert_eq!(course["diagnostics"][0]["code"], "KAM0061");
}

// ---- The profile store ----

use kam_trainer::career::store::{SLOW_SAVE_ENV, folder_name};
use kam_trainer::career::{PROFILE_FORMAT, Store, StoreError};

/// The career of the fixtures: all three Merchandiser shifts to pass.
fn fixture_career() -> Career {
    load_course_dir(&course_dir()).career
}

fn merch_run(trainee: &str, letter: char, minute: i64) -> RunRecord {
    real_run(
        trainee,
        &format!("course-merchandiser-{letter}.ron"),
        1,
        at(minute),
    )
}

fn profile_folder(store: &Store, name: &str) -> PathBuf {
    store.load(name, &fixture_career()).unwrap().folder
}

#[test]
fn profiles_round_trip_with_cyrillic_names() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let career = fixture_career();
    let anna = store
        .create("  Анна Петрова ", Some("anna@example.com"))
        .unwrap();
    assert_eq!(anna.name, "Анна Петрова");
    assert_eq!(anna.stage, Merch);
    store.create("Anna Petrova", None).unwrap();
    // Same folder base ("anna-petrova"), different folders.
    let a = profile_folder(&store, "анна петрова");
    let b = profile_folder(&store, "ANNA PETROVA");
    assert_ne!(a, b);
    assert_eq!(a.file_name().unwrap(), "anna-petrova");
    assert_eq!(b.file_name().unwrap(), "anna-petrova-2");
    assert_eq!(folder_name("Анна Петрова"), "anna-petrova");

    let taken = store.create("АННА ПЕТРОВА", None).unwrap_err();
    assert!(
        matches!(taken, StoreError::NameTaken { ref existing, .. } if existing == "Анна Петрова")
    );
    assert!(taken.to_string().contains("pick another name"));
    assert!(matches!(
        store.create(" ", None),
        Err(StoreError::EmptyName)
    ));
    assert!(matches!(
        store.create(&"Ж".repeat(41), None),
        Err(StoreError::NameTooLong { chars: 41, .. })
    ));
    assert!(matches!(
        store.create("Boris", Some("boris")),
        Err(StoreError::BadEmail { .. })
    ));

    let run = merch_run("Анна Петрова", 'a', 0);
    let recorded = store.record("анна петрова", &run, &career).unwrap();
    assert!(recorded.file.starts_with(&a));
    assert!(recorded.new_best);
    assert_eq!(recorded.promoted_to, None);

    // A fresh store on the same folder reads back exactly what was written.
    let again = Store::open(dir.path()).unwrap();
    let profile = again.load("Анна Петрова", &career).unwrap();
    assert!(profile.notices.is_empty(), "{:?}", profile.notices);
    assert_eq!(profile.runs, vec![run.clone()]);
    assert_eq!(profile.summary.email.as_deref(), Some("anna@example.com"));
    assert_eq!(profile.best("course-merchandiser-a"), Some(&run));
    let (list, notices) = again.list(&career);
    assert!(notices.is_empty(), "{notices:?}");
    let names: Vec<_> = list.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Anna Petrova", "Анна Петрова"]);
    let summary = std::fs::read_to_string(a.join("profile.json")).unwrap();
    assert!(
        summary.contains("Анна Петрова"),
        "names are stored as typed"
    );

    let err = again.load("Никто", &career).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }));
    assert!(err.to_string().contains("kam-trainer profile create"));
    let wrong = merch_run("Someone Else", 'b', 20);
    assert!(matches!(
        again.record("Анна Петрова", &wrong, &career),
        Err(StoreError::WrongTrainee { .. })
    ));
}

#[test]
fn recording_keeps_every_run_the_best_and_the_promotion() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let career = fixture_career();
    store.create("Кира", None).unwrap();
    let a = merch_run("Кира", 'a', 0);
    let mut a_failed = merch_run("Кира", 'a', 20);
    a_failed.passed = false;
    a_failed.scores.overall = 30;
    let b = merch_run("Кира", 'b', 40);
    let c = merch_run("Кира", 'c', 60);
    assert!(store.record("Кира", &a, &career).unwrap().new_best);
    let replay = store.record("Кира", &a_failed, &career).unwrap();
    assert!(!replay.new_best, "a failed replay is not the best");
    assert_eq!(store.record("Кира", &b, &career).unwrap().promoted_to, None);
    let last = store.record("Кира", &c, &career).unwrap();
    assert_eq!(last.promoted_to, Some(Rep));
    assert_eq!(last.summary.stage, Rep);
    assert_eq!(last.summary.promotions.len(), 1);
    assert_eq!(last.summary.promotions[0].run, c.id);
    assert_eq!(last.summary.runs.len(), 4);
    // Recording the same run again keeps one copy and promotes nothing.
    let twice = store.record("Кира", &c, &career).unwrap();
    assert_eq!(twice.promoted_to, None);
    assert_eq!(twice.summary.runs.len(), 4);
    let profile = store.load("Кира", &career).unwrap();
    assert_eq!(profile.runs, vec![a.clone(), a_failed, b, c]);
    assert_eq!(profile.best("course-merchandiser-a"), Some(&a));
}

#[test]
fn a_promotion_stays_when_the_course_is_made_harder() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut easy = fixture_career();
    easy.stages[0].to_pass = 1;
    store.create("Lena", None).unwrap();
    let promoted = store
        .record("Lena", &merch_run("Lena", 'a', 0), &easy)
        .unwrap();
    assert_eq!(promoted.promoted_to, Some(Rep));
    let hard = fixture_career();
    assert_eq!(store.load("Lena", &hard).unwrap().summary.stage, Rep);
    let more = store
        .record("Lena", &merch_run("Lena", 'b', 20), &hard)
        .unwrap();
    assert_eq!(more.summary.stage, Rep);
    assert_eq!(more.promoted_to, None);
    // Even a rebuilt summary keeps what the runs earn under the new course
    // and never goes below it; the stored summary held the promotion.
    assert_eq!(store.list(&hard).0[0].stage, Rep);
}

/// A store with one trainee ("Вера") who has passed a and b.
fn store_with_runs() -> (tempfile::TempDir, Store, PathBuf, Vec<RunRecord>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create("Вера", Some("vera@example.com")).unwrap();
    let runs = vec![merch_run("Вера", 'a', 0), merch_run("Вера", 'b', 20)];
    for r in &runs {
        store.record("Вера", r, &fixture_career()).unwrap();
    }
    let folder = profile_folder(&store, "Вера");
    (dir, store, folder, runs)
}

#[test]
fn a_damaged_summary_is_kept_aside_and_rebuilt_from_the_runs() {
    let (_dir, store, folder, runs) = store_with_runs();
    let summary = folder.join("profile.json");
    std::fs::write(&summary, b"{\"format\": 1, \"name\": \"\xd0\x92\xd0\xb5").unwrap();
    let profile = store.load("Вера", &fixture_career()).unwrap();
    assert_eq!(profile.runs, runs, "no run is lost");
    assert_eq!(
        profile.summary.name, "Вера",
        "the name comes back from the runs"
    );
    assert_eq!(profile.summary.runs.len(), 2);
    let kept = folder.join("profile.json.damaged-1");
    assert_eq!(
        std::fs::read(&kept).unwrap(),
        b"{\"format\": 1, \"name\": \"\xd0\x92\xd0\xb5",
        "the damaged file is kept as it was"
    );
    assert_eq!(profile.notices.len(), 1);
    assert_eq!(profile.notices[0].kept_as.as_ref(), Some(&kept));
    assert!(profile.notices[0].message.contains("damaged"));
    assert!(
        profile.notices[0]
            .to_string()
            .contains("profile.json.damaged-1")
    );
    // The rebuilt summary is on disk: the next read is clean.
    assert!(
        store
            .load("Вера", &fixture_career())
            .unwrap()
            .notices
            .is_empty()
    );
    // A second damage does not overwrite the first kept copy.
    std::fs::write(&summary, "not json").unwrap();
    store.load("Вера", &fixture_career()).unwrap();
    assert!(folder.join("profile.json.damaged-2").exists());
    assert!(kept.exists());
}

#[test]
fn a_missing_summary_is_rebuilt_with_its_promotion() {
    let (_dir, store, folder, mut runs) = store_with_runs();
    let c = merch_run("Вера", 'c', 40);
    store.record("Вера", &c, &fixture_career()).unwrap();
    runs.push(c.clone());
    std::fs::remove_file(folder.join("profile.json")).unwrap();
    let (list, notices) = store.list(&fixture_career());
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "Вера");
    assert_eq!(
        list[0].stage, Rep,
        "the promotion is recomputed from the runs"
    );
    assert_eq!(list[0].promotions[0].run, c.id);
    assert!(
        notices.iter().any(|n| n.message.contains("missing")),
        "{notices:?}"
    );
    assert_eq!(store.load("Вера", &fixture_career()).unwrap().runs, runs);
}

#[test]
fn a_summary_behind_its_runs_catches_up() {
    let (_dir, store, folder, runs) = store_with_runs();
    let before = std::fs::read(folder.join("profile.json")).unwrap();
    // The save of c was interrupted after its run file and before the summary.
    let c = merch_run("Вера", 'c', 40);
    store.record("Вера", &c, &fixture_career()).unwrap();
    std::fs::write(folder.join("profile.json"), &before).unwrap();
    let profile = store.load("Вера", &fixture_career()).unwrap();
    assert_eq!(profile.runs.len(), runs.len() + 1);
    assert_eq!(profile.summary.stage, Rep);
    assert!(profile.notices[0].message.contains("brought up to date"));
    assert_eq!(profile.summary.email.as_deref(), Some("vera@example.com"));
}

#[test]
fn a_damaged_run_file_is_kept_skipped_and_reported() {
    let (_dir, store, folder, runs) = store_with_runs();
    let runs_dir = folder.join("runs");
    let bad = runs_dir.join("20260301T100000Z-damaged.json");
    std::fs::write(&bad, "{\"format\": 1, \"id\": ").unwrap();
    for _ in 0..2 {
        let profile = store.load("Вера", &fixture_career()).unwrap();
        assert_eq!(profile.runs, runs);
        assert_eq!(profile.notices.len(), 1, "{:?}", profile.notices);
        assert_eq!(profile.notices[0].file, bad);
        assert!(profile.notices[0].message.contains("damaged"));
        assert_eq!(
            profile.summary.unreadable,
            ["20260301T100000Z-damaged.json"]
        );
        assert!(bad.exists(), "never deleted");
    }
    let (_, notices) = store.list(&fixture_career());
    assert_eq!(notices.len(), 1, "the list reports it too");
    // Recording goes on around it.
    let c = merch_run("Вера", 'c', 40);
    assert_eq!(
        store
            .record("Вера", &c, &fixture_career())
            .unwrap()
            .promoted_to,
        Some(Rep)
    );
    assert!(bad.exists());
}

#[test]
fn a_run_from_a_newer_version_is_reported_and_kept() {
    let (_dir, store, folder, runs) = store_with_runs();
    let newer = folder.join("runs").join("20300101T000000Z-newer.json");
    std::fs::write(&newer, "{\"format\": 7, \"something\": \"new\"}").unwrap();
    let profile = store.load("Вера", &fixture_career()).unwrap();
    assert_eq!(profile.runs, runs);
    assert!(profile.notices[0].message.contains("newer version"));
    assert!(profile.notices[0].message.contains("format 7"));
    assert_eq!(
        std::fs::read_to_string(&newer).unwrap(),
        "{\"format\": 7, \"something\": \"new\"}"
    );
    // And a summary from a newer version is kept aside, not overwritten.
    let summary = folder.join("profile.json");
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    v["format"] = (PROFILE_FORMAT + 1).into();
    std::fs::write(&summary, v.to_string()).unwrap();
    let profile = store.load("Вера", &fixture_career()).unwrap();
    assert!(
        profile
            .notices
            .iter()
            .any(|n| n.kept_as.is_some() && n.message.contains("newer"))
    );
    assert!(folder.join("profile.json.damaged-1").exists());
    assert_eq!(profile.runs, runs);
}

#[test]
fn the_old_list_of_names_is_imported_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("profiles.json"),
        r#"{"names": ["Анна", "Boris", "  "]}"#,
    )
    .unwrap();
    let store = Store::open(dir.path()).unwrap();
    let (list, notices) = store.list(&fixture_career());
    let names: Vec<_> = list.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Boris", "Анна"]);
    assert!(
        notices.iter().any(|n| n.message.contains("imported")),
        "{notices:?}"
    );
    assert!(
        notices.iter().any(|n| n.message.contains("\"  \"")),
        "the blank name is reported"
    );
    assert!(!dir.path().join("profiles.json").exists());
    assert!(
        dir.path().join("profiles.json.imported-1").exists(),
        "kept, not deleted"
    );
    // The game (not yet using the store) writes its list again: only new names come in.
    std::fs::write(
        dir.path().join("profiles.json"),
        r#"{"names": ["анна", "Carl"]}"#,
    )
    .unwrap();
    let store = Store::open(dir.path()).unwrap();
    let (list, _) = store.list(&fixture_career());
    assert_eq!(list.len(), 3);
    assert!(dir.path().join("profiles.json.imported-2").exists());
}

#[test]
fn an_unwritable_data_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let err = Store::open(&file).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("not-a-folder"), "{text}");
    assert!(text.contains("--data-dir"), "{text}");
}

// ---- The command line ----

fn kam(data: &Path) -> assert_cmd::Command {
    let mut cmd = crate::common::kam();
    cmd.arg("--data-dir")
        .arg(data)
        .arg("--scenarios")
        .arg(course_dir());
    cmd
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

#[test]
fn a_headless_career_promotes_after_the_merchandiser_shifts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    kam(data)
        .args([
            "profile",
            "create",
            "Дарья Соколова",
            "--email",
            "d@example.com",
        ])
        .assert()
        .success();
    // Above the trainee's stage: locked.
    let locked = kam(data)
        .args([
            "play",
            "tests/fixtures/career/course-representative-a.ron",
            "--seed",
            "1",
        ])
        .args(["--profile", "дарья соколова"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&locked.get_output().stderr).into_owned();
    assert!(err.contains("unlocks once"), "{err}");

    for (i, letter) in ['a', 'b', 'c'].into_iter().enumerate() {
        let file = format!("tests/fixtures/career/course-merchandiser-{letter}.ron");
        let played = kam(data)
            .args(["play", &file, "--seed", "1", "--policy", "greedy", "--json"])
            .args(["--profile", "Дарья Соколова"])
            .assert()
            .success();
        let json: serde_json::Value = serde_json::from_str(&stdout(&played)).unwrap();
        assert_eq!(json["passed"], true, "{letter}");
        let rec = &json["recorded"];
        assert_eq!(rec["new_best"], true);
        if i < 2 {
            assert!(rec["promoted_to"].is_null(), "{letter}: {rec}");
        } else {
            assert_eq!(rec["promoted_to"], "SalesRepresentative");
        }
    }
    // A replay in text mode says where it went; no second promotion.
    let text = stdout(
        &kam(data)
            .args([
                "play",
                "tests/fixtures/career/course-merchandiser-a.ron",
                "--seed",
                "2",
            ])
            .args(["--profile", "Дарья Соколова"])
            .assert()
            .success(),
    );
    assert!(text.contains("Recorded for Дарья Соколова"), "{text}");
    assert!(!text.contains("PROMOTED"), "{text}");

    let show = stdout(
        &kam(data)
            .args(["profile", "show", "ДАРЬЯ СОКОЛОВА", "--json"])
            .assert()
            .success(),
    );
    let json: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(json["stage"], "SalesRepresentative");
    assert_eq!(json["email"], "d@example.com");
    assert_eq!(json["promotions"][0]["to"], "SalesRepresentative");
    assert_eq!(json["runs"].as_array().unwrap().len(), 4);
    assert_eq!(json["best"].as_array().unwrap().len(), 3);
    assert_eq!(json["stages"][0]["passed"], 3);
    assert_eq!(json["stages"][1]["unlocked"], true);
    assert_eq!(json["stages"][2]["unlocked"], false);
    let text = stdout(
        &kam(data)
            .args(["profile", "show", "Дарья Соколова"])
            .assert()
            .success(),
    );
    assert!(
        text.contains("Дарья Соколова — Sales Representative"),
        "{text}"
    );
    assert!(text.contains("3 of 3 passed"), "{text}");
    // Now the Sales Representative shift is open, and its one shift passes the stage.
    let text = stdout(
        &kam(data)
            .args([
                "play",
                "tests/fixtures/career/course-representative-a.ron",
                "--seed",
                "1",
            ])
            .args(["--profile", "Дарья Соколова"])
            .assert()
            .success(),
    );
    assert!(text.contains("PROMOTED to Supervisor!"), "{text}");
    let list = stdout(&kam(data).args(["profile", "list"]).assert().success());
    assert!(list.contains("Дарья Соколова"), "{list}");
    assert!(list.contains("Supervisor"), "{list}");
    let list = stdout(
        &kam(data)
            .args(["profile", "list", "--json"])
            .assert()
            .success(),
    );
    let json: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(json["profiles"][0]["runs"].as_array().unwrap().len(), 5);
}

#[test]
fn profile_commands_explain_wrong_input() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    kam(data)
        .args(["profile", "create", "Ivan"])
        .assert()
        .success();
    let dup = kam(data)
        .args(["profile", "create", "IVAN"])
        .assert()
        .code(2);
    assert!(
        String::from_utf8_lossy(&dup.get_output().stderr)
            .contains("already a trainee named \"Ivan\"")
    );
    let missing = kam(data).args(["profile", "show", "Petr"]).assert().code(2);
    let err = String::from_utf8_lossy(&missing.get_output().stderr).into_owned();
    assert!(
        err.contains("no trainee named \"Petr\"") && err.contains("Ivan"),
        "{err}"
    );
    let play = kam(data)
        .args([
            "play",
            "tests/fixtures/career/course-merchandiser-a.ron",
            "--seed",
            "1",
        ])
        .args(["--profile", "Petr"])
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&play.get_output().stderr).contains("profile create"));
    let empty = stdout(
        &kam(&data.join("fresh"))
            .args(["profile", "list"])
            .assert()
            .success(),
    );
    assert!(empty.contains("No trainees"), "{empty}");
}

/// Kills `play --profile` at many moments of its save and checks that every
/// run that finished before is still there and the profile always reads.
#[test]
fn killing_a_save_at_any_moment_loses_no_finished_run() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_owned();
    kam(&data)
        .args(["profile", "create", "Олег"])
        .assert()
        .success();
    let bin = crate::common::binary();
    let play = |seed: u64| {
        std::process::Command::new(&bin)
            .current_dir(root())
            .args(["play", "tests/fixtures/career/course-merchandiser-a.ron"])
            .args([
                "--seed",
                &seed.to_string(),
                "--profile",
                "Олег",
                "--data-dir",
            ])
            .arg(&data)
            .arg("--scenarios")
            .arg(course_dir())
            .env(SLOW_SAVE_ENV, "25")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let career = fixture_career();
    let count = || {
        let store = Store::open(&data).unwrap();
        let profile = store.load("Олег", &career).unwrap();
        for n in &profile.notices {
            assert!(
                n.kept_as.is_none() && !n.message.contains("damaged"),
                "a kill damaged a file: {n}"
            );
        }
        assert_eq!(profile.summary.runs.len(), profile.runs.len());
        profile.runs.len()
    };
    // One full run measures how long a run with its save takes.
    let started = std::time::Instant::now();
    assert!(play(0).wait().unwrap().success());
    let full = started.elapsed();
    let mut seen = count();
    assert_eq!(seen, 1);
    let (mut killed, mut finished) = (0, 0);
    for i in 1..=24u32 {
        // Spread the kills from 40% to 110% of a full run.
        let delay = full.mul_f64(0.4 + 0.7 * f64::from(i % 12) / 11.0);
        let mut child = play(u64::from(i));
        std::thread::sleep(delay);
        let done = match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success());
                true
            }
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                false
            }
        };
        let now = count();
        if done {
            finished += 1;
            assert_eq!(now, seen + 1, "a finished run is recorded");
        } else {
            killed += 1;
            assert!(now == seen || now == seen + 1, "{seen} -> {now}");
        }
        seen = now;
    }
    assert!(killed >= 6, "only {killed} kills: the window was missed");
    assert!(finished + killed == 24);
}

/// The shipped course, end to end: a new trainee plays the first winning
/// plan of two shifts per stage through `play --script --profile` and
/// climbs from Merchandiser to Key Account Manager.
#[test]
fn a_new_trainee_climbs_the_whole_shipped_course_with_the_winning_plans() {
    use kam_trainer::scoring::plans::{Expect, load_plans};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let shipped = |cmd: &mut assert_cmd::Command| {
        cmd.current_dir(root())
            .env_remove("KAM_TRAINER_DATA")
            .env_remove(SLOW_SAVE_ENV)
            .arg("--data-dir")
            .arg(&data)
            .arg("--scenarios")
            .arg(root().join("scenarios"));
    };
    let mut create = crate::common::kam();
    shipped(&mut create);
    create
        .args(["profile", "create", "Ольга"])
        .assert()
        .success();

    let course = kam_trainer::career::load_course_dir(&root().join("scenarios"));
    assert!(
        course.diagnostics.is_empty(),
        "{}",
        course.render_diagnostics()
    );
    let store = Store::open(&data).unwrap();
    for rung in &course.career.stages {
        let before = store.load("Ольга", &course.career).unwrap().summary.stage;
        assert_eq!(before, rung.stage, "the trainee reached {:?}", rung.stage);
        for id in rung.scenarios.iter().take(rung.to_pass) {
            let scenario = root().join("scenarios").join(format!("{id}.ron"));
            let plans = load_plans(&root().join("scenarios").join(format!("{id}.plans.ron")));
            let plan = plans
                .plans
                .iter()
                .find(|p| p.expect == Expect::Pass)
                .unwrap_or_else(|| panic!("{id} has no winning plan"));
            let script = dir.path().join(format!("{id}.script.ron"));
            std::fs::write(&script, ron::to_string(&plan.steps).unwrap()).unwrap();
            let mut play = crate::common::kam();
            shipped(&mut play);
            play.arg("play")
                .arg(&scenario)
                .args([
                    "--seed",
                    &plan.seed.to_string(),
                    "--profile",
                    "Ольга",
                    "--script",
                ])
                .arg(&script)
                .assert()
                .success();
        }
    }
    let profile = store.load("Ольга", &course.career).unwrap();
    assert_eq!(profile.summary.stage, Stage::KeyAccountManager);
    assert_eq!(
        profile
            .summary
            .promotions
            .iter()
            .map(|p| p.to)
            .collect::<Vec<_>>(),
        Stage::ALL[1..].to_vec()
    );
    assert!(profile.runs.iter().all(|r| r.passed));
}
