//! The cohort summary for the training lead: one self-contained HTML page
//! (inline CSS and SVG; no scripts, fonts or anything fetched), built from
//! run records alone. Every text from a record or profile is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::collect::Profiles;
use super::scenarios::ScenarioIndex;
use crate::engine::{Action, DecisionKind};
use crate::record::RunRecord;
use crate::scenario::{Resolved, Stage, Tone};

/// Escapes text for HTML element content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One decision that went wrong, counted over a scenario's runs.
#[derive(Debug, Clone, PartialEq)]
pub struct WrongDecision {
    /// What was done (or "No answer to … within … min").
    pub text: String,
    /// The destructive tone, `None` for a timeout.
    pub tone: Option<Tone>,
    pub feedback: String,
    /// Runs in which it happened at least once.
    pub runs: usize,
}

/// A scenario's figures over the cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioSummary {
    pub id: String,
    pub title: String,
    pub stage: Stage,
    pub runs: usize,
    pub passed: usize,
    /// Runs failed by a critical error (whatever their scores).
    pub critical: usize,
    /// Each critical error with the runs it happened in, most frequent first.
    pub critical_errors: Vec<(String, String, usize)>,
    /// Overall, loyalty, stress handling, prioritisation: every run's score.
    pub overall: Vec<u32>,
    pub loyalty: Vec<u32>,
    pub stress: Vec<u32>,
    pub priorities: Vec<u32>,
    /// Most frequent first.
    pub wrong: Vec<WrongDecision>,
}

/// The per-scenario figures, in ladder order, then by id.
/// `scenarios` words the decisions (their ids stand in without the file a
/// run was played on).
pub fn scenario_summaries(runs: &[RunRecord], scenarios: &ScenarioIndex) -> Vec<ScenarioSummary> {
    let mut by_id: BTreeMap<(Stage, &str), Vec<&RunRecord>> = BTreeMap::new();
    for run in runs {
        by_id
            .entry((run.scenario.stage, &run.scenario.id))
            .or_default()
            .push(run);
    }
    by_id
        .into_values()
        .map(|runs| {
            let first = runs[0];
            let sorted = |f: fn(&RunRecord) -> u32| {
                let mut v: Vec<u32> = runs.iter().map(|r| f(r)).collect();
                v.sort_unstable();
                v
            };
            ScenarioSummary {
                id: first.scenario.id.clone(),
                title: first.scenario.title.clone(),
                stage: first.scenario.stage,
                runs: runs.len(),
                passed: runs.iter().filter(|r| r.passed).count(),
                critical: runs
                    .iter()
                    .filter(|r| !r.critical_errors.is_empty())
                    .count(),
                critical_errors: critical_errors(&runs, scenarios),
                overall: sorted(|r| r.scores.overall),
                loyalty: sorted(|r| r.scores.loyalty),
                stress: sorted(|r| r.scores.stress),
                priorities: sorted(|r| r.scores.priorities),
                wrong: wrong_decisions(&runs, scenarios),
            }
        })
        .collect()
}

/// The checked scenario a run was played on, when its file is at hand.
fn resolved<'a>(scenarios: &'a ScenarioIndex, run: &RunRecord) -> Option<&'a Resolved> {
    scenarios
        .by_hash(&run.scenario.hash)
        .and_then(|f| f.resolved.as_deref())
}

/// Each critical error (what was said, and why) with the number of runs it
/// happened in.
fn critical_errors(runs: &[&RunRecord], scenarios: &ScenarioIndex) -> Vec<(String, String, usize)> {
    let mut found: BTreeMap<(String, String), usize> = BTreeMap::new();
    for run in runs {
        let sc = resolved(scenarios, run);
        let mut seen = Vec::new();
        for e in &run.critical_errors {
            let w = crate::messages::critical(sc, e);
            let key = (w.said, w.reason);
            if !seen.contains(&key) {
                seen.push(key.clone());
                *found.entry(key).or_default() += 1;
            }
        }
    }
    let mut list: Vec<(String, String, usize)> =
        found.into_iter().map(|((s, r), n)| (s, r, n)).collect();
    list.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    list
}

/// Answers in a destructive tone and timeouts, counted once per run.
fn wrong_decisions(runs: &[&RunRecord], scenarios: &ScenarioIndex) -> Vec<WrongDecision> {
    let mut found: BTreeMap<String, WrongDecision> = BTreeMap::new();
    for run in runs {
        let sc = resolved(scenarios, run);
        let mut seen = Vec::new();
        for d in &run.outcome.decisions {
            let words = crate::messages::decision(sc, d);
            let key = match (&d.kind, d.tone) {
                (DecisionKind::Action(Action::Answer { dialogue, choice }), Some(t))
                    if !t.is_constructive() =>
                {
                    format!("{dialogue}\u{0}{choice}\u{0}{}", words.text)
                }
                (DecisionKind::Timeout { dialogue, node }, _) => {
                    format!("{dialogue}\u{0}{node}\u{0}timeout")
                }
                _ => continue,
            };
            if seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            found
                .entry(key)
                .or_insert_with(|| WrongDecision {
                    text: words.text.clone(),
                    tone: d.tone,
                    feedback: words.feedback.clone(),
                    runs: 0,
                })
                .runs += 1;
        }
    }
    let mut list: Vec<WrongDecision> = found.into_values().collect();
    list.sort_by(|a, b| b.runs.cmp(&a.runs).then_with(|| a.text.cmp(&b.text)));
    list
}

fn quantile(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    let frac = pos - lo as f64;
    f64::from(sorted[lo]) * (1.0 - frac) + f64::from(sorted[hi]) * frac
}

fn percent(part: usize, whole: usize) -> u32 {
    if whole == 0 {
        0
    } else {
        ((part * 100) as f64 / whole as f64).round() as u32
    }
}

fn tone_name(tone: Option<Tone>) -> &'static str {
    match tone {
        None => "no answer (timeout)",
        Some(Tone::Defensive) => "defensive",
        Some(Tone::Aggressive) => "aggressive",
        Some(Tone::Avoidant) => "avoidant",
        Some(Tone::Calm) => "calm",
        Some(Tone::Assertive) => "assertive",
        Some(Tone::Empathetic) => "empathetic",
        Some(Tone::Placating) => "placating",
    }
}

const STYLE: &str = r#"
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 0; color: #1d2733; background: #f4f6f8; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 12px; border-bottom: 2px solid #d5dde5; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0 0 6px; }
.sub { color: #5a6b7b; margin: 0 0 16px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { background: #fff; border: 1px solid #d5dde5; border-radius: 6px; padding: 12px 16px; }
.figure { font-size: 26px; font-weight: bold; }
.label { color: #5a6b7b; font-size: 13px; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 14px; }
th, td { border-bottom: 1px solid #e3e8ee; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #e9eef3; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pass { color: #1e7a3c; font-weight: 600; }
.fail { color: #b3261e; font-weight: 600; }
.scenario { background: #fff; border: 1px solid #d5dde5; border-radius: 6px; padding: 14px 18px; margin: 0 0 14px; }
.tone { display: inline-block; font-size: 12px; padding: 1px 6px; border-radius: 8px; background: #fbe3e1; color: #8c1d18; white-space: nowrap; }
.tone.timeout { background: #fff1cc; color: #7a5300; }
.feedback { color: #44505c; font-size: 13px; }
svg text { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 12px; fill: #1d2733; }
@media print { body { background: #fff; } .card, .scenario { break-inside: avoid; } }
"#;

/// The whole page.
pub fn cohort_report(runs: &[RunRecord], profiles: &Profiles, scenarios: &ScenarioIndex) -> String {
    let summaries = scenario_summaries(runs, scenarios);
    let mut trainees: BTreeMap<&str, Vec<&RunRecord>> = BTreeMap::new();
    for run in runs {
        trainees.entry(&run.trainee).or_default().push(run);
    }
    for name in profiles.keys() {
        trainees.entry(name).or_default();
    }
    let passed = runs.iter().filter(|r| r.passed).count();
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<title>KAM Trainer: cohort report</title>\n<style>");
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n<main>\n<h1>KAM Trainer: cohort report</h1>\n");
    let period = match (
        runs.iter().map(|r| r.started_at).min(),
        runs.iter().map(|r| r.finished_at).max(),
    ) {
        (Some(a), Some(b)) => format!(
            "Runs from {} to {} (UTC).",
            &a.to_string()[..10],
            &b.to_string()[..10]
        ),
        _ => "No finished runs yet.".to_owned(),
    };
    let _ = writeln!(h, "<p class=\"sub\">{}</p>", escape(&period));
    h.push_str("<div class=\"cards\">\n");
    for (figure, label) in [
        (trainees.len().to_string(), "trainees"),
        (runs.len().to_string(), "finished runs"),
        (summaries.len().to_string(), "scenarios played"),
        (
            format!("{}%", percent(passed, runs.len())),
            "of runs passed",
        ),
    ] {
        let _ = writeln!(
            h,
            "<div class=\"card\"><div class=\"figure\">{figure}</div><div class=\"label\">{label}</div></div>"
        );
    }
    h.push_str("</div>\n");

    // Stages and pass rates at a glance.
    h.push_str("<h2>At a glance</h2>\n<div class=\"cards\">\n<div class=\"card\">\n<h3>Trainees per stage</h3>\n");
    let mut per_stage = [0usize; 5];
    for name in trainees.keys() {
        if let Some(stage) = trainee_stage(name, &trainees[name], profiles).0 {
            per_stage[stage as usize] += 1;
        }
    }
    h.push_str(&bar_chart(
        &Stage::ALL
            .iter()
            .map(|s| {
                (
                    s.title().to_owned(),
                    per_stage[*s as usize] as f64,
                    per_stage[*s as usize].to_string(),
                )
            })
            .collect::<Vec<_>>(),
        per_stage.iter().copied().max().unwrap_or(1).max(1) as f64,
        "#3b6ea5",
    ));
    h.push_str("</div>\n<div class=\"card\">\n<h3>Pass rate per scenario</h3>\n");
    h.push_str(&bar_chart(
        &summaries
            .iter()
            .map(|s| {
                let p = percent(s.passed, s.runs);
                (s.title.clone(), f64::from(p), format!("{p}% of {}", s.runs))
            })
            .collect::<Vec<_>>(),
        100.0,
        "#2e8b57",
    ));
    h.push_str("</div>\n</div>\n");

    // Trainees.
    h.push_str("<h2>Trainees</h2>\n<table>\n<thead><tr><th>Trainee</th><th>Stage</th><th class=\"num\">Runs</th><th class=\"num\">Passed</th><th class=\"num\">Best loyalty</th><th class=\"num\">Best stress handling</th><th class=\"num\">Best prioritisation</th><th class=\"num\">Best overall</th><th>Last run</th></tr></thead>\n<tbody>\n");
    for (name, runs) in &trainees {
        let (stage, from_profile) = trainee_stage(name, runs, profiles);
        let stage = match stage {
            Some(s) if from_profile => escape(s.title()),
            Some(s) => format!(
                "{} <span class=\"label\">(highest played)</span>",
                escape(s.title())
            ),
            None => "—".to_owned(),
        };
        let best = |f: fn(&RunRecord) -> u32| {
            runs.iter()
                .map(|r| f(r))
                .max()
                .map_or("—".to_owned(), |v| v.to_string())
        };
        let last = runs
            .iter()
            .max_by_key(|r| r.finished_at)
            .map_or("—".to_owned(), |r| {
                format!(
                    "{} <span class=\"{}\">{}</span>",
                    escape(&r.scenario.title),
                    if r.passed { "pass" } else { "fail" },
                    if r.passed { "passed" } else { "not passed" }
                )
            });
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{stage}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{last}</td></tr>",
            escape(name),
            runs.len(),
            runs.iter().filter(|r| r.passed).count(),
            best(|r| r.scores.loyalty),
            best(|r| r.scores.stress),
            best(|r| r.scores.priorities),
            best(|r| r.scores.overall),
        );
    }
    h.push_str("</tbody>\n</table>\n");

    // Scenarios.
    h.push_str("<h2>Scenarios</h2>\n");
    for s in &summaries {
        let _ = writeln!(
            h,
            "<section class=\"scenario\">\n<h3>{} <span class=\"label\">{} · {}</span></h3>\n<p class=\"sub\">{} runs, {} passed ({}%). Score spread: the box spans the middle half of the runs, the line is the median, the whiskers the lowest and highest.</p>",
            escape(&s.title),
            escape(s.stage.title()),
            escape(&s.id),
            s.runs,
            s.passed,
            percent(s.passed, s.runs)
        );
        h.push_str(&box_plot(&[
            ("Overall", &s.overall),
            ("Loyalty", &s.loyalty),
            ("Stress handling", &s.stress),
            ("Prioritisation", &s.priorities),
        ]));
        if s.critical > 0 {
            let _ = writeln!(
                h,
                "<h3>Critical errors</h3>\n<p class=\"sub\">{} of {} runs ({}%) failed on an answer no employer would tolerate, whatever their scores.</p>\n<table>\n<thead><tr><th class=\"num\">Runs</th><th>Said</th><th>Why it is critical</th></tr></thead>\n<tbody>",
                s.critical,
                s.runs,
                percent(s.critical, s.runs)
            );
            for (said, reason, n) in s.critical_errors.iter().take(6) {
                let _ = writeln!(
                    h,
                    "<tr><td class=\"num\">{n} ({}%)</td><td>{}</td><td class=\"feedback\">{}</td></tr>",
                    percent(*n, s.runs),
                    escape(said),
                    escape(reason)
                );
            }
            h.push_str("</tbody>\n</table>\n");
        }
        if s.wrong.is_empty() {
            h.push_str("<p>No destructive answers or timeouts in these runs.</p>\n");
        } else {
            h.push_str("<h3>Most often gone wrong</h3>\n<table>\n<thead><tr><th class=\"num\">Runs</th><th>Decision</th><th>Tone</th><th>Feedback</th></tr></thead>\n<tbody>\n");
            for w in s.wrong.iter().take(6) {
                let _ = writeln!(
                    h,
                    "<tr><td class=\"num\">{} ({}%)</td><td>{}</td><td><span class=\"tone{}\">{}</span></td><td class=\"feedback\">{}</td></tr>",
                    w.runs,
                    percent(w.runs, s.runs),
                    escape(&w.text),
                    if w.tone.is_none() { " timeout" } else { "" },
                    tone_name(w.tone),
                    escape(&w.feedback)
                );
            }
            h.push_str("</tbody>\n</table>\n");
        }
        h.push_str("</section>\n");
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

/// The trainee's stage: the profile's, or else the highest stage of a
/// scenario they passed or played (and whether it came from the profile).
fn trainee_stage(name: &str, runs: &[&RunRecord], profiles: &Profiles) -> (Option<Stage>, bool) {
    match profiles.get(name) {
        Some(p) => (Some(p.stage), true),
        None => (runs.iter().map(|r| r.scenario.stage).max(), false),
    }
}

/// Horizontal bars: (label, value, text shown after the bar).
fn bar_chart(rows: &[(String, f64, String)], max: f64, colour: &str) -> String {
    let (label_w, bar_w, row_h) = (190.0, 260.0, 24.0);
    let height = row_h * rows.len() as f64 + 6.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\">\n",
        label_w + bar_w + 90.0
    );
    for (i, (label, value, text)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let w = if max > 0.0 { bar_w * value / max } else { 0.0 };
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"16\" fill=\"#e9eef3\"/><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"16\" fill=\"{colour}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            label_w - 8.0,
            y + 12.5,
            escape(&shorten(label, 28)),
            label_w + bar_w + 6.0,
            y + 12.5,
            escape(text)
        );
    }
    s.push_str("</svg>\n");
    s
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        text.chars().take(max - 1).collect::<String>() + "…"
    }
}

/// Box plots of 0–100 scores, one row each, with every run as a dot.
fn box_plot(rows: &[(&str, &Vec<u32>)]) -> String {
    let (label_w, plot_w, row_h) = (130.0, 720.0, 30.0);
    let x = |v: f64| label_w + plot_w * v / 100.0;
    let height = row_h * rows.len() as f64 + 24.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\">\n",
        label_w + plot_w + 20.0
    );
    for tick in (0..=100).step_by(20) {
        let tx = x(f64::from(tick));
        let _ = writeln!(
            s,
            "<line x1=\"{tx}\" y1=\"0\" x2=\"{tx}\" y2=\"{}\" stroke=\"#e3e8ee\"/><text x=\"{tx}\" y=\"{}\" text-anchor=\"middle\">{tick}</text>",
            height - 18.0,
            height - 4.0
        );
    }
    for (i, (label, values)) in rows.iter().enumerate() {
        let cy = i as f64 * row_h + row_h / 2.0;
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            cy + 4.0,
            escape(label)
        );
        if values.is_empty() {
            continue;
        }
        let (lo, q1, med, q3, hi) = (
            quantile(values, 0.0),
            quantile(values, 0.25),
            quantile(values, 0.5),
            quantile(values, 0.75),
            quantile(values, 1.0),
        );
        let _ = writeln!(
            s,
            "<line x1=\"{:.1}\" y1=\"{cy}\" x2=\"{:.1}\" y2=\"{cy}\" stroke=\"#5a6b7b\"/><rect x=\"{:.1}\" y=\"{}\" width=\"{:.1}\" height=\"18\" fill=\"#cfe0f3\" stroke=\"#3b6ea5\"/><line x1=\"{:.1}\" y1=\"{}\" x2=\"{:.1}\" y2=\"{}\" stroke=\"#1d2733\" stroke-width=\"2\"/>",
            x(lo),
            x(hi),
            x(q1),
            cy - 9.0,
            (x(q3) - x(q1)).max(1.0),
            x(med),
            cy - 9.0,
            x(med),
            cy + 9.0
        );
        for v in values.iter() {
            let _ = writeln!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{cy}\" r=\"2.5\" fill=\"#b3261e\" fill-opacity=\"0.6\"/>",
                x(f64::from(*v))
            );
        }
    }
    s.push_str("</svg>\n");
    s
}
