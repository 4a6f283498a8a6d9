//! `report`: growth reports and status analyses as documents.

use crate::app::{explain, find_school, find_teacher, open_store};
use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use lingyan_domain::Locale;
use lingyan_store::Scope;
use lingyan_web::Config;
use lingyan_web::i18n::{self, t, t_args};
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
    Docx,
    Pdf,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DocFormat {
    Pdf,
    Docx,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum TableFormat {
    Text,
    Json,
    Xlsx,
}

#[derive(Subcommand)]
pub(crate) enum ReportCommand {
    /// One teacher's growth report (成长报告): profile, honours, portfolio
    /// records by kind and school year, projects, with a chart.
    Teacher {
        /// The teacher's registry id, or staff number with --school.
        #[arg(long)]
        teacher: String,
        /// School code, when --teacher is a staff number.
        #[arg(long)]
        school: Option<String>,
        /// Records from this date.
        #[arg(long)]
        from: Option<String>,
        /// Records up to this date.
        #[arg(long)]
        to: Option<String>,
        /// zh-CN or en (default: the CLI's language).
        #[arg(long)]
        lang: Option<String>,
        #[arg(long, value_enum, default_value = "pdf")]
        format: DocFormat,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// The status analysis (情况分析) of a school, or a district with --district.
    Status {
        #[arg(long, conflicts_with = "district")]
        school: Option<String>,
        #[arg(long)]
        district: Option<String>,
        /// Ages are measured on this date (default today).
        #[arg(long)]
        as_of: Option<String>,
        /// zh-CN or en (default: the CLI's language).
        #[arg(long)]
        lang: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Write here instead of standard output (required for docx).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Every district side by side (全省一览): staff, backbone teachers, age
    /// and education in brief, duty completion, teachers behind and records
    /// awaiting verification. Districts are printed one at a time as they
    /// are computed (text, json), then the total.
    Province {
        /// Evaluate on this date (default today).
        #[arg(long)]
        as_of: Option<String>,
        /// zh-CN or en (default: the CLI's language).
        #[arg(long)]
        lang: Option<String>,
        /// json prints one district per line; xlsx needs -o.
        #[arg(long, value_enum, default_value = "text")]
        format: TableFormat,
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
}

pub(crate) async fn run(loc: Locale, config: &Config, command: ReportCommand) -> Result<()> {
    let (school, district, as_of, lang, format, output) = match command {
        ReportCommand::Status {
            school,
            district,
            as_of,
            lang,
            format,
            output,
        } => (school, district, as_of, lang, format, output),
        ReportCommand::Teacher {
            teacher,
            school,
            from,
            to,
            lang,
            format,
            output,
        } => return report_teacher(loc, config, teacher, school, from, to, lang, format, output).await,
        ReportCommand::Province {
            as_of,
            lang,
            format,
            output,
        } => return report_province(loc, config, as_of, lang, format, output).await,
    };
    let store = open_store(config).await?;
    let scope = Scope::system("cli");
    let (l, as_of) = lang_and_day(loc, lang, as_of)?;
    let (name, district_name, kindergarten, analysis, schools): (
        String,
        String,
        bool,
        _,
        Vec<(String, lingyan_domain::status::StatusAnalysis)>,
    ) = match (school, district) {
        (Some(code), _) => {
            let s = find_school(loc, &store, &scope, &code).await?;
            let st = lingyan_store::status::for_school(&store, &scope, s.id, as_of)
                .await
                .map_err(|e| explain(loc, e))?;
            (
                lingyan_reports::local_name(l, &s.name, s.name_en.as_deref()).to_string(),
                s.district_name.clone(),
                s.school_type == lingyan_domain::SchoolType::Kindergarten,
                st.analysis,
                Vec::new(),
            )
        }
        (None, Some(code)) => {
            let d = lingyan_store::districts::find_by_code(&store, &code)
                .await
                .map_err(|e| explain(loc, e))?
                .ok_or_else(|| anyhow!(t_args(loc, "cli.no_district", &[("code", code.clone())])))?;
            let st = lingyan_store::status::for_district(&store, &scope, d.id, as_of)
                .await
                .map_err(|e| explain(loc, e))?;
            let schools = st
                .schools
                .into_iter()
                .map(|s| {
                    let name = lingyan_reports::local_name(l, &s.school.name, s.school.name_en.as_deref());
                    (name.to_string(), s.analysis)
                })
                .collect();
            let name = lingyan_reports::local_name(l, &d.name, d.name_en.as_deref()).to_string();
            (name, d.name.clone(), false, st.analysis, schools)
        }
        (None, None) => bail!(t(loc, "cli.school_or_district")),
    };
    let subject = if schools.is_empty() {
        lingyan_reports::status::Subject::School {
            name: &name,
            kindergarten,
            district: &district_name,
        }
    } else {
        lingyan_reports::status::Subject::District {
            name: &name,
            district: &district_name,
        }
    };
    let per_school: Vec<(String, &lingyan_domain::status::StatusAnalysis)> =
        schools.iter().map(|(n, a)| (n.clone(), a)).collect();
    let bytes: Vec<u8> = match format {
        Format::Text => lingyan_reports::status::text(subject, &analysis, &per_school, l).into_bytes(),
        Format::Json => {
            let v = serde_json::json!({
                "title": lingyan_reports::status::title(subject, l),
                "prose": lingyan_reports::status::prose(subject, &analysis, l),
                "analysis": analysis,
                "schools": schools.iter().map(|(n, a)| serde_json::json!({"school": n, "analysis": a})).collect::<Vec<_>>(),
            });
            serde_json::to_vec_pretty(&v)?
        }
        Format::Docx => lingyan_reports::status::docx(subject, &analysis, &per_school, l)?,
        Format::Pdf => lingyan_reports::status::pdf(subject, &analysis, &per_school, l)?,
    };
    match output {
        Some(path) => {
            std::fs::write(&path, &bytes)
                .with_context(|| crate::app::cannot("cli.cannot_write", &path.display()))?;
            println!(
                "{}",
                t_args(loc, "cli.written", &[("file", path.display().to_string())])
            );
        }
        None if matches!(format, Format::Docx | Format::Pdf) => bail!(t(loc, "cli.docx_needs_output")),
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(())
}

/// The document's language (`--lang`, else the CLI's) and the day
/// (`--as-of`, else today).
fn lang_and_day(
    loc: Locale,
    lang: Option<String>,
    as_of: Option<String>,
) -> Result<(Locale, chrono::NaiveDate)> {
    let l = match lang {
        Some(l) => Locale::parse(&l).map_err(|e| anyhow!(i18n::field_error(loc, &e)))?,
        None => loc,
    };
    let as_of = match as_of {
        Some(d) => {
            lingyan_domain::dates::parse_date("as_of", &d).map_err(|e| anyhow!(i18n::field_error(loc, &e)))?
        }
        None => lingyan_store::calendar::today(),
    };
    Ok((l, as_of))
}

/// `lingyan report province`: every district, one at a time, then the total.
async fn report_province(
    loc: Locale,
    config: &Config,
    as_of: Option<String>,
    lang: Option<String>,
    format: TableFormat,
    output: Option<PathBuf>,
) -> Result<()> {
    use std::io::Write;
    if format == TableFormat::Xlsx && output.is_none() {
        bail!(t(loc, "cli.xlsx_needs_output"));
    }
    let (l, as_of) = lang_and_day(loc, lang, as_of)?;
    let store = open_store(config).await?;
    let scope = Scope::system("cli");
    let districts = lingyan_store::province::districts(&store, &scope)
        .await
        .map_err(|e| explain(loc, e))?;
    // Text and JSON go to the file or the terminal as each district is done.
    let mut out: Box<dyn Write> = match (&output, format) {
        (Some(path), TableFormat::Text | TableFormat::Json) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| crate::app::cannot("cli.cannot_write", &path.display()))?,
        )),
        _ => Box::new(std::io::stdout().lock()),
    };
    let row = |cells: Vec<lingyan_reports::Cell>| {
        cells
            .iter()
            .map(lingyan_web::province::text)
            .collect::<Vec<_>>()
            .join(" | ")
    };
    if format == TableFormat::Text {
        writeln!(out, "{}", lingyan_web::province::title(l, as_of))?;
        writeln!(out, "{}", lingyan_web::province::headers(l).join(" | "))?;
    }
    let mut totals = lingyan_store::province::Totals::default();
    let mut lines = Vec::new();
    for d in &districts {
        let line = lingyan_store::province::line(&store, &scope, d, as_of)
            .await
            .map_err(|e| explain(loc, e))?;
        totals.add(&line);
        match format {
            TableFormat::Text => writeln!(out, "{}", row(lingyan_web::province::cells(l, &line)))?,
            TableFormat::Json => writeln!(out, "{}", serde_json::to_string(&line)?)?,
            TableFormat::Xlsx => lines.push(line),
        }
        out.flush()?;
    }
    match format {
        TableFormat::Text if districts.is_empty() => writeln!(out, "{}", t(loc, "province.none"))?,
        TableFormat::Text => writeln!(out, "{}", row(lingyan_web::province::total_cells(l, &totals)))?,
        TableFormat::Json => {}
        TableFormat::Xlsx => {
            let bytes = lingyan_reports::xlsx(&[lingyan_web::province::table(l, &lines, &totals)])?;
            if let Some(path) = &output {
                std::fs::write(path, bytes)
                    .with_context(|| crate::app::cannot("cli.cannot_write", &path.display()))?;
            }
        }
    }
    out.flush()?;
    drop(out);
    if let Some(path) = output {
        println!(
            "{}",
            t_args(loc, "cli.written", &[("file", path.display().to_string())])
        );
    }
    Ok(())
}

/// `lingyan report teacher`: writes one teacher's growth report.
#[allow(clippy::too_many_arguments)]
async fn report_teacher(
    loc: Locale,
    config: &Config,
    teacher: String,
    school: Option<String>,
    from: Option<String>,
    to: Option<String>,
    lang: Option<String>,
    format: DocFormat,
    output: PathBuf,
) -> Result<()> {
    let store = open_store(config).await?;
    let scope = Scope::system("cli");
    let today = lingyan_store::calendar::today();
    let id = find_teacher(loc, &store, &scope, &teacher, school.as_deref()).await?;
    let q = lingyan_web::pages::ReportQuery {
        format: match format {
            DocFormat::Pdf => "pdf".into(),
            DocFormat::Docx => "docx".into(),
        },
        from: from.unwrap_or_default(),
        to: to.unwrap_or_default(),
        lang: lang.unwrap_or_default(),
    };
    let (format, from, to, l) = q.parse(loc).map_err(|e| explain(loc, e))?;
    let made = lingyan_web::growth::make(&store, &scope, id, from, to, l, format, today)
        .await
        .map_err(|e| match e {
            lingyan_store::Error::NotFound => {
                anyhow!(t_args(loc, "cli.no_teacher", &[("teacher", teacher.clone())]))
            }
            e => explain(loc, e),
        })?;
    std::fs::write(&output, &made.bytes)
        .with_context(|| crate::app::cannot("cli.cannot_write", &output.display()))?;
    println!(
        "{}",
        t_args(loc, "cli.written", &[("file", output.display().to_string())])
    );
    Ok(())
}
