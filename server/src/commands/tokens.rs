//! `veilig token create`: a personal API token for a staff member, printed once.

use crate::auth::token::Token;
use crate::cli::{GlobalArgs, TokenCreateArgs};
use crate::domain::staff::Email;
use crate::store::{staff, tokens};
use anyhow::{anyhow, Context};

pub async fn create(global: &GlobalArgs, args: &TokenCreateArgs) -> anyhow::Result<()> {
    let email = Email::parse(&args.email).map_err(|e| anyhow!("--email: {e}"))?;
    let db = super::connect(global).await?;
    let user = staff::find_user_by_email(&db, &email)
        .await?
        .filter(|u| u.active)
        .with_context(|| format!("there is no active account for {email}"))?;
    let token = Token::generate();
    tokens::create(&db, user.id, &args.name, &token.hash()).await?;
    staff::audit(
        &db,
        None,
        "token.create",
        &format!("{} for {} (command line)", args.name, user.email),
    )
    .await?;
    println!("{}", token.expose());
    eprintln!(
        "veilig: token for {} ({}). It is shown only now; it is stored only as a hash.",
        user.email,
        user.role()
    );
    Ok(())
}
