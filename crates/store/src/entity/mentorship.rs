use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentorships")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub mentor_teacher_id: i64,
    pub mentor_school_id: i64,
    pub apprentice_teacher_id: i64,
    pub second_apprentice_teacher_id: Option<i64>,
    pub kind: String,
    pub subject: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub ceremony_on: Option<Date>,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub mentor_goals: String,
    #[sea_orm(column_type = "Text")]
    pub apprentice_goals: String,
    pub ended_on: Option<Date>,
    #[sea_orm(column_type = "Text", nullable)]
    pub end_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
