// `#/interviews?status=scheduled&from=2026-06-01&to=…&page=N`: the agenda, grouped by day,
// soonest first; "Schedule interview" opens the form. `#/interviews/:id`: one interview —
// reschedule, complete, cancel, delete, its `.ics`, and its scorecards.

import { api, query } from './api.js';
import { card, confirmDialog, emptyState, h, icon, meter, mount, notice, pageHeader, problemNotice, time, toast } from './dom.js';
import { checks, field, formAlert, onSubmit, rule, selectField } from './forms.js';
import { newCard } from './form-card.js';
import {
  dayHeading, dayToRfc3339, icsLink, localDay, localInputToRfc3339, place, scheduleForm, scorecardForm, timeRange, toLocalInput, zoneName,
} from './interviews.js';
import { enumBadge, isValue, label, options } from './labels.js';
import { filterField, listCard, pageFrom, pagedList, replaceHash, statusTabs } from './list-page.js';
import {
  candidateById, changedFields, jobById, namesFor, panelFromText, panelNames, panelText, textOrNull, wholeNumber,
} from './recruiting.js';
import { can, session } from './session.js';

const PAGE_SIZE = 50;

/** One line of the agenda. */
export function agendaItem(interview, person, job, { showDay = false } = {}) {
  const name = person ? person.full_name : `Candidate ${interview.candidate_id}`;
  const cards = interview.scorecards.length;
  const facts = [
    job ? job.title : `Job ${interview.job_id}`,
    interview.interviewers.length > 0 && `with ${panelNames(interview.interviewers)}`,
    interview.location_or_url,
  ].filter(Boolean).join(' · ');
  return h('li', { class: ['agenda-item', `is-${interview.status}`], dataset: { interviewId: String(interview.id), status: interview.status } },
    h('div', { class: 'agenda-time' },
      timeRange(interview, { withDay: showDay }),
      h('span', { class: 'muted small' }, `${interview.duration_min} min`)),
    h('div', { class: 'agenda-main' },
      h('p', { class: 'agenda-title' },
        h('a', { href: `#/interviews/${interview.id}`, class: 'row-title' }, name),
        h('span', { class: 'badge badge-accent' }, label('interview_kind', interview.kind)),
        interview.status !== 'scheduled' && enumBadge('interview_status', interview.status)),
      h('p', { class: 'muted small agenda-facts' }, facts)),
    h('div', { class: 'agenda-side' },
      cards > 0 && h('span', { class: 'muted small' }, `${cards} ${cards === 1 ? 'scorecard' : 'scorecards'}`),
      h('a', { href: `#/interviews/${interview.id}`, class: 'btn btn-secondary btn-sm', 'aria-label': `Open the interview with ${name}` }, 'Open')));
}

/** The agenda: a heading per local day, its interviews under it. */
export function agenda(items, names) {
  const today = localDay(new Date());
  const tomorrow = localDay(new Date(Date.now() + 86_400_000));
  const days = new Map();
  for (const interview of items) {
    const day = localDay(new Date(interview.scheduled_at));
    if (!days.has(day)) days.set(day, []);
    days.get(day).push(interview);
  }
  return h('div', { class: 'agenda', id: 'interview-agenda' },
    [...days].map(([day, list]) => {
      const headingId = `day-${day}`;
      const when = day === today ? 'Today' : day === tomorrow ? 'Tomorrow' : null;
      return h('section', { class: 'agenda-day', 'aria-labelledby': headingId, dataset: { day } },
        h('h2', { class: 'agenda-day-title', id: headingId }, dayHeading(new Date(list[0].scheduled_at)), when && h('span', { class: 'badge badge-info' }, when)),
        h('ul', { class: 'agenda-list' }, list.map((i) => agendaItem(i, names.people.get(i.candidate_id), names.jobs.get(i.job_id)))));
    }));
}

export const interviewsPage = {
  title: 'Interviews',
  async render(ctx) {
    const q = (name) => ctx.query.get(name) || '';
    const raw = q('status');
    const status = raw === 'all' ? '' : (isValue('interview_status', raw) ? raw : 'scheduled');
    const list = pagedList({
      route: '#/interviews',
      state: {
        status,
        // Upcoming starts today unless the address says otherwise (`from=` means "no bound").
        from: ctx.query.has('from') ? q('from') : (status === 'scheduled' ? localDay(new Date()) : ''),
        to: q('to'),
        page: pageFrom(ctx.query),
      },
      // "Upcoming" is the default, so "All" has to be written out.
      toQuery: (s) => ({ status: s.status || 'all', from: s.from, to: s.to }),
      pageSize: PAGE_SIZE,
      wait: 100,
      summaryId: 'interview-count',
      load: async (s, { skip, limit }) => {
        if (s.from && s.to && s.from > s.to) return { invalid: 'The start of the range is after its end.' };
        const data = await api('GET', `/interviews${query({
          skip, limit, status: s.status, from: dayToRfc3339(s.from), to: dayToRfc3339(s.to, { endOfDay: true }),
        })}`);
        return { ...data, names: await namesFor(data.items) };
      },
      summary: (data) => {
        const noun = data.total === 1 ? 'interview' : 'interviews';
        const ranged = list.state.from || list.state.to;
        return `${data.total} ${noun}${ranged ? ' in this range' : ''}, soonest first. Times are in ${zoneName()}.`;
      },
      empty: () => emptyState(list.state.status === 'scheduled' ? 'Nothing scheduled' : 'No interviews match',
        can('interviews_write') ? 'Schedule one with the button above, or from a candidate’s page.' : 'Interviews you sit on appear here.'),
      render: (data) => h('div', { class: 'card-body' }, agenda(data.items, data.names)),
    });

    const from = filterField({ id: 'interview-from', label: 'From', type: 'date', value: list.state.from });
    const to = filterField({ id: 'interview-to', label: 'To', type: 'date', value: list.state.to });
    from.input.addEventListener('change', () => list.set({ from: from.input.value }));
    to.input.addEventListener('change', () => list.set({ to: to.input.value }));
    const tabs = statusTabs({
      id: 'interview-status-filter',
      options: [['scheduled', 'Upcoming'], ...options('interview_status', { only: ['completed', 'cancelled'] }), ['', 'All']],
      current: list.state.status,
      onPick: (value) => {
        // Upcoming means from today; the past and "all" have no lower bound.
        from.input.value = value === 'scheduled' ? localDay(new Date()) : '';
        list.set({ status: value, from: from.input.value });
      },
    });
    const clear = h('button', { type: 'button', class: 'btn btn-link btn-sm', id: 'interview-clear-dates' }, 'Any date');
    clear.addEventListener('click', () => {
      from.input.value = '';
      to.input.value = '';
      list.set({ from: '', to: '' });
    });

    const creator = can('interviews_write') && newCard({
      id: 'schedule-interview-card', title: 'Schedule an interview', description: 'The candidate’s application moves to Interview.',
      button: 'Schedule interview', buttonId: 'schedule-interview-button', open: ctx.query.get('new') === '1',
      form: (close) => scheduleForm({
        // The interview's page says so itself (a toast would sit on its scorecard button).
        onScheduled: (interview) => ctx.navigate(`#/interviews/${interview.id}?scheduled=1`),
        onCancel: close,
      }),
    });

    await list.reload();

    return h('div', { class: 'page' },
      pageHeader('Interviews', can('interviews_write') ? 'Everything on the hiring calendar.' : 'The interviews you sit on.', creator && creator.button),
      creator && creator.card,
      listCard({
        label: 'Interviews',
        toolbar: [tabs, h('div', { class: 'filters', role: 'group', 'aria-label': 'Date range' }, from.node, to.node, clear)],
        list,
      }));
  },
};

// ---- One interview ----------------------------------------------------------------------------

function fact(label, value, id) {
  return h('div', {}, h('dt', {}, label), h('dd', { id }, value || h('span', { class: 'muted' }, '—')));
}

function editForm(interview, { onSaved, onCancel }) {
  const form = h('form', { class: 'form', id: 'interview-edit-form' },
    formAlert(),
    h('div', { class: 'grid-auto' },
      field({
        name: 'scheduled_at', label: 'Date and time', id: 'interview-edit-when', type: 'datetime-local', required: true, step: 300,
        value: toLocalInput(new Date(interview.scheduled_at)), hint: `Your time zone: ${zoneName()}.`,
      }),
      field({ name: 'duration_min', label: 'Duration (minutes)', id: 'interview-edit-duration', type: 'number', min: 5, max: 480, step: 5, value: interview.duration_min }),
      selectField({ name: 'kind', label: 'Kind', id: 'interview-edit-kind', options: options('interview_kind'), value: interview.kind })),
    h('div', { class: 'grid-auto grid-auto-wide' },
      field({ name: 'location_or_url', label: 'Location or meeting link', id: 'interview-edit-location', maxlength: 500, value: interview.location_or_url || '' }),
      field({ name: 'interviewers', label: 'Interviewers', id: 'interview-edit-interviewers', value: panelText(interview.interviewers), hint: 'Teammates by email, others by name; separate with commas.' })),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'interview-edit-submit' }, 'Save changes'),
      h('button', { type: 'button', class: 'btn btn-ghost', onClick: onCancel }, 'Cancel')));
  onSubmit(form, {
    busyLabel: 'Saving…',
    validate: (values) => checks(values, {
      scheduled_at: [rule.required, (v) => (localInputToRfc3339(v) ? null : 'must be a date and time')],
      duration_min: [rule.required, wholeNumber(5, 480)],
      location_or_url: [rule.maxLength(500)],
    }),
    submit: async (values) => {
      const body = {
        scheduled_at: localInputToRfc3339(values.scheduled_at),
        duration_min: Number(values.duration_min),
        kind: values.kind,
        location_or_url: textOrNull(values.location_or_url),
        interviewers: panelFromText(values.interviewers),
      };
      const patch = changedFields(interview, body);
      if (values.interviewers.trim() === panelText(interview.interviewers)) delete patch.interviewers;
      // The same instant can be written two ways; compare times as times.
      if (patch.scheduled_at && new Date(patch.scheduled_at).getTime() === new Date(interview.scheduled_at).getTime()) delete patch.scheduled_at;
      if (Object.keys(patch).length === 0) {
        toast('Nothing changed.', 'info');
        onCancel();
        return;
      }
      await onSaved(await api('PATCH', `/interviews/${interview.id}`, patch));
    },
  });
  return form;
}

function scorecardList(interview) {
  const cards = interview.scorecards;
  if (cards.length === 0) return emptyState('No scorecards yet', can('scorecards_write') && interview.status !== 'cancelled' ? 'Add the first one below.' : null);
  const average = Math.round(cards.reduce((sum, c) => sum + c.score, 0) / cards.length);
  return h('div', { class: 'stack-sm' },
    h('p', { class: 'scorecard-summary' }, h('span', { class: 'score-big', id: 'scorecard-average' }, String(average)),
      h('span', { class: 'muted' }, ` average of ${cards.length} ${cards.length === 1 ? 'scorecard' : 'scorecards'}`)),
    h('ul', { class: 'scorecards', id: 'scorecards' },
      cards.map((c) => {
        return h('li', { class: 'scorecard', dataset: { interviewer: c.interviewer, score: String(c.score) } },
          h('div', { class: 'scorecard-head' },
            h('strong', { class: 'scorecard-name' }, c.interviewer),
            enumBadge('recommendation', c.recommendation),
            h('span', { class: 'scorecard-score' }, meter(c.score), h('span', { class: 'score-value' }, `${c.score}`), h('span', { class: 'muted small' }, '/100'))),
          c.notes && h('p', { class: 'prose scorecard-notes' }, c.notes),
          h('p', { class: 'muted small' }, 'Submitted by ', c.submitted_by, ' · ', time(c.submitted_at)));
      })));
}

export const interviewPage = {
  title: 'Interview',
  async render(ctx) {
    let interview = await api('GET', `/interviews/${encodeURIComponent(ctx.params.id)}`);
    const [person, job] = await Promise.all([
      candidateById(interview.candidate_id).catch(() => null),
      jobById(interview.job_id).catch(() => null),
    ]);
    const name = person ? person.full_name : `Candidate ${interview.candidate_id}`;
    const header = h('div', {});
    const factsSlot = h('div', {});
    const editSlot = h('div', {});
    const scoresSlot = h('div', {});
    const formSlot = h('div', {});
    const message = h('div', { id: 'interview-message' });
    if (ctx.query.get('scheduled') === '1') {
      replaceHash(`#/interviews/${interview.id}`);
      mount(message, notice('success', 'The interview is scheduled',
        h('p', {}, 'Download the .ics file to put it in your calendar, or send it to the interviewers.')));
    }

    const setStatus = async (next, button) => {
      const verb = next === 'completed' ? 'complete' : 'cancel';
      if (next === 'cancelled') {
        const ok = await confirmDialog({
          title: `Cancel the interview with ${name}?`,
          message: 'It stays on record as cancelled and can no longer be rescheduled or scored.',
          confirmLabel: 'Cancel interview',
          danger: true,
        });
        if (!ok) return;
      }
      button.disabled = true;
      try {
        interview = await api('PATCH', `/interviews/${interview.id}`, { status: next });
        toast(next === 'completed' ? 'Marked as completed.' : 'The interview was cancelled.');
        message.replaceChildren();
        formSlot.replaceChildren();
        show();
      } catch (error) {
        mount(message, error.status === 422
          ? notice('warning', `The interview could not ${verb}`, h('p', {}, error.detail))
          : problemNotice(error));
        button.disabled = false;
      }
    };

    const remove = async () => {
      const ok = await confirmDialog({
        title: `Delete the interview with ${name}?`,
        message: 'The interview and its scorecards are deleted. The candidate’s application stays where it is.',
        confirmLabel: 'Delete interview',
        danger: true,
      });
      if (!ok) return;
      try {
        await api('DELETE', `/interviews/${interview.id}`);
        toast('The interview was deleted.');
        ctx.navigate('#/interviews');
      } catch (error) {
        toast(error.detail || String(error), 'danger');
      }
    };

    const setEditing = (open) => {
      if (!open) {
        editSlot.replaceChildren();
        header.querySelector('#reschedule-interview-button')?.focus();
        return;
      }
      const form = editForm(interview, {
        onSaved: (saved) => {
          interview = saved;
          toast('The interview was updated.');
          setEditing(false);
          show();
        },
        onCancel: () => setEditing(false),
      });
      const formCard = card('Reschedule or change', 'Only what you change is saved.', form);
      formCard.id = 'interview-edit-card';
      mount(editSlot, formCard);
      form.querySelector('input')?.focus();
    };

    const headerFor = () => {
      const actions = [icsLink(interview)];
      if (can('interviews_write') && interview.status === 'scheduled') {
        const edit = h('button', { type: 'button', class: 'btn btn-secondary', id: 'reschedule-interview-button', 'aria-controls': 'interview-edit-card' }, 'Reschedule');
        edit.addEventListener('click', () => setEditing(editSlot.childElementCount === 0));
        const complete = h('button', { type: 'button', class: 'btn btn-secondary', id: 'complete-interview-button' }, icon('check', 'icon icon-sm'), 'Mark completed');
        complete.addEventListener('click', () => setStatus('completed', complete));
        const cancel = h('button', { type: 'button', class: 'btn btn-danger-ghost', id: 'cancel-interview-button' }, 'Cancel interview');
        cancel.addEventListener('click', () => setStatus('cancelled', cancel));
        actions.push(edit, complete, cancel);
      }
      if (can('interviews_delete')) {
        const del = h('button', { type: 'button', class: 'btn btn-danger-ghost', id: 'delete-interview-button' }, 'Delete');
        del.addEventListener('click', remove);
        actions.push(del);
      }
      return pageHeader(`Interview with ${name}`, `${label('interview_kind', interview.kind)} · ${job ? job.title : `Job ${interview.job_id}`}`, ...actions);
    };

    const show = () => {
      mount(header, headerFor());
      const start = new Date(interview.scheduled_at);
      mount(factsSlot, h('section', { class: 'card job-summary', 'aria-label': 'Interview facts', id: 'interview-facts' },
        h('dl', { class: 'facts facts-grid' },
          fact('Status', enumBadge('interview_status', interview.status), 'interview-status'),
          fact('When', h('span', {}, dayHeading(start), h('br'), timeRange(interview)), 'interview-when'),
          fact('Duration', `${interview.duration_min} minutes`),
          fact('Kind', label('interview_kind', interview.kind)),
          fact('Where', place(interview.location_or_url)),
          fact('Interviewers', interview.interviewers.length > 0 && panelNames(interview.interviewers), 'interview-interviewers'),
          fact('Candidate', person ? h('a', { href: `#/candidates/${person.id}` }, person.full_name) : name),
          fact('Job', job ? h('a', { href: `#/jobs/${job.id}` }, job.title) : `Job ${interview.job_id}`))));
      mount(scoresSlot, scorecardList(interview));
      if (can('scorecards_write') && interview.status !== 'cancelled') {
        if (formSlot.childElementCount === 0) {
          mount(formSlot, card('Add a scorecard', interview.status === 'scheduled' ? 'Usually after the interview; you can mark it completed above.' : null,
            scorecardForm(interview, {
              onSaved: (saved) => {
                interview = saved;
                toast('The scorecard was saved.');
                show();
                scoresSlot.querySelector('#scorecards')?.lastElementChild?.classList.add('is-flash');
              },
            })));
        }
      } else {
        formSlot.replaceChildren();
      }
      document.title = [`Interview with ${name}`, session.tenant?.name, 'hirebase'].filter(Boolean).join(' · ');
    };
    show();

    // The candidate's stage in this job, for context.
    const stageSlot = h('p', { class: 'muted small' });
    if (can('applications_read')) {
      api('GET', `/applications/${interview.application_id}`)
        .then((app) => mount(stageSlot, 'Their application is at ', enumBadge('stage', app.status), '.'))
        .catch(() => {});
    }

    return h('div', { class: 'page', dataset: { pageTitle: `Interview with ${name}` } },
      h('a', { href: '#/interviews', class: 'back-link' }, icon('back', 'icon icon-sm'), 'All interviews'),
      header,
      message,
      factsSlot,
      stageSlot,
      editSlot,
      h('div', { class: 'grid-2 grid-wide-left' },
        h('section', { class: 'card', 'aria-labelledby': 'scorecards-title', id: 'scorecards-card' },
          h('header', { class: 'card-header' }, h('h2', { class: 'card-title', id: 'scorecards-title' }, 'Scorecards')),
          h('div', { class: 'card-body' }, scoresSlot)),
        formSlot));
  },
};
