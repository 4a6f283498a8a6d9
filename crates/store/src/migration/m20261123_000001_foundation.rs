//! Tenancy (districts, schools), accounts, role grants, access tokens,
//! sessions, the audit log, login throttling and installation secrets.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
    Code,
    Name,
    NameEn,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
    DistrictId,
    Code,
    Name,
    NameEn,
    SchoolType,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    DistrictId,
    SchoolId,
    Username,
    DisplayName,
    PasswordHash,
    Locale,
    Active,
    CreatedAt,
    UpdatedAt,
    LastLoginAt,
    PasswordChangedAt,
}

#[derive(DeriveIden)]
enum RoleGrants {
    Table,
    Id,
    UserId,
    Role,
    DistrictId,
    SchoolId,
    ScopeKey,
    GrantedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    DistrictId,
    SchoolId,
    Name,
    TokenPrefix,
    TokenHash,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    Data,
    ExpiryDate,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorUserId,
    ActorUsername,
    DistrictId,
    SchoolId,
    Action,
    EntityType,
    EntityId,
    BeforeJson,
    AfterJson,
    Ip,
}

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    Key,
    Failures,
    LastFailureAt,
    LockedUntil,
}

#[derive(DeriveIden)]
enum AppSecrets {
    Table,
    Name,
    Value,
    CreatedAt,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Districts::Table)
                .col(big_pk_auto(Districts::Id))
                .col(string_len_uniq(Districts::Code, 32))
                .col(string_len(Districts::Name, 100))
                .col(string_len_null(Districts::NameEn, 100))
                .col(timestamp_with_time_zone(Districts::CreatedAt))
                .col(timestamp_with_time_zone(Districts::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Schools::Table)
                .col(big_pk_auto(Schools::Id))
                .col(big_integer(Schools::DistrictId))
                .col(string_len_uniq(Schools::Code, 32))
                .col(string_len(Schools::Name, 100))
                .col(string_len_null(Schools::NameEn, 100))
                .col(string_len(Schools::SchoolType, 32))
                .col(boolean(Schools::Active).default(true))
                .col(timestamp_with_time_zone(Schools::CreatedAt))
                .col(timestamp_with_time_zone(Schools::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_schools_district",
                    (Schools::Table, Schools::DistrictId),
                    (Districts::Table, Districts::Id),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_schools_district")
                .table(Schools::Table)
                .col(Schools::DistrictId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(big_pk_auto(Users::Id))
                .col(big_integer_null(Users::DistrictId))
                .col(big_integer_null(Users::SchoolId))
                .col(string_len_uniq(Users::Username, 32))
                .col(string_len(Users::DisplayName, 64))
                .col(string_len(Users::PasswordHash, 255))
                .col(string_len_null(Users::Locale, 8))
                .col(boolean(Users::Active).default(true))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                .col(timestamp_with_time_zone(Users::PasswordChangedAt))
                .foreign_key(&mut fk(
                    "fk_users_district",
                    (Users::Table, Users::DistrictId),
                    (Districts::Table, Districts::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_users_school",
                    (Users::Table, Users::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Restrict,
                ))
                .check(
                    // A school account always names its district too.
                    Expr::col(Users::SchoolId)
                        .is_null()
                        .or(Expr::col(Users::DistrictId).is_not_null()),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_users_district", Users::DistrictId),
            ("ix_users_school", Users::SchoolId),
        ] {
            m.create_index(Index::create().name(name).table(Users::Table).col(col).to_owned())
                .await?;
        }

        m.create_table(
            Table::create()
                .table(RoleGrants::Table)
                .col(big_pk_auto(RoleGrants::Id))
                .col(big_integer(RoleGrants::UserId))
                .col(string_len(RoleGrants::Role, 32))
                .col(big_integer_null(RoleGrants::DistrictId))
                .col(big_integer_null(RoleGrants::SchoolId))
                .col(string_len(RoleGrants::ScopeKey, 40))
                .col(big_integer_null(RoleGrants::GrantedBy))
                .col(timestamp_with_time_zone(RoleGrants::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_role_grants_user",
                    (RoleGrants::Table, RoleGrants::UserId),
                    (Users::Table, Users::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_role_grants_district",
                    (RoleGrants::Table, RoleGrants::DistrictId),
                    (Districts::Table, Districts::Id),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_role_grants_school",
                    (RoleGrants::Table, RoleGrants::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_role_grants_user_role_scope")
                .table(RoleGrants::Table)
                .col(RoleGrants::UserId)
                .col(RoleGrants::Role)
                .col(RoleGrants::ScopeKey)
                .unique()
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_role_grants_school", RoleGrants::SchoolId),
            ("ix_role_grants_district", RoleGrants::DistrictId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(RoleGrants::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(big_pk_auto(ApiTokens::Id))
                .col(big_integer(ApiTokens::UserId))
                .col(big_integer_null(ApiTokens::DistrictId))
                .col(big_integer_null(ApiTokens::SchoolId))
                .col(string_len(ApiTokens::Name, 64))
                .col(string_len(ApiTokens::TokenPrefix, 16))
                .col(string_len_uniq(ApiTokens::TokenHash, 64))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                .foreign_key(&mut fk(
                    "fk_api_tokens_user",
                    (ApiTokens::Table, ApiTokens::UserId),
                    (Users::Table, Users::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_api_tokens_user")
                .table(ApiTokens::Table)
                .col(ApiTokens::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string_len(Sessions::Id, 64).primary_key())
                .col(text(Sessions::Data))
                .col(timestamp_with_time_zone(Sessions::ExpiryDate))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_sessions_expiry")
                .table(Sessions::Table)
                .col(Sessions::ExpiryDate)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(big_integer_null(AuditLog::ActorUserId))
                .col(string_len_null(AuditLog::ActorUsername, 64))
                .col(big_integer_null(AuditLog::DistrictId))
                .col(big_integer_null(AuditLog::SchoolId))
                .col(string_len(AuditLog::Action, 64))
                .col(string_len(AuditLog::EntityType, 64))
                .col(string_len_null(AuditLog::EntityId, 64))
                .col(text_null(AuditLog::BeforeJson))
                .col(text_null(AuditLog::AfterJson))
                .col(string_len_null(AuditLog::Ip, 64))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_audit_at", vec![AuditLog::At]),
            ("ix_audit_district_at", vec![AuditLog::DistrictId, AuditLog::At]),
            ("ix_audit_school_at", vec![AuditLog::SchoolId, AuditLog::At]),
            ("ix_audit_actor_at", vec![AuditLog::ActorUserId, AuditLog::At]),
        ] {
            let mut idx = Index::create();
            idx.name(name).table(AuditLog::Table);
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx.to_owned()).await?;
        }

        m.create_table(
            Table::create()
                .table(LoginThrottle::Table)
                .col(string_len(LoginThrottle::Key, 64).primary_key())
                .col(integer(LoginThrottle::Failures))
                .col(timestamp_with_time_zone(LoginThrottle::LastFailureAt))
                .col(timestamp_with_time_zone_null(LoginThrottle::LockedUntil))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AppSecrets::Table)
                .col(string_len(AppSecrets::Name, 64).primary_key())
                .col(text(AppSecrets::Value))
                .col(timestamp_with_time_zone(AppSecrets::CreatedAt))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AppSecrets::Table.into_iden(),
            LoginThrottle::Table.into_iden(),
            AuditLog::Table.into_iden(),
            Sessions::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            RoleGrants::Table.into_iden(),
            Users::Table.into_iden(),
            Schools::Table.into_iden(),
            Districts::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
