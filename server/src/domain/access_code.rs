//! Access codes: short, one-time, easy for a child to type, and stored only as a hash.
//!
//! 9 symbols from an alphabet of 31 (digits and capitals without 0, O, 1, I and L) give
//! 31^9 ≈ 2^44.6 possible codes. Printed in groups of three: `K7M-4Q9-TXA`.

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
    #[error("a code has only the letters and digits printed on the card")]
    UnknownCharacter,
}

impl AccessCode {
    /// Reads what a child typed: case, spaces and dashes do not matter.
    pub fn parse(typed: &str) -> Result<AccessCode, CodeFormatError> {
        let normalised: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '‐' && *c != '–')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let length = normalised.chars().count();
        if length != CODE_LENGTH {
            return Err(CodeFormatError::WrongLength(length));
        }
        if !normalised.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(CodeFormatError::UnknownCharacter);
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

    /// The only form in which a code is stored.
    pub fn hash(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"veilig/code/v1:");
        hasher.update(self.0.as_bytes());
        hex::encode(hasher.finalize())
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
        assert_eq!(a.hash(), b.hash());
    }

    #[test]
    fn malformed_codes_are_refused_with_a_reason() {
        assert_eq!(
            AccessCode::parse("K7M-4Q9"),
            Err(CodeFormatError::WrongLength(6))
        );
        assert_eq!(
            AccessCode::parse("K7M-4Q9-TX0"),
            Err(CodeFormatError::UnknownCharacter)
        );
        assert_eq!(
            AccessCode::parse("K7M-4Q9-TXÄ"),
            Err(CodeFormatError::UnknownCharacter)
        );
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
    fn a_code_never_prints_in_debug_output() {
        let code = AccessCode::parse("K7M4Q9TXA").unwrap();
        assert!(!format!("{code:?}").contains("K7M"));
    }
}
