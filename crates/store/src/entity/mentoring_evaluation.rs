use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentoring_evaluations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub mentorship_id: i64,
    pub period: String,
    #[sea_orm(column_type = "Text")]
    pub scores: String,
    pub total: i32,
    pub grade: String,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub evaluated_by: Option<i64>,
    pub evaluator_name: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
