//! CSV: one row per run, UTF-8 with a byte order mark so that Excel reads
//! Cyrillic names correctly (LibreOffice reads either way). A cell that a
//! spreadsheet would run as a formula is prefixed with `'`.

use crate::record::RunRecord;
use crate::report::collect::Profiles;
use crate::report::scenarios::ScenarioIndex;

/// The header row.
pub const COLUMNS: [&str; 21] = [
    "trainee",
    "email",
    "trainee_stage",
    "scenario_id",
    "scenario_title",
    "stage",
    "seed",
    "started_at",
    "finished_at",
    "loyalty",
    "stress_handling",
    "prioritisation",
    "overall",
    "passed",
    "critical_errors",
    "critical_reasons",
    "decisions",
    "end_reason",
    "run_id",
    "scenario_hash",
    "pass_marks",
];

/// The CSV of `runs`; `scenarios` words the critical errors' reasons (their
/// ids stand in without the scenario file).
pub fn export(
    runs: &[RunRecord],
    profiles: &Profiles,
    delimiter: u8,
    scenarios: Option<&ScenarioIndex>,
) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = ::csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut out);
        // Writing to a Vec cannot fail.
        let _ = w.write_record(COLUMNS);
        for run in runs {
            let profile = profiles.get(&run.trainee);
            let s = run.scores;
            let resolved = scenarios
                .and_then(|i| i.by_hash(&run.scenario.hash))
                .and_then(|f| f.resolved.as_deref());
            let row = [
                run.trainee.clone(),
                profile.and_then(|p| p.email.clone()).unwrap_or_default(),
                profile
                    .map(|p| p.stage.title().to_owned())
                    .unwrap_or_default(),
                run.scenario.id.clone(),
                run.scenario.title.clone(),
                run.scenario.stage.title().to_owned(),
                run.seed.to_string(),
                run.started_at.to_string(),
                run.finished_at.to_string(),
                s.loyalty.to_string(),
                s.stress.to_string(),
                s.priorities.to_string(),
                s.overall.to_string(),
                if run.passed { "yes" } else { "no" }.to_owned(),
                run.critical_errors.len().to_string(),
                run.critical_errors
                    .iter()
                    .map(|e| crate::messages::critical(resolved, e).reason)
                    .collect::<Vec<_>>()
                    .join("; "),
                run.decision_count().to_string(),
                match run.outcome.end_reason {
                    Some(crate::engine::EndReason::Burnout) => "burnout",
                    Some(crate::engine::EndReason::ShiftOver) => "shift_over",
                    None => "",
                }
                .to_owned(),
                run.id.clone(),
                run.scenario.hash.clone(),
                format!(
                    "{}/{}/{}",
                    run.pass.loyalty, run.pass.stress, run.pass.priorities
                ),
            ];
            let _ = w.write_record(row.iter().map(|c| neutralise(c).into_owned()));
        }
        let _ = w.flush();
    }
    out
}

/// A cell a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, carriage
/// return first) gets a leading `'`, which shows it as text.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn only_formula_starts_are_neutralised() {
        for cell in ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        for cell in ["", "Анна", "1-1", "a=b", " =x"] {
            assert_eq!(neutralise(cell), cell);
        }
    }
}
