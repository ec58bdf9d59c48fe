// What the interview pages and the candidate page share: local date-time ⇄ RFC 3339, the
// schedule form (with a candidate picked by searching as you type), the scorecard form and the
// `.ics` link.

import { api } from './api.js';
import { h, icon, mount, uid } from './dom.js';
import { checks, field, formAlert, onSubmit, rule, selectField } from './forms.js';
import { label, options } from './labels.js';
import {
  candidateLookup, jobById, listAll, panelFromText, rememberCandidate, roleLine, textOrNull, wholeNumber,
} from './recruiting.js';
import { can, session } from './session.js';

// ---- Time -----------------------------------------------------------------------------------

const pad = (n) => String(n).padStart(2, '0');

/** A `Date` as the value of `<input type="datetime-local">` (the browser's time zone). */
export function toLocalInput(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A `Date` as `YYYY-MM-DD` in local time (for `<input type="date">` and grouping by day). */
export function localDay(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** `2026-06-04T10:30` (local) → `2026-06-04T08:30:00Z`, or null when it is not a date-time. */
export function localInputToRfc3339(value) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(String(value || ''))) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2026-06-04` → the start of that day in local time, as RFC 3339 (`endOfDay` for its end). */
export function dayToRfc3339(day, { endOfDay = false } = {}) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(String(day || ''))) return null;
  const [y, m, d] = day.split('-').map(Number);
  const date = endOfDay ? new Date(y, m - 1, d, 23, 59, 59) : new Date(y, m - 1, d, 0, 0, 0);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Tomorrow at 10:00, local: a sensible first suggestion for a new interview. */
export function defaultSlot() {
  const date = new Date();
  date.setDate(date.getDate() + 1);
  date.setHours(10, 0, 0, 0);
  return date;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const longDay = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const shortDay = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

export function dayHeading(date) {
  return longDay.format(date);
}

/** "10:00–10:45" (with the day first when `withDay`). */
export function timeRange(interview, { withDay = false } = {}) {
  const start = new Date(interview.scheduled_at);
  const end = new Date(start.getTime() + interview.duration_min * 60_000);
  const range = `${clock.format(start)}–${clock.format(end)}`;
  return h('time', { datetime: interview.scheduled_at, title: start.toISOString() }, withDay ? `${shortDay.format(start)}, ${range}` : range);
}

/** The browser's time zone name, to say which clock the times are on. */
export function zoneName() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
}

/** A plain link: the session cookie authenticates same-origin GETs, and the server names the file. */
export function icsLink(interview, { className = 'btn btn-secondary' } = {}) {
  return h('a', {
    href: `/api/v1/interviews/${interview.id}/ics`, download: `interview-${interview.id}.ics`, class: className, id: 'interview-ics-link',
  }, icon('download', 'icon icon-sm'), 'Download .ics');
}

/** `location_or_url` as a link when it is a web address. */
export function place(text) {
  if (!text) return null;
  return /^https?:\/\//i.test(text)
    ? h('a', { href: text, target: '_blank', rel: 'noopener noreferrer', class: 'ext-link break' }, text, icon('external', 'icon icon-sm'))
    : text;
}

// ---- Picking a candidate --------------------------------------------------------------------

/**
 * A search-as-you-type candidate picker. The choice lives in a hidden `candidate_id` input so
 * `formValues` sees it; `onPick(candidate)` runs when one is chosen.
 */
function candidatePicker({ prefix, onPick }) {
  const hidden = h('input', { type: 'hidden', name: 'candidate_id', value: '' });
  const input = h('input', {
    type: 'search', class: 'input', id: `${prefix}-candidate-search`, autocomplete: 'off', maxlength: 200,
    placeholder: 'Type a name, email or skill…', 'aria-controls': `${prefix}-candidate-results`,
  });
  const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite', id: `${prefix}-candidate-status` });
  const results = h('ul', { class: 'choice-list', id: `${prefix}-candidate-results`, 'aria-label': 'Matching candidates' });
  const chosen = h('div', { class: 'chosen', hidden: true, id: `${prefix}-candidate-chosen` });
  const searchBox = h('div', { class: 'stack-tight stack-full' }, input, status, results);

  const choose = (person) => {
    hidden.value = person ? String(person.id) : '';
    searchBox.hidden = Boolean(person);
    chosen.hidden = !person;
    if (person) {
      rememberCandidate(person);
      const change = h('button', { type: 'button', class: 'btn btn-link btn-sm' }, 'Change');
      change.addEventListener('click', () => {
        choose(null);
        input.focus();
      });
      mount(chosen,
        h('span', { class: 'avatar avatar-sm', 'aria-hidden': 'true' }, person.full_name.slice(0, 1).toUpperCase()),
        h('span', { class: 'chosen-text' }, h('strong', {}, person.full_name), roleLine(person) && h('span', { class: 'muted small' }, roleLine(person))),
        change);
      change.focus();
    }
    onPick(person);
  };

  const search = candidateLookup({
    input, results, status, limit: 6, browse: 'Newest candidates — or type to search.',
    row: (person) => {
      const button = h('button', {
        type: 'button', class: 'choice', dataset: { candidateId: String(person.id) }, 'aria-label': `Choose ${person.full_name}`,
      }, h('span', { class: 'choice-name' }, person.full_name),
      h('span', { class: 'muted small' }, [roleLine(person), person.email].filter(Boolean).join(' · ') || '—'));
      button.addEventListener('click', () => choose(person));
      return h('li', {}, button);
    },
  });
  search.now('');

  return {
    node: h('div', { class: 'field', dataset: { field: 'candidate_id' } },
      h('label', { class: 'label', for: input.id }, 'Candidate', h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')),
      searchBox, chosen, hidden,
      h('p', { class: 'field-error', hidden: true, id: `${prefix}-candidate-error` })),
  };
}

// ---- Jobs to choose from --------------------------------------------------------------------

/**
 * `<option>`s for a job select: the candidate's pipelines first (any status), then the other
 * open jobs. Without a candidate, every open job.
 */
export async function jobOptions(candidateId) {
  const [open, apps] = await Promise.all([
    listAll('/jobs', { status_filter: 'open' }),
    candidateId ? listAll('/applications', { candidate_id: candidateId }) : Promise.resolve([]),
  ]);
  const openIds = new Set(open.map((j) => j.id));
  const theirs = [];
  for (const app of apps) {
    const job = open.find((j) => j.id === app.job_id) || await jobById(app.job_id).catch(() => null);
    if (job) theirs.push({ job, stage: app.status });
  }
  const theirIds = new Set(theirs.map((t) => t.job.id));
  const label = (job) => [job.title, job.location].filter(Boolean).join(' — ') + (openIds.has(job.id) ? '' : ` (${label('job_status', job.status).toLowerCase()})`);
  const groups = [];
  if (theirs.length > 0) {
    groups.push(h('optgroup', { label: 'In their pipelines' }, theirs.map(({ job }) => h('option', { value: String(job.id) }, label(job)))));
  }
  const others = open.filter((j) => !theirIds.has(j.id));
  if (others.length > 0) {
    groups.push(h('optgroup', { label: theirs.length > 0 ? 'Other open jobs' : 'Open jobs' }, others.map((job) => h('option', { value: String(job.id) }, label(job)))));
  }
  return { groups, count: theirs.length + others.length, theirs: theirs.length, jobs: [...theirs.map((t) => t.job), ...others] };
}

/** Refills a job `<select>` for `candidateId` (or all open jobs), keeping the choice when it remains. */
export async function fillJobSelect(select, candidateId) {
  const keep = select.value;
  select.disabled = true;
  try {
    const { groups, count, theirs } = await jobOptions(candidateId);
    mount(select, h('option', { value: '' }, count === 0 ? 'No open jobs' : 'Choose a job…'), groups);
    // Keep the choice if it is still offered; else the obvious one (their only pipeline, or the only job).
    if (keep && [...select.options].some((o) => o.value === keep)) select.value = keep;
    else if (theirs === 1 || count === 1) select.value = select.options[1]?.value || '';
  } finally {
    select.disabled = false;
  }
}

// ---- Scheduling -----------------------------------------------------------------------------

/**
 * The schedule form. With `candidate` the person is fixed (the candidate page); without it the
 * form searches for one. `onScheduled(interview)` runs after the 201.
 */
export function scheduleForm({ candidate = null, prefix = 'interview', onScheduled, onCancel }) {
  const jobSelect = h('select', { class: 'input select', id: `${prefix}-job`, name: 'job_id' }, h('option', { value: '' }, 'Loading jobs…'));
  const jobField = h('div', { class: 'field', dataset: { field: 'job_id' } },
    h('label', { class: 'label', for: jobSelect.id }, 'Job', h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')),
    jobSelect,
    h('p', { class: 'hint' }, 'Their application moves to Interview (or is created there).'),
    h('p', { class: 'field-error', hidden: true }));
  const picker = candidate ? null : candidatePicker({ prefix, onPick: (person) => fillJobSelect(jobSelect, person?.id).catch(() => {}) });
  fillJobSelect(jobSelect, candidate?.id).catch((error) => mount(jobSelect, h('option', { value: '' }, error.detail || 'Jobs could not be loaded')));

  const me = session.user?.email || '';
  const form = h('form', { class: 'form', id: `${prefix}-form` },
    formAlert(),
    candidate ? h('input', { type: 'hidden', name: 'candidate_id', value: String(candidate.id) }) : picker.node,
    jobField,
    h('div', { class: 'grid-auto' },
      field({
        name: 'scheduled_at', label: 'Date and time', id: `${prefix}-when`, type: 'datetime-local', required: true,
        value: toLocalInput(defaultSlot()), step: 300, hint: `Your time zone: ${zoneName()}.`,
      }),
      field({ name: 'duration_min', label: 'Duration (minutes)', id: `${prefix}-duration`, type: 'number', min: 5, max: 480, step: 5, value: 45, inputmode: 'numeric' }),
      selectField({ name: 'kind', label: 'Kind', id: `${prefix}-kind`, options: options('interview_kind'), value: 'video' })),
    h('div', { class: 'grid-auto grid-auto-wide' },
      field({ name: 'location_or_url', label: 'Location or meeting link', id: `${prefix}-location`, maxlength: 500, placeholder: 'https://meet.example.com/… or Room 4' }),
      field({ name: 'interviewers', label: 'Interviewers', id: `${prefix}-interviewers`, value: me, hint: 'Teammates by email; people without an account by name. Separate with commas.' })),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: `${prefix}-submit` }, 'Schedule interview'),
      onCancel && h('button', { type: 'button', class: 'btn btn-ghost', onClick: onCancel }, 'Cancel')));

  onSubmit(form, {
    busyLabel: 'Scheduling…',
    validate: (values) => checks(values, {
      candidate_id: [(v) => (v ? null : 'choose a candidate')],
      job_id: [(v) => (v ? null : 'choose a job')],
      scheduled_at: [rule.required, (v) => (localInputToRfc3339(v) ? null : 'must be a date and time')],
      duration_min: [rule.required, wholeNumber(5, 480)],
      location_or_url: [rule.maxLength(500)],
    }),
    submit: async (values) => {
      const interviewers = panelFromText(values.interviewers);
      const body = {
        candidate_id: Number(values.candidate_id),
        job_id: Number(values.job_id),
        scheduled_at: localInputToRfc3339(values.scheduled_at),
        duration_min: Number(values.duration_min),
        kind: values.kind,
        interviewers,
      };
      const where = textOrNull(values.location_or_url);
      if (where) body.location_or_url = where;
      const interview = await api('POST', '/interviews', body);
      await onScheduled(interview);
    },
  });
  return form;
}

/**
 * A form for `add_scorecard`. Someone who may score but not run interviews (an interviewer)
 * scores as themselves: their name is filled in and fixed (the server insists on it).
 */
export function scorecardForm(interview, { onSaved }) {
  const interviewer = !can('interviews_write');
  const number = h('input', {
    type: 'number', class: 'input score-number', id: 'scorecard-score', name: 'score', min: 0, max: 100, step: 1, inputmode: 'numeric',
    required: true, 'aria-describedby': 'scorecard-score-hint scorecard-score-error',
  });
  const slider = h('input', {
    type: 'range', class: 'score-slider', id: 'scorecard-score-slider', min: 0, max: 100, step: 1, value: 50,
    'aria-label': 'Score (slider)', 'aria-controls': 'scorecard-score',
  });
  slider.addEventListener('input', () => { number.value = slider.value; });
  number.addEventListener('input', () => {
    const n = Number(number.value);
    if (number.value !== '' && Number.isFinite(n)) slider.value = String(Math.max(0, Math.min(100, n)));
  });
  const scoreField = h('div', { class: 'field', dataset: { field: 'score' } },
    h('label', { class: 'label', for: 'scorecard-score' }, 'Score', h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')),
    h('div', { class: 'score-row' }, slider, number),
    h('p', { class: 'hint', id: 'scorecard-score-hint' }, '0 to 100.'),
    h('p', { class: 'field-error', id: 'scorecard-score-error', hidden: true }));
  const form = h('form', { class: 'form', id: 'scorecard-form' },
    formAlert(),
    h('div', { class: 'grid-2 grid-tight' },
      field({
        name: 'interviewer', label: 'Interviewer', id: 'scorecard-interviewer', value: session.user?.full_name || '', required: true, maxlength: 120,
        readonly: interviewer, hint: interviewer ? 'Your scorecard is recorded under your name.' : 'A second scorecard by the same person replaces the first.',
        list: uid('panel'),
      }),
      selectField({ name: 'recommendation', label: 'Recommendation', id: 'scorecard-recommendation', options: options('recommendation'), value: 'hire' })),
    scoreField,
    field({ name: 'notes', label: 'Notes', id: 'scorecard-notes', type: 'textarea', rows: 4, maxlength: 10000, placeholder: 'Strengths, concerns, evidence…' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'scorecard-submit' }, 'Submit scorecard')));
  const nameInput = form.querySelector('#scorecard-interviewer');
  const listId = nameInput.getAttribute('list');
  form.append(h('datalist', { id: listId }, interview.interviewers.map((p) => h('option', { value: p.name }))));

  onSubmit(form, {
    busyLabel: 'Submitting…',
    validate: (values) => checks(values, {
      interviewer: [rule.required, rule.maxLength(120)],
      score: [rule.required, wholeNumber(0, 100)],
      notes: [rule.maxLength(10000)],
    }),
    submit: async (values) => {
      const card = { interviewer: values.interviewer.trim(), score: Number(values.score), recommendation: values.recommendation };
      const notes = textOrNull(values.notes);
      if (notes) card.notes = notes;
      let saved;
      try {
        saved = await api('PATCH', `/interviews/${interview.id}`, { add_scorecard: card });
      } catch (error) {
        // The server names nested fields `add_scorecard.score`; the form calls them `score`.
        error.errors = error.errors.map((e) => ({ ...e, field: String(e.field).replace(/^add_scorecard\./, '') }));
        throw error;
      }
      form.reset();
      number.value = '';
      slider.value = '50';
      await onSaved(saved);
    },
  });
  return form;
}
