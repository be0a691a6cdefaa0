//! The result of one finished run, as it is stored and exported: who played
//! which version of which scenario with which seed, every decision, the
//! timeline and the scores. A record holds everything `verify` needs to play
//! the run again and everything an export shows, so a folder of record files
//! collected from several computers is a complete cohort.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::engine::{DecisionKind, Outcome};
use crate::scenario::{PassMarks, Scenario, Stage};
use crate::scoring::assess::{Assessment, CriticalError, Scores};

/// The version of the record file format written now. Format 2 logs facts
/// (ids, minutes, tones, what the engine found) instead of format 1's
/// sentences; readers accept both and refuse newer ones with a message that
/// names both.
pub const RUN_FORMAT: u32 = 2;
/// The oldest format readers still accept.
pub const OLDEST_RUN_FORMAT: u32 = 1;

/// The scenario a run was played on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioRef {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub stage: Stage,
    /// SHA-256 of the scenario file's bytes, lowercase hex: which version of
    /// the file the run was played on.
    pub hash: String,
}

/// One finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// [`RUN_FORMAT`].
    pub format: u32,
    /// A UUID derived from the trainee, the scenario version, the seed and
    /// the start time: the same run always has the same id.
    pub id: String,
    /// The trainee's name as they typed it.
    pub trainee: String,
    pub scenario: ScenarioRef,
    pub seed: u64,
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    pub scores: Scores,
    pub pass: PassMarks,
    /// Every score at its mark and no critical error.
    pub passed: bool,
    /// Answers no employer would tolerate; any one fails the run. (Records
    /// written before critical errors existed have none.)
    #[serde(default)]
    pub critical_errors: Vec<CriticalError>,
    /// Everything the shift left behind: the decision log (actions and
    /// timeouts, with their text, feedback and tone), the timeline of
    /// loyalty and stress, the clients and tasks at the end.
    pub outcome: Outcome,
}

impl RunRecord {
    /// Builds the record of a finished shift. `source` is the scenario
    /// file's bytes exactly as they were loaded.
    pub fn new(
        trainee: &str,
        scenario: &Scenario,
        source: &[u8],
        outcome: Outcome,
        assessment: &Assessment,
        started_at: Timestamp,
        finished_at: Timestamp,
    ) -> RunRecord {
        let scenario = ScenarioRef {
            id: scenario.id.clone(),
            title: scenario.title.clone(),
            summary: scenario.summary.clone(),
            stage: scenario.stage,
            hash: content_hash(source),
        };
        let id = run_id(trainee, &scenario.hash, outcome.seed, started_at);
        RunRecord {
            format: RUN_FORMAT,
            id,
            trainee: trainee.to_owned(),
            scenario,
            seed: outcome.seed,
            started_at,
            finished_at,
            scores: assessment.scores,
            pass: assessment.pass,
            passed: assessment.passed,
            critical_errors: assessment.critical.clone(),
            outcome,
        }
    }

    /// Decisions the trainee made (not the timeouts).
    pub fn decision_count(&self) -> usize {
        self.outcome
            .decisions
            .iter()
            .filter(|d| matches!(d.kind, DecisionKind::Action(_)))
            .count()
    }
}

/// SHA-256 of a scenario file, lowercase hex.
pub fn content_hash(source: &[u8]) -> String {
    hex(&Sha256::digest(source))
}

/// A name-based UUID (RFC 9562 version 8, SHA-256) of a run's identity.
pub fn run_id(trainee: &str, scenario_hash: &str, seed: u64, started_at: Timestamp) -> String {
    uuid_from(&[
        "kam-trainer/run",
        trainee,
        scenario_hash,
        &seed.to_string(),
        &started_at.to_string(),
    ])
}

/// A version 8 UUID from the SHA-256 of the given parts (each followed by a
/// zero byte, so ("ab", "c") and ("a", "bc") differ).
pub fn uuid_from(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let mut b: [u8; 16] = hasher.finalize()[..16].try_into().expect("32 bytes");
    b[6] = (b[6] & 0x0f) | 0x80; // version 8
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 9562 variant
    let h = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_version_8_and_separate_their_parts() {
        let a = uuid_from(&["ab", "c"]);
        assert_eq!(a, uuid_from(&["ab", "c"]));
        assert_ne!(a, uuid_from(&["a", "bc"]));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn content_hash_is_sha256_hex() {
        assert_eq!(
            content_hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
