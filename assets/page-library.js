// `#/library?kind=screen&q=rust&page=2`: saved artifacts (assistant answers, notes) with a kind
// filter, search as you type and paging; `#/library/:id` shows one item as the assistant drew
// it, with delete for the roles that may.

import { api, query } from './api.js';
import { renderPayload } from './assistant.js';
import { accessNotice, confirmDialog, dataTable, emptyState, h, icon, pageHeader, time, toast } from './dom.js';
import { enumBadge, isValue, label, options } from './labels.js';
import { filterSelect, listCard, pageFrom, pagedList, searchBox } from './list-page.js';
import { can } from './session.js';

const PAGE_SIZE = 20;
const COLUMNS = [{ label: 'Title' }, { label: 'Kind' }, { label: 'Saved' }, { label: 'Actions', className: 'col-actions' }];

/** Asks, deletes, says so. Resolves to true when the item is gone. */
async function deleteItem(item) {
  const ok = await confirmDialog({
    title: `Delete “${item.title}”?`,
    message: 'It is removed from the library for everyone. This cannot be undone.',
    confirmLabel: 'Delete item',
    confirmId: 'library-delete-confirm',
    danger: true,
  });
  if (!ok) return false;
  try {
    await api('DELETE', `/library/${item.id}`);
  } catch (error) {
    toast(error.detail || String(error), 'danger');
    return false;
  }
  toast(`“${item.title}” was deleted.`);
  return true;
}

function rows(items, reload) {
  const deleting = can('library_delete');
  return items.map((item) => {
    const remove = deleting && h('button', { type: 'button', class: 'btn btn-danger-ghost btn-sm', 'aria-label': `Delete ${item.title}` }, 'Delete');
    remove?.addEventListener('click', async () => {
      if (await deleteItem(item)) reload();
    });
    return {
      dataset: { itemId: String(item.id) },
      cells: [
        h('div', { class: 'col-main' },
          h('a', { href: `#/library/${item.id}`, class: 'row-title' }, item.title),
          item.source && h('p', { class: 'muted small' }, `From ${item.source}`)),
        enumBadge('library_kind', item.kind),
        h('div', {}, h('p', {}, time(item.created_at)), h('p', { class: 'muted small' }, item.created_by)),
        h('div', { class: 'row-actions' }, remove),
      ],
    };
  });
}

export const libraryPage = {
  title: 'Library',
  async render(ctx) {
    if (!can('library_write')) {
      return accessNotice('Library', 'The library is for your team', 'Members of the organisation save and read artifacts here.');
    }
    const kind = ctx.query.get('kind');
    const list = pagedList({
      route: '#/library',
      state: { kind: isValue('library_kind', kind) ? kind : '', q: ctx.query.get('q') || '', page: pageFrom(ctx.query) },
      toQuery: ({ kind: k, q }) => ({ kind: k, q: q.trim() }),
      pageSize: PAGE_SIZE,
      wait: 200,
      summaryId: 'library-count',
      load: (state, { skip, limit }) => api('GET', `/library${query({ skip, limit, kind: state.kind, q: state.q.trim() })}`),
      summary: (data, filtered) => `${data.total} ${data.total === 1 ? 'item' : 'items'}${filtered ? ' match' : ''}.`,
      empty: (filtered) => (filtered
        ? emptyState('Nothing matches', 'Try another kind or fewer words.')
        : emptyState('Nothing saved yet', 'Use the assistant on a job or a candidate, then “Save to library”.')),
      render: (data) => dataTable({ caption: 'Library', rows: rows(data.items, list.reload), id: 'library-table', columns: COLUMNS }),
    });
    const picker = filterSelect({ id: 'library-kind', label: 'Kind', value: list.state.kind, options: [['', 'Any'], ...options('library_kind')] });
    picker.input.addEventListener('change', () => list.set({ kind: picker.input.value }));
    const search = searchBox({
      id: 'library-search', value: list.state.q, label: 'Search the library', placeholder: 'Search titles and contents…', describedBy: 'library-count',
      onInput: (q) => list.set({ q }, { later: true }), onEnter: list.reload,
    });

    await list.reload();

    return h('div', { class: 'page' },
      pageHeader('Library', can('library_read') ? 'What your organisation saved: screens, drafts, questions, descriptions.' : 'What you saved.'),
      listCard({ label: 'Library', toolbar: [picker.node, search.node], list }));
  },
};

export const libraryItemPage = {
  title: 'Library item',
  async render(ctx) {
    const item = await api('GET', `/library/${encodeURIComponent(ctx.params.id)}`);
    const actions = [];
    if (can('library_delete')) {
      const remove = h('button', { type: 'button', class: 'btn btn-danger-ghost', id: 'library-delete' }, 'Delete');
      remove.addEventListener('click', async () => {
        if (await deleteItem(item)) ctx.navigate('#/library');
      });
      actions.push(remove);
    }
    const about = [
      item.candidate_id && h('a', { href: `#/candidates/${item.candidate_id}` }, 'the candidate'),
      item.job_id && h('a', { href: `#/jobs/${item.job_id}` }, 'the job'),
    ].filter(Boolean);
    return h('div', { class: 'page', dataset: { pageTitle: item.title } },
      h('a', { href: '#/library', class: 'back-link' }, icon('back', 'icon icon-sm'), 'Library'),
      pageHeader(item.title, `${label('library_kind', item.kind)} · saved by ${item.created_by}${item.source ? ` · from ${item.source}` : ''}`, ...actions),
      h('p', { class: 'muted small' }, 'Saved ', time(item.created_at)),
      about.length > 0 && h('p', { class: 'muted' }, 'About ', about.map((a, i) => [i > 0 && ' and ', a])),
      h('section', { class: 'card', id: 'library-item' }, h('div', { class: 'card-body' }, renderPayload(item.kind, item.payload))));
  },
};
