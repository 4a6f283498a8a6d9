use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credit_claims")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub teacher_id: i64,
    pub evidence_id: Option<i64>,
    pub title: String,
    pub organiser: String,
    pub start_date: Date,
    pub end_date: Date,
    pub year: i32,
    pub what: String,
    pub form: String,
    pub area: Option<String>,
    pub level: Option<String>,
    pub hours: i64,
    pub credits: Option<i64>,
    pub note: Option<String>,
    pub prior_approval: Option<String>,
    pub file_id: Option<i64>,
    pub filename: Option<String>,
    pub chain: String,
    pub status: String,
    pub school_by: Option<i64>,
    pub school_at: Option<DateTimeUtc>,
    pub district_by: Option<i64>,
    pub district_at: Option<DateTimeUtc>,
    pub reason: Option<String>,
    pub entry_id: Option<i64>,
    pub dedup_key: String,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
