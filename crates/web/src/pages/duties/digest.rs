//! The leaders' digest: what falls due soon, who is behind.

use super::matrix::{MatrixQuery, load_matrix};
use super::*;

#[derive(Deserialize, Default)]
pub(super) struct DigestQuery {
    #[serde(default)]
    school: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    days: Option<u32>,
}

#[derive(Template)]
#[template(path = "duties_digest.html")]
struct DigestPage {
    ctx: PageCtx,
    school_id: i64,
    school_name: String,
    as_of: NaiveDate,
    days: u32,
    digest: Digest,
    names: HashMap<i64, String>,
}

/// `GET /duties/digest?school=&days=&as_of=`
pub(super) async fn view_duties_digest_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<DigestQuery>,
) -> Result<Response, PageError> {
    let days = q.days.unwrap_or(14).min(366);
    let mq = MatrixQuery {
        school: q.school.clone(),
        as_of: q.as_of.clone(),
        ..Default::default()
    };
    let (p, _) = load_matrix(&state, &caller, ctx.tr, &mq).await?;
    let digest = lingyan_store::duties::digest_of(&p, days);
    let names = p
        .teachers
        .iter()
        .map(|t| (t.teacher_id, t.name.clone()))
        .collect();
    let school_name = ctx.tr.name(&p.school_name, &p.school_name_en).to_string();
    Ok(render(&DigestPage {
        ctx,
        school_id: p.school_id,
        school_name: school_name.to_string(),
        as_of: p.as_of,
        days,
        digest,
        names,
    }))
}
