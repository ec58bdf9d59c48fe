// `#/slots/:id`: one seat of a project — its facts, edit and delete, who holds it (with End and
// Cancel), and the people who fit it best, each with the spider chart of the six axes and
// "Engage" (the dates default to the slot's own).

import { api, query } from './api.js';
import { h, icon, mount, pageHeader, problemNotice, time, toast } from './dom.js';
import { editAndDelete } from './form-card.js';
import { enumBadge, label } from './labels.js';
import {
  daySpan, dayRate, engageForm, engagementActions, people, projects, slotForm, slots,
} from './marketplace.js';
import { matchesPanel } from './matches.js';
import { chips } from './recruiting.js';
import { can } from './session.js';

function fact(name, value, id) {
  return h('div', {}, h('dt', {}, name), h('dd', { id }, value || h('span', { class: 'muted' }, '—')));
}

function summary(s) {
  return h('section', { class: 'card', 'aria-label': 'Slot facts', id: 'slot-summary' },
    h('div', { class: 'card-body' },
      h('dl', { class: 'facts facts-grid' },
        fact('Status', enumBadge('slot_status', s.status), 'slot-status'),
        fact('Seniority', label('level', s.seniority)),
        fact('Terms', label('work_type', s.work_type)),
        fact('Highest day rate', dayRate(null, s.rate_max, s.currency)),
        fact('Location', s.location),
        fact('Dates', daySpan(s.start_date, s.end_date)),
        fact('Updated', time(s.updated_at))),
      h('dl', { class: 'skill-rows' }, h('div', {}, h('dt', {}, 'Skills'), h('dd', {}, chips(s.skills))))));
}

/** Who holds the slot now (its active engagement), with End and Cancel. */
async function holder(slot, onChange) {
  let items;
  try {
    ({ items } = await api('GET', `/engagements${query({ slot_id: slot.id, status: 'active', limit: 1 })}`));
  } catch (error) {
    return problemNotice(error);
  }
  const engagement = items[0];
  if (!engagement) return null;
  const person = await people.get(engagement.person_id).catch(() => ({ id: engagement.person_id, full_name: `Person ${engagement.person_id}` }));
  return h('section', { class: 'card', 'aria-labelledby': 'slot-holder-title', id: 'slot-holder' },
    h('header', { class: 'card-header' }, h('h2', { class: 'card-title', id: 'slot-holder-title' }, 'Engaged')),
    h('div', { class: 'card-body' },
      h('div', { class: 'mini-row', dataset: { engagementId: String(engagement.id), personId: String(person.id) } },
        h('div', { class: 'mini-main' },
          h('a', { href: `#/people/${person.id}`, class: 'row-title', id: 'slot-holder-name' }, person.full_name),
          h('p', { class: 'muted small' }, daySpan(engagement.start_date, engagement.end_date))),
        enumBadge('engagement_status', engagement.status),
        can('engagements_write') && engagementActions(engagement, person.full_name, onChange))));
}

/** "Engage" on a match: opens the dates form inside the match's card. */
function engageAction(slot, person, onEngaged) {
  const slotForForm = h('div', { class: 'engage-slot' });
  const button = h('button', {
    type: 'button', class: 'btn btn-primary btn-sm match-engage', 'aria-expanded': 'false', 'aria-label': `Engage ${person.full_name}`,
  }, 'Engage');
  const close = () => {
    slotForForm.replaceChildren();
    button.hidden = false;
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  };
  button.addEventListener('click', () => {
    const form = engageForm({ slot, person, onEngaged, onCancel: close });
    mount(slotForForm, form);
    button.hidden = true;
    button.setAttribute('aria-expanded', 'true');
    form.querySelector('input')?.focus();
  });
  return h('div', { class: 'engage' }, button, slotForForm);
}

export const slotPage = {
  title: 'Slot',
  async render(ctx) {
    let slot = await api('GET', `/slots/${encodeURIComponent(ctx.params.id)}`);
    slots.remember(slot);
    const project = await projects.get(slot.project_id).catch(() => null);
    const managing = can('projects_write');
    const header = h('div', {});
    const summarySlot = h('div', {}, summary(slot));
    const projectName = project ? project.name : `Project ${slot.project_id}`;
    const headerFor = (s) => pageHeader(s.title, `A seat on ${projectName}`, ...editor.buttons());
    const editor = editAndDelete({
      id: 'slot',
      what: 'slot',
      edit: managing && ((close) => slotForm({
        slot,
        onSaved: (saved) => {
          slot = saved;
          mount(summarySlot, summary(slot));
          mount(header, headerFor(slot));
          toast('The slot was saved.');
          close();
        },
        onCancel: close,
      })),
      remove: managing && {
        path: `/slots/${slot.id}`,
        confirm: { title: `Delete the slot “${slot.title}”?`, message: 'This cannot be undone.', confirmLabel: 'Delete slot' },
        done: () => {
          slots.forget(slot.id);
          toast(`The slot “${slot.title}” was deleted.`);
          ctx.navigate(`#/projects/${slot.project_id}`);
        },
      },
    });
    mount(header, headerFor(slot));

    // Engaging, ending or cancelling changes the slot: draw the page again from the server.
    const changed = () => ctx.refresh();
    const engaging = can('engagements_write') && slot.status === 'open';
    const matches = matchesPanel({
      id: 'slot-matches',
      noun: ['person', 'people'],
      empty: 'Nobody in your talent pool fits this slot yet. Add skills to the slot, or add people.',
      load: (limit) => api('GET', `/slots/${slot.id}/matches${query({ limit })}`),
      card: (m, rank) => ({
        id: `slot-match-${m.person_id}`,
        rank,
        title: m.full_name,
        link: `#/people/${m.person_id}`,
        line: [m.headline, m.availability && label('availability', m.availability)].filter(Boolean).join(' · ') || null,
        match: m,
        dataset: { personId: String(m.person_id) },
        actions: [engaging && engageAction(slot, { id: m.person_id, full_name: m.full_name }, changed)],
      }),
    });
    const held = slot.status === 'filled' ? await holder(slot, changed) : null;
    matches.run();

    return h('div', { class: 'page page-wide-ish', dataset: { pageTitle: slot.title } },
      h('a', { href: `#/projects/${slot.project_id}`, class: 'back-link' }, icon('back', 'icon icon-sm'), projectName),
      header,
      summarySlot,
      editor.slot,
      held,
      h('section', { class: 'card', 'aria-labelledby': 'slot-matches-title' },
        h('header', { class: 'card-header' },
          h('h2', { class: 'card-title', id: 'slot-matches-title' }, 'Matches'),
          h('p', { class: 'card-description' }, slot.status === 'open'
            ? 'The people who fit this seat best, scored on six axes.'
            : 'The slot is filled; these are the people who would fit it.')),
        h('div', { class: 'card-body' }, matches.node)));
  },
};
