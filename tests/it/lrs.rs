//! `send` and the outbox against a real LRS: Learning Locker's statement
//! service (npm `xapi-statements` 5.0.1) in memory on 127.0.0.1, started by
//! `tests/lrs/server.js` with one known client. The npm packages are
//! installed once per target folder (`npm ci` from `tests/lrs/`), or taken
//! from `KAM_TRAINER_TEST_NODE_MODULES`.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine;
use kam_trainer::report::export::XapiOptions;
use kam_trainer::report::export::xapi::statements;
use kam_trainer::report::lrs::id_of;
use kam_trainer::report::outbox::{LrsSettings, Outbox};
use kam_trainer::report::{Profiles, RunRecord};
use serde_json::Value;

use crate::common::{binary, kam, root};
use crate::report::{cohort, shipped_index, write_store};

pub(crate) const KEY: &str = "kam-tests";
pub(crate) const SECRET: &str = "s3cret-never-printed";

/// The `node_modules` folder holding the statement service and the
/// validator, installed on first use.
fn node_modules() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Some(dir) = std::env::var_os("KAM_TRAINER_TEST_NODE_MODULES") {
            return PathBuf::from(dir);
        }
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lrs-npm");
        let modules = dir.join("node_modules");
        let lock = std::fs::read(root().join("tests/lrs/package-lock.json")).unwrap();
        // Installed already from the same lock file: keep it.
        if std::fs::read(dir.join("package-lock.json")).ok().as_deref() == Some(&lock[..])
            && modules.join("xapi-statements/package.json").is_file()
        {
            return modules;
        }
        std::fs::create_dir_all(&dir).unwrap();
        for file in ["package.json", "package-lock.json"] {
            std::fs::copy(root().join("tests/lrs").join(file), dir.join(file)).unwrap();
        }
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .output()
            .expect("npm (Node 20) installs the test LRS; install Node.js");
        assert!(
            out.status.success(),
            "npm ci in {} failed:\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        modules
    })
}

/// The test client's HTTP Basic credentials.
fn basic() -> String {
    let pair = format!("{KEY}:{SECRET}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running in-memory LRS, stopped when dropped.
pub(crate) struct TestLrs {
    child: Child,
    port: u16,
    /// The service's working folder: it writes access logs there.
    _cwd: tempfile::TempDir,
}

impl TestLrs {
    pub(crate) fn start() -> TestLrs {
        TestLrs::start_on(free_port(), 0)
    }

    /// On `port`, answering each POST `delay_ms` late.
    pub(crate) fn start_on(port: u16, delay_ms: u64) -> TestLrs {
        let modules = node_modules();
        let cwd = tempfile::tempdir().unwrap();
        let mut child = Command::new("node")
            .arg(root().join("tests/lrs/server.js"))
            .current_dir(cwd.path())
            .env("XAPI_STATEMENTS", modules.join("xapi-statements"))
            .env("LRS_PORT", port.to_string())
            .env("AUTH_PORT", free_port().to_string())
            .env("LRS_KEY", KEY)
            .env("LRS_SECRET", SECRET)
            .env("LRS_DELAY_MS", delay_ms.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts the test LRS");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.trim() == "ready" {
                    let _ = tx.send(());
                }
            }
        });
        let mut lrs = TestLrs {
            child,
            port,
            _cwd: cwd,
        };
        if rx.recv_timeout(Duration::from_secs(60)).is_err() {
            let _ = lrs.child.kill();
            panic!("the test LRS did not start on port {port} within 60 s");
        }
        lrs
    }

    pub(crate) fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/xAPI/", self.port)
    }

    fn get(&self, url: &str) -> ureq::RequestBuilder<ureq::typestate::WithoutBody> {
        ureq::get(format!("http://127.0.0.1:{}{url}", self.port))
            .header("Authorization", basic())
            .header("X-Experience-API-Version", "1.0.3")
    }

    /// The id of every statement the LRS holds, as many times as it holds
    /// it (following the `more` links).
    pub(crate) fn stored_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        let mut next = "/xAPI/statements?limit=500".to_owned();
        for _ in 0..100 {
            let body = self
                .get(&next)
                .call()
                .unwrap()
                .body_mut()
                .read_to_string()
                .unwrap();
            let page: Value = serde_json::from_str(&body).unwrap();
            ids.extend(page["statements"].as_array().unwrap().iter().map(id_of));
            match page["more"].as_str() {
                Some(more) if !more.is_empty() => next = more.to_owned(),
                _ => return ids,
            }
        }
        panic!("more than 100 pages of statements");
    }

    /// Posts `statement` as it is (for a conflict made on purpose).
    fn post(&self, statement: &Value) -> u16 {
        ureq::post(format!("http://127.0.0.1:{}/xAPI/statements", self.port))
            .config()
            .http_status_as_error(false)
            .build()
            .header("Authorization", basic())
            .header("X-Experience-API-Version", "1.0.3")
            .header("Content-Type", "application/json")
            .send(serde_json::to_string(&[statement]).unwrap())
            .unwrap()
            .status()
            .as_u16()
    }
}

impl Drop for TestLrs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A data directory holding the seeded cohort (24 trainees, 48 runs) and
/// a folder with the scenario files its runs were played on.
struct Cohort {
    dir: tempfile::TempDir,
    runs: Vec<RunRecord>,
    profiles: Profiles,
}

impl Cohort {
    fn new() -> Cohort {
        let (runs, profiles) = cohort();
        let dir = tempfile::tempdir().unwrap();
        write_store(&dir.path().join("data"), &runs, &profiles);
        let scenarios = dir.path().join("scenarios");
        std::fs::create_dir_all(&scenarios).unwrap();
        for file in [
            "tests/fixtures/cohort/merchandiser-store-round.ron",
            "tests/fixtures/cohort/supervisor-short-team.ron",
            "docs/reference/reference-late-shipment.ron",
        ] {
            let path = root().join(file);
            std::fs::copy(&path, scenarios.join(path.file_name().unwrap())).unwrap();
        }
        Cohort {
            dir,
            runs,
            profiles,
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Every statement of the cohort, decisions included, as `send` makes
    /// them.
    fn statements_of(&self, runs: &[RunRecord]) -> Vec<Value> {
        let options = XapiOptions {
            decisions: true,
            ..XapiOptions::default()
        };
        statements(runs, &self.profiles, &options, Some(&shipped_index())).unwrap()
    }

    /// `send` over the cohort's store, decisions included.
    fn send(&self, lrs: &str, secret: &str) -> assert_cmd::Command {
        let mut cmd = kam();
        cmd.arg("send")
            .arg("--data-dir")
            .arg(self.data())
            .arg("--scenarios")
            .arg(self.dir.path().join("scenarios"))
            .args([
                "--decisions",
                "--lrs",
                lrs,
                "--key",
                KEY,
                "--secret",
                secret,
            ]);
        cmd
    }

    /// Every run's statements put in the outbox, as the game does after a
    /// run, with the LRS saved in the settings.
    fn fill_outbox(&self, endpoint: &str) -> usize {
        let outbox = Outbox::new(&self.data());
        let mut total = 0;
        for run in &self.runs {
            let statements = self.statements_of(std::slice::from_ref(run));
            total += statements.len();
            outbox.put(&run.id, &run.trainee, statements).unwrap();
        }
        LrsSettings {
            endpoint: endpoint.to_owned(),
            key: KEY.to_owned(),
            secret: SECRET.to_owned(),
            since: None,
        }
        .save(&self.data())
        .unwrap();
        total
    }

    fn send_outbox(&self) -> assert_cmd::Command {
        let mut cmd = kam();
        cmd.arg("send")
            .arg("--outbox")
            .arg("--data-dir")
            .arg(self.data())
            .args(["--tries", "2"]);
        cmd
    }
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn ids(statements: &[Value]) -> BTreeSet<String> {
    statements.iter().map(id_of).collect()
}

#[test]
fn a_seeded_cohort_is_sent_with_its_decisions_and_reads_back_equal() {
    let cohort = Cohort::new();
    let trainees: BTreeSet<&str> = cohort.runs.iter().map(|r| r.trainee.as_str()).collect();
    assert!(trainees.len() >= 20, "{} trainees", trainees.len());
    let expected = cohort.statements_of(&cohort.runs);
    let lrs = TestLrs::start();

    let out = cohort
        .send(&lrs.endpoint(), SECRET)
        .args(["--check", "--batch", "40"])
        .output()
        .unwrap();
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    let n = expected.len();
    assert!(
        said.contains(&format!(
            "sent {n} of {n} statement(s) of {} run(s)",
            cohort.runs.len()
        )),
        "{said}"
    );
    assert!(
        said.contains("every statement sent reads back the same"),
        "{said}"
    );
    assert!(!said.contains(SECRET), "{said}");
    let stored = lrs.stored_ids();
    assert_eq!(stored.len(), n);
    assert_eq!(stored.into_iter().collect::<BTreeSet<_>>(), ids(&expected));

    // Sending again is safe: the same ids with the same content.
    let again = cohort.send(&lrs.endpoint(), SECRET).output().unwrap();
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(lrs.stored_ids().len(), n);
}

#[test]
fn bad_credentials_get_one_message_and_the_secret_is_never_shown() {
    let cohort = Cohort::new();
    let lrs = TestLrs::start();
    let wrong = "wrong-secret-value";
    let out = cohort.send(&lrs.endpoint(), wrong).output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("refused the credentials (HTTP 401)"),
        "{said}"
    );
    assert!(said.contains("check the key and secret"), "{said}");
    assert_eq!(said.matches("credentials").count(), 1, "{said}");
    assert!(!said.contains(wrong) && !said.contains(SECRET), "{said}");
    assert!(lrs.stored_ids().is_empty());
}

#[test]
fn a_statement_stored_with_other_content_is_reported_as_a_conflict() {
    let cohort = Cohort::new();
    let expected = cohort.statements_of(&cohort.runs);
    let lrs = TestLrs::start();
    // Someone stored the id of the fifth statement with another verb.
    let mut other = expected[4].clone();
    other["verb"]["display"]["en-US"] = Value::from("edited elsewhere");
    assert_eq!(lrs.post(&other), 200);
    let conflicting = id_of(&other);

    let out = cohort.send(&lrs.endpoint(), SECRET).output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    let n = expected.len();
    assert!(said.contains(&format!("sent {} of {n}", n - 1)), "{said}");
    assert!(
        said.contains(&format!(
            "conflict: statement {conflicting} is in the LRS with other content (HTTP 409"
        )),
        "{said}"
    );
    // Everything else arrived; the conflicting one was not replaced.
    assert_eq!(lrs.stored_ids().len(), n);
}

#[test]
fn a_statement_the_lrs_refuses_is_named_with_the_lrs_message_and_the_rest_arrive() {
    let cohort = Cohort::new();
    // A profile edited by hand with an e-mail address that is none: the
    // LRS refuses that trainee's statements (an mbox must be an address).
    let data = cohort.data();
    let profiles = std::fs::read_dir(data.join("profiles")).unwrap();
    let mut edited = None;
    for folder in profiles {
        let path = folder.unwrap().path().join("profile.json");
        let mut profile: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        if profile["email"].is_string() {
            profile["email"] = Value::from("trainee at example");
            std::fs::write(&path, serde_json::to_vec(&profile).unwrap()).unwrap();
            edited = Some(profile["name"].as_str().unwrap().to_owned());
            break;
        }
    }
    let edited = edited.unwrap();
    let runs: Vec<RunRecord> = cohort
        .runs
        .iter()
        .filter(|r| r.trainee == edited)
        .cloned()
        .collect();
    let refused = ids(&cohort.statements_of(&runs));
    let total = cohort.statements_of(&cohort.runs).len();
    let lrs = TestLrs::start();

    let out = cohort.send(&lrs.endpoint(), SECRET).output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert_eq!(
        said.matches("refused: statement").count(),
        refused.len(),
        "{said}"
    );
    assert!(said.contains("(HTTP 400)"), "{said}");
    assert!(
        said.contains("mbox"),
        "the LRS's own message names the field:\n{said}"
    );
    let stored: BTreeSet<String> = lrs.stored_ids().into_iter().collect();
    assert_eq!(stored.len(), total - refused.len());
    assert!(stored.is_disjoint(&refused));
}

#[test]
fn the_outbox_waits_while_the_lrs_is_down_and_empties_when_it_is_up() {
    let cohort = Cohort::new();
    let port = free_port();
    let endpoint = format!("http://127.0.0.1:{port}/xAPI/");
    let total = cohort.fill_outbox(&endpoint);
    let outbox = Outbox::new(&cohort.data());
    assert_eq!(outbox.waiting().runs, cohort.runs.len());

    // Nothing listens on the port.
    let out = cohort.send_outbox().output().unwrap();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("could not be reached after 2 tries"),
        "{said}"
    );
    let waiting = outbox.waiting();
    assert_eq!(
        (waiting.runs, waiting.statements),
        (cohort.runs.len(), total)
    );
    assert!(waiting.last_error.unwrap().contains("could not be reached"));
    assert!(!said.contains(SECRET), "{said}");

    let lrs = TestLrs::start_on(port, 0);
    let out = cohort.send_outbox().output().unwrap();
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    let waiting = outbox.waiting();
    assert_eq!((waiting.runs, waiting.statements), (0, 0));
    assert!(waiting.last_error.is_none());
    let stored = lrs.stored_ids();
    assert_eq!(stored.len(), total);
    assert_eq!(
        stored.into_iter().collect::<BTreeSet<_>>(),
        ids(&cohort.statements_of(&cohort.runs))
    );
}

#[test]
fn runs_finished_since_the_lrs_was_set_are_queued_and_sent_once() {
    // The game saved the runs and was closed before it queued them.
    let cohort = Cohort::new();
    let lrs = TestLrs::start();
    let mut finished: Vec<_> = cohort.runs.iter().map(|r| r.finished_at).collect();
    finished.sort();
    let since = finished[finished.len() / 2];
    LrsSettings {
        endpoint: lrs.endpoint(),
        key: KEY.to_owned(),
        secret: SECRET.to_owned(),
        since: Some(since),
    }
    .save(&cohort.data())
    .unwrap();
    let later: Vec<RunRecord> = cohort
        .runs
        .iter()
        .filter(|r| r.finished_at >= since)
        .cloned()
        .collect();
    assert!(!later.is_empty() && later.len() < cohort.runs.len());

    let out = cohort.send_outbox().output().unwrap();
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains(&format!("queued {} run(s)", later.len())),
        "{said}"
    );
    let expected = ids(&cohort.statements_of(&later));
    let stored = lrs.stored_ids();
    assert_eq!(stored.len(), expected.len());
    assert_eq!(stored.into_iter().collect::<BTreeSet<_>>(), expected);

    // The ledger keeps them from being queued again.
    let out = cohort.send_outbox().output().unwrap();
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(!said.contains("queued"), "{said}");
    assert!(said.contains("is empty"), "{said}");
    assert_eq!(lrs.stored_ids().len(), expected.len());
}

#[test]
fn a_sender_killed_mid_batch_and_started_again_leaves_each_statement_once() {
    let cohort = Cohort::new();
    let lrs = TestLrs::start_on(free_port(), 150);
    let total = cohort.fill_outbox(&lrs.endpoint());
    let outbox = Outbox::new(&cohort.data());

    let mut sender = Command::new(binary())
        .args(["send", "--outbox", "--batch", "7", "--data-dir"])
        .arg(cohort.data())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some statements arrived, then kill it while a batch is
    // in flight (each POST is answered 150 ms late).
    let since = Instant::now();
    loop {
        let stored = lrs.stored_ids().len();
        if stored >= 30 {
            break;
        }
        assert!(
            since.elapsed() < Duration::from_secs(60),
            "only {stored} statements arrived in 60 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(75));
    sender.kill().unwrap();
    sender.wait().unwrap();
    let at_kill = lrs.stored_ids().len();
    let waiting = outbox.waiting();
    assert!(at_kill < total, "the sender finished before it was killed");
    assert!(
        waiting.runs > 0 && waiting.runs < cohort.runs.len(),
        "{waiting:?}"
    );

    let out = cohort.send_outbox().output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(outbox.waiting().runs, 0);
    let stored = lrs.stored_ids();
    assert_eq!(stored.len(), total, "each statement once");
    assert_eq!(
        stored.into_iter().collect::<BTreeSet<_>>(),
        ids(&cohort.statements_of(&cohort.runs))
    );
}

#[test]
fn the_validator_passes_every_exported_statement() {
    let cohort = Cohort::new();
    let out_file = cohort.dir.path().join("statements.json");
    let out = kam()
        .arg("export")
        .args(["--format", "xapi", "--decisions", "--data-dir"])
        .arg(cohort.data())
        .arg("--scenarios")
        .arg(cohort.dir.path().join("scenarios"))
        .arg("--out")
        .arg(&out_file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let n = cohort.statements_of(&cohort.runs).len();
    let check = |file: &Path| {
        Command::new("node")
            .arg(root().join("tests/lrs/validate.js"))
            .arg(file)
            .env("NODE_PATH", node_modules())
            .output()
            .unwrap()
    };
    let valid = check(&out_file);
    assert!(valid.status.success(), "{}", text(&valid));
    assert!(text(&valid).contains(&format!("{n} of {n} statement(s) valid")));

    // And it fails what is not valid.
    let mut statements: Vec<Value> =
        serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    statements[2]["verb"]["id"] = Value::from("not an iri");
    std::fs::write(&out_file, serde_json::to_vec(&statements).unwrap()).unwrap();
    let invalid = check(&out_file);
    assert_eq!(invalid.status.code(), Some(1), "{}", text(&invalid));
    assert!(
        text(&invalid).contains("statement.verb.id"),
        "{}",
        text(&invalid)
    );
}
