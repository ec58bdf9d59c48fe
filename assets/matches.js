// Match results, written once for every place that shows them: a job's matching candidates, a
// candidate's matching jobs and a project slot's matching people. A match is a card: its rank
// and score, who or what it is, the spider chart of its six axes (with the table of the same
// numbers), the reason sentence, the matched and missing skills, and the caller's actions
// ("Add to pipeline", "Engage"). Matching costs the server a search and a scoring pass and is
// written to the match log, so it runs when asked (a tab opened, a button pressed), not on
// every page view.

import { api } from './api.js';
import { badge, busy, emptyState, h, icon, mount, problemNotice, toast } from './dom.js';
import { label } from './labels.js';
import { radarChart } from './radar.js';
import { chips } from './recruiting.js';

/** A score's tone: strong from 75, fair from 50, weak below. */
function tone(score) {
  if (score >= 75) return 'strong';
  return score >= 50 ? 'fair' : 'weak';
}

/** Which scorer ranked a match (`strategy`), as a small badge. */
function strategyBadge(strategy) {
  if (!strategy) return null;
  const text = strategy === 'semantic' ? 'By meaning' : 'Skills & fit';
  return h('span', { class: 'badge badge-neutral match-strategy', title: `Strategy: ${strategy}`, dataset: { strategy } }, text);
}

function scoreBlock(score) {
  return h('p', { class: `match-score match-score-${tone(score)}`, title: 'Match score, 0 to 100' },
    h('span', { class: 'visually-hidden' }, 'Score '),
    h('span', { class: 'match-score-value' }, String(score)),
    h('span', { class: 'match-score-of' }, '/100'));
}

/**
 * One match as an `<li class="match">`: `id` (the card's; the chart is `${id}-chart`), `rank`
 * (1 for the best), `title` and its `link`, a `line` under it (role, place, status badges…),
 * the match's `score`, `reason`, `breakdown`, `matched` and `missing` skills, and `actions`.
 */
export function matchCard({ id, rank, title, link, line, match, actions = [], dataset }) {
  const nameId = `${id}-name`;
  return h('li', { class: 'match', id, 'aria-labelledby': nameId, dataset: { rank: String(rank), score: String(match.score), ...dataset } },
    h('div', { class: 'match-head' },
      h('span', { class: 'match-rank', 'aria-label': `Rank ${rank}` }, String(rank)),
      h('div', { class: 'match-who' },
        h('h3', { class: 'match-name', id: nameId }, link ? h('a', { href: link }, title) : title),
        line && h('p', { class: 'match-line muted small' }, line)),
      strategyBadge(match.strategy),
      scoreBlock(match.score)),
    h('div', { class: 'match-body' },
      radarChart({ id: `${id}-chart`, title: `How ${title} matches, score ${match.score} of 100`, breakdown: match.breakdown }),
      h('div', { class: 'match-text' },
        h('p', { class: 'match-reason' }, match.reason),
        h('dl', { class: 'skill-rows match-skills' },
          h('div', {}, h('dt', {}, 'Matched skills'),
            h('dd', { class: 'match-matched' }, chips(match.matched_skills, { className: 'chip chip-matched' }))),
          h('div', {}, h('dt', {}, 'Missing skills'),
            h('dd', { class: 'match-missing' }, match.missing_skills?.length
              ? chips(match.missing_skills, { className: 'chip chip-missing' })
              : h('span', { class: 'muted' }, 'None')))),
        actions.filter(Boolean).length > 0 && h('div', { class: 'match-actions' }, actions))));
}

/**
 * A list of matches that is fetched when `run()` is called: `load(limit)` → `{matches}`;
 * `card(match, rank)` → the options of `matchCard`. `noun` is `['candidate', 'candidates']`;
 * `empty` the sentence for no matches. The toolbar picks how many to show and runs it again;
 * with `byMeaning`, a "By meaning" switch asks for `strategy: "semantic"` (`load(limit, strategy)`).
 */
export function matchesPanel({ id, load, card, noun, empty, limit = 20, byMeaning = false }) {
  const [one, many] = noun;
  const list = h('div', { id: `${id}-results`, 'aria-busy': 'false' });
  const status = h('p', { class: 'list-summary', role: 'status', 'aria-live': 'polite', id: `${id}-status` });
  const size = h('select', { class: 'input select select-sm', id: `${id}-limit`, 'aria-label': `How many ${many} to show` },
    [10, 20, 50].map((n) => h('option', { value: String(n), selected: n === limit }, `Best ${n}`)));
  const again = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', id: `${id}-run` }, 'Match again');
  const meaning = byMeaning ? h('input', { type: 'checkbox', id: `${id}-by-meaning`, class: 'checkbox' }) : null;
  const meaningToggle = meaning && h('label', { class: 'toggle-inline small', for: `${id}-by-meaning`, title: 'Also rank by similarity of meaning' }, meaning, ' By meaning');
  let ticket = 0;
  let ran = false;

  const run = async () => {
    const mine = ++ticket;
    ran = true;
    list.setAttribute('aria-busy', 'true');
    status.textContent = `Scoring ${many}…`;
    let data;
    try {
      data = await load(Number(size.value), meaning?.checked ? 'semantic' : undefined);
    } catch (error) {
      if (mine !== ticket) return;
      list.setAttribute('aria-busy', 'false');
      status.textContent = '';
      mount(list, problemNotice(error));
      return;
    }
    if (mine !== ticket) return;
    list.setAttribute('aria-busy', 'false');
    const matches = data.matches || [];
    status.textContent = matches.length === 0 ? ''
      : `${matches.length} ${matches.length === 1 ? one : many}, best first.`;
    mount(list, matches.length === 0
      ? emptyState(`No matching ${many}`, empty)
      : h('ol', { class: 'matches', id: `${id}-list` }, matches.map((match, i) => matchCard(card(match, i + 1)))));
  };
  size.addEventListener('change', run);
  meaning?.addEventListener('change', run);
  again.addEventListener('click', () => busy(again, 'Matching…', run));

  return {
    node: h('div', { class: 'matches-panel', id },
      h('div', { class: 'matches-toolbar' }, status, h('div', { class: 'matches-controls' }, meaningToggle, size, again)),
      list),
    run,
    /** Runs the first time only (a tab shown again keeps its results). */
    ensure: () => (ran ? Promise.resolve() : run()),
  };
}

/**
 * "Add to pipeline" for a match of `jobId` and `candidateId`: creates the application at
 * Sourced. `stage` is where the candidate already is in that pipeline (then it says so instead
 * of offering the button); a 409 reads "Already in pipeline". `onAdded(application)` follows.
 */
export function pipelineAction({ jobId, candidateId, name, where, stage, onAdded }) {
  const slot = h('span', { class: 'match-pipeline', dataset: { jobId: String(jobId), candidateId: String(candidateId) } });
  const inPipeline = (text) => mount(slot, badge(text, 'accent'));
  if (stage) {
    inPipeline(`In pipeline · ${label('stage', stage)}`);
    return slot;
  }
  const button = h('button', { type: 'button', class: 'btn btn-primary btn-sm match-add', 'aria-label': `Add ${name} to the pipeline of ${where}` },
    icon('plus', 'icon icon-sm'), 'Add to pipeline');
  button.addEventListener('click', () => busy(button, 'Adding…', async () => {
    try {
      const app = await api('POST', '/applications', { job_id: jobId, candidate_id: candidateId });
      inPipeline(`In pipeline · ${label('stage', app.status)}`);
      toast(`${name} was added to the pipeline of ${where}.`);
      await onAdded?.(app);
    } catch (error) {
      if (error.status === 409) {
        inPipeline('Already in pipeline');
        toast(`${name} is already in the pipeline of ${where}.`, 'info');
      } else {
        toast(error.detail || String(error), 'danger');
      }
    }
  }));
  mount(slot, button);
  return slot;
}
