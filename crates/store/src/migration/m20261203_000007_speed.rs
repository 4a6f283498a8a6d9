//! Two things the pages every teacher opens need to be fast:
//!
//! - a school's records newest first — the director's "recent records"
//!   card and every list of a school's records — read from an index in
//!   date order instead of sorting the school's hundred thousand records
//!   per view;
//! - the rows a school's duties read by school — group members, mentor
//!   pairs, project members and stages, tier overrides — from indexes
//!   (seen as sequential scans of the province's 100,000 group members in
//!   `scripts/bench-province`'s plans);
//! - a school's revision, a counter every audited change of the school (or
//!   of its district) moves on in the same transaction, so a school's
//!   duty results can be kept and reused until something changes. It has
//!   a table of its own, a tenant table keyed by district and school,
//!   rather than a column of `schools` (which every write would then lock
//!   and which, on Citus, is a reference table: decision 41).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::big_integer;

#[derive(DeriveIden, Clone, Copy)]
enum Evidence {
    Table,
    SchoolId,
    OccurredOn,
    Id,
}

/// Indexes by school: (name, table, columns).
const BY_SCHOOL: [(&str, &str, &[&str]); 5] = [
    ("ix_group_members_school", "org_group_members", &["school_id"]),
    ("ix_mentor_pairs_school", "mentor_pairs", &["school_id"]),
    ("ix_project_members_school", "project_members", &["school_id"]),
    ("ix_project_stages_school", "project_stages", &["school_id"]),
    (
        "ix_tier_overrides_school_year",
        "tier_overrides",
        &["school_id", "start_year"],
    ),
];

#[derive(DeriveIden, Clone, Copy)]
enum SchoolRevisions {
    Table,
    DistrictId,
    SchoolId,
    Revision,
}

#[derive(DeriveIden, Clone, Copy)]
enum Schools {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Districts {
    Table,
    Id,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_evidence_school_date";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table(Evidence::Table)
                .col(Evidence::SchoolId)
                .col(Evidence::OccurredOn)
                .col(Evidence::Id)
                .to_owned(),
        )
        .await?;
        for (name, table, cols) in BY_SCHOOL {
            let mut idx = Index::create();
            idx.name(name).table(Alias::new(table));
            for c in cols {
                idx.col(Alias::new(*c));
            }
            m.create_index(idx.to_owned()).await?;
        }
        use ForeignKeyAction::Cascade;
        m.create_table(
            Table::create()
                .table(SchoolRevisions::Table)
                .col(big_integer(SchoolRevisions::DistrictId))
                .col(big_integer(SchoolRevisions::SchoolId))
                .col(big_integer(SchoolRevisions::Revision))
                .primary_key(
                    Index::create()
                        .col(SchoolRevisions::DistrictId)
                        .col(SchoolRevisions::SchoolId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_school_revisions_district")
                        .from(SchoolRevisions::Table, SchoolRevisions::DistrictId)
                        .to(Districts::Table, Districts::Id)
                        .on_delete(Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_school_revisions_school")
                        .from(SchoolRevisions::Table, SchoolRevisions::SchoolId)
                        .to(Schools::Table, Schools::Id)
                        .on_delete(Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SchoolRevisions::Table).to_owned())
            .await?;
        for (name, table, _) in BY_SCHOOL {
            m.drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        m.drop_index(Index::drop().name(NAME).table(Evidence::Table).to_owned())
            .await
    }
}
