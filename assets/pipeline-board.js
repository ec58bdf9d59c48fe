// A job's pipeline as a board: a column per open stage, and the three ways out (Hired,
// Rejected, Withdrawn) folded into one last column, so the whole pipeline fits a 1400 px
// screen. A card says who, their role, how long they have been at the stage, where they came
// from and their next interview. It moves by drag and drop or by its stage select (the keyboard
// way); a move that skips stages asks first. "Add candidate" searches the talent pool as you
// type and puts the pick into the pipeline.

import { api } from './api.js';
import { badge, confirmDialog, h, icon, mount, notice, problemNotice, toast } from './dom.js';
import { label } from './labels.js';
import {
  candidateById, candidateLookup, confirmStageMove, entryStages, listAll, mapLimit, rememberCandidate, roleLine, stageSelect,
} from './recruiting.js';
import { can } from './session.js';

const DRAG_TYPE = 'application/x-hirebase-application';
const OPEN_STAGES = ['sourced', 'applied', 'screening', 'interview', 'offer'];
const CLOSING_STAGES = ['hired', 'rejected', 'withdrawn'];
const DAY_MS = 86_400_000;

const shortWhen = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const longDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "Moved here today", "1 day in stage", "12 days in stage". */
function daysAt(since, now = Date.now()) {
  const days = Math.max(0, Math.floor((now - new Date(since).getTime()) / DAY_MS));
  return days === 0 ? 'Moved here today' : `${days} ${days === 1 ? 'day' : 'days'} in stage`;
}

/** The earliest upcoming interview of each candidate in this job: `candidate id → interview`. */
async function nextInterviews(job) {
  const next = new Map();
  if (!can('interviews_read')) return next;
  const now = Date.now();
  let items = [];
  try {
    items = await listAll('/interviews', { job_id: job.id, status: 'scheduled' });
  } catch {
    return next; // The board is still useful without them.
  }
  for (const interview of items) {
    if (new Date(interview.scheduled_at).getTime() < now) continue;
    const known = next.get(interview.candidate_id);
    if (!known || interview.scheduled_at < known.scheduled_at) next.set(interview.candidate_id, interview);
  }
  return next;
}

/**
 * Loads the job's applications, their candidates and upcoming interviews, then returns the
 * board. `onChange()` runs after every move, addition or removal (the job's counters changed).
 */
export async function pipelineBoard(job, { onChange }) {
  const moving = can('applications_write');
  const [applications, interviews] = await Promise.all([listAll('/applications', { job_id: job.id }), nextInterviews(job)]);
  const ids = [...new Set(applications.map((a) => a.candidate_id))];
  const people = new Map();
  await mapLimit(ids, 6, async (id) => {
    try {
      people.set(id, await candidateById(id));
    } catch {
      people.set(id, { id, full_name: `Candidate ${id}`, missing: true });
    }
  });

  const announcer = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const say = (text) => {
    announcer.textContent = '';
    // A fresh text node makes screen readers repeat an identical message.
    requestAnimationFrame(() => { announcer.textContent = text; });
  };

  const cards = new Map(); // application id → {app, node, select}
  const columns = new Map(); // stage → {section, list, count, empty}
  let dragging = null;

  const refreshCounts = () => {
    for (const column of columns.values()) {
      const n = column.list.children.length;
      column.count.textContent = String(n);
      column.count.setAttribute('aria-label', `${n} ${n === 1 ? 'candidate' : 'candidates'}`);
      column.empty.hidden = n > 0;
      column.section.classList.toggle('is-empty', n === 0);
      column.section.dataset.count = String(n);
    }
  };

  const place = (entry, { top = true } = {}) => {
    const column = columns.get(entry.app.status);
    if (top) column.list.prepend(entry.node);
    else column.list.append(entry.node);
    entry.node.dataset.stage = entry.app.status;
  };

  const nameOf = (app) => people.get(app.candidate_id)?.full_name || 'The candidate';

  const move = async (entry, to) => {
    const { app, node, select } = entry;
    const from = app.status;
    if (to === from || node.classList.contains('is-moving')) {
      select.value = app.status;
      return;
    }
    const name = nameOf(app);
    const hadFocus = document.activeElement === select;
    if (!(await confirmStageMove(name, from, to))) {
      select.value = app.status;
      if (hadFocus) select.focus();
      return;
    }
    node.classList.add('is-moving');
    node.setAttribute('aria-busy', 'true');
    select.disabled = true;
    try {
      const updated = await api('PATCH', `/applications/${app.id}`, { status: to });
      Object.assign(app, updated);
      entry.draw();
      place(entry);
      refreshCounts();
      say(`${name} moved from ${label('stage', from)} to ${label('stage', app.status)}.`);
      picker?.refreshMarks();
      onChange?.();
    } catch (error) {
      toast(error.detail || String(error), 'danger');
    } finally {
      select.value = app.status;
      select.disabled = false;
      node.classList.remove('is-moving');
      node.removeAttribute('aria-busy');
      if (hadFocus) select.focus();
    }
  };

  const remove = async (entry) => {
    const name = people.get(entry.app.candidate_id)?.full_name || 'this candidate';
    const ok = await confirmDialog({
      title: `Remove ${name} from the pipeline?`,
      message: `The application and its stage history are deleted. ${name} stays in your candidates.`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!ok) return;
    try {
      await api('DELETE', `/applications/${entry.app.id}`);
    } catch (error) {
      toast(error.detail || String(error), 'danger');
      return;
    }
    entry.node.remove();
    cards.delete(entry.app.id);
    refreshCounts();
    say(`${name} was removed from the pipeline.`);
    picker?.refreshMarks();
    onChange?.();
  };

  /** The card's facts: days at the stage, the source, the next interview. */
  const facts = (app, person) => {
    const interview = interviews.get(app.candidate_id);
    // The candidate's own source (referral, LinkedIn…) says more than how the application was entered.
    const source = person.source || app.source;
    const at = new Date(app.stage_changed_at);
    return h('ul', { class: 'app-card-facts' },
      h('li', { class: 'app-card-days', title: `At ${label('stage', app.status)} since ${longDate.format(at)}` },
        daysAt(app.stage_changed_at)),
      source && h('li', { class: 'app-card-source' }, h('span', { class: 'visually-hidden' }, 'Source: '), label('source', source)),
      interview && h('li', { class: 'app-card-next' },
        h('a', { href: `#/interviews/${interview.id}`, title: longDate.format(new Date(interview.scheduled_at)) },
          icon('interviews', 'icon icon-xs'), h('span', { class: 'visually-hidden' }, 'Next interview: '),
          shortWhen.format(new Date(interview.scheduled_at)))));
  };

  const cardFor = (app) => {
    const person = people.get(app.candidate_id) || { full_name: `Candidate ${app.candidate_id}` };
    const line = person.missing ? 'No longer in your candidates' : roleLine(person);
    const entry = { app };
    const select = stageSelect(app.status, `Stage of ${person.full_name}`, (stage) => move(entry, stage));
    select.disabled = !moving;
    const node = h('li', {
      class: 'app-card', draggable: moving ? 'true' : null,
      dataset: { applicationId: String(app.id), candidateId: String(app.candidate_id), stage: app.status },
    });
    entry.draw = () => mount(node,
      h('div', { class: 'app-card-head' },
        moving && icon('grip', 'icon icon-sm grip'),
        h('a', { href: `#/candidates/${app.candidate_id}`, class: 'app-card-name' }, person.full_name),
        app.fit_score != null && h('span', { class: 'fit', title: 'Fit score (0–100)' }, h('span', { class: 'visually-hidden' }, 'Fit score '), String(app.fit_score))),
      line && h('p', { class: 'app-card-line' }, line),
      facts(app, person),
      h('div', { class: 'app-card-foot' },
        select,
        moving && h('button', {
          type: 'button', class: 'icon-btn icon-btn-sm', 'aria-label': `Remove ${person.full_name} from the pipeline`, title: 'Remove from the pipeline',
          onClick: () => remove(entry),
        }, icon('trash', 'icon icon-sm'))));
    node.addEventListener('dragstart', (event) => {
      if (event.target !== node) return;
      dragging = entry;
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData(DRAG_TYPE, String(app.id));
      event.dataTransfer.setData('text/plain', person.full_name);
      requestAnimationFrame(() => node.classList.toggle('is-dragging', dragging === entry));
    });
    node.addEventListener('animationend', () => node.classList.remove('is-new', 'is-flash'));
    node.addEventListener('dragend', () => {
      dragging = null;
      node.classList.remove('is-dragging');
      for (const column of columns.values()) column.section.classList.remove('is-over');
    });
    Object.assign(entry, { node, select });
    entry.draw();
    cards.set(app.id, entry);
    return entry;
  };

  /** One stage's drop target: a column of its own, or a group inside the closing column. */
  const stageSection = (stage, tag, className) => {
    const headingId = `stage-${stage}-title`;
    const count = h('span', { class: 'stage-count' }, '0');
    const list = h('ul', { class: 'stage-list', 'aria-labelledby': headingId });
    const empty = h('p', { class: 'stage-empty' }, moving ? 'Drop a candidate here' : 'Nobody at this stage');
    const section = h(tag, { class: `${className} stage-${stage}`, id: `stage-${stage}`, dataset: { stage } },
      h('header', { class: 'stage-header' }, h('h3', { id: headingId, class: 'stage-title' }, label('stage', stage)), count),
      list, empty);
    columns.set(stage, { section, list, count, empty });
    if (moving) {
      section.addEventListener('dragover', (event) => {
        if (!dragging || !event.dataTransfer.types.includes(DRAG_TYPE)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        section.classList.add('is-over');
      });
      section.addEventListener('dragleave', (event) => {
        if (!section.contains(event.relatedTarget)) section.classList.remove('is-over');
      });
      section.addEventListener('drop', (event) => {
        event.preventDefault();
        event.stopPropagation();
        section.classList.remove('is-over');
        const entry = dragging || cards.get(Number(event.dataTransfer.getData(DRAG_TYPE)));
        if (entry) move(entry, stage);
      });
    }
    return section;
  };

  const board = h('div', { class: 'board', id: 'pipeline-board' },
    OPEN_STAGES.map((stage) => stageSection(stage, 'section', 'stage-column')),
    h('div', { class: 'stage-column stage-closing', role: 'group', 'aria-label': 'Closed: hired, rejected, withdrawn' },
      CLOSING_STAGES.map((stage) => stageSection(stage, 'section', 'stage-group'))));

  // Newest move first within a column.
  applications.sort((a, b) => String(b.stage_changed_at).localeCompare(String(a.stage_changed_at)));
  for (const app of applications) place(cardFor(app), { top: false });
  refreshCounts();

  const inPipeline = (candidateId) => [...cards.values()].find((e) => e.app.candidate_id === candidateId) || null;
  const added = (app, person) => {
    people.set(person.id, person);
    const entry = cardFor(app);
    place(entry);
    refreshCounts();
    entry.node.classList.add('is-new');
    say(`${person.full_name} was added to ${label('stage', app.status)}.`);
    picker?.refreshMarks();
    onChange?.();
  };
  const picker = moving ? addCandidatePanel(job, {
    inPipeline,
    added,
    flash: (entry) => {
      entry.node.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      entry.node.classList.remove('is-flash');
      requestAnimationFrame(() => entry.node.classList.add('is-flash'));
    },
  }) : null;

  return {
    node: h('div', { class: 'pipeline' }, picker?.node, announcer, board,
      moving && h('p', { class: 'muted small board-help' }, 'Drag a card to another stage, or choose its stage from the list on the card. Moves that skip stages ask first.')),
    openPicker: () => picker?.open(),
    /** The stage `candidateId` is at in this pipeline, or null. */
    stageOf: (candidateId) => inPipeline(candidateId)?.app.status || null,
    /** Puts a card for an application made elsewhere (a match added to the pipeline) on the board. */
    add: (app, person) => {
      if (!cards.has(app.id)) added(app, person);
    },
  };
}

// ---- Adding a candidate ---------------------------------------------------------------------

function addCandidatePanel(job, { inPipeline, added, flash }) {
  const input = h('input', {
    type: 'search', class: 'input', id: 'pipeline-search', autocomplete: 'off', maxlength: 200,
    placeholder: 'Type a name, title, company or skill…', 'aria-describedby': 'pipeline-search-hint', 'aria-controls': 'pipeline-results',
  });
  const stage = h('select', { class: 'input select', id: 'pipeline-stage' },
    entryStages().map(([value, text]) => h('option', { value, selected: value === 'sourced' }, text)));
  const results = h('ul', { class: 'picker-results', id: 'pipeline-results', 'aria-label': 'Matching candidates' });
  const status = h('p', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
  const message = h('div', { class: 'picker-message' });
  const panel = h('section', { class: 'picker', id: 'add-to-pipeline', 'aria-labelledby': 'add-to-pipeline-title', hidden: true },
    h('div', { class: 'picker-head' },
      h('h3', { id: 'add-to-pipeline-title', class: 'picker-title' }, 'Add a candidate to this pipeline'),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close', onClick: () => close() }, icon('close'))),
    h('div', { class: 'picker-controls' },
      h('div', { class: 'field' }, h('label', { for: 'pipeline-search', class: 'label' }, 'Search candidates'), input,
        h('p', { class: 'hint', id: 'pipeline-search-hint' }, 'Results update as you type. ', h('a', { href: '#/candidates?new=1' }, 'New candidate…'))),
      h('div', { class: 'field picker-stage' }, h('label', { for: 'pipeline-stage', class: 'label' }, 'Add at stage'), stage)),
    message, status, results);

  const shown = new Map(); // candidate id → {person, button, row}

  const markRow = ({ person, button, row }) => {
    const entry = inPipeline(person.id);
    row.classList.toggle('is-in', Boolean(entry));
    row.querySelector('.picker-in')?.remove();
    button.hidden = Boolean(entry);
    if (entry) row.append(h('span', { class: 'picker-in' }, badge(`In ${label('stage', entry.app.status)}`, 'accent')));
  };

  const add = async (person, button) => {
    message.replaceChildren();
    button.disabled = true;
    try {
      const app = await api('POST', '/applications', { job_id: job.id, candidate_id: person.id, status: stage.value });
      rememberCandidate(person);
      added(app, person);
      toast(`${person.full_name} was added to the pipeline.`);
      markRow(shown.get(person.id));
      input.focus();
    } catch (error) {
      if (error.status === 409) {
        const entry = inPipeline(person.id);
        mount(message, notice('info', `${person.full_name} is already in this pipeline`,
          h('p', {}, entry ? `They are at ${label('stage', entry.app.status)}. Move their card instead of adding them again.`
            : 'Each candidate can be in a job’s pipeline once. Reload the page to see their card.')));
        if (entry) flash(entry);
      } else {
        mount(message, problemNotice(error));
      }
    } finally {
      button.disabled = false;
    }
  };

  const search = candidateLookup({
    input, results, status, limit: 8, none: 'No candidates yet. Create one first.', onShow: () => shown.clear(),
    row: (person) => {
      const button = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'aria-label': `Add ${person.full_name}`, dataset: { candidateId: String(person.id) } },
        icon('plus', 'icon icon-sm'), 'Add');
      button.addEventListener('click', () => add(person, button));
      const line = roleLine(person);
      const row = h('li', { class: 'picker-row', dataset: { candidateId: String(person.id) } },
        h('div', { class: 'picker-person' },
          h('p', { class: 'picker-name' }, person.full_name),
          h('p', { class: 'muted small' }, [line, person.location].filter(Boolean).join(' · ') || '—')),
        button);
      const item = { person, button, row };
      shown.set(person.id, item);
      markRow(item);
      return row;
    },
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });

  let opener = null;
  function open() {
    opener = document.activeElement;
    panel.hidden = false;
    message.replaceChildren();
    input.focus();
    search.now(input.value);
  }
  function close() {
    panel.hidden = true;
    opener?.focus?.();
  }

  return {
    node: panel,
    open: () => (panel.hidden ? open() : close()),
    refreshMarks: () => { for (const item of shown.values()) markRow(item); },
  };
}
