// `#/engagements?status=active&page=2`: who is on which project slot, and when; active ones
// can be ended or cancelled here (the slot opens again). New engagements start from a slot's
// matches.

import { api, query } from './api.js';
import { dataTable, emptyState, h, mount, pageHeader } from './dom.js';
import { enumBadge, isValue, options } from './labels.js';
import { listCard, pageFrom, pagedList, statusTabs } from './list-page.js';
import { daySpan, engagementActions, engagementNames } from './marketplace.js';
import { can } from './session.js';

const PAGE_SIZE = 25;

export const engagementsPage = {
  title: 'Engagements',
  async render(ctx) {
    const closing = can('engagements_write');
    const status = ctx.query.get('status');
    const columns = [{ label: 'Person' }, { label: 'Slot' }, { label: 'Dates' }, { label: 'Status' }, closing && { label: 'Actions', className: 'col-actions' }].filter(Boolean);
    const list = pagedList({
      route: '#/engagements',
      state: { status: isValue('engagement_status', status) ? status : '', page: pageFrom(ctx.query) },
      toQuery: ({ status: s }) => ({ status: s }),
      pageSize: PAGE_SIZE,
      summaryId: 'engagement-count',
      load: async (s, { skip, limit }) => {
        const data = await api('GET', `/engagements${query({ skip, limit, status: s.status })}`);
        return { ...data, names: await engagementNames(data.items) };
      },
      summary: (data, filtered) => `${data.total} ${data.total === 1 ? 'engagement' : 'engagements'}${filtered ? ' match' : ''}.`,
      empty: (filtered) => (filtered
        ? emptyState('No engagements with that status')
        : emptyState('No engagements yet', 'Engage someone from a slot’s matches on its project’s page.')),
      render: ({ items, names }) => dataTable({
        caption: 'Engagements',
        id: 'engagements-table',
        columns,
        rows: items.map((e) => {
          const person = names.who.get(e.person_id);
          const seat = names.seats.get(e.slot_id);
          const project = names.work.get(e.project_id);
          const name = person ? person.full_name : `Person ${e.person_id}`;
          const badgeCell = h('span', {}, enumBadge('engagement_status', e.status));
          const actionCell = h('span', {});
          const draw = (current) => {
            mount(badgeCell, enumBadge('engagement_status', current.status));
            mount(actionCell, engagementActions(current, name, draw));
          };
          draw(e);
          return {
            dataset: { engagementId: String(e.id) },
            cells: [
              h('a', { href: `#/people/${e.person_id}`, class: 'row-title' }, name),
              h('div', {},
                h('a', { href: `#/slots/${e.slot_id}` }, seat ? seat.title : `Slot ${e.slot_id}`),
                project && h('p', { class: 'muted small' }, project.name)),
              daySpan(e.start_date, e.end_date),
              badgeCell,
              closing && actionCell,
            ].filter((cell) => cell !== false),
          };
        }),
      }),
    });
    const tabs = statusTabs({
      id: 'engagement-status-filter', options: [['', 'All'], ...options('engagement_status')], current: list.state.status,
      onPick: (s) => list.set({ status: s }),
    });
    await list.reload();
    return h('div', { class: 'page' },
      pageHeader('Engagements', 'Who is placed on which project, and when.'),
      listCard({ label: 'Engagements', toolbar: [tabs], list }));
  },
};
