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
    let csv = sandbox.veilig(
        &[
            "export",
            "--wave",
            "2021",
            "--by",
            "setting_type",
            "--format",
            "csv",
        ],
        None,
    );
    assert!(csv.status.success(), "{}", stderr(&csv));
    let text = stdout(&csv);
    let mut lines = text.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("breakdown,value,label,n,share_safe"));
    let total: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(total[1], "total");
    assert!(total[3].parse::<u64>().unwrap() > 250);
    let json = sandbox.veilig(
        &[
            "export",
            "--wave",
            "2021",
            "--by",
            "organisation",
            "--format",
            "json",
        ],
        None,
    );
    let rows: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert!(
        rows.as_array().unwrap().iter().any(|r| r["n"].is_null()),
        "small organisations are hidden"
    );
    let open = sandbox.veilig(&["export", "--wave", "2023"], None);
    assert!(!open.status.success());
    assert!(stderr(&open).contains("shown once the wave is published"));
    let low_k = sandbox.veilig(&["export", "--wave", "2021", "--k", "3"], None);
    assert!(!low_k.status.success(), "k below 5 is refused");

    let user = sandbox.veilig(
        &[
            "user",
            "add",
            "--email",
            "r@example.nl",
            "--role",
            "researcher",
        ],
        Some("a long enough password\n"),
    );
    assert!(user.status.success());
    let token = sandbox.veilig(
        &["token", "create", "--email", "r@example.nl", "--name", "R"],
        None,
    );
    assert!(token.status.success(), "{}", stderr(&token));
    assert_eq!(stdout(&token).trim().len(), 43);
    let nobody = sandbox.veilig(&["token", "create", "--email", "x@example.nl"], None);
    assert!(stderr(&nobody).contains("no active account"));
}
