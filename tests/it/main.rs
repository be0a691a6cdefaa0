//! The one integration test binary: every area is a module, so the crate is
//! linked once.

mod architecture;
mod career;
mod cli;
mod common;
mod engine;
#[cfg(feature = "gui")]
mod game;
mod judgement;
mod lrs;
mod plans;
mod report;
mod scenario;
mod scoring;
