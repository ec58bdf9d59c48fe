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
        MatchingRead = "matching:read",
        TeamRead = "team:read",
        TeamWrite = "team:write",
        TenantRead = "tenant:read",
        TenantWrite = "tenant:write",
        MarketplaceRead = "marketplace:read",
        MarketplaceWrite = "marketplace:write",
        UploadsRead = "uploads:read",
        UploadsWrite = "uploads:write",
        AssistantUse = "assistant:use",
        LibraryRead = "library:read",
        LibraryWrite = "library:write",
    }
}

/// What an endpoint requires: one of `roles`, and (for API keys) `scope`.
/// Session users carry every scope their role allows; keys carry only the scopes they were minted with.
#[derive(Debug, Clone, Copy)]
pub struct Permission {
    /// The stable name `GET /users/me` lists, so clients show only what the caller may do.
    pub name: PermissionName,
    pub action: &'static str,
    pub roles: &'static [Role],
    pub scope: Option<Scope>,
    /// Sessions only: API keys can never do this (minting keys, changing one's own password).
    pub session_only: bool,
}

use Role::*;

const STAFF: &[Role] = &[OrgAdmin, Recruiter, HiringManager, Interviewer, Agency];
/// The organisation's own people: staff but for outside agencies.
const MEMBERS: &[Role] = &[OrgAdmin, Recruiter, HiringManager, Interviewer];
/// Hiring roles and agencies, which see only what their agency submitted (`Identity::submissions_of`).
const SUBMITTING: &[Role] = &[OrgAdmin, Recruiter, HiringManager, Agency];
const ADMIN: &[Role] = &[OrgAdmin];
/// Roles that run hiring: jobs, candidates, pipelines.
const HIRING: &[Role] = &[OrgAdmin, Recruiter, HiringManager];
/// Roles that staff projects: people, projects, slots, engagements.
const STAFFING: &[Role] = &[OrgAdmin, Recruiter];
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
const EVERYONE: &[Role] = &[
    PlatformAdmin,
    OrgAdmin,
    Recruiter,
    HiringManager,
    Interviewer,
    Agency,
    Talent,
];

/// The permission table: `CONST: Name = "wire_name", "what it allows", roles, scope (or
/// `session`)`. It defines each constant, the [`PermissionName`] enum and [`Permission::ALL`]
/// together, so neither the list nor the names can miss one.
macro_rules! permissions {
    ($( $(#[$doc:meta])* $konst:ident : $variant:ident = $name:literal, $action:literal, $roles:expr, $scope:tt; )*) => {
        named_enum! {
            /// The stable names of the permissions, as `GET /users/me` lists them.
            pub enum PermissionName { $($variant = $name),* }
        }
        impl Permission {
            $( $(#[$doc])* pub const $konst: Permission = permissions!(@make $variant, $action, $roles, $scope); )*
            /// Every permission, in table order.
            pub const ALL: &'static [Permission] = &[$(Permission::$konst),*];
        }
    };
    (@make $variant:ident, $action:literal, $roles:expr, session) => {
        Permission { name: PermissionName::$variant, action: $action, roles: $roles, scope: None, session_only: true }
    };
    (@make $variant:ident, $action:literal, $roles:expr, $scope:ident) => {
        Permission { name: PermissionName::$variant, action: $action, roles: $roles, scope: Some(Scope::$scope), session_only: false }
    };
}

permissions! {
    // Account
    OWN_PROFILE: OwnProfile = "own_profile", "use your own profile", EVERYONE, session;

    // Tenant and team
    TENANT_READ: TenantRead = "tenant_read", "read the organisation", EVERY_MEMBER, TenantRead;
    TENANT_WRITE: TenantWrite = "tenant_write", "change the organisation", ADMIN, TenantWrite;
    ACCOUNT_EXPORT: AccountExport = "account_export", "export the organisation's data", ADMIN, session;
    ACCOUNT_DELETE: AccountDelete = "account_delete", "delete the organisation with all its data", ADMIN, session;
    TEAM_READ: TeamRead = "team_read", "list the team", MEMBERS, TeamRead;
    /// Subsidiaries, agencies (with their fees) and integrations: not for outside agencies.
    STRUCTURE_READ: StructureRead = "structure_read", "read the organisation's subsidiaries, agencies and integrations", MEMBERS, TenantRead;
    TEAM_WRITE: TeamWrite = "team_write", "manage the team", ADMIN, TeamWrite;

    // Core records. Interviewers get their narrower view with interviews; agencies read and
    // change only the candidates and applications their agency submitted (the domain filters).
    JOBS_READ: JobsRead = "jobs_read", "read jobs", STAFF, JobsRead;
    JOBS_WRITE: JobsWrite = "jobs_write", "change jobs", HIRING, JobsWrite;
    CANDIDATES_READ: CandidatesRead = "candidates_read", "read candidates (an agency: those it submitted)", SUBMITTING, CandidatesRead;
    CANDIDATES_WRITE: CandidatesWrite = "candidates_write", "add and change candidates (an agency: its own)", SUBMITTING, CandidatesWrite;
    CANDIDATES_IMPORT: CandidatesImport = "candidates_import", "import candidates in bulk", HIRING, CandidatesWrite;
    CANDIDATES_DELETE: CandidatesDelete = "candidates_delete", "delete candidates", &[OrgAdmin, Recruiter], CandidatesWrite;
    CANDIDATES_ERASE: CandidatesErase = "candidates_erase", "erase candidates everywhere", &[OrgAdmin, Recruiter], CandidatesWrite;
    APPLICATIONS_READ: ApplicationsRead = "applications_read", "read applications (an agency: those it submitted)", SUBMITTING, ApplicationsRead;
    APPLICATIONS_SUBMIT: ApplicationsSubmit = "applications_submit", "submit candidates to jobs (an agency: its own candidates)", SUBMITTING, ApplicationsWrite;
    APPLICATIONS_WRITE: ApplicationsWrite = "applications_write", "move and delete applications", HIRING, ApplicationsWrite;

    // Documents. Anyone on staff may upload and keeps their own files; reading others' files
    // is for hiring roles, deleting them for admins.
    UPLOADS_WRITE: UploadsWrite = "uploads_write", "upload files, read and delete your own", STAFF, UploadsWrite;
    UPLOADS_READ: UploadsRead = "uploads_read", "read the organisation's uploaded files", HIRING, UploadsRead;
    UPLOADS_DELETE: UploadsDelete = "uploads_delete", "delete anyone's uploaded files", ADMIN, UploadsWrite;

    // Hiring workflow
    INTERVIEWS_READ: InterviewsRead = "interviews_read", "read interviews", INTERVIEWING, InterviewsRead;
    INTERVIEWS_WRITE: InterviewsWrite = "interviews_write", "schedule and change interviews", HIRING, InterviewsWrite;
    SCORECARDS_WRITE: ScorecardsWrite = "scorecards_write", "record scorecards", INTERVIEWING, InterviewsWrite;
    INTERVIEWS_DELETE: InterviewsDelete = "interviews_delete", "delete interviews", &[OrgAdmin, Recruiter], InterviewsWrite;
    OFFERS_READ: OffersRead = "offers_read", "read offers", HIRING, OffersRead;
    OFFERS_WRITE: OffersWrite = "offers_write", "make and change offers", HIRING, OffersWrite;
    OFFERS_DELETE: OffersDelete = "offers_delete", "delete offers", &[OrgAdmin, Recruiter], OffersWrite;
    INSIGHTS_READ: InsightsRead = "insights_read", "read insights", HIRING, InsightsRead;
    MATCHING: Matching = "matching", "match candidates and jobs", HIRING, MatchingRead;

    // The assistant reads candidates, jobs, offers and interviews: hiring roles (seed 002's
    // spend report names the same roles). Anyone on staff may save to the library and read
    // what they saved; the organisation's library is for hiring roles, as is deleting (seed 002).
    ASSISTANT: Assistant = "assistant", "use the assistant tools", HIRING, AssistantUse;
    ASSISTANT_SPEND: AssistantSpend = "assistant_spend", "read the assistant's spend", HIRING, AssistantUse;
    LIBRARY_WRITE: LibraryWrite = "library_write", "save to the library, read what you saved", STAFF, LibraryWrite;
    LIBRARY_READ: LibraryRead = "library_read", "read the organisation's library", HIRING, LibraryRead;
    LIBRARY_DELETE: LibraryDelete = "library_delete", "delete library items", HIRING, LibraryWrite;

    // Talent marketplace. Hiring managers read (but not private profiles); talent has its own row.
    PEOPLE_READ: PeopleRead = "people_read", "read talent profiles", HIRING, MarketplaceRead;
    PEOPLE_WRITE: PeopleWrite = "people_write", "add, change and delete talent profiles", STAFFING, MarketplaceWrite;
    PROJECTS_READ: ProjectsRead = "projects_read", "read projects, their slots and slot matches", HIRING, MarketplaceRead;
    PROJECTS_WRITE: ProjectsWrite = "projects_write", "add, change and delete projects and slots", STAFFING, MarketplaceWrite;
    ENGAGEMENTS_READ: EngagementsRead = "engagements_read", "read engagements", HIRING, MarketplaceRead;
    ENGAGEMENTS_WRITE: EngagementsWrite = "engagements_write", "engage people on slots, end and delete engagements", STAFFING, MarketplaceWrite;
    /// A talent account's own profile (the person linked to it) and its own engagements.
    OWN_TALENT_PROFILE: OwnTalentProfile = "own_talent_profile", "see and edit your own talent profile and see your engagements", &[Talent], session;

    // Oversight
    /// The platform admin's trail is the instance's own (flag changes, its sign-ins).
    AUDIT_READ: AuditRead = "audit_read", "read the audit trail", &[OrgAdmin, PlatformAdmin], AuditRead;
    AUDIT_EXPORT: AuditExport = "audit_export", "export the audit trail", &[OrgAdmin, PlatformAdmin], AuditRead;

    // Integrations
    WEBHOOKS_READ: WebhooksRead = "webhooks_read", "read webhooks", ADMIN, WebhooksRead;
    WEBHOOKS_WRITE: WebhooksWrite = "webhooks_write", "manage webhooks", ADMIN, WebhooksWrite;

    /// API keys are managed by people, never by other keys.
    API_KEYS: ApiKeys = "api_keys", "manage API keys", ADMIN, session;

    // Platform
    PLATFORM: Platform = "platform", "administer the platform", &[PlatformAdmin], session;
    /// The platform admin reads every mail; an org admin its organisation's.
    OUTBOX: Outbox = "outbox", "read the mail outbox", &[PlatformAdmin, OrgAdmin], session;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_names_are_unique_snake_case_words() {
        let mut seen = std::collections::HashSet::new();
        for p in Permission::ALL {
            let name = p.name.as_str();
            assert!(seen.insert(name), "{name} is listed twice");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name} is not snake_case"
            );
        }
        assert!(seen.contains("jobs_write") && seen.contains("platform"));
    }
}
