// `#/api-keys`: keys for programs (org_admin only): mint one (its token is shown once),
// list them by prefix, revoke. `#/api-keys/:id/usage`: the requests made with one key.

import { api, query } from './api.js';
import {
  TENANT_ROLES, badge, card, confirmDialog, copyText, dataTable, emptyState, h, icon, mount, notice, pageHeader,
  problemNotice, roleLabel, time, toast,
} from './dom.js';
import { checks, field, formAlert, onSubmit, rule, selectField } from './forms.js';
import { isOrgAdmin } from './session.js';

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

const KEY_ROLES = TENANT_ROLES.filter((role) => role !== 'talent');

function adminOnly(title) {
  return h('div', { class: 'page' },
    pageHeader(title),
    notice('info', 'Only organisation admins manage API keys',
      h('p', {}, 'API keys let other programs use hirebase on behalf of your organisation. Ask an organisation admin if you need one.')));
}

// ---- The token, shown once --------------------------------------------------------------------

function tokenBox(minted, onDismiss) {
  const token = h('code', { id: 'new-api-key-token', class: 'token-value' }, minted.raw_token);
  const copy = h('button', { type: 'button', class: 'btn btn-secondary', id: 'copy-api-key-token' }, icon('copy'), h('span', {}, 'Copy'));
  copy.addEventListener('click', async () => {
    const copied = await copyText(minted.raw_token, token);
    toast(copied ? 'The key is on your clipboard.' : 'Select the key and copy it by hand.', copied ? 'success' : 'info');
  });
  const done = h('button', { type: 'button', class: 'btn btn-ghost' }, 'I have stored it');
  done.addEventListener('click', onDismiss);
  return h('section', { class: 'token-box', 'aria-labelledby': 'new-api-key-title', tabindex: '-1' },
    h('h2', { id: 'new-api-key-title', class: 'token-title' }, icon('lock'), `Your new key “${minted.api_key.name}”`),
    h('p', { class: 'token-warning' }, h('strong', {}, 'Copy it now: it will not be shown again. '),
      'hirebase keeps only a hash of it. If you lose it, revoke it and mint a new one.'),
    h('div', { class: 'token-row' }, token, copy),
    h('p', { class: 'muted small' }, 'Send it as ', h('code', {}, 'Authorization: Bearer hb_…'), '.'),
    h('div', { class: 'token-actions' }, done));
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
      selectField({ name: 'role', label: 'Role', id: 'api-key-role', value: 'recruiter', options: KEY_ROLES.map((r) => [r, roleLabel(r)]), hint: 'The key acts with this role.' })),
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
        badge(roleLabel(key.role)),
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
  nav: 'api-keys',
  async render() {
    if (!isOrgAdmin()) return adminOnly('API keys');

    const tokenSlot = h('div', { class: 'token-slot' });
    const listSlot = h('div', {});
    const formCard = card('Create an API key', 'The key is shown once, right after you create it.', null);
    formCard.id = 'api-key-form-card';
    const toggle = h('button', { type: 'button', class: 'btn btn-primary', id: 'new-api-key-button', 'aria-controls': 'api-key-form-card' }, 'New API key');

    const setFormOpen = (open) => {
      formCard.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      if (open) formCard.querySelector('input')?.focus();
    };
    toggle.addEventListener('click', () => setFormOpen(formCard.hidden));

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

    const onMinted = async (minted) => {
      const box = tokenBox(minted, () => {
        tokenSlot.replaceChildren();
        toggle.focus();
      });
      mount(tokenSlot, box);
      setFormOpen(false);
      box.focus();
      await loadKeys();
    };

    formCard.querySelector('.card-body').append(mintForm(onMinted));
    const data = await loadKeys();
    setFormOpen(!data || data.items.length === 0);

    return h('div', { class: 'page' },
      pageHeader('API keys', 'Keys let your own programs and integrations call the hirebase API.', toggle),
      tokenSlot,
      formCard,
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
  nav: 'api-keys',
  async render(ctx) {
    if (!isOrgAdmin()) return adminOnly('API key usage');
    const id = ctx.params.id;
    // There is no GET /api-keys/{id}: the key's details come from the list.
    const [keys, first] = await Promise.all([
      api('GET', `/api-keys${query({ limit: 100 })}`).catch(() => ({ items: [] })),
      api('GET', `/api-keys/${encodeURIComponent(id)}/usage${query({ limit: 50 })}`),
    ]);
    const key = keys.items.find((k) => String(k.id) === id);
    const title = key ? `Usage of “${key.name}”` : `Usage of key ${id}`;

    const tbody = h('tbody', {});
    const more = h('button', { type: 'button', class: 'btn btn-secondary', id: 'load-older-usage' }, 'Load older');
    const footer = h('div', { class: 'table-footer' });
    let nextBefore = null;

    const show = (page) => {
      for (const use of page.items) {
        tbody.append(h('tr', {},
          h('td', {}, time(use.at)),
          h('td', {}, h('code', { class: 'method' }, use.method)),
          h('td', { class: 'col-path' }, h('code', {}, use.path)),
          h('td', {}, statusBadge(use.status)),
          h('td', {}, use.ip ? h('code', {}, use.ip) : h('span', { class: 'muted' }, '—'))));
      }
      nextBefore = page.has_more ? page.next_before : null;
      footer.replaceChildren(nextBefore ? more : h('p', { class: 'muted small' }, tbody.children.length > 0 ? 'That is everything.' : ''));
    };
    more.addEventListener('click', async () => {
      more.disabled = true;
      try {
        show(await api('GET', `/api-keys/${encodeURIComponent(id)}/usage${query({ limit: 50, before: nextBefore })}`));
      } catch (error) {
        toast(error.detail || String(error), 'danger');
      } finally {
        more.disabled = false;
      }
    });
    show(first);

    const table = h('div', { class: 'table-wrap' },
      h('table', { class: 'table', id: 'usage-table' },
        h('caption', { class: 'visually-hidden' }, title),
        h('thead', {}, h('tr', {}, ['When', 'Method', 'Path', 'Status', 'IP address'].map((label) => h('th', { scope: 'col' }, label)))),
        tbody));

    return h('div', { class: 'page' },
      h('a', { href: '#/api-keys', class: 'back-link' }, icon('back', 'icon icon-sm'), 'All API keys'),
      pageHeader(title, key ? h('span', {}, h('code', {}, `${key.prefix}…`), ` · ${roleLabel(key.role)} · `, key.revoked ? 'revoked' : 'active') : null),
      h('section', { class: 'card card-flush', 'aria-label': 'Requests' },
        first.items.length === 0 ? emptyState('No requests yet', 'Requests made with this key appear here, newest first.') : table,
        footer));
  },
};
