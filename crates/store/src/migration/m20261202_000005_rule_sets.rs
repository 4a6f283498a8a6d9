//! Rule sets as one mechanism: every version of every kind of rule set
//! (tier rules, duty rules, and the kinds later areas add) in one table,
//! with who saved it, when, and from which day it applies. The two tables
//! that held only the latest tier and duty rules are moved into it as each
//! key's first version.

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
enum RuleSetVersions {
    Table,
    Id,
    Kind,
    DistrictId,
    SchoolId,
    ScopeKey,
    StartYear,
    Version,
    RulesJson,
    EffectiveFrom,
    SavedAt,
    SavedBy,
}

/// The old tables (`tier_rule_sets`, `duty_rule_sets`) share these columns.
#[derive(DeriveIden, Clone, Copy)]
enum Old {
    DistrictId,
    SchoolId,
    ScopeKey,
    StartYear,
    RulesJson,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum TierRuleSets {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum DutyRuleSets {
    Table,
}

const KINDS: [(&str, &str); 2] = [("tiers", "tier_rule_sets"), ("duties", "duty_rule_sets")];

fn old_table(kind: &str) -> TableRef {
    if kind == "tiers" {
        TierRuleSets::Table.into_table_ref()
    } else {
        DutyRuleSets::Table.into_table_ref()
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict};
        m.create_table(
            Table::create()
                .table(RuleSetVersions::Table)
                .col(big_pk_auto(RuleSetVersions::Id))
                .col(string_len(RuleSetVersions::Kind, 20))
                .col(big_integer(RuleSetVersions::DistrictId))
                .col(big_integer_null(RuleSetVersions::SchoolId))
                .col(string_len(RuleSetVersions::ScopeKey, 40))
                .col(integer(RuleSetVersions::StartYear))
                .col(integer(RuleSetVersions::Version))
                .col(text(RuleSetVersions::RulesJson))
                .col(date_null(RuleSetVersions::EffectiveFrom))
                .col(timestamp_with_time_zone(RuleSetVersions::SavedAt))
                .col(big_integer_null(RuleSetVersions::SavedBy))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_rule_sets_district")
                        .from(RuleSetVersions::Table, RuleSetVersions::DistrictId)
                        .to(Districts::Table, Districts::Id)
                        .on_delete(Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_rule_sets_school")
                        .from(RuleSetVersions::Table, RuleSetVersions::SchoolId)
                        .to(Schools::Table, Schools::Id)
                        .on_delete(Cascade),
                )
                .to_owned(),
        )
        .await?;
        // "The latest version of the latest year up to Y" is one seek.
        m.create_index(
            Index::create()
                .name("ux_rule_sets_version")
                .table(RuleSetVersions::Table)
                .col(RuleSetVersions::Kind)
                .col(RuleSetVersions::ScopeKey)
                .col(RuleSetVersions::StartYear)
                .col(RuleSetVersions::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        for (kind, _) in KINDS {
            let select = Query::select()
                .expr(Expr::val(kind))
                .columns([Old::DistrictId, Old::SchoolId, Old::ScopeKey, Old::StartYear])
                .expr(Expr::val(1))
                .columns([Old::RulesJson, Old::UpdatedAt, Old::UpdatedBy])
                .from(old_table(kind))
                .to_owned();
            let insert = Query::insert()
                .into_table(RuleSetVersions::Table)
                .columns([
                    RuleSetVersions::Kind,
                    RuleSetVersions::DistrictId,
                    RuleSetVersions::SchoolId,
                    RuleSetVersions::ScopeKey,
                    RuleSetVersions::StartYear,
                    RuleSetVersions::Version,
                    RuleSetVersions::RulesJson,
                    RuleSetVersions::SavedAt,
                    RuleSetVersions::SavedBy,
                ])
                .select_from(select)
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned();
            m.exec_stmt(insert).await?;
            m.drop_table(Table::drop().table(old_table(kind)).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Back to one row per key and year: the newest version of each.
        for (kind, name) in KINDS {
            m.create_table(
                Table::create()
                    .table(old_table(kind))
                    .col(big_pk_auto(Alias::new("id")))
                    .col(big_integer(Old::DistrictId))
                    .col(big_integer_null(Old::SchoolId))
                    .col(string_len(Old::ScopeKey, 40))
                    .col(integer(Old::StartYear))
                    .col(text(Old::RulesJson))
                    .col(timestamp_with_time_zone(Old::UpdatedAt))
                    .col(big_integer_null(Old::UpdatedBy))
                    .to_owned(),
            )
            .await?;
            m.create_index(
                Index::create()
                    .name(format!("ux_{name}_scope_year"))
                    .table(old_table(kind))
                    .col(Old::ScopeKey)
                    .col(Old::StartYear)
                    .unique()
                    .to_owned(),
            )
            .await?;
            let newer = Alias::new("newer");
            let select = Query::select()
                .columns([
                    RuleSetVersions::DistrictId,
                    RuleSetVersions::SchoolId,
                    RuleSetVersions::ScopeKey,
                    RuleSetVersions::StartYear,
                    RuleSetVersions::RulesJson,
                    RuleSetVersions::SavedAt,
                    RuleSetVersions::SavedBy,
                ])
                .from(RuleSetVersions::Table)
                .and_where(Expr::col((RuleSetVersions::Table, RuleSetVersions::Kind)).eq(kind))
                .and_where(
                    Expr::exists(
                        Query::select()
                            .expr(Expr::val(1))
                            .from_as(RuleSetVersions::Table, newer.clone())
                            .and_where(
                                Expr::col((newer.clone(), RuleSetVersions::Kind))
                                    .equals((RuleSetVersions::Table, RuleSetVersions::Kind)),
                            )
                            .and_where(
                                Expr::col((newer.clone(), RuleSetVersions::ScopeKey))
                                    .equals((RuleSetVersions::Table, RuleSetVersions::ScopeKey)),
                            )
                            .and_where(
                                Expr::col((newer.clone(), RuleSetVersions::StartYear))
                                    .equals((RuleSetVersions::Table, RuleSetVersions::StartYear)),
                            )
                            .and_where(
                                Expr::col((newer.clone(), RuleSetVersions::Version))
                                    .gt(Expr::col((RuleSetVersions::Table, RuleSetVersions::Version))),
                            )
                            .to_owned(),
                    )
                    .not(),
                )
                .to_owned();
            let insert = Query::insert()
                .into_table(old_table(kind))
                .columns([
                    Old::DistrictId,
                    Old::SchoolId,
                    Old::ScopeKey,
                    Old::StartYear,
                    Old::RulesJson,
                    Old::UpdatedAt,
                    Old::UpdatedBy,
                ])
                .select_from(select)
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned();
            m.exec_stmt(insert).await?;
        }
        m.drop_table(Table::drop().table(RuleSetVersions::Table).to_owned())
            .await
    }
}
