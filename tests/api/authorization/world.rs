//! The rows' vocabulary and the world they are called in: who calls, how a row is called, and
//! the organisations, locations, codes and tokens its path is filled with. Shared by the
//! authorization matrix and the fuzz suite (`tests/fuzz`, which includes this file).

use veilig::domain::incidents::{Kind, Perpetrator, Quarter, QuarterReport, Tally};
use veilig::domain::staff::Scope;
use veilig::domain::wave::WaveState;
use veilig::domain::SettingType;
use veilig_tests::TestApp;

/// Who calls: nobody, then each role. Institution roles belong to De Linde.
pub(crate) const CALLERS: [&str; 5] = [
    "nobody",
    "admin",
    "researcher",
    "institution_admin",
    "institution_viewer",
];

#[derive(Clone, Copy)]
pub enum Body {
    None,
    Form(&'static [(&'static str, &'static str)]),
    Multipart(&'static [(&'static str, &'static str)]),
    Json(&'static str),
    /// The incident form for 2023 Q1 with every count 0, then these fields.
    Incidents(&'static [(&'static str, &'static str)]),
}

/// How the caller proves who they are.
#[derive(Clone, Copy, PartialEq)]
pub enum Auth {
    /// A signed-in browser (session cookie, CSRF token in forms).
    Session,
    /// A personal API token.
    Token,
    /// Nothing: public.
    Public,
}

pub struct Row {
    pub method: &'static str,
    /// The route as registered (for the completeness check).
    pub route: &'static str,
    /// The path called; `{own_location}`, `{other_org}`, `{user}`, `{wave}`, … are filled in.
    pub path: &'static str,
    pub auth: Auth,
    pub body: Body,
    /// Expected status per caller, in the order of `CALLERS`.
    pub expect: [u16; 5],
    /// Text every successful answer on this row must contain.
    pub shows: &'static [&'static str],
    /// Text a researcher's successful answer must contain as well.
    pub researcher_shows: &'static [&'static str],
}

pub(crate) struct World {
    own_org: String,
    other_org: String,
    own_location: String,
    other_location: String,
    user: String,
    wave: String,
    other_token: String,
    /// Two codes per caller at each organisation (revoke and reissue change them).
    own_codes: Vec<String>,
    other_codes: Vec<String>,
    /// The hashed asset prefix, `/assets/<hash>`.
    assets: String,
}

/// A registration with `recorded` physical incidents by a peer in 2023 Q2.
async fn registered(
    app: &TestApp,
    organisation: i32,
    setting: SettingType,
    placed: u32,
    recorded: u32,
) {
    let mut report = QuarterReport::empty(setting, Quarter::new(2023, 2).unwrap(), placed);
    report
        .set(
            Kind::Physical,
            Perpetrator::Peer,
            Tally {
                recorded,
                reported: 0,
            },
        )
        .unwrap();
    assert!(
        veilig::store::incidents::save(&app.db, Scope::National, organisation, &report)
            .await
            .unwrap()
    );
}

pub(crate) async fn world(app: &TestApp) -> World {
    let locations = app.with_register().await;
    app.wave("2021", WaveState::Published).await;
    let wave = app.wave("2023", WaveState::Open).await;
    let (linde, west) = (
        app.organisation_id("De Linde").await,
        app.organisation_id("Pleegzorg West").await,
    );
    registered(app, linde, SettingType::Closed, 8, 1234).await;
    registered(app, west, SettingType::FosterCare, 30, 4321).await;
    let dummy = app.add_staff("dummy@example.nl", "researcher", None).await;
    let owner = app.add_staff("owner@example.nl", "researcher", None).await;
    let token = veilig::auth::token::Token::generate();
    let other_token = veilig::store::tokens::create(&app.db, owner, "other", &token.hash())
        .await
        .unwrap();
    World {
        own_org: linde.to_string(),
        other_org: west.to_string(),
        own_location: locations["Groep Eik"].to_string(),
        other_location: locations["Team 1"].to_string(),
        user: dummy.to_string(),
        wave: wave.to_string(),
        other_token: other_token.to_string(),
        own_codes: app
            .codes("2023", locations["Groep Eik"], 2 * CALLERS.len())
            .await,
        other_codes: app
            .codes("2023", locations["Team 1"], 2 * CALLERS.len())
            .await,
        assets: app.asset_prefix().await,
    }
}

pub(crate) fn fill(text: &str, w: &World, caller: usize) -> String {
    text.replace("{own_location}", &w.own_location)
        .replace("{other_location}", &w.other_location)
        .replace("{own_org}", &w.own_org)
        .replace("{other_org}", &w.other_org)
        .replace("{user}", &w.user)
        .replace("{wave}", &w.wave)
        .replace("{other_token}", &w.other_token)
        .replace("{assets}", &w.assets)
        .replace("{own_code_2}", &w.own_codes[2 * caller + 1])
        .replace("{own_code}", &w.own_codes[2 * caller])
        .replace("{other_code_2}", &w.other_codes[2 * caller + 1])
        .replace("{other_code}", &w.other_codes[2 * caller])
}

pub(crate) fn incident_fields(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = vec![
        ("quarter".into(), "2023-Q1".into()),
        ("children_placed".into(), "10".into()),
    ];
    for k in Kind::ALL {
        for p in Perpetrator::ALL {
            for reported in [false, true] {
                fields.push((
                    veilig::domain::incidents::field_name(k, p, reported),
                    "0".into(),
                ));
            }
        }
    }
    // Later fields win: serde keeps the last of a repeated name.
    fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    fields
}
