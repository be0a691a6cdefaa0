//! scoring: the three scores, the pass rule, the best plan; must not depend on
//! Bevy.

pub mod best_plan;
