//! Master-teacher studios (名师工作室, issue 16): a district's studios,
//! their members from its schools, and the studio's activities, among them
//! send-teaching to a receiving school.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Studios {
    Table,
    Id,
    DistrictId,
    Name,
    MasterTeacherId,
    MasterSchoolId,
    Subject,
    StartsOn,
    EndsOn,
    Aims,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum StudioMembers {
    Table,
    Id,
    StudioId,
    TeacherId,
    SchoolId,
    JoinedOn,
    LeftOn,
}

#[derive(DeriveIden, Clone, Copy)]
enum StudioActivities {
    Table,
    Id,
    StudioId,
    DistrictId,
    HeldOn,
    Kind,
    Title,
    Place,
    Minutes,
    LedByTeacherId,
    ReceivingSchoolId,
    ReceivingSchoolName,
    Summary,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Studios::Table)
                .col(big_pk_auto(Studios::Id))
                .col(big_integer(Studios::DistrictId))
                .col(string_len(Studios::Name, 200))
                .col(big_integer(Studios::MasterTeacherId))
                .col(big_integer(Studios::MasterSchoolId))
                .col(string_len(Studios::Subject, 100))
                .col(date(Studios::StartsOn))
                .col(date_null(Studios::EndsOn))
                .col(text(Studios::Aims))
                .col(big_integer_null(Studios::CreatedBy))
                .col(timestamp_with_time_zone(Studios::CreatedAt))
                .col(timestamp_with_time_zone(Studios::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_studios_district")
                .table(Studios::Table)
                .col(Studios::DistrictId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StudioMembers::Table)
                .col(big_pk_auto(StudioMembers::Id))
                .col(big_integer(StudioMembers::StudioId))
                .col(big_integer(StudioMembers::TeacherId))
                .col(big_integer(StudioMembers::SchoolId))
                .col(date(StudioMembers::JoinedOn))
                .col(date_null(StudioMembers::LeftOn))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_studio_members_studio")
                        .from(StudioMembers::Table, StudioMembers::StudioId)
                        .to(Studios::Table, Studios::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_studio_members_one")
                .table(StudioMembers::Table)
                .col(StudioMembers::StudioId)
                .col(StudioMembers::TeacherId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_studio_members_teacher")
                .table(StudioMembers::Table)
                .col(StudioMembers::TeacherId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StudioActivities::Table)
                .col(big_pk_auto(StudioActivities::Id))
                .col(big_integer(StudioActivities::StudioId))
                .col(big_integer(StudioActivities::DistrictId))
                .col(date(StudioActivities::HeldOn))
                .col(string_len(StudioActivities::Kind, 32))
                .col(string_len(StudioActivities::Title, 400))
                .col(string_len(StudioActivities::Place, 400))
                .col(integer(StudioActivities::Minutes))
                .col(big_integer_null(StudioActivities::LedByTeacherId))
                .col(big_integer_null(StudioActivities::ReceivingSchoolId))
                .col(string_len(StudioActivities::ReceivingSchoolName, 200))
                .col(text(StudioActivities::Summary))
                .col(big_integer_null(StudioActivities::CreatedBy))
                .col(timestamp_with_time_zone(StudioActivities::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_studio_activities_studio")
                        .from(StudioActivities::Table, StudioActivities::StudioId)
                        .to(Studios::Table, Studios::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_studio_activities_studio")
                .table(StudioActivities::Table)
                .col(StudioActivities::StudioId)
                .col(StudioActivities::HeldOn)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(StudioActivities::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(StudioMembers::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Studios::Table).to_owned()).await
    }
}
