// What the jobs, pipeline and candidate pages share: the stage select and the confirmation of
// a jump through the pipeline, a cache of candidates and jobs by id, paging through a whole
// list, and turning form values into create/patch bodies.

import { api, query } from './api.js';
import { confirmDialog, h, toast } from './dom.js';
import { formAlert, onSubmit } from './forms.js';
import { label, moneyRange, options, values } from './labels.js';
import { liveSearch } from './list-page.js';
import { can, onSessionChange, session } from './session.js';

// ---- The pipeline ---------------------------------------------------------------------------

/** A `<select>` of every stage; `onChange(stage)` runs when the user picks another. */
export function stageSelect(current, labelText, onChange) {
  const select = h('select', { class: 'input select stage-select', 'aria-label': labelText },
    options('stage').map(([value, text]) => h('option', { value, selected: value === current }, text)));
  select.addEventListener('change', () => onChange(select.value));
  return select;
}

/**
 * The stages a candidate can enter a pipeline at (not the ways out). Who may not move
 * applications along (an agency) submits as sourced or applied, as the server requires.
 */
export function entryStages() {
  const later = can('applications_write') ? ['screening', 'interview', 'offer', 'hired'] : [];
  return options('stage', { only: ['sourced', 'applied', ...later] });
}

// Steps forward through the pipeline. Sourced and Applied are two ways in, not two steps.
const STEP = { sourced: 0, applied: 0, screening: 1, interview: 2, offer: 3, hired: 4 };

/** The stages a forward move from `from` to `to` would skip (none for a step back or out). */
export function skippedStages(from, to) {
  if (!(from in STEP) || !(to in STEP) || STEP[to] - STEP[from] < 2) return [];
  return values('stage').filter((stage) => stage !== 'applied' && STEP[stage] > STEP[from] && STEP[stage] < STEP[to]);
}

/**
 * Asks before a move that skips stages (Sourced → Hired in one click); other moves go ahead.
 * Resolves to true when the move should be made.
 */
export async function confirmStageMove(name, from, to) {
  const skipped = skippedStages(from, to);
  if (skipped.length === 0) return true;
  const list = skipped.map((stage) => label('stage', stage));
  const skips = list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
  return confirmDialog({
    title: `Move ${name} straight to ${label('stage', to)}?`,
    message: `This skips ${skips}. Their history will show the jump from ${label('stage', from)}.`,
    confirmLabel: `Move to ${label('stage', to)}`,
  });
}

/** Listed on the public careers page. */
export function isListed(job) {
  return job.is_public && job.status === 'open';
}

/** The job's place on the organisation's public careers page (null without an organisation). */
export function careersUrl(job) {
  const slug = session.tenant?.slug;
  return slug ? `/careers/${encodeURIComponent(slug)}#job-${job.id}` : null;
}

/** "€120,000 – €150,000", "from €60,000", or null when no salary is set. */
export function salaryRange(job) {
  return moneyRange(job.salary_min, job.salary_max, job.currency);
}

// ---- Records by id --------------------------------------------------------------------------

// Names change rarely; a short life keeps other people's edits from lingering.
const FRESH_MS = 120_000;
const caches = [];
let cachedFor = null;

// A different person signing in must never see the previous one's records.
onSessionChange(({ user }) => {
  const who = user ? user.id : null;
  if (who !== cachedFor) {
    for (const map of caches) map.clear();
    cachedFor = who;
  }
});

/**
 * Records of `path` (`'/candidates'`) by id, each asked at most once every two minutes:
 * `{get(id), remember(record), forget(id)}`. Emptied when someone else signs in.
 */
export function recordCache(path) {
  const map = new Map();
  caches.push(map);
  return {
    get(id) {
      const key = String(id);
      const hit = map.get(key);
      if (hit && Date.now() - hit.at < FRESH_MS) return hit.pending;
      const pending = api('GET', `${path}/${encodeURIComponent(key)}`);
      map.set(key, { pending, at: Date.now() });
      pending.catch(() => {
        if (map.get(key)?.pending === pending) map.delete(key);
      });
      return pending;
    },
    remember(record) {
      map.set(String(record.id), { pending: Promise.resolve(record), at: Date.now() });
    },
    forget(id) {
      map.delete(String(id));
    },
  };
}

const candidates = recordCache('/candidates');
const jobs = recordCache('/jobs');

/** `GET /candidates/{id}`, asked at most once every two minutes. */
export function candidateById(id) {
  return candidates.get(id);
}

export function rememberCandidate(candidate) {
  candidates.remember(candidate);
}

export function forgetCandidate(id) {
  candidates.forget(id);
}

export function jobById(id) {
  return jobs.get(id);
}

export function rememberJob(job) {
  jobs.remember(job);
}

export function forgetJob(id) {
  jobs.forget(id);
}

/** The candidates and jobs some records name, fetched at most six at a time: `{people, jobs}` by id. */
export async function namesFor(records) {
  const people = new Map();
  const jobs = new Map();
  await Promise.all([
    mapLimit([...new Set(records.map((r) => r.candidate_id))], 6, async (id) => people.set(id, await candidateById(id).catch(() => null))),
    mapLimit([...new Set(records.map((r) => r.job_id))], 6, async (id) => jobs.set(id, await jobById(id).catch(() => null))),
  ]);
  return { people, jobs };
}

/**
 * Candidates found as you type into `input` (Enter searches at once): `row(person)` draws each
 * into `results` (after `onShow()`), `status` says how many matched. Returns the search, so
 * `now(text)` can run it.
 */
export function candidateLookup({
  input, results, status, limit, row, onShow, none = 'No candidates yet.', browse = 'Newest candidates:',
}) {
  const search = liveSearch({
    search: (text) => api('GET', `/candidates${query({ q: text.trim(), limit })}`),
    show: (data, text) => {
      onShow?.();
      results.replaceChildren(...data.items.map(row));
      const t = text.trim();
      const best = data.total > data.items.length ? `, showing the best ${data.items.length}` : '';
      status.textContent = data.items.length === 0
        ? (t ? `No candidates match “${t}”.` : none)
        : (t ? `${data.total} ${data.total === 1 ? 'match' : 'matches'}${best}.` : browse);
    },
    fail: (error) => {
      results.replaceChildren();
      status.textContent = error.detail || String(error);
    },
  });
  input.addEventListener('input', () => search.schedule(input.value));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      search.now(input.value);
    }
  });
  return search;
}

/** "Staff engineer at Initech", or the headline, or null. */
export function roleLine(candidate) {
  const { current_title: title, current_company: company } = candidate;
  if (title && company) return `${title} at ${company}`;
  return title || (company ? `At ${company}` : null) || candidate.headline || null;
}

// ---- Lists ----------------------------------------------------------------------------------

export const MAX_LIMIT = 100;

/** Every item of a list, a page of 100 at a time. */
export async function listAll(path, params = {}) {
  const items = [];
  for (;;) {
    const page = await api('GET', `${path}${query({ ...params, skip: items.length, limit: MAX_LIMIT })}`);
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep their order. */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// ---- Form values → request bodies ----------------------------------------------------------

/** The largest salary or rate the server takes. */
export const MAX_SALARY = 100_000_000_000;

/** A yes / no / not said `<select>`'s value as a body value: true, false or null. */
export function boolOrNull(value) {
  return value === '' || value == null ? null : value === 'true';
}

/** The options of a yes / no / not said `<select>`, and its value for a stored one. */
export const YES_NO = [['', 'Not said'], ['true', 'Yes'], ['false', 'No']];
export function yesNoValue(value) {
  return value == null ? '' : String(Boolean(value));
}

export function textOrNull(value) {
  const text = String(value ?? '').trim();
  return text ? text : null;
}

export function intOrNull(value) {
  const text = String(value ?? '').trim();
  return text === '' ? null : Number(text);
}

/** "Rust, Go ,  SQL" → ["Rust", "Go", "SQL"]. */
export function splitList(value) {
  return String(value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** Panel text ("ada@acme.com, Dana Scully") → panelists: an email names a teammate (or an
 * outside person with that address), anything else an outside person by name. */
export function panelFromText(value) {
  return splitList(value).map((p) => (p.includes('@') ? { email: p } : { name: p }));
}

/** Panelists as form text: a teammate or anyone with an address by email, others by name. */
export function panelText(panel) {
  return (panel || []).map((p) => p.email || p.name).join(', ');
}

/** Panelists as people read them. */
export function panelNames(panel) {
  return (panel || []).map((p) => p.name).join(', ');
}

/** A create body: what the form left empty is simply not sent. */
export function withoutEmpty(body) {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)));
}

/** A patch body: only what differs from `record`; a cleared field is sent as `null`. */
export function changedFields(record, body) {
  const patch = {};
  for (const [key, value] of Object.entries(body)) {
    const before = record[key] ?? null;
    if (JSON.stringify(before) !== JSON.stringify(value)) patch[key] = value;
  }
  return patch;
}

/**
 * A create-or-edit form for a record. `fields` are its inputs and `body(values)` the request
 * body they make. Without `record` it creates (POST `create`, empty fields left out, then the
 * form is reset); with one it edits (PATCH `${update}/${id}` with only the changed fields, a
 * cleared one sent as null; nothing changed says so and cancels). `onSaved(saved)` follows;
 * `failed(error)` may adjust an `ApiError` before it is shown (a 409 put on its field).
 */
export function recordForm({
  id, record, fields, body, validate, create, update, submitId, submitLabel, busyLabel, onSaved, onCancel, failed,
}) {
  const form = h('form', { class: 'form', id },
    formAlert(),
    fields,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: submitId }, record ? 'Save changes' : submitLabel),
      onCancel && h('button', { type: 'button', class: 'btn btn-ghost', onClick: onCancel }, 'Cancel')));
  onSubmit(form, {
    busyLabel: record ? 'Saving…' : busyLabel,
    validate,
    submit: async (values) => {
      const data = body(values);
      let saved;
      try {
        if (record) {
          const patch = changedFields(record, data);
          if (Object.keys(patch).length === 0) {
            toast('Nothing changed.', 'info');
            onCancel?.();
            return;
          }
          saved = await api('PATCH', `${update}/${record.id}`, patch);
        } else {
          saved = await api('POST', create, withoutEmpty(data));
        }
      } catch (error) {
        failed?.(error);
        throw error;
      }
      if (!record) form.reset();
      await onSaved(saved);
    },
  });
  return form;
}

/** Checks for whole numbers in a range, worded like the server's. */
export function wholeNumber(min, max) {
  return (value) => {
    const text = String(value ?? '').trim();
    if (text === '') return null;
    const n = Number(text);
    if (!Number.isInteger(n)) return 'must be a whole number';
    if (n < min || n > max) return `must be between ${min} and ${max}`;
    return null;
  };
}

/** A field's client-side check for an optional http(s) address. */
export function httpUrl(value) {
  const text = String(value ?? '').trim();
  if (!text) return null;
  try {
    const url = new URL(text);
    return ['http:', 'https:'].includes(url.protocol) && url.host ? null : 'must be an http:// or https:// URL';
  } catch {
    return 'must be an http:// or https:// URL';
  }
}

/** Chips for a list of labels; `max` shows the first few and "+N more". */
export function chips(labels, { max = Infinity, className = 'chip' } = {}) {
  if (!labels || labels.length === 0) return h('span', { class: 'muted' }, '—');
  const shown = labels.slice(0, max);
  return h('div', { class: 'chips', title: labels.length > shown.length ? labels.join(', ') : null },
    shown.map((label) => h('span', { class: className }, label)),
    labels.length > shown.length && h('span', { class: 'chip chip-more' }, `+${labels.length - shown.length} more`));
}
