//! KAM Trainer: a training and onboarding simulator for new account managers.
//!
//! Data flows one way: [`scenario`] files are loaded and checked, the
//! [`engine`] plays a shift from a seed and the trainee's actions, [`scoring`]
//! turns the outcome into the three scores, and [`cli`] offers it all
//! without a window.

pub mod career;
pub mod cli;
pub mod engine;
pub mod files;
#[cfg(feature = "gui")]
pub mod game;
pub mod messages;
pub mod record;
pub mod report;
pub mod scenario;
pub mod scoring;
