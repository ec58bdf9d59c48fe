// What the talent marketplace pages share: people, projects and slots by id, their forms
// (create and edit), the engagement form a slot match opens, and how day rates and spans of
// days read. Rates are per day (slots, people); dates are days, `YYYY-MM-DD`.

import { api } from './api.js';
import { confirmDialog, h, toast } from './dom.js';
import { checks, currencyField, field, formAlert, onSubmit, rule, selectField } from './forms.js';
import { label, moneyRange, options } from './labels.js';
import {
  intOrNull, mapLimit, recordCache, recordForm, splitList, textOrNull, wholeNumber,
} from './recruiting.js';
import { can } from './session.js';

export const people = recordCache('/people');
export const projects = recordCache('/projects');
export const slots = recordCache('/slots');

/** The largest day rate the server takes. */
const MAX_RATE = 1_000_000_000;

/** "€600 – €800 a day", "up to €900 a day", or null. */
export function dayRate(min, max, currency) {
  const range = moneyRange(min, max, currency);
  return range && `${range} a day`;
}

const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** `2026-06-01` as the reader says dates ("1 Jun 2026"); the text as it is when it is not a date. */
export function dayText(date) {
  const parsed = date && new Date(`${date}T00:00:00Z`);
  return parsed && !Number.isNaN(parsed.getTime()) ? day.format(parsed) : date || '';
}

/** "1 Jun 2026 – 30 Sep 2026", "from 1 Jun 2026", "until …", or null. */
export function daySpan(start, end) {
  if (start && end) return `${dayText(start)} – ${dayText(end)}`;
  if (start) return `from ${dayText(start)}`;
  return end ? `until ${dayText(end)}` : null;
}

const list = (values) => (values || []).join(', ');
const notSet = (kind) => [['', 'Not set'], ...options(kind)];
const endAfterStart = (end, all) => (end && all.start_date && end <= all.start_date ? 'must be after the start date' : null);
const rates = {
  rate_min: [wholeNumber(0, MAX_RATE)],
  rate_max: [wholeNumber(0, MAX_RATE), rule.notBelow('rate_min', 'the lowest rate')],
  currency: [rule.currency, (c, all) => (!String(c).trim() && (all.rate_min || all.rate_max) ? 'is required with a rate' : null)],
};

// ---- People ------------------------------------------------------------------------------------

function personBody(v) {
  return {
    full_name: v.full_name.trim(),
    headline: textOrNull(v.headline),
    location: textOrNull(v.location),
    skills: splitList(v.skills),
    seniority: v.seniority || null,
    availability: v.availability,
    work_type: v.work_type,
    rate_min: intOrNull(v.rate_min),
    rate_max: intOrNull(v.rate_max),
    currency: textOrNull(v.currency)?.toUpperCase() ?? null,
    visibility: v.visibility,
  };
}

/** Creates a talent profile, or edits `person`. */
export function personForm({ person, onSaved, onCancel }) {
  const p = person || { availability: 'available', work_type: 'contract', visibility: 'tenant' };
  return recordForm({
    id: 'person-form',
    record: person,
    create: '/people',
    update: '/people',
    submitId: 'person-submit',
    submitLabel: 'Add person',
    busyLabel: 'Adding…',
    body: personBody,
    validate: (v) => checks(v, {
      full_name: [rule.required, rule.maxLength(200)],
      headline: [rule.maxLength(200)],
      location: [rule.maxLength(120)],
      ...rates,
    }),
    onCancel,
    onSaved: async (saved) => {
      people.remember(saved);
      await onSaved(saved);
    },
    fields: [
      h('div', { class: 'grid-2 grid-tight' },
        field({ name: 'full_name', label: 'Full name', id: 'person-full-name', value: p.full_name || '', required: true, maxlength: 200, autocomplete: 'off' }),
        field({ name: 'headline', label: 'Headline', id: 'person-headline', value: p.headline || '', maxlength: 200, placeholder: 'e.g. Data engineer, Spark and Airflow' })),
      h('div', { class: 'grid-3' },
        field({ name: 'skills', label: 'Skills', id: 'person-skills', value: list(p.skills), hint: 'Separate with commas.', placeholder: 'Python, Spark' }),
        selectField({ name: 'seniority', label: 'Seniority', id: 'person-seniority', value: p.seniority || '', options: notSet('level') }),
        field({ name: 'location', label: 'Location', id: 'person-location', value: p.location || '', maxlength: 120 })),
      h('div', { class: 'grid-3' },
        selectField({ name: 'availability', label: 'Availability', id: 'person-availability', value: p.availability, options: options('availability') }),
        selectField({ name: 'work_type', label: 'Works as', id: 'person-work-type', value: p.work_type, options: options('work_type') }),
        selectField({
          name: 'visibility', label: 'Visible to', id: 'person-visibility', value: p.visibility, options: options('visibility'),
          hint: 'Private: only those who manage people. Organisation: everyone who reads people.',
        })),
      h('div', { class: 'grid-3' },
        field({ name: 'rate_min', label: 'Day rate from', id: 'person-rate-min', type: 'number', min: 0, step: 1, inputmode: 'numeric', value: p.rate_min ?? '' }),
        field({ name: 'rate_max', label: 'Day rate to', id: 'person-rate-max', type: 'number', min: 0, step: 1, inputmode: 'numeric', value: p.rate_max ?? '' }),
        currencyField({ name: 'currency', id: 'person-currency', value: p.currency })),
    ],
  });
}

// ---- Projects and slots -------------------------------------------------------------------------

/** Creates a project, or edits `project`. */
export function projectForm({ project, onSaved, onCancel }) {
  const p = project || { status: 'active' };
  return recordForm({
    id: 'project-form',
    record: project,
    create: '/projects',
    update: '/projects',
    submitId: 'project-submit',
    submitLabel: 'Create project',
    busyLabel: 'Creating…',
    body: (v) => ({
      name: v.name.trim(),
      client: textOrNull(v.client),
      description: textOrNull(v.description),
      start_date: textOrNull(v.start_date),
      end_date: textOrNull(v.end_date),
      status: v.status,
    }),
    validate: (v) => checks(v, {
      name: [rule.required, rule.maxLength(200)],
      client: [rule.maxLength(200)],
      end_date: [endAfterStart],
    }),
    onCancel,
    onSaved: async (saved) => {
      projects.remember(saved);
      await onSaved(saved);
    },
    fields: [
      h('div', { class: 'grid-2 grid-tight' },
        field({ name: 'name', label: 'Name', id: 'project-name', value: p.name || '', required: true, maxlength: 200, placeholder: 'e.g. Payments platform rebuild' }),
        field({ name: 'client', label: 'Client', id: 'project-client', value: p.client || '', maxlength: 200 })),
      h('div', { class: 'grid-3' },
        field({ name: 'start_date', label: 'Starts', id: 'project-start', type: 'date', value: p.start_date || '' }),
        field({ name: 'end_date', label: 'Ends', id: 'project-end', type: 'date', value: p.end_date || '' }),
        selectField({ name: 'status', label: 'Status', id: 'project-status', value: p.status, options: options('project_status') })),
      field({ name: 'description', label: 'Description', id: 'project-description', type: 'textarea', rows: 4, value: p.description || '', maxlength: 20000 }),
    ],
  });
}

/** Adds a slot (a seat) to `project`, or edits `slot`. */
export function slotForm({ project, slot, onSaved, onCancel }) {
  const s = slot || { start_date: project?.start_date, end_date: project?.end_date };
  return recordForm({
    id: 'slot-form',
    record: slot,
    create: project && `/projects/${project.id}/slots`,
    update: '/slots',
    submitId: 'slot-submit',
    submitLabel: 'Add slot',
    busyLabel: 'Adding…',
    body: (v) => ({
      title: v.title.trim(),
      skills: splitList(v.skills),
      seniority: v.seniority || null,
      work_type: v.work_type || null,
      location: textOrNull(v.location),
      rate_max: intOrNull(v.rate_max),
      currency: textOrNull(v.currency)?.toUpperCase() ?? null,
      start_date: textOrNull(v.start_date),
      end_date: textOrNull(v.end_date),
    }),
    validate: (v) => checks(v, {
      title: [rule.required, rule.maxLength(200)],
      location: [rule.maxLength(120)],
      ...rates,
      end_date: [endAfterStart],
    }),
    onCancel,
    onSaved: async (saved) => {
      slots.remember(saved);
      await onSaved(saved);
    },
    fields: [
      h('div', { class: 'grid-2 grid-tight' },
        field({ name: 'title', label: 'Title', id: 'slot-title', value: s.title || '', required: true, maxlength: 200, placeholder: 'e.g. Senior data engineer' }),
        field({ name: 'skills', label: 'Skills', id: 'slot-skills', value: list(s.skills), hint: 'Separate with commas.', placeholder: 'Python, Spark' })),
      h('div', { class: 'grid-3' },
        selectField({ name: 'seniority', label: 'Seniority', id: 'slot-seniority', value: s.seniority || '', options: notSet('level') }),
        selectField({ name: 'work_type', label: 'Terms', id: 'slot-work-type', value: s.work_type || '', options: notSet('work_type') }),
        field({ name: 'location', label: 'Location', id: 'slot-location', value: s.location || '', maxlength: 120, placeholder: 'e.g. Remote' })),
      h('div', { class: 'grid-3' },
        field({ name: 'rate_max', label: 'Highest day rate', id: 'slot-rate-max', type: 'number', min: 0, step: 1, inputmode: 'numeric', value: s.rate_max ?? '' }),
        currencyField({ name: 'currency', id: 'slot-currency', value: s.currency }),
        h('div', {})),
      h('div', { class: 'grid-3' },
        field({ name: 'start_date', label: 'Starts', id: 'slot-start', type: 'date', value: s.start_date || '' }),
        field({ name: 'end_date', label: 'Ends', id: 'slot-end', type: 'date', value: s.end_date || '' }),
        h('div', {})),
    ],
  });
}

// ---- Engagements -----------------------------------------------------------------------------

/**
 * The people, slots and projects some engagements name: `{who, seats, work}`, maps by id (null
 * for a record gone since). Slots and projects are looked up only for those who may read them.
 */
export async function engagementNames(items) {
  const fetch = async (cache, ids, allowed) => {
    const found = new Map();
    if (allowed) await mapLimit([...new Set(ids)], 6, async (id) => found.set(id, await cache.get(id).catch(() => null)));
    return found;
  };
  const [who, seats, work] = await Promise.all([
    fetch(people, items.map((e) => e.person_id), can('people_read')),
    fetch(slots, items.map((e) => e.slot_id), can('projects_read')),
    fetch(projects, items.map((e) => e.project_id), can('projects_read')),
  ]);
  return { who, seats, work };
}

/**
 * Engages `person` (`{id, full_name}`) on `slot`, from and to the days given (the slot's own
 * by default). `onEngaged(engagement)` follows; a refusal (the slot filled meanwhile, the
 * person busy on those days) is shown on the form.
 */
export function engageForm({ slot, person, onEngaged, onCancel }) {
  const prefix = `engage-${person.id}`;
  const form = h('form', { class: 'form engage-form', id: `${prefix}-form` },
    formAlert(),
    h('div', { class: 'grid-3' },
      field({ name: 'start_date', label: 'First day', id: `${prefix}-start`, type: 'date', value: slot.start_date || '', required: true }),
      field({ name: 'end_date', label: 'Last day', id: `${prefix}-end`, type: 'date', value: slot.end_date || '', required: true }),
      h('div', { class: 'form-actions engage-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary btn-sm', id: `${prefix}-submit` }, `Engage ${person.full_name}`),
        onCancel && h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onClick: onCancel }, 'Cancel'))));
  onSubmit(form, {
    busyLabel: 'Engaging…',
    validate: (v) => checks(v, { start_date: [rule.required], end_date: [rule.required, endAfterStart] }),
    submit: async (v) => {
      const engagement = await api('POST', '/engagements', {
        slot_id: slot.id, person_id: person.id, start_date: v.start_date, end_date: v.end_date,
      });
      slots.forget(slot.id);
      toast(`${person.full_name} is engaged on “${slot.title}”.`);
      await onEngaged(engagement);
    },
  });
  return form;
}

/**
 * Ends (`ended`) or calls off (`cancelled`) an active engagement after asking; its slot opens
 * again. Resolves to the changed engagement, or null.
 */
export async function closeEngagement(engagement, status, name) {
  const ending = status === 'ended';
  const ok = await confirmDialog({
    title: ending ? `End ${name}’s engagement?` : `Cancel ${name}’s engagement?`,
    message: `${ending ? 'It is recorded as over' : 'It is recorded as called off'}, and the slot opens again for someone else.`,
    confirmLabel: ending ? 'End engagement' : 'Cancel engagement',
    danger: !ending,
    confirmId: `engagement-${status}-confirm`,
  });
  if (!ok) return null;
  try {
    const changed = await api('PATCH', `/engagements/${engagement.id}`, { status });
    slots.forget(engagement.slot_id);
    toast(`${name}’s engagement is ${label('engagement_status', changed.status).toLowerCase()}.`);
    return changed;
  } catch (error) {
    toast(error.detail || String(error), 'danger');
    return null;
  }
}

/** The End and Cancel buttons of an active engagement (none for a closed one). */
export function engagementActions(engagement, name, onChanged) {
  if (engagement.status !== 'active') return null;
  const button = (status, text, className) => {
    const b = h('button', {
      type: 'button', class: `btn ${className} btn-sm`, dataset: { action: status }, 'aria-label': `${text} ${name}’s engagement`,
    }, text);
    b.addEventListener('click', async () => {
      const changed = await closeEngagement(engagement, status, name);
      if (changed) onChanged(changed);
    });
    return b;
  };
  return h('div', { class: 'row-actions' }, button('ended', 'End', 'btn-secondary'), button('cancelled', 'Cancel', 'btn-danger-ghost'));
}
