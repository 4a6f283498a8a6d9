use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendance")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub session_id: i64,
    pub activity_id: i64,
    pub teacher_id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub status: Option<String>,
    pub signed_in_at: Option<DateTime>,
    pub signed_out_at: Option<DateTime>,
    pub method: String,
    pub leave_reason: Option<String>,
    pub leave_state: Option<String>,
    pub recorded_by: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
