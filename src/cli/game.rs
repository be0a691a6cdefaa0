//! Starting the game window, and `kam-trainer shot`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::args::ShotArgs;
use super::{CliError, data_dir};
use crate::game::{GameConfig, ShotRequest};
use crate::scenario::parse_time;

pub fn start(
    data: Option<PathBuf>,
    scenarios: PathBuf,
    author: bool,
) -> Result<ExitCode, CliError> {
    let config = GameConfig {
        scenarios,
        data_dir: data_dir(data)?,
        author,
    };
    Ok(crate::game::run(config, None))
}

pub fn shot(
    args: ShotArgs,
    data: Option<PathBuf>,
    scenarios: PathBuf,
    author: bool,
) -> Result<ExitCode, CliError> {
    if !crate::game::TEXT_SCALES.contains(&args.text_scale) {
        return Err(CliError::Usage(format!(
            "--text-scale {}: one of {:?}",
            args.text_scale,
            crate::game::TEXT_SCALES
        )));
    }
    let at = match &args.at {
        Some(t) => Some(
            parse_time(t)
                .ok_or_else(|| CliError::Usage(format!("--at {t}: expected a time like 11:30")))?,
        ),
        None => None,
    };
    // A shot never touches the real profiles unless asked to.
    let data_dir = match data {
        Some(d) => d,
        None => std::env::temp_dir().join("kam-trainer-shot"),
    };
    let request = ShotRequest {
        screen: args.screen,
        scenario: args.scenario,
        seed: args.seed,
        at,
        out: args.out,
        frames: args.frames,
        trainee: args.trainee,
        policy: args.policy,
        size: args.size,
        text_scale: args.text_scale,
    };
    Ok(crate::game::run(
        GameConfig {
            scenarios,
            data_dir,
            author,
        },
        Some(request),
    ))
}
