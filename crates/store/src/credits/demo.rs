//! The demo's credit ledgers: last year's and this year's outside and
//! school-based training of every teacher of the district, loaded as a
//! district loads them, through the national format, so the completion
//! report has a true mix — most met last year, a few short in one part
//! (and so not eligible for a higher title), this year under way.

use crate::entity::teacher;
use crate::{Result, Scope, Store};
use chrono::{Datelike, NaiveDate};
use lingyan_domain::credits::national::HEADERS;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// (title, level code, organiser, form, hours, month, day)
type Training = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u32,
    u32,
    u32,
);

const CENTRAL_A: Training = ("骨干教师暑期集中研修", "40", "广府区教师进修学校", "2", 8, 7, 12);
const CENTRAL_B: Training = (
    "学科教学能力提升市级培训",
    "30",
    "市教育科学研究院",
    "2",
    8,
    10,
    24,
);
const ONLINE_A: Training = (
    "国家中小学智慧教育平台寒假研修",
    "10",
    "国家中小学智慧教育平台",
    "3",
    4,
    2,
    10,
);
const ONLINE_B: Training = (
    "国家中小学智慧教育平台暑期研修",
    "10",
    "国家中小学智慧教育平台",
    "3",
    4,
    8,
    5,
);
const SCHOOL_A: Training = ("校本研修（春季学期）", "60", "本校", "校本研修", 12, 6, 28);
const SCHOOL_B: Training = ("校本研修（秋季学期）", "60", "本校", "校本研修", 12, 12, 2);

/// What teacher number `i` took in a year: last year nearly everything,
/// with a few short in one part; this year each at their own pace.
fn took(i: usize, last_year: bool) -> Vec<Training> {
    if last_year {
        let mut t = vec![CENTRAL_A, ONLINE_A, SCHOOL_A, SCHOOL_B];
        if i % 9 != 4 {
            t.push(CENTRAL_B);
        }
        if i % 7 != 3 {
            t.push(ONLINE_B);
        }
        t
    } else {
        let mut t = vec![SCHOOL_A];
        if i.is_multiple_of(2) {
            t.push(CENTRAL_A);
        }
        if i % 3 != 1 {
            t.push(ONLINE_A);
            t.push(ONLINE_B);
        }
        if i.is_multiple_of(4) {
            t.push(CENTRAL_B);
        }
        if i % 5 < 2 {
            t.push(SCHOOL_B);
        }
        t
    }
}

pub(crate) async fn load(store: &Store, scope: &Scope, district_id: i64, today: NaiveDate) -> Result<()> {
    let teachers = teacher::Entity::find()
        .filter(teacher::Column::DistrictId.eq(district_id))
        .filter(teacher::Column::Active.eq(true))
        .order_by_asc(teacher::Column::StaffNo)
        .all(store.conn())
        .await?;
    let mut rows = vec![HEADERS.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for (i, t) in teachers.iter().enumerate() {
        for (year, last) in [(today.year() - 1, true), (today.year(), false)] {
            for (title, level, organiser, form, hours, month, day) in took(i, last) {
                let Some(date) = NaiveDate::from_ymd_opt(year, month, day).filter(|d| *d < today) else {
                    continue;
                };
                rows.push(vec![
                    t.staff_no.clone().unwrap_or_default(),
                    String::new(),
                    t.name.clone(),
                    year.to_string(),
                    level.to_string(),
                    format!("{year}年{title}"),
                    organiser.to_string(),
                    form.to_string(),
                    hours.to_string(),
                    hours.to_string(),
                    date.to_string(),
                    date.to_string(),
                ]);
            }
        }
    }
    let bytes = super::national_csv(&rows)?;
    let r = super::import_national(
        store,
        scope,
        district_id,
        "demo-training.csv",
        &bytes,
        false,
        usize::MAX,
        today,
    )
    .await?;
    match (r.file_error, r.errors.first()) {
        (None, None) => Ok(()),
        (e, first) => Err(crate::Error::Internal(format!(
            "the demo's training records did not load: {e:?} {first:?}"
        ))),
    }
}
