//! Results for instructors: the record of each finished run, the exports
//! (CSV, JSON, xAPI), the cohort report and `verify` by replay. Must not
//! depend on Bevy.

pub mod record;

pub use record::{RUN_FORMAT, RunRecord, ScenarioRef, content_hash};
