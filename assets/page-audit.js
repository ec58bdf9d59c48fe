// `#/audit?type=job&q=…&since=2026-06-01` (org_admin): the organisation's hash-chained audit
// trail, newest first, with filters, "Load older" (a cursor), a chain check and a CSV export.

import { api, query } from './api.js';
import { accessNotice, badge, busy, emptyState, h, icon, mount, pageHeader, problemNotice, time } from './dom.js';
import { dayToRfc3339 } from './interviews.js';
import { cursorTable, filterField, listCard, replaceHash } from './list-page.js';
import { can } from './session.js';

const PAGE_SIZE = 50;

/** Suggestions for the type filter: entity types, then common actions. */
const TYPES = [
  'job', 'candidate', 'application', 'interview', 'offer', 'user', 'api_key', 'tenant', 'webhook',
  'job.created', 'job.updated', 'job.deleted', 'candidate.created', 'candidate.updated', 'candidate.deleted',
  'application.created', 'application.stage_changed', 'interview.scheduled', 'interview.scorecard_added',
  'offer.created', 'offer.status_changed', 'user.signed_in', 'user.role_changed', 'api_key.created', 'api_key.revoked',
];

function adminOnly() {
  return accessNotice('Audit', 'Only organisation admins read the audit trail',
    'The trail records who changed what in your organisation. Ask an organisation admin if you need an entry from it.');
}

function pretty(details) {
  if (!details) return null;
  try {
    const value = JSON.parse(details);
    if (value === null || (typeof value === 'object' && Object.keys(value).length === 0)) return null;
    return JSON.stringify(value, null, 2);
  } catch {
    return details;
  }
}

function entryRow(e) {
  const json = pretty(e.details);
  const more = h('details', { class: 'audit-more' },
    h('summary', {}, 'Details'),
    h('dl', { class: 'audit-facts' },
      e.entity_type && h('div', {}, h('dt', {}, 'Record'), h('dd', {}, `${e.entity_type}${e.entity_id != null ? ` ${e.entity_id}` : ''}`)),
      e.api_key_id != null && h('div', {}, h('dt', {}, 'API key'), h('dd', {}, h('a', { href: `#/api-keys/${e.api_key_id}/usage` }, `key ${e.api_key_id}`))),
      h('div', {}, h('dt', {}, 'Entry'), h('dd', {}, `#${e.id}`)),
      h('div', {}, h('dt', {}, 'Hash'), h('dd', {}, h('code', { class: 'hash' }, e.hash))),
      h('div', {}, h('dt', {}, 'Previous'), h('dd', {}, h('code', { class: 'hash' }, e.prev_hash)))),
    json && h('pre', { class: 'audit-json' }, json));
  return h('tr', { dataset: { entryId: String(e.id), action: e.action } },
    h('td', {}, time(e.at)),
    h('td', { class: 'audit-actor' }, e.actor, e.api_key_id != null && h('span', { class: 'muted small block' }, 'via API key')),
    h('td', {}, h('code', { class: 'action' }, e.action)),
    h('td', { class: 'audit-summary' }, h('p', {}, e.summary), more),
    h('td', {}, e.ip ? h('code', {}, e.ip) : h('span', { class: 'muted' }, '—')));
}

function verification(result) {
  if (result.ok) {
    return h('div', { class: 'verify verify-ok', id: 'audit-verify-result', role: 'status', dataset: { ok: 'true' } },
      icon('check', 'icon verify-icon'),
      h('div', {},
        h('p', { class: 'verify-title' }, 'Chain intact'),
        h('p', {}, h('strong', { id: 'audit-verify-checked' }, String(result.checked)), ` ${result.checked === 1 ? 'entry' : 'entries'} checked; every hash matches its entry and its predecessor.`)));
  }
  return h('div', { class: 'verify verify-bad', id: 'audit-verify-result', role: 'alert', dataset: { ok: 'false' } },
    icon('alert', 'icon verify-icon'),
    h('div', {},
      h('p', { class: 'verify-title' }, 'Chain broken'),
      h('p', {}, 'The first entry that does not match is ', h('strong', { id: 'audit-verify-first-bad' }, `#${result.first_bad}`),
        `. ${result.checked} ${result.checked === 1 ? 'entry was' : 'entries were'} checked. Entries from there on cannot be trusted; keep a copy of the export and investigate.`)));
}

export const auditPage = {
  title: 'Audit',
  async render(ctx) {
    if (!can('audit_read')) return adminOnly();
    const q = (name) => ctx.query.get(name) || '';
    const state = { type: q('type'), q: q('q'), since: q('since') };
    const filters = () => ({ type: state.type.trim(), q: state.q.trim(), since: dayToRfc3339(state.since) });

    const summary = h('p', { class: 'list-summary', role: 'status', 'aria-live': 'polite', id: 'audit-count' });
    const exportLink = can('audit_export')
      && h('a', { class: 'btn btn-secondary', id: 'audit-export-link', download: 'audit.csv' }, icon('download', 'icon icon-sm'), 'Export CSV');
    const verifySlot = h('div', {});

    const trail = cursorTable({
      id: 'audit-table',
      caption: 'Audit trail, newest first',
      columns: ['When', 'Actor', 'Action', 'Summary', 'IP address'].map((text) => ({ label: text })),
      path: (before) => `/audit${query({ ...filters(), limit: PAGE_SIZE, before })}`,
      moreId: 'load-older-audit',
      row: entryRow,
      end: 'That is the beginning of the trail.',
      empty: () => {
        const f = filters();
        const filtered = f.type || f.q || f.since;
        return emptyState(filtered ? 'No entries match' : 'Nothing recorded yet', filtered ? 'Try another type, fewer words or an earlier date.' : null);
      },
      onPage: (n, more) => {
        summary.textContent = `${n} ${n === 1 ? 'entry' : 'entries'} shown${more ? ', more are older' : ''}, newest first.`;
      },
    });
    const load = () => {
      const f = filters();
      replaceHash(`#/audit${query({ type: f.type, q: f.q, since: state.since })}`);
      if (exportLink) exportLink.href = `/api/v1/audit/export${query(f)}`;
      return trail.reload();
    };

    const verifyButton = h('button', { type: 'button', class: 'btn btn-primary', id: 'audit-verify-button' }, icon('audit', 'icon icon-sm'), 'Verify chain');
    verifyButton.addEventListener('click', () => busy(verifyButton, 'Verifying…', async () => {
      try {
        mount(verifySlot, verification(await api('GET', '/audit/verify')));
      } catch (error) {
        mount(verifySlot, problemNotice(error));
      }
      verifySlot.firstChild?.scrollIntoView({ block: 'nearest' });
    }));

    // Filters: the type and date apply at once, the words as you type.
    const type = filterField({ id: 'audit-type', label: 'Type', value: state.type, list: 'audit-types', maxlength: 64, placeholder: 'job, offer.created…' });
    const words = filterField({ id: 'audit-q', label: 'Search', type: 'search', value: state.q, maxlength: 200, placeholder: 'Actor, summary, details' });
    const since = filterField({ id: 'audit-since', label: 'Since', type: 'date', value: state.since });
    let timer = null;
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(load, 250);
    };
    type.input.addEventListener('change', () => { state.type = type.input.value; load(); });
    type.input.addEventListener('input', () => { state.type = type.input.value; later(); });
    words.input.addEventListener('input', () => { state.q = words.input.value; later(); });
    since.input.addEventListener('change', () => { state.since = since.input.value; load(); });
    for (const input of [type.input, words.input]) {
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          clearTimeout(timer);
          load();
        }
      });
    }
    const clear = h('button', { type: 'button', class: 'btn btn-link btn-sm', id: 'audit-clear' }, 'Clear');
    clear.addEventListener('click', () => {
      for (const input of [type.input, words.input, since.input]) input.value = '';
      Object.assign(state, { type: '', q: '', since: '' });
      load();
    });

    await load();

    return h('div', { class: 'page page-wide-ish' },
      pageHeader('Audit', 'Who changed what, when. Each entry carries the hash of the one before it, so any tampering shows.', exportLink, verifyButton),
      verifySlot,
      listCard({
        label: 'Audit trail',
        toolbar: [
          h('div', { class: 'filters', role: 'group', 'aria-label': 'Filters' }, type.node, words.node, since.node, clear),
          h('span', { class: 'muted small' }, badge('Append-only'), ' Entries cannot be edited or deleted.'),
        ],
        list: { summaryNode: summary, node: trail.node },
        footer: h('datalist', { id: 'audit-types' }, TYPES.map((t) => h('option', { value: t }))),
      }));
  },
};
