// `#/candidates/:id`: one candidate — profile, edit, delete, erase everywhere (saying first what
// goes), and their applications, each with its stage history, consent and a stage select;
// "Add to job" puts them into an open job's pipeline.
// Their interviews (schedule one here) and offers (make one, move it along) follow. People who
// may match find the jobs the candidate fits ("Matching jobs", `?matches=1` opens it at once).

import { api } from './api.js';
import { erasureSentence } from './privacy.js';
import {
  card, confirmDialog, emptyState, h, icon, initials, mount, notice, pageHeader, problemNotice, time, toast,
} from './dom.js';
import { enumBadge, label, moneyRange } from './labels.js';
import { matchesPanel, pipelineAction } from './matches.js';
import { sectionWithForm } from './form-card.js';
import { candidateForm } from './page-candidates.js';
import {
  chips, confirmStageMove, entryStages, forgetCandidate, jobById, listAll, mapLimit, panelNames, rememberCandidate, stageSelect,
} from './recruiting.js';
import { can } from './session.js';
import { fillJobSelect, scheduleForm, timeRange } from './interviews.js';
import { offerCard, offerForm } from './offers.js';
import { candidateDocuments } from './documents.js';
import { candidateAssistant } from './assistant.js';

function fact(label, value) {
  return h('div', {}, h('dt', {}, label), h('dd', {}, value || h('span', { class: 'muted' }, '—')));
}

function link(url, label) {
  return url && h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'ext-link' }, label, icon('external', 'icon icon-sm'));
}

/** "Serving notice · 30 days", "Available now", or null. */
function availabilityText(c) {
  const days = c.notice_period_days;
  const notice = days != null && c.availability === 'notice_period' ? `${days} ${days === 1 ? 'day' : 'days'}` : null;
  return [label('availability', c.availability), notice].filter(Boolean).join(' · ') || null;
}

function relocation(c) {
  if (c.willing_to_relocate == null) return null;
  return c.willing_to_relocate ? 'Would relocate' : 'Would not relocate';
}

function profile(c) {
  const links = [link(c.linkedin_url, 'LinkedIn'), link(c.github_url, 'GitHub'), link(c.website_url, 'Website')].filter(Boolean);
  const role = [c.current_title, c.current_company].filter(Boolean).join(' at ');
  return h('section', { class: 'card', 'aria-labelledby': 'candidate-profile-title', id: 'candidate-profile' },
    h('header', { class: 'card-header profile-head' },
      h('span', { class: 'avatar avatar-lg', 'aria-hidden': 'true' }, initials(c.full_name)),
      h('div', {},
        h('h2', { class: 'card-title', id: 'candidate-profile-title' }, 'Profile'),
        h('p', { class: 'card-description' }, 'Added ', time(c.created_at, { withTime: false }), ' · updated ', time(c.updated_at)))),
    h('div', { class: 'card-body' },
      h('dl', { class: 'facts facts-grid' },
        fact('Email', c.email && h('a', { href: `mailto:${c.email}` }, c.email)),
        fact('Phone', c.phone && h('a', { href: `tel:${c.phone.replace(/[^\d+]/g, '')}` }, c.phone)),
        fact('Current role', role),
        fact('Location', c.location),
        fact('Experience', c.experience_years != null ? `${c.experience_years} ${c.experience_years === 1 ? 'year' : 'years'}` : null),
        fact('Source', label('source', c.source)),
        fact('Availability', availabilityText(c)),
        fact('Works', [label('work_mode', c.remote_preference), relocation(c)].filter(Boolean).join(' · ')),
        fact('Expects', moneyRange(c.expected_salary_min, c.expected_salary_max, c.expected_salary_currency)),
        fact('Links', links.length > 0 && h('span', { class: 'link-row' }, links)),
        fact('Tags', c.tags.length > 0 && chips(c.tags, { className: 'chip chip-tag' }))),
      h('dl', { class: 'skill-rows' }, h('div', {}, h('dt', {}, 'Skills'), h('dd', {}, chips(c.skills)))),
      c.notes && h('div', { class: 'notes' }, h('h3', { class: 'subheading' }, 'Notes'), h('p', { class: 'prose' }, c.notes))));
}

// ---- Applications ------------------------------------------------------------------------------

function historyList(items) {
  if (items.length === 0) return h('p', { class: 'muted small' }, 'No stage changes recorded.');
  return h('ol', { class: 'history' },
    items.map((change) => h('li', { class: 'history-item' },
      h('span', { class: 'history-move' },
        change.from ? [enumBadge('stage', change.from), h('span', { class: 'arrow', 'aria-label': 'to' }, '→'), enumBadge('stage', change.to)]
          : [h('span', { class: 'muted' }, 'Entered at '), enumBadge('stage', change.to)]),
      h('span', { class: 'muted small' }, 'by ', h('span', { class: 'history-by' }, change.by), ' · ', time(change.at)))));
}

function applicationItem(app, job, candidate, { onRemoved }) {
  const moving = can('applications_write');
  const historySlot = h('div', { class: 'history-slot' });
  const loadHistory = async () => {
    try {
      const { items } = await api('GET', `/applications/${app.id}/history`);
      mount(historySlot, historyList(items));
    } catch (error) {
      mount(historySlot, h('p', { class: 'field-error' }, error.detail || String(error)));
    }
  };
  const jobTitle = job ? job.title : `Job ${app.job_id}`;
  const select = stageSelect(app.status, `Stage in ${jobTitle}`, async (stage) => {
    const from = app.status;
    if (!(await confirmStageMove(candidate.full_name, from, stage))) {
      select.value = from;
      select.focus();
      return;
    }
    select.disabled = true;
    try {
      Object.assign(app, await api('PATCH', `/applications/${app.id}`, { status: stage }));
      toast(`Moved from ${label('stage', from)} to ${label('stage', app.status)} in ${jobTitle}.`);
      await loadHistory();
    } catch (error) {
      toast(error.detail || String(error), 'danger');
    } finally {
      select.value = app.status;
      select.disabled = false;
      select.focus();
    }
  });
  select.disabled = !moving;
  const remove = moving && h('button', { type: 'button', class: 'btn btn-danger-ghost btn-sm', 'aria-label': `Remove from ${jobTitle}` }, 'Remove');
  remove?.addEventListener('click', async () => {
    const ok = await confirmDialog({
      title: `Remove from “${jobTitle}”?`,
      message: 'The application and its stage history are deleted. The candidate stays in your talent pool.',
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!ok) return;
    try {
      await api('DELETE', `/applications/${app.id}`);
      toast(`Removed from “${jobTitle}”.`);
      onRemoved();
    } catch (error) {
      toast(error.detail || String(error), 'danger');
    }
  });
  const facts = [
    app.source && `Source: ${label('source', app.source)}`,
    app.fit_score != null && `Fit score ${app.fit_score}`,
  ].filter(Boolean);
  const node = h('li', { class: 'application', dataset: { applicationId: String(app.id), jobId: String(app.job_id) } },
    h('div', { class: 'application-head' },
      h('div', { class: 'application-title' },
        job ? h('a', { href: `#/jobs/${job.id}`, class: 'row-title' }, job.title) : h('span', { class: 'row-title muted' }, jobTitle),
        job && enumBadge('job_status', job.status)),
      h('div', { class: 'application-actions' }, select, remove)),
    h('p', { class: 'muted small' }, facts.map((f) => `${f} · `), 'Added ', time(app.created_at, { withTime: false })),
    app.consent && h('p', { class: 'muted small consent' },
      `Accepted privacy notice version ${app.consent.notice_version} on `, time(app.consent.given_at),
      app.consent.ip ? ` from ${app.consent.ip}` : ''),
    h('details', { class: 'history-details', open: true }, h('summary', {}, 'Stage history'), historySlot));
  return { node, loadHistory };
}

function addToJob(candidate, applications, onAdded) {
  const taken = new Set(applications.map((a) => a.job_id));
  const form = h('form', { class: 'form', id: 'add-to-job-form' });
  const slot = h('div', {});
  const load = async () => {
    let open;
    try {
      open = await listAll('/jobs', { status_filter: 'open' });
    } catch (error) {
      mount(slot, problemNotice(error));
      return;
    }
    const choices = open.filter((j) => !taken.has(j.id));
    if (choices.length === 0) {
      mount(slot, h('p', { class: 'muted' }, open.length === 0 ? 'There are no open jobs.' : `${candidate.full_name} is in every open job’s pipeline.`));
      return;
    }
    const job = h('select', { class: 'input select', id: 'add-to-job-select', name: 'job_id', required: true },
      h('option', { value: '' }, 'Choose an open job…'),
      choices.map((j) => h('option', { value: String(j.id) }, [j.title, j.location].filter(Boolean).join(' — '))));
    const stage = h('select', { class: 'input select', id: 'add-to-job-stage', name: 'status' },
      entryStages().map(([value, text]) => h('option', { value, selected: value === 'sourced' }, text)));
    const error = h('p', { class: 'field-error', id: 'add-to-job-error', hidden: true });
    job.setAttribute('aria-describedby', 'add-to-job-error');
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'add-to-job-submit' }, 'Add to pipeline');
    mount(form,
      h('div', { class: 'field' }, h('label', { class: 'label', for: 'add-to-job-select' }, 'Job'), job),
      h('div', { class: 'field' }, h('label', { class: 'label', for: 'add-to-job-stage' }, 'Stage'), stage),
      error,
      h('div', { class: 'form-actions' }, submit));
    mount(slot, form);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.hidden = true;
      if (!job.value) {
        error.textContent = 'Choose a job.';
        error.hidden = false;
        job.focus();
        return;
      }
      submit.disabled = true;
      try {
        const app = await api('POST', '/applications', { job_id: Number(job.value), candidate_id: candidate.id, status: stage.value });
        toast(`Added to “${choices.find((j) => j.id === app.job_id)?.title}”.`);
        onAdded();
      } catch (failure) {
        error.textContent = failure.status === 409 ? `${candidate.full_name} is already in that job’s pipeline.` : (failure.detail || String(failure));
        error.hidden = false;
        job.focus();
      } finally {
        submit.disabled = false;
      }
    });
  };
  load();
  return card('Add to a job', 'Put them into an open job’s pipeline.', slot);
}

// ---- Interviews and offers -------------------------------------------------------------------

function interviewRow(interview, job) {
  const cards = interview.scorecards.length;
  return h('li', { class: 'mini-row', dataset: { interviewId: String(interview.id), status: interview.status } },
    h('div', { class: 'mini-main' },
      h('a', { href: `#/interviews/${interview.id}`, class: 'row-title' }, `${label('interview_kind', interview.kind)} · ${job ? job.title : `Job ${interview.job_id}`}`),
      h('p', { class: 'muted small' }, timeRange(interview, { withDay: true }),
        interview.interviewers.length > 0 && ` · with ${panelNames(interview.interviewers)}`,
        cards > 0 && ` · ${cards} ${cards === 1 ? 'scorecard' : 'scorecards'}`)),
    enumBadge('interview_status', interview.status));
}

function interviewsSection(candidate, { onChange }) {
  const section = sectionWithForm({
    id: 'candidate-interviews',
    title: 'Interviews',
    description: 'Loading…',
    buttonId: 'candidate-schedule-button',
    buttonLabel: 'Schedule interview',
    makeForm: can('interviews_write') && ((close) => scheduleForm({
      candidate,
      prefix: 'candidate-interview',
      onScheduled: async (interview) => {
        toast('The interview was scheduled.');
        close();
        await load();
        onChange?.(interview);
      },
      onCancel: close,
    })),
  });
  const load = async () => {
    let items;
    try {
      items = await listAll('/interviews', { candidate_id: candidate.id });
    } catch (error) {
      mount(section.listSlot, problemNotice(error));
      return;
    }
    const jobs = new Map();
    await mapLimit([...new Set(items.map((i) => i.job_id))], 6, async (id) => jobs.set(id, await jobById(id).catch(() => null)));
    // Scheduled first (soonest first), then completed and cancelled ones (latest first).
    const scheduled = items.filter((i) => i.status === 'scheduled');
    const closed = items.filter((i) => i.status !== 'scheduled').reverse();
    section.countText.textContent = items.length === 0 ? 'None scheduled yet.' : `${scheduled.length} scheduled, ${closed.length} completed or cancelled.`;
    mount(section.listSlot, items.length === 0
      ? h('p', { class: 'muted' }, can('interviews_write') ? 'Use “Schedule interview” to book one.' : 'No interviews.')
      : h('ul', { class: 'mini-list', id: 'candidate-interview-list' }, [...scheduled, ...closed].map((i) => interviewRow(i, jobs.get(i.job_id)))));
  };
  return { node: section.node, load };
}

function offersSection(candidate, { onChange }) {
  const section = sectionWithForm({
    id: 'candidate-offers',
    title: 'Offers',
    description: 'Loading…',
    buttonId: 'make-offer-button',
    buttonLabel: 'Make offer',
    makeForm: can('offers_write') && ((close) => {
      const jobSelect = h('select', { class: 'input select', id: 'offer-job', name: 'job_id' }, h('option', { value: '' }, 'Loading jobs…'));
      const form = offerForm({
        candidate,
        jobSelect,
        onSaved: async (offer) => {
          toast(offer.status === 'sent' ? 'The offer was sent.' : 'The offer was saved as a draft.');
          close();
          await load();
          onChange?.(offer);
        },
        onCancel: close,
      });
      // The job's currency is the natural default for its offer.
      const currency = form.querySelector('[name="currency"]');
      jobSelect.addEventListener('change', async () => {
        if (!jobSelect.value || currency.value.trim()) return;
        const job = await jobById(jobSelect.value).catch(() => null);
        if (job?.currency && !currency.value.trim()) currency.value = job.currency;
      });
      fillJobSelect(jobSelect, candidate.id).then(() => jobSelect.dispatchEvent(new Event('change'))).catch(() => {});
      return form;
    }),
  });
  const load = async () => {
    let items;
    try {
      items = await listAll('/offers', { candidate_id: candidate.id });
    } catch (error) {
      mount(section.listSlot, problemNotice(error));
      return;
    }
    const jobs = new Map();
    await mapLimit([...new Set(items.map((o) => o.job_id))], 6, async (id) => jobs.set(id, await jobById(id).catch(() => null)));
    items.sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
    section.countText.textContent = items.length === 0 ? 'No offers yet.' : `${items.length} ${items.length === 1 ? 'offer' : 'offers'}, newest first.`;
    mount(section.listSlot, items.length === 0
      ? h('p', { class: 'muted' }, can('offers_write') ? 'Use “Make offer” when you are ready.' : 'No offers.')
      : h('ul', { class: 'offers', id: 'candidate-offer-list' }, items.map((o) => offerCard(o, {
        jobTitle: jobs.get(o.job_id)?.title || `Job ${o.job_id}`,
        personName: candidate.full_name,
        onChange: (changed) => {
          if (!changed) load();
          onChange?.(changed);
        },
      }))));
  };
  return { node: section.node, load };
}

// ---- Matching jobs -----------------------------------------------------------------------------

/**
 * The jobs the candidate fits, found when asked. `stageIn(jobId)` says where they already are;
 * `onAdded()` follows an "Add to pipeline".
 */
function matchingJobs(candidate, { stageIn, onAdded, open }) {
  const adding = can('applications_write');
  const panel = matchesPanel({
    id: 'candidate-matches',
    noun: ['job', 'jobs'],
    empty: 'No open job fits this candidate yet. Adding their skills helps.',
    load: (limit, strategy) => api('POST', '/matching/jobs_for_candidate', { candidate_id: candidate.id, limit, strategy }),
    byMeaning: true,
    card: (m, rank) => ({
      id: `candidate-match-${m.job_id}`,
      rank,
      title: m.title,
      link: `#/jobs/${m.job_id}`,
      line: h('span', { class: 'match-facts' }, m.status && enumBadge('job_status', m.status), m.location && ` ${m.location}`),
      match: m,
      dataset: { jobId: String(m.job_id) },
      actions: [adding && pipelineAction({
        jobId: m.job_id,
        candidateId: candidate.id,
        name: candidate.full_name,
        where: `“${m.title}”`,
        stage: stageIn(m.job_id),
        onAdded,
      })],
    }),
  });
  const find = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', id: 'candidate-matches-button', 'aria-controls': 'candidate-matches' },
    'Find matching jobs');
  panel.node.hidden = !open;
  const show = () => {
    find.hidden = true;
    panel.node.hidden = false;
    return panel.ensure();
  };
  find.addEventListener('click', () => {
    const done = show();
    // The button goes away with the click; focus moves to the panel's own "Match again".
    panel.node.querySelector('#candidate-matches-run')?.focus();
    return done;
  });
  const node = h('section', { class: 'card', 'aria-labelledby': 'candidate-matching-title', id: 'candidate-matching' },
    h('header', { class: 'card-header card-header-row' },
      h('div', {},
        h('h2', { class: 'card-title', id: 'candidate-matching-title' }, 'Matching jobs'),
        h('p', { class: 'card-description' }, 'The jobs this candidate fits best, scored on six axes.')),
      !open && find),
    h('div', { class: 'card-body' }, panel.node));
  if (open) show();
  return node;
}

export const candidatePage = {
  title: 'Candidate',
  async render(ctx) {
    const id = ctx.params.id;
    let candidate = await api('GET', `/candidates/${encodeURIComponent(id)}`);
    rememberCandidate(candidate);
    const editing = can('candidates_write');
    const pipelines = can('applications_submit');

    const profileSlot = h('div', {}, profile(candidate));
    const editSlot = h('div', {});
    const appsSlot = h('div', {});
    const sideSlot = h('div', { class: 'stack' });
    const header = h('div', {});

    let applications = [];
    const loadApplications = async () => {
      try {
        applications = await listAll('/applications', { candidate_id: candidate.id });
      } catch (error) {
        mount(appsSlot, card('Applications', null, problemNotice(error)));
        return;
      }
      const jobs = new Map();
      await mapLimit([...new Set(applications.map((a) => a.job_id))], 6, async (jobId) => {
        try {
          jobs.set(jobId, await jobById(jobId));
        } catch {
          jobs.set(jobId, null);
        }
      });
      const items = applications.map((app) => applicationItem(app, jobs.get(app.job_id), candidate, { onRemoved: loadApplications }));
      await mapLimit(items, 6, (item) => item.loadHistory());
      const count = applications.length;
      mount(appsSlot, h('section', { class: 'card', 'aria-labelledby': 'applications-title', id: 'candidate-applications' },
        h('header', { class: 'card-header' },
          h('h2', { class: 'card-title', id: 'applications-title' }, 'Applications'),
          h('p', { class: 'card-description' }, count === 0 ? 'Not in any pipeline yet.' : `In ${count} ${count === 1 ? 'pipeline' : 'pipelines'}.`)),
        h('div', { class: 'card-body' },
          count === 0 ? emptyState('No applications', pipelines ? 'Use “Add to a job” to start.' : null)
            : h('ul', { class: 'applications' }, items.map((i) => i.node)))));
      mount(sideSlot,
        pipelines && addToJob(candidate, applications, loadApplications),
        can('uploads_read') && candidateDocuments(candidate));
    };

    const setEditing = (open) => {
      if (!open) {
        editSlot.replaceChildren();
        header.querySelector('#edit-candidate-button')?.focus();
        return;
      }
      const form = candidateForm({
        candidate,
        onSaved: (saved) => {
          candidate = saved;
          mount(profileSlot, profile(candidate));
          mount(header, headerFor(candidate));
          document.title = [candidate.full_name, ctx.session.tenant?.name, 'hirebase'].filter(Boolean).join(' · ');
          toast('The candidate was saved.');
          setEditing(false);
        },
        onCancel: () => setEditing(false),
      });
      const formCard = card('Edit candidate', 'Only the fields you change are saved.', form);
      formCard.id = 'candidate-edit-card';
      mount(editSlot, formCard);
      form.querySelector('input')?.focus();
    };

    const headerFor = (c) => {
      const actions = [];
      if (editing) {
        const edit = h('button', { type: 'button', class: 'btn btn-secondary', id: 'edit-candidate-button', 'aria-controls': 'candidate-edit-card' }, 'Edit');
        edit.addEventListener('click', () => setEditing(editSlot.childElementCount === 0));
        actions.push(edit);
      }
      if (can('candidates_delete')) {
        const remove = h('button', { type: 'button', class: 'btn btn-danger-ghost', id: 'delete-candidate-button' }, 'Delete');
        remove.addEventListener('click', async () => {
          const ok = await confirmDialog({
            title: `Delete ${c.full_name}?`,
            message: 'Their profile and every application and stage history go with it. This cannot be undone.',
            confirmLabel: 'Delete candidate',
            danger: true,
          });
          if (!ok) return;
          try {
            await api('DELETE', `/candidates/${c.id}`);
          } catch (error) {
            toast(error.detail || String(error), 'danger');
            return;
          }
          forgetCandidate(c.id);
          toast(`${c.full_name} was deleted.`);
          ctx.navigate('#/candidates');
        });
        actions.push(remove);
      }
      if (can('candidates_erase')) {
        const erase = h('button', { type: 'button', class: 'btn btn-danger-ghost', id: 'erase-candidate-button' }, 'Erase');
        erase.addEventListener('click', async () => {
          let plan;
          try {
            plan = await api('POST', `/candidates/${c.id}/erase?dry_run=true`, {});
          } catch (error) {
            toast(error.detail || String(error), 'danger');
            return;
          }
          const ok = await confirmDialog({
            title: `Erase ${c.full_name} everywhere?`,
            message: erasureSentence(plan),
            confirmLabel: 'Erase candidate',
            confirmId: 'erase-candidate-confirm',
            danger: true,
          });
          if (!ok) return;
          try {
            await api('POST', `/candidates/${c.id}/erase`, {});
          } catch (error) {
            toast(error.detail || String(error), 'danger');
            return;
          }
          forgetCandidate(c.id);
          toast('The candidate was erased.');
          ctx.navigate('#/candidates');
        });
        actions.push(erase);
      }
      const line = [c.current_title, c.current_company].filter(Boolean).join(' at ') || c.headline;
      return pageHeader(c.full_name, line || null, ...actions);
    };
    mount(header, headerFor(candidate));
    // Interviews and offers move the pipeline: re-read the applications after either.
    const interviews = can('interviews_read') ? interviewsSection(candidate, { onChange: loadApplications }) : null;
    const offers = can('offers_read') ? offersSection(candidate, { onChange: loadApplications }) : null;
    await Promise.all([loadApplications(), interviews?.load(), offers?.load()]);
    const matching = can('matching') && matchingJobs(candidate, {
      open: ctx.query.get('matches') === '1',
      stageIn: (jobId) => applications.find((a) => a.job_id === jobId)?.status || null,
      onAdded: loadApplications,
    });

    return h('div', { class: 'page', dataset: { pageTitle: candidate.full_name } },
      h('a', { href: '#/candidates', class: 'back-link' }, icon('back', 'icon icon-sm'), 'All candidates'),
      header,
      editSlot,
      h('div', { class: 'grid-2 grid-wide-left' },
        h('div', { class: 'stack' }, profileSlot, appsSlot, matching, interviews?.node, offers?.node, candidateAssistant(candidate)),
        sideSlot),
      !editing && notice('info', 'You can read this profile but not change it.'));
  },
};
