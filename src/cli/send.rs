//! `kam-trainer send`: the xAPI statements of stored runs, posted to a
//! Learning Record Store in batches; `--check` reads them back.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::CliError;
use super::args::SendArgs;
use super::export::{scenario_index, select};
use crate::report::export::XapiOptions;
use crate::report::export::xapi::statements;
use crate::report::lrs::{Credentials, Lrs, Retry, id_of, same_statement};
use crate::report::outbox::{LrsSettings, Outbox, queue_new_runs};

pub fn run(args: SendArgs, data: Option<PathBuf>, scenarios: &Path) -> Result<ExitCode, CliError> {
    if args.outbox {
        return send_outbox(&args, &super::data_dir(data)?, scenarios);
    }
    let found = select(
        &args.source,
        &args.profiles,
        args.since.as_deref(),
        data.clone(),
    )?;
    let index = scenario_index(scenarios)?;
    let options = XapiOptions {
        home_page: args.home_page.clone(),
        activity_base: args.activity_base.clone(),
        decisions: args.decisions,
    };
    let all = statements(&found.runs, &found.profiles, &options, Some(&index))
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let (lrs, endpoint) = connect(&args, data)?;
    if args.dry_run {
        println!(
            "would send {} statement(s) of {} run(s) to {endpoint} in batches of {}",
            all.len(),
            found.runs.len(),
            args.batch
        );
        for run in &found.runs {
            println!(
                "  {} · {} · {}",
                run.trainee, run.scenario.id, run.finished_at
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if all.is_empty() {
        eprintln!("note: no statements to send");
        return Ok(ExitCode::SUCCESS);
    }
    let bar = progress(all.len() as u64, "sending");
    let delivery = lrs.send(&all, args.batch as usize, |done| {
        bar.set_position(done as u64)
    });
    bar.finish_and_clear();
    println!(
        "sent {} of {} statement(s) of {} run(s) to {endpoint}",
        delivery.sent.len(),
        all.len(),
        found.runs.len(),
    );
    for c in &delivery.conflicts {
        println!(
            "  conflict: statement {} is in the LRS with other content (HTTP 409: {}); it was not replaced",
            c.id, c.message
        );
    }
    for r in &delivery.refused {
        println!(
            "  refused: statement {} (HTTP {}): {}",
            r.id, r.status, r.message
        );
    }
    if let Some(e) = &delivery.stopped {
        println!(
            "  stopped: {e}; {} statement(s) were not sent, run `send` again to send them",
            all.len() - delivery.sent.len() - delivery.conflicts.len() - delivery.refused.len()
        );
    }
    let mut ok = delivery.is_complete();
    if args.check && delivery.stopped.is_none() {
        ok &= check(&lrs, &all, &delivery.sent);
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The LRS of `--lrs` and the credentials given, or else the one saved in
/// the game's settings; with its endpoint, for messages.
fn connect(args: &SendArgs, data: Option<PathBuf>) -> Result<(Lrs, String), CliError> {
    let retry = Retry {
        attempts: args.tries,
        ..Retry::default()
    };
    let (endpoint, credentials) = match &args.lrs {
        Some(endpoint) => {
            let credentials = match (&args.key, &args.secret) {
                (Some(key), Some(secret)) => Some(Credentials {
                    key: key.clone(),
                    secret: secret.clone(),
                }),
                (None, None) => None,
                _ => {
                    return Err(CliError::Usage(
                        "give both the LRS key and its secret (--key and --secret, or KAM_TRAINER_LRS_KEY and KAM_TRAINER_LRS_SECRET), or neither".to_owned(),
                    ));
                }
            };
            (endpoint.clone(), credentials)
        }
        None => {
            let dir = super::data_dir(data)?;
            let saved = LrsSettings::load(&dir).map_err(|e| CliError::Usage(e.to_string()))?;
            if !saved.is_set() {
                return Err(CliError::Usage(format!(
                    "no LRS to send to: pass --lrs URL (or set KAM_TRAINER_LRS), or save one in the game's settings (data directory {})",
                    dir.display()
                )));
            }
            (saved.endpoint.clone(), saved.credentials())
        }
    };
    let lrs = Lrs::new(&endpoint, credentials.as_ref(), retry)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    Ok((lrs, endpoint))
}

/// `send --outbox`: what the game has not sent yet.
fn send_outbox(args: &SendArgs, dir: &Path, scenarios: &Path) -> Result<ExitCode, CliError> {
    let (lrs, endpoint) = connect(args, Some(dir.to_owned()))?;
    let outbox = Outbox::new(dir);
    // What the game finished since the LRS was saved and did not queue
    // (it was closed first) goes in now, as the game's sender does.
    let saved = LrsSettings::load(dir).map_err(|e| CliError::Usage(e.to_string()))?;
    if saved.is_set()
        && args
            .lrs
            .as_deref()
            .is_none_or(|l| l.trim() == saved.endpoint.trim())
    {
        let index = scenario_index(scenarios).ok();
        // Always with decisions, as the game queues them.
        let options = XapiOptions {
            home_page: args.home_page.clone(),
            activity_base: args.activity_base.clone(),
            decisions: true,
        };
        let queued = queue_new_runs(&outbox, dir, &saved, &options, index.as_ref())
            .map_err(CliError::Failed)?;
        if queued > 0 {
            println!("queued {queued} run(s) finished since the LRS was set");
        }
    }
    let waiting = outbox.waiting();
    if waiting.runs == 0 {
        println!("the outbox in {} is empty", outbox.dir().display());
        return Ok(ExitCode::SUCCESS);
    }
    let bar = progress(waiting.statements as u64, "sending");
    let sent = outbox.deliver(&lrs, args.batch as usize, |n| bar.set_position(n as u64));
    bar.finish_and_clear();
    println!(
        "sent {} statement(s); {} of {} run(s) left the outbox for {endpoint}",
        sent.statements, sent.runs, waiting.runs
    );
    let left = outbox.waiting();
    if let Some(e) = &sent.error {
        println!("  {e}");
    }
    if left.runs > 0 {
        println!(
            "  {} run(s) ({} statement(s)) still wait in {}; run `send --outbox` again",
            left.runs,
            left.statements,
            outbox.dir().display()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads every sent statement back and compares it; true when all match.
fn check(lrs: &Lrs, all: &[serde_json::Value], sent: &[String]) -> bool {
    let bar = progress(sent.len() as u64, "checking");
    let mut differ = Vec::new();
    for (i, statement) in all.iter().filter(|s| sent.contains(&id_of(s))).enumerate() {
        let id = id_of(statement);
        match lrs.get(&id) {
            Ok(Some(stored)) => {
                if let Err(why) = same_statement(statement, &stored) {
                    differ.push(format!("statement {id} differs: {why}"));
                }
            }
            Ok(None) => differ.push(format!("statement {id} is not in the LRS")),
            Err(e) => {
                differ.push(format!("statement {id} could not be read back: {e}"));
                break;
            }
        }
        bar.set_position(i as u64 + 1);
    }
    bar.finish_and_clear();
    if differ.is_empty() {
        println!("checked: every statement sent reads back the same");
        true
    } else {
        for d in &differ {
            println!("  {d}");
        }
        false
    }
}

fn progress(total: u64, what: &'static str) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} statements")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
