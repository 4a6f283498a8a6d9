//! The one migration history for SQLite and PostgreSQL. Migrations are
//! written with SeaQuery builders, never raw SQL, so each runs unchanged on
//! both databases. Never edit a migration that has shipped; add a new one.

use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261124_000002_teachers;
mod m20261125_000003_portfolio;
mod m20261126_000004_duties;
mod m20261202_000005_rule_sets;
mod m20261203_000006_honour_titles;
mod m20261203_000007_speed;
mod m20261204_000008_transfers;
mod m20261206_000009_credits;
mod m20261207_000010_activities;
mod m20261208_000011_claims;
mod m20261209_000012_transcript_issues;
mod m20261210_000013_calendar_feeds;
mod m20261211_000014_attended_trainings;
mod m20261212_000015_claim_prior_approval;
mod m20261213_000016_mentorships;
mod m20261214_000017_mentoring_meetings;
mod m20261215_000018_mentoring_cycles;
mod m20261216_000019_mentoring_reviews;
mod m20261217_000020_mentoring_weeks;
mod m20261218_000021_studios;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261124_000002_teachers::Migration),
            Box::new(m20261125_000003_portfolio::Migration),
            Box::new(m20261126_000004_duties::Migration),
            Box::new(m20261202_000005_rule_sets::Migration),
            Box::new(m20261203_000006_honour_titles::Migration),
            Box::new(m20261203_000007_speed::Migration),
            Box::new(m20261204_000008_transfers::Migration),
            Box::new(m20261206_000009_credits::Migration),
            Box::new(m20261207_000010_activities::Migration),
            Box::new(m20261208_000011_claims::Migration),
            Box::new(m20261209_000012_transcript_issues::Migration),
            Box::new(m20261210_000013_calendar_feeds::Migration),
            Box::new(m20261211_000014_attended_trainings::Migration),
            Box::new(m20261212_000015_claim_prior_approval::Migration),
            Box::new(m20261213_000016_mentorships::Migration),
            Box::new(m20261214_000017_mentoring_meetings::Migration),
            Box::new(m20261215_000018_mentoring_cycles::Migration),
            Box::new(m20261216_000019_mentoring_reviews::Migration),
            Box::new(m20261217_000020_mentoring_weeks::Migration),
            Box::new(m20261218_000021_studios::Migration),
        ]
    }
}
