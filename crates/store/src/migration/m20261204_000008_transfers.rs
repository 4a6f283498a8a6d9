//! A transfer keeps history: a teacher's duties at their new school count
//! what they did at their earlier ones, so every audited change of a
//! school also moves on the revisions of the schools its former teachers
//! moved to (`audit::record`). That looks up the school's transfers out by
//! the school they came from.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden, Clone, Copy)]
enum TeacherTransfers {
    Table,
    FromSchoolId,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_transfers_from_school";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table(TeacherTransfers::Table)
                .col(TeacherTransfers::FromSchoolId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(TeacherTransfers::Table).to_owned())
            .await
    }
}
