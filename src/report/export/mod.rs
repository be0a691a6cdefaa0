//! The instructor exports of finished runs: CSV for spreadsheets, JSON with
//! everything, and xAPI statements for a Learning Record Store. Every format
//! is a pure function of the records (and, for xAPI, the options), so the
//! same runs always export to the same bytes. The formats are described
//! field by field in `docs/export.md`.

mod csv;
mod json;
pub mod xapi;

use std::path::Path;

pub use crate::files::write_atomically;

use super::collect::Profiles;
use super::scenarios::ScenarioIndex;
use crate::record::RunRecord;

pub use json::{JSON_FORMAT, JSON_VERSION, JsonExport, parse_json_export};
pub use xapi::XapiOptions;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One row per run, for Excel and LibreOffice.
    Csv,
    /// Everything, decisions and timeline included.
    Json,
    /// xAPI 1.0.3 statements, a JSON array to POST to an LRS.
    Xapi,
}

impl Format {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json | Format::Xapi => "json",
        }
    }
}

/// How to export.
#[derive(Debug, Clone)]
pub struct ExportOptions<'a> {
    /// The CSV field separator: `,` (default) or `;` (what Excel expects
    /// where the decimal separator is a comma, e.g. in Russian locales).
    pub csv_delimiter: u8,
    pub xapi: XapiOptions,
    /// Scenario files, to name the dialogue node of each answer in xAPI
    /// decision statements (found by the run's scenario hash).
    pub scenarios: Option<&'a ScenarioIndex>,
}

impl Default for ExportOptions<'_> {
    fn default() -> Self {
        ExportOptions {
            csv_delimiter: b',',
            xapi: XapiOptions::default(),
            scenarios: None,
        }
    }
}

/// Why an export could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Option(String),
    /// `reason` names the file and what to do.
    #[error("{reason}")]
    Write { path: String, reason: String },
}

/// Exports runs in a format. `profiles` adds what the records do not hold
/// (e-mail address, current stage); a run without a profile still exports.
pub fn export_runs(
    format: Format,
    runs: &[RunRecord],
    profiles: &Profiles,
    options: &ExportOptions,
) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Csv => Ok(csv::export(
            runs,
            profiles,
            options.csv_delimiter,
            options.scenarios,
        )),
        Format::Json => Ok(json::export(runs, profiles)),
        Format::Xapi => xapi::export(runs, profiles, &options.xapi, options.scenarios),
    }
}

/// The runs of one trainee (their name as in the records).
pub fn runs_of(runs: &[RunRecord], trainee: &str) -> Vec<RunRecord> {
    runs.iter()
        .filter(|r| r.trainee == trainee)
        .cloned()
        .collect()
}

/// Writes an export to a file, whole or not at all (a temporary file in the
/// same folder, then renamed). For one run pass `std::slice::from_ref(run)`,
/// for one trainee [`runs_of`].
pub fn write_export(
    path: &Path,
    format: Format,
    runs: &[RunRecord],
    profiles: &Profiles,
    options: &ExportOptions,
) -> Result<(), ExportError> {
    let bytes = export_runs(format, runs, profiles, options)?;
    write_atomically(path, &bytes).map_err(|e| ExportError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}
