//! Tier rules as data per school and year, inheritance, and overrides.

use chrono::NaiveDate;
use lingyan_domain::tiers::TierRule;
use lingyan_domain::{PageRequest, TierRules};
use lingyan_store::teachers::{TeacherFilter, list};
use lingyan_store::testing::{Db, demo};
use lingyan_store::{Scope, both_dbs, schools, tiers};

async fn rules_by_year_and_overrides(db: Db) {
    let (store, _dir) = demo(db, true).await;
    let scope = Scope::system("t");
    let gf = schools::get_by_code(&store, &scope, "GFSY").await.unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(); // school year 2026
    let tier_of = |name: &'static str| {
        let store = store.clone();
        let scope = scope.clone();
        async move {
            list(
                &store,
                &scope,
                &TeacherFilter {
                    q: Some(name.into()),
                    ..Default::default()
                },
                PageRequest::default(),
                today,
            )
            .await
            .unwrap()
            .items[0]
                .tier
                .clone()
        }
    };
    // Standard rules: 张晓雨 (26) is young.
    assert_eq!(tier_of("张晓雨").await.tier.as_deref(), Some("young"));
    let view = tiers::get(&store, &scope, gf.district_id, Some(gf.id), 2026)
        .await
        .unwrap();
    assert_eq!(view.source, lingyan_store::rule_sets::Source::Default);

    // The school says "young" means under 25 from 2026 on.
    let mut rules = TierRules::standard();
    rules.tiers[1].age_below = Some(25);
    tiers::set(&store, &scope, gf.district_id, Some(gf.id), 2026, rules)
        .await
        .unwrap();
    let t = tier_of("张晓雨").await;
    assert_eq!(t.tier.as_deref(), Some("mature"));
    // 2025's results do not change: that year still uses the standard rules.
    let y2025 = tiers::get(&store, &scope, gf.district_id, Some(gf.id), 2025)
        .await
        .unwrap();
    assert_eq!(y2025.source, lingyan_store::rule_sets::Source::Default);
    // 2027 inherits 2026's.
    let y2027 = tiers::get(&store, &scope, gf.district_id, Some(gf.id), 2027)
        .await
        .unwrap();
    assert_eq!(
        y2027.source,
        lingyan_store::rule_sets::Source::School { year: 2026 }
    );

    // Bad rules are refused with the tier named.
    let mut bad = TierRules::standard();
    bad.tiers
        .insert(0, TierRule::named("everyone", "全体", "everyone"));
    let e = tiers::set(&store, &scope, gf.district_id, Some(gf.id), 2026, bad)
        .await
        .unwrap_err();
    assert!(
        matches!(e, lingyan_store::Error::Invalid(ref f) if f.code == "tier_catch_all_not_last"),
        "{e:?}"
    );

    // A leader sets the tier by hand, with a reason that explains it.
    let id = list(
        &store,
        &scope,
        &TeacherFilter {
            q: Some("张晓雨".into()),
            ..Default::default()
        },
        PageRequest::default(),
        today,
    )
    .await
    .unwrap()
    .items[0]
        .id;
    let e = tiers::set_override(&store, &scope, id, 2026, "young", " ")
        .await
        .unwrap_err();
    assert!(matches!(e, lingyan_store::Error::Invalid(ref f) if f.field == "reason"));
    let e = tiers::set_override(&store, &scope, id, 2026, "genius", "x")
        .await
        .unwrap_err();
    assert!(matches!(e, lingyan_store::Error::Invalid(ref f) if f.code == "unknown_tier"));
    tiers::set_override(&store, &scope, id, 2026, "young", "新入职，按青年教师培养")
        .await
        .unwrap();
    let t = tier_of("张晓雨").await;
    assert_eq!(t.tier.as_deref(), Some("young"));
    assert_eq!(
        t.explain(lingyan_domain::Locale::ZhCn),
        "青年教师：人工指定：新入职，按青年教师培养"
    );
    tiers::clear_override(&store, &scope, id, 2026).await.unwrap();
    assert_eq!(tier_of("张晓雨").await.tier.as_deref(), Some("mature"));
}
both_dbs!(rules_by_year_and_overrides);
