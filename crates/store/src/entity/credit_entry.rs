use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub teacher_id: i64,
    pub source: String,
    pub source_ref: Option<String>,
    pub start_date: Date,
    pub end_date: Date,
    pub year: i32,
    pub title: String,
    pub organiser: String,
    pub what: String,
    pub form: String,
    pub area: Option<String>,
    pub level: Option<String>,
    pub hours: i64,
    pub credits: Option<i64>,
    pub pool: Option<String>,
    pub marked_training: bool,
    pub note: Option<String>,
    pub dedup_key: String,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
