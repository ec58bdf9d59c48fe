// The assistant in the UI: its tools on the candidate and job pages and on each offer (one call
// each from those pages), each answer drawn for reading with "Save to library", the same
// drawing for saved items (`page-library.js`), and the spend and monthly budget card of the
// settings page.

import { api, query } from './api.js';
import { badge, busy, card, dataTable, emptyState, h, mount, notice, problemNotice, toast } from './dom.js';
import { field, formAlert, onSubmit } from './forms.js';
import { label, money } from './labels.js';
import { can } from './session.js';

/** `/assistant/{path}` of each tool, with its heading. */
const TOOLS = {
  screen: { path: 'screen', title: 'Screen' },
  outreach: { path: 'outreach', title: 'Outreach draft' },
  offer_letter: { path: 'offer-letter', title: 'Offer letter' },
  interview_questions: { path: 'interview-questions', title: 'Interview questions' },
  job_description: { path: 'job-description', title: 'Job description' },
  salary_benchmark: { path: 'salary-benchmark', title: 'Salary benchmark' },
  transcript_summary: { path: 'transcript-summary', title: 'Transcript summary' },
};

const VERDICT_TONES = { strong_match: 'success', good_match: 'success', partial_match: 'warning', weak_match: 'danger' };

function bullets(items, id) {
  if (!items || items.length === 0) return h('p', { class: 'muted' }, 'None.');
  return h('ul', { class: 'assistant-list', id }, items.map((item) => h('li', {}, item)));
}

function section(title, ...body) {
  return h('div', { class: 'assistant-section' }, h('h3', { class: 'assistant-heading' }, title), body);
}

/** An artifact drawn for reading: `kind` is a tool (or `note`), `payload` its result. */
export function renderPayload(kind, payload) {
  const p = payload || {};
  switch (kind) {
    case 'screen':
      return h('div', { class: 'stack-sm' },
        h('p', { class: 'assistant-score' },
          h('strong', { id: 'assistant-score' }, `${p.match_score ?? '—'}/100`), ' ',
          p.verdict && badge(label('verdict', p.verdict), VERDICT_TONES[p.verdict] || 'neutral')),
        section('Strengths', bullets(p.strengths, 'assistant-strengths')),
        section('Concerns', bullets(p.concerns, 'assistant-concerns')),
        p.recommendation && section('Recommendation', h('p', { id: 'assistant-recommendation' }, p.recommendation)));
    case 'outreach':
    case 'offer_letter':
      return h('div', { class: 'stack-sm' },
        section('Subject', h('p', { id: 'assistant-subject' }, p.subject || '')),
        section('Message', h('p', { class: 'prose', id: 'assistant-body' }, p.body || '')),
        p.follow_up_body && section('Follow-up', h('p', { class: 'prose' }, p.follow_up_body)),
        p.missing && p.missing.length > 0 && notice('warning', 'To fill in before sending', h('p', {}, p.missing.map((m) => label('offer_field', m)).join(', '))));
    case 'interview_questions':
      return h('div', { class: 'stack-sm' },
        section('Technical', bullets(p.technical, 'assistant-technical')),
        section('Behavioral', bullets(p.behavioral)),
        section('Scenario', bullets(p.scenario)),
        section('Red flags to listen for', bullets(p.red_flag_signals)));
    case 'job_description':
      return h('div', { class: 'stack-sm' }, h('p', { class: 'prose', id: 'assistant-description' }, p.description || ''));
    case 'salary_benchmark':
      return h('div', { class: 'stack-sm' },
        h('p', { id: 'assistant-note' }, p.note || ''),
        p.sample_size > 0 && dataTable({
          id: 'assistant-percentiles',
          caption: 'Salary percentiles',
          columns: [{ label: 'Percentile' }, { label: 'Salary', className: 'col-num' }],
          rows: [['Lowest', p.min], ['10th', p.p10], ['25th', p.p25], ['Median', p.p50], ['75th', p.p75], ['90th', p.p90], ['Highest', p.max]]
            .map(([name, value]) => ({ cells: [name, money(value, p.currency) ?? '—'] })),
        }),
        h('p', { class: 'muted small' }, `${p.sample_size ?? 0} data points: ${p.from_jobs ?? 0} from job salary ranges, ${p.from_offers ?? 0} from offers.`));
    case 'transcript_summary':
      return h('div', { class: 'stack-sm' },
        h('p', { id: 'assistant-summary-text' }, p.summary || ''),
        p.topics && p.topics.length > 0 && section('Topics', h('p', {}, p.topics.join(', '))),
        section('Strengths', bullets(p.strengths)),
        section('Concerns', bullets(p.concerns)));
    default:
      return h('pre', { class: 'code-block' }, JSON.stringify(p, null, 2));
  }
}

/** "Offline engine · 812 tokens · $0.0000", and why the endpoint was not used when it failed. */
function engineLine(answer) {
  const tokens = answer.usage.input_tokens + answer.usage.output_tokens;
  const who = answer.engine === 'endpoint' ? `Endpoint${answer.model ? ` (${answer.model})` : ''}` : 'Offline engine';
  return h('p', { class: 'muted small', id: 'assistant-engine' },
    `${who} · ${tokens.toLocaleString('en')} tokens · $${answer.usage.cost_usd.toFixed(4)}`,
    answer.fallback_reason && ` · the endpoint was not used: ${answer.fallback_reason}`);
}

/** A tool's answer with "Save to library" (for people who may save). */
function answerCard(answer, { title, candidateId, jobId }) {
  const tool = TOOLS[answer.tool];
  const actions = h('div', { class: 'form-actions' });
  if (can('library_write')) {
    const save = h('button', { type: 'button', class: 'btn btn-secondary', id: 'assistant-save' }, 'Save to library');
    save.addEventListener('click', () => busy(save, 'Saving…', async () => {
      try {
        const item = await api('POST', '/library', {
          kind: answer.tool,
          title,
          payload: answer.result,
          source: answer.model || answer.engine,
          candidate_id: candidateId ?? null,
          job_id: jobId ?? null,
          call_id: answer.call_id,
        });
        mount(actions, h('a', { href: `#/library/${item.id}`, class: 'btn btn-link', id: 'assistant-saved-link' }, 'Saved — open in the library'));
        toast('Saved to the library.');
      } catch (error) {
        toast(error.detail || String(error), 'danger');
      }
    }));
    actions.append(save);
  }
  return h('section', { class: 'assistant-result', id: 'assistant-result-card', 'aria-label': tool.title, dataset: { tool: answer.tool } },
    h('h3', { class: 'card-title' }, title),
    renderPayload(answer.tool, answer.result),
    engineLine(answer),
    actions);
}

/**
 * A button that calls `tool` with `body()` (nothing when it answers null) and draws the answer,
 * with "Save to library", in `result`. The saved item is about `candidateId` and `jobId`, or
 * the ones the request names.
 */
export function toolButton({ id, label: text, tool, body, title, result, candidateId, jobId }) {
  const button = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', id }, text);
  button.addEventListener('click', () => busy(button, 'Working…', async () => {
    const request = body();
    if (!request) return;
    try {
      const answer = await api('POST', `/assistant/${TOOLS[tool].path}`, request);
      mount(result, answerCard(answer, {
        title: title(), candidateId: candidateId ?? request.candidate_id, jobId: jobId ?? request.job_id,
      }));
    } catch (error) {
      mount(result, problemNotice(error));
    }
  }));
  return button;
}

/**
 * The tools panel: buttons that each call a tool and draw its answer below them. `tools` are
 * `{id, label, tool, body() → request | null, title()}`; `extra` nodes (a job picker) go
 * above the buttons.
 */
function toolsCard({ description, extra = [], tools }) {
  const result = h('div', { id: 'assistant-result', 'aria-live': 'polite' });
  const buttons = tools.map((t) => toolButton({ ...t, result }));
  const node = card('Assistant', description, extra, h('div', { class: 'assistant-tools' }, buttons), result);
  node.id = 'assistant-card';
  return node;
}

/** An offer's "Draft letter": the offer letter from its terms, the candidate and the job. */
export function offerLetterButton(offer, { candidateName, jobTitle, result }) {
  if (!can('assistant')) return null;
  return toolButton({
    id: `offer-letter-${offer.id}`,
    label: 'Draft letter',
    tool: 'offer_letter',
    body: () => ({ offer_id: offer.id }),
    title: () => `Offer letter: ${[candidateName, jobTitle].filter(Boolean).join(' · ') || `offer ${offer.id}`}`,
    result,
    candidateId: offer.candidate_id,
    jobId: offer.job_id,
  });
}

/** The candidate page's tools: screen, outreach and questions for a job picked here. */
export function candidateAssistant(candidate) {
  if (!can('assistant')) return null;
  const select = h('select', { id: 'assistant-job', class: 'input select' }, h('option', { value: '' }, 'Loading jobs…'));
  let jobs = [];
  api('GET', `/jobs${query({ limit: 100, status: 'open' })}`).then((page) => {
    jobs = page.items;
    mount(select, jobs.length === 0
      ? h('option', { value: '' }, 'No open jobs')
      : jobs.map((j) => h('option', { value: String(j.id) }, j.title)));
  }).catch(() => mount(select, h('option', { value: '' }, 'Jobs could not be loaded')));
  const jobId = () => {
    const id = Number(select.value);
    if (!id) toast('Choose a job first.', 'danger');
    return id || null;
  };
  const jobTitle = () => jobs.find((j) => j.id === Number(select.value))?.title || 'a job';
  const forJob = (extra = {}) => () => {
    const id = jobId();
    return id ? { candidate_id: candidate.id, job_id: id, ...extra } : null;
  };
  return toolsCard({
    description: 'Answers come from your own records: this candidate, the job and the matching engine.',
    extra: [h('div', { class: 'field' }, h('label', { class: 'label', for: 'assistant-job' }, 'For the job'), select)],
    tools: [
      { id: 'assistant-screen', label: 'Screen', tool: 'screen', body: forJob(), title: () => `Screen: ${candidate.full_name} for ${jobTitle()}` },
      { id: 'assistant-outreach', label: 'Draft outreach', tool: 'outreach', body: forJob(), title: () => `Outreach to ${candidate.full_name}: ${jobTitle()}` },
      {
        id: 'assistant-questions', label: 'Interview questions', tool: 'interview_questions',
        body: () => { const id = jobId(); return id ? { job_id: id } : null; }, title: () => `Interview questions: ${jobTitle()}`,
      },
    ],
  });
}

/** The job page's tools: questions, a description, a salary benchmark, a transcript summary. */
export function jobAssistant(job) {
  if (!can('assistant')) return null;
  const transcript = h('textarea', { id: 'assistant-transcript', class: 'input', rows: 4, maxlength: 200000, placeholder: 'Paste an interview transcript to summarise it.' });
  return toolsCard({
    description: 'Answers come from your own records: this job, your other jobs and offers.',
    extra: [h('div', { class: 'field' }, h('label', { class: 'label', for: 'assistant-transcript' }, 'Transcript (for the summary)'), transcript)],
    tools: [
      { id: 'assistant-questions', label: 'Interview questions', tool: 'interview_questions', body: () => ({ job_id: job.id }), title: () => `Interview questions: ${job.title}` },
      { id: 'assistant-description', label: 'Write the description', tool: 'job_description', body: () => ({ job_id: job.id }), title: () => `Job description: ${job.title}` },
      { id: 'assistant-benchmark', label: 'Salary benchmark', tool: 'salary_benchmark', body: () => ({ job_id: job.id }), title: () => `Salary benchmark: ${job.title}` },
      {
        id: 'assistant-summarise', label: 'Summarise transcript', tool: 'transcript_summary', title: () => `Transcript summary: ${job.title}`,
        body: () => {
          if (!transcript.value.trim()) {
            toast('Paste a transcript first.', 'danger');
            transcript.focus();
            return null;
          }
          return { job_id: job.id, transcript: transcript.value };
        },
      },
    ],
  });
}

// ---- Settings: spend and the monthly budget -----------------------------------------------

const WINDOWS = [['24h', 'Last 24 hours'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days'], ['all', 'All time']];

function spendView(spend) {
  const m = spend.month;
  const budget = m.budget_usd == null ? 'No monthly budget' : `$${m.cost_usd.toFixed(2)} of $${m.budget_usd.toFixed(2)} this month ($${m.remaining_usd.toFixed(2)} left)`;
  return h('div', { class: 'stack-sm' },
    h('dl', { class: 'facts facts-grid', id: 'assistant-spend' },
      h('div', {}, h('dt', {}, 'Calls'), h('dd', { id: 'assistant-spend-calls' }, String(spend.calls))),
      h('div', {}, h('dt', {}, 'Tokens'), h('dd', {}, spend.total_tokens.toLocaleString('en'))),
      h('div', {}, h('dt', {}, 'Cost'), h('dd', { id: 'assistant-spend-cost' }, `$${spend.cost_usd.toFixed(4)}`)),
      h('div', {}, h('dt', {}, 'Engine'), h('dd', {}, spend.engine === 'endpoint' ? 'Endpoint, offline as fallback' : 'Offline engine'))),
    h('p', { id: 'assistant-budget-line' }, budget, `; the month renews on ${m.resets_at.slice(0, 10)}.`),
    spend.by_tool.length === 0 ? emptyState('No assistant calls in this period', null) : dataTable({
      id: 'assistant-spend-tools',
      caption: 'Spend by tool',
      columns: [{ label: 'Tool' }, { label: 'Calls', className: 'col-num' }, { label: 'Tokens', className: 'col-num' }, { label: 'Cost', className: 'col-num' }],
      rows: spend.by_tool.map((t) => ({
        cells: [label('library_kind', t.tool), String(t.calls), (t.input_tokens + t.output_tokens).toLocaleString('en'), `$${t.cost_usd.toFixed(4)}`],
      })),
    }));
}

function budgetForm(tenant, onSaved) {
  const form = h('form', { class: 'form form-narrow', id: 'budget-form' },
    formAlert(),
    field({
      name: 'monthly_budget_usd', label: 'Monthly budget (USD)', id: 'budget-usd', type: 'number', min: 0, max: 1000000, step: '0.01',
      value: tenant.monthly_budget_usd ?? '', hint: 'Past it, assistant tools answer “budget used up” until the next month. Empty: no cap; 0 turns the assistant off.',
    }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'budget-submit' }, 'Save budget')));
  onSubmit(form, {
    busyLabel: 'Saving…',
    validate: () => [],
    submit: async (values) => {
      const text = String(values.monthly_budget_usd ?? '').trim();
      const updated = await api('PATCH', '/tenants/me', { monthly_budget_usd: text === '' ? null : Number(text) });
      onSaved(updated);
      toast('The assistant budget was saved.');
    },
  });
  return form;
}

/** The settings page's card: spend by window and tool, this month against the budget. */
export function assistantSettings(tenant, { admin, onSaved }) {
  if (!can('assistant_spend')) return null;
  const slot = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const picker = h('select', { id: 'assistant-spend-window', class: 'input input-sm select', 'aria-label': 'Period' },
    WINDOWS.map(([value, text]) => h('option', { value, selected: value === '30d' }, text)));
  const load = async () => {
    try {
      mount(slot, spendView(await api('GET', `/assistant/spend${query({ window: picker.value })}`)));
    } catch (error) {
      mount(slot, problemNotice(error));
    }
  };
  picker.addEventListener('change', load);
  load();
  const node = card('Assistant spend', 'Tokens and cost of the assistant’s tools, and the monthly budget.',
    picker, slot,
    admin && budgetForm(tenant, (updated) => { onSaved(updated); load(); }));
  node.id = 'assistant-settings';
  return node;
}
