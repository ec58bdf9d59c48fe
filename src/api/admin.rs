//! `/admin`: what only the platform_admin sees, across tenants.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::{Auth, Tag, page};
use crate::app::AppState;
use crate::auth::Permission;
use crate::auth::Role;
use crate::domain::backups::{self, Backup};
use crate::domain::flags::{FlagValues, FlagsPatch};
use crate::domain::mail::{self, Mail};
use crate::domain::tenants::{self, Suspension, Tenant, TenantSummary};
use crate::domain::users::{self, UserOut};
use crate::error::Error;

pub struct AdminApi;

crate::page_of!(BackupPage, Backup);

/// The first platform admin, created through the setup link the server printed.
#[derive(Debug, poem_openapi::Object)]
pub struct FirstAdmin {
    /// The `token` of the setup link (`/setup?token=…`).
    pub token: String,
    pub email: String,
    /// 8 to 128 characters.
    pub password: String,
}

#[derive(ApiResponse)]
pub enum AdminCreated {
    /// The platform admin exists; sign in with its email and password.
    #[oai(status = 201)]
    Created(Json<UserOut>),
}

#[derive(ApiResponse)]
pub enum BackupTaken {
    /// The backup is written, fsynced and checksummed.
    #[oai(status = 201)]
    Created(Json<Backup>),
}

#[derive(ApiResponse)]
pub enum BackupFile {
    /// The backup: a complete hirebase database file, for `hirebase restore`.
    #[oai(status = 200, content_type = "application/octet-stream")]
    File(
        Binary<poem::Body>,
        #[oai(header = "Content-Disposition")] String,
        /// SHA-256 of the file, hex.
        #[oai(header = "X-Checksum-Sha256")]
        String,
        #[oai(header = "Content-Length")] u64,
    ),
}

crate::page_of!(TenantPage, TenantSummary);
crate::page_of!(MailPage, Mail);

/// The feature flags in force.
#[derive(Debug, Object)]
pub struct FlagsOut {
    pub flags: FlagValues,
}

#[OpenApi(prefix_path = "/admin", tag = "Tag::Admin")]
impl AdminApi {
    /// Every tenant on the instance, newest first, with its members, jobs, candidates and
    /// applications counted.
    #[oai(path = "/tenants", method = "get", operation_id = "admin_list_tenants")]
    async fn tenants(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
    ) -> Result<Json<TenantPage>, Error> {
        auth.identity().allow(Permission::PLATFORM)?;
        let (items, total) = tenants::list(
            &state.store,
            skip.0.unwrap_or(0) as usize,
            limit.0.unwrap_or(page::DEFAULT_LIMIT) as usize,
        )?;
        Ok(Json(TenantPage { items, total }))
    }

    /// Suspends an organisation: its members are refused (sign-in, sessions and API keys
    /// answer 403 with the reason), its careers page and public jobs disappear; nothing is
    /// deleted, and resuming brings everything back. Suspending a suspended one changes nothing.
    #[oai(
        path = "/tenants/:tenant_id/suspend",
        method = "post",
        operation_id = "admin_suspend_tenant"
    )]
    async fn suspend(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        tenant_id: Path<u64>,
        body: Json<Suspension>,
    ) -> Result<Json<Tenant>, Error> {
        let who = auth.identity().allow(Permission::PLATFORM)?;
        Ok(Json(
            tenants::set_suspended(&state.store, who, tenant_id.0, Some(body.0)).await?,
        ))
    }

    /// Resumes a suspended organisation: its members, keys, careers page and listed jobs work again.
    #[oai(
        path = "/tenants/:tenant_id/resume",
        method = "post",
        operation_id = "admin_resume_tenant"
    )]
    async fn resume(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        tenant_id: Path<u64>,
    ) -> Result<Json<Tenant>, Error> {
        let who = auth.identity().allow(Permission::PLATFORM)?;
        Ok(Json(
            tenants::set_suspended(&state.store, who, tenant_id.0, None).await?,
        ))
    }

    /// Takes a backup of the whole instance while writes continue: every table copied from one
    /// consistent snapshot into `data_dir/backups/`, fsynced, checksummed (SHA-256). One at a
    /// time: another request while one runs gets 409.
    #[oai(
        path = "/backup",
        method = "post",
        operation_id = "admin_create_backup"
    )]
    async fn create_backup(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
    ) -> Result<BackupTaken, Error> {
        auth.identity().allow(Permission::PLATFORM)?;
        let backup = state
            .backups
            .run(&state.store, &state.config.data_dir, |_| {})
            .await?;
        Ok(BackupTaken::Created(Json(backup)))
    }

    /// The backups in `data_dir/backups/`, newest first, with size and SHA-256.
    #[oai(path = "/backup", method = "get", operation_id = "admin_list_backups")]
    async fn list_backups(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
    ) -> Result<Json<BackupPage>, Error> {
        auth.identity().allow(Permission::PLATFORM)?;
        let items = backups::list(&state.config.data_dir)?;
        Ok(Json(BackupPage {
            total: items.len() as u64,
            items,
        }))
    }

    /// Downloads one backup by its name.
    #[oai(
        path = "/backup/:name",
        method = "get",
        operation_id = "admin_download_backup"
    )]
    async fn download_backup(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        name: Path<String>,
    ) -> Result<BackupFile, Error> {
        auth.identity().allow(Permission::PLATFORM)?;
        let (path, backup) = backups::path_of(&state.config.data_dir, &name.0)?;
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|_| Error::not_found("Backup", &name.0))?;
        Ok(BackupFile::File(
            Binary(poem::Body::from_async_read(file)),
            format!("attachment; filename=\"{}\"", backup.name),
            backup.sha256,
            backup.size_bytes,
        ))
    }

    /// Creates the first platform admin with the one-time token of the setup link the server
    /// prints at start-up while none exists. No credentials: the token is the proof. The
    /// link dies once used and when the server restarts.
    #[oai(path = "/setup", method = "post", operation_id = "admin_setup")]
    async fn setup(
        &self,
        state: Data<&Arc<AppState>>,
        body: Json<FirstAdmin>,
    ) -> Result<AdminCreated, Error> {
        if users::has_platform_admin(&state.store)? {
            return Err(Error::conflict(
                "The platform admin already exists; sign in instead.",
            ));
        }
        let FirstAdmin {
            token,
            email,
            password,
        } = body.0;
        let create = async {
            users::create_platform_admin(&state.store, &state.passwords, &email, &password)
                .await
                .map_err(|mut e| {
                    // The domain names the fields as `hirebase init` does (`admin_email`).
                    for f in &mut e.errors {
                        f.field = f.field.trim_start_matches("admin_").to_string();
                    }
                    e.detail = e.detail.replace("`admin_", "`");
                    e
                })
        };
        let user = state.setup.redeem(&token, create).await?;
        tracing::info!(email = %user.email, "created the platform admin through the setup link");
        Ok(AdminCreated::Created(Json(UserOut::from(&user))))
    }

    /// The feature flags in force: rate limits per tier, strict or soft limiting, open
    /// registration.
    #[oai(path = "/flags", method = "get", operation_id = "admin_get_flags")]
    async fn flags(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
    ) -> Result<Json<FlagsOut>, Error> {
        auth.identity().allow(Permission::PLATFORM)?;
        Ok(Json(FlagsOut {
            flags: FlagValues::clone(&state.flags.get()),
        }))
    }

    /// Change flags (`{name: value, …}`); they take effect at once and are kept across
    /// restarts. `null` returns a flag to its default from the configuration. An unknown
    /// name or a value of the wrong type changes nothing (400).
    #[oai(path = "/flags", method = "patch", operation_id = "admin_update_flags")]
    async fn update_flags(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        body: Json<FlagsPatch>,
    ) -> Result<Json<FlagsOut>, Error> {
        let who = auth.identity().allow(Permission::PLATFORM)?;
        let flags = state.flags.update(&state.store, who, body.0).await?;
        Ok(Json(FlagsOut {
            flags: FlagValues::clone(&flags),
        }))
    }

    /// Mail sent or waiting, newest first: every mail for the platform admin, the
    /// organisation's own for an org admin. Without `mail.smtp_url` this is where mail goes.
    #[oai(path = "/outbox", method = "get", operation_id = "admin_outbox")]
    async fn outbox(
        &self,
        state: Data<&Arc<AppState>>,
        auth: Auth,
        skip: Query<Option<u32>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
    ) -> Result<Json<MailPage>, Error> {
        let who = auth.identity().allow(Permission::OUTBOX)?;
        let org = (who.role != Role::PlatformAdmin).then_some(who.tenant_id);
        let (items, total) = mail::outbox(
            &state.store,
            org,
            skip.0.unwrap_or(0) as usize,
            limit.0.unwrap_or(page::DEFAULT_LIMIT) as usize,
        )?;
        Ok(Json(MailPage { items, total }))
    }
}
