use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "honours")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub teacher_id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub kind: String,
    pub level: String,
    pub granted_year: i32,
    pub granting_body: Option<String>,
    pub valid_until_year: Option<i32>,
    pub status: String,
    pub status_reason: Option<String>,
    pub subject: Option<String>,
    pub source_text: Option<String>,
    pub year_known: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
