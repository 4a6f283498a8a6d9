use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rule_set_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub district_id: i64,
    pub school_id: Option<i64>,
    pub scope_key: String,
    pub start_year: i32,
    pub version: i32,
    pub rules_json: String,
    pub effective_from: Option<Date>,
    pub saved_at: DateTimeUtc,
    pub saved_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
