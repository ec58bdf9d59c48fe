// `#/jobs?status=open&q=rust&page=2`: the organisation's jobs with a status filter, full-text
// search and paging; "New job" opens the form. The same form edits a job on its own page.

import { api, query } from './api.js';
import { badge, confirmDialog, dataTable, emptyState, h, icon, pageHeader, toast } from './dom.js';
import {
  checkboxField, checks, currencyField, datalist, field, rule, selectField,
} from './forms.js';
import { descriptionCard } from './agent.js';
import { attachToJob } from './documents.js';
import { newCard } from './form-card.js';
import { enumBadge, isValue, label, options } from './labels.js';
import { listCard, pageFrom, pagedList, searchBox, statusTabs } from './list-page.js';
import {
  careersUrl, forgetJob, intOrNull, isListed, MAX_SALARY, recordForm, rememberJob, splitList, textOrNull, wholeNumber,
} from './recruiting.js';
import { can } from './session.js';
import { unitOptions, unitSelect } from './structure.js';

const PAGE_SIZE = 20;

// ---- The job form (create and edit) -------------------------------------------------------

function jobBody(values) {
  return {
    title: values.title.trim(),
    department: textOrNull(values.department),
    location: textOrNull(values.location),
    employment_type: textOrNull(values.employment_type),
    remote_option: textOrNull(values.remote_option),
    level: values.level || null,
    status: values.status,
    is_public: values.is_public.length > 0,
    salary_min: intOrNull(values.salary_min),
    salary_max: intOrNull(values.salary_max),
    currency: textOrNull(values.currency)?.toUpperCase() ?? null,
    required_skills: splitList(values.required_skills),
    nice_to_have_skills: splitList(values.nice_to_have_skills),
    skills: splitList(values.skills),
    description: textOrNull(values.description),
    // Left out while the organisation has no subsidiaries (the select is disabled then).
    ...(values.subsidiary_id !== undefined && { subsidiary_id: values.subsidiary_id ? Number(values.subsidiary_id) : null }),
  };
}

function validateJob(values) {
  return checks(values, {
    title: [rule.required, rule.maxLength(200)],
    department: [rule.maxLength(120)],
    location: [rule.maxLength(120)],
    salary_min: [wholeNumber(0, MAX_SALARY)],
    salary_max: [wholeNumber(0, MAX_SALARY), rule.notBelow('salary_min', 'the minimum salary')],
    currency: [rule.currency],
  });
}

/**
 * The job form. Without `job` it creates (POST, empty fields left out), starting from `draft`
 * when given (a job read from a description); with `job` it edits (PATCH with only the
 * changed fields, a cleared field sent as null). `onSaved(job)` follows. `prefix` starts its
 * element ids, so two job forms can share a page.
 */
export function jobForm({ job, draft, onSaved, onCancel, prefix = 'job' }) {
  const j = job || draft || { status: 'open', is_public: false, required_skills: [], nice_to_have_skills: [], skills: [] };
  const list = (values) => (values || []).join(', ');
  return recordForm({
    id: `${prefix}-form`,
    record: job,
    create: '/jobs',
    update: '/jobs',
    submitId: `${prefix}-submit`,
    submitLabel: 'Create job',
    busyLabel: 'Creating…',
    body: jobBody,
    validate: validateJob,
    onCancel,
    onSaved: async (saved) => {
      rememberJob(saved);
      await onSaved(saved);
    },
    fields: [
      field({ name: 'title', label: 'Title', id: `${prefix}-title`, value: j.title || '', required: true, maxlength: 200, placeholder: 'e.g. Senior Backend Engineer' }),
      unitSelect({ kind: 'subsidiaries', name: 'subsidiary_id', label: 'Subsidiary', id: `${prefix}-subsidiary`, value: j.subsidiary_id, none: 'None (the organisation itself)' }),
      h('div', { class: 'grid-3' },
        field({ name: 'department', label: 'Department', id: `${prefix}-department`, value: j.department || '', maxlength: 120 }),
        field({ name: 'location', label: 'Location', id: `${prefix}-location`, value: j.location || '', maxlength: 120, placeholder: 'e.g. Berlin' }),
        selectField({ name: 'level', label: 'Level', id: `${prefix}-level`, value: j.level || '', options: [['', 'Not set'], ...options('level')] })),
      h('div', { class: 'grid-3' },
        field({ name: 'employment_type', label: 'Employment type', id: `${prefix}-employment-type`, value: j.employment_type || '', maxlength: 50, list: `${prefix}-employment-types`, placeholder: 'e.g. full_time', hint: 'Pick one or type your own.' }),
        field({ name: 'remote_option', label: 'Remote', id: `${prefix}-remote-option`, value: j.remote_option || '', maxlength: 50, list: `${prefix}-remote-options`, placeholder: 'e.g. hybrid' }),
        selectField({ name: 'status', label: 'Status', id: `${prefix}-status`, value: j.status, options: options('job_status') })),
      h('div', { class: 'grid-3' },
        field({ name: 'salary_min', label: 'Salary from', id: `${prefix}-salary-min`, type: 'number', min: 0, step: 1, inputmode: 'numeric', value: j.salary_min ?? '' }),
        field({ name: 'salary_max', label: 'Salary to', id: `${prefix}-salary-max`, type: 'number', min: 0, step: 1, inputmode: 'numeric', value: j.salary_max ?? '' }),
        currencyField({ name: 'currency', id: `${prefix}-currency`, value: j.currency })),
      field({ name: 'required_skills', label: 'Required skills', id: `${prefix}-required-skills`, value: list(j.required_skills), hint: 'Separate with commas.', placeholder: 'Rust, PostgreSQL' }),
      h('div', { class: 'grid-2 grid-tight' },
        field({ name: 'nice_to_have_skills', label: 'Nice-to-have skills', id: `${prefix}-nice-skills`, value: list(j.nice_to_have_skills) }),
        field({ name: 'skills', label: 'Other keywords', id: `${prefix}-skills`, value: list(j.skills), hint: 'Help search and matching find the job.' })),
      field({ name: 'description', label: 'Description', id: `${prefix}-description`, type: 'textarea', rows: 6, value: j.description || '', maxlength: 50000 }),
      checkboxField({ name: 'is_public', label: 'Public: list it on the careers page while it is open', id: `${prefix}-is-public`, checked: j.is_public }),
      datalist(`${prefix}-employment-types`, options('employment_type')),
      datalist(`${prefix}-remote-options`, options('remote_option', { only: ['onsite', 'hybrid', 'remote'] })),
    ],
  });
}

// ---- Deleting -------------------------------------------------------------------------------

/** Asks, deletes, says so. Resolves to true when the job is gone. */
export async function deleteJob(job) {
  const pipeline = job.applicants === 1 ? 'Its 1 application is' : `Its ${job.applicants} applications are`;
  const ok = await confirmDialog({
    title: `Delete “${job.title}”?`,
    message: `${job.applicants > 0 ? `${pipeline} deleted with it. ` : ''}This cannot be undone.`,
    confirmLabel: 'Delete job',
    danger: true,
  });
  if (!ok) return false;
  try {
    await api('DELETE', `/jobs/${job.id}`);
  } catch (error) {
    toast(error.detail || String(error), 'danger');
    return false;
  }
  forgetJob(job.id);
  toast(`“${job.title}” was deleted.`);
  return true;
}

/** Where the job can be seen: a link to its careers listing, or why it is not listed. */
export function visibility(job) {
  if (isListed(job)) {
    const url = careersUrl(job);
    return url
      ? h('a', { href: url, target: '_blank', rel: 'noopener', class: 'public-link', title: 'Open its listing on the careers page' },
        badge('Public', 'success'), icon('external', 'icon icon-sm'), h('span', { class: 'visually-hidden' }, '(opens the careers page)'))
      : badge('Public', 'success');
  }
  if (job.is_public) {
    return h('span', { class: 'stack-tight' }, badge('Public'), h('span', { class: 'muted small' }, `not listed while ${label('job_status', job.status).toLowerCase()}`));
  }
  return badge('Private');
}

// ---- The list -------------------------------------------------------------------------------

const COLUMNS = [
  { label: 'Job' }, { label: 'Department' }, { label: 'Status' },
  { label: 'Applicants', className: 'col-num' }, { label: 'Hired', className: 'col-num' },
  { label: 'Careers page' }, { label: 'Actions', className: 'col-actions' },
];

/** "Senior · Full-time · Hybrid": the job's level and terms, said for people. */
export function jobFacts(job) {
  return [label('level', job.level), label('employment_type', job.employment_type), label('remote_option', job.remote_option)]
    .filter(Boolean).join(' · ');
}

function jobRows(items, reload, subsidiaries) {
  const hiring = can('jobs_write');
  return items.map((job) => {
    const facts = jobFacts(job);
    const actions = h('div', { class: 'row-actions' });
    if (hiring) {
      actions.append(h('a', { href: `#/jobs/${job.id}?edit=1`, class: 'btn btn-secondary btn-sm', 'aria-label': `Edit ${job.title}` }, 'Edit'));
      const remove = h('button', { type: 'button', class: 'btn btn-danger-ghost btn-sm', 'aria-label': `Delete ${job.title}` }, 'Delete');
      remove.addEventListener('click', async () => {
        if (await deleteJob(job)) reload();
      });
      actions.append(remove);
    }
    return {
      dataset: { jobId: String(job.id) },
      cells: [
        h('div', { class: 'col-main' },
          h('a', { href: `#/jobs/${job.id}`, class: 'row-title' }, job.title),
          facts && h('p', { class: 'muted small' }, facts)),
        h('div', {},
          job.department ? h('p', {}, job.department) : h('p', { class: 'muted' }, '—'),
          job.location && h('p', { class: 'muted small' }, job.location),
          job.subsidiary_id && h('p', { class: 'muted small', dataset: { subsidiary: String(job.subsidiary_id) } }, subsidiaries.get(String(job.subsidiary_id)) || `Subsidiary ${job.subsidiary_id}`)),
        enumBadge('job_status', job.status),
        String(job.applicants),
        String(job.hired),
        visibility(job),
        hiring && actions,
      ].filter((cell) => cell !== false),
    };
  });
}

export const jobsPage = {
  title: 'Jobs',
  async render(ctx) {
    const hiring = can('jobs_write');
    const status = ctx.query.get('status');
    const subsidiaries = await unitOptions('subsidiaries');
    const subsidiaryNames = new Map(subsidiaries);
    const list = pagedList({
      route: '#/jobs',
      state: {
        status: isValue('job_status', status) ? status : '', q: ctx.query.get('q') || '', subsidiary: ctx.query.get('subsidiary') || '', page: pageFrom(ctx.query),
      },
      toQuery: ({ status: s, q, subsidiary }) => ({ status: s, q: q.trim(), subsidiary }),
      pageSize: PAGE_SIZE,
      wait: 200,
      summaryId: 'job-count',
      load: (state, { skip, limit }) => api('GET', `/jobs${query({
        skip, limit, q: state.q.trim(), status_filter: state.status, subsidiary_id: state.subsidiary,
      })}`),
      summary: (data, filtered) => `${data.total} ${data.total === 1 ? 'job' : 'jobs'}${filtered ? ' match' : ''}.`,
      empty: (filtered) => (filtered
        ? emptyState('No jobs match', 'Try another status or fewer words.')
        : emptyState('No jobs yet', hiring ? 'Create your first job to start building a pipeline.' : 'Jobs your organisation opens appear here.')),
      render: (data) => dataTable({ caption: 'Jobs', rows: jobRows(data.items, list.reload, subsidiaryNames), id: 'jobs-table', columns: hiring ? COLUMNS : COLUMNS.slice(0, -1) }),
    });
    const tabs = statusTabs({
      id: 'job-status-filter', options: [['', 'All'], ...options('job_status')], current: list.state.status, onPick: (s) => list.set({ status: s }),
    });
    const search = searchBox({
      id: 'job-search', value: list.state.q, label: 'Search jobs', placeholder: 'Search title, description, skills…', describedBy: 'job-count',
      onInput: (q) => list.set({ q }, { later: true }), onEnter: list.reload,
    });
    // The subsidiary filter, when the organisation has subsidiaries.
    const bySubsidiary = subsidiaries.length > 0 && h('select', {
      id: 'job-subsidiary-filter', class: 'input select select-sm', 'aria-label': 'Subsidiary',
      onChange: (event) => list.set({ subsidiary: event.target.value }),
    }, [['', 'All subsidiaries'], ...subsidiaries].map(([v, text]) => h('option', { value: v, selected: v === list.state.subsidiary }, text)));
    const created = (job) => {
      toast(`“${job.title}” was created.`);
      ctx.navigate(`#/jobs/${job.id}`);
    };
    const creator = hiring && newCard({
      id: 'job-form-card', title: 'New job', description: 'Only the title is required; everything else can wait.',
      button: 'New job', buttonId: 'new-job-button', open: ctx.query.get('new') === '1',
      form: (close) => jobForm({ onSaved: created, onCancel: close }),
    });

    const fromText = hiring && descriptionCard({
      open: ctx.query.get('describe') === '1',
      review: (draft, close, file) => jobForm({
        draft,
        prefix: 'draft-job',
        onCancel: close,
        onSaved: async (job) => {
          // The req the job was read from is kept as its document.
          if (file) {
            await attachToJob(file, job.id).catch((error) => toast(`The job was created, but its req was not kept: ${error.detail || error}`, 'danger'));
          }
          created(job);
        },
      }),
    });

    await list.reload();

    return h('div', { class: 'page' },
      pageHeader('Jobs', 'Your open requisitions and their pipelines.', fromText && fromText.button, creator && creator.button),
      fromText && fromText.card,
      creator && creator.card,
      listCard({ label: 'Jobs', toolbar: [tabs, bySubsidiary, search.node], list }));
  },
};
