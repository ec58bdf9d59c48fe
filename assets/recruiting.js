// What the jobs, pipeline and candidate pages share: stages and statuses with their labels
// and badges, a cache of candidates and jobs by id, paging through a whole list, search as
// you type that ignores stale answers, and turning form values into create/patch bodies.

import { api, query } from './api.js';
import { badge, h } from './dom.js';
import { onSessionChange, session } from './session.js';

// ---- Pipeline stages and job statuses -------------------------------------------------------

/** The pipeline in order, then the two ways out. */
export const STAGES = [
  ['sourced', 'Sourced'],
  ['applied', 'Applied'],
  ['screening', 'Screening'],
  ['interview', 'Interview'],
  ['offer', 'Offer'],
  ['hired', 'Hired'],
  ['rejected', 'Rejected'],
  ['withdrawn', 'Withdrawn'],
];
const STAGE_LABELS = Object.fromEntries(STAGES);
const STAGE_KINDS = {
  sourced: 'neutral', applied: 'info', screening: 'accent', interview: 'accent', offer: 'warning',
  hired: 'success', rejected: 'danger', withdrawn: 'neutral',
};

export function stageLabel(stage) {
  return STAGE_LABELS[stage] || stage;
}

export function stageBadge(stage) {
  return badge(stageLabel(stage), STAGE_KINDS[stage] || 'neutral');
}

/** A `<select>` of every stage; `onChange(stage)` runs when the user picks another. */
export function stageSelect(current, label, onChange) {
  const select = h('select', { class: 'input select stage-select', 'aria-label': label },
    STAGES.map(([value, text]) => h('option', { value, selected: value === current }, text)));
  select.addEventListener('change', () => onChange(select.value));
  return select;
}

export const JOB_STATUSES = [['open', 'Open'], ['draft', 'Draft'], ['on_hold', 'On hold'], ['closed', 'Closed']];
const JOB_STATUS_LABELS = Object.fromEntries(JOB_STATUSES);
const JOB_STATUS_KINDS = { open: 'success', draft: 'neutral', on_hold: 'warning', closed: 'danger' };

export function jobStatusLabel(status) {
  return JOB_STATUS_LABELS[status] || status;
}

export function jobStatusBadge(status) {
  return badge(jobStatusLabel(status), JOB_STATUS_KINDS[status] || 'neutral');
}

export const LEVELS = [
  ['intern', 'Intern'], ['junior', 'Junior'], ['mid', 'Mid-level'], ['senior', 'Senior'], ['lead', 'Lead'],
  ['principal', 'Principal'], ['director', 'Director'], ['executive', 'Executive'],
];
const LEVEL_LABELS = Object.fromEntries(LEVELS);

export function levelLabel(level) {
  return LEVEL_LABELS[level] || level;
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

const money = new Map();
/** "USD 120,000 – 150,000", "from EUR 60,000", or null when no salary is set. */
export function salaryRange(job) {
  if (job.salary_min == null && job.salary_max == null) return null;
  const key = job.currency || '';
  if (!money.has(key)) {
    money.set(key, job.currency
      ? new Intl.NumberFormat(undefined, { style: 'currency', currency: job.currency, maximumFractionDigits: 0 })
      : new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }));
  }
  const f = money.get(key);
  if (job.salary_min != null && job.salary_max != null) return `${f.format(job.salary_min)} – ${f.format(job.salary_max)}`;
  if (job.salary_min != null) return `from ${f.format(job.salary_min)}`;
  return `up to ${f.format(job.salary_max)}`;
}

// ---- Who may change what (the server decides; the UI hides what would be refused) ----------

const HIRING = new Set(['org_admin', 'recruiter', 'hiring_manager']);

/** Jobs, candidates and pipelines: org admins, recruiters and hiring managers. */
export function canHire() {
  return HIRING.has(session.user?.role);
}

export function canDeleteCandidates() {
  return ['org_admin', 'recruiter'].includes(session.user?.role);
}

// ---- People and jobs by id ------------------------------------------------------------------

const candidates = new Map();
const jobs = new Map();
let cachedFor = null;

// A different person signing in must never see the previous one's records.
onSessionChange(({ user }) => {
  const who = user ? user.id : null;
  if (who !== cachedFor) {
    candidates.clear();
    jobs.clear();
    cachedFor = who;
  }
});

// Names change rarely; a short life keeps other people's edits from lingering.
const FRESH_MS = 120_000;

function cached(map, path, id) {
  const key = String(id);
  const hit = map.get(key);
  if (hit && Date.now() - hit.at < FRESH_MS) return hit.pending;
  const pending = api('GET', `${path}/${encodeURIComponent(key)}`);
  map.set(key, { pending, at: Date.now() });
  pending.catch(() => {
    if (map.get(key)?.pending === pending) map.delete(key);
  });
  return pending;
}

function remember(map, record) {
  map.set(String(record.id), { pending: Promise.resolve(record), at: Date.now() });
}

/** `GET /candidates/{id}`, asked at most once every two minutes. */
export function candidateById(id) {
  return cached(candidates, '/candidates', id);
}

export function rememberCandidate(candidate) {
  remember(candidates, candidate);
}

export function forgetCandidate(id) {
  candidates.delete(String(id));
}

export function jobById(id) {
  return cached(jobs, '/jobs', id);
}

export function rememberJob(job) {
  remember(jobs, job);
}

export function forgetJob(id) {
  jobs.delete(String(id));
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

/**
 * Search as you type: `search(text)` is called `wait` ms after the last keystroke, and only
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

// ---- Form values → request bodies ----------------------------------------------------------

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
