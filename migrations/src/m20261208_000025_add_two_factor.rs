use sea_orm_migration::{prelude::*, schema::*};

/// Two-factor sign-in for staff (RFC 6238 time-based codes, `accounts::two_factor`).
///
/// - `staff_user.totp_sealed`: the account's authenticator secret, sealed under a key derived
///   from the pepper with the account's id bound in, so a dump holds nothing that makes codes;
///   `totp_confirmed` is set once the person has typed a code from it; `totp_step` is the last
///   30-second step a code was accepted for, so no code works twice.
/// - `staff_session.pending`: a session whose password was right but whose second factor has
///   not been given yet; it opens no staff page. `staff_session.enrol_sealed`: the secret being
///   set up in this session (sealed as above), so that nobody else's session shows it.
/// - Every session from before ends: an administrator or researcher signed in then gave no
///   second factor.
/// - `staff_recovery_code`: keyed hashes of the ten one-time recovery codes; a used code's row
///   is deleted.
///
/// SQLite adds one column per statement, hence one `ALTER TABLE` each.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(Query::delete().from_table(StaffSession::Table).to_owned())
            .await?;
        let user_columns = [
            ColumnDef::new(StaffUser::TotpSealed)
                .text()
                .null()
                .to_owned(),
            boolean(StaffUser::TotpConfirmed).default(false).to_owned(),
            ColumnDef::new(StaffUser::TotpStep)
                .big_integer()
                .null()
                .to_owned(),
        ];
        for column in user_columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(StaffUser::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        let session_columns = [
            boolean(StaffSession::Pending).default(false).to_owned(),
            ColumnDef::new(StaffSession::EnrolSealed)
                .text()
                .null()
                .to_owned(),
        ];
        for column in session_columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(StaffSession::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(StaffRecoveryCode::Table)
                    .col(string_len(StaffRecoveryCode::CodeHash, 64).primary_key())
                    .col(integer(StaffRecoveryCode::UserId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffRecoveryCode::Table, StaffRecoveryCode::UserId)
                            .to(StaffUser::Table, StaffUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_staff_recovery_code_user")
                    .table(StaffRecoveryCode::Table)
                    .col(StaffRecoveryCode::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StaffRecoveryCode::Table).to_owned())
            .await?;
        for column in [StaffSession::Pending, StaffSession::EnrolSealed] {
            manager
                .alter_table(
                    Table::alter()
                        .table(StaffSession::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            StaffUser::TotpSealed,
            StaffUser::TotpConfirmed,
            StaffUser::TotpStep,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(StaffUser::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum StaffUser {
    Table,
    Id,
    TotpSealed,
    TotpConfirmed,
    TotpStep,
}

#[derive(DeriveIden)]
enum StaffSession {
    Table,
    Pending,
    EnrolSealed,
}

#[derive(DeriveIden)]
enum StaffRecoveryCode {
    Table,
    CodeHash,
    UserId,
}
