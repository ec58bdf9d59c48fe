// `#/audit?type=job&q=…&since=2026-06-01` (org_admin): the organisation's hash-chained audit
// trail, newest first, with filters, "Load older" (a cursor), a chain check and a CSV export.

import { api, query } from './api.js';
import { badge, busy, emptyState, h, icon, mount, notice, pageHeader, problemNotice, time, toast } from './dom.js';
import { dayToRfc3339 } from './interviews.js';
import { replaceHash } from './recruiting.js';
import { isOrgAdmin } from './session.js';

const PAGE_SIZE = 50;

/** Suggestions for the type filter: entity types, then common actions. */
const TYPES = [
  'job', 'candidate', 'application', 'interview', 'offer', 'user', 'api_key', 'tenant', 'webhook',
  'job.created', 'job.updated', 'job.deleted', 'candidate.created', 'candidate.updated', 'candidate.deleted',
  'application.created', 'application.stage_changed', 'interview.scheduled', 'interview.scorecard_added',
  'offer.created', 'offer.status_changed', 'user.signed_in', 'user.role_changed', 'api_key.created', 'api_key.revoked',
];

function adminOnly() {
  return h('div', { class: 'page' },
    pageHeader('Audit'),
    notice('info', 'Only organisation admins read the audit trail',
      h('p', {}, 'The trail records who changed what in your organisation. Ask an organisation admin if you need an entry from it.')));
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
  nav: 'audit',
  async render(ctx) {
    if (!isOrgAdmin()) return adminOnly();
    const q = (name) => ctx.query.get(name) || '';
    const state = { type: q('type'), q: q('q'), since: q('since') };
    const filters = () => ({ type: state.type.trim(), q: state.q.trim(), since: dayToRfc3339(state.since) });

    const tbody = h('tbody', {});
    const listSlot = h('div', {});
    const footer = h('div', { class: 'table-footer' });
    const summary = h('p', { class: 'list-summary', role: 'status', 'aria-live': 'polite', id: 'audit-count' });
    const more = h('button', { type: 'button', class: 'btn btn-secondary', id: 'load-older-audit' }, 'Load older');
    const exportLink = h('a', { class: 'btn btn-secondary', id: 'audit-export-link', download: 'audit.csv' }, icon('download', 'icon icon-sm'), 'Export CSV');
    const verifySlot = h('div', {});
    let nextBefore = null;
    let ticket = 0;

    const table = h('div', { class: 'table-wrap' },
      h('table', { class: 'table', id: 'audit-table' },
        h('caption', { class: 'visually-hidden' }, 'Audit trail, newest first'),
        h('thead', {}, h('tr', {}, ['When', 'Actor', 'Action', 'Summary', 'IP address'].map((label) => h('th', { scope: 'col' }, label)))),
        tbody));

    const append = (page) => {
      for (const entry of page.items) tbody.append(entryRow(entry));
      nextBefore = page.has_more ? page.next_before : null;
      const n = tbody.children.length;
      summary.textContent = `${n} ${n === 1 ? 'entry' : 'entries'} shown${nextBefore ? ', more are older' : ''}, newest first.`;
      footer.replaceChildren(nextBefore ? more : h('p', { class: 'muted small' }, n > 0 ? 'That is the beginning of the trail.' : ''));
    };

    const load = async () => {
      const mine = ++ticket;
      const f = filters();
      replaceHash(`#/audit${query({ type: f.type, q: f.q, since: state.since })}`);
      exportLink.href = `/api/v1/audit/export${query(f)}`;
      let page;
      try {
        page = await api('GET', `/audit${query({ ...f, limit: PAGE_SIZE })}`);
      } catch (error) {
        if (mine === ticket) mount(listSlot, h('div', { class: 'card-body' }, problemNotice(error)));
        return;
      }
      if (mine !== ticket) return;
      tbody.replaceChildren();
      append(page);
      const filtered = f.type || f.q || f.since;
      mount(listSlot, page.items.length === 0
        ? emptyState(filtered ? 'No entries match' : 'Nothing recorded yet', filtered ? 'Try another type, fewer words or an earlier date.' : null)
        : table);
    };

    more.addEventListener('click', () => busy(more, 'Loading…', async () => {
      try {
        append(await api('GET', `/audit${query({ ...filters(), limit: PAGE_SIZE, before: nextBefore })}`));
      } catch (error) {
        toast(error.detail || String(error), 'danger');
      }
    }));

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
    const typeInput = h('input', { id: 'audit-type', class: 'input input-sm', value: state.type, list: 'audit-types', maxlength: 64, autocomplete: 'off', placeholder: 'job, offer.created…' });
    const qInput = h('input', { id: 'audit-q', type: 'search', class: 'input input-sm', value: state.q, maxlength: 200, autocomplete: 'off', placeholder: 'Actor, summary, details' });
    const sinceInput = h('input', { id: 'audit-since', type: 'date', class: 'input input-sm', value: state.since });
    let timer = null;
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(load, 250);
    };
    typeInput.addEventListener('change', () => { state.type = typeInput.value; load(); });
    typeInput.addEventListener('input', () => { state.type = typeInput.value; later(); });
    qInput.addEventListener('input', () => { state.q = qInput.value; later(); });
    sinceInput.addEventListener('change', () => { state.since = sinceInput.value; load(); });
    for (const input of [typeInput, qInput]) {
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
      typeInput.value = '';
      qInput.value = '';
      sinceInput.value = '';
      Object.assign(state, { type: '', q: '', since: '' });
      load();
    });
    const filter = (label, input) => h('div', { class: 'filter' }, h('label', { class: 'filter-label', for: input.id }, label), input);

    await load();

    return h('div', { class: 'page page-wide-ish' },
      pageHeader('Audit', 'Who changed what, when. Each entry carries the hash of the one before it, so any tampering shows.', exportLink, verifyButton),
      verifySlot,
      h('section', { class: 'card card-flush', 'aria-label': 'Audit trail' },
        h('div', { class: 'toolbar' },
          h('div', { class: 'filters', role: 'group', 'aria-label': 'Filters' },
            filter('Type', typeInput), filter('Search', qInput), filter('Since', sinceInput), clear),
          h('span', { class: 'muted small' }, badge('Append-only'), ' Entries cannot be edited or deleted.')),
        h('datalist', { id: 'audit-types' }, TYPES.map((t) => h('option', { value: t }))),
        h('div', { class: 'list-head' }, summary),
        listSlot,
        footer));
  },
};
