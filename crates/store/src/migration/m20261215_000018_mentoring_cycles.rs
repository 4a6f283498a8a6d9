//! The two-way cycle (issue 16, seed 004): a pair's cycles, each following
//! one apprentice through six stages, and the portfolio records that
//! fulfil each stage.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Mentorships {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Evidence {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum MentoringCycles {
    Table,
    Id,
    DistrictId,
    SchoolId,
    MentorshipId,
    ApprenticeTeacherId,
    Title,
    StartedOn,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MentoringCycleStages {
    Table,
    Id,
    CycleId,
    MentorshipId,
    Stage,
    EvidenceId,
    LinkedBy,
    LinkedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MentoringCycles::Table)
                .col(big_pk_auto(MentoringCycles::Id))
                .col(big_integer(MentoringCycles::DistrictId))
                .col(big_integer(MentoringCycles::SchoolId))
                .col(big_integer(MentoringCycles::MentorshipId))
                .col(big_integer(MentoringCycles::ApprenticeTeacherId))
                .col(string_len(MentoringCycles::Title, 200))
                .col(date(MentoringCycles::StartedOn))
                .col(big_integer_null(MentoringCycles::CreatedBy))
                .col(timestamp_with_time_zone(MentoringCycles::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mentoring_cycles_pair")
                        .from(MentoringCycles::Table, MentoringCycles::MentorshipId)
                        .to(Mentorships::Table, Mentorships::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_mentoring_cycles_pair")
                .table(MentoringCycles::Table)
                .col(MentoringCycles::MentorshipId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_mentoring_cycles_school")
                .table(MentoringCycles::Table)
                .col(MentoringCycles::SchoolId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MentoringCycleStages::Table)
                .col(big_pk_auto(MentoringCycleStages::Id))
                .col(big_integer(MentoringCycleStages::CycleId))
                // The pair again, so that one record fulfils one stage of a
                // pair at most (the unique index below).
                .col(big_integer(MentoringCycleStages::MentorshipId))
                .col(string_len(MentoringCycleStages::Stage, 24))
                .col(big_integer(MentoringCycleStages::EvidenceId))
                .col(big_integer_null(MentoringCycleStages::LinkedBy))
                .col(timestamp_with_time_zone(MentoringCycleStages::LinkedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mentoring_cycle_stages_cycle")
                        .from(MentoringCycleStages::Table, MentoringCycleStages::CycleId)
                        .to(MentoringCycles::Table, MentoringCycles::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mentoring_cycle_stages_evidence")
                        .from(MentoringCycleStages::Table, MentoringCycleStages::EvidenceId)
                        .to(Evidence::Table, Evidence::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_mentoring_cycle_stages_stage")
                .table(MentoringCycleStages::Table)
                .col(MentoringCycleStages::CycleId)
                .col(MentoringCycleStages::Stage)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_mentoring_cycle_stages_record")
                .table(MentoringCycleStages::Table)
                .col(MentoringCycleStages::MentorshipId)
                .col(MentoringCycleStages::EvidenceId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MentoringCycleStages::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(MentoringCycles::Table).to_owned())
            .await
    }
}
