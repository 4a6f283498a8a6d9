//! Mentoring as a programme (issue 16): a pair (`mentorships`) joins one
//! mentor with one or two apprentices for a term, with goals, a ceremony
//! and a status; the dated links in `mentor_pairs` (which the viewer and
//! the duties engine read) are made for each apprentice while the pair
//! runs, and point back at it. Links made before this migration become
//! one-on-one pairs: active, or concluded where their end has passed.

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
enum Mentorships {
    Table,
    Id,
    DistrictId,
    SchoolId,
    MentorTeacherId,
    MentorSchoolId,
    ApprenticeTeacherId,
    SecondApprenticeTeacherId,
    Kind,
    Subject,
    StartsOn,
    EndsOn,
    CeremonyOn,
    Status,
    MentorGoals,
    ApprenticeGoals,
    EndedOn,
    EndReason,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MentorPairs {
    Table,
    MentorshipId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::Restrict;
        m.create_table(
            Table::create()
                .table(Mentorships::Table)
                .col(big_pk_auto(Mentorships::Id))
                .col(big_integer(Mentorships::DistrictId))
                // The apprentices' school: whose leaders manage the pair.
                .col(big_integer(Mentorships::SchoolId))
                .col(big_integer(Mentorships::MentorTeacherId))
                // The mentor's school when the pair was made (its leaders
                // see a cross-school pair too).
                .col(big_integer(Mentorships::MentorSchoolId))
                .col(big_integer(Mentorships::ApprenticeTeacherId))
                .col(big_integer_null(Mentorships::SecondApprenticeTeacherId))
                .col(string_len(Mentorships::Kind, 20))
                .col(string_len(Mentorships::Subject, 50))
                .col(date(Mentorships::StartsOn))
                // Open only for links made before pairs had terms.
                .col(date_null(Mentorships::EndsOn))
                .col(date_null(Mentorships::CeremonyOn))
                .col(string_len(Mentorships::Status, 20))
                .col(text(Mentorships::MentorGoals))
                .col(text(Mentorships::ApprenticeGoals))
                .col(date_null(Mentorships::EndedOn))
                .col(text_null(Mentorships::EndReason))
                .col(timestamp_with_time_zone(Mentorships::CreatedAt))
                .col(big_integer_null(Mentorships::CreatedBy))
                .col(timestamp_with_time_zone(Mentorships::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mentorships_district")
                        .from(Mentorships::Table, Mentorships::DistrictId)
                        .to(Districts::Table, Districts::Id)
                        .on_delete(Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mentorships_mentor")
                        .from(Mentorships::Table, Mentorships::MentorTeacherId)
                        .to(Teachers::Table, Teachers::Id)
                        .on_delete(Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mentorships_apprentice")
                        .from(Mentorships::Table, Mentorships::ApprenticeTeacherId)
                        .to(Teachers::Table, Teachers::Id)
                        .on_delete(Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mentorships_second")
                        .from(Mentorships::Table, Mentorships::SecondApprenticeTeacherId)
                        .to(Teachers::Table, Teachers::Id)
                        .on_delete(Restrict),
                )
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "ix_mentorships_school",
                vec![Mentorships::SchoolId, Mentorships::StartsOn],
            ),
            ("ix_mentorships_mentor_school", vec![Mentorships::MentorSchoolId]),
            ("ix_mentorships_mentor", vec![Mentorships::MentorTeacherId]),
            (
                "ix_mentorships_apprentice",
                vec![Mentorships::ApprenticeTeacherId],
            ),
            (
                "ix_mentorships_second",
                vec![Mentorships::SecondApprenticeTeacherId],
            ),
        ] {
            let mut i = Index::create();
            i.name(name).table(Mentorships::Table);
            for c in cols {
                i.col(c);
            }
            m.create_index(i.to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(MentorPairs::Table)
                .add_column(big_integer_null(MentorPairs::MentorshipId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_mentor_pairs_mentorship")
                .table(MentorPairs::Table)
                .col(MentorPairs::MentorshipId)
                .to_owned(),
        )
        .await?;
        // Earlier links become one-on-one pairs. A mentor and apprentice
        // were never linked twice from one day, so the three columns find
        // each link's pair again.
        let db = m.get_connection();
        db.execute_unprepared(
            "INSERT INTO mentorships (district_id, school_id, mentor_teacher_id, mentor_school_id, \
             apprentice_teacher_id, kind, subject, starts_on, ends_on, status, mentor_goals, \
             apprentice_goals, ended_on, created_at, updated_at) \
             SELECT p.district_id, p.school_id, p.mentor_teacher_id, t.school_id, p.apprentice_teacher_id, \
             'one_on_one', '', p.starts_on, p.ends_on, \
             CASE WHEN p.ends_on IS NOT NULL AND p.ends_on < CURRENT_DATE THEN 'concluded' ELSE 'active' END, \
             '', '', p.ends_on, p.created_at, p.created_at \
             FROM mentor_pairs p JOIN teachers t ON t.id = p.mentor_teacher_id",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE mentor_pairs SET mentorship_id = (SELECT m.id FROM mentorships m \
             WHERE m.mentor_teacher_id = mentor_pairs.mentor_teacher_id \
             AND m.apprentice_teacher_id = mentor_pairs.apprentice_teacher_id \
             AND m.starts_on = mentor_pairs.starts_on)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_mentor_pairs_mentorship")
                .table(MentorPairs::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(MentorPairs::Table)
                .drop_column(MentorPairs::MentorshipId)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Mentorships::Table).to_owned())
            .await
    }
}
