//! Players without a window: the built-in policies used by `play` and by the
//! Monte Carlo of `check`. A policy only reads the shift
//! and chooses [`Action`]s, exactly as a trainee in the game does; it has its
//! own seeded generator, so the shift's draws do not depend on it.

use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

use super::action::{Action, ChoiceRef};
use super::shift::{Shift, roll};
use crate::scenario::format_time as hhmm;
use crate::scenario::{ChoiceR, EffectR, Minute, Resolved};

/// How often a policy looks at the shift when nothing else happens.
const LOOK_EVERY: Minute = 5;
/// The longest job the greedy player keeps for itself while busy, rather
/// than handing it to someone who cannot finish it.
const KEEP_FOR_YOURSELF: Minute = 60;
/// The stress at which a sensible player takes a short break when free.
const BREAK_AT_STRESS: i32 = 60;

/// A built-in way to play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Always the first choice offered; every task to the first colleague
    /// with its role. A baseline an author can read.
    First,
    /// Answers late or early, with any choice; hands tasks to anyone, takes
    /// them on, drops or postpones them, at random. What `check` uses to see
    /// whether a shift can be passed by chance.
    Random,
    /// Answers at once with the constructive choice that pleases the client
    /// most (never a critical error); gives each task to whoever finishes it
    /// soonest, does it themselves when nobody else can make the deadline;
    /// takes every initiative the shift offers when nothing else waits. The
    /// line an author's best answers add up to.
    Greedy,
    /// Never reads: always the longest answer offered, with the greedy
    /// player's task handling. `check` warns when it passes.
    Longest,
    /// Never reads: always the shortest answer offered, with the greedy
    /// player's task handling.
    Shortest,
    /// Never reads: a random answer at once, with the greedy player's task
    /// handling.
    RandomAnswers,
    /// Never reads: always the first answer as the game shows it (shuffled
    /// by the seed), with the greedy player's task handling.
    FirstShown,
}

impl Policy {
    /// Every built-in way to play.
    pub const ALL: [Policy; 7] = [
        Policy::First,
        Policy::Random,
        Policy::Greedy,
        Policy::Longest,
        Policy::Shortest,
        Policy::RandomAnswers,
        Policy::FirstShown,
    ];

    /// The strategies that choose answers without reading them.
    pub const CONTENT_BLIND: [Policy; 4] = [
        Policy::Longest,
        Policy::Shortest,
        Policy::RandomAnswers,
        Policy::FirstShown,
    ];

    /// What the policy does, in a line, for `check`'s report.
    pub fn describe(self) -> &'static str {
        match self {
            Policy::First => {
                "always the first answer as written, every task to the first colleague with its role"
            }
            Policy::Random => {
                "answers late or early with any answer, hands tasks to anyone, drops or postpones some, at random"
            }
            Policy::Greedy => {
                "the constructive answer that pleases the client most (never a critical one), each task to whoever finishes it soonest, every initiative taken"
            }
            Policy::Longest => {
                "never reads: always the longest answer, with the greedy player's task handling"
            }
            Policy::Shortest => {
                "never reads: always the shortest answer, with the greedy player's task handling"
            }
            Policy::RandomAnswers => {
                "never reads: a random answer at once, with the greedy player's task handling"
            }
            Policy::FirstShown => {
                "never reads: always the first answer shown on screen, with the greedy player's task handling"
            }
        }
    }

    /// The name `--policy` takes.
    pub fn name(self) -> &'static str {
        match self {
            Policy::First => "first",
            Policy::Random => "random",
            Policy::Greedy => "greedy",
            Policy::Longest => "longest",
            Policy::Shortest => "shortest",
            Policy::RandomAnswers => "random-answers",
            Policy::FirstShown => "first-shown",
        }
    }

    /// Handles tasks, breaks and initiatives as the greedy player does.
    fn is_sensible(self) -> bool {
        !matches!(self, Policy::First | Policy::Random)
    }
}

/// Plays a whole shift with a policy.
pub fn autoplay(scenario: Arc<Resolved>, seed: u64, policy: Policy) -> Shift {
    let end = scenario.end;
    autoplay_until(scenario, seed, policy, end)
}

/// Plays a whole shift with a policy for its scores only: the same run as
/// [`autoplay`], keeping no inbox, happenings, history or timeline (see
/// [`Shift::unrecorded`]). The Monte Carlo of `check` plays these.
pub fn autoplay_unrecorded(scenario: Arc<Resolved>, seed: u64, policy: Policy) -> Shift {
    let end = scenario.end;
    play(Shift::unrecorded(scenario, seed), policy, end)
}

/// Plays a shift with a policy up to `until` (the game's screenshots show a
/// shift in progress this way).
pub fn autoplay_until(scenario: Arc<Resolved>, seed: u64, policy: Policy, until: Minute) -> Shift {
    play(Shift::from_resolved(scenario, seed), policy, until)
}

fn play(mut shift: Shift, policy: Policy, until: Minute) -> Shift {
    let mut rng = policy_rng(&shift);
    let mut looks = Looks::default();
    while !shift.is_over() && shift.now() < until {
        let did_nothing = look(&mut shift, policy, &mut rng, &mut looks);
        let next_look = (shift.now() + LOOK_EVERY).min(until);
        let target = if did_nothing {
            quiet_until(&shift, policy, until).max(next_look)
        } else {
            next_look
        };
        shift.advance_one_change(target);
    }
    shift
}

/// The policy's own generator: a separate stream, so the policy's draws
/// never shift the scenario's.
fn policy_rng(shift: &Shift) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(shift.seed() ^ 0x9e37_79b9_7f4a_7c15)
}

/// One look at the shift: what the policy decides, done. Returns whether
/// it decided nothing.
fn look(shift: &mut Shift, policy: Policy, rng: &mut ChaCha8Rng, looks: &mut Looks) -> bool {
    let mut opened = false;
    decide(shift, policy, rng, looks);
    let did_nothing = looks.actions.is_empty();
    for action in looks.actions.drain(..) {
        let open = matches!(action, Action::Open { .. });
        // A policy may propose something the previous action made
        // impossible (two answers while the first started own work);
        // the trainee would simply not be able to do it either.
        opened |= shift.act(action).is_ok() && open;
    }
    // Whoever starts a call hears the first line at once.
    if opened && policy.is_sensible() {
        decide(shift, policy, rng, looks);
        for action in looks.actions.drain(..) {
            let _ = shift.act(action);
        }
    }
    did_nothing
}

/// After a look that did nothing, how far the clock may run before the
/// player must look again: every look before then would do nothing too, so
/// skipping them changes nothing but the time spent. Nothing a look reads
/// changes before the shift's next change (where the clock stops anyway),
/// except the time itself, which matters only to the greedy handling of an
/// open task, and stress, which matters only to a free player's break. The
/// random player draws at every look, so it never skips one.
fn quiet_until(shift: &Shift, policy: Policy, until: Minute) -> Minute {
    let now = shift.now();
    if policy == Policy::Random || shift.unassigned_tasks().next().is_some() {
        return now;
    }
    let may_break =
        policy.is_sensible() && shift.busy_until().is_none() && shift.conversations().is_empty();
    match shift.stress_reaches(BREAK_AT_STRESS) {
        // The first look at or after that minute.
        Some(t) if may_break => (now + (t - now).div_ceil(LOOK_EVERY) * LOOK_EVERY).min(until),
        _ => until,
    }
}

/// What a policy works with at each look, kept from one look to the next
/// so a look allocates nothing once the lists have grown.
#[derive(Default)]
struct Looks {
    /// What the policy does now, in order.
    actions: Vec<Action>,
    /// The offered answers of the conversation looked at.
    offered: Vec<usize>,
    /// Open tasks nobody is on, by deadline.
    open: Vec<usize>,
    /// What the greedy player hands out now, per colleague.
    planned: Vec<Vec<usize>>,
    /// The dialogues the random player could open.
    offers: Vec<usize>,
}

/// What a policy does at the current moment, into `looks.actions`.
fn decide(shift: &Shift, policy: Policy, rng: &mut ChaCha8Rng, looks: &mut Looks) {
    let sc = shift.scenario();
    let Looks {
        actions,
        offered,
        open,
        planned,
        offers,
    } = looks;
    actions.clear();
    let free = shift.busy_until().is_none();
    if free {
        for c in shift.conversations() {
            offered.clear();
            offered.extend(shift.offered(c));
            if offered.is_empty() {
                continue;
            }
            let says = |i: usize| {
                sc.dialogues[c.dialogue].nodes[c.node].choices[i]
                    .say
                    .chars()
                    .count()
            };
            let pick = match policy {
                Policy::First => Some(offered[0]),
                Policy::Random => {
                    chance(rng, 1, 2).then(|| offered[roll(rng, offered.len() as u64) as usize])
                }
                Policy::Greedy => Some(best_choice(shift, c.dialogue, c.node, offered)),
                // Ties go to the first written: a blind player has no better rule.
                Policy::Longest => offered
                    .iter()
                    .copied()
                    .max_by_key(|&i| (says(i), std::cmp::Reverse(i))),
                Policy::Shortest => offered.iter().copied().min_by_key(|&i| (says(i), i)),
                Policy::RandomAnswers => Some(offered[roll(rng, offered.len() as u64) as usize]),
                Policy::FirstShown => shift.shown_choices(c).first().copied(),
            };
            if let Some(choice) = pick {
                actions.push(Action::Answer {
                    dialogue: sc.dialogues[c.dialogue].id.clone(),
                    choice: ChoiceRef::Number(choice + 1),
                });
            }
        }
    }
    open.clear();
    open.extend(shift.unassigned_tasks());
    open.sort_by_key(|&t| (shift.task_deadline(t), t));
    let mut myself_taken = !free || !actions.is_empty();
    // What the greedy player hands out now, per colleague, so two tasks
    // arriving together are not both planned into the same free hours.
    if !open.is_empty() {
        planned.resize_with(sc.team.len(), Vec::new);
        planned.iter_mut().for_each(Vec::clear);
    }
    for &t in open.iter() {
        let task = &sc.tasks[t];
        match policy {
            Policy::First => actions.extend(task.eligible.first().map(|&m| Action::Assign {
                task: task.id.clone(),
                to: sc.team[m].id.clone(),
            })),
            Policy::Random => {
                actions.extend(random_task_action(shift, t, rng, &mut myself_taken));
            }
            _ => greedy_task_action(shift, t, &mut myself_taken, planned, actions),
        }
    }
    let idle = !myself_taken && actions.is_empty() && shift.conversations().is_empty();
    // Which dialogues the trainee could open, looked up only when the
    // policy would open one (and only the first for a sensible player).
    if policy == Policy::Random {
        offers.clear();
        if free {
            offers.extend(shift.initiatives());
        }
        if !offers.is_empty() && chance(rng, 1, 4) {
            let d = offers[roll(rng, offers.len() as u64) as usize];
            actions.push(Action::Open {
                dialogue: sc.dialogues[d].id.clone(),
            });
            return;
        }
    } else if idle && let Some(d) = shift.initiatives().next() {
        actions.push(Action::Open {
            dialogue: sc.dialogues[d].id.clone(),
        });
        return;
    }
    if policy.is_sensible()
        && !myself_taken
        && shift.conversations().is_empty()
        && shift.stress() >= BREAK_AT_STRESS
    {
        actions.push(Action::TakeBreak {
            minutes: crate::engine::rules::SHORT_BREAK,
        });
    }
    if policy == Policy::Random && !myself_taken && chance(rng, 1, 40) {
        actions.push(Action::TakeBreak { minutes: 10 });
    }
}

fn chance(rng: &mut ChaCha8Rng, num: u64, den: u64) -> bool {
    roll(rng, den) < num
}

/// The greedy player's answer at a conversation: [`best_answer`] among the
/// offered choices.
fn best_choice(shift: &Shift, dialogue: usize, node: usize, offered: &[usize]) -> usize {
    best_answer(
        &shift.scenario().dialogues[dialogue].nodes[node].choices,
        offered,
    )
}

/// The answer the author marks best, by its tone and effects: never a
/// critical error if anything else is offered, a constructive tone before a
/// destructive one, then the most loyalty and the least stress, then the
/// first written. `offered` must not be empty.
pub fn best_answer(choices: &[ChoiceR], offered: &[usize]) -> usize {
    let gain = |i: usize| -> i32 {
        choices[i]
            .effects
            .iter()
            .map(|e| match e {
                EffectR::Loyalty(_, n) => *n,
                EffectR::Stress(n) => -n,
                _ => 0,
            })
            .sum()
    };
    *offered
        .iter()
        .max_by_key(|&&i| {
            (
                choices[i].critical.is_none(),
                choices[i].tone.is_constructive(),
                gain(i),
                std::cmp::Reverse(i),
            )
        })
        .expect("offered is not empty")
}

/// The greedy player's move for an open task nobody is on: the colleague
/// who finishes it soonest (counting what was `planned` for them a moment
/// ago) in time, else the trainee if free and in time, else an early
/// request for more time with the task given to whoever makes the new
/// time, else the colleague who finishes it soonest today, else wait when
/// the trainee could still do it in time once free, else the colleague
/// with the most hours left.
fn greedy_task_action(
    shift: &Shift,
    t: usize,
    myself_taken: &mut bool,
    planned: &mut [Vec<usize>],
    actions: &mut Vec<Action>,
) {
    let sc = shift.scenario();
    let task = &sc.tasks[t];
    let deadline = shift.task_deadline(t);
    let best_member = task
        .eligible
        .iter()
        .filter_map(|&m| shift.finish_if_queued(t, m, &planned[m]).map(|f| (f, m)))
        .min();
    match best_member {
        Some((f, m)) if f <= deadline => {
            planned[m].push(t);
            actions.push(Action::Assign {
                task: task.id.clone(),
                to: sc.team[m].id.clone(),
            });
            return;
        }
        _ => {}
    }
    let myself = shift.finish_if_myself(t).is_some_and(|f| f <= deadline);
    if !*myself_taken && shift.conversations().is_empty() && myself {
        *myself_taken = true;
        actions.push(Action::DoMyself {
            task: task.id.clone(),
        });
        return;
    }
    // Nobody makes it: ask early for more time, and give it to whoever
    // makes the new time.
    if let (Some((f, m)), Some(_)) = (best_member, task.client)
        && f <= sc.end
    {
        let to = hhmm(f.max(deadline + 1));
        planned[m].push(t);
        actions.push(Action::MoveDeadline {
            task: task.id.clone(),
            to,
        });
        actions.push(Action::Assign {
            task: task.id.clone(),
            to: sc.team[m].id.clone(),
        });
        return;
    }
    // Late, but today: the colleague who finishes it soonest.
    if let Some((f, m)) = best_member
        && f <= sc.end
    {
        planned[m].push(t);
        actions.push(Action::Assign {
            task: task.id.clone(),
            to: sc.team[m].id.clone(),
        });
        return;
    }
    // Nobody else finishes it today, but a short job you could do once
    // free: keep it and look again. (A long one would keep you from every
    // call meanwhile.)
    let free_at = shift.busy_until().unwrap_or(shift.now());
    let left = task.effort - shift.task_progress(t);
    if left <= KEEP_FOR_YOURSELF
        && shift
            .finish_if_myself_from(t, free_at)
            .is_some_and(|f| f <= deadline)
    {
        return;
    }
    if let Some(&m) = task
        .eligible
        .iter()
        .max_by_key(|&&m| shift.member_minutes_left(m))
    {
        actions.push(Action::Assign {
            task: task.id.clone(),
            to: sc.team[m].id.clone(),
        });
    }
}

fn random_task_action(
    shift: &Shift,
    t: usize,
    rng: &mut ChaCha8Rng,
    myself_taken: &mut bool,
) -> Option<Action> {
    if !chance(rng, 1, 2) {
        return None;
    }
    let sc = shift.scenario();
    let task = &sc.tasks[t];
    let id = task.id.clone();
    match roll(rng, 10) {
        0 if !*myself_taken && shift.trainee_minutes_left() > 0 => {
            *myself_taken = true;
            Some(Action::DoMyself { task: id })
        }
        1 => Some(Action::Drop { task: id }),
        2 => {
            let later = shift.task_deadline(t) + 30 + roll(rng, 150) as Minute;
            Some(Action::MoveDeadline {
                task: id,
                to: hhmm(later.min(23 * 60 + 59)),
            })
        }
        _ => {
            let m = task.eligible[roll(rng, task.eligible.len() as u64) as usize];
            Some(Action::Assign {
                task: id,
                to: sc.team[m].id.clone(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`play`] as it was before it skipped quiet looks: a look every
    /// [`LOOK_EVERY`] minutes and at every change, whatever happens.
    fn play_every_look(mut shift: Shift, policy: Policy) -> Shift {
        let until = shift.scenario().end;
        let mut rng = policy_rng(&shift);
        let mut looks = Looks::default();
        while !shift.is_over() && shift.now() < until {
            look(&mut shift, policy, &mut rng, &mut looks);
            shift.advance_one_change((shift.now() + LOOK_EVERY).min(until));
        }
        shift
    }

    /// A quiet shift in which stress climbs while the trainee is free: six
    /// internal jobs nobody can finish by ten, all on Olga, and nothing
    /// else to do. A sensible player breaks when stress reaches the line.
    const RISING: &str = r#"Scenario(
    id: "rising", title: "Rising", stage: Merchandiser,
    shift: (start: "09:00", end: "17:00"),
    trainee: (stress: 55, burnout_at: 95, hours: 1),
    clients: [(id: "shop", name: "Shop", tier: Regular, segment: B2C, loyalty: 50, churn_below: 10, weight: 1)],
    team: [(id: "olga", name: "Olga", role: "designer", hours: 8)],
    tasks: [
        (id: "a", title: "A", role: "designer", effort_hours: 3, deadline: "10:00", priority: Normal),
        (id: "b", title: "B", role: "designer", effort_hours: 3, deadline: "10:00", priority: Normal),
        (id: "c", title: "C", role: "designer", effort_hours: 3, deadline: "10:00", priority: Normal),
        (id: "d", title: "D", role: "designer", effort_hours: 3, deadline: "10:00", priority: Normal),
        (id: "e", title: "E", role: "designer", effort_hours: 3, deadline: "10:00", priority: Normal),
        (id: "f", title: "F", role: "designer", effort_hours: 3, deadline: "10:00", priority: Normal),
    ],
    events: [(at: "09:00", then: [AddTask("a"), AddTask("b"), AddTask("c"), AddTask("d"), AddTask("e"), AddTask("f")])],
    dialogues: [],
)"#;

    #[test]
    fn a_player_that_skips_quiet_looks_still_breaks_when_stress_reaches_the_line() {
        let loaded = crate::scenario::load_str(std::path::Path::new("rising.ron"), RISING);
        let sc = loaded.resolved.expect("valid");
        let fast = autoplay(Arc::clone(&sc), 1, Policy::Greedy);
        let slow = play_every_look(Shift::from_resolved(Arc::clone(&sc), 1), Policy::Greedy);
        assert_eq!(fast.outcome(), slow.outcome());
        let breaks: Vec<Minute> = fast
            .decisions()
            .iter()
            .filter(|d| {
                matches!(
                    d.kind,
                    crate::engine::DecisionKind::Action(Action::TakeBreak { .. })
                )
            })
            .map(|d| d.time)
            .collect();
        // Stress starts at 55 and climbs while the six jobs are at risk:
        // the break comes at the first look at 60 or above.
        assert!(!breaks.is_empty(), "no break taken");
    }

    #[test]
    fn skipping_quiet_looks_plays_every_shipped_shift_as_looking_always_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = crate::scenario::collect_scenario_files(&[root.join("scenarios")]).unwrap();
        for path in files {
            let Some(sc) = crate::scenario::load_path(&path).resolved else {
                panic!("{} is valid", path.display());
            };
            for policy in Policy::ALL {
                for seed in 0..8 {
                    let fast = autoplay(Arc::clone(&sc), seed, policy);
                    let slow = play_every_look(Shift::from_resolved(Arc::clone(&sc), seed), policy);
                    assert_eq!(
                        fast.outcome(),
                        slow.outcome(),
                        "{} {policy:?} seed {seed}",
                        path.display()
                    );
                    assert_eq!(fast.history(), slow.history());
                }
            }
        }
    }
}
