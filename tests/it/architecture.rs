//! The module boundaries of `docs/architecture.md`: which module of the
//! crate may name which. A `use crate::…` that points the wrong way fails
//! here, naming the file and the line.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Every top-level module and the modules it may use.
const ALLOWED: &[(&str, &[&str])] = &[
    ("scenario", &[]),
    ("files", &[]),
    ("engine", &["scenario"]),
    ("scoring", &["engine", "scenario"]),
    ("messages", &["scoring", "engine", "scenario"]),
    ("record", &["scoring", "engine", "scenario"]),
    ("career", &["record", "files", "scenario"]),
    (
        "report",
        &[
            "career", "record", "messages", "scoring", "engine", "scenario", "files",
        ],
    ),
    (
        "game",
        &[
            "report", "career", "record", "messages", "scoring", "engine", "scenario", "files",
        ],
    ),
    (
        "cli",
        &[
            "game", "report", "career", "record", "messages", "scoring", "engine", "scenario",
            "files",
        ],
    ),
];

fn sources(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<_> = fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for e in entries {
            sources(&e, out);
        }
    } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_owned());
    }
}

/// The modules `crate::` names in code (comments left out), with the line.
fn named_modules(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.push((i + 1, name));
        }
    }
    found
}

#[test]
fn every_module_uses_only_the_modules_under_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    let mut seen = 0;
    for (module, may_use) in &allowed {
        let mut files = Vec::new();
        let dir = root.join(module);
        sources(&dir, &mut files);
        sources(&root.join(format!("{module}.rs")), &mut files);
        assert!(!files.is_empty(), "src/{module} is gone: update ALLOWED");
        for file in files {
            let text = fs::read_to_string(&file).unwrap();
            for (line, name) in named_modules(&text) {
                seen += 1;
                if name != *module
                    && allowed.contains_key(name.as_str())
                    && !may_use.contains(&name.as_str())
                {
                    wrong.push(format!(
                        "{}:{line}: `{module}` uses `{name}`",
                        file.strip_prefix(&root).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        seen > 50,
        "the scan found only {seen} uses: is it reading src?"
    );
    assert!(
        wrong.is_empty(),
        "uses that point up the layers of docs/architecture.md:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_top_level_module_has_its_place() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(root.join("lib.rs")).unwrap();
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';').trim())
        .collect();
    assert!(!declared.is_empty());
    for m in declared {
        assert!(
            ALLOWED.iter().any(|(name, _)| *name == m),
            "src/lib.rs declares `{m}`, which has no row in ALLOWED (and docs/architecture.md)"
        );
    }
}

#[test]
fn the_scan_sees_a_use_that_points_up() {
    let found = named_modules("use crate::report::x; // crate::cli in a comment\nlet a = 1;");
    assert_eq!(found, vec![(1, "report".to_owned())]);
}
