//! Access codes: short, one-time, easy for a child to type, and stored only as a keyed hash.
//!
//! 9 symbols from an alphabet of 31 (digits and capitals without 0, O, 1, I and L) give
//! 31^9 ≈ 2^44.6 possible codes. Printed in groups of three: `K7M-4Q9-TXA`. So few codes can
//! all be tried in days on ordinary hardware: a plain hash in a leaked dump would give every
//! code back. The stored hash is keyed (HMAC under a key derived from the pepper), so confirming
//! a guessed code from the dump alone costs as much as guessing the key.

use crate::pepper::Pepper;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::fmt;

pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CODE_LENGTH: usize = 9;
const GROUP: usize = 3;

/// A well-formed access code (it may still be unknown, used or revoked).
#[derive(Clone, PartialEq, Eq)]
pub struct AccessCode(String);

/// Why typed text is not a well-formed code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeFormatError {
    #[error("a code has {CODE_LENGTH} characters; this one has {0}")]
    WrongLength(usize),
    /// The first sign that is on no card (as read: a small letter in capitals).
    #[error("a code has only the letters and digits printed on the card, not {0:?}")]
    UnknownCharacter(char),
}

impl AccessCode {
    /// Reads what a child typed: case, spaces and dashes do not matter.
    pub fn parse(typed: &str) -> Result<AccessCode, CodeFormatError> {
        let normalised: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '‐' && *c != '–')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        // A sign that is on no card first: it tells the child where to look (the start page's
        // script checks in the same order).
        if let Some(sign) = normalised
            .chars()
            .find(|c| !c.is_ascii() || !ALPHABET.contains(&(*c as u8)))
        {
            return Err(CodeFormatError::UnknownCharacter(sign));
        }
        let length = normalised.chars().count();
        if length != CODE_LENGTH {
            return Err(CodeFormatError::WrongLength(length));
        }
        Ok(AccessCode(normalised))
    }

    /// A new code from a cryptographically secure generator.
    pub fn generate() -> AccessCode {
        let mut rng = rand::rng();
        AccessCode(
            (0..CODE_LENGTH)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect(),
        )
    }

    /// The only form in which a code is stored: `HMAC-SHA256(key, SHA-256("veilig/code/v1:" ‖
    /// code))`. The inner hash is the unkeyed hash codes were stored as before keys existed, so
    /// those rows are rekeyed in place without knowing their codes ([`CodeKey::rekey`]).
    pub fn hash(&self, key: &CodeKey) -> String {
        key.mac(&self.unkeyed_digest())
    }

    fn unkeyed_digest(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"veilig/code/v1:");
        hasher.update(self.0.as_bytes());
        hasher.finalize().into()
    }

    /// As printed on a card: `K7M-4Q9-TXA`.
    pub fn display_grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(GROUP)
            .map(|g| String::from_utf8_lossy(g).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }
}

/// Codes never print by accident (logs, panics): only `display_grouped` shows one.
impl fmt::Debug for AccessCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessCode([redacted])")
    }
}

/// The key of stored code hashes, derived from the pepper and never stored.
#[derive(Clone)]
pub struct CodeKey([u8; 32]);

impl fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeKey([redacted])")
    }
}

/// The version of the stored hash of a code: 1 is the unkeyed SHA-256 of codes made before
/// keys existed, 2 is [`AccessCode::hash`]. The server rekeys version 1 at start.
pub const UNKEYED_HASH: i16 = 1;
pub const KEYED_HASH: i16 = 2;

impl CodeKey {
    pub fn from_pepper(pepper: &Pepper) -> CodeKey {
        CodeKey(pepper.derive_key(b"veilig/code-hash/v2"))
    }

    fn mac(&self, digest: &[u8]) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            unreachable!("HMAC takes keys of any length")
        };
        mac.update(digest);
        hex::encode(mac.finalize().into_bytes())
    }

    /// The keyed hash of a code stored with the unkeyed hash of version 1 (hex), or `None`
    /// when the stored text is not such a hash.
    pub fn rekey(&self, unkeyed_hex: &str) -> Option<String> {
        let digest = hex::decode(unkeyed_hex).ok().filter(|d| d.len() == 32)?;
        Some(self.mac(&digest))
    }
}

/// The states a code moves through: `unused → used`, or `unused → revoked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeState {
    Unused,
    Used,
    Revoked,
}

impl CodeState {
    pub fn as_str(self) -> &'static str {
        match self {
            CodeState::Unused => "unused",
            CodeState::Used => "used",
            CodeState::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<CodeState> {
        match s {
            "unused" => Some(CodeState::Unused),
            "used" => Some(CodeState::Used),
            "revoked" => Some(CodeState::Revoked),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alphabet_has_no_easily_confused_characters() {
        for c in b"0O1lIL" {
            assert!(!ALPHABET.contains(c), "{}", *c as char);
        }
        assert_eq!(ALPHABET.len(), 31);
        let bits = (CODE_LENGTH as f64) * (ALPHABET.len() as f64).log2();
        assert!(bits >= 40.0, "{bits} bits");
    }

    #[test]
    fn entry_ignores_case_spaces_and_dashes() {
        let a = AccessCode::parse("k7m-4q9-txa").unwrap();
        let b = AccessCode::parse(" K7M 4Q9TXA ").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.display_grouped(), "K7M-4Q9-TXA");
        let key = CodeKey::from_pepper(&Pepper::random());
        assert_eq!(a.hash(&key), b.hash(&key));
    }

    #[test]
    fn malformed_codes_are_refused_with_a_reason() {
        assert_eq!(
            AccessCode::parse("K7M-4Q9"),
            Err(CodeFormatError::WrongLength(6))
        );
        assert_eq!(
            AccessCode::parse("K7M-4Q9-TX0"),
            Err(CodeFormatError::UnknownCharacter('0'))
        );
        assert_eq!(
            AccessCode::parse("k7m-4q9-txo"),
            Err(CodeFormatError::UnknownCharacter('O'))
        );
        assert_eq!(
            AccessCode::parse("hallo"),
            Err(CodeFormatError::UnknownCharacter('L')),
            "a sign on no card is named before the length"
        );
        assert_eq!(
            AccessCode::parse("K7M-4Q9-TXÄ"),
            Err(CodeFormatError::UnknownCharacter('Ä'))
        );
    }

    #[test]
    fn the_start_page_knows_the_signs_printed_on_cards() {
        assert_eq!(veilig_frontend::CODE_ALPHABET.as_bytes(), ALPHABET);
        assert_eq!(veilig_frontend::CODE_LENGTH, CODE_LENGTH);
    }

    #[test]
    fn generated_codes_parse_and_differ() {
        let codes: std::collections::HashSet<String> = (0..1000)
            .map(|_| AccessCode::generate().display_grouped())
            .collect();
        assert_eq!(codes.len(), 1000);
        for c in &codes {
            assert!(AccessCode::parse(c).is_ok());
        }
    }

    #[test]
    fn a_code_hash_depends_on_the_pepper() {
        // Without the pepper, trying all 31^9 codes against a dump finds nothing: the stored
        // hash of the same code differs under another pepper, and it is not the unkeyed hash.
        let code = AccessCode::parse("K7M4Q9TXA").unwrap();
        let one = CodeKey::from_pepper(&Pepper::random());
        let other = CodeKey::from_pepper(&Pepper::random());
        assert_ne!(code.hash(&one), code.hash(&other));
        assert_ne!(code.hash(&one), hex::encode(code.unkeyed_digest()));
        assert_eq!(code.hash(&one), code.hash(&one));
        assert_eq!(code.hash(&one).len(), 64);
        assert_eq!(format!("{one:?}"), "CodeKey([redacted])");
    }

    #[test]
    fn rekeying_an_unkeyed_hash_gives_the_keyed_hash_of_the_same_code() {
        let code = AccessCode::parse("K7M4Q9TXA").unwrap();
        let key = CodeKey::from_pepper(&Pepper::random());
        let unkeyed = hex::encode(code.unkeyed_digest());
        assert_eq!(key.rekey(&unkeyed), Some(code.hash(&key)));
        assert_eq!(key.rekey("not hex"), None);
        assert_eq!(key.rekey("abcd"), None);
    }

    #[test]
    fn a_code_never_prints_in_debug_output() {
        let code = AccessCode::parse("K7M4Q9TXA").unwrap();
        assert!(!format!("{code:?}").contains("K7M"));
    }
}
