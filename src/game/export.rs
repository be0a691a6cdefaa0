//! The export buttons of the profile screen and the debrief: a trainee's
//! runs (or one run) written as CSV, JSON and xAPI into `exports/` of the
//! data directory, for the trainee to hand to their training lead. The
//! formats are the report module's, the same `kam-trainer export` writes.

use std::path::{Path, PathBuf};

use crate::career::store::folder_name;
use crate::report::{ExportOptions, Format, Profiles, RunRecord, write_export};

/// Writes the three files, named after the trainee (and the scenario, for
/// one run); returns the folder they are in.
pub fn export_runs(
    data_dir: &Path,
    trainee: &str,
    scenario: Option<&str>,
    runs: &[RunRecord],
    profiles: &Profiles,
) -> Result<PathBuf, String> {
    if runs.is_empty() {
        return Err("There is no finished run to export yet.".to_owned());
    }
    let folder = data_dir.join("exports");
    std::fs::create_dir_all(&folder)
        .map_err(|e| format!("Cannot create {}: {e}", folder.display()))?;
    let now = jiff::Zoned::now().strftime("%Y%m%d-%H%M%S").to_string();
    let mut stem = folder_name(trainee);
    if let Some(id) = scenario {
        stem = format!("{stem}-{}", folder_name(id));
    }
    let stem = format!("{stem}-{now}");
    // The addresses the training lead set for their LRS, as `export` reads them.
    let mut options = ExportOptions::default();
    if let Ok(home) = std::env::var("KAM_TRAINER_XAPI_HOMEPAGE") {
        options.xapi.home_page = home;
    }
    if let Ok(base) = std::env::var("KAM_TRAINER_XAPI_BASE") {
        options.xapi.activity_base = base;
    }
    for (format, ext) in [
        (Format::Csv, "csv"),
        (Format::Json, "json"),
        (Format::Xapi, "xapi.json"),
    ] {
        let path = folder.join(format!("{stem}.{ext}"));
        write_export(&path, format, runs, profiles, &options).map_err(|e| e.to_string())?;
    }
    Ok(folder)
}
