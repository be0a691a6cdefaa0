//! The ladder Merchandiser → Sales Representative → Supervisor → Sales
//! Manager → Key Account Manager: which scenarios belong to which stage, how
//! many of them a trainee must pass, and the promotion rules as pure
//! functions over a trainee's runs. No IO except [`load_course`] and
//! [`load_course_dir`], which read the optional course file
//! `scenarios/career.ron` and report its mistakes as [`Diagnostic`]s.
//!
//! The rules:
//! - a stage is passed when at least `to_pass` of its scenarios have a passed
//!   run; a stage without scenarios is never passed (the trainee waits there
//!   until the course has shifts for it);
//! - the trainee's stage is the first stage, from the one they have already
//!   reached, that is not yet passed; Key Account Manager, the top, stays;
//! - runs count by scenario id, so a scenario whose file changed after it was
//!   passed still counts; a failed replay never undoes a pass;
//! - a stage once reached is never taken back (the caller passes it as the
//!   `reached` floor), even if the course file changes later;
//! - scenarios of stages at or below the trainee's are unlocked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::record::RunRecord;
use crate::scenario::spans::{self, Path as DocPath};
use crate::scenario::{
    Code, Diagnostic, Severity, Stage, collect_scenario_files, load_path, ron_file,
};

/// The course file's name inside a scenarios folder.
pub const COURSE_FILE: &str = "career.ron";

/// `career.ron` as an author writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseFile {
    pub stages: Vec<CourseStage>,
}

/// One stage of `career.ron`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseStage {
    pub stage: Stage,
    /// What the role is about, in a sentence or two (shown on the ladder).
    #[serde(default)]
    pub about: String,
    /// Scenario ids, in the order the trainee sees them.
    pub scenarios: Vec<String>,
    /// How many of the scenarios must be passed; default all but one, at
    /// least one.
    #[serde(default)]
    pub to_pass: Option<u32>,
}

/// The course as the game and the rules use it: all five stages in ladder
/// order, each with its scenarios.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Career {
    pub stages: Vec<CareerStage>,
    /// Scenarios that exist but are in no stage of the course file: they
    /// can be played (unlocked by their declared stage) but do not count
    /// towards a promotion.
    pub outside: Vec<(String, Stage)>,
}

/// One rung of the ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CareerStage {
    pub stage: Stage,
    pub about: String,
    /// Scenario ids in order.
    pub scenarios: Vec<String>,
    /// How many of `scenarios` must be passed (0 only when there are none).
    pub to_pass: usize,
}

/// The course file after loading: the career to use (built from the valid
/// parts of the file when it has errors) and every finding about it.
#[derive(Debug, Clone)]
pub struct CourseLoad {
    pub career: Career,
    /// The course file, when there is one.
    pub path: Option<PathBuf>,
    pub source: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl CourseLoad {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Every diagnostic rendered against the course file's text.
    pub fn render_diagnostics(&self) -> String {
        Diagnostic::render_all(&self.diagnostics, self.source.as_deref())
    }
}

/// The default `about` of each stage, used when the course file gives none.
pub fn default_about(stage: Stage) -> &'static str {
    match stage {
        Stage::Merchandiser => {
            "Keeps the company's products on the store shelf: lays them out to the planogram, sets up promo displays, watches stock and price tags, and settles small disputes with store staff on the spot. The first rung, where you learn the product and the stores from the inside."
        }
        Stage::SalesRepresentative => {
            "Visits the stores of a territory, takes orders, agrees on shelf space and promotions with store managers and answers their objections; the first role with clients of your own and a sales plan."
        }
        Stage::Supervisor => {
            "Leads a team of sales representatives and merchandisers: plans their routes and hours, covers when someone is out, checks the work in the stores and keeps the team's promises to clients."
        }
        Stage::SalesManager => {
            "Owns the sales of a channel or region: negotiates terms with chains and distributors, balances price, volume and the team's capacity, and brings in and keeps profitable clients."
        }
        Stage::KeyAccountManager => {
            "The one point of contact for the company's most valuable clients: knows their business and numbers, leads a team drawn from logistics, marketing and accounting under tight deadlines, and keeps the client loyal when things go wrong."
        }
    }
}

/// "All but one, at least one" (and none when there is nothing to pass).
pub fn default_to_pass(count: usize) -> usize {
    match count {
        0 => 0,
        n => (n - 1).max(1),
    }
}

impl Career {
    /// Without a course file: the scenarios grouped by their declared stage,
    /// ordered by id, with the default texts.
    pub fn by_declared_stage(scenarios: &[(String, Stage)]) -> Career {
        let stages = Stage::ALL
            .iter()
            .map(|&stage| {
                let ids: BTreeSet<&str> = scenarios
                    .iter()
                    .filter(|(_, s)| *s == stage)
                    .map(|(id, _)| id.as_str())
                    .collect();
                CareerStage {
                    stage,
                    about: default_about(stage).to_owned(),
                    to_pass: default_to_pass(ids.len()),
                    scenarios: ids.into_iter().map(str::to_owned).collect(),
                }
            })
            .collect();
        Career {
            stages,
            outside: Vec::new(),
        }
    }

    /// The rung of `stage` (every career has all five).
    pub fn stage(&self, stage: Stage) -> &CareerStage {
        self.stages
            .iter()
            .find(|s| s.stage == stage)
            .expect("a career has every stage")
    }

    /// The stage a scenario counts for, or `None` when the course does not
    /// know it.
    pub fn stage_of(&self, scenario: &str) -> Option<Stage> {
        self.stages
            .iter()
            .find(|s| s.scenarios.iter().any(|id| id == scenario))
            .map(|s| s.stage)
            .or_else(|| {
                self.outside
                    .iter()
                    .find(|(id, _)| id == scenario)
                    .map(|(_, s)| *s)
            })
    }

    /// Whether a trainee at `trainee` may play a scenario of `scenario_stage`.
    pub fn is_unlocked(scenario_stage: Stage, trainee: Stage) -> bool {
        scenario_stage <= trainee
    }

    /// The stage a scenario counts for: where the course lists it, else the
    /// stage it declares.
    pub fn stage_for(&self, scenario: &str, declared: Stage) -> Stage {
        self.stage_of(scenario).unwrap_or(declared)
    }

    /// Whether a trainee at `trainee` may play this scenario: the one rule
    /// the game's career screen and `play --profile` both follow. `Err`
    /// holds the stage it unlocks at.
    pub fn may_play(&self, scenario: &str, declared: Stage, trainee: Stage) -> Result<(), Stage> {
        let stage = self.stage_for(scenario, declared);
        if Career::is_unlocked(stage, trainee) {
            Ok(())
        } else {
            Err(stage)
        }
    }

    /// How many of the stage's scenarios have a passed run.
    pub fn passed_count(&self, stage: Stage, runs: &[RunRecord]) -> usize {
        let passed = passed_ids(runs);
        self.stage(stage)
            .scenarios
            .iter()
            .filter(|id| passed.contains(id.as_str()))
            .count()
    }

    /// A stage is passed when at least `to_pass` of its scenarios have a
    /// passed run; a stage without scenarios is never passed.
    pub fn is_passed(&self, stage: Stage, runs: &[RunRecord]) -> bool {
        let rung = self.stage(stage);
        !rung.scenarios.is_empty() && self.passed_count(stage, runs) >= rung.to_pass.max(1)
    }

    /// The trainee's stage: from `reached` (the highest stage they have
    /// ever been promoted to; [`Stage::Merchandiser`] for a new trainee)
    /// up, the first stage not yet passed. Never below `reached`.
    pub fn rank(&self, runs: &[RunRecord], reached: Stage) -> Stage {
        let mut stage = reached;
        while let Some(next) = next_stage(stage) {
            if !self.is_passed(stage, runs) {
                break;
            }
            stage = next;
        }
        stage
    }

    /// Whether the run `new`, played after `before`, earns a promotion, and
    /// to which stage (the highest it reaches, should it pass several).
    pub fn promotion(
        &self,
        before: &[RunRecord],
        new: &RunRecord,
        reached: Stage,
    ) -> Option<Stage> {
        let was = self.rank(before, reached);
        let mut after = before.to_vec();
        after.push(new.clone());
        let now = self.rank(&after, was);
        (now > was).then_some(now)
    }
}

/// The stage above, if any.
pub fn next_stage(stage: Stage) -> Option<Stage> {
    let i = Stage::ALL.iter().position(|&s| s == stage)?;
    Stage::ALL.get(i + 1).copied()
}

/// Ids of scenarios with at least one passed run.
fn passed_ids(runs: &[RunRecord]) -> BTreeSet<&str> {
    runs.iter()
        .filter(|r| r.passed)
        .map(|r| r.scenario.id.as_str())
        .collect()
}

/// Whether run `a` is better than run `b` of the same scenario: passed beats
/// failed, then the higher overall score, then the earlier run.
pub fn is_better(a: &RunRecord, b: &RunRecord) -> bool {
    (a.passed, a.scores.overall, std::cmp::Reverse(a.finished_at))
        > (b.passed, b.scores.overall, std::cmp::Reverse(b.finished_at))
}

/// The best run of each scenario id, as an index into `runs`. Of two equal
/// runs the one that comes first in `runs` wins.
pub fn best_runs(runs: &[RunRecord]) -> BTreeMap<String, usize> {
    let mut best: BTreeMap<String, usize> = BTreeMap::new();
    for (i, run) in runs.iter().enumerate() {
        match best.get(&run.scenario.id) {
            Some(&j) if !is_better(run, &runs[j]) => {}
            _ => {
                best.insert(run.scenario.id.clone(), i);
            }
        }
    }
    best
}

/// The career of a scenarios folder: its `career.ron` if there is one,
/// checked against the valid scenarios in the folder, else the default.
pub fn load_course_dir(dir: &Path) -> CourseLoad {
    let scenarios: Vec<(String, Stage)> = collect_scenario_files(&[dir.to_path_buf()])
        .unwrap_or_default()
        .iter()
        .filter_map(|f| {
            let loaded = load_path(f);
            loaded.resolved.map(|r| (r.id.clone(), r.stage))
        })
        .collect();
    course_of(dir, &scenarios)
}

/// The career of a scenarios folder whose scenarios are already loaded:
/// its `career.ron` if there is one, else the default.
pub fn course_of(dir: &Path, scenarios: &[(String, Stage)]) -> CourseLoad {
    let course = dir.join(COURSE_FILE);
    if course.is_file() {
        load_course(&course, scenarios)
    } else {
        CourseLoad {
            career: Career::by_declared_stage(scenarios),
            path: None,
            source: None,
            diagnostics: Vec::new(),
        }
    }
}

/// Reads and checks a course file against the loaded scenarios' `(id,
/// stage)` pairs.
pub fn load_course(path: &Path, scenarios: &[(String, Stage)]) -> CourseLoad {
    let fallback = |diagnostics: Vec<Diagnostic>, source: Option<String>| CourseLoad {
        career: Career::by_declared_stage(scenarios),
        path: Some(path.to_owned()),
        source,
        diagnostics,
    };
    let blank = ron_file::Blank {
        code: Code::EmptyFile,
        message: "the course file is empty",
        help: "write `(stages: [(stage: Merchandiser, scenarios: [\"...\"]), ...])`, or remove the file to group scenarios by their declared stage",
    };
    let file = match ron_file::read(path, "the course file")
        .and_then(|bytes| ron_file::decode(path, &bytes, &blank))
    {
        Ok(file) => file,
        Err(e) => return fallback(vec![*e.diagnostic], e.source),
    };
    let course: CourseFile = match ron_file::parse(path, &file) {
        Ok(c) => c,
        Err(d) => return fallback(vec![*d], Some(file.source)),
    };
    let (src, text) = (file.source.clone(), file.text().to_owned());
    let (career, problems) = check_course(&course, scenarios);
    let tree = spans::parse(&text).ok();
    let mut diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .map(|p| match (&tree, p.path) {
            (Some(tree), Some(at)) => Diagnostic::at(
                p.code,
                path,
                &src,
                tree.span_of(&at),
                p.message,
                Some(p.help),
                p.label,
            ),
            (_, at) => Diagnostic::file_level(
                p.code,
                path,
                match at {
                    Some(at) => format!("{} (at `{at}`)", p.message),
                    None => p.message,
                },
                Some(p.help),
            ),
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    CourseLoad {
        career,
        path: Some(path.to_owned()),
        source: Some(src),
        diagnostics,
    }
}

/// One finding about a course file, placed by a document path.
struct CourseProblem {
    code: Code,
    path: Option<DocPath>,
    message: String,
    help: String,
    label: Option<String>,
}

/// Checks a parsed course file and builds the career from its valid parts:
/// unknown, misplaced and repeated scenarios are left out, an impossible
/// `to_pass` is clamped, and a missing stage is filled by declared stage.
fn check_course(
    course: &CourseFile,
    scenarios: &[(String, Stage)],
) -> (Career, Vec<CourseProblem>) {
    let mut problems = Vec::new();
    let declared: BTreeMap<&str, Stage> =
        scenarios.iter().map(|(id, s)| (id.as_str(), *s)).collect();
    let root = DocPath::root().field("stages");
    let mut rungs: BTreeMap<Stage, CareerStage> = BTreeMap::new();
    let mut listed: BTreeMap<&str, (Stage, usize, usize)> = BTreeMap::new();
    let mut highest: Option<Stage> = None;

    for (si, entry) in course.stages.iter().enumerate() {
        let at = root.index(si);
        if rungs.contains_key(&entry.stage) {
            problems.push(CourseProblem {
                code: Code::CourseStageOrder,
                path: Some(at.field("stage")),
                message: format!("stage {:?} is listed twice", entry.stage),
                help: "list each stage once; merge the two entries' scenarios".to_owned(),
                label: Some("second time".to_owned()),
            });
            continue;
        }
        if let Some(h) = highest
            && entry.stage < h
        {
            problems.push(CourseProblem {
                code: Code::CourseStageOrder,
                path: Some(at.field("stage")),
                message: format!(
                    "stage {:?} comes after {:?}: the stages must follow the ladder",
                    entry.stage, h
                ),
                help: "order the stages Merchandiser, SalesRepresentative, Supervisor, SalesManager, KeyAccountManager".to_owned(),
                label: Some("out of order".to_owned()),
            });
        }
        highest = highest.max(Some(entry.stage));

        let mut ids: Vec<String> = Vec::new();
        for (ci, id) in entry.scenarios.iter().enumerate() {
            let here = at.field("scenarios").index(ci);
            if let Some(&(stage, first_si, first_ci)) = listed.get(id.as_str()) {
                problems.push(CourseProblem {
                    code: Code::CourseScenarioTwice,
                    path: Some(here),
                    message: format!(
                        "scenario `{id}` is listed twice (first under {:?}, at stages[{first_si}].scenarios[{first_ci}])",
                        stage
                    ),
                    help: "list each scenario once".to_owned(),
                    label: Some("second time".to_owned()),
                });
                continue;
            }
            listed.insert(id, (entry.stage, si, ci));
            match declared.get(id.as_str()) {
                None => {
                    let hint = crate::scenario::suggest(id, declared.keys().copied())
                        .map(|c| format!("did you mean `{c}`? "))
                        .unwrap_or_default();
                    problems.push(CourseProblem {
                        code: Code::CourseUnknownScenario,
                        path: Some(here),
                        message: format!("no valid scenario has the id `{id}`"),
                        help: format!("{hint}use the `id` of a scenario file in this folder; a scenario with errors is not known until they are fixed (run `kam-trainer check`)"),
                        label: Some("unknown scenario".to_owned()),
                    });
                }
                Some(&stage) if stage != entry.stage => problems.push(CourseProblem {
                    code: Code::CourseWrongStage,
                    path: Some(here),
                    message: format!(
                        "scenario `{id}` declares `stage: {:?}` but is listed under {:?}",
                        stage, entry.stage
                    ),
                    help: format!(
                        "move it to the {:?} entry, or change the scenario's own `stage`",
                        stage
                    ),
                    label: Some(format!("a {:?} scenario", stage)),
                }),
                Some(_) => ids.push(id.clone()),
            }
        }

        let count = entry.scenarios.len();
        let to_pass = match entry.to_pass {
            None => default_to_pass(ids.len()),
            Some(n) => {
                let n = n as usize;
                if n == 0 || n > count {
                    problems.push(CourseProblem {
                        code: Code::CourseToPass,
                        path: Some(at.field("to_pass")),
                        message: if n == 0 {
                            "`to_pass` is 0: the stage would be passed without playing".to_owned()
                        } else {
                            format!("`to_pass` is {n} but the stage lists {count} scenario(s)")
                        },
                        help: format!(
                            "write a number from 1 to {}, or leave `to_pass` out (all but one, at least one)",
                            count.max(1)
                        ),
                        label: Some("out of range".to_owned()),
                    });
                }
                n.clamp(1, ids.len().max(1))
            }
        };
        rungs.insert(
            entry.stage,
            CareerStage {
                stage: entry.stage,
                about: if entry.about.trim().is_empty() {
                    default_about(entry.stage).to_owned()
                } else {
                    entry.about.trim().to_owned()
                },
                scenarios: ids,
                to_pass,
            },
        );
    }

    let default = Career::by_declared_stage(scenarios);
    for stage in Stage::ALL {
        if let std::collections::btree_map::Entry::Vacant(slot) = rungs.entry(stage) {
            problems.push(CourseProblem {
                code: Code::CourseStageMissing,
                path: Some(root),
                message: format!("stage {stage:?} is missing from the course"),
                help: format!(
                    "add `(stage: {stage:?}, scenarios: [...])` in its place on the ladder; every stage from Merchandiser to KeyAccountManager is listed, even with no scenarios yet"
                ),
                label: Some(format!("no {stage:?} here")),
            });
            // Its declared scenarios stand in, unless the file lists them elsewhere.
            let mut rung = default.stage(stage).clone();
            rung.scenarios
                .retain(|id| !listed.contains_key(id.as_str()));
            rung.to_pass = default_to_pass(rung.scenarios.len());
            slot.insert(rung);
        }
    }

    let covered: BTreeSet<&str> = rungs
        .values()
        .flat_map(|r| r.scenarios.iter().map(String::as_str))
        .collect();
    let mut outside = Vec::new();
    for (id, stage) in scenarios {
        if !covered.contains(id.as_str()) && !listed.contains_key(id.as_str()) {
            let at = course
                .stages
                .iter()
                .position(|s| s.stage == *stage)
                .map_or(root, |i| root.index(i).field("scenarios"));
            problems.push(CourseProblem {
                code: Code::CourseScenarioLeftOut,
                path: Some(at),
                message: format!(
                    "scenario `{id}` ({stage:?}) is not in the course: trainees can play it but it counts for no promotion"
                ),
                help: format!("add \"{id}\" to the scenarios of {stage:?}, or ignore this if it is a draft"),
                label: Some(format!("`{id}` is not listed")),
            });
            outside.push((id.clone(), *stage));
        }
    }

    let career = Career {
        stages: Stage::ALL
            .iter()
            .map(|s| rungs.remove(s).expect("filled"))
            .collect(),
        outside,
    };
    (career, problems)
}
