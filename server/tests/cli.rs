//! The `veilig` command itself, run as a user would: on a fresh SQLite file in a temporary
//! directory (the PostgreSQL paths are the same store functions, tested in tests/api).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = std::env::temp_dir()
            .join(format!("veilig-cli-{}", std::process::id()))
            .join(format!("{}", rand_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("pepper"), "ab".repeat(32)).unwrap();
        Sandbox { dir }
    }

    fn veilig(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_veilig"))
            .args(args)
            .current_dir(&self.dir)
            .env(
                "DATABASE_URL",
                format!("sqlite://{}?mode=rwc", self.dir.join("veilig.db").display()),
            )
            .env("VEILIG_PEPPER_FILE", self.dir.join("pepper"))
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }

    /// A researcher account, as exports are made by a named researcher.
    fn add_researcher(&self, email: &str) {
        let user = self.veilig(
            &["user", "add", "--email", email, "--role", "researcher"],
            Some("a long enough password\n"),
        );
        assert!(user.status.success(), "{}", stderr(&user));
    }

    fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn import_list_make_codes_and_add_a_user_from_the_command_line() {
    let sandbox = Sandbox::new();
    let bad = sandbox.file(
        "bad.csv",
        "organisation;region;location;setting_type;children_placed\nA;R;L;castle;2\nA;R;M;closed;x\n",
    );
    let refused = sandbox.veilig(&["import", "organisations", path(&bad)], None);
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert!(err.contains("row 2, setting_type"), "{err}");
    assert!(err.contains("row 3, children_placed"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");

    let good = sandbox.file(
        "good.csv",
        "organisation,region,location,setting_type,children_placed\n\
         De Linde,Utrecht,Groep Eik,open_residential,10\n\
         Pleegzorg West,Haaglanden,Team 1,foster_care,30\n",
    );
    let imported = sandbox.veilig(&["import", "organisations", path(&good)], None);
    assert!(imported.status.success(), "{}", stderr(&imported));

    let organisations = stdout(&sandbox.veilig(&["organisations"], None));
    let lines: Vec<Vec<&str>> = organisations
        .lines()
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(&lines[0][1..], ["De Linde", "Utrecht"]);

    let locations = stdout(&sandbox.veilig(&["locations"], None));
    let eik: Vec<&str> = locations
        .lines()
        .find(|l| l.contains("Groep Eik"))
        .unwrap()
        .split('\t')
        .collect();
    assert_eq!(
        &eik[1..],
        ["De Linde", "Groep Eik", "open_residential", "10"]
    );
    let eik_id = eik[0];

    // No wave yet: a clear refusal.
    let no_wave = sandbox.veilig(
        &[
            "codes",
            "generate",
            "--wave",
            "2023",
            "--location",
            eik_id,
            "--count",
            "3",
        ],
        None,
    );
    assert!(!no_wave.status.success());
    assert!(stderr(&no_wave).contains("there is no wave \"2023\""));

    let user = sandbox.veilig(
        &[
            "user",
            "add",
            "--email",
            "Onderzoek@Example.nl",
            "--role",
            "researcher",
        ],
        Some("a long enough password\n"),
    );
    assert!(user.status.success(), "{}", stderr(&user));
    assert!(stdout(&user).contains("onderzoek@example.nl\tresearcher"));
    let short = sandbox.veilig(
        &["user", "add", "--email", "x@example.nl", "--role", "admin"],
        Some("short\n"),
    );
    assert!(!short.status.success());
    assert!(stderr(&short).contains("at least 12 characters"));
    let no_org = sandbox.veilig(
        &[
            "user",
            "add",
            "--email",
            "y@example.nl",
            "--role",
            "institution_viewer",
        ],
        Some("a long enough password\n"),
    );
    assert!(stderr(&no_org).contains("needs an organisation"));
}

#[test]
fn codes_are_printed_one_per_line_for_a_wave_from_the_demo() {
    let sandbox = Sandbox::new();
    let demo = sandbox.veilig(&["demo", "--responses", "200"], None);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let locations = stdout(&sandbox.veilig(&["locations"], None));
    let first = locations
        .lines()
        .next()
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    let made = sandbox.veilig(
        &[
            "codes",
            "generate",
            "--wave",
            "2023",
            "--location",
            &first,
            "--count",
            "5",
        ],
        None,
    );
    assert!(made.status.success(), "{}", stderr(&made));
    let codes: Vec<String> = stdout(&made).lines().map(str::to_string).collect();
    assert_eq!(codes.len(), 5);
    for code in &codes {
        assert_eq!(code.len(), 11, "{code}");
        assert!(veilig::domain::access_code::AccessCode::parse(code).is_ok());
    }
    let closed = sandbox.veilig(
        &[
            "codes",
            "generate",
            "--wave",
            "2021",
            "--location",
            &first,
            "--count",
            "5",
        ],
        None,
    );
    assert!(!closed.status.success());
    assert!(stderr(&closed).contains("codes are made only for draft and open waves"));
}

#[test]
fn export_prints_a_suppressed_breakdown_and_token_create_prints_a_token_once() {
    let sandbox = Sandbox::new();
    let demo = sandbox.veilig(&["demo", "--responses", "300"], None);
    assert!(demo.status.success(), "{}", stderr(&demo));
    // Exports are made as a named researcher; the audit log says who.
    let nobody = sandbox.veilig(&["export", "--wave", "2021", "--as", "x@example.nl"], None);
    assert!(!nobody.status.success());
    assert!(stderr(&nobody).contains("not an active researcher account"));
    sandbox.add_researcher("r@example.nl");
    let export = |args: &[&str]| {
        let mut all = vec!["export", "--as", "r@example.nl"];
        all.extend_from_slice(args);
        sandbox.veilig(&all, None)
    };
    let csv = export(&["--wave", "2021", "--by", "setting_type", "--format", "csv"]);
    assert!(csv.status.success(), "{}", stderr(&csv));
    let text = stdout(&csv);
    assert!(
        text.starts_with("# View: wave 2021, by setting_type"),
        "the methods note first"
    );
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    assert!(lines
        .next()
        .unwrap()
        .starts_with("breakdown,value,label,n,share_safe_n,share_safe"));
    let total: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(total[1], "total");
    assert!(total[3].parse::<u64>().unwrap() > 250);
    let json = export(&["--wave", "2021", "--by", "organisation", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let groups = doc["tables"]["groups"].as_array().unwrap();
    assert!(
        groups.iter().any(|r| r["n"].is_null()),
        "small organisations are hidden"
    );
    assert!(doc["methods"]["k"].as_str().unwrap().starts_with("10 "));
    let sps_file = sandbox.dir.join("compare.sps");
    let sps = export(&[
        "--wave",
        "2021",
        "--view",
        "compare",
        "--to",
        "2021",
        "--format",
        "sps",
        "--output",
        sps_file.to_str().unwrap(),
    ]);
    assert!(sps.status.success(), "{}", stderr(&sps));
    let syntax = std::fs::read_to_string(&sps_file).unwrap();
    veilig::export::spss_check::check(&syntax).unwrap();
    let xlsx_file = sandbox.dir.join("change.xlsx");
    let xlsx = export(&[
        "--wave",
        "2021",
        "--view",
        "change",
        "--to",
        "2021",
        "--format",
        "xlsx",
        "--output",
        xlsx_file.to_str().unwrap(),
    ]);
    assert!(xlsx.status.success(), "{}", stderr(&xlsx));
    assert!(
        std::fs::read(&xlsx_file).unwrap().starts_with(b"PK"),
        "an XLSX file is a zip"
    );
    let missing = export(&["--wave", "2021", "--view", "compare"]);
    assert!(stderr(&missing).contains("--to LABEL"));
    let open = export(&["--wave", "2023"]);
    assert!(!open.status.success());
    assert!(stderr(&open).contains("shown once the wave is published"));
    let low_k = export(&["--wave", "2021", "--k", "3"]);
    assert!(
        !low_k.status.success(),
        "k below the configured k is refused"
    );
    assert!(stderr(&low_k).contains("below the configured k 10"));
    let stricter = export(&["--wave", "2021", "--k", "20"]);
    assert!(stricter.status.success(), "{}", stderr(&stricter));
    assert!(stdout(&stricter).contains("# k: 20"));
    let docx = export(&["--wave", "2021", "--format", "docx"]);
    assert!(stderr(&docx).contains("not an export format"));
    let url = format!("sqlite://{}", sandbox.dir.join("veilig.db").display());
    let audit = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let db = veilig::db::connect(&url).await.unwrap();
        veilig::store::staff::recent_audit(&db, 20).await.unwrap()
    });
    let entry = audit
        .iter()
        .find(|e| e.action == "results.export" && e.detail.contains("by organisation, json"))
        .expect("the export is in the audit log");
    assert_eq!(entry.actor.as_deref(), Some("r@example.nl"));
    assert!(entry.detail.contains("command line, OS user"));

    let token = sandbox.veilig(
        &["token", "create", "--email", "r@example.nl", "--name", "R"],
        None,
    );
    assert!(token.status.success(), "{}", stderr(&token));
    assert_eq!(stdout(&token).trim().len(), 43);
    let nobody = sandbox.veilig(&["token", "create", "--email", "x@example.nl"], None);
    assert!(stderr(&nobody).contains("no active account"));
}

#[test]
fn retention_lists_old_answers_then_deletes_them_and_the_published_figures_stay() {
    let sandbox = Sandbox::new();
    let demo = sandbox.veilig(&["demo", "--responses", "200"], None);
    assert!(demo.status.success(), "{}", stderr(&demo));
    sandbox.add_researcher("r@example.nl");
    let breakdown = || {
        let out = sandbox.veilig(
            &[
                "export",
                "--as",
                "r@example.nl",
                "--wave",
                "2021",
                "--by",
                "setting_type",
            ],
            None,
        );
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let before = breakdown();

    // The demo's 2021 wave closed in June 2021; 2023 is still open, so it is never listed.
    let listed = sandbox.veilig(&["retention", "--keep-years", "3"], None);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let text = stdout(&listed);
    assert!(
        text.starts_with("2021\tclosed 2021-06-30\t200 responses"),
        "{text}"
    );
    assert!(!text.lines().any(|l| l.starts_with("2023")), "{text}");
    assert!(text.contains("--delete"), "{text}");

    let deleted = sandbox.veilig(&["retention", "--keep-years", "3", "--delete"], None);
    assert!(deleted.status.success(), "{}", stderr(&deleted));
    assert_eq!(stdout(&deleted), "deleted\t2021\t200 responses\n");
    let again = sandbox.veilig(&["retention", "--keep-years", "3"], None);
    assert!(
        stdout(&again).starts_with("No closed wave"),
        "{}",
        stdout(&again)
    );

    // The figures come from the result counts, which stay; only the notes' dates may differ.
    let same = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with("# Made"))
            .map(String::from)
            .collect()
    };
    assert_eq!(same(&breakdown()), same(&before));

    let bad = sandbox.veilig(&["retention", "--keep-years", "0"], None);
    assert!(!bad.status.success(), "keeping nothing at all is refused");
}
