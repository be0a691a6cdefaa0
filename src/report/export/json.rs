//! JSON: the complete records of the runs, with the trainees' profiles, in
//! one versioned document (`docs/export.md`).

use serde::{Deserialize, Serialize};

use crate::career::ProfileSummary;
use crate::record::RunRecord;
use crate::report::collect::Profiles;

/// The value of the document's `format` field.
pub const JSON_FORMAT: &str = "kam-trainer-results";
/// The document's `version`; readers refuse other versions.
pub const JSON_VERSION: u32 = 1;

/// The JSON export document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonExport {
    /// [`JSON_FORMAT`].
    pub format: String,
    /// [`JSON_VERSION`].
    pub version: u32,
    /// The profiles of the trainees whose runs are exported (when known).
    pub trainees: Vec<ProfileSummary>,
    /// The runs, in the order given.
    pub runs: Vec<RunRecord>,
}

pub fn export(runs: &[RunRecord], profiles: &Profiles) -> Vec<u8> {
    let doc = JsonExport {
        format: JSON_FORMAT.to_owned(),
        version: JSON_VERSION,
        trainees: profiles
            .values()
            .filter(|p| runs.iter().any(|r| r.trainee == p.name))
            .cloned()
            .collect(),
        runs: runs.to_vec(),
    };
    let mut out = serde_json::to_vec_pretty(&doc).expect("plain data serialises");
    out.push(b'\n');
    out
}

/// Reads a JSON export back.
pub fn parse_json_export(bytes: &[u8]) -> Result<JsonExport, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(JSON_FORMAT) {
        return Err(format!("not a {JSON_FORMAT} document"));
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(JSON_VERSION) => {}
        other => {
            return Err(format!(
                "version {other:?}; this version of kam-trainer reads version {JSON_VERSION}"
            ));
        }
    }
    serde_json::from_value(value).map_err(|e| e.to_string())
}
