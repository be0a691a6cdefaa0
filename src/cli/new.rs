//! `kam-trainer new`: a commented skeleton shift and its test plans, in
//! English or Russian, that check clean as written: a new author starts
//! from a working file and changes it piece by piece.

use std::path::Path;
use std::process::ExitCode;

use super::args::{Lang, NewArgs};
use super::{CliError, emit};
use crate::scenario::Stage;

const SHIFT_EN: &str = include_str!("templates/new.en.ron");
const PLANS_EN: &str = include_str!("templates/new.plans.en.ron");
const SHIFT_RU: &str = include_str!("templates/new.ru.ron");
const PLANS_RU: &str = include_str!("templates/new.plans.ru.ron");

pub fn run(args: NewArgs, scenarios: &Path) -> Result<ExitCode, CliError> {
    if !is_id(&args.id) {
        return Err(CliError::Usage(format!(
            "`{}` is not a shift id: use lowercase letters, digits and single hyphens, e.g. `salesrep-late-delivery`",
            args.id
        )));
    }
    let dir = args.dir.clone().unwrap_or_else(|| scenarios.to_path_buf());
    let shift = dir.join(format!("{}.ron", args.id));
    let plans = dir.join(format!("{}.plans.ron", args.id));
    for path in [&shift, &plans] {
        if path.exists() {
            return Err(CliError::Usage(format!(
                "{} already exists; pick another id or move the file away first",
                path.display()
            )));
        }
    }
    let (files, stage): ((String, String), Stage) = (render(&args, &shift), args.stage.into());
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", dir.display())))?;
    write_new(&shift, &files.0)?;
    write_new(&plans, &files.1)?;
    emit(&format!(
        "wrote {} (a {} shift) and its test plans {}\nnext: edit them, then run `kam-trainer check {}`, and add `{}` to its stage in career.ron\n",
        shift.display(),
        stage.title(),
        plans.display(),
        shift.display(),
        args.id
    ));
    Ok(ExitCode::SUCCESS)
}

/// The shift's and the plans file's text.
fn render(args: &NewArgs, shift: &Path) -> (String, String) {
    let (shift_t, plans_t, title) = match args.lang {
        Lang::En => (SHIFT_EN, PLANS_EN, "A new shift"),
        Lang::Ru => (SHIFT_RU, PLANS_RU, "Новая смена"),
    };
    let stage = format!("{:?}", Stage::from(args.stage));
    let file = shift.display().to_string();
    let fill = |t: &str| {
        t.replace("{ID}", &args.id)
            .replace("{TITLE}", title)
            .replace("{STAGE}", &stage)
            .replace("{FILE}", &file)
    };
    (fill(shift_t), fill(plans_t))
}

fn write_new(path: &Path, text: &str) -> Result<(), CliError> {
    crate::files::write_atomically(path, text.as_bytes())
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))
}

/// Lowercase ASCII letters and digits in words joined by single hyphens.
fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}
