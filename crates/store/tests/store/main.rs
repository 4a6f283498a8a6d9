//! Store integration tests on SQLite and PostgreSQL: roster import, the
//! demo school's status analysis against the seeds, tiers and overrides.

mod backup;
mod demo;
mod golden;
mod mentoring;
mod roster;
mod rule_sets;
mod speed;
mod studios;
mod tiers;
