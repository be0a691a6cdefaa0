//! The command line, in one place.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::engine::policy::Policy;

/// KAM Trainer: a training simulator for new account managers. Without a
/// subcommand it starts the game.
#[derive(Debug, Parser)]
#[command(name = "kam-trainer", version, about)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load and validate scenarios, then play each valid one many times at
    /// random to see that it can be passed and is not passed by chance.
    Check(CheckArgs),
    /// Play one shift without a window and print the outcome.
    Play(PlayArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Scenario files or folders (folders are searched for *.ron).
    #[arg(default_value = "scenarios")]
    pub paths: Vec<PathBuf>,
    /// Random playthroughs per valid scenario (0 skips them).
    #[arg(long, default_value_t = 1000)]
    pub runs: u32,
    /// First seed of the playthroughs; run i uses seed + i.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print one JSON document on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct PlayArgs {
    /// The scenario file.
    pub scenario: PathBuf,
    /// The seed of the shift's random draws (event jitter, OneOf).
    #[arg(long)]
    pub seed: u64,
    /// A built-in way to play.
    #[arg(long, value_enum, default_value_t = Policy::Greedy, conflicts_with = "script")]
    pub policy: Policy,
    /// A RON list of timed actions to play instead (see docs/script.md).
    #[arg(long)]
    pub script: Option<PathBuf>,
    /// Print exactly one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}
