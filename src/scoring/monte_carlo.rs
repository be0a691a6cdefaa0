//! Many seeded playthroughs of one shift: the range of each score and how
//! often a policy passes. `check` runs it with the random policy to tell an
//! author whether a shift can be passed and whether chance alone passes it.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::assess::{Assessment, plan_input};
use super::best_plan::{BestPlan, PlanInput, best_plan};
use crate::engine::policy::{Policy, autoplay};
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

/// Best plans already worked out for one scenario, by their input. Runs of
/// different players on the same seed often see the same task arrivals and
/// team hours, so [`monte_carlo`] calls for one shift share one cache.
#[derive(Debug, Default)]
pub struct PlanCache(HashMap<PlanInput, BestPlan>);

impl PlanCache {
    /// The best plan for `input`, worked out once.
    pub fn get(&mut self, input: PlanInput) -> &BestPlan {
        self.0.entry(input).or_insert_with_key(best_plan)
    }

    /// How many distinct inputs were planned.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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
        let shift = autoplay(
            Arc::clone(scenario),
            first_seed.wrapping_add(u64::from(i)),
            policy,
        );
        let outcome = shift.into_outcome();
        let input = plan_input(scenario, &outcome);
        let plan = plans.get(input);
        let a: Assessment = super::assess::assess_with_plan(scenario, &outcome, plan);
        for (v, s) in scores.iter_mut().zip([
            a.scores.loyalty,
            a.scores.stress,
            a.scores.priorities,
            a.scores.overall,
        ]) {
            v.push(s);
        }
        passed += u32::from(a.passed);
        critical += u32::from(!a.critical.is_empty());
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
