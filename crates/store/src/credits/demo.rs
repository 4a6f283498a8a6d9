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

/// A one-page PDF standing in for a scanned certificate.
const CERTIFICATE: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 298]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length 93>>stream\nBT /F1 20 Tf 60 190 Td (Certificate of completion) Tj 0 -40 Td /F1 12 Tf (Lingyan demo) Tj ET\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

async fn as_user(store: &Store, username: &str) -> Result<Scope> {
    let u = crate::entity::user::Entity::find()
        .filter(crate::entity::user::Column::Username.eq(username))
        .one(store.conn())
        .await?
        .ok_or(crate::Error::NotFound)?;
    let account = crate::auth::account(store, u.id)
        .await?
        .ok_or(crate::Error::NotFound)?;
    crate::users::scope_for(store, &account, None).await
}

/// The demo's claims: the teacher's counted one (through the school and the
/// district), one waiting for the school, one returned with a reason; the
/// mentor's waiting for the district.
pub(crate) async fn claims(store: &Store, today: NaiveDate) -> Result<()> {
    use super::claims::{Certificate, Decision, decide, submit};
    use lingyan_domain::Level;
    use lingyan_domain::credits::claims::ClaimInput;
    use lingyan_domain::credits::{Amount, Area, Earning, Form, What};
    if store.blobs().is_none() {
        return Ok(());
    }
    let (teacher, mentor) = (as_user(store, "teacher").await?, as_user(store, "mentor").await?);
    let (director, district) = (
        as_user(store, "director").await?,
        as_user(store, "district").await?,
    );
    let claim = |title: &str,
                 organiser: &str,
                 days_ago: i64,
                 form: Form,
                 level: Level,
                 area: Option<Area>,
                 hours: i64| {
        let day = today - chrono::Duration::days(days_ago);
        ClaimInput {
            title: title.into(),
            organiser: organiser.into(),
            start: day,
            end: day,
            form,
            level: Some(level),
            area,
            what: What::Earning(Earning::OutsideTraining),
            hours: Amount::whole(hours),
            credits: None,
            note: String::new(),
            prior_approval: String::new(),
        }
    };
    let cert = || {
        Some(Certificate {
            filename: "结业证书.pdf",
            bytes: CERTIFICATE,
        })
    };
    let counted = submit(
        store,
        &teacher,
        claim(
            "师德师风专题网络研修",
            "国家中小学智慧教育平台",
            40,
            Form::Online,
            Level::National,
            Some(Area::Ethics),
            8,
        ),
        cert(),
        None,
        today,
    )
    .await?;
    decide(store, &director, counted.id, Decision::Approve).await?;
    decide(store, &district, counted.id, Decision::Approve).await?;
    submit(
        store,
        &teacher,
        claim(
            "全国小学语文教学观摩研讨会",
            "中国教育学会小学语文教学专业委员会",
            12,
            Form::Centralized,
            Level::National,
            Some(Area::Method),
            12,
        ),
        cert(),
        None,
        today,
    )
    .await?;
    let returned = submit(
        store,
        &teacher,
        claim(
            "市级青年教师读书分享会",
            "市教育科学研究院",
            25,
            Form::Centralized,
            Level::Municipal,
            None,
            4,
        ),
        cert(),
        None,
        today,
    )
    .await?;
    decide(
        store,
        &director,
        returned.id,
        Decision::Reject("证书未盖章，请补交盖章的证书扫描件后重新申报。".into()),
    )
    .await?;
    let waiting = submit(
        store,
        &mentor,
        claim(
            "省级骨干教师培训（第一阶段）",
            "省教师发展中心",
            30,
            Form::Centralized,
            Level::Provincial,
            Some(Area::Research),
            24,
        ),
        cert(),
        None,
        today,
    )
    .await?;
    decide(store, &director, waiting.id, Decision::Approve).await?;
    Ok(())
}
