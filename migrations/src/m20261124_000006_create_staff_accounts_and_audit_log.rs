use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000001_create_organisations_and_locations::Organisation;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffUser::Table)
                    .col(pk_auto(StaffUser::Id))
                    .col(string_len_uniq(StaffUser::Email, 254))
                    .col(string_len(StaffUser::PasswordHash, 255))
                    .col(string_len(StaffUser::Role, 32))
                    .col(integer_null(StaffUser::OrganisationId))
                    .col(boolean(StaffUser::Active).default(true))
                    .col(boolean(StaffUser::MustChangePassword).default(false))
                    .col(timestamp_with_time_zone(StaffUser::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffUser::Table, StaffUser::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Sessions live in the database so that any number of app servers can serve a user.
        manager
            .create_table(
                Table::create()
                    .table(StaffSession::Table)
                    .col(string_len(StaffSession::IdHash, 64).primary_key())
                    .col(integer(StaffSession::UserId))
                    .col(string_len(StaffSession::CsrfToken, 64))
                    .col(timestamp_with_time_zone(StaffSession::CreatedAt))
                    .col(timestamp_with_time_zone(StaffSession::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffSession::Table, StaffSession::UserId)
                            .to(StaffUser::Table, StaffUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(pk_auto(ApiToken::Id))
                    .col(integer(ApiToken::UserId))
                    .col(string_len(ApiToken::Name, 100))
                    .col(string_len_uniq(ApiToken::TokenHash, 64))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiToken::Table, ApiToken::UserId)
                            .to(StaffUser::Table, StaffUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Staff actions only: nothing a child does is ever written here.
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(integer_null(AuditLog::ActorUserId))
                    .col(string_len(AuditLog::Action, 64))
                    .col(text(AuditLog::Detail))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditLog::Table, AuditLog::ActorUserId)
                            .to(StaffUser::Table, StaffUser::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ApiToken::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(StaffSession::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(StaffUser::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum StaffUser {
    Table,
    Id,
    Email,
    PasswordHash,
    Role,
    OrganisationId,
    Active,
    MustChangePassword,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum StaffSession {
    Table,
    IdHash,
    UserId,
    CsrfToken,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
pub enum ApiToken {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
pub enum AuditLog {
    Table,
    Id,
    At,
    ActorUserId,
    Action,
    Detail,
}
