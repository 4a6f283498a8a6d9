use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub owner_teacher_id: i64,
    pub kind: String,
    pub subtype: Option<String>,
    pub occurred_on: Date,
    pub school_year: i32,
    pub term: i16,
    pub level: Option<String>,
    pub title: String,
    pub body: Option<String>,
    pub details: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub status_by: Option<i64>,
    pub status_at: Option<DateTimeUtc>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
