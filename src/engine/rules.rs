//! The numbers behind the engine's rules, in one place so `docs/engine.md`
//! can quote them. Stress is kept in thousandths of a point so that slow
//! drifts stay exact in integers.

use crate::scenario::{Priority, Tier};

/// One stress point in the engine's internal unit.
pub const POINT: i64 = 1000;
/// Above this stress the trainee is in the danger zone: one constructive
/// answer of a node is hidden, and the minutes count against stress handling.
pub const DANGER_ZONE: i32 = 70;
/// Open items one person holds without strain (unanswered dialogues,
/// unassigned tasks, tasks heading for a missed deadline).
pub const ITEMS_HELD: i64 = 3;
/// Stress per minute for each open item beyond [`ITEMS_HELD`]: 3.6 an hour.
pub const OVERLOAD_PER_ITEM: i64 = 60;
/// Stress per minute while a reply timer runs: 7.2 an hour per timer.
pub const TIMED_REPLY: i64 = 120;
/// Stress per minute when nothing is at risk: eases 3 points an hour.
pub const EASE: i64 = -50;
/// Stress per minute of a break: a point a minute.
pub const BREAK: i64 = -1000;
/// A client kept waiting on an untimed question loses loyalty every this
/// many minutes.
pub const WAIT_STEP: u32 = 20;
/// The break the game's B key and the greedy player take.
pub const SHORT_BREAK: u32 = 15;
/// Shortest and longest break.
pub const BREAK_MINUTES: std::ops::RangeInclusive<u32> = 5..=60;

/// How much a task's priority counts: in prioritisation value, in the
/// automatic loyalty loss of a missed deadline, and in the cost of moving it.
pub fn priority_points(p: Priority) -> i32 {
    match p {
        Priority::Low => 1,
        Priority::Normal => 2,
        Priority::High => 3,
        Priority::Critical => 5,
    }
}

/// Key clients feel everything twice.
pub fn tier_factor(t: Tier) -> i32 {
    match t {
        Tier::Key => 2,
        Tier::Regular => 1,
    }
}

/// Loyalty lost per [`WAIT_STEP`] of waiting.
pub fn wait_cost(t: Tier) -> i32 {
    tier_factor(t)
}

/// Loyalty a client loses when a deadline is missed, on top of the task's
/// authored `on_late`.
pub fn late_cost(p: Priority, t: Tier) -> i32 {
    priority_points(p) * tier_factor(t)
}

/// Loyalty a client gains when an important task is done on time, on top of
/// the authored `on_done`.
pub fn on_time_bonus(p: Priority, t: Tier) -> i32 {
    if p >= Priority::High {
        tier_factor(t)
    } else {
        0
    }
}

/// Loyalty lost by asking to move a deadline `ahead` minutes before it: bad
/// news three hours early costs a third of bad news in the last hour.
pub fn move_cost(p: Priority, t: Tier, ahead: u32) -> i32 {
    let lateness = if ahead >= 180 {
        1
    } else if ahead >= 60 {
        2
    } else {
        3
    };
    priority_points(p) * tier_factor(t) * lateness
}

/// How much a finished task is worth to prioritisation.
pub fn task_value(p: Priority, client_weight: u32) -> u64 {
    let pts: u64 = match p {
        Priority::Low => 1,
        Priority::Normal => 2,
        Priority::High => 4,
        Priority::Critical => 8,
    };
    pts * u64::from(client_weight.max(1))
}
