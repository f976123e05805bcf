//! The register: importing organisations and locations from a CSV file, listing them, and
//! adding one at a time, through the store and the `veilig` command functions.

use sea_orm::ConnectionTrait;
use std::path::PathBuf;
use veilig::commands::organisations as command;
use veilig::domain::organisation_import::{self, ChildrenPlaced, ImportRow, RegisterName};
use veilig::domain::staff::Scope;
use veilig::domain::SettingType;
use veilig::store::organisations::{self, CreateError, ImportSummary};
use veilig_tests::{on_both_databases, Db, TestApp};

/// The file a researcher's spreadsheet program saves: `;`, a byte order mark, CRLF.
const REGISTER: &str = "\u{feff}organisation;region;location;setting_type;children_placed\r\n\
    De Linde;Utrecht;Groep Eik;open_residential;10\r\n\
    De Linde;Utrecht;De Bunker;closed;8\r\n\
    Pleegzorg West;Haaglanden;Team 1;foster_care;30\r\n\
    Amstelhuis;Amsterdam-Amstelland;Gezinshuis Zuid;gezinshuis;4\r\n";

/// Rows 3 and 5 have problems, the others are fine.
const BROKEN: &str = "organisation,region,location,setting_type,children_placed\n\
    De Linde,Utrecht,Groep Eik,open_residential,10\n\
    De Linde,Utrecht,De Bunker,prison,8\n\
    Pleegzorg West,Haaglanden,Team 1,foster_care,30\n\
    Amstelhuis,Amsterdam-Amstelland,Gezinshuis Zuid,gezinshuis,vier\n";

async fn import(app: &TestApp, csv: &str) -> ImportSummary {
    let rows = organisation_import::parse(csv).expect("a valid register");
    organisations::import(&app.db, &rows)
        .await
        .expect("the register is imported")
}

fn name(text: &str) -> RegisterName {
    RegisterName::parse(text).expect("a valid name")
}

/// `veilig`'s global options, pointed at the test's database.
fn global(app: &TestApp) -> veilig::cli::GlobalArgs {
    veilig::cli::GlobalArgs {
        database_url: app.database.url.clone(),
        pepper_file: None,
        instruments_dir: None,
    }
}

/// A CSV file in a fresh directory, removed when dropped.
struct CsvFile(PathBuf);

impl CsvFile {
    fn new(text: &str) -> CsvFile {
        let dir = std::env::temp_dir().join(format!("veilig-register-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let path = dir.join("register.csv");
        std::fs::write(&path, text).expect("the file is written");
        CsvFile(path)
    }
}

impl Drop for CsvFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

on_both_databases! {
    async fn a_register_is_imported_and_listed_by_name(app) {
        let summary = import(&app, REGISTER).await;
        assert_eq!(summary, ImportSummary {
            regions_created: 3,
            organisations_created: 3,
            organisations_moved: 0,
            locations_created: 4,
            locations_updated: 0,
        });

        let listed = organisations::list_organisations(&app.db, Scope::National).await.unwrap();
        let names: Vec<(&str, &str)> = listed.iter().map(|o| (o.name.as_str(), o.region.as_str())).collect();
        assert_eq!(names, [
            ("Amstelhuis", "Amsterdam-Amstelland"),
            ("De Linde", "Utrecht"),
            ("Pleegzorg West", "Haaglanden"),
        ]);
        assert!(listed.iter().all(|o| !o.synthetic), "an imported organisation is real");
        let regions: Vec<String> = organisations::list_regions(&app.db).await.unwrap().into_iter().map(|(_, n)| n).collect();
        assert_eq!(regions, ["Amsterdam-Amstelland", "Haaglanden", "Utrecht"]);

        let locations = organisations::list_locations(&app.db, Scope::National).await.unwrap();
        let rows: Vec<(&str, &str, SettingType, i32)> = locations
            .iter()
            .map(|l| (l.organisation.as_str(), l.name.as_str(), l.setting_type, l.children_placed))
            .collect();
        assert_eq!(rows, [
            ("Amstelhuis", "Gezinshuis Zuid", SettingType::Gezinshuis, 4),
            ("De Linde", "De Bunker", SettingType::Closed, 8),
            ("De Linde", "Groep Eik", SettingType::OpenResidential, 10),
            ("Pleegzorg West", "Team 1", SettingType::FosterCare, 30),
        ]);

        let linde = app.organisation_id("De Linde").await;
        let own: Vec<String> = organisations::list_locations(&app.db, Scope::Organisation(linde)).await.unwrap().into_iter().map(|l| l.name).collect();
        assert_eq!(own, ["De Bunker", "Groep Eik"], "one organisation's locations only");
        let found = organisations::find_organisation(&app.db, Scope::National, linde).await.unwrap().expect("the organisation");
        assert_eq!((found.name.as_str(), found.region.as_str()), ("De Linde", "Utrecht"));
        let bunker = &locations[1];
        assert_eq!(organisations::find_location(&app.db, Scope::National, bunker.id).await.unwrap().as_ref(), Some(bunker));
        assert_eq!(organisations::find_location(&app.db, Scope::National, 999_999).await.unwrap(), None);
        assert_eq!(organisations::find_organisation(&app.db, Scope::National, 999_999).await.unwrap(), None);

        // What `veilig organisations` and `veilig locations` print.
        let printed = command::organisation_lines(&listed);
        assert_eq!(printed.lines().count(), 3);
        assert_eq!(printed.lines().nth(1), Some(format!("{linde}\tDe Linde\tUtrecht").as_str()));
        let printed = command::location_lines(&locations);
        assert_eq!(
            printed.lines().nth(1),
            Some(format!("{}\tDe Linde\tDe Bunker\tclosed\t8", bunker.id).as_str())
        );
    }

    async fn a_file_with_errors_in_rows_3_and_5_reports_both_and_imports_nothing(app) {
        let errors = organisation_import::parse(BROKEN).expect_err("the file has problems");
        assert_eq!(errors, [
            "row 3, setting_type: \"prison\" is not one of open_residential, closed, gezinshuis, foster_care, justice, amv",
            "row 5, children_placed: \"vier\" is not a whole number",
        ]);

        let file = CsvFile::new(BROKEN);
        let refused = command::import(&global(&app), &file.0).await.expect_err("the command fails");
        assert!(refused.to_string().contains("2 problems"), "{refused}");
        assert!(refused.to_string().contains("nothing was imported"), "{refused}");
        assert!(organisations::list_organisations(&app.db, Scope::National).await.unwrap().is_empty());
        assert!(organisations::list_locations(&app.db, Scope::National).await.unwrap().is_empty());
        assert!(organisations::list_regions(&app.db).await.unwrap().is_empty());
    }

    async fn an_import_that_fails_half_way_keeps_nothing(app) {
        import(&app, REGISTER).await;
        // The database refuses one location, after the rows before it were written.
        let refuse = match app.backend {
            Db::Sqlite => vec![
                "CREATE TRIGGER refuse_boom BEFORE INSERT ON location WHEN NEW.name = 'Boom' \
                 BEGIN SELECT RAISE(ABORT, 'refused'); END",
            ],
            Db::Postgres => vec![
                "CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN \
                 IF NEW.name = 'Boom' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER refuse_boom BEFORE INSERT ON location FOR EACH ROW EXECUTE FUNCTION refuse_boom()",
            ],
        };
        for sql in refuse {
            app.db.execute_unprepared(sql).await.expect("the trigger is made");
        }
        let rows = organisation_import::parse(
            "organisation,region,location,setting_type,children_placed\n\
             De Linde,Utrecht,Groep Eik,open_residential,12\n\
             Nieuw,Twente,Huis 1,gezinshuis,3\n\
             Nieuw,Twente,Boom,gezinshuis,3\n",
        )
        .expect("a valid file");
        let failed = organisations::import(&app.db, &rows).await;
        assert!(failed.is_err(), "the database refused a row");

        let listed = organisations::list_organisations(&app.db, Scope::National).await.unwrap();
        assert!(!listed.iter().any(|o| o.name == "Nieuw"), "no organisation kept");
        assert!(!organisations::list_regions(&app.db).await.unwrap().iter().any(|(_, r)| r == "Twente"), "no region kept");
        let locations = organisations::list_locations(&app.db, Scope::National).await.unwrap();
        assert_eq!(locations.len(), 4, "no location kept");
        let eik = locations.iter().find(|l| l.name == "Groep Eik").expect("Groep Eik");
        assert_eq!(eik.children_placed, 10, "no update kept");
    }

    async fn importing_again_updates_locations_instead_of_duplicating_them(app) {
        import(&app, REGISTER).await;
        let before = organisations::list_locations(&app.db, Scope::National).await.unwrap();
        let again = REGISTER
            .replace("Team 1;foster_care;30", "Team 1;foster_care;35")
            .replace("De Linde;Utrecht;De Bunker;closed;8", "de linde;utrecht;de bunker;justice;8")
            .replace("Amstelhuis;Amsterdam-Amstelland", "Amstelhuis;Zaanstreek-Waterland");
        let summary = import(&app, &again).await;
        assert_eq!(summary, ImportSummary {
            regions_created: 1,
            organisations_created: 0,
            organisations_moved: 1,
            locations_created: 0,
            locations_updated: 2,
        });

        let after = organisations::list_locations(&app.db, Scope::National).await.unwrap();
        assert_eq!(after.len(), before.len(), "no location twice");
        let ids = |rows: &[organisations::LocationRow]| rows.iter().map(|l| l.id).collect::<Vec<_>>();
        assert_eq!(ids(&after), ids(&before), "the same locations keep their ids");
        let team = after.iter().find(|l| l.name == "Team 1").expect("Team 1");
        assert_eq!(team.children_placed, 35);
        let bunker = after.iter().find(|l| l.name == "De Bunker").expect("names are matched ignoring case");
        assert_eq!(bunker.setting_type, SettingType::Justice);
        assert_eq!(organisations::list_organisations(&app.db, Scope::National).await.unwrap().len(), 3);
        let amstelhuis = app.organisation_id("Amstelhuis").await;
        let moved = organisations::find_organisation(&app.db, Scope::National, amstelhuis).await.unwrap().expect("Amstelhuis");
        assert_eq!(moved.region, "Zaanstreek-Waterland");

        // The same file a third time changes nothing.
        assert_eq!(import(&app, &again).await, ImportSummary::default());
    }

    async fn the_command_imports_a_file_and_lists_what_it_holds(app) {
        let file = CsvFile::new(REGISTER);
        command::import(&global(&app), &file.0).await.expect("the file is imported");
        assert_eq!(organisations::list_locations(&app.db, Scope::National).await.unwrap().len(), 4);
        command::list_organisations(&global(&app)).await.expect("organisations are listed");
        let linde = app.organisation_id("De Linde").await;
        let args = veilig::cli::LocationsArgs { organisation: Some(linde) };
        command::list_locations(&global(&app), &args).await.expect("locations are listed");
        let unknown = veilig::cli::LocationsArgs { organisation: Some(999_999) };
        assert!(command::list_locations(&global(&app), &unknown).await.is_err());
        let missing = file.0.with_file_name("nothing-here.csv");
        assert!(command::import(&global(&app), &missing).await.is_err());
        let audit = veilig::store::staff::recent_audit(&app.db, 10).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "organisations.import"));
    }

    async fn one_organisation_and_location_at_a_time_and_never_twice(app) {
        let made = organisations::create_organisation(&app.db, &name("De Linde"), &name("Utrecht")).await.expect("made");
        assert_eq!((made.name.as_str(), made.region.as_str(), made.synthetic), ("De Linde", "Utrecht", false));
        let twice = organisations::create_organisation(&app.db, &name("de linde"), &name("Twente")).await;
        assert!(matches!(twice, Err(CreateError::Duplicate(_))), "{twice:?}");
        assert!(
            !organisations::list_regions(&app.db).await.unwrap().iter().any(|(_, r)| r == "Twente"),
            "a refused organisation leaves no region behind"
        );
        let second = organisations::create_organisation(&app.db, &name("Pleegzorg West"), &name("utrecht")).await.expect("made");
        assert_eq!(second.region, "Utrecht", "an existing region is found ignoring case");
        assert_eq!(organisations::list_regions(&app.db).await.unwrap().len(), 1);

        let children = ChildrenPlaced::new(10).expect("a valid number");
        let eik = organisations::create_location(&app.db, made.id, &name("Groep Eik"), SettingType::OpenResidential, children)
            .await
            .expect("made");
        assert_eq!((eik.organisation.as_str(), eik.name.as_str(), eik.children_placed), ("De Linde", "Groep Eik", 10));
        assert_eq!(organisations::find_location(&app.db, Scope::National, eik.id).await.unwrap(), Some(eik));
        let twice = organisations::create_location(&app.db, made.id, &name("GROEP EIK"), SettingType::Closed, children).await;
        assert!(matches!(twice, Err(CreateError::Duplicate(_))), "{twice:?}");
        organisations::create_location(&app.db, second.id, &name("Groep Eik"), SettingType::FosterCare, children)
            .await
            .expect("another organisation may use the same name");
        let nowhere = organisations::create_location(&app.db, 999_999, &name("Groep Es"), SettingType::Closed, children).await;
        assert!(matches!(nowhere, Err(CreateError::UnknownOrganisation(999_999))), "{nowhere:?}");
        assert_eq!(organisations::list_locations(&app.db, Scope::National).await.unwrap().len(), 2);

        // A row made by hand goes through the same import.
        let row = ImportRow {
            row: 2,
            organisation: name("De Linde"),
            region: name("Utrecht"),
            location: name("Groep Eik"),
            setting_type: SettingType::OpenResidential,
            children_placed: ChildrenPlaced::new(11).expect("a valid number"),
        };
        let summary = organisations::import(&app.db, &[row]).await.unwrap();
        assert_eq!(summary.locations_updated, 1);
    }
}
