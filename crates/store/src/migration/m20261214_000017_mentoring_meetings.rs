//! The mentoring log (issue 16): a pair's meetings — when, how long, what
//! about, notes, and whether the notes are private to the mentor.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Mentorships {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum MentoringMeetings {
    Table,
    Id,
    DistrictId,
    SchoolId,
    MentorshipId,
    MetOn,
    Minutes,
    Topic,
    Notes,
    Private,
    CreatedBy,
    CreatedByTeacher,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MentoringMeetings::Table)
                .col(big_pk_auto(MentoringMeetings::Id))
                .col(big_integer(MentoringMeetings::DistrictId))
                .col(big_integer(MentoringMeetings::SchoolId))
                .col(big_integer(MentoringMeetings::MentorshipId))
                .col(date(MentoringMeetings::MetOn))
                .col(integer(MentoringMeetings::Minutes))
                .col(string_len(MentoringMeetings::Topic, 200))
                .col(text(MentoringMeetings::Notes))
                .col(boolean(MentoringMeetings::Private))
                .col(big_integer_null(MentoringMeetings::CreatedBy))
                // The teacher of the pair who wrote it (none: a leader).
                .col(big_integer_null(MentoringMeetings::CreatedByTeacher))
                .col(timestamp_with_time_zone(MentoringMeetings::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mentoring_meetings_pair")
                        .from(MentoringMeetings::Table, MentoringMeetings::MentorshipId)
                        .to(Mentorships::Table, Mentorships::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_mentoring_meetings_pair")
                .table(MentoringMeetings::Table)
                .col(MentoringMeetings::MentorshipId)
                .col(MentoringMeetings::MetOn)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MentoringMeetings::Table).to_owned())
            .await
    }
}
