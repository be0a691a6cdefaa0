//! Many seeded playthroughs of one shift: the range of each score and how
//! often a policy passes. `check` runs it with the random policy to tell an
//! author whether a shift can be passed and whether chance alone passes it.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use serde::Serialize;

use super::assess::{Verdict, plan_input, verdict_with_plan};
use super::best_plan::{BestPlan, best_plan};
use crate::engine::Outcome;
use crate::engine::policy::{Policy, autoplay_unrecorded};
use crate::scenario::Resolved;

/// The spread of one score over the runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spread {
    pub min: u32,
    pub median: u32,
    pub max: u32,
}

impl Spread {
    fn of(mut values: Vec<u32>) -> Spread {
        values.sort_unstable();
        match values.len() {
            0 => Spread {
                min: 0,
                median: 0,
                max: 0,
            },
            n => Spread {
                min: values[0],
                median: values[n / 2],
                max: values[n - 1],
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonteCarlo {
    pub runs: u32,
    pub policy: Policy,
    pub loyalty: Spread,
    pub stress: Spread,
    pub priorities: Spread,
    pub overall: Spread,
    pub passed: u32,
    /// Runs with at least one critical error.
    pub critical: u32,
}

impl MonteCarlo {
    /// Share of runs that passed, 0.0..=1.0.
    pub fn pass_rate(&self) -> f64 {
        self.share(self.passed)
    }

    /// Share of runs with a critical error, 0.0..=1.0.
    pub fn critical_rate(&self) -> f64 {
        self.share(self.critical)
    }

    fn share(&self, n: u32) -> f64 {
        if self.runs == 0 {
            0.0
        } else {
            f64::from(n) / f64::from(self.runs)
        }
    }
}

/// Best plans already worked out for one scenario, by what varies between
/// its runs. A run's [`plan_input`] is the scenario's tasks and team with
/// the run's task arrivals and hours changes, so those alone are the key:
/// a few words per run, where the whole input would cost a list per task
/// to build, hash and compare. Runs of different players on the same seed
/// often see the same arrivals and hours, so [`monte_carlo`] calls for one
/// shift share one cache.
#[derive(Debug, Default)]
pub struct PlanCache {
    plans: HashMap<Box<[u32]>, BestPlan, BuildHasherDefault<WordHasher>>,
    /// The key of the run looked up last, kept to reuse its room.
    key: Vec<u32>,
}

/// A fast hash of whole words (Firefox's and rustc's "Fx" step) for the
/// plan cache: its keys are a run's own numbers, so there is nobody to
/// guard against, and hashing them was a tenth of a cache lookup's time
/// with the standard library's SipHash.
#[derive(Debug, Default, Clone, Copy)]
pub struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

impl PlanCache {
    /// The best plan for a run of `sc` (every run asked of one cache must
    /// be of the same scenario), worked out once per distinct key.
    pub fn get(&mut self, sc: &Resolved, outcome: &Outcome) -> &BestPlan {
        self.key.clear();
        // No arrival is u32::MAX: minutes of a day are far below it.
        self.key.extend(
            outcome
                .tasks
                .iter()
                .map(|t| t.arrived_at.unwrap_or(u32::MAX)),
        );
        for c in &outcome.hours_changes {
            self.key.extend([c.member as u32, c.time, c.minutes]);
        }
        if !self.plans.contains_key(self.key.as_slice()) {
            let plan = best_plan(&plan_input(sc, outcome));
            self.plans.insert(self.key.clone().into_boxed_slice(), plan);
        }
        &self.plans[self.key.as_slice()]
    }

    /// How many distinct runs were planned.
    pub fn len(&self) -> usize {
        self.plans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.plans.is_empty()
    }
}

/// Plays `runs` shifts with seeds `first_seed..` and collects the scores.
/// `progress` is called after each run; `plans` must hold plans of this
/// scenario only.
pub fn monte_carlo(
    scenario: &Arc<Resolved>,
    policy: Policy,
    runs: u32,
    first_seed: u64,
    plans: &mut PlanCache,
    mut progress: impl FnMut(),
) -> MonteCarlo {
    let mut scores = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    let mut passed = 0;
    let mut critical = 0;
    for i in 0..runs {
        let shift = autoplay_unrecorded(
            Arc::clone(scenario),
            first_seed.wrapping_add(u64::from(i)),
            policy,
        );
        let outcome = shift.into_outcome();
        let plan = plans.get(scenario, &outcome);
        let a: Verdict = verdict_with_plan(scenario, &outcome, plan);
        for (v, s) in scores.iter_mut().zip([
            a.scores.loyalty,
            a.scores.stress,
            a.scores.priorities,
            a.scores.overall,
        ]) {
            v.push(s);
        }
        passed += u32::from(a.passed);
        critical += u32::from(a.critical);
        progress();
    }
    let [loyalty, stress, priorities, overall] = scores.map(Spread::of);
    MonteCarlo {
        runs,
        policy,
        loyalty,
        stress,
        priorities,
        overall,
        passed,
        critical,
    }
}
