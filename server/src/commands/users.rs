//! `veilig user add`: the first administrator (and any account) from the command line;
//! `veilig user reset-two-factor`: a second factor removed when nobody can sign in to do it.

use crate::accounts::{self, AccountError};
use crate::cli::{GlobalArgs, UserAddArgs, UserEmailArgs};
use crate::domain::staff::Email;
use anyhow::{anyhow, bail, Context};
use std::io::{BufRead, IsTerminal};

/// The password is read from the first line of stdin, so it never appears in the shell
/// history or the process list.
pub async fn add(global: &GlobalArgs, args: &UserAddArgs) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password for {} (it is not shown): ", args.email);
    }
    let mut password = String::new();
    stdin
        .lock()
        .read_line(&mut password)
        .context("cannot read the password from stdin")?;
    let password = password.trim_end_matches(['\r', '\n']);
    let db = super::connect(global).await?;
    match accounts::add_user(
        &db,
        None,
        &args.email,
        &args.role,
        args.organisation,
        Some(password),
    )
    .await
    {
        Ok((user, _)) => {
            println!("{}\t{}\t{}", user.id, user.email, user.role());
            Ok(())
        }
        Err(AccountError::Invalid(errors)) => bail!("{}", errors.join("\n")),
        Err(other) => Err(other.into()),
    }
}

/// `veilig user reset-two-factor --email …`: for an account that lost its phone and its
/// recovery codes, or when no administrator can sign in to reset it on the staff pages.
pub async fn reset_two_factor(global: &GlobalArgs, args: &UserEmailArgs) -> anyhow::Result<()> {
    let email = Email::parse(&args.email).map_err(|e| anyhow!("--email: {e}"))?;
    let db = super::connect(global).await?;
    let user = crate::store::staff::find_user_by_email(&db, &email)
        .await?
        .with_context(|| format!("there is no account for {email}"))?;
    let user = accounts::two_factor::reset(&db, None, user.id).await?;
    println!(
        "two-factor sign-in of {} removed; it is set up again at the next sign-in",
        user.email
    );
    Ok(())
}
