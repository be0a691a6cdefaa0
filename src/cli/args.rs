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
    /// Where trainee profiles are kept (default: the platform's data
    /// directory, e.g. ~/.local/share/kam-trainer on Linux).
    #[arg(long, global = true, env = "KAM_TRAINER_DATA")]
    pub data_dir: Option<PathBuf>,
    /// The folder of scenario files: the game's list, and where `verify` and
    /// `export --decisions` find the version each run was played on.
    #[arg(long, global = true, default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// The game in author mode: file names, seeds, the hot-reload hints and
    /// the diagnostics of broken files (also a setting in the game).
    #[arg(long, global = true)]
    pub author: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load and validate scenarios, then play each valid one many times at
    /// random to see that it can be passed and is not passed by chance.
    Check(CheckArgs),
    /// Play one shift without a window and print the outcome.
    Play(PlayArgs),
    /// Trainee profiles: list, show and create them.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Export finished runs as CSV, JSON or xAPI statements.
    Export(ExportArgs),
    /// Send the xAPI statements of finished runs to a Learning Record Store.
    Send(SendArgs),
    /// Replay run records and confirm their scores; report any tampering.
    Verify(VerifyArgs),
    /// Write the cohort summary: one self-contained HTML page.
    Report(ReportArgs),
    /// Draw a scenario's map (every dialogue, the events, the tasks) as one
    /// self-contained HTML page.
    Graph(GraphArgs),
    /// Write a commented skeleton shift and its test plans, a start for a
    /// new author; both check clean.
    New(NewArgs),
    /// Open the game window on one screen, save a PNG of it and exit.
    #[cfg(feature = "gui")]
    Shot(ShotArgs),
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Scenario files or folders (folders are searched for *.ron).
    #[arg(default_value = "scenarios")]
    pub paths: Vec<PathBuf>,
    /// Playthroughs per valid scenario and player (random play and each
    /// strategy that does not read; 0 skips them).
    #[arg(long, default_value_t = 1000)]
    pub runs: u32,
    /// First seed of the playthroughs; run i uses seed + i.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Seeds each test plan is played on (its own seed and the next ones),
    /// unless the plan says `seeds: N`.
    #[arg(long, default_value_t = crate::scoring::plans::PLAN_SEEDS)]
    pub plan_seeds: u32,
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
    /// Record the run into this trainee's profile, as the game does (the
    /// career is that of the --scenarios folder).
    #[arg(long)]
    pub profile: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Every trainee with their stage and number of runs.
    List {
        /// Print one JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// One trainee: stage, promotions, the best run per scenario, all runs.
    Show {
        /// The trainee's name (case does not matter).
        name: String,
        /// Print one JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Create a trainee (1 to 40 characters, any script).
    Create {
        name: String,
        /// An e-mail address, for the xAPI export.
        #[arg(long)]
        email: Option<String>,
    },
}

/// Where runs are read from: a folder of collected record files, or the
/// profile store in the data directory.
#[derive(Debug, clap::Args)]
pub struct SourceArgs {
    /// A folder of run records (and copied profile folders) collected from
    /// several computers, searched recursively for *.json. Without it the
    /// profile store in the data directory is read.
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub format: crate::report::Format,
    /// Only these trainees (their names as typed; repeat or list several).
    #[arg(long = "profile", value_name = "NAME", num_args = 1.., conflicts_with = "all")]
    pub profiles: Vec<String>,
    /// Every trainee (the default).
    #[arg(long)]
    pub all: bool,
    /// Only runs finished on or after this date (YYYY-MM-DD, UTC) or moment
    /// (RFC 3339, e.g. 2026-03-01T09:00:00Z).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Write here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub source: SourceArgs,
    /// xAPI: also one statement per decision.
    #[arg(long)]
    pub decisions: bool,
    /// xAPI: `actor.account.homePage` for trainees without an e-mail address.
    #[arg(long, env = "KAM_TRAINER_XAPI_HOMEPAGE", value_name = "URL",
          default_value = crate::report::export::xapi::DEFAULT_BASE)]
    pub home_page: String,
    /// xAPI: the prefix of activity ids and extension keys.
    #[arg(long, env = "KAM_TRAINER_XAPI_BASE", value_name = "URL",
          default_value = crate::report::export::xapi::DEFAULT_BASE)]
    pub activity_base: String,
    /// CSV: the field separator.
    #[arg(long, value_enum, default_value_t = Delimiter::Comma)]
    pub delimiter: Delimiter,
}

#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// The LRS's xAPI endpoint, e.g. https://lrs.example.com/xAPI/; without
    /// it, the LRS saved in the game's settings (with its credentials).
    #[arg(long, env = "KAM_TRAINER_LRS", value_name = "URL")]
    pub lrs: Option<String>,
    /// The LRS key (HTTP Basic user); never printed.
    #[arg(long, env = "KAM_TRAINER_LRS_KEY", hide_env_values = true)]
    pub key: Option<String>,
    /// The LRS secret (HTTP Basic password); never printed.
    #[arg(long, env = "KAM_TRAINER_LRS_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Only these trainees (their names as typed; repeat or list several).
    #[arg(long = "profile", value_name = "NAME", num_args = 1.., conflicts_with = "all")]
    pub profiles: Vec<String>,
    /// Every trainee (the default).
    #[arg(long)]
    pub all: bool,
    /// Only runs finished on or after this date (YYYY-MM-DD, UTC) or moment.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    #[command(flatten)]
    pub source: SourceArgs,
    /// Also one statement per decision.
    #[arg(long)]
    pub decisions: bool,
    /// `actor.account.homePage` for trainees without an e-mail address.
    #[arg(long, env = "KAM_TRAINER_XAPI_HOMEPAGE", value_name = "URL",
          default_value = crate::report::export::xapi::DEFAULT_BASE)]
    pub home_page: String,
    /// The prefix of activity ids and extension keys.
    #[arg(long, env = "KAM_TRAINER_XAPI_BASE", value_name = "URL",
          default_value = crate::report::export::xapi::DEFAULT_BASE)]
    pub activity_base: String,
    /// Statements per request.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub batch: u32,
    /// Tries per request after a server error, a timeout or a refused
    /// connection (the first included); waits 0.5 s, then twice as long.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub tries: u32,
    /// Print what would be sent (how many statements of which runs) and send
    /// nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// After sending, read every statement back and compare it.
    #[arg(long)]
    pub check: bool,
    /// Send what waits in the game's outbox (the data directory's
    /// `outbox/`) instead of stored runs; each run leaves the outbox once
    /// the LRS holds all its statements.
    #[arg(long, conflicts_with_all = ["profiles", "all", "since", "from", "dry_run", "check"])]
    pub outbox: bool,
}

/// The CSV field separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Delimiter {
    /// `,`: LibreOffice, and Excel in English locales.
    Comma,
    /// `;`: Excel where the decimal separator is a comma (e.g. Russian).
    Semicolon,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Run record files, or folders searched recursively for *.json.
    #[arg(required = true, value_name = "FILE")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// The scenario file.
    pub file: PathBuf,
    /// The HTML file to write (default: stdout).
    #[arg(long, value_name = "FILE.html")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The new shift's id: lowercase words joined by hyphens; the file is
    /// `ID.ron` in the folder given by `--dir`.
    pub id: String,
    /// The career stage the shift belongs to.
    #[arg(long, value_enum)]
    pub stage: StageArg,
    /// The language of the shift's texts.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// Where to write the files (default: the scenarios folder).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// A stage, as `--stage` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StageArg {
    Merchandiser,
    SalesRepresentative,
    Supervisor,
    SalesManager,
    KeyAccountManager,
}

impl From<StageArg> for crate::scenario::Stage {
    fn from(s: StageArg) -> Self {
        use crate::scenario::Stage;
        match s {
            StageArg::Merchandiser => Stage::Merchandiser,
            StageArg::SalesRepresentative => Stage::SalesRepresentative,
            StageArg::Supervisor => Stage::Supervisor,
            StageArg::SalesManager => Stage::SalesManager,
            StageArg::KeyAccountManager => Stage::KeyAccountManager,
        }
    }
}

/// The language of a new shift's skeleton.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    Ru,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The HTML file to write (default: stdout).
    #[arg(long, value_name = "FILE.html")]
    pub out: Option<PathBuf>,
}

#[cfg(feature = "gui")]
#[derive(Debug, clap::Args)]
pub struct ShotArgs {
    /// The screen to show.
    #[arg(long, value_enum)]
    pub screen: crate::game::ShotScreen,
    /// The scenario to show (default: the first valid one in --scenarios).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// The seed of the shift.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// For `shift`: play up to this shift time ("HH:MM") with the greedy policy.
    #[arg(long)]
    pub at: Option<String>,
    /// Where to save the PNG.
    #[arg(long)]
    pub out: PathBuf,
    /// Frames to draw on the screen before the picture is taken; the
    /// median and slowest frame times are printed.
    #[arg(long, default_value_t = 30)]
    pub frames: u32,
    /// Sign in as this trainee (creating the profile in the data directory
    /// if needed); without it nobody is signed in and nothing is written.
    #[arg(long, value_name = "NAME")]
    pub trainee: Option<String>,
    /// Who plays the shift up to the picture.
    #[arg(long, value_enum, default_value_t = Policy::Greedy)]
    pub policy: Policy,
    /// The window's size in pixels, "WIDTHxHEIGHT" (the virtual display
    /// must be at least as large).
    #[arg(long, default_value = "1280x720", value_parser = parse_size)]
    pub size: (u32, u32),
    /// The text size in percent, as in the settings (100, 125, 150, 200).
    #[arg(long, default_value_t = 100)]
    pub text_scale: u32,
}

/// "1366x768" as (1366, 768).
#[cfg(feature = "gui")]
fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("expected WIDTHxHEIGHT in pixels, like 1366x768, not `{text}`");
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let w: u32 = w.trim().parse().map_err(|_| bad())?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    if !(320..=7680).contains(&w) || !(240..=4320).contains(&h) {
        return Err(format!("{w}x{h}: a window from 320x240 to 7680x4320"));
    }
    Ok((w, h))
}
