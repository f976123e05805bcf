//! Staff: researchers, institutions and administrators. Roles decide what a person may see;
//! institution roles are bound to one organisation.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Manages staff accounts and reads the audit log.
    Admin,
    /// The national study team: waves, organisations, all aggregates.
    Researcher,
    /// Manages its own organisation: codes, incident counts, its own results.
    InstitutionAdmin,
    /// Reads its own organisation's response rate and results.
    InstitutionViewer,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Researcher,
        Role::InstitutionAdmin,
        Role::InstitutionViewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Researcher => "researcher",
            Role::InstitutionAdmin => "institution_admin",
            Role::InstitutionViewer => "institution_viewer",
        }
    }

    pub fn parse(s: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown role {s:?}; choose one of {}",
                    Role::ALL.map(Role::as_str).join(", ")
                )
            })
    }

    /// Institution roles see one organisation; the others see none or all.
    pub fn is_institution(self) -> bool {
        matches!(self, Role::InstitutionAdmin | Role::InstitutionViewer)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What data a staff member may reach. Every store query an institution makes takes this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Researchers and administrators.
    National,
    /// Institution roles: this organisation only.
    Organisation(i32),
}

impl Scope {
    pub fn allows_organisation(self, organisation_id: i32) -> bool {
        match self {
            Scope::National => true,
            Scope::Organisation(own) => own == organisation_id,
        }
    }

    /// This scope narrowed to one organisation, if it may see that organisation at all: a
    /// researcher opening one institution's dashboard, or an institution its own.
    pub fn narrow_to(self, organisation_id: i32) -> Option<Scope> {
        self.allows_organisation(organisation_id)
            .then_some(Scope::Organisation(organisation_id))
    }

    /// The one organisation of a narrowed scope.
    pub fn organisation_id(self) -> Option<i32> {
        match self {
            Scope::National => None,
            Scope::Organisation(id) => Some(id),
        }
    }
}

/// A role together with the organisation it needs (or must not have).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    role: Role,
    organisation_id: Option<i32>,
}

impl Membership {
    pub fn new(role: Role, organisation_id: Option<i32>) -> Result<Membership, String> {
        match (role.is_institution(), organisation_id) {
            (true, None) => Err(format!("the role {role} needs an organisation")),
            (false, Some(_)) => Err(format!(
                "the role {role} is national and takes no organisation"
            )),
            _ => Ok(Membership {
                role,
                organisation_id,
            }),
        }
    }

    pub fn role(self) -> Role {
        self.role
    }

    pub fn organisation_id(self) -> Option<i32> {
        self.organisation_id
    }

    pub fn scope(self) -> Scope {
        match self.organisation_id {
            Some(id) => Scope::Organisation(id),
            None => Scope::National,
        }
    }
}

/// An e-mail address, trimmed and lower-cased, so that sign-in does not depend on case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && match email.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid {
            Ok(Email(email))
        } else {
            Err("this is not an e-mail address".to_string())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password someone chose. Long enough to resist guessing (staff see sensitive aggregates);
/// any characters allowed. Never printed.
#[derive(Clone)]
pub struct NewPassword(String);

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

impl NewPassword {
    pub fn parse(raw: &str) -> Result<NewPassword, String> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(format!(
                "a password needs at least {MIN_PASSWORD_CHARS} characters"
            ));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(format!(
                "a password has at most {MAX_PASSWORD_CHARS} characters"
            ));
        }
        if raw.trim().is_empty() {
            return Err("a password cannot be only spaces".to_string());
        }
        Ok(NewPassword(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A random temporary password for a reset that an administrator starts: 20 symbols from
    /// the access-code alphabet (about 99 bits), to be changed at the next sign-in.
    pub fn temporary() -> NewPassword {
        use rand::Rng;
        let alphabet = super::access_code::ALPHABET;
        let mut rng = rand::rng();
        NewPassword(
            (0..20)
                .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
                .collect(),
        )
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_unknown_roles_are_named() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        let err = Role::parse("boss").unwrap_err();
        assert!(err.contains("boss") && err.contains("researcher"));
    }

    #[test]
    fn institution_roles_need_exactly_one_organisation() {
        assert!(Membership::new(Role::InstitutionViewer, None).is_err());
        assert!(Membership::new(Role::Researcher, Some(3)).is_err());
        let m = Membership::new(Role::InstitutionAdmin, Some(3)).unwrap();
        assert_eq!(m.scope(), Scope::Organisation(3));
        assert!(m.scope().allows_organisation(3));
        assert!(!m.scope().allows_organisation(4));
        assert_eq!(m.scope().narrow_to(3), Some(Scope::Organisation(3)));
        assert_eq!(m.scope().narrow_to(4), None);
        assert_eq!(Scope::National.narrow_to(4), Some(Scope::Organisation(4)));
        assert_eq!(
            Membership::new(Role::Admin, None).unwrap().scope(),
            Scope::National
        );
    }

    #[test]
    fn e_mail_addresses_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Onderzoek@Example.NL ").unwrap().as_str(),
            "onderzoek@example.nl"
        );
        for bad in [
            "", "a", "a@", "@b.nl", "a@b", "a b@c.nl", "a@b@c.nl", "a@.nl",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn passwords_have_a_length_range_and_never_print() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse(&"x".repeat(129)).is_err());
        assert!(NewPassword::parse("            ").is_err());
        let p = NewPassword::parse("correct horse battery").unwrap();
        assert_eq!(format!("{p:?}"), "NewPassword([redacted])");
        let t = NewPassword::temporary();
        assert_eq!(t.expose().len(), 20);
        assert!(NewPassword::parse(t.expose()).is_ok());
    }
}
