// hirebase admin UI: start-up, the signed-in layout (sidebar + header) and the route table.
// Pages live in `page-*.js`; each exports `{title, nav, public?, render(ctx)}` and is
// registered below. A new domain (jobs, candidates…) is one file and one `route()` line.
// A page's root may carry `data-page-title` to name the browser tab after its record.

import { api, whenSignedOut } from './api.js';
import { h, icon, initials, mount, problemNotice, roleLabel, toast } from './dom.js';
import { currentLocation, match, navigate, route } from './router.js';
import { clearSession, loadSession, onSessionChange, session } from './session.js';
import { loginPage, registerPage } from './page-auth.js';
import { profilePage } from './page-profile.js';
import { teamPage } from './page-team.js';
import { apiKeysPage, apiKeyUsagePage } from './page-api-keys.js';
import { settingsPage } from './page-settings.js';
import { jobsPage } from './page-jobs.js';
import { jobPage } from './page-job.js';
import { candidatesPage } from './page-candidates.js';
import { candidatePage } from './page-candidate.js';
import { importPage } from './page-import.js';
import { dashboardPage } from './page-dashboard.js';
import { interviewPage, interviewsPage } from './page-interviews.js';
import { offersPage } from './page-offers.js';
import { webhookDeliveriesPage, webhooksPage } from './page-webhooks.js';
import { auditPage } from './page-audit.js';
import { canHire } from './recruiting.js';

/** Where signing in lands: the dashboard for people who hire, the agenda for interviewers, else the profile. */
function home() {
  if (canHire()) return '#/dashboard';
  return session.user?.role === 'interviewer' ? '#/interviews' : '#/profile';
}

route('/login', loginPage);
route('/register', registerPage);
route('/profile', profilePage);
route('/team', teamPage);
route('/api-keys', apiKeysPage);
route('/api-keys/:id/usage', apiKeyUsagePage);
route('/settings', settingsPage);
route('/jobs', jobsPage);
route('/jobs/:id', jobPage);
route('/candidates', candidatesPage);
route('/candidates/import', importPage);
route('/candidates/:id', candidatePage);
route('/dashboard', dashboardPage);
route('/interviews', interviewsPage);
route('/interviews/:id', interviewPage);
route('/offers', offersPage);
route('/webhooks', webhooksPage);
route('/webhooks/:id', webhookDeliveriesPage);
route('/audit', auditPage);

/** The sidebar. Entries with `soon` are domains of later releases: shown, but disabled. */
const NAV = [
  {
    heading: 'Recruiting',
    items: [
      { id: 'dashboard', label: 'Dashboard', icon: 'dashboard', href: '#/dashboard' },
      { id: 'jobs', label: 'Jobs', icon: 'jobs', href: '#/jobs' },
      { id: 'candidates', label: 'Candidates', icon: 'candidates', href: '#/candidates' },
      { id: 'interviews', label: 'Interviews', icon: 'interviews', href: '#/interviews' },
      { id: 'offers', label: 'Offers', icon: 'offers', href: '#/offers' },
    ],
  },
  {
    heading: 'Organisation',
    items: [
      { id: 'team', label: 'Team', icon: 'team', href: '#/team' },
      { id: 'api-keys', label: 'API keys', icon: 'key', href: '#/api-keys' },
      { id: 'settings', label: 'Organisation settings', icon: 'settings', href: '#/settings' },
      { id: 'webhooks', label: 'Webhooks', icon: 'webhooks', href: '#/webhooks' },
      { id: 'audit', label: 'Audit', icon: 'audit', href: '#/audit' },
    ],
  },
  {
    heading: 'Account',
    items: [{ id: 'profile', label: 'Profile', icon: 'profile', href: '#/profile' }],
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

function navList() {
  return NAV.map((section, i) => {
    const headingId = `nav-heading-${i}`;
    return h('div', { class: 'nav-section' },
      h('p', { class: 'nav-heading', id: headingId }, section.heading),
      h('ul', { class: 'nav-list', 'aria-labelledby': headingId },
        section.items.map((item) => h('li', {},
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
  const sidebar = h('aside', { class: 'sidebar', id: 'sidebar' },
    h('div', { class: 'brand' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'h'),
      h('div', { class: 'brand-text' }, orgName, h('span', { class: 'brand-product' }, 'hirebase'))),
    h('nav', { class: 'nav', 'aria-label': 'Main' }, navList()),
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

  const update = ({ user, tenant }) => {
    if (!user) return;
    userName.textContent = user.full_name;
    userRole.textContent = roleLabel(user.role);
    avatar.textContent = initials(user.full_name);
    orgName.textContent = tenant?.name || (user.role === 'platform_admin' ? 'Platform' : 'Organisation');
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
  const target = returnTo && !/^#\/(login|register)/.test(returnTo) ? returnTo : home();
  returnTo = null;
  navigate(target, { replace: true });
}

// ---- Rendering a route ----------------------------------------------------------------------

let renderCount = 0;

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
  const { path, query } = currentLocation();
  if (path === '/') {
    navigate(session.user ? home() : '#/login', { replace: true });
    return;
  }
  const found = match(path);
  const page = found ? found.page : notFoundPage();
  if (!page.public && !session.user) {
    returnTo = window.location.hash;
    navigate('#/login', { replace: true });
    return;
  }
  if (page.public && session.user) {
    navigate(home(), { replace: true });
    return;
  }

  let container;
  if (page.public) {
    container = authLayout();
  } else {
    const layout = ensureShell();
    layout.setActive(page.nav);
    container = layout.main;
  }
  const slow = setTimeout(() => {
    if (ticket === renderCount) mount(container, h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading…'));
  }, 150);

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

async function start() {
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
