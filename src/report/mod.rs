//! Results for instructors: the record of each finished run, the exports
//! (CSV, JSON, xAPI), the cohort report and `verify` by replay. Must not
//! depend on Bevy.

pub mod collect;
pub mod export;
pub mod graph;
pub mod html;
pub mod lrs;
pub mod outbox;
pub mod scenarios;
pub mod verify;

pub use crate::record::{RUN_FORMAT, RunRecord, ScenarioRef, content_hash, uuid_from};
pub use collect::{Collection, Profiles, Skipped, collect_from, collect_paths, collect_store};
pub use export::{ExportOptions, Format, export_runs, write_export};
pub use scenarios::ScenarioIndex;
pub use verify::{Finding, FindingKind, verify_run};
