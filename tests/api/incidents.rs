//! Incident counts: registered by institution administrators per quarter and setting type,
//! corrected by replacing, read by their viewers and by researchers, and shown beside felt
//! safety only where the disclosure rules allow.

use veilig::domain::incidents::{field_name, Kind, Perpetrator};
use veilig::domain::staff::Scope;
use veilig::domain::wave::WaveState;
use veilig_tests::{on_both_databases, StaffClient, TestApp};

/// A complete form for De Linde's closed group in 2023 Q2 with every count 0, then `extra`.
fn form(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = vec![
        ("quarter".into(), "2023-Q2".into()),
        ("setting_type".into(), "closed".into()),
        ("children_placed".into(), "8".into()),
    ];
    for k in Kind::ALL {
        for p in Perpetrator::ALL {
            fields.push((field_name(k, p, false), "0".into()));
            fields.push((field_name(k, p, true), "0".into()));
        }
    }
    fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    fields
}

async fn post(staff: &StaffClient, extra: &[(&str, &str)]) -> (u16, String) {
    let mut fields = vec![("csrf".to_string(), staff.csrf.clone())];
    fields.extend(form(extra));
    let response = staff
        .client
        .post(staff.url("/staff/incidents"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn linde(app: &TestApp) -> i32 {
    app.with_register().await;
    app.wave("2023", WaveState::Open).await;
    app.organisation_id("De Linde").await
}

on_both_databases! {
    async fn an_institution_registers_a_quarter_and_a_correction_replaces_it(app) {
        let linde = linde(&app).await;
        let admin = app.staff("beheer@linde.nl", "institution_admin", Some(linde)).await;
        let (status, page) = post(&admin, &[("physical_peer_recorded", "3"), ("physical_peer_reported", "1")]).await;
        assert_eq!(status, 201, "{page}");
        assert!(page.contains("Saved: 2023 Q2, closed."));
        let (status, page) = post(&admin, &[("physical_peer_recorded", "4"), ("physical_peer_reported", "1"), ("children_placed", "9")]).await;
        assert_eq!(status, 200);
        assert!(page.contains("Corrected: 2023 Q2, closed."));

        let stored = veilig::store::incidents::list(&app.db, Scope::Organisation(linde), None).await.unwrap();
        assert_eq!(stored.len(), 1, "replaced, not added");
        assert_eq!(stored[0].report.recorded(), 4);
        assert_eq!(stored[0].report.children_placed, 9);
        let rows = app.strings("SELECT CAST(COUNT(*) AS TEXT) AS n FROM incident_count", &["n"]).await;
        assert_eq!(rows[0][0], "9", "one row per kind and perpetrator");
        let audit = veilig::store::staff::recent_audit(&app.db, 10).await.unwrap();
        let correction = audit.iter().find(|e| e.action == "incidents.correct").expect("the correction is logged");
        assert!(correction.detail.contains("children placed 8 → 9"), "{}", correction.detail);
        assert!(correction.detail.contains("physical by a peer recorded 3 → 4"), "{}", correction.detail);
        assert!(audit.iter().any(|e| e.action == "incidents.register"));

        // The viewer reads the same figures and may not change them.
        let viewer = app.staff("kijk@linde.nl", "institution_viewer", Some(linde)).await;
        let page = viewer.get("/staff/incidents").await.text().await.unwrap();
        assert!(page.contains("2023 Q2") && page.contains(">4<"), "{page}");
        assert!(!page.contains("action=\"/staff/incidents\""), "no form for a viewer");
        assert_eq!(post(&viewer, &[]).await.0, 403);
        // A correction link opens the stored quarter in the form.
        let again = admin.get("/staff/incidents?quarter=2023-Q2&setting_type=closed").await.text().await.unwrap();
        assert!(again.contains("Correct a quarter") && again.contains("value=\"9\""), "{again}");
    }

    async fn every_broken_rule_is_refused_with_its_field_and_nothing_is_stored(app) {
        let linde = linde(&app).await;
        let admin = app.staff("beheer@linde.nl", "institution_admin", Some(linde)).await;
        let cases: [(&[(&str, &str)], &str); 6] = [
            (&[("sexual_staff_recorded", "-2")], "sexual by staff or a foster parent, recorded: -2 is negative"),
            (&[("physical_other_reported", "2")], "more reported (2) than recorded (0)"),
            (&[("quarter", "2022-Q4")], "quarter: 2022 Q4 cannot be registered"),
            (&[("quarter", "2023-Q5")], "quarter: a year has quarters 1 to 4"),
            (&[("setting_type", "foster_care")], "no locations of the type foster_care"),
            (&[("children_placed", "0")], "children placed: at least 1"),
        ];
        for (extra, message) in cases {
            let (status, page) = post(&admin, extra).await;
            assert_eq!(status, 422, "{extra:?}");
            assert!(page.contains(message), "{extra:?}: {message} missing");
            assert!(page.contains("Nothing was saved."));
        }
        assert!(veilig::store::incidents::list(&app.db, Scope::National, None).await.unwrap().is_empty());
        // Without the session's token nothing happens either.
        let forged = admin.client.post(admin.url("/staff/incidents")).form(&form(&[])).send().await.unwrap();
        assert_eq!(forged.status(), 403);
    }

    async fn incident_figures_are_hidden_where_felt_safety_is_and_protected_by_a_complement(app) {
        app.with_demo_data().await;
        let wave = veilig::store::waves::find_by_label(&app.db, "2021").await.unwrap().unwrap();
        let cache = veilig::store::instruments::InstrumentCache::default();
        let published = veilig::results::published::PublishedTables::default();
        let source = veilig::results::Source { db: &app.db, instruments: &cache, k: 10, published: &published };
        let table = veilig::incidents::setting_table(&source, &wave).await.unwrap();
        assert!(table.total.shown, "the national figure is shown");
        // The national table's sums, made by the database, are the sums of every report.
        for label in ["2021", "2023"] {
            let w = veilig::store::waves::find_by_label(&app.db, label).await.unwrap().unwrap();
            let summed = veilig::store::incidents::national_sums(&app.db, &veilig::incidents::wave_quarters(&w)).await.unwrap();
            let each = veilig::incidents::totals_by_setting(&app.db, Scope::National, &w).await.unwrap();
            assert_eq!(summed, each, "wave {label}");
            assert!(!summed.is_empty());
        }
        let with_data: Vec<_> = table.rows.iter().filter(|(_, r)| !r.totals.is_empty()).collect();
        assert_eq!(with_data.len(), 6, "every setting type registered in the demo");
        for (setting, row) in &table.rows {
            if row.shown {
                assert!(row.felt.n.is_some(), "{setting}: incidents beside a hidden felt-safety figure");
                assert!(row.totals.children_placed() >= 10);
            }
        }
        let hidden = with_data.iter().filter(|(_, r)| !r.shown).count();
        assert_ne!(hidden, 1, "a single hidden group could be worked out from the total");
        // Gezinshuizen see the least violence, youth justice the most.
        let rate = |s: veilig::domain::SettingType| table.row(s).unwrap().totals.rates().unwrap().recorded;
        use veilig::domain::SettingType::*;
        assert!(rate(Gezinshuis) < rate(OpenResidential) && rate(OpenResidential) < rate(Justice));
    }

    async fn a_correction_saved_by_another_server_reaches_the_sums_this_one_remembers(app) {
        app.with_demo_data().await;
        let wave = veilig::store::waves::find_by_label(&app.db, "2021").await.unwrap().unwrap();
        let cache = veilig::store::instruments::InstrumentCache::default();
        let published = veilig::results::published::PublishedTables::default();
        let source = veilig::results::Source { db: &app.db, instruments: &cache, k: 10, published: &published };
        let before = veilig::incidents::setting_table(&source, &wave).await.unwrap().total.totals;
        let recorded = |t: &veilig::domain::incidents::IncidentTotals| t.recorded(Kind::Physical, Perpetrator::Peer);
        // Another server corrects a quarter: straight into the database, past this server.
        let quarters = veilig::incidents::wave_quarters(&wave);
        let mut stored = veilig::store::incidents::list(&app.db, Scope::National, Some(&quarters)).await.unwrap().remove(0);
        let mut tally = stored.report.cell(Kind::Physical, Perpetrator::Peer);
        tally.recorded += 7;
        stored.report.set(Kind::Physical, Perpetrator::Peer, tally).unwrap();
        let txn = sea_orm::TransactionTrait::begin(&app.db).await.unwrap();
        assert!(veilig::store::incidents::save(&txn, Scope::National, stored.organisation_id, &stored.report).await.unwrap());
        txn.commit().await.unwrap();
        let after = veilig::incidents::setting_table(&source, &wave).await.unwrap().total.totals;
        assert_eq!(recorded(&after), recorded(&before) + 7, "the remembered sums were read again");
        // Without a registration in between, the same sums come back.
        let again = veilig::incidents::setting_table(&source, &wave).await.unwrap().total.totals;
        assert_eq!(again, after);
    }
}
