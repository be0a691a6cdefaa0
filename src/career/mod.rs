//! The career: the ladder and its promotion rules, trainee profiles and
//! their crash-safe persistence. Must not depend on Bevy.
//!
//! A profile store is a folder (the data directory):
//!
//! ```text
//! DATA/profiles/<folder>/profile.json      the summary (ProfileSummary)
//! DATA/profiles/<folder>/runs/<run>.json   one RunRecord per finished run
//! ```
//!
//! The run files are the truth; the summary is derived from them and can
//! always be rebuilt.

pub mod ladder;
pub mod profile;
pub mod store;

pub use ladder::{Career, CareerStage, CourseLoad, load_course, load_course_dir};
pub use profile::{PROFILE_FORMAT, ProfileSummary, Promotion};
pub use store::{Notice, Profile, Recorded, Store, StoreError};
