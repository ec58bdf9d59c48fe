// `#/candidates/import`: paste (or pick) a CSV with a header row; it is parsed here in the
// browser, previewed, then sent to `POST /candidates/import` 500 rows at a time. The report
// says what was created, updated and skipped, and which lines had problems.

import { api } from './api.js';
import { badge, card, dataTable, h, icon, mount, notice, pageHeader, problemNotice, toast } from './dom.js';
import { listAll } from './recruiting.js';
import { can } from './session.js';

const BATCH = 500;
const PREVIEW_ROWS = 8;

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF; the delimiter is guessed from the header. */
export function parseCsv(text) {
  const source = text.replace(/^\uFEFF/, '');
  const firstLine = source.split(/\r?\n/, 1)[0] || '';
  const delimiter = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length]).sort((a, b) => b[1] - a[1])[0][0];
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < source.length; i += 1) {
    const ch = source[i];
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        if (ch === '\n') line += 1;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') {
      quoted = true;
    } else if (ch === delimiter) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push({ cells: row, line: rowLine });
      row = [];
      cell = '';
      line += 1;
      rowLine = line;
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push({ cells: row, line: rowLine });
  }
  return rows.filter((r) => r.cells.some((c) => c.trim() !== ''));
}

/** Header spellings people use, by API field. */
const ALIASES = {
  full_name: ['full_name', 'name', 'fullname', 'candidate', 'candidate_name'],
  first_name: ['first_name', 'firstname', 'given_name'],
  last_name: ['last_name', 'lastname', 'surname', 'family_name'],
  email: ['email', 'e_mail', 'email_address', 'mail'],
  phone: ['phone', 'phone_number', 'mobile', 'telephone'],
  headline: ['headline', 'summary'],
  location: ['location', 'city'],
  experience_years: ['experience_years', 'experience', 'years', 'years_of_experience', 'yoe'],
  current_title: ['current_title', 'title', 'job_title', 'position', 'role'],
  current_company: ['current_company', 'company', 'employer', 'organisation', 'organization'],
  linkedin_url: ['linkedin_url', 'linkedin'],
  github_url: ['github_url', 'github'],
  website_url: ['website_url', 'website', 'url', 'portfolio'],
  notes: ['notes', 'note', 'comments'],
  skills: ['skills', 'skill'],
  tags: ['tags', 'tag'],
  source: ['source'],
  job_id: ['job_id', 'job'],
};
const FIELD_OF = new Map(Object.entries(ALIASES).flatMap(([f, names]) => names.map((n) => [n, f])));

const normalize = (header) => header.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

/** Turns parsed rows into import rows: `{rows: [{line, row, problems}], columns: [[header, field|null]]}`. */
export function toImportRows(parsed, jobId) {
  const [header, ...body] = parsed;
  const columns = header.cells.map((name) => [name, FIELD_OF.get(normalize(name)) || null]);
  const rows = body.map(({ cells, line }) => {
    const row = {};
    const problems = [];
    let first = '';
    let last = '';
    columns.forEach(([name, fieldName], i) => {
      const raw = (cells[i] ?? '').trim();
      // Only notes keep their line breaks; a name or title is one line.
      const value = fieldName === 'notes' ? raw : raw.replace(/\s+/g, ' ');
      if (!fieldName || value === '') return;
      if (fieldName === 'first_name') first = value;
      else if (fieldName === 'last_name') last = value;
      else if (fieldName === 'skills' || fieldName === 'tags') row[fieldName] = value.split(/[;,|]/).map((s) => s.trim()).filter(Boolean);
      else if (fieldName === 'experience_years' || fieldName === 'job_id') {
        const n = Number(value);
        if (Number.isInteger(n) && n >= 0) row[fieldName] = n;
        else problems.push(`${name}: “${value}” is not a whole number`);
      } else row[fieldName] = value;
    });
    if (!row.full_name) row.full_name = [first, last].filter(Boolean).join(' ');
    if (jobId && row.job_id === undefined) row.job_id = jobId;
    return { line, row, problems };
  });
  return { columns, rows };
}

export const importPage = {
  title: 'Import candidates',
  async render() {
    const back = h('a', { href: '#/candidates', class: 'back-link' }, icon('back', 'icon icon-sm'), 'All candidates');
    if (!can('candidates_import')) {
      return h('div', { class: 'page' }, back, pageHeader('Import candidates'),
        notice('info', 'Only recruiters, hiring managers and organisation admins import candidates.'));
    }
    const openJobs = await listAll('/jobs', { status_filter: 'open' }).catch(() => []);

    const textarea = h('textarea', {
      id: 'import-csv', class: 'input input-code', rows: 10, spellcheck: 'false', 'aria-describedby': 'import-csv-hint',
      placeholder: 'full_name,email,current_title,current_company,location,experience_years,skills\nGrace Hopper,grace@example.com,Rear Admiral,US Navy,Arlington,40,"COBOL; compilers"',
    });
    const file = h('input', { type: 'file', id: 'import-file', accept: '.csv,text/csv,text/plain', class: 'file-input' });
    file.addEventListener('change', async () => {
      const picked = file.files[0];
      if (!picked) return;
      if (picked.size > 5 * 1024 * 1024) {
        toast('That file is over 5 MB: split it into smaller files.', 'danger');
        return;
      }
      textarea.value = await picked.text();
      preview();
    });
    const job = h('select', { id: 'import-job', class: 'input select' },
      h('option', { value: '' }, 'No: just add them to the talent pool'),
      openJobs.map((j) => h('option', { value: String(j.id) }, j.title)));
    const previewButton = h('button', { type: 'button', class: 'btn btn-secondary', id: 'import-preview' }, 'Preview');
    const previewSlot = h('div', { id: 'import-preview-slot' });
    const reportSlot = h('div', { id: 'import-report', tabindex: '-1' });

    let prepared = null;

    function preview() {
      reportSlot.replaceChildren();
      const text = textarea.value;
      if (!text.trim()) {
        mount(previewSlot, notice('warning', 'Nothing to import', h('p', {}, 'Paste CSV text with a header row, or choose a file.')));
        prepared = null;
        return;
      }
      const parsed = parseCsv(text);
      if (parsed.length < 2) {
        mount(previewSlot, notice('warning', 'No rows found', h('p', {}, 'The first line is the header; put one candidate on each line below it.')));
        prepared = null;
        return;
      }
      const { columns, rows } = toImportRows(parsed, job.value ? Number(job.value) : null);
      const used = columns.filter(([, f]) => f);
      const ignored = columns.filter(([, f]) => !f).map(([name]) => name);
      if (!used.some(([, f]) => ['full_name', 'first_name', 'last_name'].includes(f))) {
        mount(previewSlot, notice('danger', 'No name column',
          h('p', {}, 'One column must hold the candidate’s name: call it “full_name” or “name” (or “first_name” and “last_name”).')));
        prepared = null;
        return;
      }
      const ready = rows.filter((r) => r.problems.length === 0);
      const held = rows.filter((r) => r.problems.length > 0);
      prepared = ready;
      const importButton = h('button', { type: 'button', class: 'btn btn-primary', id: 'import-submit', disabled: ready.length === 0 },
        `Import ${ready.length} ${ready.length === 1 ? 'candidate' : 'candidates'}`);
      importButton.addEventListener('click', () => send(importButton));
      const sample = ready.slice(0, PREVIEW_ROWS).map(({ line, row }) => ({
        cells: [String(line), row.full_name || h('span', { class: 'field-error' }, 'missing'), row.email || '—',
          [row.current_title, row.current_company].filter(Boolean).join(' at ') || '—', row.location || '—',
          row.experience_years ?? '—', (row.skills || []).join(', ') || '—'],
      }));
      mount(previewSlot, card('Preview', `${rows.length} ${rows.length === 1 ? 'row' : 'rows'} read.`,
        h('p', { class: 'mapping' }, 'Columns used: ', used.map(([name, f]) => h('span', { class: 'chip' }, name === f ? name : `${name} → ${f}`)),
          ignored.length > 0 && [' Ignored: ', ignored.map((name) => h('span', { class: 'chip chip-muted' }, name))]),
        held.length > 0 && notice('warning', `${held.length} ${held.length === 1 ? 'row is' : 'rows are'} left out`,
          h('ul', {}, held.slice(0, 10).map((r) => h('li', {}, `Line ${r.line}: ${r.problems.join('; ')}`)))),
        sample.length > 0 && dataTable({
          caption: 'The first rows to import',
          columns: ['Line', 'Name', 'Email', 'Current role', 'Location', 'Years', 'Skills'].map((label) => ({ label })),
          rows: sample,
          id: 'import-preview-table',
        }),
        ready.length > PREVIEW_ROWS && h('p', { class: 'muted small' }, `…and ${ready.length - PREVIEW_ROWS} more.`),
        h('div', { class: 'form-actions' }, importButton)));
    }

    async function send(button) {
      if (!prepared || prepared.length === 0) return;
      const rows = prepared;
      const total = { total: 0, created: 0, updated: 0, skipped: 0, errors: [] };
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      try {
        for (let start = 0; start < rows.length; start += BATCH) {
          const batch = rows.slice(start, start + BATCH);
          button.textContent = `Importing ${Math.min(start + BATCH, rows.length)} of ${rows.length}…`;
          const report = await api('POST', '/candidates/import', { rows: batch.map((r) => r.row) });
          total.total += report.total;
          total.created += report.created;
          total.updated += report.updated;
          total.skipped += report.skipped;
          total.errors.push(...report.errors.map((e) => ({ ...e, line: batch[e.row]?.line })));
        }
      } catch (error) {
        mount(reportSlot, problemNotice(error));
        reportSlot.focus();
        button.disabled = false;
        button.removeAttribute('aria-busy');
        button.textContent = 'Try again';
        return;
      }
      button.removeAttribute('aria-busy');
      button.textContent = 'Imported';
      prepared = null;
      showReport(total);
    }

    function showReport(report) {
      const failed = new Set(report.errors.map((e) => e.line ?? e.row)).size;
      mount(reportSlot, card('Import report', null,
        h('dl', { class: 'facts report-facts' },
          [['Rows', report.total], ['Created', report.created], ['Updated', report.updated], ['Unchanged', report.skipped], ['With errors', failed]]
            .map(([label, n]) => h('div', {}, h('dt', {}, label), h('dd', { class: 'report-number' }, String(n))))),
        report.errors.length === 0
          ? notice('success', 'Every row was imported.', h('p', {}, h('a', { href: '#/candidates' }, 'See your candidates'), '.'))
          : dataTable({
            caption: 'Rows with errors',
            columns: [{ label: 'Line' }, { label: 'Field' }, { label: 'Problem' }],
            rows: report.errors.map((e) => ({ cells: [String(e.line ?? e.row + 1), e.field ? h('code', {}, e.field) : '—', e.message] })),
            id: 'import-errors',
          })));
      reportSlot.focus();
      toast(`Import done: ${report.created} created, ${report.updated} updated.`);
    }

    previewButton.addEventListener('click', preview);
    job.addEventListener('change', () => { if (prepared) preview(); });

    return h('div', { class: 'page' },
      back,
      pageHeader('Import candidates', 'Bring a spreadsheet of people into your talent pool. Existing candidates (same email) are updated.'),
      card('CSV data', null,
        h('div', { class: 'form' },
          h('div', { class: 'field' },
            h('label', { class: 'label', for: 'import-csv' }, 'Paste CSV text'),
            textarea,
            h('p', { class: 'hint', id: 'import-csv-hint' },
              'The first line names the columns: ', h('code', {}, 'full_name'), ' (or ', h('code', {}, 'name'), '), ',
              h('code', {}, 'email'), ', ', h('code', {}, 'current_title'), ', ', h('code', {}, 'current_company'), ', ',
              h('code', {}, 'location'), ', ', h('code', {}, 'experience_years'), ', ', h('code', {}, 'skills'),
              ' (separated by ; inside the cell), ', h('code', {}, 'tags'), ', ', h('code', {}, 'notes'), '… Up to 500 rows go in each request.')),
          h('div', { class: 'grid-2 grid-tight' },
            h('div', { class: 'field' }, h('label', { class: 'label', for: 'import-file' }, 'Or choose a file'), file),
            h('div', { class: 'field' }, h('label', { class: 'label', for: 'import-job' }, 'Also add everyone to a job?'), job)),
          h('div', { class: 'form-actions' }, previewButton, badge('Nothing is sent until you import', 'neutral')))),
      previewSlot,
      reportSlot);
  },
};
