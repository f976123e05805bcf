//! Kiosk mode: a staff member unlocks a shared tablet for one location and wave. The tablet
//! then holds a signed pass in a cookie; the start page takes codes of that location only, and
//! the child's pages go back to the start after a few idle minutes. The pass is signed with a
//! key derived from the pepper, so no table is needed and a child cannot forge or widen it.

use crate::auth::token::constant_time_eq;
use crate::pepper::Pepper;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

pub const KIOSK_COOKIE: &str = "veilig_kiosk";

/// What a kiosk tablet is unlocked for, and until when (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskPass {
    pub location_id: i32,
    pub wave: String,
    pub expires: i64,
}

/// The key that signs kiosk passes: HMAC of a fixed label under the pepper, so it changes
/// when the pepper does and is never stored.
#[derive(Clone)]
pub struct KioskKey(Vec<u8>);

impl fmt::Debug for KioskKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KioskKey([redacted])")
    }
}

impl KioskKey {
    pub fn from_pepper(pepper: &Pepper) -> KioskKey {
        KioskKey(pepper.keyed_hash(&[b"veilig/kiosk/v1"]).into_bytes())
    }

    fn mac(&self, payload: &str) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            unreachable!("HMAC takes keys of any length")
        };
        mac.update(payload.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The cookie value: `v1.LOCATION.WAVE.EXPIRES.MAC`.
    pub fn sign(&self, pass: &KioskPass) -> Option<String> {
        if !crate::domain::wave::is_label(&pass.wave) {
            return None;
        }
        let payload = format!("v1.{}.{}.{}", pass.location_id, pass.wave, pass.expires);
        let mac = self.mac(&payload);
        Some(format!("{payload}.{mac}"))
    }

    /// The pass in a cookie value, if it was signed with this key and has not expired.
    pub fn verify(&self, value: &str, now: i64) -> Option<KioskPass> {
        let (payload, mac) = value.rsplit_once('.')?;
        if !constant_time_eq(self.mac(payload).as_bytes(), mac.as_bytes()) {
            return None;
        }
        let mut parts = payload.split('.');
        let (Some("v1"), Some(location), Some(wave), Some(expires), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let pass = KioskPass {
            location_id: location.parse().ok()?,
            wave: wave.to_string(),
            expires: expires.parse().ok()?,
        };
        (pass.expires > now && crate::domain::wave::is_label(&pass.wave)).then_some(pass)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass() -> KioskPass {
        KioskPass {
            location_id: 7,
            wave: "2023".into(),
            expires: 1_000,
        }
    }

    #[test]
    fn a_signed_pass_is_read_back_until_it_expires() {
        let key = KioskKey::from_pepper(&Pepper::random());
        let signed = key.sign(&pass()).unwrap();
        assert_eq!(key.verify(&signed, 999), Some(pass()));
        assert_eq!(key.verify(&signed, 1_000), None, "expired");
    }

    #[test]
    fn a_changed_or_foreign_pass_is_refused() {
        let key = KioskKey::from_pepper(&Pepper::random());
        let signed = key.sign(&pass()).unwrap();
        let other_location = signed.replacen("v1.7.", "v1.8.", 1);
        assert_eq!(key.verify(&other_location, 0), None);
        let other_key = KioskKey::from_pepper(&Pepper::random());
        assert_eq!(other_key.verify(&signed, 0), None);
        assert_eq!(key.verify("v1.7.2023.1000", 0), None);
        assert_eq!(key.verify("", 0), None);
        assert!(format!("{key:?}").contains("redacted"));
    }

    #[test]
    fn a_wave_label_that_could_break_the_format_is_not_signed() {
        let key = KioskKey::from_pepper(&Pepper::random());
        let odd = KioskPass {
            wave: "20.23".into(),
            ..pass()
        };
        assert_eq!(key.sign(&odd), None);
    }
}
