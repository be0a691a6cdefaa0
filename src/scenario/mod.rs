//! Scenarios: the RON schema authors write ([`model`]), loading with source
//! positions ([`load`], [`spans`]), validation ([`validate`]) with
//! rustc-style diagnostics ([`diagnostic`]), and the checked form the engine
//! runs ([`resolved`]). Knows nothing of Bevy or the engine's state.
//!
//! ```no_run
//! use kam_trainer::scenario::load_path;
//! let loaded = load_path("docs/reference/reference-late-shipment.ron".as_ref());
//! eprint!("{}", loaded.render_diagnostics());
//! if let Some(resolved) = &loaded.resolved {
//!     println!("{} tasks", resolved.tasks.len());
//! }
//! ```

pub mod diagnostic;
pub mod load;
pub mod model;
pub mod resolved;
pub mod ron_file;
pub mod spans;
pub mod validate;

pub use diagnostic::{Code, Diagnostic, Severity};
pub use load::{
    FileKind, Loaded, collect_files, collect_plan_files, collect_scenario_files, file_kind,
    load_bytes, load_path, load_str,
};
pub use model::*;
pub use resolved::*;
pub use validate::{Problem, format_time, parse_time, resolve, suggest};
