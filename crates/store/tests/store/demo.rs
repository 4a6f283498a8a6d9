//! The demo schools reproduce the seeds' status analyses, and the prose
//! reads like them in both languages.

use lingyan_domain::{Employment, Level, Locale, Post};
use lingyan_reports::status::{Subject, prose};
use lingyan_store::testing::{Db, fresh};
use lingyan_store::{Scope, both_dbs, calendar, schools, status};

async fn demo_matches_the_seeds(db: Db) {
    let (store, _dir) = fresh(db).await;
    lingyan_store::demo::load(&store)
        .await
        .unwrap()
        .expect("demo loads into an empty database");
    let scope = Scope::system("test");
    let today = calendar::today();

    // Seed 000: 100 staff; 5 provincial, 9 municipal, 13 county, 13 school-level backbone teachers.
    let gf = schools::get_by_code(&store, &scope, "GFSY").await.unwrap();
    let a = status::for_school(&store, &scope, gf.id, today)
        .await
        .unwrap()
        .analysis;
    assert_eq!(a.staff, 100);
    assert_eq!(
        a.backbone_by_level,
        vec![
            (Level::Provincial, 5),
            (Level::Municipal, 9),
            (Level::County, 13),
            (Level::School, 13)
        ]
    );
    let zh = prose(
        Subject::School {
            name: &gf.name,
            kindergarten: false,
            district: &gf.district_name,
        },
        &a,
        Locale::ZhCn,
    )
    .join("");
    assert!(zh.contains("现有在岗教职员工100人"), "{zh}");
    // One sentence for the titles: the honours above a backbone title,
    // the backbone teachers by level (区级 in a 区), those in the front
    // line, then the rest; English plurals.
    assert!(
        zh.contains("现有市级学科带头人3人和区级名师1人；省级骨干教师5人、市级骨干教师9人、区级骨干教师13人和校级骨干教师13人，共40人，占教职工总数的40%，其中一线教学骨干教师33人；另有区级教坛新秀3人和校级师德标兵2人。"),
        "{zh}"
    );
    assert!(zh.contains("男25人，女75人。"), "{zh}");
    // 本科及以上 counts only degrees; the rest follow it, not inside it.
    assert!(
        zh.contains("本科及以上学历76人，占76%（硕士5人和本科71人）。其余为大专20人和中专4人。"),
        "{zh}"
    );
    let en = prose(
        Subject::School {
            name: &gf.name,
            kindergarten: false,
            district: &gf.district_name,
        },
        &a,
        Locale::En,
    )
    .join(" ");
    assert!(en.contains("has 100 in-service staff"), "{en}");
    assert!(en.contains("There are 3 municipal-level discipline leaders and 1 district-level famous teacher; 5 provincial-level, 9 municipal-level, 13 district-level and 13 school-level backbone teachers, 40 in all (40% of all staff), 33 of them teaching in the front line; there are also 3 district-level rising stars and 2 school-level ethics models."), "{en}");
    assert!(en.contains("25 are men and 75 women."), "{en}");

    // Seed 002 篇1: 86 staff, 47 on the establishment, 15 under 30 (17%),
    // 56 front-line: 24 on the establishment (43%), 32 on contract (57%):
    // 18 teachers and 14 care staff; 24 of 38 full-time teachers trained
    // for the post.
    let kg = schools::get_by_code(&store, &scope, "YGYEY").await.unwrap();
    let a = status::for_school(&store, &scope, kg.id, today)
        .await
        .unwrap()
        .analysis;
    assert_eq!(a.staff, 86);
    assert_eq!(a.employment(Employment::OnEstablishment).count, 47);
    assert_eq!((a.under(30).count, a.under(30).percent()), (15, 17));
    assert_eq!(a.front_line.count, 56);
    let fo = a.front_line_employment(Employment::OnEstablishment);
    let fc = a.front_line_employment(Employment::Contract);
    assert_eq!((fo.count, fo.percent(), fc.count, fc.percent()), (24, 43, 32, 57));
    assert_eq!(
        a.front_line_contract_by_post,
        vec![(Post::FullTimeTeacher, 18), (Post::CareStaff, 14)]
    );
    assert_eq!(a.front_line_full_time_teachers, 38);
    assert_eq!((a.major_matches.count, a.major_matches.of), (24, 38));
    let zh = prose(
        Subject::School {
            name: &kg.name,
            kindergarten: true,
            district: &kg.district_name,
        },
        &a,
        Locale::ZhCn,
    )
    .join("");
    assert!(
        zh.contains("阳光幼儿园现有在岗教职员工86人，其中在编在岗47人"),
        "{zh}"
    );
    assert!(zh.contains("30岁以下青年教师15人，占全园教职工总数的17%"), "{zh}");
    assert!(
        zh.contains(
            "一线教职工56人中，在编在岗24人，占43%；临聘32人，占57%（其中专任教师18人和生活老师14人）"
        ),
        "{zh}"
    );
    // Seed 002: the chief teacher first; one level needs no total.
    assert!(
        zh.contains("现有市级首席教师1人；市级骨干教师3人，占教职工总数的3%，均为一线教学骨干。"),
        "{zh}"
    );
    assert!(zh.contains("全部为女性。") && !zh.contains("男0人"), "{zh}");
    assert!(zh.contains("其中学前教育专业毕业的24人，占63%。"), "{zh}");
    assert!(
        zh.contains("本科及以上学历14人，占16%（本科14人）。其余为大专24人和中专48人。"),
        "{zh}"
    );
    let en = prose(
        Subject::School {
            name: &kg.name,
            kindergarten: true,
            district: &kg.district_name,
        },
        &a,
        Locale::En,
    )
    .join(" ");
    assert!(
        en.contains("15 staff are under 30 (17% of the kindergarten's staff)"),
        "{en}"
    );
    assert!(
        en.contains("There is 1 municipal-level chief teacher; 3 municipal-level backbone teachers (3% of all staff), all teaching in the front line."),
        "{en}"
    );
    assert!(en.contains("All are women.") && !en.contains("0 are men"), "{en}");
    assert!(en.contains("Of the 56 front-line staff, 24 (43%) are on the establishment and 32 (57%) on contract (18 full-time teachers and 14 care staff)"), "{en}");

    // The district adds both up.
    let d = status::for_district(&store, &scope, gf.district_id, today)
        .await
        .unwrap();
    assert_eq!(d.analysis.staff, 186);
    assert_eq!(d.schools.len(), 2);

    // Demo accounts are linked to their teacher records.
    let teacher = lingyan_store::users::find_by_username(&store, &scope, "teacher")
        .await
        .unwrap();
    let own = lingyan_store::teachers::own_record(
        &store,
        &lingyan_store::users::scope_for(
            &store,
            &lingyan_store::auth::account(&store, teacher.id)
                .await
                .unwrap()
                .unwrap(),
            None,
        )
        .await
        .unwrap(),
        today,
    )
    .await
    .unwrap()
    .expect("linked");
    assert_eq!(own.fields.name, "张晓雨");
    assert_eq!(own.tier.tier.as_deref(), Some("young"));
}
both_dbs!(demo_matches_the_seeds);

/// Every demo record has a history a school would recognise: entered under
/// its owner's name, verified or returned by the training director, at
/// times after the record's own date and before now — never the loader.
async fn demo_records_have_a_history(db: Db) {
    use lingyan_domain::{EvidenceStatus, PageRequest};
    use lingyan_store::evidence::{self, EvidenceFilter};
    let (store, _dir) = fresh(db).await;
    lingyan_store::demo::load(&store).await.unwrap().unwrap();
    let scope = Scope::system("test");
    let today = calendar::today();
    let gf = schools::get_by_code(&store, &scope, "GFSY").await.unwrap();
    let kg = schools::get_by_code(&store, &scope, "YGYEY").await.unwrap();
    let now = chrono::Utc::now();
    let mut seen = std::collections::BTreeSet::new();
    for (school, director) in [(gf.id, "金朝飞"), (kg.id, "赵静")] {
        let page = evidence::list(
            &store,
            &scope,
            &EvidenceFilter {
                school_id: Some(school),
                ..Default::default()
            },
            PageRequest::new(Some(1), Some(500)),
            today,
        )
        .await
        .unwrap();
        assert!(page.items.len() > 100, "the demo school has records");
        for e in page.items.iter().step_by(7) {
            let d = evidence::get(&store, &scope, e.id, today).await.unwrap();
            let first = d.events.first().expect("every record has a history");
            assert_eq!(first.action, "recorded");
            assert_eq!(first.by, e.owner_name, "entered by its owner");
            // Dates are the schools' (UTC+8, as `calendar::today`).
            let local = (first.at + chrono::Duration::hours(8)).date_naive();
            assert!(
                local >= e.occurred_on && first.at <= now,
                "{local} {}",
                e.occurred_on
            );
            match e.status {
                EvidenceStatus::Recorded => assert_eq!(d.events.len(), 1),
                _ => {
                    let last = d.events.last().unwrap();
                    assert_eq!(d.events.len(), 2, "{:?}", d.events);
                    assert_eq!(last.action, e.status.code());
                    assert_eq!(last.by, director);
                    assert!(last.at >= first.at && last.at <= now);
                    assert_eq!(d.evidence.status_at, Some(last.at));
                    seen.insert(last.action.clone());
                }
            }
            assert!(d.events.iter().all(|ev| ev.by != "demo"));
        }
    }
    assert!(seen.contains("verified"));
}
both_dbs!(demo_records_have_a_history);
