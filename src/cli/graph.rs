//! `kam-trainer graph`: the map of one scenario as a self-contained HTML
//! page (see `report::graph`).

use std::process::ExitCode;

use super::CliError;
use super::args::GraphArgs;
use crate::scenario::load_path;

pub fn run(args: GraphArgs) -> Result<ExitCode, CliError> {
    let loaded = load_path(&args.file);
    let Some(scenario) = &loaded.scenario else {
        eprint!("{}", loaded.render_diagnostics());
        return Err(CliError::Failed(format!(
            "{} cannot be read as a scenario; fix the error above (see `kam-trainer check {}`)",
            args.file.display(),
            args.file.display()
        )));
    };
    if loaded.has_errors() {
        // The map still helps to find the mistake; say it is of a broken file.
        eprint!("{}", loaded.render_diagnostics());
        eprintln!(
            "note: {} has errors; the map shows the file as written",
            args.file.display()
        );
    }
    let page = crate::report::graph::graph_page(scenario);
    super::export::write_or_emit(args.out.as_deref(), page.as_bytes())?;
    if let Some(out) = &args.out {
        eprintln!("wrote the map of `{}` to {}", scenario.id, out.display());
    }
    Ok(ExitCode::SUCCESS)
}
