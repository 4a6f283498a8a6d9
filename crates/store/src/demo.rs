//! The demo installation: one district with two schools (a primary school
//! modelled on seed 000 and a kindergarten) and one account per role, all
//! with the same password. Loaded only into an empty database.

use crate::districts::{self, DistrictChanges};
use crate::schools::{self, SchoolChanges};
use crate::users::{self, GrantPlace, NewUser};
use crate::{Result, Scope, Store};
use lingyan_domain::Role;

/// The password of every demo account.
pub const PASSWORD: &str = "lingyan-demo";

/// One demo login, for printing.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: &'static str,
    pub role: Role,
    pub place: String,
}

/// What the demo created, or `None` when the database already had accounts.
pub async fn load(store: &Store) -> Result<Option<Vec<DemoLogin>>> {
    if users::any_exist(store).await? {
        return Ok(None);
    }
    let scope = Scope::system("demo");
    let district = districts::create(
        store,
        &scope,
        DistrictChanges {
            code: Some("GF".into()),
            name: Some("广府区".into()),
            name_en: Some("Guangfu District".into()),
        },
    )
    .await?;
    let primary = schools::create(
        store,
        &scope,
        district.id,
        SchoolChanges {
            code: Some("GFSY".into()),
            name: Some("广府实验小学".into()),
            name_en: Some("Guangfu Experimental Primary School".into()),
            school_type: Some("primary".into()),
            active: Some(true),
        },
    )
    .await?;
    let kindergarten = schools::create(
        store,
        &scope,
        district.id,
        SchoolChanges {
            code: Some("YGYEY".into()),
            name: Some("阳光幼儿园".into()),
            name_en: Some("Sunshine Kindergarten".into()),
            school_type: Some("kindergarten".into()),
            active: Some(true),
        },
    )
    .await?;

    // (username, display name, role, home school; None = district account)
    let accounts: [(&'static str, &str, Role, Option<&schools::School>); 9] = [
        ("sysadmin", "系统管理员", Role::SystemAdmin, None),
        ("district", "师训科 刘敏", Role::DistrictAdmin, None),
        ("inspector", "督导 陈建国", Role::Inspector, None),
        ("principal", "方胜利", Role::Principal, Some(&primary)),
        ("director", "金朝飞", Role::TrainingDirector, Some(&primary)),
        ("leader", "王丽华", Role::GroupLeader, Some(&primary)),
        ("mentor", "李秀英", Role::Mentor, Some(&primary)),
        ("teacher", "张晓雨", Role::Teacher, Some(&primary)),
        ("kgdirector", "赵静", Role::TrainingDirector, Some(&kindergarten)),
    ];
    let mut logins = Vec::new();
    for (username, name, role, school) in accounts {
        let (school_id, district_id) = match (role, school) {
            (Role::SystemAdmin, _) => (None, None),
            (_, Some(s)) => (Some(s.id), None),
            (_, None) => (None, Some(district.id)),
        };
        let u = users::create(
            store,
            &scope,
            NewUser {
                username: username.into(),
                display_name: name.into(),
                password: PASSWORD.into(),
                school_id,
                district_id,
                roles: vec![role.code().into()],
                locale: None,
            },
        )
        .await?;
        // Leaders and mentors teach too.
        if matches!(role, Role::GroupLeader | Role::Mentor | Role::TrainingDirector) {
            users::grant_role(store, &scope, u.id, Role::Teacher.code(), GrantPlace::default()).await?;
        }
        logins.push(DemoLogin {
            username,
            role,
            place: u.home_name.unwrap_or_default(),
        });
    }
    Ok(Some(logins))
}
