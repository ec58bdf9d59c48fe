//! Roles, API-key scopes and the permissions endpoints declare (DESIGN §3).

named_enum! {
    pub enum Role {
        PlatformAdmin = "platform_admin",
        OrgAdmin = "org_admin",
        Recruiter = "recruiter",
        HiringManager = "hiring_manager",
        Interviewer = "interviewer",
        Agency = "agency",
        Talent = "talent",
    }
}

impl Role {
    /// Roles a tenant's own members can hold (platform_admin belongs to the instance).
    pub fn is_tenant_role(self) -> bool {
        self != Role::PlatformAdmin
    }
}

named_enum! {
    /// What an API key may touch, in addition to what its role allows.
    pub enum Scope {
        JobsRead = "jobs:read",
        JobsWrite = "jobs:write",
        CandidatesRead = "candidates:read",
        CandidatesWrite = "candidates:write",
        ApplicationsRead = "applications:read",
        ApplicationsWrite = "applications:write",
        InterviewsRead = "interviews:read",
        InterviewsWrite = "interviews:write",
        OffersRead = "offers:read",
        OffersWrite = "offers:write",
        WebhooksRead = "webhooks:read",
        WebhooksWrite = "webhooks:write",
        AuditRead = "audit:read",
        InsightsRead = "insights:read",
        TeamRead = "team:read",
        TeamWrite = "team:write",
        TenantRead = "tenant:read",
        TenantWrite = "tenant:write",
    }
}

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
