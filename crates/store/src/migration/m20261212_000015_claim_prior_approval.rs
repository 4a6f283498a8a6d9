//! Where a district asks for outside training to be approved beforehand,
//! a claim states the approval (its reference or who gave it).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CreditClaims {
    Table,
    PriorApproval,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(CreditClaims::Table)
                .add_column(string_len_null(CreditClaims::PriorApproval, 200))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(CreditClaims::Table)
                .drop_column(CreditClaims::PriorApproval)
                .to_owned(),
        )
        .await
    }
}
