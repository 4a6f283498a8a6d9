//! `gen-data`: generated districts for benchmarks and trials.

use crate::app::{explain, open_store};
use anyhow::Result;
use clap::Args;
use lingyan_domain::Locale;
use lingyan_web::Config;
use lingyan_web::i18n::t_args;

// How much to generate.
#[derive(Args)]
pub(crate) struct GenDataArgs {
    /// Code of the new district (with --districts N: CODE1 … CODEN).
    #[arg(long, default_value = "BENCH")]
    district: String,
    #[arg(long, default_value_t = 1)]
    districts: usize,
    #[arg(long = "schools-per-district", alias = "schools", default_value_t = 10)]
    schools_per_district: usize,
    #[arg(long, default_value_t = 100)]
    teachers_per_school: usize,
    /// Teachers per district in all (overrides --teachers-per-school).
    #[arg(long)]
    teachers: Option<usize>,
    /// Portfolio records per teacher.
    #[arg(long, default_value_t = 100)]
    records: usize,
    /// School years the records spread over, ending with this one.
    #[arg(long, default_value_t = 3)]
    years: usize,
    /// Training activities per school this year (two sessions held each,
    /// up to 50 participants with attendance and credit).
    #[arg(long, default_value_t = 0)]
    activities_per_school: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Password of the two accounts made for logging in.
    #[arg(long, default_value = "lingyan-bench")]
    password: String,
}

pub(crate) async fn run(loc: Locale, config: &Config, args: GenDataArgs) -> Result<()> {
    let GenDataArgs {
        district,
        districts,
        schools_per_district,
        teachers_per_school,
        teachers,
        records,
        years,
        activities_per_school,
        seed,
        password,
    } = args;
    let store = open_store(config).await?;
    let schools = schools_per_district.max(1);
    let opts = lingyan_store::generate::GenOptions {
        district,
        districts: districts.max(1),
        schools_per_district: schools,
        teachers_per_school: teachers
            .map(|t| t.div_ceil(schools))
            .unwrap_or(teachers_per_school),
        records,
        years,
        seed,
        password,
        activities_per_school,
    };
    let total = opts.districts * opts.schools_per_district * opts.teachers_per_school * records;
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let r = lingyan_store::generate::generate(&store, &opts, lingyan_store::calendar::today(), |done, _| {
        bar.set_position(done)
    })
    .await
    .map_err(|e| explain(loc, e))?;
    bar.finish_and_clear();
    if r.activities > 0 {
        println!(
            "{}",
            t_args(
                loc,
                "cli.generated_activities",
                &[
                    ("activities", r.activities.to_string()),
                    ("attendance", r.attendance.to_string()),
                    ("feedback", r.feedback.to_string()),
                ]
            )
        );
    }
    println!(
        "{}",
        t_args(
            loc,
            "cli.generated",
            &[
                ("districts", r.district_ids.len().to_string()),
                ("schools", r.school_ids.len().to_string()),
                ("teachers", r.teachers.to_string()),
                ("records", r.records.to_string()),
                ("secs", format!("{:.1}", started.elapsed().as_secs_f64())),
                ("director", r.director.clone()),
                ("teacher", r.teacher.clone()),
                ("teacher_id", r.first_teacher_id.to_string()),
                ("school_id", r.school_ids[0].to_string()),
            ]
        )
    );
    Ok(())
}
