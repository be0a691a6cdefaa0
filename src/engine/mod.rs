//! The shift engine: a pure, seeded state machine that plays one working
//! shift. `Shift::new(&scenario, seed)`, then `advance_to(time)` and
//! `act(action)` in any order, then `outcome()`. Same scenario, seed and
//! timed actions give the same outcome, bit for bit.
//!
//! It must not do IO, read the wall clock, use a global RNG, or depend on
//! Bevy. Time is in whole minutes; inside, the clock jumps from one change to
//! the next (a task finishing, a timer running out, a deadline, stress
//! crossing a threshold), so a nine-hour shift costs microseconds. The rules
//! are written up for authors in `docs/engine.md`; the numbers are the
//! constants in [`rules`].

mod action;
mod outcome;
pub mod policy;
mod replay;
pub mod rules;
pub mod script;
mod shift;

pub use action::{ActError, Action, ChoiceRef};
pub use outcome::*;
pub use replay::{Replay, replay};
pub use shift::{Conversation, Happening, Logged, Shift, ShiftError, TaskStatus};
