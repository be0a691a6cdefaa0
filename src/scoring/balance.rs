//! Does a shift tell judgement from luck? Seeded playthroughs with players
//! that read (the greedy player, the author's best line) and players that do
//! not (random play, and strategies that pick answers by their length or
//! place), and the warnings `check` gives when the second kind passes: a
//! trainee who does not read must fail.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::assess::{Scores, assess, verdict_with_plan};
use super::monte_carlo::{MonteCarlo, PlanCache, monte_carlo};
use crate::engine::policy::{Policy, autoplay, autoplay_unrecorded, best_answer};
use crate::scenario::{Code, Diagnostic, Resolved};

/// Above this share of runs, a player that does not read passes too often.
pub const BLIND_PASS_LIMIT: f64 = 0.10;

/// How often the answer the author marks best is also the longest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LongestBest {
    /// Nodes with more than one answer.
    pub nodes: usize,
    /// Of them, nodes whose best answer is longer than every other.
    pub longest: usize,
}

/// Everything `check` measures about a shift's balance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Balance {
    /// Random play: any answer, any task handling, at random moments.
    pub random: MonteCarlo,
    /// The strategies that never read the answers, in
    /// [`Policy::CONTENT_BLIND`] order.
    pub blind: Vec<MonteCarlo>,
    pub greedy_passes: bool,
    pub greedy_scores: Scores,
    pub longest_best: LongestBest,
    /// When random play passes too often: the answers most over-represented
    /// in its passing runs, most telling first.
    pub telltales: Vec<Telltale>,
}

/// An answer random play gave far more often in runs that passed than in
/// runs that failed: a sign the shift rewards it whatever the reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Telltale {
    pub dialogue: String,
    pub node: String,
    pub say: String,
    /// Share of passing runs that gave this answer, 0.0..=1.0.
    pub in_passing: f64,
    /// Share of failing runs that gave it.
    pub in_failing: f64,
}

/// Plays the shift `runs` times with each player, seeds `seed..`.
pub fn balance(sc: &Arc<Resolved>, runs: u32, seed: u64, mut progress: impl FnMut()) -> Balance {
    let mut plans = PlanCache::default();
    let random = monte_carlo(sc, Policy::Random, runs, seed, &mut plans, &mut progress);
    let blind = Policy::CONTENT_BLIND
        .iter()
        .map(|&p| monte_carlo(sc, p, runs, seed, &mut plans, &mut progress))
        .collect();
    let greedy = assess(
        sc,
        &autoplay(Arc::clone(sc), seed, Policy::Greedy).outcome(),
    );
    let telltales = if random.pass_rate() > BLIND_PASS_LIMIT {
        telltales(sc, runs, seed, &mut plans)
    } else {
        Vec::new()
    };
    Balance {
        random,
        blind,
        greedy_passes: greedy.passed,
        greedy_scores: greedy.scores,
        longest_best: longest_best(sc),
        telltales,
    }
}

/// The answers of random play most over-represented in its passing runs.
pub fn telltales(sc: &Arc<Resolved>, runs: u32, seed: u64, plans: &mut PlanCache) -> Vec<Telltale> {
    use std::collections::BTreeMap;
    // (dialogue, node, choice) -> (passing runs with it, failing runs with it)
    let mut counts: BTreeMap<(usize, usize, usize), (u32, u32)> = BTreeMap::new();
    let (mut passing, mut failing) = (0u32, 0u32);
    for i in 0..runs {
        let shift = autoplay_unrecorded(
            Arc::clone(sc),
            seed.wrapping_add(u64::from(i)),
            Policy::Random,
        );
        let outcome = shift.into_outcome();
        let passed = verdict_with_plan(sc, &outcome, plans.get(sc, &outcome)).passed;
        if passed {
            passing += 1;
        } else {
            failing += 1;
        }
        let mut given: Vec<(usize, usize, usize)> = outcome
            .decisions
            .iter()
            .filter_map(|d| d.answered(sc))
            .collect();
        given.sort_unstable();
        given.dedup();
        for key in given {
            let c = counts.entry(key).or_default();
            if passed {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
    }
    let share = |n: u32, of: u32| {
        if of == 0 {
            0.0
        } else {
            f64::from(n) / f64::from(of)
        }
    };
    let mut out: Vec<Telltale> = counts
        .into_iter()
        .map(|((d, n, c), (p, f))| Telltale {
            dialogue: sc.dialogues[d].id.to_string(),
            node: sc.dialogues[d].nodes[n].id.to_string(),
            say: sc.dialogues[d].nodes[n].choices[c].say.clone(),
            in_passing: share(p, passing),
            in_failing: share(f, failing),
        })
        .filter(|t| t.in_passing > t.in_failing)
        .collect();
    out.sort_by(|a, b| {
        (b.in_passing - b.in_failing)
            .total_cmp(&(a.in_passing - a.in_failing))
            .then_with(|| a.say.cmp(&b.say))
    });
    out.truncate(5);
    out
}

/// How many nodes' best answer (the greedy player's pick among all the
/// node's answers) is strictly the longest.
pub fn longest_best(sc: &Resolved) -> LongestBest {
    let mut out = LongestBest {
        nodes: 0,
        longest: 0,
    };
    for node in sc.dialogues.iter().flat_map(|d| &d.nodes) {
        if node.choices.len() < 2 {
            continue;
        }
        out.nodes += 1;
        let all: Vec<usize> = (0..node.choices.len()).collect();
        let best = best_answer(&node.choices, &all);
        let len = |i: usize| node.choices[i].say.chars().count();
        if all.iter().all(|&i| i == best || len(i) < len(best)) {
            out.longest += 1;
        }
    }
    out
}

/// The warnings about a shift's balance.
pub fn warnings(file: &Path, sc: &Resolved, b: &Balance) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mc = &b.random;
    if mc.passed == 0 && !b.greedy_passes {
        let pass = sc.scoring.pass;
        let short: Vec<String> = [
            ("loyalty", mc.loyalty.max, pass.loyalty),
            ("stress", mc.stress.max, pass.stress),
            ("priorities", mc.priorities.max, pass.priorities),
        ]
        .into_iter()
        .filter(|(_, best, mark)| best < mark)
        .map(|(name, best, mark)| format!("{name} at best {best} < pass mark {mark}"))
        .collect();
        out.push(Diagnostic::file_level(
            Code::PassUnreachable,
            file,
            format!(
                "no run passed: neither the greedy policy nor any of {} random playthroughs{}",
                mc.runs,
                if short.is_empty() { String::new() } else { format!(" ({})", short.join(", ")) }
            ),
            Some("lower the pass marks in `scoring.pass`, give the team more hours, or soften the effects; then play the intended line with `kam-trainer play --script` to confirm it passes".to_owned()),
        ));
    }
    if mc.pass_rate() > BLIND_PASS_LIMIT {
        out.push(Diagnostic::file_level(
            Code::RandomPlayPasses,
            file,
            format!(
                "random play passes {:.1}% of {} runs (at most {:.0}% may): the shift does not yet tell good decisions from bad ones",
                mc.pass_rate() * 100.0,
                mc.runs,
                BLIND_PASS_LIMIT * 100.0
            ),
            Some(match b.telltales.first() {
                Some(t) => format!(
                    "the answer most over-represented in passing runs is “{}” (node `{}` of `{}`: given in {:.0}% of passing runs, {:.0}% of failing ones); make it, or the choices around it, cost what they should, tighten deadlines and team hours, or raise the pass marks",
                    t.say, t.node, t.dialogue, t.in_passing * 100.0, t.in_failing * 100.0
                ),
                None => "make the tempting answers cost more (loyalty, stress, a `critical` for what no employer tolerates), tighten deadlines and team hours, or raise the pass marks".to_owned(),
            }),
        ));
    }
    for m in &b.blind {
        if m.pass_rate() > BLIND_PASS_LIMIT {
            out.push(Diagnostic::file_level(
                Code::ContentBlindPasses,
                file,
                format!(
                    "a player who never reads passes {:.1}% of {} runs (at most {:.0}% may): {}",
                    m.pass_rate() * 100.0,
                    m.runs,
                    BLIND_PASS_LIMIT * 100.0,
                    m.policy.describe()
                ),
                Some(blind_help(m.policy).to_owned()),
            ));
        }
    }
    let lb = b.longest_best;
    if lb.nodes > 0 && lb.longest * 2 > lb.nodes {
        out.push(Diagnostic::file_level(
            Code::BestIsLongest,
            file,
            format!(
                "in {} of {} nodes the best answer is also the longest, so length gives the answer away",
                lb.longest, lb.nodes
            ),
            Some("write the wrong answers as a capable beginner would say them, as long and concrete as the right one (the confident over-promise with a time in it, the discount with a good reason); let the right answer be the short one sometimes".to_owned()),
        ));
    }
    out
}

fn blind_help(policy: Policy) -> &'static str {
    match policy {
        Policy::Longest => {
            "the longest answer is too often right: give the tempting wrong answers the length, detail and numbers of a good one"
        }
        Policy::Shortest => {
            "the shortest answer is too often right: let some wrong answers be brief, and give the right ones substance"
        }
        _ => {
            "answers picked without reading pass: make more decisions matter (a costly trap in each conversation, `critical` for what no employer tolerates), or raise the pass marks"
        }
    }
}
