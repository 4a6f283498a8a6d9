use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "studio_activities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub studio_id: i64,
    pub district_id: i64,
    pub held_on: Date,
    pub kind: String,
    pub title: String,
    pub place: String,
    pub minutes: i32,
    pub led_by_teacher_id: Option<i64>,
    pub receiving_school_id: Option<i64>,
    pub receiving_school_name: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
