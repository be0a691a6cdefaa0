//! A trainee's profile summary, as stored in `profile.json`.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::scenario::Stage;

/// The version of `profile.json`.
pub const PROFILE_FORMAT: u32 = 1;

/// What the profile screen and the exports need without reading every run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileSummary {
    /// [`PROFILE_FORMAT`].
    pub format: u32,
    /// The trainee's name as they typed it (any script, e.g. Cyrillic).
    pub name: String,
    /// An e-mail address, if the trainee gave one (xAPI uses it as `mbox`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub created_at: Timestamp,
    /// The trainee's current rank on the ladder.
    pub stage: Stage,
    /// When each stage above the first was reached, in order.
    #[serde(default)]
    pub promotions: Vec<Promotion>,
    /// File names (under `runs/`) of every finished run, oldest first.
    #[serde(default)]
    pub runs: Vec<String>,
    /// The best run per scenario id: its file name under `runs/`.
    #[serde(default)]
    pub best: BTreeMap<String, String>,
    /// File names (under `runs/`) that cannot be read (damaged, or written
    /// by a newer version): kept in place, skipped, and reported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
}

/// A step up the ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promotion {
    pub to: Stage,
    pub at: Timestamp,
    /// The id of the run that earned it.
    pub run: String,
}
