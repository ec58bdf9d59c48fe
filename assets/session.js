// Who is signed in and which organisation they belong to, plus the organisation's accent colour.

import { api } from './api.js';

/**
 * `user` is `GET /users/me` (null when signed out), with `permissions`: the names of what the
 * server lets this person do; `tenant` is `GET /tenants/me` (null if unavailable).
 */
export const session = { user: null, tenant: null };

const listeners = new Set();

/** `fn(session)` runs whenever the user or organisation changes (a rename, a new brand colour). */
export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function updateSession(patch) {
  Object.assign(session, patch);
  applyBrand(session.tenant?.brand_color);
  for (const fn of listeners) fn(session);
}

/** Asks the server who we are: the session cookie travels with the call. */
export async function loadSession() {
  let user = null;
  try {
    user = await api('GET', '/users/me');
  } catch (error) {
    if (error.status !== 401) throw error;
  }
  let tenant = null;
  if (user) {
    try {
      tenant = await api('GET', '/tenants/me');
    } catch {
      // A platform admin belongs to no organisation; the app still works without one.
      tenant = null;
    }
  }
  updateSession({ user, tenant });
  return user;
}

export function clearSession() {
  updateSession({ user: null, tenant: null });
}

/**
 * Whether the signed-in person holds `permission` (`'jobs_write'`, `'api_keys'`…). The UI shows
 * an action only when this says yes; the server checks again on every call, so this only spares
 * people buttons that would be refused.
 */
export function can(permission) {
  return Boolean(session.user?.permissions?.includes(permission));
}

// ---- Brand colour -------------------------------------------------------------------------

function channels(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex(rgb) {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function luminance(rgb) {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const WHITE = [255, 255, 255];

/**
 * Sets `--accent` from the organisation's `#rrggbb` (or the default), plus a readable text
 * colour on it and a darker variant for text on white, so any brand colour stays legible.
 */
export function applyBrand(color) {
  const root = document.documentElement.style;
  if (!color || !/^#[0-9a-fA-F]{6}$/.test(color)) {
    for (const name of ['--accent', '--accent-contrast', '--accent-text']) root.removeProperty(name);
    return;
  }
  const rgb = channels(color);
  let text = rgb;
  while (contrast(text, WHITE) < 4.5) text = text.map((c) => c * 0.85);
  root.setProperty('--accent', color);
  root.setProperty('--accent-contrast', contrast(rgb, WHITE) >= 3 ? '#ffffff' : '#111827');
  root.setProperty('--accent-text', toHex(text));
}
