//! Transcripts issued as documents: what each printed transcript said
//! (teacher, school, cycle, day, totals, parts) under a code its QR code
//! and short address carry, so a public page can show what was issued and
//! an edited print is found out.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Teachers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum TranscriptIssues {
    Table,
    Id,
    Code,
    DistrictId,
    SchoolId,
    TeacherId,
    Summary,
    IssuedAt,
    IssuedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TranscriptIssues::Table)
                .col(big_pk_auto(TranscriptIssues::Id))
                .col(string_len(TranscriptIssues::Code, 20).unique_key())
                .col(big_integer(TranscriptIssues::DistrictId))
                .col(big_integer(TranscriptIssues::SchoolId))
                .col(big_integer(TranscriptIssues::TeacherId))
                // What the document said, as JSON (names, cycle, totals, parts).
                .col(text(TranscriptIssues::Summary))
                .col(timestamp_with_time_zone(TranscriptIssues::IssuedAt))
                .col(big_integer_null(TranscriptIssues::IssuedBy))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_transcript_issues_teacher")
                        .from(TranscriptIssues::Table, TranscriptIssues::TeacherId)
                        .to(Teachers::Table, Teachers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TranscriptIssues::Table).to_owned())
            .await
    }
}
