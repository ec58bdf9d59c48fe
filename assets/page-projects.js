// `#/projects?status=active&page=2`: the marketplace's projects, by status; "New project" opens
// the form. `#/projects/:id` is one project: its facts, edit and delete, and its slots (the
// seats to fill), with "New slot"; each slot opens its own page with its matches.

import { api, query } from './api.js';
import {
  dataTable, emptyState, h, icon, mount, pageHeader, problemNotice, time, toast,
} from './dom.js';
import { editAndDelete, newCard, sectionWithForm } from './form-card.js';
import { enumBadge, isValue, label, options } from './labels.js';
import { listCard, pageFrom, pagedList, statusTabs } from './list-page.js';
import { daySpan, dayRate, projectForm, projects, slotForm } from './marketplace.js';
import { chips, listAll } from './recruiting.js';
import { can } from './session.js';

const PAGE_SIZE = 20;

const COLUMNS = [{ label: 'Project' }, { label: 'Status' }, { label: 'Dates' }, { label: 'Updated' }];

export const projectsPage = {
  title: 'Projects',
  async render(ctx) {
    const managing = can('projects_write');
    const status = ctx.query.get('status');
    const list = pagedList({
      route: '#/projects',
      state: { status: isValue('project_status', status) ? status : '', page: pageFrom(ctx.query) },
      toQuery: ({ status: s }) => ({ status: s }),
      pageSize: PAGE_SIZE,
      summaryId: 'project-count',
      load: (s, { skip, limit }) => api('GET', `/projects${query({ skip, limit, status: s.status })}`),
      summary: (data, filtered) => `${data.total} ${data.total === 1 ? 'project' : 'projects'}${filtered ? ' match' : ''}.`,
      empty: (filtered) => (filtered
        ? emptyState('No projects with that status')
        : emptyState('No projects yet', managing ? 'Create one, then add the slots it needs filled.' : null)),
      render: (data) => dataTable({
        caption: 'Projects',
        id: 'projects-table',
        columns: COLUMNS,
        rows: data.items.map((p) => ({
          dataset: { projectId: String(p.id) },
          cells: [
            h('div', {},
              h('a', { href: `#/projects/${p.id}`, class: 'row-title' }, p.name),
              p.client && h('p', { class: 'muted small' }, p.client)),
            enumBadge('project_status', p.status),
            daySpan(p.start_date, p.end_date) || h('span', { class: 'muted' }, '—'),
            time(p.updated_at, { withTime: false }),
          ],
        })),
      }),
    });
    const tabs = statusTabs({
      id: 'project-status-filter', options: [['', 'All'], ...options('project_status')], current: list.state.status,
      onPick: (s) => list.set({ status: s }),
    });
    const creator = managing && newCard({
      id: 'project-form-card', title: 'New project', description: 'Only the name is required.',
      button: 'New project', buttonId: 'new-project-button', open: ctx.query.get('new') === '1',
      form: (close) => projectForm({
        onSaved: (project) => {
          toast(`“${project.name}” was created.`);
          ctx.navigate(`#/projects/${project.id}`);
        },
        onCancel: close,
      }),
    });
    await list.reload();
    return h('div', { class: 'page' },
      pageHeader('Projects', 'Client work and the seats it needs filled.', creator && creator.button),
      creator && creator.card,
      listCard({ label: 'Projects', toolbar: [tabs], list }));
  },
};

// ---- One project --------------------------------------------------------------------------------

function fact(name, value) {
  return h('div', {}, h('dt', {}, name), h('dd', {}, value || h('span', { class: 'muted' }, '—')));
}

function summary(p) {
  return h('section', { class: 'card', 'aria-label': 'Project facts', id: 'project-summary' },
    h('div', { class: 'card-body' },
      h('dl', { class: 'facts facts-grid' },
        fact('Status', enumBadge('project_status', p.status)),
        fact('Client', p.client),
        fact('Dates', daySpan(p.start_date, p.end_date)),
        fact('Updated', time(p.updated_at))),
      p.description && h('p', { class: 'prose project-description' }, p.description)));
}

const SLOT_COLUMNS = [
  { label: 'Slot' }, { label: 'Skills' }, { label: 'Terms' }, { label: 'Day rate' }, { label: 'Dates' }, { label: 'Status' },
];

function slotRows(items) {
  return items.map((s) => ({
    dataset: { slotId: String(s.id), status: s.status },
    cells: [
      h('div', {},
        h('a', { href: `#/slots/${s.id}`, class: 'row-title' }, s.title),
        h('p', { class: 'muted small' }, [label('level', s.seniority), s.location].filter(Boolean).join(' · ') || null),
        s.status === 'open' && h('a', { href: `#/slots/${s.id}`, class: 'small slot-matches-link' }, 'See matches')),
      chips(s.skills, { max: 4 }),
      label('work_type', s.work_type) || h('span', { class: 'muted' }, '—'),
      dayRate(null, s.rate_max, s.currency) || h('span', { class: 'muted' }, '—'),
      daySpan(s.start_date, s.end_date) || h('span', { class: 'muted' }, '—'),
      enumBadge('slot_status', s.status),
    ],
  }));
}

function slotsSection(project) {
  const section = sectionWithForm({
    id: 'project-slots',
    title: 'Slots',
    description: 'Loading…',
    buttonId: 'new-slot-button',
    buttonLabel: 'New slot',
    makeForm: can('projects_write') && ((close) => slotForm({
      project,
      onSaved: async (slot) => {
        toast(`The slot “${slot.title}” was added.`);
        close();
        await load();
      },
      onCancel: close,
    })),
  });
  const load = async () => {
    let items;
    try {
      items = await listAll(`/projects/${project.id}/slots`);
    } catch (error) {
      mount(section.listSlot, problemNotice(error));
      return;
    }
    const open = items.filter((s) => s.status === 'open').length;
    section.countText.textContent = items.length === 0 ? 'No seats yet.' : `${items.length} ${items.length === 1 ? 'seat' : 'seats'}, ${open} open.`;
    mount(section.listSlot, items.length === 0
      ? h('p', { class: 'muted' }, can('projects_write') ? 'Use “New slot” to add the seats this project needs filled.' : 'No slots.')
      : dataTable({ caption: `Slots of ${project.name}`, columns: SLOT_COLUMNS, rows: slotRows(items), id: 'slots-table' }));
  };
  return { node: section.node, load };
}

export const projectPage = {
  title: 'Project',
  async render(ctx) {
    let project = await api('GET', `/projects/${encodeURIComponent(ctx.params.id)}`);
    projects.remember(project);
    const managing = can('projects_write');
    const header = h('div', {});
    const summarySlot = h('div', {}, summary(project));
    const headerFor = (p) => pageHeader(p.name, p.client || null, ...editor.buttons());
    const editor = editAndDelete({
      id: 'project',
      what: 'project',
      edit: managing && ((close) => projectForm({
        project,
        onSaved: (saved) => {
          project = saved;
          mount(summarySlot, summary(project));
          mount(header, headerFor(project));
          toast('The project was saved.');
          close();
        },
        onCancel: close,
      })),
      remove: managing && {
        path: `/projects/${project.id}`,
        confirm: { title: `Delete “${project.name}”?`, message: 'The project and its slots are deleted. This cannot be undone.', confirmLabel: 'Delete project' },
        done: () => {
          projects.forget(project.id);
          toast(`“${project.name}” was deleted.`);
          ctx.navigate('#/projects');
        },
      },
    });
    mount(header, headerFor(project));
    const slots = slotsSection(project);
    await slots.load();

    return h('div', { class: 'page', dataset: { pageTitle: project.name } },
      h('a', { href: '#/projects', class: 'back-link' }, icon('back', 'icon icon-sm'), 'All projects'),
      header,
      summarySlot,
      editor.slot,
      slots.node);
  },
};
