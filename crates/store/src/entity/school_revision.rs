use sea_orm::entity::prelude::*;

/// A school's revision: moved on by every audited change of the school or
/// its district (`audit::record`); keys the kept duty results.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "school_revisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub district_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub school_id: i64,
    pub revision: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
