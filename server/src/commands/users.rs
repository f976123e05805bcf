//! `veilig user add`: the first administrator (and any account) from the command line.

use crate::accounts::{self, AccountError};
use crate::cli::{GlobalArgs, UserAddArgs};
use anyhow::{bail, Context};
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
