//! Duties: rule sets per school (or district) and school year, and the
//! index the duties engine reads a school's verified records through.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Districts {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Schools {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum DutyRuleSets {
    Table,
    Id,
    DistrictId,
    SchoolId,
    ScopeKey,
    StartYear,
    RulesJson,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum Evidence {
    Table,
    SchoolId,
    Status,
    OccurredOn,
    OwnerTeacherId,
    Kind,
    Subtype,
    Level,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvidencePeople {
    Table,
    SchoolId,
    Role,
    EvidenceId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict};
        m.create_table(
            Table::create()
                .table(DutyRuleSets::Table)
                .col(big_pk_auto(DutyRuleSets::Id))
                .col(big_integer(DutyRuleSets::DistrictId))
                .col(big_integer_null(DutyRuleSets::SchoolId))
                .col(string_len(DutyRuleSets::ScopeKey, 40))
                .col(integer(DutyRuleSets::StartYear))
                .col(text(DutyRuleSets::RulesJson))
                .col(timestamp_with_time_zone(DutyRuleSets::UpdatedAt))
                .col(big_integer_null(DutyRuleSets::UpdatedBy))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_duty_rules_district")
                        .from(DutyRuleSets::Table, DutyRuleSets::DistrictId)
                        .to(Districts::Table, Districts::Id)
                        .on_delete(Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_duty_rules_school")
                        .from(DutyRuleSets::Table, DutyRuleSets::SchoolId)
                        .to(Schools::Table, Schools::Id)
                        .on_delete(Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_duty_rules_scope_year")
                .table(DutyRuleSets::Table)
                .col(DutyRuleSets::ScopeKey)
                .col(DutyRuleSets::StartYear)
                .unique()
                .to_owned(),
        )
        .await?;

        // The engine reads one school's verified records in a date range:
        // this index answers that without touching the table (the narrower
        // school + status + date index it replaces is its prefix).
        m.create_index(
            Index::create()
                .name("ix_evidence_duties")
                .table(Evidence::Table)
                .col(Evidence::SchoolId)
                .col(Evidence::Status)
                .col(Evidence::OccurredOn)
                .col(Evidence::OwnerTeacherId)
                .col(Evidence::Kind)
                .col(Evidence::Subtype)
                .col(Evidence::Level)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ix_evidence_school_status")
                .table(Evidence::Table)
                .to_owned(),
        )
        .await?;
        // Co-owners of a school's records. Partial: owners are nearly every
        // row, co-owners few, and a full index on the role has statistics
        // that make the planners scan the table instead.
        m.create_index(
            Index::create()
                .name("ix_evidence_people_co_owners")
                .table(EvidencePeople::Table)
                .col(EvidencePeople::SchoolId)
                .col(EvidencePeople::EvidenceId)
                .and_where(Expr::col(EvidencePeople::Role).eq("co_owner"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_evidence_people_co_owners")
                .table(EvidencePeople::Table)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_evidence_school_status")
                .table(Evidence::Table)
                .col(Evidence::SchoolId)
                .col(Evidence::Status)
                .col(Evidence::OccurredOn)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ix_evidence_duties")
                .table(Evidence::Table)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(DutyRuleSets::Table).to_owned())
            .await
    }
}
