//! `kam-trainer check`: diagnostics for every file, and a Monte Carlo of
//! random playthroughs for every valid scenario, and its test plans
//! (`NAME.plans.ron` beside `NAME.ron`) played and compared with what they
//! expect.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::args::CheckArgs;
use std::fmt::Write as _;

use super::{CliError, FAILED, emit};
use crate::career::ladder::COURSE_FILE;
use crate::engine::policy::Policy;
use crate::engine::script::{TimedAction, run_steps};
use crate::scenario::{Code, Diagnostic, FileKind, Loaded, Severity, collect_files, load_path};
use crate::scoring::balance::{Balance, LongestBest, balance, warnings};
use crate::scoring::monte_carlo::MonteCarlo;
use crate::scoring::plans::{
    PlanFile, PlanResult, PlayedPlans, load_plans, plans_path, play_plans, scenario_path,
};

/// A progress bar appears only when the checks take longer than this.
const QUIET_FOR: Duration = Duration::from_millis(400);

#[derive(Serialize)]
struct FileReport {
    file: String,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<Diagnostic>,
    /// Random play.
    monte_carlo: Option<MonteCarlo>,
    /// The strategies that never read the answers.
    strategies: Vec<MonteCarlo>,
    /// Whether the greedy policy passes: a quick sign the shift is winnable.
    greedy_passes: Option<bool>,
    greedy_scores: Option<crate::scoring::assess::Scores>,
    longest_best: Option<LongestBest>,
    /// When random play passes too often: the answers most over-represented
    /// in its passing runs.
    telltales: Vec<crate::scoring::balance::Telltale>,
    /// The scenario's test plans, when it has a plans file.
    plans: Option<PlansReport>,
}

#[derive(Serialize)]
struct PlansReport {
    file: String,
    /// Plans played to the end of the shift.
    ran: usize,
    /// Plans whose verdict is the one they expect.
    matched: usize,
    /// One per plan, in file order; empty when the plans were not played.
    results: Vec<PlanResult>,
}

/// One checked scenario, its balance and its test plans.
struct Checked {
    file: Loaded,
    balance: Option<Balance>,
    plans: Option<CheckedPlans>,
}

struct CheckedPlans {
    file: PlanFile,
    /// `None` when the scenario has errors, so nothing could be played.
    played: Option<PlayedPlans>,
}

impl CheckedPlans {
    fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.file
            .diagnostics
            .iter()
            .chain(self.played.iter().flat_map(|p| &p.diagnostics))
    }
}

impl Checked {
    /// The scenario's diagnostics, then its plans file's.
    fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.file
            .diagnostics
            .iter()
            .chain(self.plans.iter().flat_map(CheckedPlans::diagnostics))
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics()
            .filter(|d| d.severity == severity)
            .count()
    }

    fn render(&self) -> String {
        let mut parts: Vec<String> = self
            .file
            .diagnostics
            .iter()
            .map(|d| d.render(self.file.source.as_deref()))
            .collect();
        if let Some(plans) = &self.plans {
            parts.extend(
                plans
                    .diagnostics()
                    .map(|d| d.render(plans.file.source.as_deref())),
            );
        }
        parts.join("\n")
    }
}

pub fn run(mut args: CheckArgs) -> Result<ExitCode, CliError> {
    // A course file is checked against the scenarios it orders: naming it
    // checks its whole folder.
    for path in &mut args.paths {
        if path.file_name() == Some(std::ffi::OsStr::new(COURSE_FILE)) {
            *path = match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
                _ => PathBuf::from("."),
            };
        }
    }
    args.paths.dedup();
    let gathered = gather(&args.paths)?;
    let files = gathered.scenarios.clone();
    let loaded: Vec<Loaded> = files.iter().map(|f| load_path(f)).collect();
    let valid = loaded.iter().filter(|l| l.resolved.is_some()).count() as u64;
    let players = 1 + Policy::CONTENT_BLIND.len() as u64;
    let bar = Progress::new(valid * players * u64::from(args.runs), !args.json);
    let reports = in_parallel(loaded, |mut file| {
        let mut measured = None;
        if let (Some(resolved), true) = (file.resolved.clone(), args.runs > 0) {
            let b = balance(&resolved, args.runs, args.seed, || bar.tick());
            file.diagnostics.extend(warnings(&file.path, &resolved, &b));
            measured = Some(b);
        }
        let plans = check_plans(&file, args.plan_seeds);
        Checked {
            file,
            balance: measured,
            plans,
        }
    });
    bar.finish();
    let loaded: Vec<&Loaded> = reports.iter().map(|c| &c.file).collect();
    let others = gathered.check_others(&loaded);
    let courses = super::course::check_courses(&args.paths, &loaded);
    let any_errors = reports.iter().any(|c| c.count(Severity::Error) > 0)
        || others.iter().any(|o| o.count(Severity::Error) > 0)
        || courses.iter().any(|c| c.has_errors());
    if args.json {
        let mut json: Vec<FileReport> = reports
            .into_iter()
            .map(|c| FileReport {
                file: c.file.path.display().to_string(),
                errors: c.count(Severity::Error),
                warnings: c.count(Severity::Warning),
                diagnostics: c.diagnostics().cloned().collect(),
                monte_carlo: c.balance.as_ref().map(|b| b.random.clone()),
                strategies: c
                    .balance
                    .as_ref()
                    .map(|b| b.blind.clone())
                    .unwrap_or_default(),
                greedy_passes: c.balance.as_ref().map(|b| b.greedy_passes),
                greedy_scores: c.balance.as_ref().map(|b| b.greedy_scores),
                longest_best: c.balance.as_ref().map(|b| b.longest_best),
                telltales: c
                    .balance
                    .as_ref()
                    .map(|b| b.telltales.clone())
                    .unwrap_or_default(),
                plans: c.plans.map(|p| PlansReport {
                    file: p.file.path.display().to_string(),
                    ran: p.played.as_ref().map_or(0, PlayedPlans::ran),
                    matched: p.played.as_ref().map_or(0, PlayedPlans::matched),
                    results: p.played.map(|p| p.results).unwrap_or_default(),
                }),
            })
            .collect();
        json.extend(others.into_iter().map(|o| FileReport {
            file: o.path.display().to_string(),
            errors: o.count(Severity::Error),
            warnings: o.count(Severity::Warning),
            diagnostics: o.diagnostics,
            monte_carlo: None,
            strategies: Vec::new(),
            greedy_passes: None,
            greedy_scores: None,
            longest_best: None,
            telltales: Vec::new(),
            plans: None,
        }));
        json.extend(courses.into_iter().map(|c| {
            FileReport {
                file: c
                    .path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                errors: c
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count(),
                warnings: c
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Warning)
                    .count(),
                diagnostics: c.diagnostics,
                monte_carlo: None,
                strategies: Vec::new(),
                greedy_passes: None,
                greedy_scores: None,
                longest_best: None,
                telltales: Vec::new(),
                plans: None,
            }
        }));
        emit(&(serde_json::to_string_pretty(&json).expect("plain data serialises") + "\n"));
    } else {
        let mut out = String::new();
        for c in &reports {
            eprint!("{}", c.render());
            print_summary(&mut out, c);
        }
        for o in &others {
            for d in &o.diagnostics {
                eprint!("{}", d.render(o.source.as_deref()));
            }
            let (errors, warnings) = (o.count(Severity::Error), o.count(Severity::Warning));
            let status = match (errors, warnings) {
                (0, 0) => "ok".to_owned(),
                (0, w) => format!("ok, {w} warning(s)"),
                (e, w) => format!("{e} error(s), {w} warning(s)"),
            };
            let _ = writeln!(out, "{} ({}): {status}", o.path.display(), o.kind);
        }
        for c in &courses {
            eprint!("{}", c.render_diagnostics());
            let _ = writeln!(out, "{}", super::course::status_line(c));
        }
        let broken = reports
            .iter()
            .filter(|c| c.count(Severity::Error) > 0)
            .count()
            + courses.iter().filter(|c| c.has_errors()).count()
            + others
                .iter()
                .filter(|o| o.count(Severity::Error) > 0)
                .count();
        let total = reports.len() + others.len() + courses.len();
        let _ = writeln!(
            out,
            "{} file(s) checked: {} with errors, {} clean",
            total,
            broken,
            total - broken
        );
        emit(&out);
    }
    Ok(if any_errors {
        ExitCode::from(FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

/// The files `check` was given, by kind.
struct Gathered {
    scenarios: Vec<PathBuf>,
    /// Plans files whose scenario does not exist.
    orphans: Vec<PathBuf>,
    scripts: Vec<PathBuf>,
    unknown: Vec<PathBuf>,
}

/// A file that is not a scenario: an orphaned plans file, a script, or a
/// file of no known kind.
struct Other {
    path: PathBuf,
    kind: &'static str,
    source: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

impl Other {
    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Sorts the files under `paths` by kind (by name, else by their opening
/// word). A plans file stands for its scenario; the course file is checked
/// with its folder elsewhere.
fn gather(paths: &[PathBuf]) -> Result<Gathered, CliError> {
    let mut g = Gathered {
        scenarios: Vec::new(),
        orphans: Vec::new(),
        scripts: Vec::new(),
        unknown: Vec::new(),
    };
    for (path, kind) in collect_files(paths).map_err(CliError::Usage)? {
        match kind {
            FileKind::Scenario => {
                if !g.scenarios.contains(&path) {
                    g.scenarios.push(path);
                }
            }
            FileKind::Plans => match scenario_path(&path) {
                Some(scenario) if scenario.is_file() => {
                    if !g.scenarios.contains(&scenario) && !path_is_under(&scenario, paths) {
                        g.scenarios.push(scenario);
                    }
                }
                _ => g.orphans.push(path),
            },
            FileKind::Script => g.scripts.push(path),
            FileKind::Course => {}
            FileKind::Unknown => g.unknown.push(path),
        }
    }
    if g.scenarios.is_empty()
        && g.orphans.is_empty()
        && g.scripts.is_empty()
        && g.unknown.is_empty()
    {
        return Err(CliError::Usage(format!(
            "no scenario files (*.ron) found in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    g.scenarios.sort();
    g.scenarios.dedup();
    Ok(g)
}

/// Whether `file` will be found anyway by walking one of the folders.
fn path_is_under(file: &Path, paths: &[PathBuf]) -> bool {
    paths.iter().any(|p| p.is_dir() && file.starts_with(p))
}

impl Gathered {
    fn check_others(&self, loaded: &[&Loaded]) -> Vec<Other> {
        let mut out: Vec<Other> = self
            .orphans
            .iter()
            .map(|p| Other {
                path: p.clone(),
                kind: "test plans",
                source: None,
                diagnostics: vec![orphan_warning(p)],
            })
            .collect();
        out.extend(self.scripts.iter().map(|p| check_script(p, loaded)));
        out.extend(self.unknown.iter().map(|p| Other {
            path: p.clone(),
            kind: "unknown",
            source: None,
            diagnostics: vec![Diagnostic::file_level(
                Code::UnknownFileKind,
                p,
                "this file is not of a kind `check` knows, so it is not checked",
                Some(format!(
                    "a file here is {}; name the file after its kind, or start it as that kind starts",
                    FileKind::SHAPES
                )),
            )],
        }));
        out
    }
}

/// A play script: it must parse, and when its scenario (`NAME.ron` beside
/// `NAME.script.ron`) is valid, it must play on seed 1 without a refused
/// step.
fn check_script(path: &Path, loaded: &[&Loaded]) -> Other {
    let mut other = Other {
        path: path.to_owned(),
        kind: "play script",
        source: None,
        diagnostics: Vec::new(),
    };
    let blank = crate::scenario::ron_file::Blank {
        code: Code::EmptyFile,
        message: "the script is empty",
        help: "a script is a list of steps: `[(at: \"09:00\", do: Answer(dialogue: \"...\", choice: \"...\"))]` (see docs/script.md)",
    };
    let read = match crate::scenario::ron_file::read(path, "the script")
        .and_then(|bytes| crate::scenario::ron_file::decode(path, &bytes, &blank))
    {
        Ok(read) => read,
        Err(e) => {
            other.diagnostics.push(*e.diagnostic);
            other.source = e.source;
            return other;
        }
    };
    let steps: Vec<TimedAction> = match crate::scenario::ron_file::parse(path, &read) {
        Ok(steps) => steps,
        Err(d) => {
            other.diagnostics.push(*d);
            other.source = Some(read.source);
            return other;
        }
    };
    let (src, text) = (read.source.clone(), read.text().to_owned());
    let scenario = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".script.ron"))
        .map(|stem| path.with_file_name(format!("{stem}.ron")));
    let resolved = scenario.as_ref().and_then(|s| {
        loaded
            .iter()
            .find(|l| l.path == *s)
            .and_then(|l| l.resolved.clone())
    });
    if let Some(sc) = resolved
        && let Err(error) = run_steps(sc, 1, &steps)
    {
        let tree = crate::scenario::spans::parse(&text).ok();
        let step = error.step().unwrap_or(1);
        let message = format!("the script does not play on seed 1: {error}");
        let help = Some("`kam-trainer play SCENARIO --seed 1 --script FILE` plays it step by step; fix the step's time, cue or ids".to_owned());
        let d = match tree {
            Some(t) => Diagnostic::at(
                Code::PlanStepRefused,
                path,
                &src,
                t.span_of(&crate::scenario::spans::Path::root().index(step - 1)),
                message,
                help,
                Some("refused".to_owned()),
            ),
            None => Diagnostic::file_level(Code::PlanStepRefused, path, message, help),
        };
        other.diagnostics.push(d);
    }
    other.source = Some(src);
    other
}

fn orphan_warning(plans: &Path) -> Diagnostic {
    let scenario = scenario_path(plans).unwrap_or_default();
    Diagnostic::file_level(
        Code::PlansWithoutScenario,
        plans,
        format!(
            "these test plans belong to `{}`, which does not exist, so they are never played",
            scenario.display()
        ),
        Some("if the scenario was renamed, rename its plans file to match (`NAME.ron` has `NAME.plans.ron`); otherwise delete the plans file".to_owned()),
    )
}

/// Loads the plans file beside a scenario, and plays it when the scenario
/// is valid.
fn check_plans(file: &Loaded, seeds: u32) -> Option<CheckedPlans> {
    let path = plans_path(&file.path);
    if !path.is_file() {
        return None;
    }
    let plans = load_plans(&path);
    let played = file
        .resolved
        .as_ref()
        .map(|sc| play_plans(&plans, sc, seeds));
    Some(CheckedPlans {
        file: plans,
        played,
    })
}

fn print_summary(out: &mut String, c: &Checked) {
    let (errors, warnings) = (c.count(Severity::Error), c.count(Severity::Warning));
    let status = if errors > 0 {
        format!("{errors} error(s), {warnings} warning(s)")
    } else if warnings > 0 {
        format!("ok, {warnings} warning(s)")
    } else {
        "ok".to_owned()
    };
    let _ = writeln!(out, "{}: {status}", c.file.path.display());
    if let Some(b) = &c.balance {
        print_balance(out, b);
    }
    match &c.plans {
        None if c.file.resolved.is_some() => {
            let _ = writeln!(
                out,
                "  test plans: none (write {} to keep the shift's lesson tested; see docs/authoring.md)",
                plans_path(&c.file.path).display()
            );
        }
        None => {}
        Some(CheckedPlans { file, played }) => {
            let line = match played {
                None => "not played: the scenario has errors".to_owned(),
                Some(_)
                    if file.plans.is_empty()
                        && file
                            .diagnostics
                            .iter()
                            .any(|d| d.severity == Severity::Error) =>
                {
                    "not played: the plans file has errors".to_owned()
                }
                Some(_) if file.plans.is_empty() => "none in the file".to_owned(),
                Some(p) => format!(
                    "{} of {} ran, {} matched their expectation on every seed played",
                    p.ran(),
                    file.plans.len(),
                    p.matched()
                ),
            };
            let _ = writeln!(out, "  test plans ({}): {line}", file.path.display());
            if let Some(p) = played {
                for r in &p.results {
                    print_plan(out, r);
                }
            }
        }
    }
}

fn print_balance(out: &mut String, b: &Balance) {
    let s = |sp: crate::scoring::monte_carlo::Spread| {
        format!("{:>3} {:>3} {:>3}", sp.min, sp.median, sp.max)
    };
    let mc = &b.random;
    let _ = writeln!(
        out,
        "  random play, {} runs ({}), min median max:",
        mc.runs,
        Policy::Random.describe()
    );
    let _ = writeln!(out, "    loyalty     {}", s(mc.loyalty));
    let _ = writeln!(out, "    stress      {}", s(mc.stress));
    let _ = writeln!(out, "    priorities  {}", s(mc.priorities));
    let _ = writeln!(out, "    overall     {}", s(mc.overall));
    let _ = writeln!(
        out,
        "    passed      {:.1}%; a critical error in {:.1}% of runs",
        mc.pass_rate() * 100.0,
        mc.critical_rate() * 100.0
    );
    let _ = writeln!(
        out,
        "  players who never read the answers, {} runs each: passed (critical error)",
        mc.runs
    );
    for m in &b.blind {
        let _ = writeln!(
            out,
            "    {:<15} {:>5.1}%  ({:.0}%)  {}",
            m.policy.name(),
            m.pass_rate() * 100.0,
            m.critical_rate() * 100.0,
            m.policy.describe()
        );
    }
    if !b.telltales.is_empty() {
        let _ = writeln!(
            out,
            "  answers random play gave more often in passing runs (share of passing / failing runs):"
        );
        for t in &b.telltales {
            let _ = writeln!(
                out,
                "    {:>3.0}% / {:>3.0}%  {}/{}: “{}”",
                t.in_passing * 100.0,
                t.in_failing * 100.0,
                t.dialogue,
                t.node,
                t.say
            );
        }
    }
    let g = b.greedy_scores;
    let _ = writeln!(
        out,
        "  greedy player ({}): {} (loyalty {}, stress {}, priorities {})",
        Policy::Greedy.describe(),
        if b.greedy_passes { "passes" } else { "FAILS" },
        g.loyalty,
        g.stress,
        g.priorities
    );
    let lb = b.longest_best;
    let _ = writeln!(
        out,
        "  the best answer is the longest in {} of {} nodes with a choice",
        lb.longest, lb.nodes
    );
}

fn print_plan(out: &mut String, r: &PlanResult) {
    let expect = match r.expect {
        crate::scoring::plans::Expect::Pass => "pass",
        crate::scoring::plans::Expect::Fail => "fail",
    };
    let verdict = match (r.passed, r.problem.as_deref()) {
        (Some(true), _) => "passes",
        (Some(false), _) => "fails",
        (None, Some("the plan has errors")) => "not played: the plan has errors",
        (None, _) => "not played to the end",
    };
    let margins = r
        .scores
        .map(|s| {
            let m = r.pass_marks;
            let one = |name: &str, got: u32, mark: u32| {
                format!(
                    "{name} {got}/{mark} ({:+})",
                    i64::from(got) - i64::from(mark)
                )
            };
            format!(
                ": {}, {}, {}",
                one("loyalty", s.loyalty, m.loyalty),
                one("stress", s.stress, m.stress),
                one("priorities", s.priorities, m.priorities)
            )
        })
        .unwrap_or_default();
    let critical = if r.critical_errors.is_empty() {
        String::new()
    } else {
        format!("; critical error: {}", r.critical_errors.join("; "))
    };
    let seeds = 1 + r.other_seeds.len();
    let held = r
        .other_seeds
        .iter()
        .filter(|o| o.passed == r.passed && o.passed.is_some())
        .count()
        + usize::from(r.passed.is_some());
    let _ = writeln!(
        out,
        "    {} \"{}\" (expects {expect}): {verdict}{margins}{critical}; same verdict on {held} of {seeds} seeds",
        if r.matched { "ok  " } else { "FAIL" },
        r.name
    );
}

/// A bar on stderr that shows itself only once the work takes a while.
/// `work` on every item, on as many threads as the machine has cores; the
/// results in the items' order. Each item's work is deterministic on its
/// own, so the report does not depend on which thread did what.
fn in_parallel<T: Send, R: Send>(items: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.into_iter().map(work).collect();
    }
    fn take<X>(m: Mutex<Option<X>>) -> Option<X> {
        m.into_inner().unwrap_or_else(|e| e.into_inner())
    }
    /// An item not yet taken, and its result once done.
    type Slot<T, R> = (Mutex<Option<T>>, Mutex<Option<R>>);
    let slots: Vec<Slot<T, R>> = items
        .into_iter()
        .map(|t| (Mutex::new(Some(t)), Mutex::new(None)))
        .collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while let Some((item, result)) = slots.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let item = item.lock().unwrap_or_else(|e| e.into_inner()).take();
                    if let Some(item) = item {
                        let r = work(item);
                        *result.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                    }
                }
            });
        }
    });
    slots.into_iter().filter_map(|(_, r)| take(r)).collect()
}

struct Progress {
    bar: ProgressBar,
    started: Instant,
    wanted: bool,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    fn new(total: u64, wanted: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} playthroughs ({eta} left)")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message("checking");
        Progress {
            bar,
            started: Instant::now(),
            wanted: wanted && std::io::stderr().is_terminal(),
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn tick(&self) {
        self.bar.inc(1);
        use std::sync::atomic::Ordering;
        if self.wanted
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() > QUIET_FOR
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
