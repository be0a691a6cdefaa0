//! Scenarios: the RON schema authors write ([`model`]), loading with source
//! positions, validation with rustc-style diagnostics, and the checked form
//! the engine runs ([`resolved`]). Knows nothing of Bevy or the engine's
//! state.

pub mod model;
pub mod resolved;

pub use model::*;
pub use resolved::*;
