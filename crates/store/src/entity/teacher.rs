use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "teachers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub staff_no: Option<String>,
    pub name: String,
    pub gender: Option<String>,
    pub birth_date: Option<Date>,
    pub work_start: Option<Date>,
    pub section: Option<String>,
    /// JSON array of strings.
    pub subjects: String,
    pub employment: Option<String>,
    pub post: Option<String>,
    pub front_line: Option<bool>,
    pub education: Option<String>,
    pub major: Option<String>,
    pub major_matches: Option<bool>,
    pub title: Option<String>,
    /// JSON array of strings.
    pub posts: String,
    /// JSON array of strings.
    pub certificates: String,
    pub user_id: Option<i64>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
