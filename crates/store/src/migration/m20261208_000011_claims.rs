//! Claims for outside training (学分登记 → 学分认定): what a teacher
//! states, the certificate (a file, as attachments keep them), where the
//! claim stands in the district's approval chain, who decided each step,
//! the reason of a rejection, and the ledger entry it became.

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
enum Files {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum CreditClaims {
    Table,
    Id,
    DistrictId,
    SchoolId,
    TeacherId,
    EvidenceId,
    Title,
    Organiser,
    StartDate,
    EndDate,
    Year,
    What,
    Form,
    Area,
    Level,
    Hours,
    Credits,
    Note,
    FileId,
    Filename,
    Chain,
    Status,
    SchoolBy,
    SchoolAt,
    DistrictBy,
    DistrictAt,
    Reason,
    EntryId,
    DedupKey,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict};
        m.create_table(
            Table::create()
                .table(CreditClaims::Table)
                .col(big_pk_auto(CreditClaims::Id))
                .col(big_integer(CreditClaims::DistrictId))
                .col(big_integer(CreditClaims::SchoolId))
                .col(big_integer(CreditClaims::TeacherId))
                .col(big_integer_null(CreditClaims::EvidenceId))
                .col(string_len(CreditClaims::Title, 200))
                .col(string_len(CreditClaims::Organiser, 200))
                .col(date(CreditClaims::StartDate))
                .col(date(CreditClaims::EndDate))
                .col(integer(CreditClaims::Year))
                .col(string_len(CreditClaims::What, 40))
                .col(string_len(CreditClaims::Form, 20))
                .col(string_len_null(CreditClaims::Area, 20))
                .col(string_len_null(CreditClaims::Level, 20))
                // Hundredths, as `Amount` keeps them.
                .col(big_integer(CreditClaims::Hours))
                .col(big_integer_null(CreditClaims::Credits))
                .col(text_null(CreditClaims::Note))
                .col(big_integer_null(CreditClaims::FileId))
                .col(string_len_null(CreditClaims::Filename, 200))
                // The approval chain in force when it was submitted.
                .col(string_len(CreditClaims::Chain, 30))
                .col(string_len(CreditClaims::Status, 20))
                .col(big_integer_null(CreditClaims::SchoolBy))
                .col(timestamp_with_time_zone_null(CreditClaims::SchoolAt))
                .col(big_integer_null(CreditClaims::DistrictBy))
                .col(timestamp_with_time_zone_null(CreditClaims::DistrictAt))
                .col(text_null(CreditClaims::Reason))
                .col(big_integer_null(CreditClaims::EntryId))
                .col(string_len(CreditClaims::DedupKey, 420))
                .col(timestamp_with_time_zone(CreditClaims::CreatedAt))
                .col(big_integer_null(CreditClaims::CreatedBy))
                .col(timestamp_with_time_zone(CreditClaims::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_credit_claims_district")
                        .from(CreditClaims::Table, CreditClaims::DistrictId)
                        .to(Districts::Table, Districts::Id)
                        .on_delete(Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_credit_claims_teacher")
                        .from(CreditClaims::Table, CreditClaims::TeacherId)
                        .to(Teachers::Table, Teachers::Id)
                        .on_delete(Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_credit_claims_file")
                        .from(CreditClaims::Table, CreditClaims::FileId)
                        .to(Files::Table, Files::Id)
                        .on_delete(Restrict),
                )
                .to_owned(),
        )
        .await?;
        // The queues: a district's (or school's) claims by where they stand.
        m.create_index(
            Index::create()
                .name("ix_credit_claims_district_status")
                .table(CreditClaims::Table)
                .col(CreditClaims::DistrictId)
                .col(CreditClaims::Status)
                .to_owned(),
        )
        .await?;
        // A teacher's claims, and the same training claimed twice.
        m.create_index(
            Index::create()
                .name("ix_credit_claims_teacher_key")
                .table(CreditClaims::Table)
                .col(CreditClaims::TeacherId)
                .col(CreditClaims::DedupKey)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CreditClaims::Table).to_owned())
            .await
    }
}
