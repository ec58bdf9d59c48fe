// `#/people?skills=…&availability=…&seniority=…&work_type=…&visibility=…&min_rate=…&max_rate=…&currency=…`:
// the talent marketplace's profiles, filtered; "New person" opens the form. `#/people/:id` is
// one profile with its engagements, edit and delete. A talent account (no `people_read`, but
// `own_talent_profile`) sees its own profile at `#/people`.

import { api, query } from './api.js';
import {
  accessNotice, card, dataTable, emptyState, h, icon, mount, notice, pageHeader, problemNotice, time, toast,
} from './dom.js';
import { editAndDelete, newCard } from './form-card.js';
import { enumBadge, label, options } from './labels.js';
import {
  filterField, filterSelect, listCard, pageFrom, pagedList, wireFilters,
} from './list-page.js';
import {
  daySpan, dayRate, engagementActions, engagementNames, people, personForm,
} from './marketplace.js';
import { chips } from './recruiting.js';
import { can } from './session.js';

const PAGE_SIZE = 25;
const FILTERS = ['skills', 'availability', 'seniority', 'work_type', 'visibility', 'min_rate', 'max_rate', 'currency'];

// ---- The list ---------------------------------------------------------------------------------

const COLUMNS = [
  { label: 'Person' }, { label: 'Seniority' }, { label: 'Availability' }, { label: 'Works as' },
  { label: 'Day rate' }, { label: 'Skills' }, { label: 'Visible to' },
];

function personRows(items) {
  return items.map((p) => ({
    dataset: { personId: String(p.id) },
    cells: [
      h('div', {},
        h('a', { href: `#/people/${p.id}`, class: 'row-title' }, p.full_name),
        (p.headline || p.location) && h('p', { class: 'muted small' }, [p.headline, p.location].filter(Boolean).join(' · '))),
      label('level', p.seniority) || h('span', { class: 'muted' }, '—'),
      enumBadge('availability', p.availability),
      label('work_type', p.work_type),
      dayRate(p.rate_min, p.rate_max, p.currency) || h('span', { class: 'muted' }, '—'),
      chips(p.skills, { max: 4 }),
      enumBadge('visibility', p.visibility),
    ],
  }));
}

async function ownProfile(ctx) {
  const { items } = await api('GET', '/people?limit=1');
  if (items.length === 0) {
    return accessNotice('My talent profile', 'You have no talent profile yet',
      'Your organisation links a profile to your account; ask them to add you.');
  }
  return personView(ctx, items[0]);
}

export const peoplePage = {
  title: 'People',
  async render(ctx) {
    if (!can('people_read')) {
      if (can('own_talent_profile')) return ownProfile(ctx);
      return accessNotice('People', 'You do not have access to talent profiles', 'Organisation admins, recruiters and hiring managers do.');
    }
    const managing = can('people_write');
    const state = Object.fromEntries(FILTERS.map((name) => [name, ctx.query.get(name) || '']));
    const list = pagedList({
      route: '#/people',
      state: { ...state, page: pageFrom(ctx.query) },
      toQuery: (s) => Object.fromEntries(FILTERS.map((name) => [name, String(s[name]).trim()])),
      pageSize: PAGE_SIZE,
      summaryId: 'people-count',
      load: (s, { skip, limit }) => {
        const min = s.min_rate === '' ? null : Number(s.min_rate);
        const max = s.max_rate === '' ? null : Number(s.max_rate);
        if (min != null && max != null && min > max) return { invalid: 'The lowest rate is more than the highest.' };
        return api('GET', `/people${query({ skip, limit, ...Object.fromEntries(FILTERS.map((name) => [name, String(s[name]).trim()])) })}`);
      },
      summary: (data, filtered) => `${data.total} ${data.total === 1 ? 'person' : 'people'}${filtered ? ' match' : ''}.`,
      empty: (filtered) => (filtered
        ? emptyState('Nobody matches', 'Loosen a filter, or clear them.')
        : emptyState('No talent profiles yet', managing ? 'Add the people you place on projects.' : null)),
      render: (data) => dataTable({ caption: 'People', columns: COLUMNS, rows: personRows(data.items), id: 'people-table' }),
    });

    const any = (kind) => [['', 'Any'], ...options(kind)];
    const skills = filterField({ id: 'people-skills', label: 'Skills', value: state.skills, placeholder: 'python, spark', maxlength: 500, title: 'Every skill must be listed' });
    const availability = filterSelect({ id: 'people-availability', label: 'Availability', value: state.availability, options: any('availability') });
    const seniority = filterSelect({ id: 'people-seniority', label: 'Seniority', value: state.seniority, options: any('level') });
    const workType = filterSelect({ id: 'people-work-type', label: 'Works as', value: state.work_type, options: any('work_type') });
    const visibility = filterSelect({ id: 'people-visibility', label: 'Visible to', value: state.visibility, options: any('visibility') });
    const amount = { type: 'number', min: 0, step: 1, inputmode: 'numeric' };
    const minRate = filterField({ id: 'people-min-rate', label: 'Rate from', value: state.min_rate, ...amount });
    const maxRate = filterField({ id: 'people-max-rate', label: 'Rate to', value: state.max_rate, ...amount });
    const currency = filterField({ id: 'people-currency', label: 'Currency', value: state.currency, maxlength: 3, placeholder: 'Any', class: 'input input-sm input-code' });
    const filters = {
      skills, availability, seniority, work_type: workType, visibility, min_rate: minRate, max_rate: maxRate, currency,
    };
    const read = () => Object.fromEntries(Object.entries(filters).map(([name, f]) => [name, f.input.value]));
    const clear = wireFilters(list, Object.values(filters).map((f) => f.input), read);

    const creator = managing && newCard({
      id: 'person-form-card', title: 'New person', description: 'Only the name is required.',
      button: 'New person', buttonId: 'new-person-button', open: ctx.query.get('new') === '1',
      form: (close) => personForm({
        onSaved: (person) => {
          toast(`${person.full_name} was added.`);
          ctx.navigate(`#/people/${person.id}`);
        },
        onCancel: close,
      }),
    });

    await list.reload();
    return h('div', { class: 'page page-wide-ish' },
      pageHeader('People', 'The talent you place on projects.', creator && creator.button),
      creator && creator.card,
      listCard({
        label: 'People',
        stack: true,
        toolbar: [h('div', { class: 'filters', role: 'group', 'aria-label': 'Filters' }, Object.values(filters).map((f) => f.node), clear)],
        list,
      }));
  },
};

// ---- One person ---------------------------------------------------------------------------------

function fact(name, value, id) {
  return h('div', {}, h('dt', {}, name), h('dd', { id }, value || h('span', { class: 'muted' }, '—')));
}

function profileCard(p) {
  return h('section', { class: 'card', 'aria-labelledby': 'person-profile-title', id: 'person-profile' },
    h('header', { class: 'card-header' },
      h('h2', { class: 'card-title', id: 'person-profile-title' }, 'Profile'),
      h('p', { class: 'card-description' }, 'Added ', time(p.created_at, { withTime: false }), ' · updated ', time(p.updated_at))),
    h('div', { class: 'card-body' },
      h('dl', { class: 'facts facts-grid' },
        fact('Availability', enumBadge('availability', p.availability), 'person-availability-value'),
        fact('Seniority', label('level', p.seniority)),
        fact('Works as', label('work_type', p.work_type)),
        fact('Day rate', dayRate(p.rate_min, p.rate_max, p.currency)),
        fact('Location', p.location),
        fact('Visible to', enumBadge('visibility', p.visibility))),
      h('dl', { class: 'skill-rows' }, h('div', {}, h('dt', {}, 'Skills'), h('dd', {}, chips(p.skills))))));
}

/** The person's engagements, newest first, with the slot and project each is on. */
async function engagementsCard(person) {
  let items;
  try {
    ({ items } = await api('GET', `/engagements${query({ person_id: person.id, limit: 100 })}`));
  } catch (error) {
    return card('Engagements', null, problemNotice(error));
  }
  const { seats, work: names } = await engagementNames(items);
  const body = items.length === 0
    ? h('p', { class: 'muted' }, 'Not engaged on any project yet.')
    : h('ul', { class: 'mini-list', id: 'person-engagements' }, items.map((e) => {
      const seat = seats.get(e.slot_id);
      const project = names.get(e.project_id);
      const row = h('li', { class: 'mini-row', dataset: { engagementId: String(e.id), status: e.status } });
      const draw = (current) => mount(row,
        h('div', { class: 'mini-main' },
          can('projects_read')
            ? h('a', { href: `#/slots/${e.slot_id}`, class: 'row-title' }, seat ? seat.title : `Slot ${e.slot_id}`)
            : h('span', { class: 'row-title' }, seat ? seat.title : 'A project seat'),
          h('p', { class: 'muted small' }, [project?.name, daySpan(current.start_date, current.end_date)].filter(Boolean).join(' · '))),
        enumBadge('engagement_status', current.status),
        can('engagements_write') && engagementActions(current, person.full_name, draw));
      draw(e);
      return row;
    }));
  return card('Engagements', items.length === 0 ? null : `${items.length} ${items.length === 1 ? 'engagement' : 'engagements'}, newest first.`, body);
}

async function personView(ctx, found) {
  let person = found;
  const own = !can('people_read');
  const managing = can('people_write') || own;
  const header = h('div', {});
  const profileSlot = h('div', {}, profileCard(person));
  const headerFor = (p) => pageHeader(own ? 'My talent profile' : p.full_name, p.headline || null, ...editor.buttons());
  const editor = editAndDelete({
    id: 'person',
    what: 'profile',
    edit: managing && ((close) => personForm({
      person,
      onSaved: (saved) => {
        person = saved;
        mount(profileSlot, profileCard(person));
        mount(header, headerFor(person));
        toast('The profile was saved.');
        close();
      },
      onCancel: close,
    })),
    remove: can('people_write') && {
      path: `/people/${person.id}`,
      confirm: { title: `Delete ${person.full_name}?`, message: 'Their talent profile is deleted. This cannot be undone.', confirmLabel: 'Delete person' },
      done: () => {
        people.forget(person.id);
        toast(`${person.full_name} was deleted.`);
        ctx.navigate('#/people');
      },
    },
  });
  mount(header, headerFor(person));
  const engagements = await engagementsCard(person);

  return h('div', { class: 'page', dataset: { pageTitle: person.full_name } },
    !own && h('a', { href: '#/people', class: 'back-link' }, icon('back', 'icon icon-sm'), 'All people'),
    header,
    editor.slot,
    h('div', { class: 'stack' }, profileSlot, engagements),
    !managing && notice('info', 'You can read this profile but not change it.'));
}

export const personPage = {
  title: 'Person',
  async render(ctx) {
    const person = await api('GET', `/people/${encodeURIComponent(ctx.params.id)}`);
    people.remember(person);
    return personView(ctx, person);
  },
};
