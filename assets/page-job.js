// `#/jobs/:id`: one job — its facts, its pipeline board, its documents, edit (`?edit=1` opens
// the form) and delete.
// For people who may match, the board shares the page with the job's matching candidates
// (`?tab=matches`): each with its spider chart, reason and skills, and "Add to pipeline".

import { api } from './api.js';
import { card, h, icon, mount, pageHeader, problemNotice, tabs, time, toast } from './dom.js';
import { enumBadge, label } from './labels.js';
import { replaceHash } from './list-page.js';
import { jobAssistant } from './assistant.js';
import { jobDocuments } from './documents.js';
import { matchesPanel, pipelineAction } from './matches.js';
import { deleteJob, jobForm, visibility } from './page-jobs.js';
import { pipelineBoard } from './pipeline-board.js';
import { can, session } from './session.js';
import { candidateById, careersUrl, chips, isListed, rememberJob, roleLine, salaryRange } from './recruiting.js';

function fact(label, value, id) {
  return h('div', {}, h('dt', {}, label), h('dd', { id }, value ?? h('span', { class: 'muted' }, '—')));
}

function summary(job) {
  return h('section', { class: 'card job-summary', 'aria-label': 'Job facts', id: 'job-summary' },
    h('dl', { class: 'facts facts-grid' },
      fact('Status', enumBadge('job_status', job.status), 'job-summary-status'),
      fact('Careers page', visibility(job)),
      fact('Applicants', String(job.applicants), 'job-applicants'),
      fact('Hired', String(job.hired), 'job-hired'),
      fact('Level', label('level', job.level) || null),
      fact('Employment', [label('employment_type', job.employment_type), label('remote_option', job.remote_option)].filter(Boolean).join(' · ') || null, 'job-employment'),
      fact('Salary', salaryRange(job)),
      fact('Updated', time(job.updated_at))));
}

function details(job) {
  const skillRows = [
    ['Required skills', job.required_skills],
    ['Nice to have', job.nice_to_have_skills],
    ['Other keywords', job.skills],
  ].filter(([, list]) => list.length > 0);
  if (!job.description && skillRows.length === 0) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'job-details-title' },
    h('header', { class: 'card-header' }, h('h2', { class: 'card-title', id: 'job-details-title' }, 'About the job')),
    h('div', { class: 'card-body job-details' },
      skillRows.length > 0 && h('dl', { class: 'skill-rows' },
        skillRows.map(([label, list]) => h('div', {}, h('dt', {}, label), h('dd', {}, chips(list))))),
      job.description && h('p', { class: 'prose' }, job.description)));
}

/** The job's matching candidates, best first; `board` is the pipeline they are added to. */
function jobMatches(job, board) {
  const adding = can('applications_write');
  return matchesPanel({
    id: 'job-matches',
    noun: ['candidate', 'candidates'],
    empty: 'No candidate in your talent pool fits this job yet. Add required skills to the job, or add candidates.',
    load: (limit, strategy) => api('POST', '/matching/candidates_for_job', { job_id: job.id, limit, strategy }),
    byMeaning: true,
    card: (m, rank) => ({
      id: `job-match-${m.candidate_id}`,
      rank,
      title: m.full_name,
      link: `#/candidates/${m.candidate_id}`,
      line: [roleLine(m), m.location].filter(Boolean).join(' · ') || null,
      match: m,
      dataset: { candidateId: String(m.candidate_id) },
      actions: [adding && pipelineAction({
        jobId: job.id,
        candidateId: m.candidate_id,
        name: m.full_name,
        where: `“${job.title}”`,
        stage: board()?.stageOf(m.candidate_id),
        onAdded: async (app) => {
          const person = await candidateById(m.candidate_id).catch(() => ({ id: m.candidate_id, ...m }));
          board()?.add(app, person);
        },
      })],
    }),
  });
}

export const jobPage = {
  title: 'Job',
  async render(ctx) {
    const id = ctx.params.id;
    let job = await api('GET', `/jobs/${encodeURIComponent(id)}`);
    rememberJob(job);
    const hiring = can('jobs_write');

    const header = h('div', {});
    const summarySlot = h('div', {}, summary(job));
    const detailsSlot = h('div', {}, details(job));
    const boardSlot = h('div', {});
    const editSlot = h('div', {});

    const show = () => {
      mount(summarySlot, summary(job));
      mount(detailsSlot, details(job));
      mount(header, headerFor(job));
      document.title = [job.title, session.tenant?.name, 'hirebase'].filter(Boolean).join(' · ');
    };

    // The board changes the counters: re-read them (the server keeps them exact).
    const onChange = async () => {
      try {
        job = await api('GET', `/jobs/${job.id}`);
        rememberJob(job);
        mount(summarySlot, summary(job));
      } catch {
        // The counters can wait for the next visit.
      }
    };

    let board = null;
    const addButton = can('applications_submit') && h('button', { type: 'button', class: 'btn btn-primary', id: 'add-to-pipeline-button', 'aria-controls': 'add-to-pipeline' },
      icon('plus'), 'Add candidate');
    addButton?.addEventListener('click', () => board?.openPicker());

    const setEditing = (open) => {
      if (!open) {
        editSlot.replaceChildren();
        header.querySelector('#edit-job-button')?.focus();
        return;
      }
      const form = jobForm({
        job,
        onSaved: (saved) => {
          job = saved;
          show();
          toast('The job was saved.');
          setEditing(false);
        },
        onCancel: () => setEditing(false),
      });
      const formCard = card('Edit job', 'Only the fields you change are saved.', form);
      formCard.id = 'job-edit-card';
      mount(editSlot, formCard);
      form.querySelector('input')?.focus();
    };

    const headerFor = (j) => {
      const actions = [];
      const url = isListed(j) && careersUrl(j);
      if (url) {
        actions.push(h('a', { href: url, target: '_blank', rel: 'noopener', class: 'btn btn-secondary', id: 'job-careers-link' },
          icon('external', 'icon icon-sm'), 'Careers page'));
      }
      if (hiring) {
        const edit = h('button', { type: 'button', class: 'btn btn-secondary', id: 'edit-job-button', 'aria-controls': 'job-edit-card' }, 'Edit');
        edit.addEventListener('click', () => setEditing(editSlot.childElementCount === 0));
        const remove = h('button', { type: 'button', class: 'btn btn-danger-ghost', id: 'delete-job-button' }, 'Delete');
        remove.addEventListener('click', async () => {
          if (await deleteJob(j)) ctx.navigate('#/jobs');
        });
        actions.push(edit, remove);
      }
      const subtitle = [j.department, j.location].filter(Boolean).join(' · ');
      return pageHeader(j.title, subtitle || null, ...actions);
    };
    mount(header, headerFor(job));

    try {
      board = await pipelineBoard(job, { onChange });
      mount(boardSlot, board.node);
    } catch (error) {
      mount(boardSlot, problemNotice(error));
    }
    if (hiring && ctx.query.get('edit') === '1') {
      setEditing(true);
      editSlot.querySelector('#job-title')?.setAttribute('data-autofocus', '');
    }

    let work;
    if (can('matching')) {
      // The board and the matches share the space: a tab each, the choice kept in the address.
      const matches = jobMatches(job, () => board);
      const sections = tabs({
        id: 'job-tabs',
        label: 'Pipeline and matches',
        items: [
          { key: 'pipeline', label: 'Pipeline', panel: boardSlot },
          { key: 'matches', label: 'Matches', panel: matches.node },
        ],
        current: ctx.query.get('tab') === 'matches' ? 'matches' : 'pipeline',
        onSelect: (key) => {
          if (addButton) addButton.hidden = key !== 'pipeline';
          replaceHash(`#/jobs/${job.id}${key === 'matches' ? '?tab=matches' : ''}`);
          if (key === 'matches') matches.ensure();
        },
      });
      if (ctx.query.get('tab') === 'matches') {
        if (addButton) addButton.hidden = true;
        matches.ensure();
      }
      work = h('section', { class: 'pipeline-section', 'aria-label': 'Pipeline and matches' },
        h('div', { class: 'section-head' }, sections.bar, addButton),
        sections.panels);
    } else {
      work = h('section', { class: 'pipeline-section', 'aria-labelledby': 'pipeline-title' },
        h('div', { class: 'section-head' },
          h('h2', { class: 'section-title', id: 'pipeline-title' }, 'Pipeline'),
          addButton),
        boardSlot);
    }

    const view = h('div', { class: 'page page-wide', dataset: { pageTitle: job.title } },
      h('a', { href: '#/jobs', class: 'back-link' }, icon('back', 'icon icon-sm'), 'All jobs'),
      header,
      summarySlot,
      editSlot,
      work,
      detailsSlot,
      can('uploads_read') && jobDocuments(job),
      jobAssistant(job));
    return view;
  },
};
