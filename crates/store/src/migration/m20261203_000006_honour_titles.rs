//! Honours as rosters write them: the subject inside a title (语文 in
//! 宜都市语文学科带头人), the title as it was written, and whether the year
//! it was granted is known (a roster often gives none; such an honour counts
//! as held, and its year shows as unknown rather than as the import's year).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Honours {
    Table,
    Subject,
    SourceText,
    YearKnown,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds them one at a time.
        for col in [
            string_len_null(Honours::Subject, 40),
            string_len_null(Honours::SourceText, 100),
            boolean(Honours::YearKnown).default(true).to_owned(),
        ] {
            m.alter_table(Table::alter().table(Honours::Table).add_column(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Honours::YearKnown, Honours::SourceText, Honours::Subject] {
            m.alter_table(Table::alter().table(Honours::Table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
