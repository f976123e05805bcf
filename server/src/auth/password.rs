//! Passwords are stored only as argon2id hashes (PHC strings with their own salt and parameters).

use crate::domain::staff::NewPassword;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

/// Hashes a new password with argon2id (the crate's defaults: 19 MiB, 2 passes). CPU-heavy:
/// call it from `spawn_blocking` in a server.
pub fn hash(password: &NewPassword) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash a password: {e}"))
}

/// Whether `attempt` matches the stored hash. A stored value that is not a valid hash never
/// matches. CPU-heavy, like `hash`.
pub fn verify(attempt: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(attempt.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Verifies against a fixed hash, so that signing in with an unknown e-mail address costs the
/// same time as with a known one and does not reveal which addresses exist.
pub fn verify_dummy(attempt: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| {
        NewPassword::parse("dummy password that never matches")
            .ok()
            .and_then(|p| hash(&p).ok())
            .unwrap_or_default()
    });
    let _ = verify(attempt, stored);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let password = NewPassword::parse("a long enough password").unwrap();
        let stored = hash(&password).unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(!stored.contains("a long enough password"));
        assert!(verify("a long enough password", &stored));
        assert!(!verify("a long enough passwore", &stored));
        assert!(!verify("a long enough password", "not a hash"));
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() {
        let password = NewPassword::parse("a long enough password").unwrap();
        assert_ne!(hash(&password).unwrap(), hash(&password).unwrap());
    }
}
