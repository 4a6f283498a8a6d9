//! Training activities (培训活动): the activities a school or district runs,
//! their sessions, who registered (or waits), attendance and feedback per
//! session, and notices to teachers (a waitlisted place that came free).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Districts {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Teachers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Activities {
    Table,
    Id,
    DistrictId,
    SchoolId,
    Title,
    Kind,
    Level,
    Area,
    Form,
    Organiser,
    Host,
    Description,
    Audience,
    Capacity,
    RegistrationOpens,
    RegistrationCloses,
    CreditsPerSession,
    MarkedTraining,
    TrainingContent,
    SignOut,
    MinPresence,
    FeedbackRequired,
    Grace,
    FirstDate,
    LastDate,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActivitySessions {
    Table,
    Id,
    ActivityId,
    DistrictId,
    SchoolId,
    Date,
    StartTime,
    EndTime,
    Place,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActivityParticipants {
    Table,
    Id,
    ActivityId,
    TeacherId,
    DistrictId,
    SchoolId,
    Status,
    Assigned,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Attendance {
    Table,
    Id,
    SessionId,
    ActivityId,
    TeacherId,
    DistrictId,
    SchoolId,
    Status,
    SignedInAt,
    SignedOutAt,
    Method,
    LeaveReason,
    LeaveState,
    RecordedBy,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActivityFeedback {
    Table,
    Id,
    SessionId,
    ActivityId,
    TeacherId,
    Rating,
    Comment,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Notices {
    Table,
    Id,
    TeacherId,
    Kind,
    ActivityId,
    CreatedAt,
    ReadAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Cascade;
        m.create_table(
            Table::create()
                .table(Activities::Table)
                .col(big_pk_auto(Activities::Id))
                .col(big_integer(Activities::DistrictId))
                .col(big_integer_null(Activities::SchoolId))
                .col(string_len(Activities::Title, 200))
                .col(string_len(Activities::Kind, 40))
                .col(string_len(Activities::Level, 20))
                .col(string_len_null(Activities::Area, 20))
                .col(string_len(Activities::Form, 20))
                .col(string_len(Activities::Organiser, 200))
                .col(string_len(Activities::Host, 200))
                .col(text(Activities::Description))
                .col(text(Activities::Audience))
                .col(integer_null(Activities::Capacity))
                .col(date_time_null(Activities::RegistrationOpens))
                .col(date_time_null(Activities::RegistrationCloses))
                .col(big_integer_null(Activities::CreditsPerSession))
                .col(boolean(Activities::MarkedTraining).default(false))
                .col(text(Activities::TrainingContent))
                .col(boolean(Activities::SignOut).default(false))
                .col(integer_null(Activities::MinPresence))
                .col(boolean(Activities::FeedbackRequired).default(false))
                .col(integer(Activities::Grace))
                .col(date(Activities::FirstDate))
                .col(date(Activities::LastDate))
                .col(timestamp_with_time_zone(Activities::CreatedAt))
                .col(big_integer_null(Activities::CreatedBy))
                .col(timestamp_with_time_zone(Activities::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Activities::Table, Activities::DistrictId)
                        .to(Districts::Table, Districts::Id)
                        .on_delete(Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activities_place_dates")
                .table(Activities::Table)
                .col(Activities::DistrictId)
                .col(Activities::FirstDate)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ActivitySessions::Table)
                .col(big_pk_auto(ActivitySessions::Id))
                .col(big_integer(ActivitySessions::ActivityId))
                .col(big_integer(ActivitySessions::DistrictId))
                .col(big_integer_null(ActivitySessions::SchoolId))
                .col(date(ActivitySessions::Date))
                .col(time(ActivitySessions::StartTime))
                .col(time(ActivitySessions::EndTime))
                .col(string_len(ActivitySessions::Place, 200))
                .foreign_key(
                    ForeignKey::create()
                        .from(ActivitySessions::Table, ActivitySessions::ActivityId)
                        .to(Activities::Table, Activities::Id)
                        .on_delete(Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activity_sessions_activity")
                .table(ActivitySessions::Table)
                .col(ActivitySessions::ActivityId)
                .col(ActivitySessions::Date)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activity_sessions_date")
                .table(ActivitySessions::Table)
                .col(ActivitySessions::DistrictId)
                .col(ActivitySessions::Date)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ActivityParticipants::Table)
                .col(big_pk_auto(ActivityParticipants::Id))
                .col(big_integer(ActivityParticipants::ActivityId))
                .col(big_integer(ActivityParticipants::TeacherId))
                .col(big_integer(ActivityParticipants::DistrictId))
                .col(big_integer(ActivityParticipants::SchoolId))
                .col(string_len(ActivityParticipants::Status, 20))
                .col(boolean(ActivityParticipants::Assigned).default(false))
                .col(timestamp_with_time_zone(ActivityParticipants::CreatedAt))
                .col(timestamp_with_time_zone(ActivityParticipants::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ActivityParticipants::Table, ActivityParticipants::ActivityId)
                        .to(Activities::Table, Activities::Id)
                        .on_delete(Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ActivityParticipants::Table, ActivityParticipants::TeacherId)
                        .to(Teachers::Table, Teachers::Id)
                        .on_delete(Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_activity_participants")
                .table(ActivityParticipants::Table)
                .col(ActivityParticipants::ActivityId)
                .col(ActivityParticipants::TeacherId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activity_participants_teacher")
                .table(ActivityParticipants::Table)
                .col(ActivityParticipants::TeacherId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Attendance::Table)
                .col(big_pk_auto(Attendance::Id))
                .col(big_integer(Attendance::SessionId))
                .col(big_integer(Attendance::ActivityId))
                .col(big_integer(Attendance::TeacherId))
                .col(big_integer(Attendance::DistrictId))
                .col(big_integer(Attendance::SchoolId))
                .col(string_len_null(Attendance::Status, 20))
                .col(date_time_null(Attendance::SignedInAt))
                .col(date_time_null(Attendance::SignedOutAt))
                .col(string_len(Attendance::Method, 20))
                .col(text_null(Attendance::LeaveReason))
                .col(string_len_null(Attendance::LeaveState, 20))
                .col(big_integer_null(Attendance::RecordedBy))
                .col(timestamp_with_time_zone(Attendance::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Attendance::Table, Attendance::SessionId)
                        .to(ActivitySessions::Table, ActivitySessions::Id)
                        .on_delete(Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Attendance::Table, Attendance::TeacherId)
                        .to(Teachers::Table, Teachers::Id)
                        .on_delete(Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_attendance")
                .table(Attendance::Table)
                .col(Attendance::SessionId)
                .col(Attendance::TeacherId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_attendance_activity")
                .table(Attendance::Table)
                .col(Attendance::ActivityId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_attendance_teacher")
                .table(Attendance::Table)
                .col(Attendance::TeacherId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ActivityFeedback::Table)
                .col(big_pk_auto(ActivityFeedback::Id))
                .col(big_integer(ActivityFeedback::SessionId))
                .col(big_integer(ActivityFeedback::ActivityId))
                .col(big_integer(ActivityFeedback::TeacherId))
                .col(integer(ActivityFeedback::Rating))
                .col(text(ActivityFeedback::Comment))
                .col(timestamp_with_time_zone(ActivityFeedback::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ActivityFeedback::Table, ActivityFeedback::SessionId)
                        .to(ActivitySessions::Table, ActivitySessions::Id)
                        .on_delete(Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ActivityFeedback::Table, ActivityFeedback::TeacherId)
                        .to(Teachers::Table, Teachers::Id)
                        .on_delete(Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_activity_feedback")
                .table(ActivityFeedback::Table)
                .col(ActivityFeedback::SessionId)
                .col(ActivityFeedback::TeacherId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_activity_feedback_activity")
                .table(ActivityFeedback::Table)
                .col(ActivityFeedback::ActivityId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Notices::Table)
                .col(big_pk_auto(Notices::Id))
                .col(big_integer(Notices::TeacherId))
                .col(string_len(Notices::Kind, 40))
                .col(big_integer_null(Notices::ActivityId))
                .col(timestamp_with_time_zone(Notices::CreatedAt))
                .col(timestamp_with_time_zone_null(Notices::ReadAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Notices::Table, Notices::TeacherId)
                        .to(Teachers::Table, Teachers::Id)
                        .on_delete(Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Notices::Table, Notices::ActivityId)
                        .to(Activities::Table, Activities::Id)
                        .on_delete(Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_notices_teacher")
                .table(Notices::Table)
                .col(Notices::TeacherId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Notices::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ActivityFeedback::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Attendance::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ActivityParticipants::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ActivitySessions::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Activities::Table).to_owned())
            .await
    }
}
