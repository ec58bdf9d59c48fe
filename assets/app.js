// hirebase admin UI: start-up, the signed-in layout (sidebar + header) and the route table.
// Pages live in `page-*.js`; each exports `{title, render(ctx)}` and is imported the first time
// its route is visited. A new domain (jobs, candidates…) is one file, one `route()` line and,
// if it has a sidebar entry, one line in NAV naming the permission it needs.
// A page's root may carry `data-page-title` to name the browser tab after its record.

import { api, whenSignedOut } from './api.js';
import { h, icon, initials, mount, notice, problemNotice, toast } from './dom.js';
import { label } from './labels.js';
import { currentLocation, lazy, match, navigate, route } from './router.js';
import { can, clearSession, loadSession, onSessionChange, session } from './session.js';

/** Where signing in lands: the dashboard for people who hire, the agenda for interviewers, else the profile. */
function home() {
  if (can('platform')) return '#/admin/organisations';
  if (can('insights_read')) return '#/dashboard';
  if (can('interviews_read')) return '#/interviews';
  // An agency's people: the candidates they submitted.
  return can('candidates_read') ? '#/candidates' : '#/profile';
}

route('/login', { public: true, load: lazy(() => import('./page-auth.js'), 'loginPage') });
route('/register', { public: true, load: lazy(() => import('./page-auth.js'), 'registerPage') });
// Opened as `/setup?token=…` (a real path, see `render`), from the link the server prints.
route('/setup', { public: true, load: lazy(() => import('./page-auth.js'), 'setupPage') });
route('/backups', { nav: 'backups', load: lazy(() => import('./page-backups.js'), 'backupsPage') });
route('/forgot-password', { public: true, load: lazy(() => import('./page-auth.js'), 'forgotPasswordPage') });
// Pages of mailed links open whether or not someone is signed in on this browser.
route('/verify-email', { public: true, any: true, load: lazy(() => import('./page-auth.js'), 'verifyEmailPage') });
route('/reset-password', { public: true, any: true, load: lazy(() => import('./page-auth.js'), 'resetPasswordPage') });
route('/accept-invite', { public: true, any: true, load: lazy(() => import('./page-auth.js'), 'acceptInvitePage') });
route('/admin/outbox', { nav: 'outbox', load: lazy(() => import('./page-platform.js'), 'outboxPage') });
route('/profile', { nav: 'profile', load: lazy(() => import('./page-profile.js'), 'profilePage') });
route('/team', { nav: 'team', load: lazy(() => import('./page-team.js'), 'teamPage') });
route('/api-keys', { nav: 'api-keys', load: lazy(() => import('./page-api-keys.js'), 'apiKeysPage') });
route('/api-keys/:id/usage', { nav: 'api-keys', load: lazy(() => import('./page-api-keys.js'), 'apiKeyUsagePage') });
route('/settings', { nav: 'settings', load: lazy(() => import('./page-settings.js'), 'settingsPage') });
route('/jobs', { nav: 'jobs', load: lazy(() => import('./page-jobs.js'), 'jobsPage') });
route('/jobs/:id', { nav: 'jobs', load: lazy(() => import('./page-job.js'), 'jobPage') });
route('/candidates', { nav: 'candidates', load: lazy(() => import('./page-candidates.js'), 'candidatesPage') });
route('/candidates/import', { nav: 'candidates', load: lazy(() => import('./page-import.js'), 'importPage') });
route('/candidates/:id', { nav: 'candidates', load: lazy(() => import('./page-candidate.js'), 'candidatePage') });
route('/agent', { nav: 'agent', load: lazy(() => import('./agent.js'), 'agentPage') });
route('/dashboard', { nav: 'dashboard', load: lazy(() => import('./page-dashboard.js'), 'dashboardPage') });
route('/interviews', { nav: 'interviews', load: lazy(() => import('./page-interviews.js'), 'interviewsPage') });
route('/interviews/:id', { nav: 'interviews', load: lazy(() => import('./page-interviews.js'), 'interviewPage') });
route('/offers', { nav: 'offers', load: lazy(() => import('./page-offers.js'), 'offersPage') });
route('/library', { nav: 'library', load: lazy(() => import('./page-library.js'), 'libraryPage') });
route('/library/:id', { nav: 'library', load: lazy(() => import('./page-library.js'), 'libraryItemPage') });
route('/webhooks', { nav: 'webhooks', load: lazy(() => import('./page-webhooks.js'), 'webhooksPage') });
route('/webhooks/:id', { nav: 'webhooks', load: lazy(() => import('./page-webhooks.js'), 'webhookDeliveriesPage') });
route('/audit', { nav: 'audit', load: lazy(() => import('./page-audit.js'), 'auditPage') });
route('/people', { nav: 'people', load: lazy(() => import('./page-people.js'), 'peoplePage') });
route('/people/:id', { nav: 'people', load: lazy(() => import('./page-people.js'), 'personPage') });
route('/projects', { nav: 'projects', load: lazy(() => import('./page-projects.js'), 'projectsPage') });
route('/projects/:id', { nav: 'projects', load: lazy(() => import('./page-projects.js'), 'projectPage') });
route('/slots/:id', { nav: 'projects', load: lazy(() => import('./page-slot.js'), 'slotPage') });
route('/engagements', { nav: 'engagements', load: lazy(() => import('./page-engagements.js'), 'engagementsPage') });
route('/admin/organisations', { nav: 'organisations', load: lazy(() => import('./page-platform.js'), 'organisationsPage') });
route('/admin/flags', { nav: 'flags', load: lazy(() => import('./page-platform.js'), 'flagsPage') });
route('/admin/health', { nav: 'health', load: lazy(() => import('./page-platform.js'), 'healthPage') });

/**
 * The sidebar: an entry shows when the user holds its permission (`perm`). Entries with `soon`
 * are domains of later releases: shown, but disabled.
 */
const NAV = [
  {
    heading: 'Recruiting',
    items: [
      { id: 'dashboard', label: 'Dashboard', icon: 'dashboard', href: '#/dashboard', perm: 'insights_read' },
      { id: 'jobs', label: 'Jobs', icon: 'jobs', href: '#/jobs', perm: 'jobs_read' },
      { id: 'candidates', label: 'Candidates', icon: 'candidates', href: '#/candidates', perm: 'candidates_read' },
      { id: 'interviews', label: 'Interviews', icon: 'interviews', href: '#/interviews', perm: 'interviews_read' },
      { id: 'offers', label: 'Offers', icon: 'offers', href: '#/offers', perm: 'offers_read' },
      { id: 'agent', label: 'Agent', icon: 'info', href: '#/agent', perm: 'jobs_read' },
      { id: 'library', label: 'Library', icon: 'library', href: '#/library', perm: 'library_write' },
    ],
  },
  {
    heading: 'Marketplace',
    items: [
      { id: 'people', label: 'People', icon: 'people', href: '#/people', perm: 'people_read' },
      // A talent account's own profile is at the same address.
      { id: 'people', label: 'My talent profile', icon: 'people', href: '#/people', perm: 'own_talent_profile' },
      { id: 'projects', label: 'Projects', icon: 'projects', href: '#/projects', perm: 'projects_read' },
      { id: 'engagements', label: 'Engagements', icon: 'engagements', href: '#/engagements', perm: 'engagements_read' },
    ],
  },
  {
    heading: 'Organisation',
    items: [
      { id: 'team', label: 'Team', icon: 'team', href: '#/team', perm: 'team_read' },
      { id: 'api-keys', label: 'API keys', icon: 'key', href: '#/api-keys', perm: 'api_keys' },
      { id: 'settings', label: 'Organisation settings', icon: 'settings', href: '#/settings', perm: 'structure_read' },
      { id: 'webhooks', label: 'Webhooks', icon: 'webhooks', href: '#/webhooks', perm: 'webhooks_read' },
      { id: 'audit', label: 'Audit', icon: 'audit', href: '#/audit', perm: 'audit_read' },
      { id: 'outbox', label: 'Mail outbox', icon: 'webhooks', href: '#/admin/outbox', perm: 'outbox' },
    ],
  },
  {
    heading: 'Platform',
    items: [
      { id: 'organisations', label: 'Organisations', icon: 'team', href: '#/admin/organisations', perm: 'platform' },
      { id: 'flags', label: 'Feature flags', icon: 'settings', href: '#/admin/flags', perm: 'platform' },
      { id: 'backups', label: 'Backups', icon: 'download', href: '#/backups', perm: 'platform' },
      { id: 'health', label: 'Health', icon: 'dashboard', href: '#/admin/health', perm: 'platform' },
    ],
  },
  {
    heading: 'Account',
    items: [{ id: 'profile', label: 'Profile', icon: 'profile', href: '#/profile', perm: 'own_profile' }],
  },
];

// ---- CSP watch: a blocked inline style or script would silently break a page -------------

let cspViolations = 0;
document.addEventListener('securitypolicyviolation', (event) => {
  cspViolations += 1;
  document.documentElement.dataset.cspViolations = String(cspViolations);
  console.error(`Content-Security-Policy blocked ${event.blockedURI || 'inline content'} (${event.violatedDirective})`);
});

// ---- Layout -------------------------------------------------------------------------------

let shell = null;
let returnTo = null;

/** The sidebar's sections, each with the entries this user may open (empty sections are left out). */
function navList() {
  return NAV.map((section, i) => {
    const items = section.items.filter((item) => !item.perm || can(item.perm));
    if (items.length === 0) return null;
    const headingId = `nav-heading-${i}`;
    return h('div', { class: 'nav-section' },
      h('p', { class: 'nav-heading', id: headingId }, section.heading),
      h('ul', { class: 'nav-list', 'aria-labelledby': headingId },
        items.map((item) => h('li', {},
          item.soon
            ? h('span', { class: 'nav-item is-disabled', 'aria-disabled': 'true', title: `${item.label} arrives in a later release` },
              icon(item.icon), h('span', { class: 'nav-label' }, item.label), h('span', { class: 'soon' }, 'soon'))
            : h('a', { class: 'nav-item', href: item.href, dataset: { nav: item.id } },
              icon(item.icon), h('span', { class: 'nav-label' }, item.label))))));
  });
}

function buildShell() {
  const orgName = h('span', { class: 'brand-org' });
  const userName = h('span', { id: 'current-user-name', class: 'user-name' });
  const userRole = h('span', { class: 'user-role' });
  const avatar = h('span', { class: 'avatar', 'aria-hidden': 'true' });
  const main = h('main', { id: 'main', class: 'content', tabindex: '-1' });
  const nav = h('nav', { class: 'nav', 'aria-label': 'Main' }, navList());
  const sidebar = h('aside', { class: 'sidebar', id: 'sidebar' },
    h('div', { class: 'brand' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'h'),
      h('div', { class: 'brand-text' }, orgName, h('span', { class: 'brand-product' }, 'hirebase'))),
    nav,
    h('div', { class: 'sidebar-foot' },
      h('a', { href: '/docs', target: '_blank', rel: 'noopener', class: 'sidebar-link' }, 'API reference', icon('external', 'icon icon-sm'))));

  const menuButton = h('button', {
    type: 'button', class: 'icon-btn menu-btn', 'aria-controls': 'sidebar', 'aria-expanded': 'false', 'aria-label': 'Show navigation',
  }, icon('menu'));
  const setMenuOpen = (open) => {
    sidebar.classList.toggle('is-open', open);
    menuButton.setAttribute('aria-expanded', String(open));
  };
  menuButton.addEventListener('click', (event) => {
    event.stopPropagation();
    setMenuOpen(!sidebar.classList.contains('is-open'));
  });
  // On narrow screens the sidebar is a drawer: a click outside it or Escape closes it.
  const closeMenu = (event) => {
    if (!sidebar.classList.contains('is-open')) return;
    if (event.type === 'keydown' && event.key !== 'Escape') return;
    if (event.type === 'click' && sidebar.contains(event.target)) return;
    setMenuOpen(false);
    if (event.type === 'keydown') menuButton.focus();
  };
  document.addEventListener('click', closeMenu);
  document.addEventListener('keydown', closeMenu);

  const signOutButton = h('button', { type: 'button', class: 'btn btn-ghost', id: 'sign-out', onClick: signOut },
    icon('signout'), h('span', { class: 'btn-label' }, 'Sign out'));
  const skip = h('a', { href: '#main', class: 'skip-link' }, 'Skip to content');
  skip.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });

  const root = h('div', { class: 'shell' },
    skip,
    sidebar,
    h('div', { class: 'main-col' },
      h('header', { class: 'topbar' },
        menuButton,
        h('div', { class: 'topbar-spacer' }),
        h('div', { class: 'user' }, avatar, h('div', { class: 'user-text' }, userName, userRole)),
        signOutButton),
      main));

  let shownFor = null;
  const update = ({ user, tenant }) => {
    if (!user) return;
    userName.textContent = user.full_name;
    userRole.textContent = label('role', user.role);
    avatar.textContent = initials(user.full_name);
    orgName.textContent = tenant?.name || (can('platform') ? 'Platform' : 'Organisation');
    // A new role (or a new person) may open other pages.
    const perms = (user.permissions || []).join();
    if (perms !== shownFor) {
      shownFor = perms;
      const current = nav.querySelector('[aria-current="page"]')?.dataset.nav;
      mount(nav, navList());
      if (current) nav.querySelector(`a[data-nav="${current}"]`)?.setAttribute('aria-current', 'page');
    }
  };
  update(session);
  const unsubscribe = onSessionChange(update);
  const destroy = () => {
    unsubscribe();
    document.removeEventListener('click', closeMenu);
    document.removeEventListener('keydown', closeMenu);
  };

  return {
    root,
    main,
    setActive(navId) {
      for (const link of sidebar.querySelectorAll('a[data-nav]')) {
        if (link.dataset.nav === navId) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
      setMenuOpen(false);
    },
    destroy,
  };
}

function ensureShell() {
  if (!shell) {
    shell = buildShell();
    mount(document.getElementById('app'), shell.root);
  }
  return shell;
}

function authLayout() {
  if (shell) {
    shell.destroy();
    shell = null;
  }
  const container = h('main', { id: 'main', class: 'auth-main', tabindex: '-1' });
  mount(document.getElementById('app'), h('div', { class: 'auth-layout' }, container));
  return container;
}

async function signOut() {
  try {
    await api('POST', '/auth/logout');
  } catch {
    // The session may already be gone; signing out locally is what matters.
  }
  clearSession();
  returnTo = null;
  navigate('#/login');
  toast('You have signed out.', 'info');
}

whenSignedOut(() => {
  if (!session.user) return;
  clearSession();
  returnTo = window.location.hash;
  toast('Your session has ended. Please sign in again.', 'info');
  navigate('#/login', { replace: true });
});

/** Called by the sign-in and registration pages once the cookie is set. */
async function signedIn() {
  await loadSession();
  const target = returnTo && !/^#\/(login|register|accept-invite|reset-password|forgot-password)/.test(returnTo) ? returnTo : home();
  returnTo = null;
  navigate(target, { replace: true });
}

// ---- Rendering a route ----------------------------------------------------------------------

let renderCount = 0;

/** Shown when a page's module cannot be fetched: usually a new version of hirebase went live. */
function unloadablePage(error) {
  console.error(error);
  const reload = h('button', { type: 'button', class: 'btn btn-primary', id: 'reload-app', onClick: () => window.location.reload() }, 'Reload');
  return {
    title: 'Page not loaded',
    render: () => h('div', { class: 'page' },
      h('h1', { tabindex: '-1', class: 'page-title' }, 'This page could not be loaded'),
      notice('warning', 'hirebase may have been updated since this tab opened',
        h('p', {}, 'Reload to get the current version. Nothing you saved is lost.'), reload)),
  };
}

function notFoundPage() {
  return {
    title: 'Page not found',
    render: () => h('div', { class: 'page' },
      h('h1', { tabindex: '-1', class: 'page-title' }, 'Page not found'),
      h('p', {}, 'There is no page at this address. ', h('a', { href: home() }, 'Go to the start page'), '.')),
  };
}

async function render() {
  const ticket = ++renderCount;
  // The first-run link is a real path (`/setup?token=…`), not a `#/` route.
  const setup = window.location.pathname === '/setup' && !window.location.hash;
  const { path, query } = setup ? { path: '/setup', query: new URLSearchParams(window.location.search) } : currentLocation();
  if (path === '/') {
    navigate(session.user ? home() : '#/login', { replace: true });
    return;
  }
  const found = match(path);
  const entry = found ? found.page : { load: async () => notFoundPage() };
  if (!entry.public && !session.user) {
    returnTo = window.location.hash;
    navigate('#/login', { replace: true });
    return;
  }
  if (entry.public && !entry.any && session.user) {
    navigate(home(), { replace: true });
    return;
  }

  let container;
  if (entry.public) {
    container = authLayout();
  } else {
    const layout = ensureShell();
    layout.setActive(entry.nav);
    container = layout.main;
  }
  const slow = setTimeout(() => {
    if (ticket === renderCount) mount(container, h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading…'));
  }, 150);

  let page;
  try {
    page = await entry.load();
  } catch (error) {
    page = unloadablePage(error);
  }
  if (ticket !== renderCount) {
    clearTimeout(slow);
    return;
  }
  const ctx = { params: found ? found.params : {}, query, session, navigate, refresh: render, signedIn };
  let view;
  try {
    view = await page.render(ctx);
  } catch (error) {
    console.error(error);
    view = h('div', { class: 'page' }, h('h1', { tabindex: '-1', class: 'page-title' }, page.title), problemNotice(error));
  }
  clearTimeout(slow);
  if (ticket !== renderCount) return;

  mount(container, view);
  const org = session.tenant?.name;
  document.title = [view?.dataset?.pageTitle || page.title, org, 'hirebase'].filter(Boolean).join(' · ');
  const focusTarget = container.querySelector('[data-autofocus]') || container.querySelector('h1');
  focusTarget?.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

// ---- Start-up -------------------------------------------------------------------------------

/** Mailed links are plain paths (`/accept-invite?token=…`); the UI routes them as `#/…`. */
const MAILED_PAGES = ['/verify-email', '/reset-password', '/accept-invite'];

async function start() {
  const { pathname, search } = window.location;
  if (MAILED_PAGES.includes(pathname)) window.history.replaceState(null, '', `/#${pathname}${search}`);
  window.addEventListener('hashchange', render);
  try {
    await loadSession();
  } catch (error) {
    const retry = h('button', { type: 'button', class: 'btn btn-primary', onClick: () => window.location.reload() }, 'Try again');
    mount(document.getElementById('app'), h('div', { class: 'auth-layout' },
      h('main', { class: 'auth-main' }, h('div', { class: 'auth-card' }, problemNotice(error), retry))));
    return;
  }
  await render();
}

start();
