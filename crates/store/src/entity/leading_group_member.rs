use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "leading_group_members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub leading_group_id: i64,
    pub teacher_id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub position: String,
    pub responsibilities: String,
    pub sort_order: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
