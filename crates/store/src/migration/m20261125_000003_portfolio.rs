//! The growth portfolio: evidence records with the teachers they belong to
//! and their verification history, attachments stored by content hash,
//! research projects with members and stages, and mentor pairs.

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
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Teachers {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Evidence {
    Table,
    Id,
    DistrictId,
    SchoolId,
    OwnerTeacherId,
    Kind,
    Subtype,
    OccurredOn,
    SchoolYear,
    Term,
    Level,
    Title,
    Body,
    Details,
    Status,
    StatusReason,
    StatusBy,
    StatusAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvidencePeople {
    Table,
    Id,
    EvidenceId,
    TeacherId,
    DistrictId,
    SchoolId,
    Role,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvidenceEvents {
    Table,
    Id,
    EvidenceId,
    DistrictId,
    SchoolId,
    Action,
    Reason,
    ByUserId,
    ByName,
    At,
}

#[derive(DeriveIden, Clone, Copy)]
enum Files {
    Table,
    Id,
    DistrictId,
    Sha256,
    Size,
    ContentType,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Attachments {
    Table,
    Id,
    DistrictId,
    SchoolId,
    EvidenceId,
    ProjectId,
    FileId,
    Filename,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ResearchProjects {
    Table,
    Id,
    DistrictId,
    SchoolId,
    Title,
    Level,
    Number,
    Body,
    Stage,
    Status,
    StatusReason,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProjectMembers {
    Table,
    Id,
    ProjectId,
    TeacherId,
    DistrictId,
    SchoolId,
    Role,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProjectStages {
    Table,
    Id,
    ProjectId,
    DistrictId,
    SchoolId,
    Stage,
    OnDate,
    Note,
    ByUserId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MentorPairs {
    Table,
    Id,
    DistrictId,
    SchoolId,
    MentorTeacherId,
    ApprenticeTeacherId,
    StartsOn,
    EndsOn,
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

/// The district and school columns every tenant table has, with their keys.
fn tenant(
    t: &mut TableCreateStatement,
    table: impl IntoIden + Copy,
    d: impl IntoIden + Copy,
    s: impl IntoIden + Copy,
    name: &str,
) {
    use ForeignKeyAction::Restrict;
    t.col(big_integer(d))
        .col(big_integer(s))
        .foreign_key(&mut fk(
            &format!("fk_{name}_district"),
            (table, d),
            (Districts::Table, Districts::Id),
            Restrict,
        ))
        .foreign_key(&mut fk(
            &format!("fk_{name}_school"),
            (table, s),
            (Schools::Table, Schools::Id),
            Restrict,
        ));
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};

        let mut t = Table::create();
        t.table(Evidence::Table).col(big_pk_auto(Evidence::Id));
        tenant(
            &mut t,
            Evidence::Table,
            Evidence::DistrictId,
            Evidence::SchoolId,
            "evidence",
        );
        t.col(big_integer(Evidence::OwnerTeacherId))
            .col(string_len(Evidence::Kind, 24))
            .col(string_len_null(Evidence::Subtype, 24))
            .col(date(Evidence::OccurredOn))
            .col(integer(Evidence::SchoolYear))
            .col(small_integer(Evidence::Term))
            .col(string_len_null(Evidence::Level, 16))
            .col(string_len(Evidence::Title, 200))
            .col(text_null(Evidence::Body))
            .col(text(Evidence::Details))
            .col(string_len(Evidence::Status, 16))
            .col(string_len_null(Evidence::StatusReason, 500))
            .col(big_integer_null(Evidence::StatusBy))
            .col(timestamp_with_time_zone_null(Evidence::StatusAt))
            .col(big_integer_null(Evidence::CreatedBy))
            .col(timestamp_with_time_zone(Evidence::CreatedAt))
            .col(timestamp_with_time_zone(Evidence::UpdatedAt))
            .foreign_key(&mut fk(
                "fk_evidence_owner",
                (Evidence::Table, Evidence::OwnerTeacherId),
                (Teachers::Table, Teachers::Id),
                Restrict,
            ))
            .foreign_key(&mut fk(
                "fk_evidence_status_by",
                (Evidence::Table, Evidence::StatusBy),
                (Users::Table, Users::Id),
                SetNull,
            ))
            .foreign_key(&mut fk(
                "fk_evidence_created_by",
                (Evidence::Table, Evidence::CreatedBy),
                (Users::Table, Users::Id),
                SetNull,
            ));
        m.create_table(t.to_owned()).await?;
        index(
            m,
            "ix_evidence_owner_date",
            Evidence::Table,
            cols!(Evidence::OwnerTeacherId, Evidence::OccurredOn),
            false,
        )
        .await?;
        index(
            m,
            "ix_evidence_school_status",
            Evidence::Table,
            cols!(Evidence::SchoolId, Evidence::Status, Evidence::OccurredOn),
            false,
        )
        .await?;
        index(
            m,
            "ix_evidence_school_period",
            Evidence::Table,
            // Covers the school counts (kind × level × semester × status).
            cols!(
                Evidence::SchoolId,
                Evidence::SchoolYear,
                Evidence::Term,
                Evidence::Kind,
                Evidence::Level,
                Evidence::Status
            ),
            false,
        )
        .await?;
        index(
            m,
            "ix_evidence_district",
            Evidence::Table,
            cols!(Evidence::DistrictId, Evidence::Status),
            false,
        )
        .await?;

        let mut t = Table::create();
        t.table(EvidencePeople::Table)
            .col(big_pk_auto(EvidencePeople::Id));
        tenant(
            &mut t,
            EvidencePeople::Table,
            EvidencePeople::DistrictId,
            EvidencePeople::SchoolId,
            "evidence_people",
        );
        t.col(big_integer(EvidencePeople::EvidenceId))
            .col(big_integer(EvidencePeople::TeacherId))
            .col(string_len(EvidencePeople::Role, 16))
            .foreign_key(&mut fk(
                "fk_evidence_people_evidence",
                (EvidencePeople::Table, EvidencePeople::EvidenceId),
                (Evidence::Table, Evidence::Id),
                Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_evidence_people_teacher",
                (EvidencePeople::Table, EvidencePeople::TeacherId),
                (Teachers::Table, Teachers::Id),
                Restrict,
            ));
        m.create_table(t.to_owned()).await?;
        index(
            m,
            "ux_evidence_people",
            EvidencePeople::Table,
            cols!(EvidencePeople::EvidenceId, EvidencePeople::TeacherId),
            true,
        )
        .await?;
        index(
            m,
            "ix_evidence_people_teacher",
            EvidencePeople::Table,
            cols!(EvidencePeople::TeacherId, EvidencePeople::EvidenceId),
            false,
        )
        .await?;

        let mut t = Table::create();
        t.table(EvidenceEvents::Table)
            .col(big_pk_auto(EvidenceEvents::Id));
        tenant(
            &mut t,
            EvidenceEvents::Table,
            EvidenceEvents::DistrictId,
            EvidenceEvents::SchoolId,
            "evidence_events",
        );
        t.col(big_integer(EvidenceEvents::EvidenceId))
            .col(string_len(EvidenceEvents::Action, 16))
            .col(string_len_null(EvidenceEvents::Reason, 500))
            .col(big_integer_null(EvidenceEvents::ByUserId))
            .col(string_len(EvidenceEvents::ByName, 64))
            .col(timestamp_with_time_zone(EvidenceEvents::At))
            .foreign_key(&mut fk(
                "fk_evidence_events_evidence",
                (EvidenceEvents::Table, EvidenceEvents::EvidenceId),
                (Evidence::Table, Evidence::Id),
                Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_evidence_events_user",
                (EvidenceEvents::Table, EvidenceEvents::ByUserId),
                (Users::Table, Users::Id),
                SetNull,
            ));
        m.create_table(t.to_owned()).await?;
        index(
            m,
            "ix_evidence_events_evidence",
            EvidenceEvents::Table,
            cols!(EvidenceEvents::EvidenceId),
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Files::Table)
                .col(big_pk_auto(Files::Id))
                .col(big_integer(Files::DistrictId))
                .col(string_len(Files::Sha256, 64))
                .col(big_integer(Files::Size))
                .col(string_len(Files::ContentType, 100))
                .col(timestamp_with_time_zone(Files::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_files_district",
                    (Files::Table, Files::DistrictId),
                    (Districts::Table, Districts::Id),
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_files_district_sha",
            Files::Table,
            cols!(Files::DistrictId, Files::Sha256),
            true,
        )
        .await?;
        index(m, "ix_files_sha", Files::Table, cols!(Files::Sha256), false).await?;

        let mut t = Table::create();
        t.table(ResearchProjects::Table)
            .col(big_pk_auto(ResearchProjects::Id));
        tenant(
            &mut t,
            ResearchProjects::Table,
            ResearchProjects::DistrictId,
            ResearchProjects::SchoolId,
            "projects",
        );
        t.col(string_len(ResearchProjects::Title, 200))
            .col(string_len(ResearchProjects::Level, 16))
            .col(string_len_null(ResearchProjects::Number, 64))
            .col(text_null(ResearchProjects::Body))
            .col(string_len(ResearchProjects::Stage, 16))
            .col(string_len(ResearchProjects::Status, 16))
            .col(string_len_null(ResearchProjects::StatusReason, 500))
            .col(big_integer_null(ResearchProjects::CreatedBy))
            .col(timestamp_with_time_zone(ResearchProjects::CreatedAt))
            .col(timestamp_with_time_zone(ResearchProjects::UpdatedAt))
            .foreign_key(&mut fk(
                "fk_projects_created_by",
                (ResearchProjects::Table, ResearchProjects::CreatedBy),
                (Users::Table, Users::Id),
                SetNull,
            ));
        m.create_table(t.to_owned()).await?;
        index(
            m,
            "ix_projects_school",
            ResearchProjects::Table,
            cols!(ResearchProjects::SchoolId),
            false,
        )
        .await?;

        let mut t = Table::create();
        t.table(ProjectMembers::Table)
            .col(big_pk_auto(ProjectMembers::Id));
        tenant(
            &mut t,
            ProjectMembers::Table,
            ProjectMembers::DistrictId,
            ProjectMembers::SchoolId,
            "project_members",
        );
        t.col(big_integer(ProjectMembers::ProjectId))
            .col(big_integer(ProjectMembers::TeacherId))
            .col(string_len(ProjectMembers::Role, 16))
            .foreign_key(&mut fk(
                "fk_project_members_project",
                (ProjectMembers::Table, ProjectMembers::ProjectId),
                (ResearchProjects::Table, ResearchProjects::Id),
                Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_project_members_teacher",
                (ProjectMembers::Table, ProjectMembers::TeacherId),
                (Teachers::Table, Teachers::Id),
                Restrict,
            ));
        m.create_table(t.to_owned()).await?;
        index(
            m,
            "ux_project_members",
            ProjectMembers::Table,
            cols!(ProjectMembers::ProjectId, ProjectMembers::TeacherId),
            true,
        )
        .await?;
        index(
            m,
            "ix_project_members_teacher",
            ProjectMembers::Table,
            cols!(ProjectMembers::TeacherId),
            false,
        )
        .await?;

        let mut t = Table::create();
        t.table(ProjectStages::Table).col(big_pk_auto(ProjectStages::Id));
        tenant(
            &mut t,
            ProjectStages::Table,
            ProjectStages::DistrictId,
            ProjectStages::SchoolId,
            "project_stages",
        );
        t.col(big_integer(ProjectStages::ProjectId))
            .col(string_len(ProjectStages::Stage, 16))
            .col(date(ProjectStages::OnDate))
            .col(string_len_null(ProjectStages::Note, 500))
            .col(big_integer_null(ProjectStages::ByUserId))
            .col(timestamp_with_time_zone(ProjectStages::CreatedAt))
            .foreign_key(&mut fk(
                "fk_project_stages_project",
                (ProjectStages::Table, ProjectStages::ProjectId),
                (ResearchProjects::Table, ResearchProjects::Id),
                Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_project_stages_user",
                (ProjectStages::Table, ProjectStages::ByUserId),
                (Users::Table, Users::Id),
                SetNull,
            ));
        m.create_table(t.to_owned()).await?;
        index(
            m,
            "ux_project_stages",
            ProjectStages::Table,
            cols!(ProjectStages::ProjectId, ProjectStages::Stage),
            true,
        )
        .await?;

        let mut t = Table::create();
        t.table(Attachments::Table).col(big_pk_auto(Attachments::Id));
        tenant(
            &mut t,
            Attachments::Table,
            Attachments::DistrictId,
            Attachments::SchoolId,
            "attachments",
        );
        t.col(big_integer_null(Attachments::EvidenceId))
            .col(big_integer_null(Attachments::ProjectId))
            .col(big_integer(Attachments::FileId))
            .col(string_len(Attachments::Filename, 255))
            .col(big_integer_null(Attachments::UploadedBy))
            .col(timestamp_with_time_zone(Attachments::CreatedAt))
            .foreign_key(&mut fk(
                "fk_attachments_evidence",
                (Attachments::Table, Attachments::EvidenceId),
                (Evidence::Table, Evidence::Id),
                Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_attachments_project",
                (Attachments::Table, Attachments::ProjectId),
                (ResearchProjects::Table, ResearchProjects::Id),
                Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_attachments_file",
                (Attachments::Table, Attachments::FileId),
                (Files::Table, Files::Id),
                Restrict,
            ))
            .foreign_key(&mut fk(
                "fk_attachments_user",
                (Attachments::Table, Attachments::UploadedBy),
                (Users::Table, Users::Id),
                SetNull,
            ));
        m.create_table(t.to_owned()).await?;
        index(
            m,
            "ix_attachments_evidence",
            Attachments::Table,
            cols!(Attachments::EvidenceId),
            false,
        )
        .await?;
        index(
            m,
            "ix_attachments_project",
            Attachments::Table,
            cols!(Attachments::ProjectId),
            false,
        )
        .await?;
        index(
            m,
            "ix_attachments_file",
            Attachments::Table,
            cols!(Attachments::FileId),
            false,
        )
        .await?;

        let mut t = Table::create();
        t.table(MentorPairs::Table).col(big_pk_auto(MentorPairs::Id));
        tenant(
            &mut t,
            MentorPairs::Table,
            MentorPairs::DistrictId,
            MentorPairs::SchoolId,
            "mentor_pairs",
        );
        t.col(big_integer(MentorPairs::MentorTeacherId))
            .col(big_integer(MentorPairs::ApprenticeTeacherId))
            .col(date(MentorPairs::StartsOn))
            .col(date_null(MentorPairs::EndsOn))
            .col(timestamp_with_time_zone(MentorPairs::CreatedAt))
            .foreign_key(&mut fk(
                "fk_mentor_pairs_mentor",
                (MentorPairs::Table, MentorPairs::MentorTeacherId),
                (Teachers::Table, Teachers::Id),
                Restrict,
            ))
            .foreign_key(&mut fk(
                "fk_mentor_pairs_apprentice",
                (MentorPairs::Table, MentorPairs::ApprenticeTeacherId),
                (Teachers::Table, Teachers::Id),
                Restrict,
            ));
        m.create_table(t.to_owned()).await?;
        index(
            m,
            "ix_mentor_pairs_mentor",
            MentorPairs::Table,
            cols!(MentorPairs::MentorTeacherId),
            false,
        )
        .await?;
        index(
            m,
            "ix_mentor_pairs_apprentice",
            MentorPairs::Table,
            cols!(MentorPairs::ApprenticeTeacherId),
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            MentorPairs::Table.into_iden(),
            Attachments::Table.into_iden(),
            ProjectStages::Table.into_iden(),
            ProjectMembers::Table.into_iden(),
            ResearchProjects::Table.into_iden(),
            Files::Table.into_iden(),
            EvidenceEvents::Table.into_iden(),
            EvidencePeople::Table.into_iden(),
            Evidence::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
