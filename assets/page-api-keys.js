// `#/api-keys`: keys for programs (org_admin only): mint one (its token is shown once),
// list them by prefix, revoke. `#/api-keys/:id/usage`: the requests made with one key.

import { api, query } from './api.js';
import {
  accessNotice, badge, confirmDialog, dataTable, emptyState, h, icon, mount, pageHeader, problemNotice, time, toast,
} from './dom.js';
import { checks, field, formAlert, onSubmit, rule, selectField } from './forms.js';
import { newCard, revealSecret } from './form-card.js';
import { label, options } from './labels.js';
import { cursorTable } from './list-page.js';
import { can } from './session.js';

/** Scopes by resource: `[label, resource, [actions]]`; the wire name is `resource:action`. */
const SCOPE_GROUPS = [
  ['Jobs', 'jobs', ['read', 'write']],
  ['Candidates', 'candidates', ['read', 'write']],
  ['Applications', 'applications', ['read', 'write']],
  ['Interviews', 'interviews', ['read', 'write']],
  ['Offers', 'offers', ['read', 'write']],
  ['Webhooks', 'webhooks', ['read', 'write']],
  ['Audit log', 'audit', ['read']],
  ['Insights', 'insights', ['read']],
  ['Team', 'team', ['read', 'write']],
  ['Organisation', 'tenant', ['read', 'write']],
];

/** The roles a key can act with: a staff role of the organisation. */
const KEY_ROLES = options('role', { only: ['org_admin', 'recruiter', 'hiring_manager', 'interviewer'] });

function adminOnly(title) {
  return accessNotice(title, 'Only organisation admins manage API keys',
    'API keys let other programs use hirebase on behalf of your organisation. Ask an organisation admin if you need one.');
}

/** How the new key's token is shown (once). */
function tokenBox(minted) {
  return {
    id: 'new-api-key', valueId: 'new-api-key-token', copyId: 'copy-api-key-token', what: 'key',
    title: `Your new key “${minted.api_key.name}”`, secret: minted.raw_token,
    warning: 'hirebase keeps only a hash of it. If you lose it, revoke it and mint a new one.',
    usage: ['Send it as ', h('code', {}, 'Authorization: Bearer hb_…'), '.'],
  };
}

// ---- Minting ----------------------------------------------------------------------------------

function scopePicker() {
  const boxes = [];
  const rows = SCOPE_GROUPS.map(([label, resource, actions]) => h('tr', {},
    h('th', { scope: 'row' }, label),
    ['read', 'write'].map((action) => {
      if (!actions.includes(action)) return h('td', { class: 'muted' }, h('span', { class: 'visually-hidden' }, 'not available'), '—');
      const scope = `${resource}:${action}`;
      const box = h('input', { type: 'checkbox', name: 'scopes', value: scope, id: `scope-${resource}-${action}`, class: 'checkbox' });
      boxes.push(box);
      return h('td', {}, h('label', { class: 'scope-check', for: box.id },
        box, h('span', { class: 'visually-hidden' }, `${label}: ${action}`), h('code', { class: 'scope-name', 'aria-hidden': 'true' }, scope)));
    })));
  const select = (predicate) => () => {
    for (const box of boxes) box.checked = predicate(box.value);
  };
  const quick = (label, predicate) => h('button', { type: 'button', class: 'btn btn-link btn-sm', onClick: select(predicate) }, label);
  return h('fieldset', { class: 'field fieldset', dataset: { field: 'scopes' }, 'aria-describedby': 'scopes-hint scopes-error' },
    h('legend', { class: 'label' }, 'Scopes', h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')),
    h('p', { class: 'hint', id: 'scopes-hint' }, 'What the key may touch, within what its role allows. Choose at least one.'),
    h('div', { class: 'quick-picks' }, quick('All read', (s) => s.endsWith(':read')), quick('Everything', () => true), quick('None', () => false)),
    h('table', { class: 'scope-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Resource'), h('th', { scope: 'col' }, 'Read'), h('th', { scope: 'col' }, 'Write'))),
      h('tbody', {}, rows)),
    h('p', { class: 'field-error', id: 'scopes-error', hidden: true }));
}

function mintForm(onMinted) {
  const form = h('form', { class: 'form', id: 'api-key-form' },
    formAlert(),
    h('div', { class: 'grid-2 grid-tight' },
      field({ name: 'name', label: 'Name', id: 'api-key-name', required: true, maxlength: 120, placeholder: 'e.g. Careers site sync', hint: 'So you recognise it later.' }),
      selectField({ name: 'role', label: 'Role', id: 'api-key-role', value: 'recruiter', options: KEY_ROLES, hint: 'The key acts with this role.' })),
    scopePicker(),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'api-key-submit' }, 'Create key')));
  onSubmit(form, {
    busyLabel: 'Creating…',
    validate: (values) => checks(values, {
      name: [rule.required, rule.maxLength(120)],
      scopes: [(scopes) => (scopes.length > 0 ? null : 'must name at least one scope')],
    }),
    submit: async (values) => {
      const minted = await api('POST', '/api-keys', { name: values.name.trim(), role: values.role, scopes: values.scopes });
      form.reset();
      onMinted(minted);
    },
  });
  return form;
}

// ---- The list -----------------------------------------------------------------------------------

function scopeList(scopes) {
  const shown = scopes.slice(0, 3);
  return h('div', { class: 'chips', title: scopes.join(', ') },
    shown.map((s) => h('code', { class: 'chip' }, s)),
    scopes.length > shown.length && h('span', { class: 'chip chip-more' }, `+${scopes.length - shown.length} more`));
}

function keyRows(keys, onRevoke) {
  return keys.map((key) => {
    const actions = h('div', { class: 'row-actions' },
      h('a', { href: `#/api-keys/${key.id}/usage`, class: 'btn btn-secondary btn-sm', 'aria-label': `Usage of ${key.name}` }, 'Usage'));
    if (!key.revoked) {
      const revoke = h('button', { type: 'button', class: 'btn btn-danger-ghost btn-sm', 'aria-label': `Revoke ${key.name}` }, 'Revoke');
      revoke.addEventListener('click', () => onRevoke(key));
      actions.append(revoke);
    }
    return {
      className: key.revoked ? 'is-revoked' : null,
      dataset: { keyId: String(key.id) },
      cells: [
        h('div', {},
          h('p', { class: 'key-name' }, key.name),
          h('p', { class: 'muted small' }, 'Created ', time(key.created_at, { withTime: false }), ' by ', key.created_by)),
        h('div', { class: 'key-cell' },
          h('code', { class: 'key-prefix' }, `${key.prefix}…`),
          key.revoked
            ? h('span', { class: 'key-status' }, badge('Revoked', 'danger'), h('span', { class: 'muted small' }, time(key.revoked_at, { withTime: false })))
            : h('span', { class: 'key-status' }, badge('Active', 'success'))),
        badge(label('role', key.role)),
        scopeList(key.scopes),
        key.last_used_at ? time(key.last_used_at) : h('span', { class: 'muted' }, 'Never'),
        actions,
      ],
    };
  });
}

const KEY_COLUMNS = [
  { label: 'Name' }, { label: 'Key' }, { label: 'Role' }, { label: 'Scopes' }, { label: 'Last used' },
  { label: 'Actions', className: 'col-actions' },
];

export const apiKeysPage = {
  title: 'API keys',
  async render() {
    if (!can('api_keys')) return adminOnly('API keys');

    const tokenSlot = h('div', { class: 'token-slot' });
    const listSlot = h('div', {});

    const loadKeys = async () => {
      let data;
      try {
        data = await api('GET', `/api-keys${query({ limit: 100 })}`);
      } catch (error) {
        mount(listSlot, problemNotice(error));
        return null;
      }
      mount(listSlot, data.items.length === 0
        ? emptyState('No API keys yet', 'Create one to let another program read or write your data.')
        : dataTable({ caption: 'API keys of the organisation', columns: KEY_COLUMNS, rows: keyRows(data.items, revoke), id: 'api-keys-table' }));
      return data;
    };

    const revoke = async (key) => {
      const ok = await confirmDialog({
        title: `Revoke “${key.name}”?`,
        message: `Programs using ${key.prefix}… are refused from their next request. This cannot be undone.`,
        confirmLabel: 'Revoke key',
        danger: true,
      });
      if (!ok) return;
      try {
        const revoked = await api('DELETE', `/api-keys/${key.id}`);
        toast(`“${revoked.name}” was revoked.`);
      } catch (error) {
        toast(error.detail || String(error), 'danger');
      }
      await loadKeys();
    };

    const data = await loadKeys();
    const creator = newCard({
      id: 'api-key-form-card', title: 'Create an API key', description: 'The key is shown once, right after you create it.',
      button: 'New API key', buttonId: 'new-api-key-button', open: !data || data.items.length === 0,
      form: () => mintForm(async (minted) => {
        revealSecret(creator, tokenSlot, tokenBox(minted));
        await loadKeys();
      }),
    });

    return h('div', { class: 'page' },
      pageHeader('API keys', 'Keys let your own programs and integrations call the hirebase API.', creator.button),
      tokenSlot,
      creator.card,
      h('section', { class: 'card card-flush', 'aria-label': 'Keys' }, listSlot));
  },
};

// ---- Usage of one key ------------------------------------------------------------------------

function statusBadge(status) {
  const kind = status >= 500 ? 'danger' : status >= 400 ? 'warning' : 'success';
  return badge(String(status), kind);
}

export const apiKeyUsagePage = {
  title: 'API key usage',
  async render(ctx) {
    if (!can('api_keys')) return adminOnly('API key usage');
    const id = ctx.params.id;
    const usage = cursorTable({
      id: 'usage-table',
      caption: 'Requests made with the key, newest first',
      columns: ['When', 'Method', 'Path', 'Status', 'IP address'].map((text) => ({ label: text })),
      path: (before) => `/api-keys/${encodeURIComponent(id)}/usage${query({ limit: 50, before })}`,
      moreId: 'load-older-usage',
      empty: () => emptyState('No requests yet', 'Requests made with this key appear here, newest first.'),
      row: (use) => h('tr', {},
        h('td', {}, time(use.at)),
        h('td', {}, h('code', { class: 'method' }, use.method)),
        h('td', { class: 'col-path' }, h('code', {}, use.path)),
        h('td', {}, statusBadge(use.status)),
        h('td', {}, use.ip ? h('code', {}, use.ip) : h('span', { class: 'muted' }, '—'))),
    });
    // There is no GET /api-keys/{id}: the key's details come from the list.
    const [keys] = await Promise.all([api('GET', `/api-keys${query({ limit: 100 })}`).catch(() => ({ items: [] })), usage.reload()]);
    const key = keys.items.find((k) => String(k.id) === id);
    const title = key ? `Usage of “${key.name}”` : `Usage of key ${id}`;

    return h('div', { class: 'page' },
      h('a', { href: '#/api-keys', class: 'back-link' }, icon('back', 'icon icon-sm'), 'All API keys'),
      pageHeader(title, key ? h('span', {}, h('code', {}, `${key.prefix}…`), ` · ${label('role', key.role)} · `, key.revoked ? 'revoked' : 'active') : null),
      h('section', { class: 'card card-flush', 'aria-label': 'Requests' }, usage.node));
  },
};
