// `#/offers?status=sent&page=N`: every offer in the organisation with its candidate and job,
// filtered by status; each moves along (send, accept, decline, withdraw) right here.

import { api, query } from './api.js';
import { emptyState, h, mount, notice, pageHeader, pager, problemNotice } from './dom.js';
import { OFFER_STATUSES, offerCard } from './offers.js';
import { canHire, candidateById, jobById, liveSearch, mapLimit, replaceHash } from './recruiting.js';

const PAGE_SIZE = 25;

function statusTabs(current, onPick) {
  const tabs = [['', 'All'], ...OFFER_STATUSES];
  const buttons = tabs.map(([value, label]) => h('button', {
    type: 'button', class: 'segment', 'aria-pressed': String(value === current), dataset: { status: value },
  }, label));
  for (const button of buttons) {
    button.addEventListener('click', () => {
      for (const other of buttons) other.setAttribute('aria-pressed', String(other === button));
      onPick(button.dataset.status);
    });
  }
  return h('div', { class: 'segmented', role: 'group', 'aria-label': 'Filter by status', id: 'offer-status-filter' }, buttons);
}

export const offersPage = {
  title: 'Offers',
  nav: 'offers',
  async render(ctx) {
    if (!canHire()) {
      return h('div', { class: 'page' }, pageHeader('Offers'),
        notice('info', 'Offers are for people who hire', h('p', {}, 'Organisation admins, recruiters and hiring managers see and make offers.')));
    }
    const raw = ctx.query.get('status') || '';
    const state = {
      status: OFFER_STATUSES.some(([s]) => s === raw) ? raw : '',
      page: Math.max(1, Number.parseInt(ctx.query.get('page') || '1', 10) || 1),
    };
    const listSlot = h('div', {});
    const summary = h('p', { class: 'list-summary', role: 'status', 'aria-live': 'polite', id: 'offer-count' });
    const hashFor = (page) => `#/offers${query({ status: state.status, page: page > 1 ? page : null })}`;

    const search = liveSearch({
      wait: 0,
      search: async () => {
        const data = await api('GET', `/offers${query({ skip: (state.page - 1) * PAGE_SIZE, limit: PAGE_SIZE, status: state.status })}`);
        const people = new Map();
        const jobs = new Map();
        await Promise.all([
          mapLimit([...new Set(data.items.map((o) => o.candidate_id))], 6, async (id) => people.set(id, await candidateById(id).catch(() => null))),
          mapLimit([...new Set(data.items.map((o) => o.job_id))], 6, async (id) => jobs.set(id, await jobById(id).catch(() => null))),
        ]);
        return { ...data, people, jobs };
      },
      show: (data) => {
        replaceHash(hashFor(state.page));
        summary.textContent = `${data.total} ${data.total === 1 ? 'offer' : 'offers'}${state.status ? ` ${state.status}` : ''}.`;
        mount(listSlot, data.items.length === 0
          ? emptyState(state.status ? 'No offers with this status' : 'No offers yet', 'Make an offer from a candidate’s page.')
          : h('ul', { class: 'offers offers-page card-body', id: 'offers-list' }, data.items.map((o) => {
            const person = data.people.get(o.candidate_id);
            const job = data.jobs.get(o.job_id);
            return h('li', { class: 'offer-group' },
              h('a', { href: `#/candidates/${o.candidate_id}`, class: 'row-title' }, person ? person.full_name : `Candidate ${o.candidate_id}`),
              h('ul', { class: 'offers' }, offerCard(o, { jobTitle: job ? job.title : `Job ${o.job_id}`, onChange: (changed) => { if (!changed) search.now(); } })));
          })),
        data.total > PAGE_SIZE && pager({ page: state.page, pageSize: PAGE_SIZE, total: data.total, href: hashFor }));
      },
      fail: (error) => mount(listSlot, h('div', { class: 'card-body' }, problemNotice(error))),
    });

    const tabs = statusTabs(state.status, (value) => {
      state.status = value;
      state.page = 1;
      search.now();
    });
    await search.now();

    return h('div', { class: 'page' },
      pageHeader('Offers', 'Every offer your organisation has made, oldest first.'),
      h('section', { class: 'card card-flush', 'aria-label': 'Offers' },
        h('div', { class: 'toolbar' }, tabs),
        h('div', { class: 'list-head' }, summary),
        listSlot));
  },
};
