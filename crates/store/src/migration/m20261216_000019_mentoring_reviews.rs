//! Summaries and evaluations of a pair (issue 16): each teacher's summary
//! of a period (mid term, final), and a leader's evaluation of the pair for
//! the period with a score per dimension and a grade.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Mentorships {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum MentoringSummaries {
    Table,
    Id,
    DistrictId,
    SchoolId,
    MentorshipId,
    Period,
    TeacherId,
    Body,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MentoringEvaluations {
    Table,
    Id,
    DistrictId,
    SchoolId,
    MentorshipId,
    Period,
    Scores,
    Total,
    Grade,
    Comment,
    EvaluatedBy,
    EvaluatorName,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MentoringSummaries::Table)
                .col(big_pk_auto(MentoringSummaries::Id))
                .col(big_integer(MentoringSummaries::DistrictId))
                .col(big_integer(MentoringSummaries::SchoolId))
                .col(big_integer(MentoringSummaries::MentorshipId))
                .col(string_len(MentoringSummaries::Period, 16))
                .col(big_integer(MentoringSummaries::TeacherId))
                .col(text(MentoringSummaries::Body))
                .col(timestamp_with_time_zone(MentoringSummaries::CreatedAt))
                .col(timestamp_with_time_zone(MentoringSummaries::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mentoring_summaries_pair")
                        .from(MentoringSummaries::Table, MentoringSummaries::MentorshipId)
                        .to(Mentorships::Table, Mentorships::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_mentoring_summaries_one")
                .table(MentoringSummaries::Table)
                .col(MentoringSummaries::MentorshipId)
                .col(MentoringSummaries::Period)
                .col(MentoringSummaries::TeacherId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MentoringEvaluations::Table)
                .col(big_pk_auto(MentoringEvaluations::Id))
                .col(big_integer(MentoringEvaluations::DistrictId))
                .col(big_integer(MentoringEvaluations::SchoolId))
                .col(big_integer(MentoringEvaluations::MentorshipId))
                .col(string_len(MentoringEvaluations::Period, 16))
                .col(text(MentoringEvaluations::Scores))
                .col(integer(MentoringEvaluations::Total))
                .col(string_len(MentoringEvaluations::Grade, 16))
                .col(text(MentoringEvaluations::Comment))
                .col(big_integer_null(MentoringEvaluations::EvaluatedBy))
                .col(string_len(MentoringEvaluations::EvaluatorName, 100))
                .col(timestamp_with_time_zone(MentoringEvaluations::CreatedAt))
                .col(timestamp_with_time_zone(MentoringEvaluations::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mentoring_evaluations_pair")
                        .from(MentoringEvaluations::Table, MentoringEvaluations::MentorshipId)
                        .to(Mentorships::Table, Mentorships::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_mentoring_evaluations_one")
                .table(MentoringEvaluations::Table)
                .col(MentoringEvaluations::MentorshipId)
                .col(MentoringEvaluations::Period)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MentoringEvaluations::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(MentoringSummaries::Table).to_owned())
            .await
    }
}
