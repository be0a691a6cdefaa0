//! The part of `kam-trainer check` that checks course files: the
//! `career.ron` of each checked folder, against the valid scenarios found.

use std::path::PathBuf;

use crate::career::ladder::{COURSE_FILE, CourseLoad, load_course};
use crate::scenario::{Loaded, Severity};

/// The course file of every checked folder that has one.
pub(super) fn check_courses(paths: &[PathBuf], loaded: &[&Loaded]) -> Vec<CourseLoad> {
    let scenarios: Vec<_> = loaded
        .iter()
        .filter_map(|l| l.resolved.as_ref().map(|r| (r.id.clone(), r.stage)))
        .collect();
    paths
        .iter()
        .filter(|p| p.is_dir())
        .map(|dir| dir.join(COURSE_FILE))
        .filter(|course| course.is_file())
        .map(|course| load_course(&course, &scenarios))
        .collect()
}

/// `path: ok` / `path: N error(s), M warning(s)`, as for scenarios.
pub(super) fn status_line(course: &CourseLoad) -> String {
    let count = |s| {
        course
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let path = course
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    match (errors, warnings) {
        (0, 0) => format!("{path}: ok"),
        (0, w) => format!("{path}: ok, {w} warning(s)"),
        (e, w) => format!("{path}: {e} error(s), {w} warning(s)"),
    }
}
