use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000003_create_access_codes::AccessCode;

/// Code hashes become keyed (HMAC under a key derived from the pepper). A migration has no
/// pepper, so it only marks every code stored so far as version 1, the unkeyed SHA-256; the
/// server rekeys them when it starts (`server/src/store/rekey.rs`) and writes version 2. The
/// default exists only for the rows already there: every code made now says its version.
///
/// `down` drops the mark but cannot unkey a hash: codes rekeyed meanwhile stop working under
/// the previous version of the server.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AccessCode::Table)
                    .add_column(small_integer(Version::HashVersion).default(1))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AccessCode::Table)
                    .drop_column(Version::HashVersion)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Version {
    HashVersion,
}
