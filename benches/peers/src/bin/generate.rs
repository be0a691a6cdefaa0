//! Writes the synthetic graph in both formats, to look at or to load in
//! other tools: `cargo run -p peers --bin generate -- 50 OUT_DIR`.

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let nodes: usize = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| usage());
    let dir = PathBuf::from(args.next().unwrap_or_else(|| usage()));
    if nodes == 0 {
        usage();
    }
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| fail(&dir, e));
    for (name, text) in [
        (format!("graph-{nodes}.ron"), peers::scenario_ron(nodes)),
        (format!("graph-{nodes}.ink"), peers::ink_source(nodes)),
        (format!("graph-{nodes}.ink.json"), peers::ink_json(nodes)),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| fail(&path, e));
        println!("wrote {}", path.display());
    }
}

fn usage() -> ! {
    eprintln!("usage: generate NODES OUT_DIR   (NODES at least 1)");
    std::process::exit(2)
}

fn fail(path: &std::path::Path, e: std::io::Error) -> ! {
    eprintln!("{}: {e}", path.display());
    std::process::exit(1)
}
