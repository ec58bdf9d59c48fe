// `#/candidates?q=…&skills=…&location=…&min=…&max=…&page=N`: the talent pool. The search
// updates as you type (ranked, typo-tolerant full text); filters narrow it. "New candidate"
// opens the form, which also edits a candidate on their own page.

import { api, query } from './api.js';
import { dataTable, emptyState, h, icon, pageHeader, time, toast } from './dom.js';
import {
  checks, currencyField, datalist, field, rule, selectField,
} from './forms.js';
import { newCard } from './form-card.js';
import { resumeForm } from './documents.js';
import { options } from './labels.js';
import { filterField, listCard, pageFrom, pagedList, searchBox, wireFilters } from './list-page.js';
import {
  boolOrNull, chips, httpUrl, intOrNull, MAX_SALARY, recordForm, rememberCandidate, roleLine, splitList, textOrNull, wholeNumber,
  YES_NO, yesNoValue,
} from './recruiting.js';
import { can } from './session.js';

const PAGE_SIZE = 25;

// ---- The candidate form (create and edit) -------------------------------------------------

function candidateBody(values) {
  return {
    full_name: values.full_name.trim(),
    email: textOrNull(values.email),
    phone: textOrNull(values.phone),
    headline: textOrNull(values.headline),
    current_title: textOrNull(values.current_title),
    current_company: textOrNull(values.current_company),
    location: textOrNull(values.location),
    experience_years: intOrNull(values.experience_years),
    skills: splitList(values.skills),
    tags: splitList(values.tags),
    source: textOrNull(values.source),
    linkedin_url: textOrNull(values.linkedin_url),
    github_url: textOrNull(values.github_url),
    website_url: textOrNull(values.website_url),
    notes: textOrNull(values.notes),
    availability: values.availability || null,
    notice_period_days: intOrNull(values.notice_period_days),
    remote_preference: values.remote_preference || null,
    willing_to_relocate: boolOrNull(values.willing_to_relocate),
    expected_salary_min: intOrNull(values.expected_salary_min),
    expected_salary_max: intOrNull(values.expected_salary_max),
    expected_salary_currency: textOrNull(values.expected_salary_currency)?.toUpperCase() ?? null,
  };
}

function validateCandidate(values) {
  return checks(values, {
    full_name: [rule.required, rule.maxLength(200)],
    email: [(v) => (String(v).trim() ? rule.email(v) : null)],
    headline: [rule.maxLength(200)],
    current_title: [rule.maxLength(120)],
    current_company: [rule.maxLength(120)],
    location: [rule.maxLength(120)],
    experience_years: [wholeNumber(0, 70)],
    linkedin_url: [httpUrl],
    github_url: [httpUrl],
    website_url: [httpUrl],
    notice_period_days: [wholeNumber(0, 365)],
    expected_salary_min: [wholeNumber(0, MAX_SALARY)],
    expected_salary_max: [wholeNumber(0, MAX_SALARY), rule.notBelow('expected_salary_min', 'the lower end')],
    expected_salary_currency: [rule.currency],
  });
}

/**
 * Without `candidate` it creates (POST); with one it edits (PATCH with the changed fields only,
 * a cleared field sent as null). A duplicate email (409) is shown beside the email field.
 */
export function candidateForm({ candidate, onSaved, onCancel }) {
  const c = candidate || {};
  const list = (values) => (values || []).join(', ');
  return recordForm({
    id: 'candidate-form',
    record: candidate,
    create: '/candidates',
    update: '/candidates',
    submitId: 'candidate-submit',
    submitLabel: 'Add candidate',
    busyLabel: 'Adding…',
    body: candidateBody,
    validate: validateCandidate,
    onCancel,
    onSaved: async (saved) => {
      rememberCandidate(saved);
      await onSaved(saved);
    },
    failed: (error) => {
      if (error.status === 409 && error.errors.length === 0) {
        error.errors = [{ field: 'email', message: 'is already used by another candidate' }];
      }
    },
    fields: [
      h('div', { class: 'grid-2 grid-tight' },
        field({ name: 'full_name', label: 'Full name', id: 'candidate-full-name', value: c.full_name || '', required: true, maxlength: 200, autocomplete: 'off' }),
        field({ name: 'email', label: 'Email', id: 'candidate-email', type: 'email', value: c.email || '', autocomplete: 'off', hint: 'One candidate per email in your organisation.' })),
      h('div', { class: 'grid-3' },
        field({ name: 'current_title', label: 'Current title', id: 'candidate-title', value: c.current_title || '', maxlength: 120 }),
        field({ name: 'current_company', label: 'Current company', id: 'candidate-company', value: c.current_company || '', maxlength: 120 }),
        field({ name: 'experience_years', label: 'Years of experience', id: 'candidate-experience', type: 'number', min: 0, max: 70, step: 1, inputmode: 'numeric', value: c.experience_years ?? '' })),
      h('div', { class: 'grid-3' },
        field({ name: 'headline', label: 'Headline', id: 'candidate-headline', value: c.headline || '', maxlength: 200, placeholder: 'e.g. Backend engineer, payments' }),
        field({ name: 'location', label: 'Location', id: 'candidate-location', value: c.location || '', maxlength: 120 }),
        field({ name: 'phone', label: 'Phone', id: 'candidate-phone', type: 'tel', value: c.phone || '', maxlength: 40 })),
      h('div', { class: 'grid-3' },
        field({ name: 'skills', label: 'Skills', id: 'candidate-skills', value: list(c.skills), hint: 'Separate with commas.', placeholder: 'Rust, SQL' }),
        field({ name: 'tags', label: 'Tags', id: 'candidate-tags', value: list(c.tags), hint: 'Separate with commas.' }),
        field({ name: 'source', label: 'Source', id: 'candidate-source', value: c.source || '', maxlength: 50, list: 'candidate-sources', placeholder: 'manual', hint: 'Where they came from.' })),
      h('div', { class: 'grid-3' },
        field({ name: 'linkedin_url', label: 'LinkedIn', id: 'candidate-linkedin', type: 'url', value: c.linkedin_url || '', placeholder: 'https://' }),
        field({ name: 'github_url', label: 'GitHub', id: 'candidate-github', type: 'url', value: c.github_url || '', placeholder: 'https://' }),
        field({ name: 'website_url', label: 'Website', id: 'candidate-website', type: 'url', value: c.website_url || '', placeholder: 'https://' })),
      h('fieldset', { class: 'fieldset form-group' },
        h('legend', { class: 'subheading' }, 'For matching'),
        h('div', { class: 'grid-3' },
          selectField({ name: 'availability', label: 'Availability', id: 'candidate-availability', value: c.availability || '', options: [['', 'Not said'], ...options('availability')] }),
          field({ name: 'notice_period_days', label: 'Notice period (days)', id: 'candidate-notice', type: 'number', min: 0, max: 365, step: 1, inputmode: 'numeric', value: c.notice_period_days ?? '' }),
          selectField({ name: 'remote_preference', label: 'Prefers to work', id: 'candidate-remote', value: c.remote_preference || '', options: [['', 'Not said'], ...options('work_mode')] })),
        h('div', { class: 'grid-3' },
          field({ name: 'expected_salary_min', label: 'Expected salary from', id: 'candidate-salary-min', type: 'number', min: 0, step: 1, inputmode: 'numeric', value: c.expected_salary_min ?? '', hint: 'Per year.' }),
          field({ name: 'expected_salary_max', label: 'Expected salary to', id: 'candidate-salary-max', type: 'number', min: 0, step: 1, inputmode: 'numeric', value: c.expected_salary_max ?? '' }),
          currencyField({ name: 'expected_salary_currency', id: 'candidate-salary-currency', value: c.expected_salary_currency })),
        h('div', { class: 'grid-3' },
          selectField({ name: 'willing_to_relocate', label: 'Would relocate', id: 'candidate-relocate', value: yesNoValue(c.willing_to_relocate), options: YES_NO }))),
      field({ name: 'notes', label: 'Notes', id: 'candidate-notes', type: 'textarea', rows: 4, value: c.notes || '', maxlength: 20000 }),
      datalist('candidate-sources', options('source')),
    ],
  });
}

// ---- The list ---------------------------------------------------------------------------------

const COLUMNS = [
  { label: 'Candidate' }, { label: 'Current role' }, { label: 'Location' },
  { label: 'Experience', className: 'col-num' }, { label: 'Skills' }, { label: 'Added' },
];

function candidateRows(items) {
  return items.map((c) => ({
    dataset: { candidateId: String(c.id) },
    cells: [
      h('div', {},
        h('a', { href: `#/candidates/${c.id}`, class: 'row-title' }, c.full_name),
        (c.headline || c.email) && h('p', { class: 'muted small' }, c.headline || c.email)),
      c.current_title || c.current_company ? roleLine(c) : h('span', { class: 'muted' }, '—'),
      c.location || h('span', { class: 'muted' }, '—'),
      c.experience_years != null ? `${c.experience_years} ${c.experience_years === 1 ? 'yr' : 'yrs'}` : h('span', { class: 'muted' }, '—'),
      chips(c.skills, { max: 4 }),
      time(c.created_at, { withTime: false }),
    ],
  }));
}

export const candidatesPage = {
  title: 'Candidates',
  async render(ctx) {
    const q = (name) => ctx.query.get(name) || '';
    const hiring = can('candidates_write');
    const list = pagedList({
      route: '#/candidates',
      state: { q: q('q'), mode: q('mode'), skills: q('skills'), location: q('location'), min: q('min'), max: q('max'), page: pageFrom(ctx.query) },
      toQuery: (s) => ({ q: s.q.trim(), mode: s.mode, skills: s.skills.trim(), location: s.location.trim(), min: s.min, max: s.max }),
      pageSize: PAGE_SIZE,
      summaryId: 'candidate-count',
      load: async (s, { skip, limit }) => {
        const min = s.min === '' ? null : Number(s.min);
        const max = s.max === '' ? null : Number(s.max);
        if (min != null && max != null && min > max) return { invalid: 'The minimum experience is more than the maximum.' };
        return api('GET', `/candidates${query({
          skip, limit, q: s.q.trim(), mode: s.q.trim() ? s.mode : '', skills: s.skills.trim(), location: s.location.trim(), min_experience: min, max_experience: max,
        })}`);
      },
      summary: (data, filtered) => (filtered
        ? `${data.total} ${data.total === 1 ? 'candidate matches' : 'candidates match'}${list.state.q.trim() ? ', best first' : ''}.`
        : `${data.total} ${data.total === 1 ? 'candidate' : 'candidates'}, newest first.`),
      empty: (filtered) => (filtered
        ? emptyState('No candidates match', 'Check the spelling, or loosen a filter.')
        : emptyState('No candidates yet', hiring ? 'Add one by hand, or import a spreadsheet.' : null)),
      render: (data) => dataTable({ caption: 'Candidates', columns: COLUMNS, rows: candidateRows(data.items), id: 'candidates-table' }),
    });

    const search = searchBox({
      id: 'candidate-search', value: list.state.q, wide: true, label: 'Search candidates', describedBy: 'candidate-count',
      placeholder: 'Search name, title, company, skills, notes…',
    });
    const skills = filterField({ id: 'filter-skills', label: 'Skills', value: list.state.skills, placeholder: 'rust, sql', maxlength: 500, title: 'Every skill must be present' });
    const location = filterField({ id: 'filter-location', label: 'Location', value: list.state.location, placeholder: 'Any', maxlength: 120 });
    const years = { type: 'number', min: 0, max: 70, step: 1, inputmode: 'numeric' };
    const min = filterField({ id: 'filter-min-experience', label: 'Min. years', value: list.state.min, ...years });
    const max = filterField({ id: 'filter-max-experience', label: 'Max. years', value: list.state.max, ...years });
    // "By meaning": `q` also ranks by similarity of meaning (paraphrases, related terms).
    const meaning = h('input', { type: 'checkbox', id: 'search-by-meaning', class: 'checkbox', checked: list.state.mode === 'semantic' });
    const meaningToggle = h('label', { class: 'toggle-inline small', for: 'search-by-meaning', title: 'Also find candidates whose profile says the same in other words' }, meaning, ' By meaning');
    const inputs = [search.input, skills.input, location.input, min.input, max.input];
    const read = () => ({
      q: search.input.value, mode: meaning.checked ? 'semantic' : '', skills: skills.input.value, location: location.input.value, min: min.input.value.trim(), max: max.input.value.trim(),
    });
    const clear = wireFilters(list, inputs, read);
    meaning.addEventListener('change', () => list.set(read()));

    const creator = hiring && newCard({
      id: 'candidate-form-card', title: 'New candidate', description: 'Only the name is required.',
      button: 'New candidate', buttonId: 'new-candidate-button', open: ctx.query.get('new') === '1',
      form: (close) => candidateForm({
        onSaved: (candidate) => {
          toast(`${candidate.full_name} was added.`);
          ctx.navigate(`#/candidates/${candidate.id}`);
        },
        onCancel: close,
      }),
    });

    const fromResume = hiring && newCard({
      id: 'resume-card', title: 'New candidate from a resume', description: 'Read a resume, check what was found, then create the candidate.',
      button: 'From a resume', buttonId: 'from-resume-button', open: ctx.query.get('resume') === '1',
      form: (close) => resumeForm({
        onCreated: (candidate, made) => {
          rememberCandidate(candidate);
          toast(made.created ? `${candidate.full_name} was added from the resume.` : `${candidate.full_name} was updated from the resume.`);
          ctx.navigate(`#/candidates/${candidate.id}`);
        },
        onCancel: close,
      }),
    });

    await list.reload();

    return h('div', { class: 'page' },
      pageHeader('Candidates', 'Everyone in your talent pool.',
        can('candidates_import') && h('a', { href: '#/candidates/import', class: 'btn btn-secondary', id: 'import-candidates-link' }, icon('upload'), 'Import CSV'),
        fromResume && fromResume.button,
        creator && creator.button),
      fromResume && fromResume.card,
      creator && creator.card,
      listCard({
        label: 'Candidates',
        stack: true,
        toolbar: [h('div', { class: 'toolbar-search-row' }, search.node, meaningToggle), h('div', { class: 'filters', role: 'group', 'aria-label': 'Filters' }, skills.node, location.node, min.node, max.node, clear)],
        list,
      }));
  },
};
