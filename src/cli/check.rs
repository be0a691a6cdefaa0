//! `kam-trainer check`: diagnostics for every file, and a Monte Carlo of
//! random playthroughs for every valid scenario.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::args::CheckArgs;
use std::fmt::Write as _;

use super::{CliError, FAILED, emit};
use crate::engine::policy::{Policy, autoplay};
use crate::scenario::{
    Code, Diagnostic, Loaded, Resolved, Severity, collect_scenario_files, load_path,
};
use crate::scoring::assess::assess;
use crate::scoring::monte_carlo::{MonteCarlo, monte_carlo};

/// A progress bar appears only when the checks take longer than this.
const QUIET_FOR: Duration = Duration::from_millis(400);

#[derive(Serialize)]
struct FileReport {
    file: String,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<Diagnostic>,
    monte_carlo: Option<MonteCarlo>,
    /// Whether the greedy policy passes: a quick sign the shift is winnable.
    greedy_passes: Option<bool>,
}

pub fn run(args: CheckArgs) -> Result<ExitCode, CliError> {
    let files = collect_scenario_files(&args.paths).map_err(CliError::Usage)?;
    if files.is_empty() {
        return Err(CliError::Usage(format!(
            "no scenario files (*.ron) found in {}",
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let loaded: Vec<Loaded> = files.iter().map(|f| load_path(f)).collect();
    let valid = loaded.iter().filter(|l| l.resolved.is_some()).count() as u64;
    let bar = Progress::new(valid * u64::from(args.runs), !args.json);
    let mut reports = Vec::new();
    for mut file in loaded {
        let (mut mc, mut greedy) = (None, None);
        if let (Some(resolved), true) = (file.resolved.clone(), args.runs > 0) {
            let result = monte_carlo(&resolved, Policy::Random, args.runs, args.seed, || {
                bar.tick()
            });
            let greedy_passes = greedy_pass(&resolved, args.seed);
            file.diagnostics
                .extend(balance_warnings(&file, &resolved, &result, greedy_passes));
            mc = Some(result);
            greedy = Some(greedy_passes);
        }
        reports.push((file, mc, greedy));
    }
    bar.finish();
    let loaded: Vec<&Loaded> = reports.iter().map(|(f, _, _)| f).collect();
    let courses = super::course::check_courses(&args.paths, &loaded);
    let any_errors =
        reports.iter().any(|(f, _, _)| f.has_errors()) || courses.iter().any(|c| c.has_errors());
    if args.json {
        let mut json: Vec<FileReport> = reports
            .into_iter()
            .map(|(f, mc, greedy)| FileReport {
                file: f.path.display().to_string(),
                errors: f.errors(),
                warnings: f.warnings(),
                diagnostics: f.diagnostics,
                monte_carlo: mc,
                greedy_passes: greedy,
            })
            .collect();
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
                greedy_passes: None,
            }
        }));
        emit(&(serde_json::to_string_pretty(&json).expect("plain data serialises") + "\n"));
    } else {
        let mut out = String::new();
        for (f, mc, _) in &reports {
            eprint!("{}", f.render_diagnostics());
            print_summary(&mut out, f, mc.as_ref());
        }
        for c in &courses {
            eprint!("{}", c.render_diagnostics());
            let _ = writeln!(out, "{}", super::course::status_line(c));
        }
        let broken = reports.iter().filter(|(f, _, _)| f.has_errors()).count()
            + courses.iter().filter(|c| c.has_errors()).count();
        let total = reports.len() + courses.len();
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

fn greedy_pass(resolved: &Arc<Resolved>, seed: u64) -> bool {
    let shift = autoplay(Arc::clone(resolved), seed, Policy::Greedy);
    assess(resolved, &shift.outcome()).passed
}

/// Warnings about a shift's balance, from its Monte Carlo.
fn balance_warnings(
    file: &Loaded,
    sc: &Resolved,
    mc: &MonteCarlo,
    greedy_passes: bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if mc.passed == 0 && !greedy_passes {
        let pass = sc.scoring.pass;
        let short: Vec<String> = [
            ("loyalty", mc.loyalty.max, pass.loyalty),
            ("stress", mc.stress.max, pass.stress),
            ("priorities", mc.priorities.max, pass.priorities),
        ]
        .into_iter()
        .filter(|(_, best, mark)| best < mark)
        .map(|(name, best, mark)| format!("{name} at best {best} < pass mark {mark}"))
        .collect();
        out.push(Diagnostic::file_level(
            Code::PassUnreachable,
            &file.path,
            format!(
                "no run passed: neither the greedy policy nor any of {} random playthroughs{}",
                mc.runs,
                if short.is_empty() { String::new() } else { format!(" ({})", short.join(", ")) }
            ),
            Some("lower the pass marks in `scoring.pass`, give the team more hours, or soften the effects; then play the intended line with `kam-trainer play --script` to confirm it passes".to_owned()),
        ));
    }
    if mc.pass_rate() > 0.5 {
        out.push(Diagnostic::file_level(
            Code::RandomPlayPasses,
            &file.path,
            format!(
                "random play passes {:.0}% of {} runs: the shift does not yet tell good decisions from bad ones",
                mc.pass_rate() * 100.0,
                mc.runs
            ),
            Some("raise the pass marks, make destructive answers cost more, or tighten deadlines and team hours".to_owned()),
        ));
    }
    out
}

fn print_summary(out: &mut String, f: &Loaded, mc: Option<&MonteCarlo>) {
    let status = if f.has_errors() {
        format!("{} error(s), {} warning(s)", f.errors(), f.warnings())
    } else if f.warnings() > 0 {
        format!("ok, {} warning(s)", f.warnings())
    } else {
        "ok".to_owned()
    };
    let _ = writeln!(out, "{}: {status}", f.path.display());
    if let Some(mc) = mc {
        let s = |sp: crate::scoring::monte_carlo::Spread| {
            format!("{:>3} {:>3} {:>3}", sp.min, sp.median, sp.max)
        };
        let _ = writeln!(out, "  random play, {} runs (min median max):", mc.runs);
        let _ = writeln!(out, "    loyalty     {}", s(mc.loyalty));
        let _ = writeln!(out, "    stress      {}", s(mc.stress));
        let _ = writeln!(out, "    priorities  {}", s(mc.priorities));
        let _ = writeln!(out, "    overall     {}", s(mc.overall));
        let _ = writeln!(out, "    passed      {:.1}%", mc.pass_rate() * 100.0);
    }
}

/// A bar on stderr that shows itself only once the work takes a while.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    wanted: bool,
    shown: std::cell::Cell<bool>,
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
            shown: std::cell::Cell::new(false),
        }
    }

    fn tick(&self) {
        self.bar.inc(1);
        if self.wanted && !self.shown.get() && self.started.elapsed() > QUIET_FOR {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown.set(true);
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
