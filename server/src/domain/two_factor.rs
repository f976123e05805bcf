//! Two-factor sign-in for staff: time-based one-time codes from an authenticator app (RFC 6238:
//! HMAC-SHA1, six digits, 30-second steps, one step of clock difference either way, computed by
//! the `totp-rs` crate) and ten one-time recovery codes for a lost phone.
//!
//! The rules here are plain: what a secret and a recovery code are, what a typed answer is, and
//! which roles must use a second factor. Storing (sealed secret, keyed hashes) and the flow of
//! signing in are `accounts::two_factor`'s.

use crate::domain::staff::Role;
use rand::seq::IndexedRandom;
use rand::RngCore;
use std::fmt;
use totp_rs::{Builder, Secret, Totp};

/// The name an authenticator app shows beside the account.
pub const ISSUER: &str = "Veilig";
/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;
/// 160 bits, RFC 4226's recommended length.
const SECRET_BYTES: usize = 20;
/// Seconds per step, and steps of difference accepted between the phone's clock and ours.
const STEP_SECONDS: u64 = 30;
const SKEW_STEPS: u16 = 1;
/// Recovery codes use lower-case letters and digits that cannot be mistaken for one another
/// (no 0/o, 1/l/i): 31 signs, 12 of them, about 59 bits.
const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
const RECOVERY_LENGTH: usize = 12;

/// An authenticator secret. Never printed; shown once as a QR code and as text while enrolling.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret([u8; SECRET_BYTES]);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret([redacted])")
    }
}

impl TotpSecret {
    pub fn generate() -> TotpSecret {
        let mut bytes = [0u8; SECRET_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        TotpSecret(bytes)
    }

    /// The secret in base32 (RFC 4648, no padding), as authenticator apps take it.
    pub fn base32(&self) -> String {
        Secret::from(self.0).to_base32()
    }

    /// Reads [`TotpSecret::base32`]'s text back (spaces and case do not matter).
    pub fn from_base32(text: &str) -> Option<TotpSecret> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let secret = Secret::try_from_base32(compact).ok()?;
        <[u8; SECRET_BYTES]>::try_from(secret.as_ref())
            .ok()
            .map(TotpSecret)
    }

    /// The base32 text in groups of four, for typing it into an app by hand.
    pub fn grouped(&self) -> String {
        in_fours(&self.base32(), " ")
    }

    fn totp(&self, account: &str) -> Totp {
        // An account name with a colon cannot go into the otpauth label: leave it out then
        // (the app shows the issuer alone).
        let account = if account.contains(':') { "" } else { account };
        Builder::new()
            .with_secret(self.0)
            .with_digits(6)
            .with_skew(SKEW_STEPS)
            .with_step_duration(STEP_SECONDS)
            .with_issuer(Some(ISSUER))
            .with_account_name(account)
            .build_noncompliant()
    }

    /// The `otpauth://` address a QR code carries for `account` (the e-mail address).
    pub fn otpauth_url(&self, account: &str) -> String {
        let totp = self.totp(account);
        totp.to_url().unwrap_or_else(|_| {
            format!(
                "otpauth://totp/{ISSUER}?secret={}&issuer={ISSUER}",
                self.base32()
            )
        })
    }

    /// The step `code` belongs to, when it is right at `unix_seconds` (give or take a step).
    pub fn check(&self, code: &str, unix_seconds: u64) -> Option<u64> {
        self.totp("").check(code, unix_seconds)
    }

    /// The code for `unix_seconds`, as an authenticator app shows it.
    pub fn code_at(&self, unix_seconds: u64) -> String {
        self.totp("").generate(unix_seconds).to_string()
    }
}

/// `text` (ASCII) in groups of four signs, joined by `separator`.
fn in_fours(text: &str, separator: &str) -> String {
    let groups: Vec<&str> = text
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    groups.join(separator)
}

/// The current time step: a code accepted for a step makes every code of that step and the
/// steps before it useless (RFC 6238 §5.2: a code is accepted once).
pub fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A one-time recovery code, as shown (`k7hm-2qpx-9dfa`). Never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode([redacted])")
    }
}

impl RecoveryCode {
    pub fn generate() -> RecoveryCode {
        let mut rng = rand::rng();
        let signs: String = (0..RECOVERY_LENGTH)
            .map(|_| char::from(*RECOVERY_ALPHABET.choose(&mut rng).unwrap_or(&b'2')))
            .collect();
        RecoveryCode(signs)
    }

    /// Ten fresh codes.
    pub fn generate_set() -> Vec<RecoveryCode> {
        (0..RECOVERY_CODES)
            .map(|_| RecoveryCode::generate())
            .collect()
    }

    /// The code as typed: spaces, dashes and case do not matter; `None` if it cannot be one.
    pub fn parse(typed: &str) -> Option<RecoveryCode> {
        let signs: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        let valid =
            signs.len() == RECOVERY_LENGTH && signs.bytes().all(|b| RECOVERY_ALPHABET.contains(&b));
        valid.then_some(RecoveryCode(signs))
    }

    /// The code in three groups of four, as printed for the person to keep.
    pub fn shown(&self) -> String {
        in_fours(&self.0, "-")
    }

    /// The signs without grouping, which is what is hashed.
    pub fn signs(&self) -> &str {
        &self.0
    }
}

/// What a person typed at the second step of signing in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactor {
    /// Six digits from the app (spaces removed).
    Code(String),
    Recovery(RecoveryCode),
}

impl SecondFactor {
    pub fn parse(typed: &str) -> Option<SecondFactor> {
        let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Some(SecondFactor::Code(digits));
        }
        RecoveryCode::parse(typed).map(SecondFactor::Recovery)
    }
}

/// The roles that must sign in with a second factor. Administrators and researchers by
/// default (they reach every organisation's figures); institution roles when the deployment
/// chooses (`--two-factor-roles`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoFactorRoles(Vec<Role>);

impl Default for TwoFactorRoles {
    fn default() -> Self {
        TwoFactorRoles(vec![Role::Admin, Role::Researcher])
    }
}

impl TwoFactorRoles {
    /// No role at all: for trials and tests only (the server warns at start).
    pub fn none() -> TwoFactorRoles {
        TwoFactorRoles(Vec::new())
    }

    pub fn all() -> TwoFactorRoles {
        TwoFactorRoles(Role::ALL.to_vec())
    }

    pub fn requires(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    /// The roles that national figures are open to but that are left out of this list.
    pub fn weakened(&self) -> Vec<Role> {
        TwoFactorRoles::default()
            .0
            .into_iter()
            .filter(|r| !self.requires(*r))
            .collect()
    }
}

impl std::str::FromStr for TwoFactorRoles {
    type Err = String;

    /// `admin,researcher,institution_admin`, or `none`.
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("none") {
            return Ok(TwoFactorRoles::none());
        }
        let mut roles = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let role = Role::parse(part)?;
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        if roles.is_empty() {
            return Err("name one or more roles, or none".to_string());
        }
        Ok(TwoFactorRoles(roles))
    }
}

impl fmt::Display for TwoFactorRoles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        let names: Vec<&str> = self.0.iter().map(|r| r.as_str()).collect();
        f.write_str(&names.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 test vectors (its 8 digits cut to our 6: the last six).
    #[test]
    fn codes_follow_the_rfc_test_vectors() {
        let secret = TotpSecret(*b"12345678901234567890");
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(secret.code_at(time), code, "at {time}");
            assert_eq!(secret.check(code, time), Some(time / 30));
        }
    }

    #[test]
    fn a_code_is_right_one_step_either_side_and_not_further() {
        let secret = TotpSecret::generate();
        let now = 1_800_000_000;
        let code = secret.code_at(now);
        assert_eq!(secret.check(&code, now + 30), Some(now / 30));
        assert_eq!(secret.check(&code, now - 30), Some(now / 30));
        assert_eq!(secret.check(&code, now + 90), None);
        assert_eq!(secret.check("12345", now), None);
        assert_eq!(secret.check("abcdef", now), None);
    }

    #[test]
    fn the_secret_reads_back_from_its_text_and_goes_into_an_otpauth_address() {
        let secret = TotpSecret::generate();
        assert_eq!(secret.base32().len(), 32);
        let typed = secret.grouped().to_lowercase();
        assert_eq!(TotpSecret::from_base32(&typed), Some(secret.clone()));
        let url = secret.otpauth_url("researcher@example.org");
        assert!(
            url.starts_with("otpauth://totp/Veilig:researcher%40example.org?"),
            "{url}"
        );
        assert!(url.contains(&format!("secret={}", secret.base32())));
        assert!(url.contains("issuer=Veilig"));
        assert!(!format!("{secret:?}").contains(&secret.base32()));
    }

    #[test]
    fn recovery_codes_are_read_however_they_are_typed() {
        let code = RecoveryCode::generate();
        let shown = code.shown();
        assert_eq!(shown.len(), 14);
        assert_eq!(RecoveryCode::parse(&shown), Some(code.clone()));
        assert_eq!(
            RecoveryCode::parse(&format!(" {} ", shown.to_uppercase().replace('-', " "))),
            Some(code.clone())
        );
        assert_eq!(RecoveryCode::parse("k7hm-2qpx-9df"), None);
        assert_eq!(RecoveryCode::parse("k7hm-2qpx-9dfo"), None, "o is not used");
        let set = RecoveryCode::generate_set();
        assert_eq!(set.len(), 10);
        assert!(!format!("{:?}", set[0]).contains(set[0].signs()));
    }

    #[test]
    fn six_digits_are_an_app_code_and_twelve_signs_a_recovery_code() {
        assert_eq!(
            SecondFactor::parse("123 456"),
            Some(SecondFactor::Code("123456".into()))
        );
        assert!(matches!(
            SecondFactor::parse("k7hm-2qpx-9dfa"),
            Some(SecondFactor::Recovery(_))
        ));
        assert_eq!(SecondFactor::parse("12345"), None);
        assert_eq!(SecondFactor::parse(""), None);
    }

    #[test]
    fn administrators_and_researchers_need_a_second_factor_unless_told_otherwise() {
        let default = TwoFactorRoles::default();
        assert!(default.requires(Role::Admin) && default.requires(Role::Researcher));
        assert!(!default.requires(Role::InstitutionAdmin));
        assert!(default.weakened().is_empty());
        let wider: TwoFactorRoles = "admin, researcher,institution_admin".parse().unwrap();
        assert!(wider.requires(Role::InstitutionAdmin));
        assert_eq!(wider.to_string(), "admin,researcher,institution_admin");
        let none: TwoFactorRoles = "none".parse().unwrap();
        assert_eq!(none.weakened(), vec![Role::Admin, Role::Researcher]);
        assert!("".parse::<TwoFactorRoles>().is_err());
        assert!("admin,janitor".parse::<TwoFactorRoles>().is_err());
    }
}
