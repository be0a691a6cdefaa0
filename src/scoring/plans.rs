//! Test plans: scripted playthroughs kept beside a scenario in
//! `NAME.plans.ron`, each saying whether it must pass or fail. `check`
//! plays them so that an edited shift still teaches its lesson: the winning
//! line still wins and the typical mistake still fails. This module loads a
//! plans file with positions, plays its plans (`run_script`, then
//! [`assess`]) and turns every mismatch into a [`Diagnostic`] that points
//! into the plans file.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::assess::{Scores, assess};
use crate::engine::script::{ScriptError, StepNote, TimedAction, run_steps};
use crate::scenario::spans::{self, Path as DocPath};
use crate::scenario::{Code, Diagnostic, PassMarks, Resolved, parse_time, ron_file};

/// What a plan says the shift's verdict must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expect {
    Pass,
    Fail,
}

/// One scripted playthrough and the verdict it must reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// How the plan is named in reports.
    pub name: String,
    /// What the plan shows, in the author's words; quoted when it fails.
    #[serde(default)]
    pub why: String,
    /// The shift's seed (event jitter, `OneOf`): the first seed the plan
    /// is played on.
    pub seed: u64,
    /// How many seeds (`seed`, `seed + 1`, ...) the plan must hold on;
    /// without it, as many as `check` plays (10). `seeds: 1` pins a plan to
    /// its own seed, for a draw only that seed makes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeds: Option<u32>,
    pub expect: Expect,
    /// The trainee's actions, as in a `play --script` file.
    pub steps: Vec<TimedAction>,
}

/// The plans file of `scenario`: `shift.ron` has `shift.plans.ron`.
pub fn plans_path(scenario: &Path) -> PathBuf {
    let name = scenario
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".ron").unwrap_or(&name);
    scenario.with_file_name(format!("{stem}.plans.ron"))
}

/// The scenario a plans file belongs to, or `None` when the name does not
/// end in `.plans.ron`.
pub fn scenario_path(plans: &Path) -> Option<PathBuf> {
    let name = plans.file_name()?.to_string_lossy().into_owned();
    let stem = name.strip_suffix(".plans.ron")?;
    Some(plans.with_file_name(format!("{stem}.ron")))
}

/// A plans file after loading: its plans, and what is wrong with it before
/// any plan is played.
#[derive(Debug, Clone)]
pub struct PlanFile {
    pub path: PathBuf,
    /// The text, when the file could be read.
    pub source: Option<String>,
    /// Empty when the file is not a valid list of plans.
    pub plans: Vec<Plan>,
    /// Whether each plan (by index) can be played: its times are valid
    /// and in order.
    pub playable: Vec<bool>,
    pub diagnostics: Vec<Diagnostic>,
    tree: Option<spans::Value>,
}

impl PlanFile {
    fn new(path: &Path, source: Option<String>) -> Self {
        PlanFile {
            path: path.to_owned(),
            source,
            plans: Vec::new(),
            playable: Vec::new(),
            diagnostics: Vec::new(),
            tree: None,
        }
    }

    /// Byte span of the value at `path` in the file, if it was read.
    fn span(&self, path: &DocPath) -> Option<Range<usize>> {
        self.tree.as_ref().map(|t| t.span_of(path))
    }

    fn at(
        &self,
        code: Code,
        path: &DocPath,
        message: String,
        help: &str,
        label: &str,
    ) -> Diagnostic {
        match (self.span(path), self.source.as_deref()) {
            (Some(span), Some(src)) => Diagnostic::at(
                code,
                &self.path,
                src,
                span,
                message,
                Some(help.to_owned()),
                Some(label.to_owned()),
            ),
            _ => Diagnostic::file_level(code, &self.path, message, Some(help.to_owned())),
        }
    }
}

/// What a blank plans file is told.
const BLANK: ron_file::Blank = ron_file::Blank {
    code: Code::NoPlans,
    message: "the plans file is empty",
    help: FORMAT_HELP,
};

/// Reads and loads a plans file; a file that cannot be read is a diagnostic.
pub fn load_plans(path: &Path) -> PlanFile {
    match ron_file::read(path, "the plans file") {
        Ok(bytes) => load_plans_bytes(path, &bytes),
        Err(e) => {
            let mut file = PlanFile::new(path, None);
            file.diagnostics.push(*e.diagnostic);
            file
        }
    }
}

/// Loads the text of a plans file; `path` is only used in messages.
pub fn load_plans_str(path: &Path, src: &str) -> PlanFile {
    load_plans_bytes(path, src.as_bytes())
}

fn load_plans_bytes(path: &Path, bytes: &[u8]) -> PlanFile {
    let read = match ron_file::decode(path, bytes, &BLANK) {
        Ok(read) => read,
        Err(e) => {
            let mut file = PlanFile::new(path, e.source);
            file.diagnostics.push(*e.diagnostic);
            return file;
        }
    };
    let mut file = PlanFile::new(path, Some(read.source.clone()));
    let text = read.text().to_owned();
    let plans: Vec<Plan> = match ron_file::parse(path, &read) {
        Ok(plans) => plans,
        Err(d) => {
            let mut d = *d;
            let code = d.code;
            let not_a_list =
                spans::parse(&text).is_ok_and(|root| !matches!(root.kind, spans::Kind::List(_)));
            if not_a_list {
                d.message =
                    "a plans file is one list of plans in square brackets `[...]`".to_owned();
                d.label = Some("not a list".to_owned());
            }
            let trailing = d.message.contains("trailing characters");
            d.help = Some(if trailing {
                "a plans file holds exactly one list `[...]` of plans: remove what follows its closing `]`".to_owned()
            } else if not_a_list || code == Code::WrongType && d.message.contains("array") {
                FORMAT_HELP.to_owned()
            } else {
                match d.help {
                    Some(h)
                        if !h.contains("reference-late-shipment")
                            && !h.contains("kam-trainer new") =>
                    {
                        h
                    }
                    _ => FORMAT_HELP.to_owned(),
                }
            });
            file.diagnostics.push(d);
            return file;
        }
    };
    file.tree = spans::parse(&text).ok();
    file.plans = plans;
    if file.plans.is_empty() {
        let d = file.at(
            Code::NoPlans,
            &DocPath::root(),
            "the plans file holds no plans".to_owned(),
            FORMAT_HELP,
            "empty list",
        );
        file.diagnostics.push(d);
    }
    let mut found = Vec::new();
    for (i, plan) in file.plans.iter().enumerate() {
        let here = DocPath::root().index(i);
        let mut playable = true;
        if file.plans[..i].iter().any(|p| p.name == plan.name) {
            found.push(file.at(
                Code::DuplicateId,
                &here.field("name"),
                format!("two plans are named \"{}\"", plan.name),
                "give each plan its own name, so reports can tell them apart",
                "second plan with this name",
            ));
        }
        let mut last = 0;
        for (j, step) in plan.steps.iter().enumerate() {
            let step_path = here.field("steps").index(j);
            let name = &plan.name;
            let mut bad = |field: &'static str, message: String, help: &str, label: &str| {
                found.push(file.at(Code::BadStep, &step_path.field(field), message, help, label));
            };
            match (&step.at, &step.on) {
                (Some(_), Some(_)) => {
                    playable = false;
                    bad(
                        "on",
                        format!("plan \"{name}\", step {}: has both `at` and `on`", j + 1),
                        "a step is done at a clock time (`at: \"09:20\"`) or when something happens (`on: Opened(\"dialogue\")`), not both: remove one",
                        "remove `at` or `on`",
                    );
                    continue;
                }
                (None, None) => {
                    playable = false;
                    bad(
                        "do",
                        format!(
                            "plan \"{name}\", step {}: says neither when (`at`) nor on what (`on`) it is done",
                            j + 1
                        ),
                        "add `at: \"09:20\"` or a cue such as `on: Opened(\"dialogue\")`, `on: Arrived(\"task\")`, `on: Reached(\"dialogue\", \"node\")`",
                        "when?",
                    );
                    continue;
                }
                (None, Some(_)) => continue,
                (Some(_), None) if step.wait > 0 => {
                    playable = false;
                    bad(
                        "wait",
                        format!("plan \"{name}\", step {}: `wait` with `at`", j + 1),
                        "`wait` counts minutes after a cue (`on`); with `at`, write the later time instead",
                        "only with `on`",
                    );
                    continue;
                }
                (Some(_), None) => {}
            }
            let at_text = step.at.as_deref().unwrap_or_default();
            let at = step_path.field("at");
            match parse_time(at_text) {
                None => {
                    playable = false;
                    found.push(file.at(
                        Code::BadTime,
                        &at,
                        format!(
                            "plan \"{}\", step {}: `{}` is not a time of the form HH:MM",
                            plan.name,
                            j + 1,
                            at_text
                        ),
                        "write the time as two-digit hours and minutes, e.g. `09:05`",
                        "not HH:MM",
                    ));
                }
                Some(time) if time < last => {
                    playable = false;
                    found.push(file.at(
                        Code::PlanStepsOutOfOrder,
                        &at,
                        format!(
                            "plan \"{}\", step {} at {} comes before the timed step above it",
                            plan.name,
                            j + 1,
                            at_text
                        ),
                        "keep the steps with `at` in time order; several steps may share a time, and steps on a cue (`on`) may go anywhere",
                        "earlier than the step above",
                    ));
                }
                Some(time) => last = time,
            }
        }
        file.playable.push(playable);
    }
    file.diagnostics.extend(found);
    file.diagnostics.sort_by_key(|d| (d.line, d.column));
    file
}

/// How to write a plans file, for helps.
const FORMAT_HELP: &str = "a plans file is one list of plans: `[(name: \"...\", why: \"...\", seed: 7, expect: Pass, steps: [(at: \"09:02\", do: Answer(dialogue: \"...\", choice: 1))]), ...]` (see docs/authoring.md)";

/// How many seeds `check` plays each plan on, unless the plan says.
pub const PLAN_SEEDS: u32 = 10;

/// What one plan did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanResult {
    pub name: String,
    pub expect: Expect,
    pub seed: u64,
    /// The shift's verdict on the plan's own seed; `None` when the plan
    /// could not be played to the end (a step refused, or the plan has
    /// errors).
    pub passed: Option<bool>,
    /// The verdict is the one `expect` names, on every seed played.
    pub matched: bool,
    pub scores: Option<Scores>,
    pub pass_marks: PassMarks,
    /// Why the plan could not be played to the end on its own seed.
    pub problem: Option<String>,
    /// The reasons of the critical errors the plan commits on its own seed.
    pub critical_errors: Vec<String>,
    /// The other seeds it was played on, and what each gave.
    pub other_seeds: Vec<SeedResult>,
}

/// One more seed a plan was played on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedResult {
    pub seed: u64,
    /// `None` when a step was refused.
    pub passed: Option<bool>,
    pub scores: Option<Scores>,
    pub problem: Option<String>,
}

/// Every plan of a file played on one scenario.
#[derive(Debug, Clone, Default)]
pub struct PlayedPlans {
    pub results: Vec<PlanResult>,
    /// Plans that did not match and steps that were refused, positioned in
    /// the plans file.
    pub diagnostics: Vec<Diagnostic>,
}

impl PlayedPlans {
    /// Plans played to the end of the shift.
    pub fn ran(&self) -> usize {
        self.results.iter().filter(|r| r.passed.is_some()).count()
    }

    /// Plans whose verdict is the expected one.
    pub fn matched(&self) -> usize {
        self.results.iter().filter(|r| r.matched).count()
    }
}

/// One play of a plan on one seed.
struct Played {
    verdict: Result<(bool, Scores), ScriptError>,
    critical: Vec<String>,
    notes: Vec<StepNote>,
}

fn play_once(plan: &Plan, scenario: &Arc<Resolved>, seed: u64) -> Played {
    match run_steps(Arc::clone(scenario), seed, &plan.steps) {
        Ok(run) => {
            let verdict = assess(scenario, &run.shift.outcome());
            Played {
                verdict: Ok((verdict.passed, verdict.scores)),
                critical: verdict
                    .critical
                    .iter()
                    .map(|e| {
                        scenario
                            .answer(&e.dialogue, &e.node, &e.choice)
                            .and_then(|(_, c)| c.critical.clone())
                            .unwrap_or_else(|| {
                                format!("{}/{} answer {}", e.dialogue, e.node, e.choice)
                            })
                    })
                    .collect(),
                notes: run.notes,
            }
        }
        Err(error) => Played {
            verdict: Err(error),
            critical: Vec::new(),
            notes: Vec::new(),
        },
    }
}

/// Plays every playable plan of `file` on `scenario`, on its own seed and
/// on the next ones up to `seeds` in all (fewer when the plan says), and
/// compares each verdict with the plan's `expect`. Pure: the same inputs
/// give the same results.
pub fn play_plans(file: &PlanFile, scenario: &Arc<Resolved>, seeds: u32) -> PlayedPlans {
    let mut played = PlayedPlans::default();
    let marks = scenario.scoring.pass;
    for (i, plan) in file.plans.iter().enumerate() {
        let here = DocPath::root().index(i);
        let mut result = PlanResult {
            name: plan.name.clone(),
            expect: plan.expect,
            seed: plan.seed,
            passed: None,
            matched: false,
            scores: None,
            pass_marks: marks,
            problem: None,
            critical_errors: Vec::new(),
            other_seeds: Vec::new(),
        };
        if !file.playable.get(i).copied().unwrap_or(false) {
            result.problem = Some("the plan has errors".to_owned());
            played.results.push(result);
            continue;
        }
        let expect_pass = plan.expect == Expect::Pass;
        let first = play_once(plan, scenario, plan.seed);
        result.critical_errors = first.critical.clone();
        let mut warned = Vec::new();
        for note in &first.notes {
            let StepNote::NumberForNamedAnswer {
                step,
                dialogue,
                node,
                choice,
                id,
            } = note;
            if warned.contains(&(dialogue, node)) {
                continue;
            }
            warned.push((dialogue, node));
            let help = match id {
                Some(id) => format!(
                    "write `choice: \"{id}\"`: a number plays whatever answer is in that place after the node is edited, an id always the same answer"
                ),
                None => "this answer has no `id` while its neighbours do: give it one in the scenario and name it by that id here".to_owned(),
            };
            played.diagnostics.push(file.at(
                Code::AnswerByNumber,
                &here.field("steps").index(step - 1),
                format!(
                    "plan \"{}\", step {step} names answer {choice} of node `{node}` (dialogue `{dialogue}`) by its number, but the node's answers have ids",
                    plan.name
                ),
                &help,
                "answer by number",
            ));
        }
        match &first.verdict {
            Ok((passed, scores)) => {
                result.passed = Some(*passed);
                result.scores = Some(*scores);
                if *passed != expect_pass {
                    played.diagnostics.push(file.at(
                        Code::PlanFailed,
                        &here.field("name"),
                        mismatch_message(plan, *scores, marks, &first.critical),
                        mismatch_help(plan.expect),
                        match plan.expect {
                            Expect::Pass => "expected to pass, failed",
                            Expect::Fail => "expected to fail, passed",
                        },
                    ));
                }
            }
            Err(error) => {
                result.problem = Some(error.to_string());
                played
                    .diagnostics
                    .push(refused_diagnostic(file, plan, &here, error));
            }
        }
        let count = plan.seeds.unwrap_or(seeds).max(1);
        let mut refused = Vec::new();
        let mut differs = Vec::new();
        for k in 1..count {
            let seed = plan.seed.wrapping_add(u64::from(k));
            let other = play_once(plan, scenario, seed);
            let (passed, scores, problem) = match other.verdict {
                Ok((p, s)) => (Some(p), Some(s), None),
                Err(e) => (None, None, Some(e.to_string())),
            };
            match (passed, &problem) {
                (None, Some(p)) => refused.push((seed, p.clone())),
                (Some(p), _) if p != expect_pass => differs.push((seed, scores)),
                _ => {}
            }
            result.other_seeds.push(SeedResult {
                seed,
                passed,
                scores,
                problem,
            });
        }
        result.matched =
            result.passed == Some(expect_pass) && refused.is_empty() && differs.is_empty();
        if result.passed == Some(expect_pass) && (!refused.is_empty() || !differs.is_empty()) {
            played.diagnostics.push(seed_diagnostic(
                file, plan, &here, &refused, &differs, marks,
            ));
        }
        played.results.push(result);
    }
    played
}

fn refused_diagnostic(
    file: &PlanFile,
    plan: &Plan,
    here: &DocPath,
    error: &ScriptError,
) -> Diagnostic {
    let step = error.step().unwrap_or(1);
    let help = match error {
        ScriptError::WrongAnswer(_) => {
            "the answers of this node were added to, removed or reordered since the plan was written: name the answer by its `id` (`choice: \"...\"`), or correct the number and its `says`"
        }
        ScriptError::NeverHappened { .. } => {
            "check that the cue is right (the dialogue, node or task id) and that it happens on this seed: `kam-trainer play SCENARIO --seed N --policy greedy` lists what happens and when"
        }
        ScriptError::UnknownCue { .. } => "name a dialogue, node or task of the scenario",
        _ => {
            "a step timed with `at` is done at that time: move it to a time the shift allows (the dialogue is waiting for an answer, the task has arrived, you are not busy with your own work), time it by what happens instead (`on: Opened(\"dialogue\")`, `on: Arrived(\"task\")`), or fix the id; `kam-trainer play SCENARIO --seed N --script FILE` shows the shift step by step"
        }
    };
    file.at(
        Code::PlanStepRefused,
        &here.field("steps").index(step - 1),
        format!("plan \"{}\", {error}", plan.name),
        help,
        "refused",
    )
}

fn seed_diagnostic(
    file: &PlanFile,
    plan: &Plan,
    here: &DocPath,
    refused: &[(u64, String)],
    differs: &[(u64, Option<Scores>)],
    marks: PassMarks,
) -> Diagnostic {
    let mut parts = Vec::new();
    if !refused.is_empty() {
        let seeds: Vec<String> = refused.iter().map(|(s, _)| s.to_string()).collect();
        parts.push(format!(
            "a step is refused on seed(s) {} (seed {}: {})",
            seeds.join(", "),
            refused[0].0,
            refused[0].1
        ));
    }
    if !differs.is_empty() {
        let seeds: Vec<String> = differs.iter().map(|(s, _)| s.to_string()).collect();
        let (verdict, first) = (
            match plan.expect {
                Expect::Pass => "fails",
                Expect::Fail => "passes",
            },
            differs[0],
        );
        let scores = first
            .1
            .map(|s| {
                format!(
                    " (seed {}: loyalty {}/{}, stress {}/{}, priorities {}/{})",
                    first.0,
                    s.loyalty,
                    marks.loyalty,
                    s.stress,
                    marks.stress,
                    s.priorities,
                    marks.priorities
                )
            })
            .unwrap_or_default();
        parts.push(format!(
            "the shift {verdict} on seed(s) {}{scores}",
            seeds.join(", ")
        ));
    }
    file.at(
        Code::PlanSeedDependent,
        &here.field("seed"),
        format!(
            "plan \"{}\" holds on its seed {} but not on every seed: {}",
            plan.name,
            plan.seed,
            parts.join("; ")
        ),
        "time the steps by what happens (`on: Opened(\"dialogue\")`, `on: Arrived(\"task\")`, with `wait: N` for a delay) instead of by the clock, so a jittered event is answered whenever it comes; mark steps of a branch that may not come `optional: true`; or pin a plan for one draw with `seeds: 1`",
        "not on every seed",
    )
}

fn mismatch_message(plan: &Plan, s: Scores, marks: PassMarks, critical: &[String]) -> String {
    let score = |name: &str, got: u32, mark: u32| {
        if got < mark {
            format!("{name} {got} (below the pass mark {mark})")
        } else {
            format!("{name} {got} (pass mark {mark})")
        }
    };
    let scores = [
        score("loyalty", s.loyalty, marks.loyalty),
        score("stress", s.stress, marks.stress),
        score("priorities", s.priorities, marks.priorities),
    ]
    .join(", ");
    let (expected, got) = match plan.expect {
        Expect::Pass => ("pass", "failed"),
        Expect::Fail => ("fail", "passed"),
    };
    let mut message = format!(
        "plan \"{}\" is expected to {expected} but the shift {got}: {scores}",
        plan.name
    );
    if !critical.is_empty() {
        message.push_str(&format!(
            "; critical error (fails the run whatever the scores): {}",
            critical.join("; ")
        ));
    }
    if !plan.why.trim().is_empty() {
        message.push_str(&format!("; the plan: {}", plan.why.trim()));
    }
    message
}

fn mismatch_help(expect: Expect) -> &'static str {
    match expect {
        Expect::Pass => {
            "this line of play should win: if the scenario was edited, make it winnable again (softer effects, more team hours, later deadlines, lower pass marks); if the plan is out of date, update its steps; `kam-trainer play SCENARIO --seed N --script FILE --json` shows every decision's effect"
        }
        Expect::Fail => {
            "this mistake should lose the shift: make its choices cost more (loyalty, stress, late tasks) or raise the pass marks; if the plan no longer shows the mistake, update its steps"
        }
    }
}
