// `#/offers?status=sent&page=N`: every offer in the organisation with its candidate and job,
// filtered by status; each moves along (send, accept, decline, withdraw) right here.

import { api, query } from './api.js';
import { accessNotice, emptyState, h, pageHeader } from './dom.js';
import { isValue, label, options } from './labels.js';
import { listCard, pageFrom, pagedList, statusTabs } from './list-page.js';
import { offerCard } from './offers.js';
import { namesFor } from './recruiting.js';
import { can } from './session.js';

const PAGE_SIZE = 25;

export const offersPage = {
  title: 'Offers',
  async render(ctx) {
    if (!can('offers_read')) {
      return accessNotice('Offers', 'Offers are for people who hire', 'Organisation admins, recruiters and hiring managers see and make offers.');
    }
    const status = ctx.query.get('status');
    const list = pagedList({
      route: '#/offers',
      state: { status: isValue('offer_status', status) ? status : '', page: pageFrom(ctx.query) },
      pageSize: PAGE_SIZE,
      wait: 0,
      summaryId: 'offer-count',
      load: async (s, { skip, limit }) => {
        const data = await api('GET', `/offers${query({ skip, limit, status: s.status })}`);
        return { ...data, names: await namesFor(data.items) };
      },
      summary: (data) => `${data.total} ${data.total === 1 ? 'offer' : 'offers'}${list.state.status ? ` ${label('offer_status', list.state.status).toLowerCase()}` : ''}.`,
      empty: (filtered) => emptyState(filtered ? 'No offers with this status' : 'No offers yet', 'Make an offer from a candidate’s page.'),
      render: (data) => h('ul', { class: 'offers offers-page card-body', id: 'offers-list' }, data.items.map((o) => {
        const person = data.names.people.get(o.candidate_id);
        const job = data.names.jobs.get(o.job_id);
        return h('li', { class: 'offer-group' },
          h('a', { href: `#/candidates/${o.candidate_id}`, class: 'row-title' }, person ? person.full_name : `Candidate ${o.candidate_id}`),
          h('ul', { class: 'offers' }, offerCard(o, { jobTitle: job ? job.title : `Job ${o.job_id}`, personName: person?.full_name, onChange: (changed) => { if (!changed) list.reload(); } })));
      })),
    });
    const tabs = statusTabs({
      id: 'offer-status-filter', options: [['', 'All'], ...options('offer_status')], current: list.state.status, onPick: (s) => list.set({ status: s }),
    });

    await list.reload();

    return h('div', { class: 'page' },
      pageHeader('Offers', 'Every offer your organisation has made, oldest first.'),
      listCard({ label: 'Offers', toolbar: [tabs], list }));
  },
};
