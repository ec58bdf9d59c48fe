// The parts every list page is made of, written once: status tabs, a search box, filter
// inputs, a paged list that keeps its state in the address bar (`#/jobs?status=open&q=rust&page=2`)
// and searches as you type, the card around it, and "Load older" tables for cursor-paged logs.
//
//   const list = pagedList({route: '#/jobs', state: {status, q, page: pageFrom(ctx.query)}, …});
//   const tabs = statusTabs({id: 'job-status-filter', options, current: list.state.status,
//                            onPick: (status) => list.set({status})});
//   await list.reload();
//   return h('div', {class: 'page'}, pageHeader(…), listCard({label: 'Jobs', toolbar: [tabs], list}));

import { api, query } from './api.js';
import { busy, h, icon, mount, problemNotice, toast } from './dom.js';

/**
 * Search as you type: `search(...args)` is called `wait` ms after the last keystroke, and only
 * the answer to the latest call reaches `show` — a slow early answer can't overwrite a newer one.
 */
export function liveSearch({ wait = 150, search, show, fail }) {
  let timer = null;
  let latest = 0;
  const run = async (...args) => {
    const ticket = ++latest;
    try {
      const result = await search(...args);
      if (ticket === latest) show(result, ...args);
    } catch (error) {
      if (ticket === latest) fail(error);
    }
  };
  return {
    /** Debounced. */
    schedule(...args) {
      clearTimeout(timer);
      timer = setTimeout(() => run(...args), wait);
    },
    /** At once (first load, pressing Enter). */
    now(...args) {
      clearTimeout(timer);
      return run(...args);
    },
  };
}

/** Rewrites the address bar (for reload and Back) without re-rendering the page. */
export function replaceHash(hash) {
  if (window.location.hash !== hash) window.history.replaceState(window.history.state, '', hash);
}

/** The 1-based `page` of the address bar (1 when absent or nonsense). */
export function pageFrom(params) {
  return Math.max(1, Number.parseInt(params.get('page') || '1', 10) || 1);
}

/**
 * A row of toggle buttons, one pressed: `options` are `[value, label]` pairs (`''` for "All").
 * `onPick(value)` runs when another is pressed. Each button carries `data-status`.
 */
export function statusTabs({ id, options, current, onPick, label = 'Filter by status' }) {
  const buttons = options.map(([value, text]) => h('button', {
    type: 'button', class: 'segment', 'aria-pressed': String(value === current), dataset: { status: value },
  }, text));
  for (const button of buttons) {
    button.addEventListener('click', () => {
      for (const other of buttons) other.setAttribute('aria-pressed', String(other === button));
      onPick(button.dataset.status);
    });
  }
  return h('div', { class: 'segmented', role: 'group', 'aria-label': label, id }, buttons);
}

/** The search box with its icon. `onInput(text)` runs on every keystroke, `onEnter(text)` on Enter. */
export function searchBox({ id, value = '', placeholder, label, describedBy, wide = false, onInput, onEnter }) {
  const input = h('input', {
    type: 'search', class: 'input search-input', id, value, placeholder, maxlength: 200, autocomplete: 'off',
    'aria-label': label, 'aria-describedby': describedBy,
  });
  input.addEventListener('input', () => onInput?.(input.value));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      onEnter?.(input.value);
    }
  });
  const node = h('div', { class: ['toolbar-search', wide && 'toolbar-search-wide'] }, icon('search', 'icon search-icon'), input);
  return { input, node };
}

/** A small labelled filter input (`attrs` go on the input: type, min, placeholder…). */
export function filterField({ id, label, value = '', ...attrs }) {
  const input = h('input', { id, class: 'input input-sm', value, autocomplete: 'off', ...attrs });
  return { input, node: h('div', { class: 'filter' }, h('label', { for: id, class: 'filter-label' }, label), input) };
}

/** A small labelled filter `<select>`; `options` are `[value, label]` pairs, `''` first for "Any". */
export function filterSelect({ id, label, value = '', options }) {
  const input = h('select', { id, class: 'input input-sm select' },
    options.map(([optionValue, text]) => h('option', { value: optionValue, selected: optionValue === value }, text)));
  return { input, node: h('div', { class: 'filter' }, h('label', { for: id, class: 'filter-label' }, label), input) };
}

/**
 * Filter inputs that drive a `pagedList`: typing waits for a pause, Enter and a pick apply at
 * once. `read()` gives the filters' values; "Clear" empties them. Returns the Clear button.
 */
export function wireFilters(list, inputs, read) {
  for (const input of inputs) {
    if (input.tagName === 'SELECT') {
      input.addEventListener('change', () => list.set(read()));
      continue;
    }
    input.addEventListener('input', () => list.set(read(), { later: true }));
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        list.set(read());
      }
    });
  }
  const clear = h('button', { type: 'button', class: 'btn btn-link btn-sm', id: 'clear-filters' }, 'Clear');
  clear.addEventListener('click', () => {
    for (const input of inputs) input.value = '';
    list.set(read());
    inputs[0]?.focus();
  });
  return clear;
}

/** "Showing 21–40 of 45" with previous/next links; `href(n)` is the address of page n (1-based). */
export function pager({ page, pageSize, total, href }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const link = (n, label, rel) => (n >= 1 && n <= pages && n !== page
    ? h('a', { class: 'btn btn-secondary btn-sm', href: href(n), rel }, label)
    : h('span', { class: 'btn btn-secondary btn-sm is-disabled', 'aria-disabled': 'true' }, label));
  return h('nav', { class: 'pager', 'aria-label': 'Pagination' },
    h('p', { class: 'pager-status' }, `Showing ${first}–${last} of ${total}`),
    pages > 1 && h('div', { class: 'pager-links' }, link(page - 1, 'Previous', 'prev'), h('span', { class: 'pager-page' }, `Page ${page} of ${pages}`), link(page + 1, 'Next', 'next')));
}

/**
 * A paged list whose filters live in the address bar.
 *
 * - `route`: the page's address (`'#/jobs'`); `state`: its filters as read from the address,
 *   plus `page`. `toQuery(state)` turns them back into query parameters (default: as they are).
 * - `load(state, {skip, limit})` → `{items, total, …}` (or `{invalid: 'sentence'}` when the
 *   filters contradict each other); `render(data)` draws the items; `summary(data)` is the
 *   sentence above them; `empty(filtered)` is shown when there are none.
 * - `set(patch)` changes filters, goes back to page 1 and reloads (`{later: true}` waits for
 *   typing to pause). An answer that arrives after a newer question is dropped.
 */
export function pagedList({
  route, state, pageSize, toQuery = (s) => s, load, render, summary, empty, wait = 150, summaryId,
}) {
  const slot = h('div', { 'aria-busy': 'false' });
  const summaryNode = h('p', { class: 'list-summary', role: 'status', 'aria-live': 'polite', id: summaryId });
  const hashFor = (page) => `${route}${query({ ...toQuery(state), page: page > 1 ? page : null })}`;
  const filtered = () => Object.entries(toQuery(state)).some(([key, value]) => key !== 'page' && value !== '' && value != null);

  const search = liveSearch({
    wait,
    search: () => load(state, { skip: (state.page - 1) * pageSize, limit: pageSize }),
    show: (data) => {
      slot.setAttribute('aria-busy', 'false');
      replaceHash(hashFor(state.page));
      if (data.invalid) {
        summaryNode.textContent = data.invalid;
        mount(slot);
        return;
      }
      // Past the last page (records went away, or an old link): show the last one instead.
      if (data.items.length === 0 && data.total > 0 && state.page > 1) {
        state.page = Math.max(1, Math.ceil(data.total / pageSize));
        search.now();
        return;
      }
      summaryNode.textContent = summary(data, filtered());
      mount(slot,
        data.items.length === 0 ? empty(filtered()) : render(data),
        data.total > pageSize && pager({ page: state.page, pageSize, total: data.total, href: hashFor }));
    },
    fail: (error) => {
      slot.setAttribute('aria-busy', 'false');
      summaryNode.textContent = '';
      mount(slot, h('div', { class: 'card-body' }, problemNotice(error)));
    },
  });

  return {
    state,
    node: slot,
    summaryNode,
    filtered,
    set(patch, { later = false } = {}) {
      Object.assign(state, patch, { page: 1 });
      if (later) {
        slot.setAttribute('aria-busy', 'true');
        search.schedule();
      } else {
        search.now();
      }
    },
    reload: () => search.now(),
  };
}

/**
 * The card a list sits in: its toolbar (tabs, search, filters), the summary sentence, the list
 * (`pagedList`'s, or any node). `stack` puts the toolbar's parts on rows of their own.
 */
export function listCard({ label, toolbar = [], stack = false, list, footer }) {
  const parts = toolbar.filter(Boolean);
  return h('section', { class: 'card card-flush', 'aria-label': label },
    parts.length > 0 && h('div', { class: ['toolbar', stack && 'toolbar-stack'] }, parts),
    list.summaryNode && h('div', { class: 'list-head' }, list.summaryNode),
    list.node || list,
    footer);
}

/**
 * A table of an append-only log, newest first, with "Load older" (cursor paging:
 * `{items, has_more, next_before}`). `path(before)` is the address of a page; `row(item)`
 * draws one `<tr>`; `empty()` is shown when the log has nothing. `onPage(count, more)` runs
 * after each page (for a summary line).
 */
export function cursorTable({ id, caption, columns, path, row, moreId, empty, end = 'That is everything.', onPage }) {
  const tbody = h('tbody', {});
  const table = h('div', { class: 'table-wrap' },
    h('table', { class: 'table', id },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.className }, c.label)))),
      tbody));
  const slot = h('div', {});
  const footer = h('div', { class: 'table-footer' });
  const more = h('button', { type: 'button', class: 'btn btn-secondary', id: moreId }, 'Load older');
  let nextBefore = null;
  let ticket = 0;

  const add = (page) => {
    for (const item of page.items) tbody.append(row(item));
    nextBefore = page.has_more ? page.next_before : null;
    const n = tbody.children.length;
    footer.replaceChildren(nextBefore ? more : h('p', { class: 'muted small' }, n > 0 ? end : ''));
    onPage?.(n, Boolean(nextBefore));
  };
  more.addEventListener('click', () => busy(more, 'Loading…', async () => {
    try {
      add(await api('GET', path(nextBefore)));
    } catch (error) {
      toast(error.detail || String(error), 'danger');
    }
  }));

  return {
    node: h('div', {}, slot, footer),
    /** Loads the newest page again (after a filter changed). */
    async reload() {
      const mine = ++ticket;
      let page;
      try {
        page = await api('GET', path(null));
      } catch (error) {
        if (mine === ticket) {
          mount(slot, h('div', { class: 'card-body' }, problemNotice(error)));
          footer.replaceChildren();
        }
        return;
      }
      if (mine !== ticket) return;
      tbody.replaceChildren();
      add(page);
      mount(slot, page.items.length === 0 ? empty() : table);
    },
  };
}
