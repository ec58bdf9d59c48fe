// A job's pipeline as a board: a column per stage, a card per candidate. A card moves by
// drag and drop or by its stage select (the keyboard way); "Add candidate" searches the
// talent pool as you type and puts the pick into the pipeline.

import { api, query } from './api.js';
import { badge, confirmDialog, h, icon, mount, notice, problemNotice, toast } from './dom.js';
import {
  STAGES, canHire, candidateById, liveSearch, listAll, mapLimit, rememberCandidate, roleLine, stageLabel, stageSelect,
} from './recruiting.js';

const DRAG_TYPE = 'application/x-hirebase-application';

/**
 * Loads the job's applications and their candidates, then returns the board.
 * `onChange()` runs after every move, addition or removal (the job's counters changed).
 */
export async function pipelineBoard(job, { onChange }) {
  const hiring = canHire();
  const applications = await listAll('/applications', { job_id: job.id });
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
  const columns = new Map(); // stage → {list, count, empty}
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

  const move = async (entry, to) => {
    const { app, node, select } = entry;
    const from = app.status;
    if (to === from || node.classList.contains('is-moving')) {
      select.value = app.status;
      return;
    }
    const name = people.get(app.candidate_id)?.full_name || 'The candidate';
    const hadFocus = document.activeElement === select;
    node.classList.add('is-moving');
    node.setAttribute('aria-busy', 'true');
    select.disabled = true;
    try {
      const updated = await api('PATCH', `/applications/${app.id}`, { status: to });
      Object.assign(app, updated);
      place(entry);
      refreshCounts();
      say(`${name} moved from ${stageLabel(from)} to ${stageLabel(app.status)}.`);
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

  const cardFor = (app) => {
    const person = people.get(app.candidate_id) || { full_name: `Candidate ${app.candidate_id}` };
    const line = person.missing ? 'No longer in your candidates' : roleLine(person);
    const entry = { app };
    const select = stageSelect(app.status, `Stage of ${person.full_name}`, (stage) => move(entry, stage));
    select.disabled = !hiring;
    const node = h('li', {
      class: 'app-card', draggable: hiring ? 'true' : null,
      dataset: { applicationId: String(app.id), candidateId: String(app.candidate_id), stage: app.status },
    },
    h('div', { class: 'app-card-head' },
      hiring && icon('grip', 'icon icon-sm grip'),
      h('a', { href: `#/candidates/${app.candidate_id}`, class: 'app-card-name' }, person.full_name),
      app.fit_score != null && h('span', { class: 'fit', title: 'Fit score (0–100)' }, h('span', { class: 'visually-hidden' }, 'Fit score '), String(app.fit_score))),
    line && h('p', { class: 'app-card-line' }, line),
    h('div', { class: 'app-card-foot' },
      select,
      hiring && h('button', {
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
    cards.set(app.id, entry);
    return entry;
  };

  const board = h('div', { class: 'board', id: 'pipeline-board' },
    STAGES.map(([stage, label]) => {
      const headingId = `stage-${stage}-title`;
      const count = h('span', { class: 'stage-count' }, '0');
      const list = h('ul', { class: 'stage-list', 'aria-labelledby': headingId });
      const empty = h('p', { class: 'stage-empty' }, hiring ? 'Drop a candidate here' : 'Nobody at this stage');
      const section = h('section', { class: `stage-column stage-${stage}`, id: `stage-${stage}`, dataset: { stage } },
        h('header', { class: 'stage-header' }, h('h3', { id: headingId, class: 'stage-title' }, label), count),
        list, empty);
      columns.set(stage, { section, list, count, empty });
      if (hiring) {
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
          section.classList.remove('is-over');
          const entry = dragging || cards.get(Number(event.dataTransfer.getData(DRAG_TYPE)));
          if (entry) move(entry, stage);
        });
      }
      return section;
    }));

  // Newest move first within a column.
  applications.sort((a, b) => String(b.stage_changed_at).localeCompare(String(a.stage_changed_at)));
  for (const app of applications) place(cardFor(app), { top: false });
  refreshCounts();

  const picker = hiring ? addCandidatePanel(job, {
    inPipeline: (candidateId) => [...cards.values()].find((e) => e.app.candidate_id === candidateId) || null,
    added: (app, person) => {
      people.set(person.id, person);
      const entry = cardFor(app);
      place(entry);
      refreshCounts();
      entry.node.classList.add('is-new');
      say(`${person.full_name} was added to ${stageLabel(app.status)}.`);
      onChange?.();
    },
    flash: (entry) => {
      entry.node.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      entry.node.classList.remove('is-flash');
      requestAnimationFrame(() => entry.node.classList.add('is-flash'));
    },
  }) : null;

  return {
    node: h('div', { class: 'pipeline' }, picker?.node, announcer, board,
      hiring && h('p', { class: 'muted small board-help' }, 'Drag a card to another column, or choose its stage from the list on the card.')),
    openPicker: () => picker?.open(),
  };
}

// ---- Adding a candidate ---------------------------------------------------------------------

function addCandidatePanel(job, { inPipeline, added, flash }) {
  const input = h('input', {
    type: 'search', class: 'input', id: 'pipeline-search', autocomplete: 'off', maxlength: 200,
    placeholder: 'Type a name, title, company or skill…', 'aria-describedby': 'pipeline-search-hint', 'aria-controls': 'pipeline-results',
  });
  const stage = h('select', { class: 'input select', id: 'pipeline-stage' },
    STAGES.slice(0, 6).map(([value, label]) => h('option', { value, selected: value === 'sourced' }, label)));
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
    if (entry) row.append(h('span', { class: 'picker-in' }, badge(`In ${stageLabel(entry.app.status)}`, 'accent')));
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
          h('p', {}, entry ? `They are at ${stageLabel(entry.app.status)}. Move their card instead of adding them again.`
            : 'Each candidate can be in a job’s pipeline once. Reload the page to see their card.')));
        if (entry) flash(entry);
      } else {
        mount(message, problemNotice(error));
      }
    } finally {
      button.disabled = false;
    }
  };

  const search = liveSearch({
    wait: 150,
    search: (text) => api('GET', `/candidates${query({ q: text.trim(), limit: 8 })}`),
    show: (data, text) => {
      shown.clear();
      results.replaceChildren(...data.items.map((person) => {
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
      }));
      const t = text.trim();
      status.textContent = data.items.length === 0
        ? (t ? `No candidates match “${t}”.` : 'No candidates yet. Create one first.')
        : (t ? `${data.total} ${data.total === 1 ? 'match' : 'matches'}${data.total > data.items.length ? `, showing the best ${data.items.length}` : ''}.` : 'Newest candidates:');
    },
    fail: (error) => {
      results.replaceChildren();
      status.textContent = error.detail || String(error);
    },
  });
  input.addEventListener('input', () => search.schedule(input.value));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      search.now(input.value);
    } else if (event.key === 'Escape') {
      close();
    }
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
