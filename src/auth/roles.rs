//! Roles, API-key scopes and the permissions endpoints declare (DESIGN §3).

use poem_openapi::Enum;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename_all = "snake_case")]
pub enum Role {
    PlatformAdmin,
    OrgAdmin,
    Recruiter,
    HiringManager,
    Interviewer,
    Agency,
    Talent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "platform_admin",
            Role::OrgAdmin => "org_admin",
            Role::Recruiter => "recruiter",
            Role::HiringManager => "hiring_manager",
            Role::Interviewer => "interviewer",
            Role::Agency => "agency",
            Role::Talent => "talent",
        }
    }

    /// Roles a tenant's own members can hold (platform_admin belongs to the instance).
    pub fn is_tenant_role(self) -> bool {
        self != Role::PlatformAdmin
    }
}

/// What an API key may touch, in addition to what its role allows.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Enum,
)]
pub enum Scope {
    #[serde(rename = "jobs:read")]
    #[oai(rename = "jobs:read")]
    JobsRead,
    #[serde(rename = "jobs:write")]
    #[oai(rename = "jobs:write")]
    JobsWrite,
    #[serde(rename = "candidates:read")]
    #[oai(rename = "candidates:read")]
    CandidatesRead,
    #[serde(rename = "candidates:write")]
    #[oai(rename = "candidates:write")]
    CandidatesWrite,
    #[serde(rename = "applications:read")]
    #[oai(rename = "applications:read")]
    ApplicationsRead,
    #[serde(rename = "applications:write")]
    #[oai(rename = "applications:write")]
    ApplicationsWrite,
    #[serde(rename = "interviews:read")]
    #[oai(rename = "interviews:read")]
    InterviewsRead,
    #[serde(rename = "interviews:write")]
    #[oai(rename = "interviews:write")]
    InterviewsWrite,
    #[serde(rename = "offers:read")]
    #[oai(rename = "offers:read")]
    OffersRead,
    #[serde(rename = "offers:write")]
    #[oai(rename = "offers:write")]
    OffersWrite,
    #[serde(rename = "webhooks:read")]
    #[oai(rename = "webhooks:read")]
    WebhooksRead,
    #[serde(rename = "webhooks:write")]
    #[oai(rename = "webhooks:write")]
    WebhooksWrite,
    #[serde(rename = "audit:read")]
    #[oai(rename = "audit:read")]
    AuditRead,
    #[serde(rename = "insights:read")]
    #[oai(rename = "insights:read")]
    InsightsRead,
    #[serde(rename = "team:read")]
    #[oai(rename = "team:read")]
    TeamRead,
    #[serde(rename = "team:write")]
    #[oai(rename = "team:write")]
    TeamWrite,
    #[serde(rename = "tenant:read")]
    #[oai(rename = "tenant:read")]
    TenantRead,
    #[serde(rename = "tenant:write")]
    #[oai(rename = "tenant:write")]
    TenantWrite,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        SCOPE_NAMES
            .iter()
            .find(|(s, _)| *s == self)
            .map(|(_, n)| *n)
            .expect("every scope is named")
    }
}

const SCOPE_NAMES: &[(Scope, &str)] = &[
    (Scope::JobsRead, "jobs:read"),
    (Scope::JobsWrite, "jobs:write"),
    (Scope::CandidatesRead, "candidates:read"),
    (Scope::CandidatesWrite, "candidates:write"),
    (Scope::ApplicationsRead, "applications:read"),
    (Scope::ApplicationsWrite, "applications:write"),
    (Scope::InterviewsRead, "interviews:read"),
    (Scope::InterviewsWrite, "interviews:write"),
    (Scope::OffersRead, "offers:read"),
    (Scope::OffersWrite, "offers:write"),
    (Scope::WebhooksRead, "webhooks:read"),
    (Scope::WebhooksWrite, "webhooks:write"),
    (Scope::AuditRead, "audit:read"),
    (Scope::InsightsRead, "insights:read"),
    (Scope::TeamRead, "team:read"),
    (Scope::TeamWrite, "team:write"),
    (Scope::TenantRead, "tenant:read"),
    (Scope::TenantWrite, "tenant:write"),
];

/// What an endpoint requires: one of `roles`, and (for API keys) `scope`.
/// Session users carry every scope their role allows; keys carry only the scopes they were minted with.
#[derive(Debug, Clone, Copy)]
pub struct Permission {
    pub action: &'static str,
    pub roles: &'static [Role],
    pub scope: Option<Scope>,
    /// Sessions only: API keys can never do this (minting keys, changing one's own password).
    pub session_only: bool,
}

use Role::*;

const STAFF: &[Role] = &[OrgAdmin, Recruiter, HiringManager, Interviewer, Agency];
const ADMIN: &[Role] = &[OrgAdmin];
/// Roles that run hiring: jobs, candidates, pipelines.
const HIRING: &[Role] = &[OrgAdmin, Recruiter, HiringManager];
/// Hiring roles and the interviewers on interview panels.
const INTERVIEWING: &[Role] = &[OrgAdmin, Recruiter, HiringManager, Interviewer];
const EVERY_MEMBER: &[Role] = &[
    OrgAdmin,
    Recruiter,
    HiringManager,
    Interviewer,
    Agency,
    Talent,
];

impl Permission {
    const fn new(action: &'static str, roles: &'static [Role], scope: Option<Scope>) -> Permission {
        Permission {
            action,
            roles,
            scope,
            session_only: false,
        }
    }
    const fn sessions(action: &'static str, roles: &'static [Role]) -> Permission {
        Permission {
            action,
            roles,
            scope: None,
            session_only: true,
        }
    }

    // Account
    pub const OWN_PROFILE: Permission = Permission::sessions(
        "use your own profile",
        &[
            PlatformAdmin,
            OrgAdmin,
            Recruiter,
            HiringManager,
            Interviewer,
            Agency,
            Talent,
        ],
    );

    // Tenant and team
    pub const TENANT_READ: Permission = Permission::new(
        "read the organisation",
        EVERY_MEMBER,
        Some(Scope::TenantRead),
    );
    pub const TENANT_WRITE: Permission =
        Permission::new("change the organisation", ADMIN, Some(Scope::TenantWrite));
    pub const TEAM_READ: Permission =
        Permission::new("list the team", STAFF, Some(Scope::TeamRead));
    pub const TEAM_WRITE: Permission =
        Permission::new("manage the team", ADMIN, Some(Scope::TeamWrite));

    // Core records. Interviewers and agencies get their narrower views with interviews and submissions.
    pub const JOBS_READ: Permission = Permission::new("read jobs", STAFF, Some(Scope::JobsRead));
    pub const JOBS_WRITE: Permission =
        Permission::new("change jobs", HIRING, Some(Scope::JobsWrite));
    pub const CANDIDATES_READ: Permission =
        Permission::new("read candidates", HIRING, Some(Scope::CandidatesRead));
    pub const CANDIDATES_WRITE: Permission =
        Permission::new("change candidates", HIRING, Some(Scope::CandidatesWrite));
    pub const CANDIDATES_DELETE: Permission = Permission::new(
        "delete candidates",
        &[OrgAdmin, Recruiter],
        Some(Scope::CandidatesWrite),
    );
    pub const APPLICATIONS_READ: Permission =
        Permission::new("read applications", HIRING, Some(Scope::ApplicationsRead));
    pub const APPLICATIONS_WRITE: Permission = Permission::new(
        "change applications",
        HIRING,
        Some(Scope::ApplicationsWrite),
    );

    // Hiring workflow
    pub const INTERVIEWS_READ: Permission =
        Permission::new("read interviews", INTERVIEWING, Some(Scope::InterviewsRead));
    pub const INTERVIEWS_WRITE: Permission = Permission::new(
        "schedule and change interviews",
        HIRING,
        Some(Scope::InterviewsWrite),
    );
    pub const SCORECARDS_WRITE: Permission = Permission::new(
        "record scorecards",
        INTERVIEWING,
        Some(Scope::InterviewsWrite),
    );
    pub const INTERVIEWS_DELETE: Permission = Permission::new(
        "delete interviews",
        &[OrgAdmin, Recruiter],
        Some(Scope::InterviewsWrite),
    );
    pub const OFFERS_READ: Permission =
        Permission::new("read offers", HIRING, Some(Scope::OffersRead));
    pub const OFFERS_WRITE: Permission =
        Permission::new("make and change offers", HIRING, Some(Scope::OffersWrite));
    pub const OFFERS_DELETE: Permission = Permission::new(
        "delete offers",
        &[OrgAdmin, Recruiter],
        Some(Scope::OffersWrite),
    );
    pub const INSIGHTS_READ: Permission =
        Permission::new("read insights", HIRING, Some(Scope::InsightsRead));

    // Oversight
    pub const AUDIT_READ: Permission =
        Permission::new("read the audit trail", ADMIN, Some(Scope::AuditRead));
    pub const AUDIT_EXPORT: Permission =
        Permission::new("export the audit trail", ADMIN, Some(Scope::AuditRead));

    // Integrations
    pub const WEBHOOKS_READ: Permission =
        Permission::new("read webhooks", ADMIN, Some(Scope::WebhooksRead));
    pub const WEBHOOKS_WRITE: Permission =
        Permission::new("manage webhooks", ADMIN, Some(Scope::WebhooksWrite));

    // API keys are managed by people, never by other keys.
    pub const API_KEYS: Permission = Permission::sessions("manage API keys", ADMIN);

    // Platform
    pub const PLATFORM: Permission =
        Permission::sessions("administer the platform", &[PlatformAdmin]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_has_its_wire_name() {
        for (scope, name) in SCOPE_NAMES {
            assert_eq!(
                serde_json::to_value(scope).unwrap(),
                serde_json::json!(name)
            );
            assert_eq!(scope.as_str(), *name);
        }
    }
}
