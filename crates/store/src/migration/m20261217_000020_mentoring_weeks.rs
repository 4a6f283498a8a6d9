//! Mentoring weeks (师徒活动周, issue 16): a school's dated week that
//! collects its running pairs' activity. What a week collects is read from
//! the pairs' log and cycles; only the week itself is stored.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum MentoringWeeks {
    Table,
    Id,
    DistrictId,
    SchoolId,
    Title,
    Theme,
    StartsOn,
    EndsOn,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MentoringWeeks::Table)
                .col(big_pk_auto(MentoringWeeks::Id))
                .col(big_integer(MentoringWeeks::DistrictId))
                .col(big_integer(MentoringWeeks::SchoolId))
                .col(string_len(MentoringWeeks::Title, 200))
                .col(text(MentoringWeeks::Theme))
                .col(date(MentoringWeeks::StartsOn))
                .col(date(MentoringWeeks::EndsOn))
                .col(big_integer_null(MentoringWeeks::CreatedBy))
                .col(timestamp_with_time_zone(MentoringWeeks::CreatedAt))
                .col(timestamp_with_time_zone(MentoringWeeks::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_mentoring_weeks_school")
                .table(MentoringWeeks::Table)
                .col(MentoringWeeks::SchoolId)
                .col(MentoringWeeks::StartsOn)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MentoringWeeks::Table).to_owned())
            .await
    }
}
