//! What makes the scores measure judgement: a placating answer counts
//! against stress handling, a critical error fails a run whatever its
//! scores, conversations the trainee opens, answers shown in an order the
//! seed shuffles, answers named by id, and the warnings `check` gives when a
//! player who does not read could pass.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use kam_trainer::engine::policy::{Policy, autoplay};
use kam_trainer::engine::script::{Cue, ScriptError, TimedAction, run_script, run_steps};
use kam_trainer::engine::{ActError, Action, ChoiceRef, DecisionKind, Shift};
use kam_trainer::report::export::XapiOptions;
use kam_trainer::report::{
    ExportOptions, FindingKind, Format, Profiles, RunRecord, ScenarioIndex, export_runs, verify_run,
};
use kam_trainer::scenario::{Code, Resolved, Tone, load_path, load_str};
use kam_trainer::scoring::assess::assess;
use kam_trainer::scoring::plans::{load_plans, load_plans_str, play_plans};
use serde_json::Value;

use crate::common::root;

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/judgement").join(name)
}

fn initiative() -> Arc<Resolved> {
    load_path(&fixture("initiative.ron")).resolved.unwrap()
}

fn answer(dialogue: &str, choice: impl Into<ChoiceRef>) -> Action {
    Action::Answer {
        dialogue: dialogue.into(),
        choice: choice.into(),
    }
}

/// The price call answered with `choice` as soon as it opens; the shelf
/// given to Lena; nothing else.
fn price_call(choice: &str) -> Shift {
    let script = vec![
        TimedAction::on(
            Cue::Arrived("shelf".into()),
            Action::Assign {
                task: "shelf".into(),
                to: "lena".into(),
            },
        ),
        TimedAction::on(Cue::Opened("price".into()), answer("price", choice)),
    ];
    run_script(initiative(), 1, &script).unwrap()
}

#[test]
fn placating_is_a_destructive_tone_and_costs_stress_handling() {
    assert!(!Tone::Placating.is_constructive());
    assert!(Tone::ALL.iter().all(|t| !t.meaning().is_empty()));
    let sc = initiative();
    let calm = assess(&sc, &price_call("value").outcome());
    let placating = assess(&sc, &price_call("match").outcome());
    assert_eq!(calm.scores.stress, 100);
    assert!(
        placating.scores.stress < 50,
        "a placating answer under a timer scores as destructive: {}",
        placating.scores.stress
    );
    // It pleased the client more than the right answer did.
    assert!(placating.scores.loyalty > calm.scores.loyalty);
}

#[test]
fn a_critical_error_fails_a_run_whatever_its_scores() {
    // The same shift with every pass mark at zero: only the critical error
    // can fail it.
    let src = std::fs::read_to_string(fixture("initiative.ron"))
        .unwrap()
        .replace(
            "pass: (loyalty: 60, stress: 50, priorities: 60)",
            "pass: (loyalty: 0, stress: 0, priorities: 0)",
        );
    let sc = load_str(Path::new("zero-marks.ron"), &src)
        .resolved
        .unwrap();
    let run = |choice: &str| {
        let script = vec![TimedAction::on(
            Cue::Opened("price".into()),
            answer("price", choice),
        )];
        let shift = run_script(Arc::clone(&sc), 1, &script).unwrap();
        assess(&sc, &shift.outcome())
    };
    let good = run("value");
    assert!(good.passed && good.critical.is_empty());
    let bad = run("match");
    assert!(!bad.passed, "a critical error fails the run");
    assert!(bad.scores.loyalty > good.scores.loyalty);
    assert_eq!(bad.critical.len(), 1);
    let e = kam_trainer::messages::critical(Some(&sc), &bad.critical[0]);
    assert_eq!(
        e.reason,
        "a discount beyond the representative's 5% mandate"
    );
    assert!(e.said.contains("12% off"), "{}", e.said);
    assert_eq!(e.feedback, "You gave away more than you may.");
}

/// A run record of the price call answered with `choice`.
fn record(choice: &str) -> RunRecord {
    let t = Timestamp::from_second(1_790_000_000).unwrap();
    crate::common::record(
        "Анна",
        &fixture("initiative.ron"),
        &price_call(choice),
        t,
        t,
    )
}

#[test]
fn a_critical_error_reaches_the_record_the_exports_and_verify() {
    let run = record("match");
    assert!(!run.passed);
    assert_eq!(run.critical_errors.len(), 1);

    let runs = vec![run.clone()];
    let profiles = Profiles::default();
    // The record holds facts; the scenario file words the reason.
    let mut index = ScenarioIndex::default();
    let path = fixture("initiative.ron");
    index.add(&path, &std::fs::read(&path).unwrap());
    let with_scenario = ExportOptions {
        scenarios: Some(&index),
        ..ExportOptions::default()
    };
    let csv = export_runs(Format::Csv, &runs, &profiles, &with_scenario).unwrap();
    let text = String::from_utf8(csv).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row = lines.next().unwrap();
    let col = header.iter().position(|h| *h == "critical_errors").unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(row.as_bytes());
    let cells = reader.records().next().unwrap().unwrap();
    assert_eq!(&cells[col], "1");
    assert_eq!(
        &cells[col + 1],
        "a discount beyond the representative's 5% mandate"
    );

    let options = ExportOptions {
        xapi: XapiOptions {
            home_page: "https://lms.example.com/".into(),
            activity_base: "https://training.example.com/kam/".into(),
            decisions: true,
        },
        scenarios: Some(&index),
        ..ExportOptions::default()
    };
    let xapi = export_runs(Format::Xapi, &runs, &profiles, &options).unwrap();
    let statements: Vec<Value> = serde_json::from_slice(&xapi).unwrap();
    let main = &statements[0];
    assert_eq!(main["result"]["success"], false);
    assert_eq!(main["verb"]["display"]["en-US"], "failed");
    let errors = &main["result"]["extensions"]["https://training.example.com/kam/extensions/critical-errors"];
    assert_eq!(
        errors[0]["reason"],
        "a discount beyond the representative's 5% mandate"
    );
    let critical_answer = statements.iter().find(|s| {
        s["result"]["extensions"]
            .get("https://training.example.com/kam/extensions/critical-error")
            .is_some()
    });
    assert_eq!(critical_answer.unwrap()["result"]["success"], false);

    // Verify replays it and agrees; a record that drops the error does not.
    assert_eq!(verify_run(&run, &index), vec![]);
    let mut tampered = run.clone();
    tampered.critical_errors.clear();
    tampered.passed = true;
    let kinds: Vec<FindingKind> = verify_run(&tampered, &index)
        .into_iter()
        .map(|f| f.kind)
        .collect();
    assert!(kinds.contains(&FindingKind::Critical), "{kinds:?}");
    assert!(kinds.contains(&FindingKind::Verdict), "{kinds:?}");
}

#[test]
fn the_trainee_opens_a_conversation_only_while_it_is_offered() {
    let sc = initiative();
    let mut shift = Shift::from_resolved(Arc::clone(&sc), 1);
    let call = sc
        .dialogues
        .iter()
        .position(|d| &*d.id == "call-shop")
        .unwrap();
    let open = || Action::Open {
        dialogue: "call-shop".into(),
    };
    assert!(shift.offered_initiatives().is_empty());
    assert!(matches!(
        shift.act(open()),
        Err(ActError::NotOffered { .. })
    ));
    assert!(matches!(
        shift.act(Action::Open {
            dialogue: "price".into()
        }),
        Err(ActError::NoInitiative(_))
    ));
    shift.advance_to(9 * 60 + 30);
    assert_eq!(shift.offered_initiatives(), vec![call]);
    shift.act(open()).unwrap();
    assert_eq!(shift.dialogue_opened_at(call), Some(9 * 60 + 30));
    assert_eq!(shift.conversations().len(), 1);
    let d = shift.decisions().last().unwrap();
    assert_eq!(d.kind, DecisionKind::Action(open()));
    assert_eq!(
        kam_trainer::messages::decision(Some(&sc), d).text,
        "Call Nina Petrovna about the late delivery"
    );
    // Opened once, it is no longer offered, even while its condition holds.
    assert!(shift.offered_initiatives().is_empty());
    assert!(matches!(
        shift.act(open()),
        Err(ActError::NotOffered { .. })
    ));
    shift.act(answer("call-shop", "tell")).unwrap();
    assert!(shift.conversations().is_empty());
}

#[test]
fn an_offer_passes_when_its_moment_passes_and_waits_while_the_trainee_works() {
    let sc = initiative();
    let mut late = Shift::from_resolved(Arc::clone(&sc), 1);
    late.advance_to(11 * 60);
    assert!(
        late.offered_initiatives().is_empty(),
        "the flag is unset at 11:00"
    );

    let mut busy = Shift::from_resolved(Arc::clone(&sc), 1);
    busy.advance_to(9 * 60 + 30);
    busy.act(Action::TakeBreak { minutes: 15 }).unwrap();
    assert!(matches!(
        busy.act(Action::Open {
            dialogue: "call-shop".into()
        }),
        Err(ActError::Busy(_))
    ));
}

#[test]
fn the_greedy_player_takes_the_initiative_and_random_play_at_random_moments() {
    let sc = initiative();
    let opened_at = |policy: Policy, seed: u64| {
        autoplay(Arc::clone(&sc), seed, policy)
            .decisions()
            .iter()
            .find(|d| matches!(&d.kind, DecisionKind::Action(Action::Open { .. })))
            .map(|d| d.time)
    };
    assert_eq!(opened_at(Policy::Greedy, 1), Some(9 * 60 + 30));
    let random: std::collections::BTreeSet<Option<u32>> =
        (1..=40).map(|s| opened_at(Policy::Random, s)).collect();
    assert!(random.len() > 3, "{random:?}");
}

#[test]
fn plans_timed_by_what_happens_hold_on_every_seed() {
    let sc = initiative();
    let file = load_plans(&fixture("initiative.plans.ron"));
    assert!(file.diagnostics.is_empty(), "{:?}", file.diagnostics);
    let played = play_plans(&file, &sc, 10);
    assert!(played.diagnostics.is_empty(), "{:?}", played.diagnostics);
    assert_eq!(played.matched(), 2);
    for r in &played.results {
        assert_eq!(r.other_seeds.len(), 9);
    }
    // The price call opens at a different minute on different seeds, and
    // the plan answered it two minutes after each.
    let minutes: std::collections::BTreeSet<u32> = (1..=10)
        .map(|seed| {
            let shift = run_script(Arc::clone(&sc), seed, &file.plans[0].steps).unwrap();
            let d = shift
                .decisions()
                .iter()
                .find(|d| d.kind == DecisionKind::Action(answer("price", "value")))
                .unwrap();
            d.time
        })
        .collect();
    assert!(minutes.len() > 3, "{minutes:?}");
    // The failing plan fails for its critical error.
    assert_eq!(
        played.results[1].critical_errors,
        vec!["a discount beyond the representative's 5% mandate".to_owned()]
    );
}

#[test]
fn a_plan_timed_by_the_clock_is_reported_on_the_seeds_it_misses() {
    let sc = initiative();
    let src = r#"[(name: "by the clock", seed: 1, expect: Pass, steps: [
        (at: "09:30", do: Open(dialogue: "call-shop")),
        (at: "09:31", do: Answer(dialogue: "call-shop", choice: "tell")),
        (at: "10:00", do: Answer(dialogue: "price", choice: "value")),
        (at: "10:20", do: Assign(task: "shelf", to: "lena")),
    ])]"#;
    let file = load_plans_str(Path::new("clock.plans.ron"), src);
    let played = play_plans(&file, &sc, 10);
    let codes: Vec<Code> = played.diagnostics.iter().map(|d| d.code).collect();
    assert!(
        codes.contains(&Code::PlanSeedDependent) || codes.contains(&Code::PlanStepRefused),
        "{:?}",
        played.diagnostics
    );
    assert!(!played.results[0].matched);
}

#[test]
fn a_cue_that_never_comes_is_reported_unless_the_step_is_optional() {
    let sc = initiative();
    let never = vec![TimedAction::on(
        Cue::Reached("call-shop".into(), "open".into()),
        answer("call-shop", "tell"),
    )];
    let err = run_steps(Arc::clone(&sc), 1, &never).unwrap_err();
    assert!(
        matches!(err, ScriptError::NeverHappened { step: 1, .. }),
        "{err}"
    );
    let mut optional = never.clone();
    optional[0].optional = true;
    assert!(run_steps(Arc::clone(&sc), 1, &optional).is_ok());
    let unknown = vec![TimedAction::on(
        Cue::Arrived("shelve".into()),
        answer("price", "value"),
    )];
    let err = run_steps(sc, 1, &unknown).unwrap_err().to_string();
    assert!(err.contains("did you mean `shelf`"), "{err}");
}

/// The fixture with the answers of the price node in another order.
fn reordered() -> String {
    let src = std::fs::read_to_string(fixture("initiative.ron")).unwrap();
    let lines: Vec<&str> = src.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.contains(r#"(id: "value""#))
        .unwrap();
    let end = lines
        .iter()
        .position(|l| l.contains(r#"(id: "policy""#))
        .unwrap();
    // value (2 lines), match (3 lines), policy (2 lines) become policy, match, value.
    let value = &lines[start..start + 2];
    let matched = &lines[start + 2..end];
    let policy = &lines[end..end + 2];
    let mut out: Vec<&str> = lines[..start].to_vec();
    out.extend(policy);
    out.extend(matched);
    out.extend(value);
    out.extend(&lines[end + 2..]);
    out.join("\n")
}

#[test]
fn renumbered_answers_are_caught_in_every_plan_that_would_play_another_one() {
    let original = initiative();
    let edited = load_str(Path::new("reordered.ron"), &reordered())
        .resolved
        .expect("the reordered scenario is valid");
    let price = |sc: &Resolved| {
        let d = sc.dialogues.iter().find(|d| &*d.id == "price").unwrap();
        d.nodes[0]
            .choices
            .iter()
            .map(|c| c.say.clone())
            .collect::<Vec<_>>()
    };
    assert_ne!(price(&original), price(&edited), "the answers moved");

    // Plans that name answers by id play the same answers after the edit.
    let by_id = load_plans(&fixture("initiative.plans.ron"));
    let before = play_plans(&by_id, &original, 3);
    let after = play_plans(&by_id, &edited, 3);
    assert!(after.diagnostics.is_empty(), "{:?}", after.diagnostics);
    for (b, a) in before.results.iter().zip(&after.results) {
        assert_eq!((b.passed, b.scores), (a.passed, a.scores), "{}", b.name);
    }

    // Plans that name them by number with the words they meant are caught
    // on every step that now plays another answer; a number with an id
    // beside it is warned about either way.
    let by_number = r#"[
        (name: "value by number", seed: 1, expect: Pass, steps: [
            (on: Offered("call-shop"), do: Open(dialogue: "call-shop")),
            (on: Opened("call-shop"), do: Answer(dialogue: "call-shop", choice: 1), says: "Tomorrow's delivery"),
            (on: Arrived("shelf"), do: Assign(task: "shelf", to: "lena")),
            (on: Opened("price"), do: Answer(dialogue: "price", choice: 1), says: "Let's compare"),
        ]),
        (name: "match by number", seed: 1, expect: Fail, steps: [
            (on: Opened("price"), do: Answer(dialogue: "price", choice: 2), says: "For you, yes"),
        ]),
        (name: "policy by number", seed: 1, expect: Fail, steps: [
            (on: Opened("price"), do: Answer(dialogue: "price", choice: 3), says: "Prices are set"),
        ]),
    ]"#;
    let file = load_plans_str(Path::new("numbers.plans.ron"), by_number);
    let on_original = play_plans(&file, &original, 1);
    assert!(
        on_original
            .diagnostics
            .iter()
            .all(|d| d.code == Code::AnswerByNumber),
        "{:?}",
        on_original.diagnostics
    );
    assert_eq!(on_original.matched(), 3);
    let on_edited = play_plans(&file, &edited, 1);
    let wrong: Vec<&str> = on_edited
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::PlanStepRefused)
        .map(|d| d.message.as_str())
        .collect();
    // "value" moved from 1 to 3 and "policy" from 3 to 1; "match" stayed 2.
    assert_eq!(wrong.len(), 2, "{wrong:?}");
    assert!(wrong[0].contains("now answer 3"), "{}", wrong[0]);
    assert!(wrong[1].contains("now answer 1"), "{}", wrong[1]);
    let error = run_steps(Arc::clone(&edited), 1, &file.plans[0].steps).unwrap_err();
    assert!(
        matches!(&error, ScriptError::WrongAnswer(w) if w.step == 4),
        "{error}"
    );
}

#[test]
fn an_answer_is_named_by_its_id_or_a_number_the_node_has() {
    let sc = initiative();
    let mut shift = Shift::from_resolved(sc, 1);
    while shift.conversations().is_empty() {
        shift.advance_to(shift.next_change());
    }
    let err = shift.act(answer("price", 5)).unwrap_err().to_string();
    assert!(
        err.contains("node `ask` of dialogue `price` has 3 answer(s), so there is no answer 5"),
        "{err}"
    );
    let err = shift
        .act(answer("price", "discount"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no answer with id `discount`"), "{err}");
    assert!(err.contains("1 `value`, 2 `match`, 3 `policy`"), "{err}");
    // By number, the log still names the answer by its id.
    shift.act(answer("price", 1)).unwrap();
    assert_eq!(
        shift.decisions().last().unwrap().kind,
        DecisionKind::Action(answer("price", "value"))
    );
}

#[test]
fn the_shown_order_is_shuffled_by_the_seed_and_the_same_for_the_same_seed() {
    let sc = initiative();
    let order = |seed: u64| {
        let mut shift = Shift::from_resolved(Arc::clone(&sc), seed);
        shift.advance_to(9 * 60 + 40);
        while shift.conversations().is_empty() {
            shift.advance_to(shift.next_change());
        }
        let c = shift.conversations()[0];
        let mut offered = shift.offered_choices(&c);
        let shown = shift.shown_choices(&c);
        let again = shift.shown_choices(&c);
        assert_eq!(shown, again);
        let mut sorted = shown.clone();
        sorted.sort_unstable();
        offered.sort_unstable();
        assert_eq!(sorted, offered, "a permutation of what is offered");
        shown
    };
    assert_eq!(order(3), order(3));
    let orders: std::collections::BTreeSet<Vec<usize>> = (1..=30).map(order).collect();
    assert!(orders.len() >= 4, "{orders:?}");
    // Showing answers draws nothing from the shift's own generator.
    let a = autoplay(Arc::clone(&sc), 9, Policy::Greedy).outcome();
    let b = autoplay(Arc::clone(&sc), 9, Policy::FirstShown);
    assert_eq!(a.tasks[0].arrived_at, b.outcome().tasks[0].arrived_at);
}

fn check_json(path: &Path, runs: &str) -> Vec<Value> {
    let out = crate::common::kam()
        .args(["check", "--json", "--runs", runs])
        .arg(path)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn check_warns_when_a_player_who_does_not_read_passes() {
    let report = &check_json(&fixture("gamed.ron"), "200")[0];
    let codes = codes(report);
    assert!(codes.contains(&"KAM0910".to_owned()), "{codes:?}");
    assert!(codes.contains(&"KAM0911".to_owned()), "{codes:?}");
    let strategies = report["strategies"].as_array().unwrap();
    let longest = strategies
        .iter()
        .find(|s| s["policy"] == "longest")
        .unwrap();
    assert_eq!(longest["passed"], 200);
    assert_eq!(report["longest_best"]["longest"], 2);
    assert_eq!(report["greedy_passes"], true);
}

#[test]
fn no_player_who_does_not_read_passes_a_shipped_shift() {
    let reports = check_json(&root().join("scenarios"), "200");
    let mut shifts = 0;
    for r in &reports {
        let Some(mc) = r.get("monte_carlo").filter(|m| !m.is_null()) else {
            continue;
        };
        shifts += 1;
        let file = r["file"].as_str().unwrap();
        assert_eq!(r["warnings"], 0, "{file}: {:?}", codes(r));
        assert_eq!(r["errors"], 0, "{file}: {:?}", codes(r));
        assert_eq!(r["greedy_passes"], true, "{file}");
        let rate = |m: &Value| m["passed"].as_f64().unwrap() / m["runs"].as_f64().unwrap();
        assert!(rate(mc) <= 0.10, "{file}: random play {}", rate(mc));
        for s in r["strategies"].as_array().unwrap() {
            assert!(rate(s) <= 0.10, "{file}: {} {}", s["policy"], rate(s));
        }
    }
    assert_eq!(shifts, 15, "the course has fifteen shifts");
}
