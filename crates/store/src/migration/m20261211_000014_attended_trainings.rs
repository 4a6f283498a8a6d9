//! The duties engine reads a school's attended trainings (ledger entries
//! from activities) for a period: one index seek.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CreditEntries {
    Table,
    SchoolId,
    Source,
    StartDate,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ix_credit_entries_school_source_start")
                .table(CreditEntries::Table)
                .col(CreditEntries::SchoolId)
                .col(CreditEntries::Source)
                .col(CreditEntries::StartDate)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_credit_entries_school_source_start")
                .table(CreditEntries::Table)
                .to_owned(),
        )
        .await
    }
}
