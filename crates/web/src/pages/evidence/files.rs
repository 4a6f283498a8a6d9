//! Attachments (adding, viewing, removing) and downloads, including the
//! growth report.

use super::*;

/// `POST /evidence/{id}/attachments`: a file or a phone photo.
pub(crate) async fn view_attach_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let Some((name, bytes)) = read_file(&mut multipart).await? else {
        let e = lingyan_domain::FieldError::new("file", "required");
        return evidence_page(
            &state,
            &caller,
            ctx.clone(),
            id,
            Some(crate::pages::field_message(ctx.tr, &e)),
        )
        .await;
    };
    match lingyan_store::attachments::attach(
        &state.store,
        &caller.scope,
        Target::Evidence(id),
        &name,
        &bytes,
        today(),
    )
    .await
    {
        Ok(a) => {
            flash(
                &session,
                "ok",
                ctx.tr.t1("evidence.attached", "name", &a.filename),
            )
            .await;
            Ok(redirect(&format!("/evidence/{id}")))
        }
        Err(e @ Error::Invalid(_)) => {
            let msg = crate::pages::message_for(&e);
            evidence_page(&state, &caller, ctx, id, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(crate) struct DownloadQuery {
    #[serde(default)]
    inline: String,
}

/// A file response with its name kept in any language (RFC 6266: an
/// ASCII fallback and the UTF-8 name).
pub(crate) fn file_response(
    bytes: Vec<u8>,
    content_type: &str,
    filename: &str,
    disposition: &str,
) -> Response {
    let encoded: String = form_urlencoded::byte_serialize(filename.as_bytes()).collect();
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{}",
        encoded.replace('+', "%20")
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    resp
}

/// A generated file for download.
pub fn download(bytes: Vec<u8>, content_type: &str, filename: &str) -> Response {
    file_response(bytes, content_type, filename, "attachment")
}

#[derive(Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub lang: String,
}

impl ReportQuery {
    /// Format, period and language, checked.
    pub fn parse(
        &self,
        default: lingyan_domain::Locale,
    ) -> Result<
        (
            crate::growth::Format,
            Option<NaiveDate>,
            Option<NaiveDate>,
            lingyan_domain::Locale,
        ),
        Error,
    > {
        let date = |field: &'static str, s: &str| -> Result<Option<NaiveDate>, Error> {
            match s.trim() {
                "" => Ok(None),
                d => Ok(Some(lingyan_domain::dates::parse_date(field, d)?)),
            }
        };
        let lang = match self.lang.trim() {
            "" => default,
            l => lingyan_domain::Locale::parse(l)?,
        };
        Ok((
            crate::growth::Format::parse(&self.format)?,
            date("from", &self.from)?,
            date("to", &self.to)?,
            lang,
        ))
    }
}

/// `GET /teachers/{id}/report?format=pdf|docx[&from&to&lang]`: the growth
/// report, for whoever may see the portfolio.
pub(crate) async fn view_growth_report_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let (format, from, to, lang) = q.parse(ctx.tr.0)?;
    let made = crate::growth::make(&state.store, &caller.scope, id, from, to, lang, format, today()).await?;
    Ok(download(made.bytes, format.content_type(), &made.filename))
}

/// The response for an attachment: inline for previews (images and PDFs
/// only, framable by this site), otherwise as a download.
pub fn attachment_response(d: lingyan_store::attachments::Download, inline: bool) -> Response {
    let previewable = d.content_type.starts_with("image/") || d.content_type == "application/pdf";
    let disposition = if inline && previewable {
        "inline"
    } else {
        "attachment"
    };
    let mut resp = file_response(d.bytes, &d.content_type, &d.filename, disposition);
    let h = resp.headers_mut();
    // A PDF preview is shown in a frame of the record page.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    resp
}

/// `GET /attachments/{id}[?inline=1]`: authorised like the record.
pub(crate) async fn view_attachment_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<DownloadQuery>,
) -> Result<Response, PageError> {
    let d = lingyan_store::attachments::download(&state.store, &caller.scope, id, today()).await?;
    Ok(attachment_response(d, q.inline == "1"))
}

/// `POST /attachments/{id}/delete`
pub(crate) async fn view_attachment_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let target = lingyan_store::attachments::detach(&state.store, &caller.scope, id, today()).await?;
    flash(&session, "ok", ctx.tr.t("evidence.detached")).await;
    Ok(redirect(&match target {
        Target::Evidence(e) => format!("/evidence/{e}"),
        Target::Project(p) => format!("/projects/{p}"),
    }))
}
