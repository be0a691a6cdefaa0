//! Loading scenarios: every bad fixture reports the right code at the right
//! place, the shipped scenarios load clean, the resolved form is what the
//! engine expects, and no input makes the loader panic.

use std::path::{Path, PathBuf};

use kam_trainer::scenario::{
    Code, ConditionR, EffectR, Loaded, Severity, collect_scenario_files, load_bytes, load_path,
    load_str, resolve,
};
use proptest::prelude::*;

const REFERENCE: &str = "docs/reference/reference-late-shipment.ron";
const SHARED_REFERENCE: &str = "../shared/scenario-format/reference.ron";

fn crate_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn fixture(name: &str) -> PathBuf {
    crate_path(&format!("tests/fixtures/bad/{name}.ron"))
}

/// (fixture, code, part of the message, line, column): each fixture holds
/// one mistake, and that mistake is all the loader reports.
const BAD: &[(&str, &str, &str, usize, usize)] = &[
    ("syntax-missing-comma", "KAM0004", "expected comma", 13, 35),
    (
        "syntax-unclosed-list",
        "KAM0004",
        "the file ends too early",
        44,
        12,
    ),
    ("wrong-type", "KAM0005", "expected integer", 9, 74),
    ("wrong-type-hours", "KAM0005", "expected float", 14, 66),
    ("unknown-field", "KAM0006", "unknown field `nmae`", 13, 22),
    (
        "missing-field",
        "KAM0007",
        "missing field `role` in `TeamMember`",
        14,
        48,
    ),
    (
        "unknown-variant",
        "KAM0008",
        "unknown variant `Happy`",
        34,
        42,
    ),
    (
        "unknown-effect",
        "KAM0008",
        "unknown variant `SetHour`",
        25,
        62,
    ),
    (
        "duplicate-field",
        "KAM0009",
        "`hours` appears twice",
        13,
        64,
    ),
    (
        "duplicate-client-id",
        "KAM0010",
        "duplicate client id `granel`",
        10,
        14,
    ),
    (
        "duplicate-node-id",
        "KAM0010",
        "duplicate node id `open`",
        36,
        18,
    ),
    (
        "unknown-client",
        "KAM0011",
        "unknown client `hachete`",
        20,
        57,
    ),
    (
        "unknown-client-in-condition",
        "KAM0011",
        "unknown client `corner-shop`",
        26,
        55,
    ),
    (
        "unknown-node-next",
        "KAM0012",
        "unknown node `plna`",
        33,
        96,
    ),
    (
        "unknown-node-start",
        "KAM0012",
        "unknown node `asc`",
        41,
        34,
    ),
    (
        "unknown-timeout-next",
        "KAM0012",
        "unknown node `escalate`",
        31,
        73,
    ),
    (
        "unknown-member",
        "KAM0013",
        "unknown team member `sergei`",
        25,
        71,
    ),
    ("unknown-task", "KAM0014", "unknown task `baner`", 24, 38),
    (
        "unknown-dialogue",
        "KAM0015",
        "unknown dialogue `cal`",
        24,
        63,
    ),
    (
        "flag-never-set",
        "KAM0016",
        "flag `banner-ready` is tested but nothing ever sets it",
        26,
        21,
    ),
    (
        "unknown-role",
        "KAM0020",
        "nobody in the team has the role `desginer`",
        17,
        65,
    ),
    (
        "bad-time",
        "KAM0021",
        "deadline `3pm` is not a time",
        18,
        37,
    ),
    (
        "bad-time-hour",
        "KAM0021",
        "shift start `25:00` is not a time",
        6,
        20,
    ),
    (
        "shift-backwards",
        "KAM0022",
        "the shift ends at 08:00 but starts at 09:00",
        6,
        34,
    ),
    (
        "deadline-outside-shift",
        "KAM0023",
        "the deadline 18:30 of task `reroute` is outside the shift",
        21,
        39,
    ),
    (
        "event-outside-shift",
        "KAM0024",
        "event 1 happens at 08:30, outside the shift",
        25,
        14,
    ),
    (
        "loyalty-in-event",
        "KAM0025",
        "`Loyalty(2)` in an event has no client to change",
        26,
        44,
    ),
    (
        "loyalty-in-colleague-dialogue",
        "KAM0025",
        "`Loyalty(1)` in a dialogue with a colleague",
        43,
        80,
    ),
    (
        "loyalty-in-internal-task",
        "KAM0025",
        "`Loyalty(-2)` in an internal task",
        21,
        76,
    ),
    (
        "unreachable-node",
        "KAM0030",
        "node `orphan` of dialogue `call` is never reached",
        36,
        18,
    ),
    (
        "endless-dialogue",
        "KAM0031",
        "dialogue `colleague` can never end once it reaches node `ask`",
        42,
        18,
    ),
    (
        "timeout-without-timer",
        "KAM0032",
        "node `plan` has `on_timeout` but no `reply_within`",
        36,
        71,
    ),
    (
        "zero-reply-time",
        "KAM0033",
        "node `open` gives the trainee 0 minutes to reply",
        31,
        28,
    ),
    (
        "node-without-answers",
        "KAM0034",
        "node `plan` has no choices and no `reply_within`",
        36,
        18,
    ),
    (
        "loyalty-out-of-range",
        "KAM0040",
        "the loyalty of `granel` is 120, outside 0..=100",
        9,
        74,
    ),
    (
        "pass-mark-out-of-range",
        "KAM0040",
        "the `loyalty` pass mark is 160",
        48,
        25,
    ),
    (
        "loyalty-below-churn",
        "KAM0041",
        "client `hachette` starts at loyalty 15, below its `churn_below` 20",
        10,
        82,
    ),
    (
        "burnout-at-start",
        "KAM0042",
        "the trainee burns out at stress 20 but starts at 20",
        7,
        39,
    ),
    (
        "zero-effort",
        "KAM0043",
        "task `banner` takes 0 hours of effort",
        18,
        24,
    ),
    (
        "negative-hours",
        "KAM0043",
        "the `hours` of `olga` is -2",
        13,
        61,
    ),
    (
        "zero-weight",
        "KAM0044",
        "client `hachette` has weight 0",
        10,
        111,
    ),
    (
        "zero-scoring-weights",
        "KAM0045",
        "all three scoring weights are 0",
        47,
        18,
    ),
    (
        "task-never-added",
        "KAM0050",
        "task `reroute` is never added",
        20,
        14,
    ),
    (
        "dialogue-never-started",
        "KAM0051",
        "dialogue `colleague` is never started",
        41,
        14,
    ),
    (
        "event-never-fires",
        "KAM0052",
        "event 1 has neither `at` nor `when`",
        25,
        9,
    ),
    (
        "flag-never-tested",
        "KAM0017",
        "flag `banner-sent` is set but no condition ever tests it",
        19,
        56,
    ),
    (
        "answer-without-feedback",
        "KAM0035",
        "answer 2 of node `open` has no `feedback`",
        34,
        23,
    ),
    (
        "critical-without-reason",
        "KAM0036",
        "answer 2 of node `open` is marked critical but says no reason",
        34,
        115,
    ),
    (
        "single-answer",
        "KAM0037",
        "node `ask` offers only one answer",
        43,
        23,
    ),
    (
        "unknown-language",
        "KAM0046",
        "`русский` is not a language tag",
        6,
        15,
    ),
    (
        "duplicate-answer-id",
        "KAM0010",
        "two answers of node `open` have the id `plan`",
        34,
        22,
    ),
    (
        "decimal-comma",
        "KAM0004",
        "`1,5` is written with a decimal comma",
        14,
        66,
    ),
    (
        "quotes-in-text",
        "KAM0004",
        "a double quote inside the text ends it early",
        42,
        70,
    ),
    (
        "text-too-long",
        "KAM0047",
        "a client's name is 42 characters long; the screen shows 40",
        10,
        32,
    ),
    ("empty-file", "KAM0003", "the file is empty", 0, 0),
    ("not-utf8", "KAM0002", "byte 0xE9", 4, 16),
];

fn summary(loaded: &Loaded) -> String {
    loaded
        .diagnostics
        .iter()
        .map(|d| format!("{} {}:{} {}", d.code.id(), d.line, d.column, d.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn each_bad_fixture_reports_its_mistake_where_it_is() {
    for &(name, code, message, line, column) in BAD {
        let path = fixture(name);
        let loaded = load_path(&path);
        assert_eq!(
            loaded.diagnostics.len(),
            1,
            "{name}: expected exactly one finding, got:\n{}",
            summary(&loaded)
        );
        let d = &loaded.diagnostics[0];
        assert_eq!(d.code.id(), code, "{name}: {}", summary(&loaded));
        assert_eq!(d.severity, d.code.severity(), "{name}");
        assert!(
            d.message.contains(message),
            "{name}: message {:?} lacks {message:?}",
            d.message
        );
        assert_eq!((d.line, d.column), (line, column), "{name}: {}", d.message);
        assert!(
            d.help.as_deref().is_some_and(|h| !h.is_empty()),
            "{name}: every finding says how to fix it"
        );
        assert_eq!(loaded.has_errors(), d.severity == Severity::Error, "{name}");
        assert_eq!(
            loaded.resolved.is_some(),
            !loaded.has_errors(),
            "{name}: resolved exactly when there are no errors"
        );

        let rendered = loaded.render_diagnostics();
        assert!(rendered.contains(code), "{name}: {rendered}");
        assert!(rendered.contains(message), "{name}: {rendered}");
        if line > 0 {
            let location = format!("{}:{line}:{column}", path.display());
            assert!(
                rendered.contains(&location),
                "{name}: rendered output lacks {location}:\n{rendered}"
            );
            assert!(
                rendered.contains('^') || rendered.contains('|'),
                "{name}: no caret"
            );
        } else {
            assert!(rendered.contains(&path.display().to_string()), "{rendered}");
        }
    }
}

#[test]
fn every_fixture_is_in_the_table_and_there_are_enough() {
    let dir = crate_path("tests/fixtures/bad");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|name| name.strip_suffix(".ron").map(str::to_owned))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = BAD.iter().map(|row| row.0.to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(listed.len() >= 28);
}

#[test]
fn the_bad_fixtures_cover_every_validation_code() {
    let covered: Vec<&str> = BAD.iter().map(|row| row.1).collect();
    for code in Code::ALL {
        // Course-file codes have their fixtures in tests/fixtures/bad-course
        // (see career.rs).
        let reserved = matches!(
            code,
            Code::Unreadable
                | Code::PassUnreachable
                | Code::RandomPlayPasses
                | Code::ContentBlindPasses
                | Code::BestIsLongest
                | Code::UnknownFileKind
                | Code::CourseUnknownScenario
                | Code::CourseWrongStage
                | Code::CourseScenarioTwice
                | Code::CourseToPass
                | Code::CourseStageMissing
                | Code::CourseStageOrder
                | Code::CourseScenarioLeftOut
        );
        // Test plans have their own fixtures, covered in `plans.rs`.
        let plans = matches!(
            code,
            Code::PlanFailed
                | Code::PlanStepRefused
                | Code::PlanStepsOutOfOrder
                | Code::PlansWithoutScenario
                | Code::NoPlans
                | Code::BadStep
                | Code::PlanSeedDependent
                | Code::AnswerByNumber
        );
        assert!(
            reserved || plans || covered.contains(&code.id()),
            "no fixture for {} ({})",
            code.id(),
            code.title()
        );
    }
}

#[test]
fn the_reference_loads_clean_and_matches_the_shared_copy() {
    let loaded = load_path(&crate_path(REFERENCE));
    assert_eq!(loaded.errors(), 0, "{}", loaded.render_diagnostics());
    // The conformance file predates these checks and must not change: two
    // flags it sets are never tested, and two nodes offer one answer.
    let warnings: Vec<(&str, usize)> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.code.id(), d.line))
        .collect();
    assert_eq!(
        warnings,
        vec![
            ("KAM0017", 104),
            ("KAM0017", 125),
            ("KAM0037", 147),
            ("KAM0037", 166)
        ],
        "{}",
        loaded.render_diagnostics()
    );
    assert!(loaded.resolved.is_some());
    assert!(loaded.scenario.is_some());

    let shared = crate_path(SHARED_REFERENCE);
    if shared.exists() {
        let ours = std::fs::read(crate_path(REFERENCE)).unwrap();
        let theirs = std::fs::read(&shared).unwrap();
        assert!(
            ours == theirs,
            "{REFERENCE} differs from {SHARED_REFERENCE}"
        );
        let loaded = load_path(&shared);
        assert!(!loaded.has_errors(), "{}", loaded.render_diagnostics());
    }
}

#[test]
fn every_shipped_scenario_loads_clean() {
    let files = collect_scenario_files(&[crate_path("scenarios")]).unwrap();
    assert!(!files.is_empty());
    for file in files {
        let loaded = load_path(&file);
        assert!(
            loaded.diagnostics.is_empty(),
            "{}:\n{}",
            file.display(),
            loaded.render_diagnostics()
        );
    }
}

#[test]
fn the_reference_resolves_as_the_engine_expects() {
    let loaded = load_path(&crate_path(REFERENCE));
    let r = loaded.resolved.expect("resolves");
    assert_eq!((r.start, r.end), (9 * 60, 18 * 60));
    assert_eq!(r.trainee.minutes, 120);

    let client = |id: &str| r.clients.iter().position(|c| *c.id == *id).unwrap();
    let task = |id: &str| r.tasks.iter().position(|t| *t.id == *id).unwrap();
    let dialogue = |id: &str| r.dialogues.iter().position(|d| *d.id == *id).unwrap();
    let flag = |name: &str| r.flags.iter().position(|f| f == name).unwrap();

    // `Loyalty(5)` in granel-bad-news's first answer is Granel's.
    let bad_news = &r.dialogues[dialogue("granel-bad-news")];
    assert_eq!(bad_news.client, Some(0));
    assert_eq!(bad_news.start, 0);
    assert_eq!(
        bad_news.nodes[0].choices[0].effects,
        vec![EffectR::Loyalty(0, 5)]
    );
    assert_eq!(bad_news.nodes[0].choices[0].next, Some(1)); // "plan"
    assert_eq!(bad_news.nodes[0].choices[1].next, Some(3)); // "found-out"
    assert_eq!(bad_news.nodes[1].choices[1].next, None);
    let angry = &bad_news.nodes[4];
    assert_eq!(angry.reply_within, Some(10));
    assert_eq!(angry.timeout_next, Some(1));
    assert_eq!(angry.on_timeout, vec![EffectR::Loyalty(0, -10)]);

    let banner = &r.tasks[task("launch-banner")];
    assert_eq!(banner.deadline, 15 * 60);
    assert_eq!(banner.effort, 180);
    assert_eq!(banner.client, Some(client("granel")));
    assert_eq!(banner.eligible, vec![0]); // olga, the only designer
    assert_eq!(banner.on_late, vec![EffectR::Loyalty(0, -10)]);
    let copy = &r.tasks[task("catalogue-copy")];
    assert_eq!(copy.on_done, vec![EffectR::Loyalty(client("hachette"), 4)]);
    assert_eq!(r.tasks[task("seo-checklist")].deadline, 18 * 60);
    assert_eq!(
        r.tasks[task("reroute-stock")].on_done,
        vec![EffectR::Set(flag("stock-found")), EffectR::Loyalty(0, 8)]
    );

    assert_eq!(
        r.flags,
        [
            "stock-found",
            "promised-discount",
            "hid-delay",
            "owes-answer"
        ]
    );

    assert_eq!(r.events.len(), 10);
    assert_eq!(r.events[0].at, Some(9 * 60));
    assert_eq!(r.events[2].jitter, 20);
    assert_eq!(r.events[4].then[0], EffectR::SetHours(0, 120));
    assert_eq!(
        r.events[5].then[0],
        EffectR::OneOf(vec![
            vec![
                EffectR::AddTask(task("reissue-invoice")),
                EffectR::StartDialogue(dialogue("corner-shop-invoice")),
            ],
            vec![EffectR::AddTask(task("seo-checklist"))],
        ])
    );
    assert_eq!(r.events[6].at, None);
    assert_eq!(
        r.events[6].when,
        Some(ConditionR::Flag(flag("promised-discount")))
    );
    assert_eq!(
        r.events[7].when,
        Some(ConditionR::All(vec![
            ConditionR::Flag(flag("stock-found")),
            ConditionR::Not(Box::new(ConditionR::TaskLate(task("press-release")))),
        ]))
    );
    assert_eq!(r.events[7].then[0], EffectR::Loyalty(0, 5));
    assert_eq!(
        r.events[8].when,
        Some(ConditionR::Any(vec![
            ConditionR::LoyaltyBelow(0, 40),
            ConditionR::StressAbove(85),
        ]))
    );

    // A colleague's dialogue has no client; `LoyaltyOf` names one.
    let marina = &r.dialogues[dialogue("marina-discount")];
    assert_eq!(marina.client, None);
    assert_eq!(
        marina.nodes[0].choices[0].effects,
        vec![
            EffectR::Loyalty(0, -3),
            EffectR::Unset(flag("promised-discount"))
        ]
    );
    assert_eq!(r.team.iter().map(|m| m.minutes).sum::<u32>(), 25 * 60);
}

#[test]
fn loyalty_inside_one_of_keeps_the_task_client() {
    let src = std::fs::read_to_string(crate_path(REFERENCE))
        .unwrap()
        .replace(
            "on_done: [Loyalty(4)]",
            "on_done: [OneOf([[Loyalty(4)], [OneOf([[Loyalty(1)]])]])]",
        );
    let loaded = load_str(Path::new("x.ron"), &src);
    let r = loaded.resolved.expect("still clean");
    let copy = r.tasks.iter().find(|t| &*t.id == "catalogue-copy").unwrap();
    assert_eq!(
        copy.on_done,
        vec![EffectR::OneOf(vec![
            vec![EffectR::Loyalty(1, 4)],
            vec![EffectR::OneOf(vec![vec![EffectR::Loyalty(1, 1)]])],
        ])]
    );
}

#[test]
fn a_file_with_several_mistakes_reports_all_of_them_in_order() {
    let src = std::fs::read_to_string(fixture("unknown-member"))
        .unwrap()
        .replace("AddTask(\"banner\")", "AddTask(\"poster\")")
        .replace("deadline: \"12:00\"", "deadline: \"noon\"")
        .replace("next: \"plan\"", "next: \"plan-b\"")
        .replace(
            "tone: Calm, effects: [Stress(-5)]",
            "tone: Calm, effects: [Loyalty(1)]",
        )
        .replace(
            "loyalty: 60, churn_below: 20",
            "loyalty: 10, churn_below: 20",
        );
    let loaded = load_str(Path::new("several.ron"), &src);
    let found: Vec<(&str, usize)> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.code.id(), d.line))
        .collect();
    assert_eq!(
        found,
        [
            ("KAM0041", 10),
            ("KAM0050", 17), // `poster` is not close enough to be `banner`
            ("KAM0021", 21),
            ("KAM0014", 24),
            ("KAM0013", 25),
            ("KAM0012", 33),
            ("KAM0025", 43),
        ],
        "{}",
        loaded.render_diagnostics()
    );
    assert_eq!(loaded.errors(), 5);
    assert_eq!(loaded.warnings(), 2);
    assert!(loaded.resolved.is_none());
    assert!(loaded.scenario.is_some(), "the parse itself succeeded");
    let rendered = loaded.render_diagnostics();
    assert!(rendered.contains("did you mean `sergey`?"), "{rendered}");
    assert!(
        rendered.contains("known tasks: banner, reroute"),
        "{rendered}"
    );
    assert!(rendered.contains("LoyaltyOf(\"granel\", 1)"), "{rendered}");
}

#[test]
fn warnings_do_not_stop_resolving() {
    let loaded = load_path(&fixture("unreachable-node"));
    assert_eq!(loaded.errors(), 0);
    assert_eq!(loaded.warnings(), 1);
    let resolved = loaded.resolved.expect("warnings only");
    assert_eq!(resolved.dialogues[0].nodes.len(), 3);

    let (resolved, problems) = resolve(loaded.scenario.as_ref().unwrap());
    assert!(resolved.is_some());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path.to_string(), "dialogues[0].nodes[1].id");
}

#[test]
fn problem_paths_name_the_offending_value() {
    let loaded = load_path(&fixture("unknown-member"));
    let (_, problems) = resolve(loaded.scenario.as_ref().unwrap());
    assert_eq!(problems[0].path.to_string(), "events[1].then[1].0");
    let loaded = load_path(&fixture("unknown-node-next"));
    let (_, problems) = resolve(loaded.scenario.as_ref().unwrap());
    assert_eq!(
        problems[0].path.to_string(),
        "dialogues[0].nodes[0].choices[0].next"
    );
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark_are_fine() {
    let src = std::fs::read_to_string(fixture("unknown-task")).unwrap();
    let crlf = format!("\u{feff}{}", src.replace('\n', "\r\n"));
    let loaded = load_bytes(Path::new("crlf.ron"), crlf.as_bytes());
    assert_eq!(
        loaded.diagnostics.len(),
        1,
        "{}",
        loaded.render_diagnostics()
    );
    let d = &loaded.diagnostics[0];
    assert_eq!((d.code, d.line, d.column), (Code::UnknownTask, 24, 38));
    assert!(loaded.render_diagnostics().contains("crlf.ron:24:38"));

    // A byte-order mark changes nothing: the same findings as without it.
    let plain = std::fs::read_to_string(crate_path(REFERENCE)).unwrap();
    let clean = format!("\u{feff}{plain}");
    let with_bom = load_str(Path::new("bom.ron"), &clean);
    let without = load_str(Path::new("bom.ron"), &plain);
    assert!(!with_bom.has_errors());
    assert_eq!(
        with_bom
            .diagnostics
            .iter()
            .map(|d| (d.code, d.line, d.column))
            .collect::<Vec<_>>(),
        without
            .diagnostics
            .iter()
            .map(|d| (d.code, d.line, d.column))
            .collect::<Vec<_>>()
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let src = std::fs::read_to_string(fixture("unknown-task"))
        .unwrap()
        .replace(
            "(at: \"09:00\", then: [AddTask",
            "(at: \"09:00\", /* ä€ */ then: [AddTask",
        );
    let loaded = load_str(Path::new("utf8.ron"), &src);
    let d = &loaded.diagnostics[0];
    assert_eq!((d.code, d.line, d.column), (Code::UnknownTask, 24, 38 + 9));
    assert!(loaded.render_diagnostics().contains("utf8.ron:24:47"));
}

#[test]
fn whitespace_and_comments_only_is_an_empty_file() {
    let loaded = load_str(
        Path::new("blank.ron"),
        "  \n// nothing yet\n/* still nothing */\n",
    );
    assert_eq!(loaded.diagnostics[0].code, Code::EmptyFile);
    assert_eq!(loaded.diagnostics.len(), 1);
}

#[test]
fn an_unreadable_path_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.ron");
    let loaded = load_path(&missing);
    assert_eq!(loaded.diagnostics.len(), 1);
    assert_eq!(loaded.diagnostics[0].code, Code::Unreadable);
    assert_eq!(loaded.diagnostics[0].line, 0);
    assert!(loaded.source.is_none());
    assert!(loaded.render_diagnostics().contains("nope.ron"));
    // A folder is not a file either.
    assert_eq!(load_path(dir.path()).diagnostics[0].code, Code::Unreadable);
}

#[test]
fn collecting_files_walks_folders_and_skips_plans_and_careers() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("b/deeper")).unwrap();
    for file in [
        "z.ron",
        "a.ron",
        "a.plans.ron",
        "career.ron",
        "notes.txt",
        "b/deeper/c.ron",
        "b/career.ron",
    ] {
        std::fs::write(root.join(file), "").unwrap();
    }
    let single = root.join("a.plans.ron");
    let files = collect_scenario_files(&[root.to_owned(), single.clone()]).unwrap();
    assert_eq!(
        files,
        vec![
            root.join("a.ron"),
            root.join("b/deeper/c.ron"),
            root.join("z.ron"),
        ]
    );
    // Named explicitly, a plans file is still plans, not a scenario.
    let kinds = kam_trainer::scenario::collect_files(std::slice::from_ref(&single)).unwrap();
    assert_eq!(
        kinds,
        vec![(single.clone(), kam_trainer::scenario::FileKind::Plans)]
    );
    let err = collect_scenario_files(&[root.join("missing")]).unwrap_err();
    assert!(err.contains("missing"), "{err}");
}

#[test]
fn diagnostics_serialise_for_tools() {
    let loaded = load_path(&fixture("unknown-member"));
    let json = serde_json::to_value(&loaded.diagnostics[0]).unwrap();
    assert_eq!(json["code"], "KAM0013");
    assert_eq!(json["severity"], "error");
    assert_eq!(json["line"], 25);
    assert_eq!(json["column"], 71);
    assert!(json["help"].as_str().unwrap().contains("sergey"));
    assert!(json.get("span").is_none());
    let warning = load_path(&fixture("zero-weight"));
    assert_eq!(
        serde_json::to_value(&warning.diagnostics[0]).unwrap()["severity"],
        "warning"
    );
}

#[test]
fn codes_are_unique_and_documented() {
    let docs = std::fs::read_to_string(crate_path("docs/diagnostics.md")).unwrap();
    let mut seen = std::collections::HashSet::new();
    for code in Code::ALL {
        assert!(seen.insert(code.id()), "{} twice", code.id());
        assert!(code.id().starts_with("KAM") && code.id().len() == 7);
        assert!(
            docs.contains(&format!("## {}", code.id())),
            "docs/diagnostics.md lacks a section for {}",
            code.id()
        );
        assert!(
            docs.contains(code.title()),
            "docs lack the title of {}",
            code.id()
        );
    }
    assert_eq!(Code::PassUnreachable.id(), "KAM0901");
    assert_eq!(Code::RandomPlayPasses.id(), "KAM0902");
    assert_eq!(Code::PlanFailed.id(), "KAM0903");
    assert_eq!(Code::PlanFailed.severity(), Severity::Error);
    assert_eq!(Code::UnknownNode.title(), "unknown dialogue node");
}

fn reference_bytes() -> Vec<u8> {
    std::fs::read(crate_path(REFERENCE)).unwrap()
}

#[test]
fn every_truncation_of_the_reference_loads_without_panicking() {
    let bytes = reference_bytes();
    for end in (0..bytes.len()).step_by(13) {
        let loaded = load_bytes(Path::new("cut.ron"), &bytes[..end]);
        assert!(
            loaded.has_errors(),
            "a cut at {end} cannot be a whole scenario"
        );
        let _ = loaded.render_diagnostics();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let loaded = load_bytes(Path::new("fuzz.ron"), &bytes);
        prop_assert!(loaded.has_errors());
        let _ = loaded.render_diagnostics();
    }

    #[test]
    fn mutated_reference_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)
    ) {
        let mut bytes = reference_bytes();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let loaded = load_bytes(Path::new("mutant.ron"), &bytes);
        let _ = loaded.render_diagnostics();
        prop_assert_eq!(loaded.resolved.is_some(), !loaded.has_errors());
        for d in &loaded.diagnostics {
            if let (Some(span), Some(src)) = (&d.span, &loaded.source) {
                prop_assert!(span.start <= span.end && span.end <= src.len());
            }
        }
    }

    #[test]
    fn very_long_lines_never_panic_the_renderer(
        items in 1usize..30_000,
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        // A mutation that puts thousands of list items on one line, with a
        // mistake somewhere in it or after it.
        let list = vec!["\"goal\""; items].join(", ");
        let src = String::from_utf8(reference_bytes())
            .unwrap()
            .replacen("learning_goals: [", &format!("learning_goals: [{list}, 7,"), 1);
        let mut bytes = src.into_bytes();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        let loaded = load_bytes(Path::new("long.ron"), &bytes);
        prop_assert!(loaded.has_errors());
        let rendered = loaded.render_diagnostics();
        // The finding's own line and column are what the header shows.
        let d = &loaded.diagnostics[0];
        if d.line > 0 {
            prop_assert!(rendered.contains(&format!("long.ron:{}:{}", d.line, d.column)), "{}", rendered);
        }
        for line in rendered.lines() {
            prop_assert!(line.chars().count() < 400, "a rendered line of {} characters", line.chars().count());
        }
    }
}
