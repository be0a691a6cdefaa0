//! Files written whole or not at all: the one atomic write that run
//! records, profiles, exports, settings and new scenarios all use. The
//! lowest module of the crate: it knows nothing of what it writes.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Set to a number of milliseconds, every atomic write pauses that long
/// between its steps, so a test can kill the process in the middle of one.
pub const SLOW_SAVE_ENV: &str = "KAM_TRAINER_SLOW_SAVE_MS";

/// A write that did not happen, and where.
#[derive(Debug, thiserror::Error)]
#[error("cannot {doing} {}: {source}", path.display())]
pub struct WriteError {
    pub doing: &'static str,
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

type Result<T> = std::result::Result<T, WriteError>;

fn io_error<'a>(doing: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> WriteError + 'a {
    move |source| WriteError {
        doing,
        path: path.to_owned(),
        source,
    }
}

/// Writes `bytes` so that a crash at any moment leaves either the old file
/// or the new one: a temporary file in the same folder, written, synced,
/// renamed over `path`, then the folder synced so the rename is durable.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write(path, bytes, false)
}

/// [`write_atomically`] for a file only its owner may read or write (on
/// Unix, mode 0600 from the moment it exists): credentials.
pub fn write_private_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write(path, bytes, true)
}

fn write(path: &Path, bytes: &[u8], private: bool) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{file_name}.{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        let mut f = options.open(&tmp).map_err(io_error("create", &tmp))?;
        let half = bytes.len() / 2;
        f.write_all(&bytes[..half])
            .map_err(io_error("write", &tmp))?;
        pause_for_tests();
        f.write_all(&bytes[half..])
            .map_err(io_error("write", &tmp))?;
        f.flush().map_err(io_error("write", &tmp))?;
        f.sync_all().map_err(io_error("sync", &tmp))?;
        drop(f);
        pause_for_tests();
        fs::rename(&tmp, path).map_err(io_error("replace", path))?;
        pause_for_tests();
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Makes a folder's entries (a new or renamed file) durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io_error("sync the folder", dir))?;
    }
    #[cfg(not(unix))]
    let _ = (dir, File::open::<&Path>);
    Ok(())
}

/// See [`SLOW_SAVE_ENV`].
fn pause_for_tests() {
    if let Some(ms) = std::env::var(SLOW_SAVE_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}
