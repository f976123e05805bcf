//! Pseudonyms follow one child from wave to wave without anyone storing who the child is.
//!
//! `pseudonym = HMAC-SHA256(pepper, "veilig/v1" ‖ organisation ‖ client number)`: the same client
//! number at the same organisation gives the same pseudonym in every wave while the pepper stays
//! the same. The access code carries the pseudonym; the response carries only a *link key*, a
//! second keyed hash of the pseudonym, so a database dump offers no join from a code to a response.

use crate::pepper::Pepper;

pub const PSEUDONYM_DOMAIN: &[u8] = b"veilig/v1";
const LINK_DOMAIN: &[u8] = b"veilig/v1/link";

#[derive(Clone, PartialEq, Eq)]
pub struct Pseudonym(String);

impl Pseudonym {
    pub fn derive(pepper: &Pepper, organisation_id: i32, client_number: &str) -> Pseudonym {
        let organisation = organisation_id.to_string();
        Pseudonym(pepper.keyed_hash(&[
            PSEUDONYM_DOMAIN,
            organisation.as_bytes(),
            client_number.trim().as_bytes(),
        ]))
    }

    /// Restores a stored pseudonym.
    pub fn from_stored(hex: String) -> Pseudonym {
        Pseudonym(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What a response stores to be paired with the same child's response in another wave.
    pub fn link_key(&self, pepper: &Pepper) -> String {
        pepper.keyed_hash(&[LINK_DOMAIN, self.0.as_bytes()])
    }
}

impl std::fmt::Debug for Pseudonym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonym([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_child_at_the_same_organisation_gets_the_same_pseudonym() {
        let pepper = Pepper::random();
        let a = Pseudonym::derive(&pepper, 7, "CL-0042");
        assert_eq!(a, Pseudonym::derive(&pepper, 7, "CL-0042"));
        assert_ne!(
            a,
            Pseudonym::derive(&pepper, 8, "CL-0042"),
            "organisation matters"
        );
        assert_ne!(
            a,
            Pseudonym::derive(&Pepper::random(), 7, "CL-0042"),
            "a new pepper starts a new linkage period"
        );
        assert_eq!(a.as_str().len(), 64);
    }

    #[test]
    fn the_link_key_differs_from_the_pseudonym() {
        let pepper = Pepper::random();
        let p = Pseudonym::derive(&pepper, 1, "x");
        assert_ne!(p.link_key(&pepper), p.as_str());
    }
}
