// `#/settings`: the organisation's name, tagline and brand colour, its careers page address,
// the weights of the six matching axes (org admins change them; people who match read them)
// the match log: who asked for matches, when, and the best results; and for org admins the
// privacy settings (notice, retention, export, deleting the organisation: `privacy.js`).

import { api, query } from './api.js';
import { assistantSettings } from './assistant.js';
import { busy, card, confirmDialog, emptyState, h, meter, notice, pageHeader, time, toast } from './dom.js';
import { checks, clearErrors, field, formAlert, onSubmit, rule, showErrors } from './forms.js';
import { label, values } from './labels.js';
import { cursorTable } from './list-page.js';
import { people, slots } from './marketplace.js';
import { privacySettings } from './privacy.js';
import { structureSettings } from './structure.js';
import { candidateById, jobById, wholeNumber } from './recruiting.js';
import { can, updateSession } from './session.js';

const DEFAULT_ACCENT = '#4f46e5';

/** A `#rrggbb` text input kept in step with a colour picker and a swatch; empty means "none". */
function colourField(value, disabled) {
  const wrapper = field({
    name: 'brand_color', label: 'Brand colour', id: 'settings-brand-color', value: value || '', disabled,
    placeholder: DEFAULT_ACCENT, maxlength: 7, spellcheck: 'false', autocomplete: 'off',
    hint: 'A colour like #7c3aed. It tints this admin and your careers page. Leave empty for the default.',
  });
  const text = wrapper.querySelector('input');
  const picker = h('input', { type: 'color', class: 'color-picker', value: value || DEFAULT_ACCENT, 'aria-label': 'Pick the brand colour', disabled });
  const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  const clear = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', disabled }, 'Clear');

  const paint = () => {
    const valid = /^#[0-9a-fA-F]{6}$/.test(text.value.trim());
    swatch.style.backgroundColor = valid ? text.value.trim() : '';
    swatch.classList.toggle('is-empty', !valid);
    if (valid) picker.value = text.value.trim().toLowerCase();
  };
  text.addEventListener('input', paint);
  picker.addEventListener('input', () => {
    text.value = picker.value;
    paint();
  });
  clear.addEventListener('click', () => {
    text.value = '';
    paint();
    text.focus();
  });
  paint();
  const row = h('div', { class: 'color-row' });
  text.replaceWith(row);
  row.append(swatch, text, picker, clear);
  return wrapper;
}

function settingsForm(tenant, admin, onSaved) {
  const form = h('form', { class: 'form form-narrow', id: 'settings-form' },
    formAlert(),
    field({ name: 'name', label: 'Organisation name', id: 'settings-name', value: tenant.name, required: true, maxlength: 120, disabled: !admin }),
    field({ name: 'tagline', label: 'Tagline', id: 'settings-tagline', value: tenant.tagline || '', maxlength: 200, disabled: !admin, hint: 'One line under your name on the careers page. Optional.' }),
    colourField(tenant.brand_color, !admin),
    admin && h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'settings-submit' }, 'Save settings')));
  if (!admin) return form;
  onSubmit(form, {
    busyLabel: 'Saving…',
    validate: (values) => checks(values, {
      name: [rule.required, rule.maxLength(120)],
      tagline: [rule.maxLength(200)],
      brand_color: [rule.hexColor],
    }),
    submit: async (values) => {
      const updated = await api('PATCH', '/tenants/me', {
        name: values.name.trim(),
        tagline: values.tagline.trim() || null,
        brand_color: values.brand_color.trim().toLowerCase() || null,
      });
      onSaved(updated);
      toast('Organisation settings saved.');
    },
  });
  return form;
}

function careersCard(tenant) {
  const path = `/careers/${tenant.slug}`;
  return card('Careers page', 'Where candidates will find your open jobs.',
    h('dl', { class: 'facts facts-stacked' },
      h('div', {}, h('dt', {}, 'Slug'), h('dd', {}, h('code', { id: 'settings-slug' }, tenant.slug))),
      h('div', {}, h('dt', {}, 'Public address'), h('dd', {}, h('a', { href: path, target: '_blank', rel: 'noopener', class: 'break', id: 'settings-careers-link' }, `${window.location.origin}${path}`))),
      h('div', {}, h('dt', {}, 'Created'), h('dd', {}, time(tenant.created_at, { withTime: false })))),
    h('p', { class: 'muted small' }, 'The slug was made from the organisation name and stays the same when you rename it. ',
      'Jobs that are open and marked public are listed there.'));
}

// ---- Matching weights ---------------------------------------------------------------------------

const AXES = values('match_axis');
/** The server's defaults (restored by sending `match_weights: null`). */
const DEFAULT_WEIGHTS = { skills: 40, experience: 15, seniority: 15, location: 10, compensation: 10, availability: 10 };

function weightsForm(tenant, admin, onSaved) {
  const weights = { ...DEFAULT_WEIGHTS, ...(tenant.match_weights || {}) };
  const shares = new Map();
  const inputs = new Map();
  const rows = AXES.map((axis) => {
    const wrapper = field({
      name: axis, label: label('match_axis', axis), id: `weight-${axis}`, type: 'number', min: 0, max: 100, step: 1,
      inputmode: 'numeric', value: weights[axis], disabled: !admin, class: 'input input-weight',
    });
    const share = h('span', { class: 'weight-share muted small', id: `weight-${axis}-share` });
    inputs.set(axis, wrapper.querySelector('input'));
    shares.set(axis, share);
    wrapper.querySelector('input').after(share);
    return wrapper;
  });
  // Weights are relative: say what share of the score each one makes now.
  const paint = () => {
    const numbers = AXES.map((axis) => Math.max(0, Number(inputs.get(axis).value) || 0));
    const total = numbers.reduce((a, b) => a + b, 0);
    AXES.forEach((axis, i) => {
      const part = total > 0 ? Math.round((numbers[i] / total) * 100) : 0;
      shares.get(axis).replaceChildren(meter(part), ` ${part}% of the score`);
    });
  };
  for (const input of inputs.values()) input.addEventListener('input', paint);
  paint();

  const form = h('form', { class: 'form', id: 'weights-form' },
    formAlert(),
    h('fieldset', { class: 'field fieldset', dataset: { field: 'match_weights' } },
      h('legend', { class: 'visually-hidden' }, 'Weight of each axis'),
      h('p', { class: 'field-error', hidden: true }),
      h('div', { class: 'grid-3 weights-grid' }, rows)),
    admin && h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'weights-submit' }, 'Save weights'),
      h('button', { type: 'button', class: 'btn btn-ghost', id: 'weights-reset', onClick: (event) => reset(event.currentTarget) }, 'Restore defaults')));
  if (!admin) return form;

  const show = (updated) => {
    const w = { ...DEFAULT_WEIGHTS, ...(updated.match_weights || {}) };
    for (const axis of AXES) inputs.get(axis).value = String(w[axis]);
    paint();
    onSaved(updated);
  };
  const reset = async (button) => {
    const ok = await confirmDialog({
      title: 'Restore the default weights?',
      message: 'Skills 40, experience 15, seniority 15, location 10, compensation 10, availability 10. Matches are scored with them from now on.',
      confirmLabel: 'Restore defaults',
      confirmId: 'weights-reset-confirm',
    });
    if (!ok) return;
    clearErrors(form);
    await busy(button, 'Restoring…', async () => {
      try {
        show(await api('PATCH', '/tenants/me', { match_weights: null }));
        toast('The default weights are back.');
      } catch (error) {
        showErrors(form, error);
      }
    });
  };
  onSubmit(form, {
    busyLabel: 'Saving…',
    validate: (v) => {
      const errors = checks(v, Object.fromEntries(AXES.map((axis) => [axis, [rule.required, wholeNumber(0, 100)]])));
      if (errors.length === 0 && AXES.every((axis) => Number(v[axis]) === 0)) {
        errors.push({ field: 'match_weights', message: 'give at least one axis a weight above 0' });
      }
      return errors;
    },
    submit: async (v) => {
      const body = Object.fromEntries(AXES.map((axis) => [axis, Number(v[axis])]));
      show(await api('PATCH', '/tenants/me', { match_weights: body }));
      toast('Matching weights saved.');
    },
  });
  return form;
}

// ---- The match log -----------------------------------------------------------------------------

/** Each question's subject and results: where they live and what they are called. */
const SIDES = {
  candidates_for_job: { question: 'Candidates for', subject: ['#/jobs', jobById, 'title'], result: ['#/candidates', candidateById, 'full_name'] },
  jobs_for_candidate: { question: 'Jobs for', subject: ['#/candidates', candidateById, 'full_name'], result: ['#/jobs', jobById, 'title'] },
  slot_matches: { question: 'People for the slot', subject: ['#/slots', (id) => slots.get(id), 'title'], result: ['#/people', (id) => people.get(id), 'full_name'] },
};

/** A link to a record, named once its name arrives ("#12" until then, or if it is gone). */
function recordLink([route, byId, field], id) {
  const link = h('a', { href: `${route}/${id}` }, `#${id}`);
  byId(id).then((record) => { link.textContent = record[field]; }).catch(() => {});
  return link;
}

function logRow(entry) {
  const side = SIDES[entry.direction];
  const best = entry.top.slice(0, 3);
  return h('tr', { dataset: { logId: String(entry.id), direction: entry.direction } },
    h('td', {}, time(entry.at)),
    h('td', {}, entry.actor),
    h('td', {}, side ? [`${side.question} `, recordLink(side.subject, entry.subject_id)] : label('direction', entry.direction)),
    h('td', { class: 'col-num' }, String(entry.recalled)),
    h('td', {}, best.length === 0 ? h('span', { class: 'muted' }, 'None')
      : best.map((m, i) => [i > 0 && ', ', side ? recordLink(side.result, m.id) : `#${m.id}`, ` ${m.score}`])));
}

function matchLogCard() {
  const log = cursorTable({
    id: 'match-log-table',
    caption: 'Matches asked for, newest first',
    columns: ['When', 'Who', 'Question', 'Considered', 'Best results'].map((text) => ({ label: text, className: text === 'Considered' ? 'col-num' : null })),
    path: (before) => `/matching/logs${query({ limit: 20, before })}`,
    moreId: 'load-older-matches',
    row: logRow,
    empty: () => emptyState('No matches asked for yet', 'Open a job’s matches or a candidate’s matching jobs.'),
  });
  log.reload();
  return h('section', { class: 'card card-flush', 'aria-labelledby': 'match-log-title', id: 'match-log' },
    h('header', { class: 'card-header card-header-flush' },
      h('h2', { class: 'card-title', id: 'match-log-title' }, 'Recent matches'),
      h('p', { class: 'card-description' }, 'Who asked for matches, and the best results they got (score out of 100).')),
    log.node);
}

export const settingsPage = {
  title: 'Organisation settings',
  async render() {
    const tenant = await api('GET', '/tenants/me');
    updateSession({ tenant });
    const admin = can('tenant_write');
    const careersSlot = h('div', {}, careersCard(tenant));
    const onSaved = (updated) => {
      updateSession({ tenant: updated });
      careersSlot.replaceChildren(careersCard(updated));
      document.title = ['Organisation settings', updated.name, 'hirebase'].join(' · ');
    };
    return h('div', { class: 'page' },
      pageHeader('Organisation settings', 'How your organisation appears to your team and to candidates.'),
      !admin && notice('info', 'Only organisation admins can change these settings.'),
      h('div', { class: 'grid-2 grid-wide-left' },
        card('Profile and branding', null, settingsForm(tenant, admin, onSaved)),
        careersSlot),
      (admin || can('matching')) && h('div', { id: 'matching-weights' },
        card('Matching weights', admin
          ? 'How much each axis counts in a match score. Weights are relative: what matters is each one’s share of the total.'
          : 'How much each axis counts in a match score. Organisation admins change them.',
        weightsForm(tenant, admin, (updated) => updateSession({ tenant: updated })))),
      can('matching') && matchLogCard(),
      can('structure_read') && structureSettings(admin),
      assistantSettings(tenant, { admin, onSaved }),
      can('account_delete') && privacySettings(tenant, onSaved));
  },
};
