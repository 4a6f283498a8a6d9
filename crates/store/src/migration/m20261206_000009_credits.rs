//! The credit ledger: every entry that counts (or may count) toward a
//! teacher's continuing-education credits, with where it came from. One
//! training is one entry per teacher however it arrives (a claim, an
//! import, later an activity): `dedup_key` is unique per teacher.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Districts {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Teachers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum CreditEntries {
    Table,
    Id,
    DistrictId,
    SchoolId,
    TeacherId,
    Source,
    SourceRef,
    StartDate,
    EndDate,
    Year,
    Title,
    Organiser,
    What,
    Form,
    Area,
    Level,
    Hours,
    Credits,
    Pool,
    MarkedTraining,
    Note,
    DedupKey,
    CreatedAt,
    CreatedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict};
        m.create_table(
            Table::create()
                .table(CreditEntries::Table)
                .col(big_pk_auto(CreditEntries::Id))
                .col(big_integer(CreditEntries::DistrictId))
                .col(big_integer(CreditEntries::SchoolId))
                .col(big_integer(CreditEntries::TeacherId))
                .col(string_len(CreditEntries::Source, 20))
                .col(string_len_null(CreditEntries::SourceRef, 200))
                .col(date(CreditEntries::StartDate))
                .col(date(CreditEntries::EndDate))
                .col(integer(CreditEntries::Year))
                .col(string_len(CreditEntries::Title, 200))
                .col(string_len(CreditEntries::Organiser, 200))
                .col(string_len(CreditEntries::What, 40))
                .col(string_len(CreditEntries::Form, 20))
                .col(string_len_null(CreditEntries::Area, 20))
                .col(string_len_null(CreditEntries::Level, 20))
                // Hundredths, as `Amount` keeps them.
                .col(big_integer(CreditEntries::Hours))
                .col(big_integer_null(CreditEntries::Credits))
                .col(string_len_null(CreditEntries::Pool, 40))
                .col(boolean(CreditEntries::MarkedTraining).default(false))
                .col(text_null(CreditEntries::Note))
                .col(string_len(CreditEntries::DedupKey, 420))
                .col(timestamp_with_time_zone(CreditEntries::CreatedAt))
                .col(big_integer_null(CreditEntries::CreatedBy))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_credit_entries_district")
                        .from(CreditEntries::Table, CreditEntries::DistrictId)
                        .to(Districts::Table, Districts::Id)
                        .on_delete(Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_credit_entries_teacher")
                        .from(CreditEntries::Table, CreditEntries::TeacherId)
                        .to(Teachers::Table, Teachers::Id)
                        .on_delete(Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One training, one entry per teacher; a teacher's ledger is one seek.
        m.create_index(
            Index::create()
                .name("ux_credit_entries_teacher_key")
                .table(CreditEntries::Table)
                .col(CreditEntries::TeacherId)
                .col(CreditEntries::DedupKey)
                .unique()
                .to_owned(),
        )
        .await?;
        // A district's records of a year (the export, the completion report).
        m.create_index(
            Index::create()
                .name("ix_credit_entries_district_year")
                .table(CreditEntries::Table)
                .col(CreditEntries::DistrictId)
                .col(CreditEntries::Year)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CreditEntries::Table).to_owned())
            .await
    }
}
