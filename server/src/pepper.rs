//! The pepper: the secret key behind pseudonyms. It lives in a file (or a secret store mounted
//! as a file), never in the database, and never prints.

use anyhow::{bail, Context};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

const MIN_PEPPER_BYTES: usize = 32;

#[derive(Clone)]
pub struct Pepper(Vec<u8>);

impl fmt::Debug for Pepper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pepper([redacted])")
    }
}

impl Pepper {
    /// HMAC-SHA256 under the pepper of the given parts, each length-prefixed so that no two
    /// different inputs can run together into the same bytes. Hex-encoded.
    pub fn keyed_hash(&self, parts: &[&[u8]]) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            unreachable!("HMAC takes keys of any length")
        };
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        hex::encode(mac.finalize().into_bytes())
    }

    /// A 32-byte key for one purpose, derived from the pepper with HKDF-SHA256 (`label` is
    /// HKDF's info): each purpose gets its own key, and no key reveals the pepper or another.
    pub fn derive_key(&self, label: &[u8]) -> [u8; 32] {
        let mut key = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's limit of 255 × 32, so this cannot fail.
        let Ok(()) = hkdf::Hkdf::<Sha256>::new(None, &self.0).expand(label, &mut key) else {
            unreachable!("32 bytes is a valid HKDF-SHA256 output length")
        };
        key
    }

    fn from_file_contents(path: &Path, raw: &[u8]) -> anyhow::Result<Pepper> {
        let text = std::str::from_utf8(raw).map(str::trim).unwrap_or_default();
        let bytes = match hex::decode(text) {
            Ok(decoded) if !text.is_empty() => decoded,
            _ => raw.to_vec(),
        };
        if bytes.len() < MIN_PEPPER_BYTES {
            bail!(
                "the pepper file {} holds fewer than {MIN_PEPPER_BYTES} bytes; make one with `head -c 32 /dev/urandom | xxd -p -c 64`",
                path.display()
            );
        }
        Ok(Pepper(bytes))
    }

    /// Reads the pepper from `file`, which must exist.
    pub fn read(file: &Path) -> anyhow::Result<Pepper> {
        let raw = std::fs::read(file)
            .with_context(|| format!("cannot read the pepper file {}", file.display()))?;
        Pepper::from_file_contents(file, &raw)
    }

    /// A fresh random pepper, for tests.
    pub fn random() -> Pepper {
        let mut bytes = vec![0u8; MIN_PEPPER_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Pepper(bytes)
    }

    /// The production path reads `VEILIG_PEPPER_FILE`. In development, when it is not set, a
    /// random pepper is made next to the database (mode 0600) and that is said once on stderr.
    pub fn load_or_create(file: Option<&Path>, database_url: &str) -> anyhow::Result<Pepper> {
        if let Some(file) = file {
            return Pepper::read(file);
        }
        let path = development_pepper_path(database_url);
        if path.exists() {
            eprintln!(
                "veilig: using the development pepper at {} (set VEILIG_PEPPER_FILE in production)",
                path.display()
            );
            return Pepper::read(&path);
        }
        let pepper = Pepper::random();
        write_private(&path, hex::encode(&pepper.0).as_bytes())?;
        eprintln!(
            "veilig: VEILIG_PEPPER_FILE is not set, so a development pepper was made at {} (mode 0600). \
             Keep it with the database: without it, pseudonyms cannot be linked across waves.",
            path.display()
        );
        Ok(pepper)
    }
}

/// `veilig.db` → `veilig.pepper` beside it; for PostgreSQL, `veilig.pepper` in the working directory.
fn development_pepper_path(database_url: &str) -> PathBuf {
    let file = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|f| !f.is_empty() && !f.contains(":memory:"));
    match file {
        Some(db) => PathBuf::from(db).with_extension("pepper"),
        None => PathBuf::from("veilig.pepper"),
    }
}

fn write_private(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .with_context(|| format!("cannot create the pepper file {}", path.display()))?;
    f.write_all(contents)?;
    f.write_all(b"\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pepper_never_prints() {
        let p = Pepper::random();
        assert_eq!(format!("{p:?}"), "Pepper([redacted])");
    }

    #[test]
    fn keyed_hashes_depend_on_the_pepper_and_on_part_boundaries() {
        let a = Pepper(vec![1; 32]);
        let b = Pepper(vec![2; 32]);
        assert_eq!(a.keyed_hash(&[b"x", b"y"]), a.keyed_hash(&[b"x", b"y"]));
        assert_ne!(a.keyed_hash(&[b"x", b"y"]), b.keyed_hash(&[b"x", b"y"]));
        assert_ne!(a.keyed_hash(&[b"xy", b""]), a.keyed_hash(&[b"x", b"y"]));
    }

    #[test]
    fn derived_keys_depend_on_the_pepper_and_on_their_label() {
        let a = Pepper(vec![1; 32]);
        let b = Pepper(vec![2; 32]);
        assert_eq!(a.derive_key(b"one"), a.derive_key(b"one"));
        assert_ne!(a.derive_key(b"one"), a.derive_key(b"two"));
        assert_ne!(a.derive_key(b"one"), b.derive_key(b"one"));
    }

    #[test]
    fn a_development_pepper_sits_next_to_the_sqlite_file() {
        assert_eq!(
            development_pepper_path("sqlite://data/veilig.db?mode=rwc"),
            PathBuf::from("data/veilig.pepper")
        );
        assert_eq!(
            development_pepper_path("postgres://localhost/veilig"),
            PathBuf::from("veilig.pepper")
        );
    }

    #[test]
    fn a_short_pepper_file_is_refused_and_hex_is_decoded() {
        let p = Path::new("p");
        assert!(Pepper::from_file_contents(p, b"abcd\n").is_err());
        let hex64 = "ab".repeat(32);
        let pepper = Pepper::from_file_contents(p, format!("{hex64}\n").as_bytes()).unwrap();
        assert_eq!(pepper.0, vec![0xab; 32]);
    }

    #[cfg(unix)]
    #[test]
    fn a_development_pepper_is_made_with_mode_0600_and_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("veilig-pepper-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/veilig.db?mode=rwc", dir.display());
        let first = Pepper::load_or_create(None, &url).unwrap();
        let mode = std::fs::metadata(dir.join("veilig.pepper"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let second = Pepper::load_or_create(None, &url).unwrap();
        assert_eq!(first.0, second.0);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
