//! Scoring: the three scores (loyalty, stress handling, prioritisation), the
//! overall score and the pass rule, the best plan prioritisation is measured
//! against, and the Monte Carlo `check` runs. Must not depend on Bevy.

pub mod assess;
pub mod balance;
pub mod best_plan;
pub mod monte_carlo;
pub mod plans;
