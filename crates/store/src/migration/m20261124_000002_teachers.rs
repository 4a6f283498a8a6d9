//! Teachers and organisation: the academic calendar, the teacher registry
//! with transfers, honours, tier rules and overrides, groups and leading
//! groups, and pending uploads (a file between preview and confirm).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AcademicYears {
    Table,
    Id,
    DistrictId,
    SchoolId,
    ScopeKey,
    StartYear,
    FirstStart,
    FirstEnd,
    SecondStart,
    SecondEnd,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Teachers {
    Table,
    Id,
    DistrictId,
    SchoolId,
    StaffNo,
    Name,
    Gender,
    BirthDate,
    WorkStart,
    Section,
    Subjects,
    Employment,
    Post,
    FrontLine,
    Education,
    Major,
    MajorMatches,
    Title,
    Posts,
    Certificates,
    UserId,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TeacherTransfers {
    Table,
    Id,
    TeacherId,
    DistrictId,
    SchoolId,
    FromSchoolId,
    ToSchoolId,
    OnDate,
    Reason,
    ByUserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Honours {
    Table,
    Id,
    TeacherId,
    DistrictId,
    SchoolId,
    Kind,
    Level,
    GrantedYear,
    GrantingBody,
    ValidUntilYear,
    Status,
    StatusReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TierRuleSets {
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

#[derive(DeriveIden)]
enum TierOverrides {
    Table,
    Id,
    TeacherId,
    DistrictId,
    SchoolId,
    StartYear,
    TierCode,
    Reason,
    ByUserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OrgGroups {
    Table,
    Id,
    DistrictId,
    SchoolId,
    Kind,
    Name,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrgGroupMembers {
    Table,
    Id,
    GroupId,
    TeacherId,
    DistrictId,
    SchoolId,
    Position,
}

#[derive(DeriveIden)]
enum LeadingGroups {
    Table,
    Id,
    DistrictId,
    SchoolId,
    Name,
    Programme,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LeadingGroupMembers {
    Table,
    Id,
    LeadingGroupId,
    TeacherId,
    DistrictId,
    SchoolId,
    Position,
    Responsibilities,
    SortOrder,
}

#[derive(DeriveIden)]
enum PendingUploads {
    Table,
    Id,
    Token,
    DistrictId,
    SchoolId,
    UserId,
    Kind,
    Filename,
    Content,
    CreatedAt,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    del: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(del)
        .to_owned()
}

async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(c);
    }
    if unique {
        i.unique();
    }
    m.create_index(i.to_owned()).await
}

macro_rules! cols {
    ($($c:expr),+) => { vec![$($c.into_iden()),+] };
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};

        m.create_table(
            Table::create()
                .table(AcademicYears::Table)
                .col(big_pk_auto(AcademicYears::Id))
                .col(big_integer(AcademicYears::DistrictId))
                .col(big_integer_null(AcademicYears::SchoolId))
                .col(string_len(AcademicYears::ScopeKey, 40))
                .col(integer(AcademicYears::StartYear))
                .col(date(AcademicYears::FirstStart))
                .col(date(AcademicYears::FirstEnd))
                .col(date(AcademicYears::SecondStart))
                .col(date(AcademicYears::SecondEnd))
                .col(timestamp_with_time_zone(AcademicYears::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_academic_years_district",
                    (AcademicYears::Table, AcademicYears::DistrictId),
                    (Districts::Table, Districts::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_academic_years_school",
                    (AcademicYears::Table, AcademicYears::SchoolId),
                    (Schools::Table, Schools::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_academic_years_scope_year",
            AcademicYears::Table,
            cols!(AcademicYears::ScopeKey, AcademicYears::StartYear),
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Teachers::Table)
                .col(big_pk_auto(Teachers::Id))
                .col(big_integer(Teachers::DistrictId))
                .col(big_integer(Teachers::SchoolId))
                .col(string_len_null(Teachers::StaffNo, 32))
                .col(string_len(Teachers::Name, 64))
                .col(string_len_null(Teachers::Gender, 16))
                .col(date_null(Teachers::BirthDate))
                .col(date_null(Teachers::WorkStart))
                .col(string_len_null(Teachers::Section, 16))
                .col(text(Teachers::Subjects))
                .col(string_len_null(Teachers::Employment, 24))
                .col(string_len_null(Teachers::Post, 24))
                .col(boolean_null(Teachers::FrontLine))
                .col(string_len_null(Teachers::Education, 16))
                .col(string_len_null(Teachers::Major, 64))
                .col(boolean_null(Teachers::MajorMatches))
                .col(string_len_null(Teachers::Title, 64))
                .col(text(Teachers::Posts))
                .col(text(Teachers::Certificates))
                .col(big_integer_null(Teachers::UserId))
                .col(boolean(Teachers::Active).default(true))
                .col(timestamp_with_time_zone(Teachers::CreatedAt))
                .col(timestamp_with_time_zone(Teachers::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_teachers_district",
                    (Teachers::Table, Teachers::DistrictId),
                    (Districts::Table, Districts::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_teachers_school",
                    (Teachers::Table, Teachers::SchoolId),
                    (Schools::Table, Schools::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_teachers_user",
                    (Teachers::Table, Teachers::UserId),
                    (Users::Table, Users::Id),
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_teachers_school_staff_no",
            Teachers::Table,
            cols!(Teachers::SchoolId, Teachers::StaffNo),
            true,
        )
        .await?;
        index(
            m,
            "ix_teachers_school_name",
            Teachers::Table,
            cols!(Teachers::SchoolId, Teachers::Name),
            false,
        )
        .await?;
        index(
            m,
            "ix_teachers_school_birth",
            Teachers::Table,
            cols!(Teachers::SchoolId, Teachers::BirthDate),
            false,
        )
        .await?;
        index(
            m,
            "ix_teachers_district",
            Teachers::Table,
            cols!(Teachers::DistrictId),
            false,
        )
        .await?;
        index(
            m,
            "ux_teachers_user",
            Teachers::Table,
            cols!(Teachers::UserId),
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TeacherTransfers::Table)
                .col(big_pk_auto(TeacherTransfers::Id))
                .col(big_integer(TeacherTransfers::TeacherId))
                .col(big_integer(TeacherTransfers::DistrictId))
                .col(big_integer(TeacherTransfers::SchoolId))
                .col(big_integer(TeacherTransfers::FromSchoolId))
                .col(big_integer(TeacherTransfers::ToSchoolId))
                .col(date(TeacherTransfers::OnDate))
                .col(string_len(TeacherTransfers::Reason, 500))
                .col(big_integer_null(TeacherTransfers::ByUserId))
                .col(timestamp_with_time_zone(TeacherTransfers::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_transfers_teacher",
                    (TeacherTransfers::Table, TeacherTransfers::TeacherId),
                    (Teachers::Table, Teachers::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_transfers_from",
                    (TeacherTransfers::Table, TeacherTransfers::FromSchoolId),
                    (Schools::Table, Schools::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_transfers_to",
                    (TeacherTransfers::Table, TeacherTransfers::ToSchoolId),
                    (Schools::Table, Schools::Id),
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_transfers_teacher",
            TeacherTransfers::Table,
            cols!(TeacherTransfers::TeacherId),
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Honours::Table)
                .col(big_pk_auto(Honours::Id))
                .col(big_integer(Honours::TeacherId))
                .col(big_integer(Honours::DistrictId))
                .col(big_integer(Honours::SchoolId))
                .col(string_len(Honours::Kind, 32))
                .col(string_len(Honours::Level, 16))
                .col(integer(Honours::GrantedYear))
                .col(string_len_null(Honours::GrantingBody, 100))
                .col(integer_null(Honours::ValidUntilYear))
                .col(string_len(Honours::Status, 16))
                .col(string_len_null(Honours::StatusReason, 500))
                .col(timestamp_with_time_zone(Honours::CreatedAt))
                .col(timestamp_with_time_zone(Honours::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_honours_teacher",
                    (Honours::Table, Honours::TeacherId),
                    (Teachers::Table, Teachers::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_honours_teacher",
            Honours::Table,
            cols!(Honours::TeacherId),
            false,
        )
        .await?;
        index(
            m,
            "ix_honours_school_kind",
            Honours::Table,
            cols!(Honours::SchoolId, Honours::Kind, Honours::Level),
            false,
        )
        .await?;
        index(
            m,
            "ix_honours_district",
            Honours::Table,
            cols!(Honours::DistrictId),
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TierRuleSets::Table)
                .col(big_pk_auto(TierRuleSets::Id))
                .col(big_integer(TierRuleSets::DistrictId))
                .col(big_integer_null(TierRuleSets::SchoolId))
                .col(string_len(TierRuleSets::ScopeKey, 40))
                .col(integer(TierRuleSets::StartYear))
                .col(text(TierRuleSets::RulesJson))
                .col(timestamp_with_time_zone(TierRuleSets::UpdatedAt))
                .col(big_integer_null(TierRuleSets::UpdatedBy))
                .foreign_key(&mut fk(
                    "fk_tier_rules_district",
                    (TierRuleSets::Table, TierRuleSets::DistrictId),
                    (Districts::Table, Districts::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_tier_rules_school",
                    (TierRuleSets::Table, TierRuleSets::SchoolId),
                    (Schools::Table, Schools::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_tier_rules_scope_year",
            TierRuleSets::Table,
            cols!(TierRuleSets::ScopeKey, TierRuleSets::StartYear),
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TierOverrides::Table)
                .col(big_pk_auto(TierOverrides::Id))
                .col(big_integer(TierOverrides::TeacherId))
                .col(big_integer(TierOverrides::DistrictId))
                .col(big_integer(TierOverrides::SchoolId))
                .col(integer(TierOverrides::StartYear))
                .col(string_len(TierOverrides::TierCode, 32))
                .col(string_len(TierOverrides::Reason, 500))
                .col(big_integer_null(TierOverrides::ByUserId))
                .col(timestamp_with_time_zone(TierOverrides::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_tier_overrides_teacher",
                    (TierOverrides::Table, TierOverrides::TeacherId),
                    (Teachers::Table, Teachers::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_tier_overrides_teacher_year",
            TierOverrides::Table,
            cols!(TierOverrides::TeacherId, TierOverrides::StartYear),
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OrgGroups::Table)
                .col(big_pk_auto(OrgGroups::Id))
                .col(big_integer(OrgGroups::DistrictId))
                .col(big_integer(OrgGroups::SchoolId))
                .col(string_len(OrgGroups::Kind, 24))
                .col(string_len(OrgGroups::Name, 100))
                .col(timestamp_with_time_zone(OrgGroups::CreatedAt))
                .col(timestamp_with_time_zone(OrgGroups::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_groups_school",
                    (OrgGroups::Table, OrgGroups::SchoolId),
                    (Schools::Table, Schools::Id),
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_groups_school_kind_name",
            OrgGroups::Table,
            cols!(OrgGroups::SchoolId, OrgGroups::Kind, OrgGroups::Name),
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OrgGroupMembers::Table)
                .col(big_pk_auto(OrgGroupMembers::Id))
                .col(big_integer(OrgGroupMembers::GroupId))
                .col(big_integer(OrgGroupMembers::TeacherId))
                .col(big_integer(OrgGroupMembers::DistrictId))
                .col(big_integer(OrgGroupMembers::SchoolId))
                .col(string_len(OrgGroupMembers::Position, 16))
                .foreign_key(&mut fk(
                    "fk_group_members_group",
                    (OrgGroupMembers::Table, OrgGroupMembers::GroupId),
                    (OrgGroups::Table, OrgGroups::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_group_members_teacher",
                    (OrgGroupMembers::Table, OrgGroupMembers::TeacherId),
                    (Teachers::Table, Teachers::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_group_members",
            OrgGroupMembers::Table,
            cols!(OrgGroupMembers::GroupId, OrgGroupMembers::TeacherId),
            true,
        )
        .await?;
        index(
            m,
            "ix_group_members_teacher",
            OrgGroupMembers::Table,
            cols!(OrgGroupMembers::TeacherId),
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LeadingGroups::Table)
                .col(big_pk_auto(LeadingGroups::Id))
                .col(big_integer(LeadingGroups::DistrictId))
                .col(big_integer(LeadingGroups::SchoolId))
                .col(string_len(LeadingGroups::Name, 100))
                .col(string_len_null(LeadingGroups::Programme, 100))
                .col(timestamp_with_time_zone(LeadingGroups::CreatedAt))
                .col(timestamp_with_time_zone(LeadingGroups::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_leading_groups_school",
                    (LeadingGroups::Table, LeadingGroups::SchoolId),
                    (Schools::Table, Schools::Id),
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_leading_groups_school",
            LeadingGroups::Table,
            cols!(LeadingGroups::SchoolId),
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LeadingGroupMembers::Table)
                .col(big_pk_auto(LeadingGroupMembers::Id))
                .col(big_integer(LeadingGroupMembers::LeadingGroupId))
                .col(big_integer(LeadingGroupMembers::TeacherId))
                .col(big_integer(LeadingGroupMembers::DistrictId))
                .col(big_integer(LeadingGroupMembers::SchoolId))
                .col(string_len(LeadingGroupMembers::Position, 16))
                .col(text(LeadingGroupMembers::Responsibilities))
                .col(integer(LeadingGroupMembers::SortOrder))
                .foreign_key(&mut fk(
                    "fk_lg_members_group",
                    (LeadingGroupMembers::Table, LeadingGroupMembers::LeadingGroupId),
                    (LeadingGroups::Table, LeadingGroups::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_lg_members_teacher",
                    (LeadingGroupMembers::Table, LeadingGroupMembers::TeacherId),
                    (Teachers::Table, Teachers::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_lg_members",
            LeadingGroupMembers::Table,
            cols!(
                LeadingGroupMembers::LeadingGroupId,
                LeadingGroupMembers::TeacherId
            ),
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PendingUploads::Table)
                .col(big_pk_auto(PendingUploads::Id))
                .col(string_len_uniq(PendingUploads::Token, 64))
                .col(big_integer(PendingUploads::DistrictId))
                .col(big_integer(PendingUploads::SchoolId))
                .col(big_integer_null(PendingUploads::UserId))
                .col(string_len(PendingUploads::Kind, 32))
                .col(string_len(PendingUploads::Filename, 255))
                .col(blob(PendingUploads::Content))
                .col(timestamp_with_time_zone(PendingUploads::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_uploads_user",
                    (PendingUploads::Table, PendingUploads::UserId),
                    (Users::Table, Users::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            PendingUploads::Table.into_iden(),
            LeadingGroupMembers::Table.into_iden(),
            LeadingGroups::Table.into_iden(),
            OrgGroupMembers::Table.into_iden(),
            OrgGroups::Table.into_iden(),
            TierOverrides::Table.into_iden(),
            TierRuleSets::Table.into_iden(),
            Honours::Table.into_iden(),
            TeacherTransfers::Table.into_iden(),
            Teachers::Table.into_iden(),
            AcademicYears::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
