// Documents: a candidate made from a resume (read it, review what was found, create), and the
// documents of a candidate or a job with their downloads.

import { api, ApiError } from './api.js';
import { card, h, mount, problemNotice, time } from './dom.js';
import { field, formAlert, formValues, showErrors, clearErrors } from './forms.js';
import { splitList } from './recruiting.js';

const REVIEWED = [
  ['full_name', 'Full name'], ['email', 'Email'], ['phone', 'Phone'],
  ['current_title', 'Current title'], ['current_company', 'Current company'], ['location', 'Location'],
  ['experience_years', 'Years of experience'], ['headline', 'Headline'], ['skills', 'Skills'],
  ['linkedin_url', 'LinkedIn'], ['github_url', 'GitHub'], ['website_url', 'Website'],
];

function shown(value) {
  if (Array.isArray(value)) return value.join(', ');
  return value ?? '';
}

/** The reviewed value of `name` as the API takes it. */
function typed(name, text) {
  const t = String(text ?? '').trim();
  if (name === 'skills') return splitList(t);
  if (name === 'experience_years') return t === '' ? null : Number(t);
  return t === '' ? null : t;
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * "From a resume": choose a file, read it (nothing is saved), review the fields found, then
 * create the candidate — the resume is kept with them — and go to their page.
 */
export function resumeForm({ onCreated, onCancel }) {
  const file = h('input', {
    type: 'file', id: 'resume-file', name: 'resume', class: 'input', required: true,
    accept: '.pdf,.docx,.odt,.rtf,.txt,application/pdf',
  });
  const notes = h('textarea', { id: 'resume-notes', name: 'notes', class: 'input', rows: 2, maxlength: 5000 });
  const review = h('div', { id: 'resume-review' });
  const form = h('form', { class: 'form', id: 'resume-form' },
    formAlert(),
    h('div', { class: 'field', dataset: { field: 'resume' } },
      h('label', { class: 'label', for: 'resume-file' }, 'Resume'),
      file,
      h('p', { class: 'hint' }, 'PDF, DOCX, ODT, RTF or plain text. It is read first; you review what was found before anything is saved.'),
      h('p', { class: 'field-error', hidden: true })),
    h('div', { class: 'field', dataset: { field: 'notes' } },
      h('label', { class: 'label', for: 'resume-notes' }, 'Your notes'), notes,
      h('p', { class: 'hint' }, 'Added to the candidate’s notes.')),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-secondary', id: 'resume-read' }, 'Read resume'),
      onCancel && h('button', { type: 'button', class: 'btn btn-ghost', onClick: onCancel }, 'Cancel')),
    review);

  const send = (preview) => {
    const data = new FormData();
    data.append('resume', file.files[0]);
    if (notes.value.trim()) data.append('notes', notes.value.trim());
    return api('POST', `/agent/candidates/from_resume${preview ? '?preview=true' : ''}`, data);
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    mount(review);
    if (!file.files[0]) {
      showErrors(form, { detail: 'Choose a resume file.', errors: [{ field: 'resume', message: 'choose a file' }] });
      return;
    }
    const button = form.querySelector('#resume-read');
    button.disabled = true;
    let read;
    try {
      read = await send(true);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showErrors(form, error);
      return;
    } finally {
      button.disabled = false;
    }
    mount(review, reviewForm(read, { send, onCreated }));
    review.querySelector('input')?.focus();
  });
  return form;
}

function reviewForm(read, { send, onCreated }) {
  const found = read.candidate;
  const form = h('form', { class: 'form', id: 'resume-review-form' },
    h('h3', { class: 'subheading' }, 'Found in the resume'),
    h('p', { class: 'muted small', id: 'resume-summary' }, read.summary),
    formAlert(),
    h('div', { class: 'grid-3' },
      REVIEWED.map(([name, label]) => field({
        name, label, id: `resume-${name.replace(/_/g, '-')}`, value: shown(found[name]),
        required: name === 'full_name',
        type: name === 'experience_years' ? 'number' : 'text',
      }))),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'resume-create' }, 'Create candidate')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const values = formValues(form);
    const button = form.querySelector('#resume-create');
    button.disabled = true;
    try {
      const made = await send(false);
      // What the reviewer changed is saved over what the resume said.
      const patch = {};
      for (const [name] of REVIEWED) {
        const value = typed(name, values[name]);
        if (JSON.stringify(value) !== JSON.stringify(typed(name, shown(found[name])))) patch[name] = value;
      }
      let candidate = made.candidate;
      if (Object.keys(patch).length > 0) candidate = await api('PATCH', `/candidates/${candidate.id}`, patch);
      await onCreated(candidate, made);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showErrors(form, error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** Files listed by `GET /uploads?{owner}`, newest first, each a download. */
function documentsCard({ id, owner, description }) {
  const slot = h('div', { id: `${id}-list` }, h('p', { class: 'muted' }, 'Loading…'));
  const node = card('Documents', description, slot);
  node.id = id;
  (async () => {
    let page;
    try {
      page = await api('GET', `/uploads?${owner}`);
    } catch (error) {
      mount(slot, problemNotice(error));
      return;
    }
    if (page.items.length === 0) {
      mount(slot, h('p', { class: 'muted' }, 'No documents.'));
      return;
    }
    mount(slot, h('ul', { class: 'mini-list' }, page.items.map((u) => h('li', { class: 'mini-row', dataset: { uploadId: String(u.id) } },
      h('div', { class: 'mini-main' },
        h('a', { href: `/api/v1/uploads/${u.id}`, download: u.filename, class: 'row-title document-link' }, u.filename),
        h('p', { class: 'muted small' }, `${u.kind.toUpperCase()} · ${size(u.size)} · `, time(u.created_at)))))));
  })();
  return node;
}

/** A candidate's documents (resumes). */
export function candidateDocuments(candidate) {
  return documentsCard({ id: 'candidate-documents', owner: `candidate_id=${candidate.id}`, description: 'Resumes and files kept with this candidate.' });
}

/** A job's documents (the req it was made from). */
export function jobDocuments(job) {
  return documentsCard({ id: 'job-documents', owner: `job_id=${job.id}`, description: 'The req this job was made from, and files kept with it.' });
}

/** Keeps `file` as a document of job `jobId` (the req a job was made from). */
export function attachToJob(file, jobId) {
  const data = new FormData();
  data.append('file', file);
  data.append('job_id', String(jobId));
  return api('POST', '/uploads', data);
}
