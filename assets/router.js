// A tiny hash router: `#/api-keys/7/usage?before=12` → the page registered for
// `/api-keys/:id/usage`, with `params.id = '7'` and `query.get('before') = '12'`. Page modules
// are imported the first time their route is visited.

const routes = [];

/**
 * Registers a page. `entry` is `{nav, public, load}`: `nav` names the sidebar entry to
 * highlight, `public` pages are shown signed out, and `load()` resolves to the page,
 * `{title, render(ctx) → Node | Promise<Node>}` (see `lazy`).
 */
export function route(pattern, entry) {
  routes.push({ parts: split(pattern), page: entry });
}

/**
 * `lazy(() => import('./page-jobs.js'), 'jobsPage')`: a loader for a page in its own module,
 * imported on the first visit (the import map names its current version).
 */
export function lazy(importer, name) {
  let pending = null;
  return () => {
    pending = pending || importer().then((module) => module[name]).catch((error) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}

function split(path) {
  return path.split('/').filter(Boolean);
}

/** The current location as `{path, query}`; an empty hash is `/`. */
export function currentLocation() {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = hash.split('?');
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(search) };
}

/** The page for `path` and its parameters, or null. */
export function match(path) {
  const parts = split(path);
  for (const { parts: pattern, page } of routes) {
    if (pattern.length !== parts.length) continue;
    const params = {};
    const ok = pattern.every((segment, i) => {
      if (segment.startsWith(':')) {
        params[segment.slice(1)] = decodeURIComponent(parts[i]);
        return true;
      }
      return segment === parts[i];
    });
    if (ok) return { page, params };
  }
  return null;
}

/** Goes to `#/path`; `replace` keeps the history clean for redirects. */
export function navigate(hash, { replace = false } = {}) {
  const target = hash.startsWith('#') ? hash : `#${hash}`;
  if (window.location.hash === target) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else if (replace) {
    window.location.replace(target);
  } else {
    window.location.hash = target;
  }
}
