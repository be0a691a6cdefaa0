//! The best achievable plan: the most task value a team could have finished on
//! time, given the same task arrivals, efforts, deadlines and team hours as the
//! trainee had. Prioritisation is scored against it. A pure, deterministic
//! function of its [`PlanInput`]; it knows nothing of the engine's state.
//!
//! **Work model.** It is the engine's queue model. Each worker works through
//! an ordered list of tasks, one task at a time, one minute of effort per
//! minute of clock, only inside `[start, end)`, only on a task that has
//! arrived, and only while it has minutes left. Its minutes left start at
//! `minutes` and fall by one per minute worked; a change `(t, v)` sets them to
//! `v` from `t` on (changes at or before `start` replace `minutes`, the last
//! one listed wins a tie, changes at or after `end` do nothing). A task
//! counts, adding its `value`, when it finishes at or before its deadline
//! (and so at or before `end`). The plan is **non-preemptive per worker**: once
//! a worker starts a task it works on nothing else until that task is done.
//! Work on it does pause while the worker has no minutes left and resumes when
//! a change gives it more, exactly as a team member's queue does in play. So a
//! [`Slot`] is the first minute worked and the finishing minute, and between
//! them the worker may be paused but is never on another task.
//!
//! Anything a trainee can do (give each task to a worker, or to nobody, and
//! let each worker work through its queue in the order given, idling while
//! the next task has not arrived) is such a schedule, and the plan searches
//! over all of them. Within a fixed order, starting each task as early as
//! possible is never worse (it is at least as far along at every minute, and
//! has used no more of the minutes it will need later), so the search is over
//! which worker does which tasks in which order, never over idle time. Late
//! work is never planned: leaving it out only moves the rest earlier.
//!
//! **Exact for small sets.** Tasks that cannot count whatever happens (no
//! worker allowed, value 0, too late even alone on an idle worker) are left
//! out first. When at most [`EXACT_TASKS`] (12) remain, the answer is exact
//! (`exact: true`): for each worker a dynamic programme over subsets of the
//! tasks it may do finds every set it can finish on time in some order (each
//! set keeps the few states, "free from minute t with m minutes left", that
//! no other order beats), and a second one over subsets shares the tasks out
//! between workers for the most value. Keeping the minutes left matters: of
//! two orders that end at the same minute, the one that spent fewer of the
//! minutes a change later resets can fit one more task. For a worker allowed
//! k of the n tasks the first costs about 2^k·k steps and the second
//! 2^(n−k)·3^k, except for the worker allowed the most (the trainee), taken
//! last, who needs only 2^k. A worker's sets are indexed by the tasks it
//! may do (2^k indices, not 2^n); only sets that add a task to a feasible
//! set are tried, and only when every set one task smaller is feasible, and
//! only the feasible ones are stored. When no two workers but the last share a task
//! (every shipped shift: each task has one role, and the trainee may do
//! any), the second programme is not needed: each colleague takes the most
//! valuable set it can finish of what the trainee leaves, so only the
//! trainee's feasible sets are tried. In a release build that case takes
//! about 13 µs for 8 tasks and 7 workers (`kam-failed-delivery`) and 65 µs
//! for 12 tasks and 8 workers (`kam-after-hours`), where the general
//! programme took 160 µs and 890 µs; 5 ms when every worker may do every
//! one of 12 tasks.
//!
//! **Larger sets.** Above that limit the plan is a heuristic and
//! `exact: false`: tasks are placed by value per minute of effort, each at the
//! worker and queue position that leaves that worker free soonest, then
//! improved by re-trying the tasks left out and by swapping a planned task
//! for a more valuable one left out. The value is then a lower bound of the
//! true best, so a trainee may beat it: callers must cap the prioritisation
//! ratio at 1. When every task that could count is placed, the answer is
//! exact again and says so.

use std::cmp::Ordering;

pub use crate::scenario::resolved::Minute;

/// The most tasks (after those that cannot count are left out) for which the
/// plan is exact; past it the search would grow as 3^n.
pub const EXACT_TASKS: usize = 12;

/// Rounds of improvement for the heuristic used above [`EXACT_TASKS`].
const IMPROVE_ROUNDS: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlanTask {
    pub arrival: Minute,
    /// Minutes of work, at least 1 (0 is treated as 1).
    pub effort: u32,
    pub deadline: Minute,
    pub value: u64,
    /// Indices into [`PlanInput::workers`] of those allowed to do it.
    pub workers: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlanWorker {
    /// Work minutes available at the shift's start.
    pub minutes: u32,
    /// From each time on, the minutes left are set to the value (a colleague
    /// leaves early, or hours are added).
    pub changes: Vec<(Minute, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlanInput {
    pub start: Minute,
    pub end: Minute,
    pub tasks: Vec<PlanTask>,
    pub workers: Vec<PlanWorker>,
}

/// Who does a task and when: `start` is the first minute worked, `finish`
/// the minute it is done. The worker may pause in between (out of minutes
/// until a change), but does no other task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub worker: usize,
    pub start: Minute,
    pub finish: Minute,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BestPlan {
    /// Sum of the values of the tasks the plan finishes on time.
    pub value: u64,
    /// Per task of the input, in its order: who does it and when, or `None`
    /// when the plan leaves it undone.
    pub slots: Vec<Option<Slot>>,
    /// Whether `value` is the true best under the work model; when `false`
    /// it is a lower bound.
    pub exact: bool,
}

/// The best plan for `input`; see the module documentation for the model.
pub fn best_plan(input: &PlanInput) -> BestPlan {
    plan(input, EXACT_TASKS)
}

fn plan(input: &PlanInput, exact_limit: usize) -> BestPlan {
    let mut best = BestPlan {
        value: 0,
        slots: vec![None; input.tasks.len()],
        exact: true,
    };
    if input.end <= input.start {
        return best;
    }
    let hours: Vec<Hours> = input
        .workers
        .iter()
        .map(|w| Hours::new(w, input.start, input.end))
        .collect();
    let jobs = candidates(input, &hours);
    let queues = if jobs.len() <= exact_limit {
        exact(&jobs, &hours)
    } else {
        let queues = heuristic(&jobs, &hours);
        let placed: usize = queues.iter().map(Vec::len).sum();
        best.exact = placed == jobs.len();
        queues
    };
    for (worker, queue) in queues.iter().enumerate() {
        let done = hours[worker]
            .run_queue(queue.iter().map(|&j| &jobs[j]))
            .expect("a planned queue finishes every task on time");
        for (&j, d) in queue.iter().zip(done) {
            best.value = best.value.saturating_add(jobs[j].value);
            best.slots[jobs[j].task] = Some(Slot {
                worker,
                start: d.start,
                finish: d.finish,
            });
        }
    }
    best
}

/// A task that could count, with the workers that could finish it on time.
#[derive(Debug, Clone)]
struct Job {
    /// Index into the input's tasks.
    task: usize,
    arrival: Minute,
    effort: u32,
    deadline: Minute,
    value: u64,
    workers: Vec<usize>,
}

fn candidates(input: &PlanInput, hours: &[Hours]) -> Vec<Job> {
    let mut jobs = Vec::new();
    for (task, t) in input.tasks.iter().enumerate() {
        if t.value == 0 {
            continue;
        }
        let mut job = Job {
            task,
            arrival: t.arrival,
            effort: t.effort.max(1),
            deadline: t.deadline,
            value: t.value,
            workers: Vec::new(),
        };
        let mut workers: Vec<usize> = t
            .workers
            .iter()
            .copied()
            .filter(|&w| w < hours.len())
            .collect();
        workers.sort_unstable();
        workers.dedup();
        // Alone on an idle worker is the earliest it can ever finish there.
        workers.retain(|&w| hours[w].work(hours[w].first(), &job).is_some());
        job.workers = workers;
        if !job.workers.is_empty() {
            jobs.push(job);
        }
    }
    jobs
}

/// A worker's minutes over the shift: from each `from[i]` (the first is the
/// shift's start) until the next, it may work at most `budget[i]` minutes.
#[derive(Debug, Clone)]
struct Hours {
    from: Vec<Minute>,
    budget: Vec<u32>,
    end: Minute,
}

/// Where a worker stands between tasks: free from minute `t`, inside period
/// `period` of its [`Hours`], with `left` minutes left for that period.
/// Always `t < ` the period's end, unless `t` is the shift's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct At {
    t: Minute,
    period: usize,
    left: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Done {
    start: Minute,
    finish: Minute,
    after: At,
}

impl Hours {
    fn new(worker: &PlanWorker, start: Minute, end: Minute) -> Self {
        let mut hours = Hours {
            from: vec![start],
            budget: vec![worker.minutes],
            end,
        };
        if worker.changes.is_empty() {
            return hours;
        }
        let mut changes = worker.changes.clone();
        // Stable: of changes at one time, the last listed wins.
        changes.sort_by_key(|&(t, _)| t);
        for (t, v) in changes {
            if t >= end {
                continue;
            }
            let t = t.max(start);
            if hours.from.last() == Some(&t) {
                *hours.budget.last_mut().expect("never empty") = v;
            } else {
                hours.from.push(t);
                hours.budget.push(v);
            }
        }
        hours
    }

    fn first(&self) -> At {
        At {
            t: self.from[0],
            period: 0,
            left: self.budget[0],
        }
    }

    fn period_end(&self, period: usize) -> Minute {
        self.from.get(period + 1).copied().unwrap_or(self.end)
    }

    /// Idle until `t`.
    fn wait_until(&self, at: At, t: Minute) -> At {
        if t <= at.t {
            return at;
        }
        let mut period = at.period;
        while period + 1 < self.from.len() && self.from[period + 1] <= t {
            period += 1;
        }
        let left = if period == at.period {
            at.left
        } else {
            self.budget[period]
        };
        At { t, period, left }
    }

    /// Does `job` next, as early as possible; `None` if it would be late.
    fn work(&self, at: At, job: &Job) -> Option<Done> {
        if self.from.len() == 1 {
            // One period (no changes, as for the trainee): straight through
            // or not at all, since minutes never come back.
            let start = at.t.max(job.arrival);
            let finish = start.saturating_add(job.effort);
            return (job.effort <= at.left && finish <= self.end && finish <= job.deadline).then(
                || Done {
                    start,
                    finish,
                    after: At {
                        t: finish,
                        period: 0,
                        left: at.left - job.effort,
                    },
                },
            );
        }
        let mut at = self.wait_until(at, job.arrival);
        let mut remaining = job.effort;
        let mut start = None;
        loop {
            if at.t >= self.end {
                return None;
            }
            if at.left == 0 {
                // Paused until a change gives minutes back.
                if at.period + 1 >= self.from.len() {
                    return None;
                }
                at.period += 1;
                at.t = self.from[at.period];
                at.left = self.budget[at.period];
                continue;
            }
            let stop = self.period_end(at.period);
            let worked = remaining.min(at.left).min(stop - at.t);
            start.get_or_insert(at.t);
            at.t += worked;
            at.left -= worked;
            remaining -= worked;
            if at.t == stop && at.period + 1 < self.from.len() {
                at.period += 1;
                at.left = self.budget[at.period];
            }
            if remaining == 0 {
                return (at.t <= job.deadline).then(|| Done {
                    start: start.expect("worked at least one minute"),
                    finish: at.t,
                    after: at,
                });
            }
            if at.t > job.deadline {
                return None;
            }
        }
    }

    /// Does the jobs in order; `None` if any would be late.
    fn run_queue<'a>(&self, queue: impl Iterator<Item = &'a Job>) -> Option<Vec<Done>> {
        let mut at = self.first();
        queue
            .map(|job| {
                let done = self.work(at, job)?;
                at = done.after;
                Some(done)
            })
            .collect()
    }

    /// Whether whatever can be done from `b` can be done as early from `a`:
    /// `a` is free no later and, by `b`'s time, would have as many minutes.
    fn dominates(&self, a: At, b: At) -> bool {
        let left_then = if a.period == b.period {
            a.left
        } else {
            self.budget[b.period]
        };
        a.t <= b.t && left_then >= b.left
    }
}

/// One way a worker can finish a set of tasks: the set without `job`, then
/// `job`, leaving the worker `at`. `prev` indexes the step that ended the
/// smaller set.
#[derive(Debug, Clone, Copy)]
struct Step {
    at: At,
    prev: u32,
    job: u8,
}

/// For one worker, every set of the tasks it may do that it can finish on
/// time. Sets are indexed compactly, by the bits of `members` (the jobs it
/// may do, in order): index bit `i` stands for job `members[i]`, so a worker
/// allowed k of the n jobs has 2^k indices, not 2^n. Only the feasible ones
/// are stored, ascending, with the states no other order of that set beats
/// (`steps[start..end]`); a feasible index finds its place by counting the
/// feasible indices below it in the bit set `ok`.
struct Sets {
    members: Vec<usize>,
    /// The job bitmask of an index.
    real: ByBits<u16>,
    /// The index of a job bitmask (jobs it may not do are ignored).
    index: ByBits<u16>,
    steps: Vec<Step>,
    /// Bit `i` is set when index `i` is feasible.
    ok: Vec<u64>,
    /// How many feasible indices come before each word of `ok`.
    before: Vec<u32>,
    /// The feasible indices, ascending (the empty set first), each with the
    /// range of its states in `steps`.
    feasible: Vec<Feasible>,
}

#[derive(Debug, Clone, Copy)]
struct Feasible {
    index: u32,
    start: u32,
    end: u32,
}

impl Sets {
    /// The index of `set`, a subset of the worker's jobs.
    fn index(&self, set: usize) -> usize {
        usize::from(self.index.of(set))
    }

    /// The job bitmask of `index`.
    fn real(&self, index: usize) -> usize {
        usize::from(self.real.of(index))
    }

    /// The largest index: every job the worker may do.
    fn all(&self) -> usize {
        (1 << self.members.len()) - 1
    }

    fn feasible(&self, index: usize) -> bool {
        self.ok[index / 64] >> (index % 64) & 1 == 1
    }

    /// Where the states of a feasible index are in `steps`.
    fn span(&self, index: usize) -> std::ops::Range<u32> {
        let word = index / 64;
        let below = self.ok[word] & ((1u64 << (index % 64)) - 1);
        let f = self.feasible[(self.before[word] + below.count_ones()) as usize];
        debug_assert_eq!(f.index as usize, index);
        f.start..f.end
    }

    fn build(jobs: &[Job], hours: &Hours, allowed: usize) -> Sets {
        let members: Vec<usize> = bits(allowed).collect();
        let k = members.len();
        let words = (1usize << k).div_ceil(64);
        let mut sets = Sets {
            real: ByBits::new((1 << k) - 1, |bit| 1 << members[bit], |a, b| a | b),
            // Job `j` is index bit "how many of the worker's jobs come
            // before it".
            index: ByBits::new(
                allowed,
                |j| {
                    let below = allowed & ((1 << j) - 1);
                    u16::from(allowed >> j & 1 == 1) << below.count_ones()
                },
                |a, b| a | b,
            ),
            members,
            steps: Vec::with_capacity((1 << k).min(64)),
            ok: vec![0; words],
            before: vec![0; words],
            feasible: Vec::with_capacity((1 << k).min(64)),
        };
        sets.steps.push(Step {
            at: hours.first(),
            prev: 0,
            job: 0,
        });
        sets.ok[0] = 1;
        sets.feasible.push(Feasible {
            index: 0,
            start: 0,
            end: 1,
        });
        let mut kept: Vec<Step> = Vec::new();
        let one_period = hours.from.len() == 1;
        // A set is feasible only if every set one job smaller is: drop a
        // job from an order that works and each later job starts from a
        // state that dominates the old one (see `dominates`). So only sets
        // whose highest job extends a feasible set are candidates, marked
        // here as each feasible set is found, starting from the one-job
        // sets.
        let mut candidates = vec![0u64; words];
        for b in 0..k {
            candidates[(1 << b) / 64] |= 1 << ((1 << b) % 64);
        }
        // Ascending indices: each smaller set comes first. A candidate is
        // always above the set that marked it, so the scan meets it.
        let mut word = 0;
        while word < words {
            let w = candidates[word];
            if w == 0 {
                word += 1;
                if word < words {
                    sets.before[word] = sets.before[word - 1] + sets.ok[word - 1].count_ones();
                }
                continue;
            }
            candidates[word] = w & (w - 1);
            let index = word * 64 + w.trailing_zeros() as usize;
            kept.clear();
            let mut every_smaller_feasible = true;
            for b in bits(index) {
                let smaller = index ^ (1 << b);
                if !sets.feasible(smaller) {
                    every_smaller_feasible = false;
                    break;
                }
                let j = sets.members[b];
                for prev in sets.span(smaller) {
                    let Some(done) = hours.work(sets.steps[prev as usize].at, &jobs[j]) else {
                        continue;
                    };
                    let step = Step {
                        at: done.after,
                        prev,
                        job: j as u8,
                    };
                    if one_period {
                        // Every order of a set leaves the same minutes, so
                        // a state beats another by its time alone and a set
                        // keeps one: the first that ends earliest.
                        match kept.first() {
                            Some(k) if k.at.t <= step.at.t => {}
                            _ => {
                                kept.clear();
                                kept.push(step);
                            }
                        }
                        continue;
                    }
                    if kept.iter().any(|k| hours.dominates(k.at, step.at)) {
                        continue;
                    }
                    kept.retain(|k| !hours.dominates(step.at, k.at));
                    kept.push(step);
                }
            }
            if !every_smaller_feasible || kept.is_empty() {
                continue;
            }
            let start = sets.steps.len() as u32;
            sets.steps.extend_from_slice(&kept);
            sets.feasible.push(Feasible {
                index: index as u32,
                start,
                end: sets.steps.len() as u32,
            });
            sets.ok[word] |= 1 << (index % 64);
            let highest = usize::BITS - 1 - index.leading_zeros();
            for b in highest as usize + 1..k {
                let next = index | 1 << b;
                candidates[next / 64] |= 1 << (next % 64);
            }
        }
        sets
    }

    /// The jobs of `set` in an order that finishes them all on time.
    fn order(&self, mut set: usize) -> Vec<usize> {
        let mut order = Vec::new();
        let mut step = self.steps[self.span(self.index(set)).start as usize];
        while set != 0 {
            order.push(step.job as usize);
            set ^= 1 << step.job;
            step = self.steps[step.prev as usize];
        }
        order.reverse();
        order
    }

    /// For each index, the feasible set inside it of the most value (as an
    /// index); of equal values the largest, which is the one [`share_out`]
    /// settles on.
    fn most_valuable(&self, value: &ByBits<u64>) -> Vec<usize> {
        let mut most = vec![0usize; 1 << self.members.len()];
        // The value of each index's most valuable set, beside it.
        let mut worth = vec![0u64; most.len()];
        for m in 1..most.len() {
            let (mut pick, mut best) = if self.feasible(m) {
                (m, value.of(self.real(m)))
            } else {
                (0, 0)
            };
            for b in bits(m) {
                let i = most[m ^ (1 << b)];
                let w = worth[m ^ (1 << b)];
                if (w, i) > (best, pick) {
                    (pick, best) = (i, w);
                }
            }
            most[m] = pick;
            worth[m] = best;
        }
        most
    }
}

/// A function of bit sets that adds up over their bits (`join` of the
/// values of two disjoint sets is the value of their union): a job set's
/// value, an index's job set. It keeps one table per [`CHUNK`] bits, so a
/// look-up costs [`CHUNKS`] reads at most, where a table of every set would
/// cost 2^n entries to fill for the few sets looked up.
struct ByBits<T> {
    tables: [[T; 1 << CHUNK]; CHUNKS],
    join: fn(T, T) -> T,
}

/// Bits per table of a [`ByBits`].
const CHUNK: usize = 6;
/// Tables of a [`ByBits`]: enough for the [`EXACT_TASKS`] jobs of an
/// exact plan.
const CHUNKS: usize = EXACT_TASKS.div_ceil(CHUNK);
// A worker's sets name jobs in a u16.
const _: () = assert!(EXACT_TASKS <= 16);

impl<T: Copy + Default> ByBits<T> {
    /// For the sets inside `mask` (bits below [`EXACT_TASKS`]): `bit(i)`
    /// is the value of the set `{i}`. Only the sets inside `mask` are
    /// filled in, so a worker allowed two jobs costs four entries.
    fn new(mask: usize, bit: impl Fn(usize) -> T, join: fn(T, T) -> T) -> Self {
        assert!(
            mask >> (CHUNK * CHUNKS) == 0,
            "jobs {mask:b} in an exact plan"
        );
        let mut tables = [[T::default(); 1 << CHUNK]; CHUNKS];
        for (c, table) in tables.iter_mut().enumerate() {
            let m = (mask >> (c * CHUNK)) & ((1 << CHUNK) - 1);
            // Every non-empty subset of `m`, ascending, so a set comes after
            // the set without its lowest bit.
            let mut i = m.wrapping_neg() & m;
            while i != 0 {
                let low = i.trailing_zeros() as usize;
                table[i] = join(table[i & (i - 1)], bit(c * CHUNK + low));
                i = i.wrapping_sub(m) & m;
            }
        }
        ByBits { tables, join }
    }

    fn of(&self, set: usize) -> T {
        let mut value = self.tables[0][set & ((1 << CHUNK) - 1)];
        for c in 1..CHUNKS {
            value = (self.join)(
                value,
                self.tables[c][(set >> (c * CHUNK)) & ((1 << CHUNK) - 1)],
            );
        }
        value
    }
}

/// The members of `set`, lowest first.
fn bits(set: usize) -> impl Iterator<Item = usize> {
    let mut rest = set;
    std::iter::from_fn(move || {
        (rest != 0).then(|| {
            let j = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            j
        })
    })
}

/// The exact plan: per worker, the queue (jobs by index, in order).
fn exact(jobs: &[Job], hours: &[Hours]) -> Vec<Vec<usize>> {
    exact_with(jobs, hours, false)
}

/// [`exact`], always by the general programme when `general` is set (tests
/// compare the two ways).
fn exact_with(jobs: &[Job], hours: &[Hours], general: bool) -> Vec<Vec<usize>> {
    let n = jobs.len();
    let full = (1usize << n) - 1;
    // Of non-negative values a saturating sum is the same in any grouping.
    let value = ByBits::new(full, |j| jobs[j].value, u64::saturating_add);
    let allowed: Vec<usize> = (0..hours.len())
        .map(|w| {
            jobs.iter()
                .enumerate()
                .filter(|(_, job)| job.workers.contains(&w))
                .fold(0usize, |m, (j, _)| m | 1 << j)
        })
        .collect();
    // The worker allowed the most goes last, where only the whole set needs
    // an answer: 2^n steps instead of 3^n for, say, the trainee.
    let mut order: Vec<usize> = (0..hours.len()).filter(|&w| allowed[w] != 0).collect();
    order.sort_by_key(|&w| (allowed[w].count_ones(), w));
    let mut queues = vec![Vec::new(); hours.len()];
    let Some((_, others)) = order.split_last() else {
        return queues;
    };
    let sets: Vec<Sets> = order
        .iter()
        .map(|&w| Sets::build(jobs, &hours[w], allowed[w]))
        .collect();
    let (last_sets, other_sets) = sets.split_last().expect("one per worker");
    let shared = others
        .iter()
        .try_fold(0usize, |seen, &w| {
            (seen & allowed[w] == 0).then_some(seen | allowed[w])
        })
        .is_none();
    let chosen = if shared || general {
        share_out(&value, &allowed, others, other_sets, last_sets, full)
    } else {
        own_shares(&value, &allowed, others, other_sets, last_sets, full)
    };
    for ((&w, sets), set) in order.iter().zip(&sets).zip(chosen) {
        queues[w] = sets.order(set);
    }
    queues
}

/// The general case: a dynamic programme over the sets of jobs left to share
/// out, one worker at a time (`others`, then the last). Returns each worker's
/// set, in `others` order and the last worker's at the end.
fn share_out(
    value: &ByBits<u64>,
    allowed: &[usize],
    others: &[usize],
    other_sets: &[Sets],
    last_sets: &Sets,
    full: usize,
) -> Vec<usize> {
    // best[u]: the most value the workers so far can finish from the jobs in u.
    let mut best = vec![0u64; full + 1];
    let mut choices: Vec<Vec<u32>> = Vec::with_capacity(others.len() + 1);
    let workers = others
        .iter()
        .zip(other_sets)
        .map(|(&w, s)| (allowed[w], s, false));
    let last_allowed = last_sets.real(last_sets.all());
    for (mask, sets, last) in workers.chain([(last_allowed, last_sets, true)]) {
        let mut next = best.clone();
        let mut choice = vec![0u32; full + 1];
        let wanted = if last { full..=full } else { 1..=full };
        for u in wanted {
            let mine = sets.index(u & mask);
            let mut s = mine;
            while s != 0 {
                if sets.feasible(s) {
                    let set = sets.real(s);
                    let v = value.of(set).saturating_add(best[u ^ set]);
                    if v > next[u] {
                        next[u] = v;
                        choice[u] = set as u32;
                    }
                }
                s = (s - 1) & mine;
            }
        }
        best = next;
        choices.push(choice);
    }
    let mut left = full;
    let mut picked: Vec<usize> = choices
        .iter()
        .rev()
        .map(|choice| {
            let set = choice[left] as usize;
            left ^= set;
            set
        })
        .collect();
    picked.reverse();
    picked
}

/// The common case where no two of `others` may do the same job (each role
/// has its own tasks; only the last worker, the trainee, may do any): each
/// of them takes its most valuable feasible set of whatever the last worker
/// leaves, so only the last worker's feasible sets need trying. Picks the
/// same sets as [`share_out`] would.
fn own_shares(
    value: &ByBits<u64>,
    allowed: &[usize],
    others: &[usize],
    other_sets: &[Sets],
    last_sets: &Sets,
    full: usize,
) -> Vec<usize> {
    let most: Vec<Vec<usize>> = other_sets.iter().map(|s| s.most_valuable(value)).collect();
    let take = |left: usize, i: usize| {
        let sets = &other_sets[i];
        sets.real(most[i][sets.index(left & allowed[others[i]])])
    };
    let rest = |left: usize| -> u64 {
        (0..others.len()).fold(0u64, |sum, i| sum.saturating_add(value.of(take(left, i))))
    };
    let (mut best, mut pick) = (rest(full), 0usize);
    // The largest index first, as a count down over every index would.
    for f in last_sets.feasible[1..].iter().rev() {
        let set = last_sets.real(f.index as usize);
        let v = value.of(set).saturating_add(rest(full ^ set));
        if v > best {
            (best, pick) = (v, set);
        }
    }
    let left = full ^ pick;
    (0..others.len())
        .map(|i| take(left, i))
        .chain([pick])
        .collect()
}

/// The heuristic plan for larger sets: per worker, the queue (jobs by
/// index, in order), every job in it on time.
fn heuristic(jobs: &[Job], hours: &[Hours]) -> Vec<Vec<usize>> {
    let mut queues: Vec<Vec<usize>> = vec![Vec::new(); hours.len()];
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    // Most value per minute first; then earliest deadline; then input order.
    order.sort_by(|&a, &b| {
        let (ja, jb) = (&jobs[a], &jobs[b]);
        let density = (u128::from(jb.value) * u128::from(ja.effort))
            .cmp(&(u128::from(ja.value) * u128::from(jb.effort)));
        density.then(ja.deadline.cmp(&jb.deadline)).then(a.cmp(&b))
    });
    let mut planned = vec![false; jobs.len()];
    for &j in &order {
        planned[j] = insert(jobs, hours, &mut queues, j, &jobs[j].workers);
    }
    // Left-out jobs by value, most first, then input order.
    order.sort_by(|&a, &b| jobs[b].value.cmp(&jobs[a].value).then(a.cmp(&b)));
    for _ in 0..IMPROVE_ROUNDS {
        let mut improved = false;
        for &u in &order {
            if planned[u] {
                continue;
            }
            if insert(jobs, hours, &mut queues, u, &jobs[u].workers) {
                planned[u] = true;
                improved = true;
                continue;
            }
            if let Some(out) = swap_in(jobs, hours, &mut queues, u) {
                planned[u] = true;
                planned[out] = insert(jobs, hours, &mut queues, out, &jobs[out].workers);
                improved = true;
            }
        }
        if !improved {
            break;
        }
    }
    queues
}

/// Puts `j` where it leaves its worker free soonest, among `workers`, if
/// anywhere keeps that worker's whole queue on time.
fn insert(
    jobs: &[Job],
    hours: &[Hours],
    queues: &mut [Vec<usize>],
    j: usize,
    workers: &[usize],
) -> bool {
    let mut best: Option<(Minute, usize, usize)> = None;
    for &w in workers {
        for pos in 0..=queues[w].len() {
            let mut trial = queues[w].clone();
            trial.insert(pos, j);
            if let Some(done) = hours[w].run_queue(trial.iter().map(|&k| &jobs[k])) {
                let free = done.last().map_or(0, |d| d.finish);
                if best.is_none_or(|(f, _, _)| free.cmp(&f) == Ordering::Less) {
                    best = Some((free, w, pos));
                }
            }
        }
    }
    if let Some((_, w, pos)) = best {
        queues[w].insert(pos, j);
    }
    best.is_some()
}

/// Takes a less valuable job out of some worker's queue to fit `u` there;
/// returns the job taken out.
fn swap_in(jobs: &[Job], hours: &[Hours], queues: &mut [Vec<usize>], u: usize) -> Option<usize> {
    for &w in &jobs[u].workers {
        for i in 0..queues[w].len() {
            let out = queues[w][i];
            if jobs[out].value >= jobs[u].value {
                continue;
            }
            let removed = queues[w].remove(i);
            if insert(jobs, hours, queues, u, &[w]) {
                return Some(removed);
            }
            queues[w].insert(i, removed);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn task(
        arrival: Minute,
        effort: u32,
        deadline: Minute,
        value: u64,
        workers: &[usize],
    ) -> PlanTask {
        PlanTask {
            arrival,
            effort,
            deadline,
            value,
            workers: workers.to_vec(),
        }
    }

    fn worker(minutes: u32) -> PlanWorker {
        PlanWorker {
            minutes,
            changes: Vec::new(),
        }
    }

    /// The engine's rule written out minute by minute, independent of the
    /// planner: one worker works through `queue` in order (late tasks too)
    /// and returns each task's finishing minute, `None` if never finished.
    fn run_minutes(input: &PlanInput, w: usize, queue: &[usize]) -> Vec<Option<Minute>> {
        let worker = &input.workers[w];
        let mut changes = worker.changes.clone();
        changes.sort_by_key(|c| c.0);
        let mut left = worker.minutes;
        let mut finish = vec![None; queue.len()];
        let mut head = 0;
        let mut done_of_head = 0;
        for minute in input.start..input.end {
            for &(t, v) in &changes {
                if t == minute || (minute == input.start && t < input.start) {
                    left = v;
                }
            }
            let Some(&k) = queue.get(head) else { break };
            let t = &input.tasks[k];
            if left > 0 && t.arrival <= minute {
                left -= 1;
                done_of_head += 1;
                if done_of_head >= t.effort.max(1) {
                    finish[head] = Some(minute + 1);
                    head += 1;
                    done_of_head = 0;
                }
            }
        }
        finish
    }

    fn queue_value(input: &PlanInput, w: usize, queue: &[usize]) -> u64 {
        run_minutes(input, w, queue)
            .iter()
            .zip(queue)
            .filter(|(f, k)| f.is_some_and(|f| f <= input.tasks[**k].deadline))
            .map(|(_, k)| input.tasks[*k].value)
            .sum()
    }

    fn permutations(items: &[usize]) -> Vec<Vec<usize>> {
        if items.is_empty() {
            return vec![Vec::new()];
        }
        let mut all = Vec::new();
        for i in 0..items.len() {
            let mut rest = items.to_vec();
            let first = rest.remove(i);
            for mut p in permutations(&rest) {
                p.insert(0, first);
                all.push(p);
            }
        }
        all
    }

    /// Every queue assignment a trainee could make (each task to an allowed
    /// worker or to nobody, each worker's queue in any order); asserts each
    /// is no better than `plan` and returns the best of them.
    fn best_queue_value(input: &PlanInput, plan: u64) -> u64 {
        let n = input.tasks.len();
        // Per worker and set of tasks, the best order's value.
        let per_worker: Vec<Vec<u64>> = (0..input.workers.len())
            .map(|w| {
                let allowed = (0..n)
                    .filter(|&k| input.tasks[k].workers.contains(&w))
                    .fold(0usize, |m, k| m | 1 << k);
                (0..1usize << n)
                    .map(|set| {
                        if set & !allowed != 0 {
                            return 0; // never assigned: no need to try it
                        }
                        let items: Vec<usize> = bits(set).collect();
                        permutations(&items)
                            .iter()
                            .map(|q| {
                                let v = queue_value(input, w, q);
                                assert!(v <= plan, "queue {q:?} of worker {w} beats the plan: {v} > {plan} in {input:?}");
                                v
                            })
                            .max()
                            .unwrap_or(0)
                    })
                    .collect()
            })
            .collect();
        let mut best = 0;
        let mut choice = vec![0usize; n];
        loop {
            let mut sets = vec![0usize; input.workers.len()];
            let mut ok = true;
            for (k, &c) in choice.iter().enumerate() {
                if c > 0 {
                    let w = input.tasks[k].workers[c - 1];
                    if w >= input.workers.len() || sets[w] >> k & 1 == 1 {
                        ok = false;
                    } else {
                        sets[w] |= 1 << k;
                    }
                }
            }
            if ok {
                let v: u64 = sets
                    .iter()
                    .enumerate()
                    .map(|(w, &s)| per_worker[w][s])
                    .sum();
                assert!(
                    v <= plan,
                    "assignment {choice:?} beats the plan in {input:?}"
                );
                best = best.max(v);
            }
            // Next assignment, like an odometer.
            let mut k = 0;
            loop {
                if k == n {
                    return best;
                }
                choice[k] += 1;
                if choice[k] <= input.tasks[k].workers.len() {
                    break;
                }
                choice[k] = 0;
                k += 1;
            }
        }
    }

    /// The slots are a schedule the engine would run: allowed workers, no
    /// overlap, on time, and replaying each worker's tasks in slot order
    /// minute by minute gives the same finishes. Their values add up.
    fn assert_feasible(input: &PlanInput, plan: &BestPlan) {
        assert_eq!(plan.slots.len(), input.tasks.len());
        let mut total = 0;
        for w in 0..input.workers.len() {
            let mut mine: Vec<(usize, &Slot)> = plan
                .slots
                .iter()
                .enumerate()
                .filter_map(|(k, s)| s.as_ref().filter(|s| s.worker == w).map(|s| (k, s)))
                .collect();
            mine.sort_by_key(|(_, s)| s.start);
            for pair in mine.windows(2) {
                assert!(pair[0].1.finish <= pair[1].1.start, "overlap in {plan:?}");
            }
            for &(k, s) in &mine {
                let t = &input.tasks[k];
                assert!(t.workers.contains(&w), "task {k} given to worker {w}");
                assert!(s.start >= t.arrival && s.start >= input.start);
                assert!(s.start < s.finish);
                assert!(s.finish <= t.deadline && s.finish <= input.end);
                total += t.value;
            }
            let queue: Vec<usize> = mine.iter().map(|(k, _)| *k).collect();
            let finishes = run_minutes(input, w, &queue);
            for (&(k, s), f) in mine.iter().zip(finishes) {
                assert_eq!(
                    f,
                    Some(s.finish),
                    "task {k} replayed differently in {input:?}"
                );
            }
        }
        assert!(
            plan.slots
                .iter()
                .flatten()
                .all(|s| s.worker < input.workers.len())
        );
        assert_eq!(total, plan.value);
    }

    fn random_input(rng: &mut ChaCha8Rng, tasks: usize, workers: usize, span: u32) -> PlanInput {
        let start = rng.random_range(0..5);
        let end = start + span;
        PlanInput {
            start,
            end,
            tasks: (0..tasks)
                .map(|_| {
                    let arrival = start + rng.random_range(0..span);
                    let effort = rng.random_range(1..span / 2);
                    let deadline = arrival + rng.random_range(0..span + 5);
                    let mut ws: Vec<usize> =
                        (0..workers).filter(|_| rng.random_bool(0.5)).collect();
                    if rng.random_bool(0.1) {
                        ws.push(workers + 1); // a worker who does not exist
                    }
                    task(arrival, effort, deadline, rng.random_range(0..20), &ws)
                })
                .collect(),
            workers: (0..workers)
                .map(|_| PlanWorker {
                    minutes: rng.random_range(0..span),
                    changes: (0..rng.random_range(0..3))
                        .map(|_| (rng.random_range(0..end + 3), rng.random_range(0..span)))
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn equals_the_best_queue_assignment_on_small_instances() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..400 {
            let n = rng.random_range(0..=5);
            let w = rng.random_range(0..=3);
            let input = random_input(&mut rng, n, w, 30);
            let plan = best_plan(&input);
            assert!(plan.exact);
            assert_feasible(&input, &plan);
            assert_eq!(
                plan.value,
                best_queue_value(&input, plan.value),
                "{input:?}"
            );
        }
    }

    #[test]
    fn own_tasks_per_role_plan_as_the_general_programme_does() {
        // Each task may go to one role member or to the trainee (the last
        // worker), as in every shipped shift: the short cut must pick the
        // very same queues as the programme over all shares.
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut checked = 0;
        for _ in 0..300 {
            let members = rng.random_range(1..=4);
            let n = rng.random_range(1..=8);
            let mut input = random_input(&mut rng, n, members + 1, 60);
            for t in &mut input.tasks {
                t.workers = vec![rng.random_range(0..members), members];
            }
            let hours: Vec<Hours> = input
                .workers
                .iter()
                .map(|w| Hours::new(w, input.start, input.end))
                .collect();
            if input.end <= input.start {
                continue;
            }
            let jobs = candidates(&input, &hours);
            let fast = exact_with(&jobs, &hours, false);
            assert_eq!(fast, exact_with(&jobs, &hours, true), "{input:?}");
            let plan = best_plan(&input);
            assert_feasible(&input, &plan);
            if n <= 5 {
                assert_eq!(
                    plan.value,
                    best_queue_value(&input, plan.value),
                    "{input:?}"
                );
            }
            checked += usize::from(fast.iter().filter(|q| !q.is_empty()).count() > 1);
        }
        assert!(checked > 100, "only {checked} plans shared work out");
    }

    #[test]
    fn one_busy_worker_needs_the_right_order() {
        // Capacity, releases and tight deadlines on one worker: the cases
        // where earliest-deadline-first alone goes wrong.
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for _ in 0..150 {
            let n = rng.random_range(3..=6);
            let mut input = random_input(&mut rng, n, 1, 24);
            for t in &mut input.tasks {
                t.workers = vec![0];
            }
            let plan = best_plan(&input);
            assert_feasible(&input, &plan);
            assert_eq!(
                plan.value,
                best_queue_value(&input, plan.value),
                "{input:?}"
            );
        }
    }

    #[test]
    fn waits_for_an_urgent_task_rather_than_starting_a_long_one() {
        let input = PlanInput {
            start: 0,
            end: 100,
            tasks: vec![task(0, 10, 30, 1, &[0]), task(1, 2, 4, 5, &[0])],
            workers: vec![worker(100)],
        };
        let plan = best_plan(&input);
        assert_eq!(plan.value, 6);
        assert_eq!(
            plan.slots[1],
            Some(Slot {
                worker: 0,
                start: 1,
                finish: 3
            })
        );
        assert_eq!(
            plan.slots[0],
            Some(Slot {
                worker: 0,
                start: 3,
                finish: 13
            })
        );
    }

    #[test]
    fn keeps_a_later_finish_that_saves_minutes() {
        // Tasks 0, 1, 2 can all be done by minute 23 in two orders: 1, 2, 0
        // spends more of the first 8 minutes and has none left; 0, 2, 1
        // keeps the one minute task 3 needs. Time alone must not decide.
        let input = PlanInput {
            start: 4,
            end: 34,
            tasks: vec![
                task(8, 5, 29, 16, &[0]),
                task(9, 5, 24, 18, &[0]),
                task(14, 4, 18, 4, &[0]),
                task(33, 1, 40, 17, &[0]),
            ],
            workers: vec![PlanWorker {
                minutes: 8,
                changes: vec![(12, 11)],
            }],
        };
        let plan = best_plan(&input);
        assert_eq!(plan.value, 55);
        assert_feasible(&input, &plan);
        assert_eq!(plan.value, best_queue_value(&input, plan.value));
    }

    #[test]
    fn heuristic_is_feasible_and_no_better_than_exact() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..300 {
            let n = rng.random_range(0..=8);
            let w = rng.random_range(0..=3);
            let input = random_input(&mut rng, n, w, 40);
            let exact = best_plan(&input);
            let rough = plan(&input, 0);
            assert_feasible(&input, &rough);
            assert!(rough.value <= exact.value);
            if rough.exact {
                assert_eq!(rough.value, exact.value, "{input:?}");
            }
        }
    }

    #[test]
    fn large_sets_use_the_heuristic() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut input = random_input(&mut rng, 40, 4, 480);
        for t in &mut input.tasks {
            t.value = t.value.max(1);
            t.deadline = t.deadline.min(t.arrival + 2 * t.effort);
        }
        let plan = best_plan(&input);
        assert!(!plan.exact);
        assert!(plan.value > 0);
        assert_feasible(&input, &plan);
        assert_eq!(plan, best_plan(&input), "deterministic");
    }

    #[test]
    fn everything_placed_is_exact_even_when_large() {
        let input = PlanInput {
            start: 0,
            end: 1000,
            tasks: (0..20)
                .map(|k| task(k * 10, 5, k * 10 + 8, 1, &[k as usize % 2]))
                .collect(),
            workers: vec![worker(1000), worker(1000)],
        };
        let plan = best_plan(&input);
        assert!(plan.exact);
        assert_eq!(plan.value, 20);
        assert_feasible(&input, &plan);
    }

    #[test]
    fn reference_case_seven_tasks_six_workers() {
        // Five role members and the trainee (index 5), who may do anything.
        let tasks = vec![
            task(540, 60, 660, 3, &[0, 5]),
            task(540, 90, 720, 2, &[1, 5]),
            task(560, 30, 600, 3, &[0, 5]),
            task(600, 120, 780, 1, &[2, 5]),
            task(620, 45, 700, 2, &[3, 5]),
            task(630, 60, 720, 3, &[4, 5]),
            task(700, 30, 760, 2, &[0, 5]),
        ];
        let workers = vec![
            worker(90),
            worker(60),
            worker(240),
            worker(30),
            worker(120),
            PlanWorker {
                minutes: 120,
                changes: vec![(690, 30)],
            },
        ];
        let input = PlanInput {
            start: 540,
            end: 1020,
            tasks,
            workers,
        };
        let plan = best_plan(&input);
        assert!(plan.exact);
        assert_feasible(&input, &plan);
        assert_eq!(plan.value, best_queue_value(&input, plan.value));
    }

    #[test]
    fn no_workers_no_value() {
        let input = PlanInput {
            start: 0,
            end: 60,
            tasks: vec![task(0, 5, 30, 4, &[0])],
            workers: vec![],
        };
        let plan = best_plan(&input);
        assert_eq!(
            plan,
            BestPlan {
                value: 0,
                slots: vec![None],
                exact: true
            }
        );
    }

    #[test]
    fn no_tasks_and_empty_shift() {
        let empty = PlanInput {
            start: 0,
            end: 60,
            tasks: vec![],
            workers: vec![worker(60)],
        };
        assert_eq!(best_plan(&empty).value, 0);
        let backwards = PlanInput {
            start: 60,
            end: 60,
            tasks: vec![task(0, 1, 90, 4, &[0])],
            workers: vec![worker(60)],
        };
        assert_eq!(best_plan(&backwards).slots, vec![None]);
    }

    #[test]
    fn task_arriving_after_its_deadline_is_never_done() {
        let input = PlanInput {
            start: 0,
            end: 100,
            tasks: vec![task(50, 1, 40, 9, &[0]), task(0, 5, 10, 1, &[0])],
            workers: vec![worker(100)],
        };
        let plan = best_plan(&input);
        assert_eq!(plan.value, 1);
        assert_eq!(plan.slots[0], None);
    }

    #[test]
    fn effort_beyond_capacity_or_the_shift_is_never_done() {
        let input = PlanInput {
            start: 0,
            end: 100,
            tasks: vec![task(0, 31, 100, 9, &[0]), task(90, 20, 200, 9, &[1])],
            workers: vec![worker(30), worker(100)],
        };
        let plan = best_plan(&input);
        assert_eq!(plan.value, 0);
        assert_eq!(plan.slots, vec![None, None]);
    }

    #[test]
    fn capacity_cut_mid_task() {
        // 30 minutes at first, cut to 5 at minute 10: a 20-minute task
        // started at 0 cannot finish; a 12-minute one can.
        let cut = PlanWorker {
            minutes: 30,
            changes: vec![(10, 5)],
        };
        let input = PlanInput {
            start: 0,
            end: 100,
            tasks: vec![task(0, 20, 100, 5, &[0]), task(0, 12, 100, 1, &[0])],
            workers: vec![cut],
        };
        let plan = best_plan(&input);
        assert_eq!(plan.value, 1);
        assert_eq!(
            plan.slots[1],
            Some(Slot {
                worker: 0,
                start: 0,
                finish: 12
            })
        );
        assert_feasible(&input, &plan);
    }

    #[test]
    fn work_pauses_until_hours_are_added() {
        // Out of minutes at 5, given 10 more at 40: the task finishes at 45.
        let input = PlanInput {
            start: 0,
            end: 100,
            tasks: vec![task(0, 10, 60, 3, &[0])],
            workers: vec![PlanWorker {
                minutes: 5,
                changes: vec![(40, 10)],
            }],
        };
        let plan = best_plan(&input);
        assert_eq!(
            plan.slots[0],
            Some(Slot {
                worker: 0,
                start: 0,
                finish: 45
            })
        );
        assert_feasible(&input, &plan);
    }

    #[test]
    fn changes_before_the_start_and_ties_are_applied_in_order() {
        let input = PlanInput {
            start: 100,
            end: 200,
            tasks: vec![task(100, 20, 200, 3, &[0])],
            workers: vec![PlanWorker {
                minutes: 0,
                changes: vec![(50, 0), (50, 20), (150, 0), (150, 7)],
            }],
        };
        let plan = best_plan(&input);
        assert_eq!(
            plan.slots[0],
            Some(Slot {
                worker: 0,
                start: 100,
                finish: 120
            })
        );
        assert_feasible(&input, &plan);
    }

    #[test]
    fn exact_up_to_the_limit() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut input = random_input(&mut rng, EXACT_TASKS, 3, 200);
        for t in &mut input.tasks {
            t.value = t.value.max(1);
            t.deadline = input.end;
            t.workers = vec![0, 1, 2];
        }
        for w in &mut input.workers {
            w.minutes = 200;
            w.changes.clear();
        }
        let plan = best_plan(&input);
        assert!(plan.exact);
        assert_feasible(&input, &plan);
        assert!(plan.value >= plan_value_of_heuristic(&input));
    }

    fn plan_value_of_heuristic(input: &PlanInput) -> u64 {
        plan(input, 0).value
    }
}
