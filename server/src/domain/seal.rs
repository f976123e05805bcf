//! Sealing: what a child sent waits in the database, beside the hash of its code, only sealed
//! (XChaCha20-Poly1305 under a key derived from the pepper). A dump, a backup, a WAL file or the
//! dead rows PostgreSQL keeps until it vacuums them then hold nothing readable next to a code,
//! and without the pepper nothing can be read at all.
//!
//! A sealed text is `v1.` followed by the base64 of a random 24-byte nonce and the ciphertext
//! with its tag. The row's own random id is bound in as associated data, so a sealed payload
//! moved to another row does not open.

use crate::pepper::Pepper;
use base64::engine::general_purpose::STANDARD_NO_PAD as BASE64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use std::fmt;

const PREFIX: &str = "v1.";
const NONCE_BYTES: usize = 24;

/// The key that seals what waits beside a code; never stored.
#[derive(Clone)]
pub struct SealKey(XChaCha20Poly1305);

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealKey([redacted])")
    }
}

/// Why a stored text does not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the sealed text is malformed")]
    Malformed,
    #[error("the sealed text does not open with this key and row")]
    DoesNotOpen,
    #[error("the text cannot be sealed")]
    CannotSeal,
}

impl SealKey {
    pub fn from_pepper(pepper: &Pepper) -> SealKey {
        SealKey::for_purpose(pepper, b"veilig/held-response/v1")
    }

    /// The key that seals staff accounts' authenticator secrets (`accounts::two_factor`): a
    /// key of its own, so neither kind of sealed text opens with the other's key.
    pub fn for_two_factor(pepper: &Pepper) -> SealKey {
        SealKey::for_purpose(pepper, b"veilig/totp-secret/v1")
    }

    fn for_purpose(pepper: &Pepper, label: &[u8]) -> SealKey {
        let key = pepper.derive_key(label);
        SealKey(XChaCha20Poly1305::new(&key.into()))
    }

    /// Seals `plain` for the row `row_id`. Encrypting into memory fails only for messages of
    /// gigabytes (a held response is at most the request limit); that is an error, not a panic.
    pub fn seal(&self, row_id: &str, plain: &str) -> Result<String, SealError> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: row_id.as_bytes(),
        };
        let sealed = self
            .0
            .encrypt(XNonce::from_slice(&nonce), payload)
            .map_err(|_| SealError::CannotSeal)?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", BASE64.encode(bytes)))
    }

    /// Opens what [`SealKey::seal`] made for `row_id`.
    pub fn open(&self, row_id: &str, sealed: &str) -> Result<String, SealError> {
        let encoded = sealed.strip_prefix(PREFIX).ok_or(SealError::Malformed)?;
        let bytes = BASE64.decode(encoded).map_err(|_| SealError::Malformed)?;
        if bytes.len() < NONCE_BYTES {
            return Err(SealError::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let payload = Payload {
            msg: ciphertext,
            aad: row_id.as_bytes(),
        };
        let plain = self
            .0
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| SealError::DoesNotOpen)?;
        String::from_utf8(plain).map_err(|_| SealError::Malformed)
    }

    /// Whether a stored text is sealed (held rows written before sealing existed are not).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_text_opens_only_with_its_key_and_its_row() {
        let key = SealKey::from_pepper(&Pepper::random());
        let sealed = key
            .seal("row-1", r#"{"answers":{"hit_by_staff":1}}"#)
            .unwrap();
        assert!(SealKey::is_sealed(&sealed));
        assert!(!sealed.contains("hit_by_staff"));
        assert_eq!(
            key.open("row-1", &sealed).unwrap(),
            r#"{"answers":{"hit_by_staff":1}}"#
        );
        assert_eq!(key.open("row-2", &sealed), Err(SealError::DoesNotOpen));
        let other = SealKey::from_pepper(&Pepper::random());
        assert_eq!(other.open("row-1", &sealed), Err(SealError::DoesNotOpen));
        assert_eq!(key.open("row-1", "{}"), Err(SealError::Malformed));
        assert_eq!(format!("{key:?}"), "SealKey([redacted])");
    }

    #[test]
    fn an_authenticator_secret_does_not_open_with_the_held_responses_key() {
        let pepper = Pepper::random();
        let sealed = SealKey::for_two_factor(&pepper)
            .seal("staff_user:1", "JBSWY3DPEHPK3PXP")
            .unwrap();
        assert_eq!(
            SealKey::from_pepper(&pepper).open("staff_user:1", &sealed),
            Err(SealError::DoesNotOpen)
        );
    }

    #[test]
    fn the_same_text_seals_differently_every_time() {
        let key = SealKey::from_pepper(&Pepper::random());
        assert_ne!(
            key.seal("r", "same").unwrap(),
            key.seal("r", "same").unwrap()
        );
    }
}
