//! Exports of every view in every format, opened the way their tools open them: CSV parsed
//! with the csv crate, XLSX read back with calamine, SPSS syntax checked; a hidden figure is
//! the same (no number) in each, and every export is in the audit log.

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use serde_json::Value;
use veilig_tests::{on_both_databases, StaffClient};

async fn download(staff: &StaffClient, query: &str) -> Vec<u8> {
    let response = staff.get(&format!("/staff/results/export?{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    response.bytes().await.unwrap().to_vec()
}

/// The records of a CSV export (after its `#` methods lines) and its header.
fn parse_csv(bytes: &[u8], separator: u8) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let records = reader
        .records()
        .map(|r| r.expect("a well-formed record"))
        .collect();
    (header, records)
}

on_both_databases! {
    async fn every_view_exports_in_every_format_and_hidden_figures_look_the_same_in_each(app) {
        app.with_demo_data().await;
        // A label a spreadsheet would run as a formula, in the register 2023 is published
        // with (a published wave keeps the names it was published with).
        let first = app.strings("SELECT CAST(MIN(id) AS TEXT) AS i FROM organisation", &["i"]).await[0][0].clone();
        use sea_orm::ConnectionTrait;
        app.db.execute_unprepared(&format!("UPDATE organisation SET name = '=HYPERLINK(\"x\")' WHERE id = {first}")).await.unwrap();
        app.publish("2023").await;
        let staff = app.staff("r@example.nl", "researcher", None).await;

        // CSV, both separators: the methods note, then parseable rows; hidden counts are empty.
        let bytes = download(&staff, "wave=2021&by=organisation&format=csv").await;
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("# View: wave 2021, by organisation"));
        assert!(text.contains("# k: 10") && text.contains("# Response rate 2021:") && text.contains("# Suppression rule:"));
        let (header, rows) = parse_csv(&bytes, b',');
        assert_eq!(&header[..5], ["breakdown", "value", "label", "n", "share_safe_n"]);
        let n = header.iter().position(|h| h == "n").unwrap();
        let share = header.iter().position(|h| h == "share_safe").unwrap();
        let hidden: Vec<&csv::StringRecord> = rows.iter().filter(|r| r[n].is_empty()).collect();
        assert!(!hidden.is_empty(), "some organisations are too small");
        for r in &hidden {
            assert!(r.iter().skip(3).all(str::is_empty), "a hidden row shows nothing: {r:?}");
        }
        let hidden_values: Vec<String> = hidden.iter().map(|r| r[1].to_string()).collect();
        let (_, later) = parse_csv(&download(&staff, "wave=2023&by=organisation&format=csv").await, b',');
        assert!(later.iter().any(|r| r[2].starts_with("'=HYPERLINK")), "a formula-like label is defused");
        let (_, dutch) = parse_csv(&download(&staff, "wave=2021&by=organisation&format=csv&sep=semicolon").await, b';');
        assert!(dutch[0][share].contains(','), "decimal comma: {:?}", &dutch[0]);
        let (item_header, items) = parse_csv(&download(&staff, "wave=2021&by=overall&format=csv&part=items").await, b',');
        assert!(item_header.contains(&"mean_low".to_string()));
        // "Don't know" is not a figure of the publication: it carries no answer.
        assert!(!item_header.contains(&"dont_know".to_string()));
        assert!(items.len() > 20, "every question, for the total and the one group");
        let (answer_header, answers) = parse_csv(&download(&staff, "wave=2021&by=overall&format=csv&part=answers").await, b',');
        assert_eq!(&answer_header[3..], ["item", "answer", "children"]);
        assert!(answers.iter().all(|r| &r[4] != "-1"), "only answers on the scale are counted");

        // XLSX, read back: a methods sheet, numbers as numbers, hidden cells empty.
        let bytes = download(&staff, "wave=2021&by=organisation&format=xlsx").await;
        let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an XLSX file");
        let names = book.sheet_names();
        assert_eq!(names[0], "Methods");
        assert!(names.contains(&"By organisation".to_string()) && names.contains(&"Codebook".to_string()), "{names:?}");
        let methods = book.worksheet_range("Methods").unwrap();
        assert!(methods.rows().any(|r| r.first() == Some(&Data::String("k".into()))));
        let sheet = book.worksheet_range("By organisation").unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        assert_eq!(rows[0][3], Data::String("n".into()));
        assert!(matches!(rows[1][3], Data::Float(_)), "the total is a number: {:?}", rows[1][3]);
        for row in rows.iter().skip(1).filter(|r| hidden_values.contains(&r[1].to_string())) {
            assert!(row.iter().skip(3).all(|c| *c == Data::Empty), "{row:?}");
        }

        // JSON: hidden figures are null.
        let json: Value = serde_json::from_slice(&download(&staff, "wave=2021&by=organisation&format=json").await).unwrap();
        assert_eq!(json["methods"]["k"].as_str().unwrap().split(' ').next(), Some("10"));
        let groups = json["tables"]["groups"].as_array().unwrap();
        for g in groups.iter().filter(|g| hidden_values.contains(&g["value"].as_str().unwrap().to_string())) {
            assert!(g["n"].is_null() && g["share_safe"].is_null() && g["share_safe_low"].is_null(), "{g}");
        }
        assert!(json["codebook"].as_array().unwrap().iter().any(|i| i["text_nl"].is_string() && i["text_en"].is_string()));

        // SPSS: well-formed, with labels in Dutch and English.
        let sps = String::from_utf8(download(&staff, "wave=2021&by=organisation&format=sps").await).unwrap();
        veilig::export::spss_check::check(&sps).unwrap_or_else(|p| panic!("{p:#?}\n{sps}"));
        // Answers are labelled; only answers on the scale are counted, so nothing is missing.
        assert!(sps.contains("VALUE LABELS answer") && !sps.contains("MISSING VALUES"));
        assert!(sps.contains("Heel onveilig / Very unsafe"));
        let data = sps.split("BEGIN DATA\n").nth(1).unwrap().split("END DATA.").next().unwrap();
        let hidden_line = data.lines().find(|l| l.contains(&format!("\"{}\"", hidden_values[0]))).unwrap();
        assert!(hidden_line.ends_with(",,,,,"), "hidden figures are system-missing: {hidden_line}");

        // The other views, in the other formats.
        for query in [
            "view=compare&wave=2021&to=2023&by=setting_type&format=csv",
            "view=compare&wave=2021&to=2023&by=setting_type&format=csv&part=items",
            "view=change&wave=2021&to=2023&by=setting_type&format=csv",
        ] {
            let (header, rows) = parse_csv(&download(&staff, query).await, b',');
            assert!(header.len() > 5 && rows.len() == 7 || query.contains("items"), "{query}: {header:?}");
        }
        for view in ["compare", "change"] {
            let sps = String::from_utf8(download(&staff, &format!("view={view}&wave=2021&to=2023&by=region&format=sps")).await).unwrap();
            veilig::export::spss_check::check(&sps).unwrap_or_else(|p| panic!("{p:#?}\n{sps}"));
            let xlsx = download(&staff, &format!("view={view}&wave=2021&to=2023&by=region&format=xlsx")).await;
            let book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("an XLSX file");
            assert_eq!(book.sheet_names()[0], "Methods");
        }
        assert_eq!(staff.get("/staff/results/export?wave=2021&format=docx").await.status(), 404);
        assert_eq!(staff.get("/staff/results/export?view=compare&wave=2021").await.status(), 404, "compare needs a second wave");

        let audit = veilig::store::staff::recent_audit(&app.db, 50).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "results.export" && e.detail == "wave 2021, by organisation, xlsx"));
        assert!(audit.iter().any(|e| e.action == "change.export" && e.detail.contains("sps")));
        assert!(audit.iter().all(|e| e.actor.is_some() || !e.action.ends_with(".export")));
    }

    async fn within_child_change_is_counted_from_linked_pairs_and_shown_only_above_k(app) {
        app.with_demo_data().await;
        app.publish("2023").await;
        let staff = app.staff("r@example.nl", "researcher", None).await;
        let made = staff.post("/staff/tokens", &[("name", "R")]).await.text().await.unwrap();
        let marker = "it is shown only this once: ";
        let start = made.find(marker).unwrap() + marker.len();
        let token = &made[start..start + 43];
        let get = |path: &'static str| app.client.get(app.url(path)).bearer_auth(token).send();
        let body: Value = get("/api/v1/change?from=2021&to=2023&by=setting_type").await.unwrap().json().await.unwrap();
        let total = &body["total"];
        let pairs = total["pairs"].as_u64().expect("enough linked pairs nationally");
        assert!(pairs >= 10);
        let linked = app.strings(
            "SELECT CAST(COUNT(*) AS TEXT) AS n FROM response a JOIN response b ON a.link_key = b.link_key \
             JOIN wave wa ON wa.id = a.wave_id JOIN wave wb ON wb.id = b.wave_id WHERE wa.label = '2021' AND wb.label = '2023'", &["n"]).await;
        assert_eq!(pairs.to_string(), linked[0][0], "every linked pair, counted once");
        let headline = total["measures"].as_array().unwrap().iter().find(|m| m["measure"] == "headline").unwrap();
        let sum: f64 = ["improved", "same", "worse"].iter().map(|k| headline[k]["value"].as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-9);
        assert!(headline["pairs"].as_u64().unwrap() <= pairs);
        for row in body["rows"].as_array().unwrap() {
            match row["pairs"].as_u64() {
                Some(n) => assert!(n >= 10),
                None => assert!(row["measures"].as_array().unwrap().iter().all(|m| m["improved"].is_null())),
            }
        }
        assert!(!body.to_string().contains("link_key"), "no pair and no key leaves the server");
        let audit = veilig::store::staff::recent_audit(&app.db, 10).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "change.api" && e.detail.contains("2021 → 2023")));
        // Before both waves are published there is nothing to show.
        let early = get("/api/v1/change?from=2021&to=2021x&by=overall").await.unwrap();
        assert_eq!(early.status(), 404);
    }
}
