// `#/candidates?q=…&skills=…&location=…&min=…&max=…&page=N`: the talent pool. The search
// updates as you type (ranked, typo-tolerant full text); filters narrow it. "New candidate"
// opens the form, which also edits a candidate on their own page.

import { api, query } from './api.js';
import { card, dataTable, emptyState, h, icon, mount, pageHeader, pager, problemNotice, time, toast } from './dom.js';
import { checks, datalist, field, formAlert, onSubmit, rule } from './forms.js';
import {
  canHire, changedFields, chips, httpUrl, intOrNull, liveSearch, rememberCandidate, replaceHash, roleLine, splitList,
  textOrNull, wholeNumber, withoutEmpty,
} from './recruiting.js';

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
  });
}

/**
 * Without `candidate` it creates (POST); with one it edits (PATCH with the changed fields only,
 * a cleared field sent as null). A duplicate email (409) is shown beside the email field.
 */
export function candidateForm({ candidate, onSaved, onCancel }) {
  const c = candidate || {};
  const list = (values) => (values || []).join(', ');
  const form = h('form', { class: 'form', id: 'candidate-form' },
    formAlert(),
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
    field({ name: 'notes', label: 'Notes', id: 'candidate-notes', type: 'textarea', rows: 4, value: c.notes || '', maxlength: 20000 }),
    datalist('candidate-sources', ['manual', 'referral', 'linkedin', 'careers', 'agency', 'event', 'import']),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'candidate-submit' }, candidate ? 'Save changes' : 'Add candidate'),
      onCancel && h('button', { type: 'button', class: 'btn btn-ghost', onClick: onCancel }, 'Cancel')));
  onSubmit(form, {
    busyLabel: candidate ? 'Saving…' : 'Adding…',
    validate: validateCandidate,
    submit: async (values) => {
      const body = candidateBody(values);
      let saved;
      try {
        if (candidate) {
          const patch = changedFields(candidate, body);
          if (Object.keys(patch).length === 0) {
            toast('Nothing changed.', 'info');
            onCancel?.();
            return;
          }
          saved = await api('PATCH', `/candidates/${candidate.id}`, patch);
        } else {
          saved = await api('POST', '/candidates', withoutEmpty(body));
        }
      } catch (error) {
        if (error.status === 409 && error.errors.length === 0) {
          error.errors = [{ field: 'email', message: 'is already used by another candidate' }];
        }
        throw error;
      }
      if (!candidate) form.reset();
      rememberCandidate(saved);
      await onSaved(saved);
    },
  });
  return form;
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

function filterInput(name, label, value, attrs = {}) {
  const id = `filter-${name}`;
  const input = h('input', { id, name, class: 'input input-sm', value, autocomplete: 'off', ...attrs });
  return { input, node: h('div', { class: 'filter' }, h('label', { for: id, class: 'filter-label' }, label), input) };
}

export const candidatesPage = {
  title: 'Candidates',
  nav: 'candidates',
  async render(ctx) {
    const q = (name) => ctx.query.get(name) || '';
    const state = {
      q: q('q'), skills: q('skills'), location: q('location'), min: q('min'), max: q('max'),
      page: Math.max(1, Number.parseInt(q('page') || '1', 10) || 1),
    };
    const hiring = canHire();
    const listSlot = h('div', {});
    const summary = h('p', { class: 'list-summary', id: 'candidate-count', role: 'status', 'aria-live': 'polite' });
    const hashFor = (page) => `#/candidates${query({
      q: state.q.trim(), skills: state.skills.trim(), location: state.location.trim(), min: state.min, max: state.max, page: page > 1 ? page : null,
    })}`;
    const filtered = () => Boolean(state.q.trim() || state.skills.trim() || state.location.trim() || state.min || state.max);

    const search = liveSearch({
      wait: 150,
      search: () => {
        const min = state.min === '' ? null : Number(state.min);
        const max = state.max === '' ? null : Number(state.max);
        if (min != null && max != null && min > max) {
          return Promise.resolve({ invalid: 'The minimum experience is more than the maximum.' });
        }
        return api('GET', `/candidates${query({
          skip: (state.page - 1) * PAGE_SIZE, limit: PAGE_SIZE,
          q: state.q.trim(), skills: state.skills.trim(), location: state.location.trim(), min_experience: min, max_experience: max,
        })}`);
      },
      show: (data) => {
        replaceHash(hashFor(state.page));
        if (data.invalid) {
          summary.textContent = data.invalid;
          mount(listSlot);
          return;
        }
        if (data.items.length === 0 && data.total > 0 && state.page > 1) {
          state.page = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
          search.now();
          return;
        }
        summary.textContent = filtered()
          ? `${data.total} ${data.total === 1 ? 'candidate matches' : 'candidates match'}${state.q.trim() ? ', best first' : ''}.`
          : `${data.total} ${data.total === 1 ? 'candidate' : 'candidates'}, newest first.`;
        mount(listSlot, data.items.length === 0
          ? (filtered()
            ? emptyState('No candidates match', 'Check the spelling, or loosen a filter.')
            : emptyState('No candidates yet', hiring ? 'Add one by hand, or import a spreadsheet.' : null))
          : dataTable({ caption: 'Candidates', columns: COLUMNS, rows: candidateRows(data.items), id: 'candidates-table' }),
        data.total > PAGE_SIZE && pager({ page: state.page, pageSize: PAGE_SIZE, total: data.total, href: hashFor }));
      },
      fail: (error) => {
        summary.textContent = '';
        mount(listSlot, h('div', { class: 'card-body' }, problemNotice(error)));
      },
    });

    const searchBox = h('input', {
      type: 'search', class: 'input search-input', id: 'candidate-search', value: state.q, maxlength: 200, autocomplete: 'off',
      placeholder: 'Search name, title, company, skills, notes…', 'aria-label': 'Search candidates', 'aria-describedby': 'candidate-count',
    });
    const skills = filterInput('skills', 'Skills', state.skills, { placeholder: 'rust, sql', maxlength: 500, title: 'Every skill must be present' });
    const location = filterInput('location', 'Location', state.location, { placeholder: 'Any', maxlength: 120 });
    const min = filterInput('min-experience', 'Min. years', state.min, { type: 'number', min: 0, max: 70, step: 1, inputmode: 'numeric' });
    const max = filterInput('max-experience', 'Max. years', state.max, { type: 'number', min: 0, max: 70, step: 1, inputmode: 'numeric' });
    const clear = h('button', { type: 'button', class: 'btn btn-link btn-sm', id: 'clear-filters' }, 'Clear');

    const read = () => {
      state.q = searchBox.value;
      state.skills = skills.input.value;
      state.location = location.input.value;
      state.min = min.input.value.trim();
      state.max = max.input.value.trim();
      state.page = 1;
    };
    for (const input of [searchBox, skills.input, location.input, min.input, max.input]) {
      input.addEventListener('input', () => {
        read();
        search.schedule();
      });
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          read();
          search.now();
        }
      });
    }
    clear.addEventListener('click', () => {
      for (const input of [searchBox, skills.input, location.input, min.input, max.input]) input.value = '';
      read();
      search.now();
      searchBox.focus();
    });

    let formCard = null;
    let toggle = null;
    if (hiring) {
      formCard = card('New candidate', 'Only the name is required.',
        candidateForm({
          onSaved: (candidate) => {
            toast(`${candidate.full_name} was added.`);
            ctx.navigate(`#/candidates/${candidate.id}`);
          },
          onCancel: () => setFormOpen(false),
        }));
      formCard.id = 'candidate-form-card';
      formCard.hidden = ctx.query.get('new') !== '1';
      toggle = h('button', { type: 'button', class: 'btn btn-primary', id: 'new-candidate-button', 'aria-controls': 'candidate-form-card', 'aria-expanded': String(!formCard.hidden) },
        icon('plus'), 'New candidate');
      toggle.addEventListener('click', () => setFormOpen(formCard.hidden));
      if (!formCard.hidden) formCard.querySelector('input').dataset.autofocus = '';
    }
    function setFormOpen(open) {
      formCard.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      if (open) formCard.querySelector('input')?.focus();
      else toggle.focus();
    }

    await search.now();

    return h('div', { class: 'page' },
      pageHeader('Candidates', 'Everyone in your talent pool.',
        hiring && h('a', { href: '#/candidates/import', class: 'btn btn-secondary', id: 'import-candidates-link' }, icon('upload'), 'Import CSV'),
        toggle),
      formCard,
      h('section', { class: 'card card-flush', 'aria-label': 'Candidates' },
        h('div', { class: 'toolbar toolbar-stack' },
          h('div', { class: 'toolbar-search toolbar-search-wide' }, icon('search', 'icon search-icon'), searchBox),
          h('div', { class: 'filters', role: 'group', 'aria-label': 'Filters' }, skills.node, location.node, min.node, max.node, clear)),
        h('div', { class: 'list-head' }, summary),
        listSlot));
  },
};
