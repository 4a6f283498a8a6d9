use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub school_id: Option<i64>,
    pub title: String,
    pub kind: String,
    pub level: String,
    pub area: Option<String>,
    pub form: String,
    pub organiser: String,
    pub host: String,
    pub description: String,
    pub audience: String,
    pub capacity: Option<i32>,
    pub registration_opens: Option<DateTime>,
    pub registration_closes: Option<DateTime>,
    pub credits_per_session: Option<i64>,
    pub marked_training: bool,
    pub training_content: String,
    pub sign_out: bool,
    pub min_presence: Option<i32>,
    pub feedback_required: bool,
    pub grace: i32,
    pub first_date: Date,
    pub last_date: Date,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
