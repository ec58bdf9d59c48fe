// The organisation's privacy settings (org admins, on `#/settings`): the privacy notice
// applicants accept on the careers page, the retention rule with a dry run of what it would
// erase, the data export, and deleting the organisation (the slug typed to confirm).

import { api, query } from './api.js';
import { busy, card, confirmDialog, dataTable, emptyState, h, time, toast } from './dom.js';
import { checkboxField, clearErrors, field, formAlert, formValues, onSubmit, showErrors } from './forms.js';
import { label } from './labels.js';

/** Clears a setting of the organisation (`{name: null}`) from a form's button. */
async function clearSetting(form, button, busyLabel, patch, done, onSaved) {
  await busy(button, busyLabel, async () => {
    try {
      onSaved(await api('PATCH', '/tenants/me', patch));
      toast(done);
    } catch (error) {
      showErrors(form, error);
    }
  });
}

/** The notice shown on the careers page; while set, applying requires consent to it. */
function noticeForm(tenant, onSaved) {
  const current = tenant.privacy_notice;
  const form = h('form', { class: 'form', id: 'privacy-notice-form' },
    formAlert(),
    field({
      name: 'privacy_notice.text', label: 'Notice', id: 'privacy-notice-text', type: 'textarea', rows: 6, maxlength: 20000,
      value: current?.text || '', hint: 'What you do with applicants’ data. Shown on your careers page; separate paragraphs with a blank line.',
    }),
    field({
      name: 'privacy_notice.version', label: 'Version', id: 'privacy-notice-version', maxlength: 40, value: current?.version || '',
      hint: 'Recorded with every consent: give a changed notice a new version (2026-12, v2).',
    }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'privacy-notice-submit' }, 'Save notice'),
      current && h('button', { type: 'button', class: 'btn btn-ghost', id: 'privacy-notice-remove', onClick: (e) => remove(e.currentTarget) }, 'Remove notice')));
  const remove = async (button) => {
    const ok = await confirmDialog({
      title: 'Remove the privacy notice?',
      message: 'Applicants will no longer see it or be asked to accept it. Consents already given stay with their applications.',
      confirmLabel: 'Remove notice',
      confirmId: 'privacy-notice-remove-confirm',
    });
    if (ok) await clearSetting(form, button, 'Removing…', { privacy_notice: null }, 'The privacy notice was removed.', onSaved);
  };
  onSubmit(form, {
    busyLabel: 'Saving…',
    validate: (v) => {
      const errors = [];
      if (!v['privacy_notice.text'].trim()) errors.push({ field: 'privacy_notice.text', message: 'write the notice' });
      if (!v['privacy_notice.version'].trim()) errors.push({ field: 'privacy_notice.version', message: 'name this version' });
      return errors;
    },
    submit: async (v) => {
      const body = { text: v['privacy_notice.text'].trim(), version: v['privacy_notice.version'].trim() };
      onSaved(await api('PATCH', '/tenants/me', { privacy_notice: body }));
      toast('Privacy notice saved. Applicants now accept it when they apply.');
    },
  });
  return form;
}

const CLOSED = ['rejected', 'withdrawn'];

/** The rule as the form holds it: `{months, stages}`, or errors. */
function ruleOf(form) {
  const v = formValues(form);
  const months = Number(v['retention.months']);
  const stages = CLOSED.filter((s) => form.elements[`stage-${s}`].checked);
  const errors = [];
  if (!Number.isInteger(months) || months < 1 || months > 120) errors.push({ field: 'retention.months', message: 'must be a whole number of months from 1 to 120' });
  if (stages.length === 0) errors.push({ field: 'retention.stages', message: 'pick at least one closed stage' });
  return { rule: { months, stages }, errors };
}

function previewTable(preview) {
  if (preview.total === 0) return emptyState('Nobody would be erased now', `No candidate’s applications all ended before ${time(preview.cutoff, { withTime: false }).textContent}.`);
  return h('div', {},
    h('p', { id: 'retention-preview-total' },
      `${preview.total} ${preview.total === 1 ? 'candidate' : 'candidates'} would be erased now`,
      preview.total > preview.items.length ? ` (the first ${preview.items.length} are listed).` : '.'),
    dataTable({
      id: 'retention-preview-table',
      caption: 'Candidates the rule would erase, longest inactive first',
      columns: [{ label: 'Candidate' }, { label: 'Last activity' }, { label: 'Applications', className: 'col-num' }],
      rows: preview.items.map((c) => ({
        cells: [h('a', { href: `#/candidates/${c.candidate_id}` }, c.full_name), time(c.last_activity_at, { withTime: false }), String(c.applications)],
      })),
    }));
}

/** The retention rule, its dry run, and turning it off. */
function retentionForm(tenant, onSaved) {
  const current = tenant.retention;
  const previewSlot = h('div', { id: 'retention-preview', 'aria-live': 'polite' });
  const form = h('form', { class: 'form', id: 'retention-form' },
    formAlert(),
    field({
      name: 'retention.months', label: 'Months without activity', id: 'retention-months', type: 'number', min: 1, max: 120, step: 1,
      inputmode: 'numeric', value: current?.months ?? 12, required: true,
      hint: 'No change to the candidate, their applications, interviews or offers for this long (a month counts 30 days).',
    }),
    h('fieldset', { class: 'field fieldset', dataset: { field: 'retention.stages' } },
      h('legend', { class: 'label' }, 'Whose applications all ended as'),
      CLOSED.map((s) => checkboxField({ name: `stage-${s}`, id: `retention-stage-${s}`, label: label('stage', s), checked: current ? current.stages.includes(s) : true })),
      h('p', { class: 'field-error', hidden: true })),
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'btn btn-secondary', id: 'retention-preview-button', onClick: (e) => preview(e.currentTarget) }, 'Preview'),
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'retention-submit' }, current ? 'Save rule' : 'Turn on'),
      current && h('button', { type: 'button', class: 'btn btn-ghost', id: 'retention-off', onClick: (e) => off(e.currentTarget) }, 'Turn off')),
    previewSlot);
  const preview = async (button) => {
    clearErrors(form);
    const { rule, errors } = ruleOf(form);
    if (errors.length > 0) return showErrors(form, { errors, detail: 'Please correct the highlighted fields.' });
    await busy(button, 'Looking…', async () => {
      try {
        const result = await api('GET', `/account/retention/preview${query({ months: rule.months, stages: rule.stages.join(',') })}`);
        previewSlot.replaceChildren(previewTable(result));
      } catch (error) {
        showErrors(form, error);
      }
    });
  };
  const off = (button) => clearSetting(form, button, 'Turning off…', { retention: null }, 'Retention is off: nothing is erased by age.', onSaved);
  onSubmit(form, {
    busyLabel: 'Saving…',
    validate: () => ruleOf(form).errors,
    submit: async () => {
      const { rule } = ruleOf(form);
      onSaved(await api('PATCH', '/tenants/me', { retention: rule }));
      toast(`Retention rule saved: checked every day, erasing closed candidates inactive ${rule.months} months.`);
    },
  });
  return form;
}

/** Deleting the organisation: only once its slug is typed. */
function deleteForm(tenant) {
  const confirmInput = field({
    name: 'confirm', label: `Type ${tenant.slug} to confirm`, id: 'delete-account-confirm', autocomplete: 'off', spellcheck: 'false',
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-danger', id: 'delete-account-submit', disabled: true }, 'Delete organisation');
  const form = h('form', { class: 'form', id: 'delete-account-form' },
    formAlert(),
    h('p', {}, 'Your organisation is closed at once — everyone is signed out and its careers page disappears — and everything it ',
      'holds is then removed: members, API keys, jobs, candidates, applications, interviews, offers, files, webhooks, the ',
      'audit trail and queued mail. This cannot be undone; download the export first if you need a copy.'),
    confirmInput,
    h('div', { class: 'form-actions' }, submit));
  const input = confirmInput.querySelector('input');
  input.addEventListener('input', () => { submit.disabled = input.value.trim() !== tenant.slug; });
  onSubmit(form, {
    busyLabel: 'Deleting…',
    validate: (v) => (v.confirm.trim() === tenant.slug ? [] : [{ field: 'confirm', message: `type ${tenant.slug} exactly` }]),
    submit: async (v) => {
      await api('POST', '/account/delete', { confirm: v.confirm.trim() });
      // The organisation and its sessions are gone: back to the sign-in page.
      window.location.replace('/');
    },
  });
  return form;
}

/** The privacy cards of the settings page (org admins only). */
export function privacySettings(tenant, onSaved) {
  const noticeSlot = h('div', {});
  const retentionSlot = h('div', {});
  const saved = (updated) => {
    onSaved(updated);
    paint(updated);
  };
  const paint = (t) => {
    noticeSlot.replaceChildren(card('Privacy notice', 'Shown on your careers page; applicants accept it when they apply, and their consent is kept with the application.', noticeForm(t, saved)));
    retentionSlot.replaceChildren(card('Retention', 'Erase candidates whose applications have all closed and who have been inactive for months. The rule runs every day; each erasure is in the audit trail.', retentionForm(t, saved)));
  };
  paint(tenant);
  return h('div', { id: 'privacy-settings', class: 'stack' },
    h('div', { class: 'grid-2' }, noticeSlot, retentionSlot),
    h('div', { class: 'grid-2' },
      card('Export', 'Everything your organisation holds, as one JSON document (no passwords, tokens or webhook secrets).',
        h('p', {}, h('a', { href: '/api/v1/account/export', class: 'btn btn-secondary', id: 'account-export-link', download: '' }, 'Download export'))),
      h('section', { class: 'card card-danger', id: 'delete-account' },
        h('header', { class: 'card-header' }, h('h2', { class: 'card-title' }, 'Delete organisation')),
        h('div', { class: 'card-body' }, deleteForm(tenant)))));
}

/** What erasing a candidate removes, said for people. */
export function erasureSentence(plan) {
  const parts = [
    [plan.applications, 'application (with its stage history)', 'applications (with their stage history)'],
    [plan.interviews, 'interview', 'interviews'],
    [plan.offers, 'offer', 'offers'],
    [plan.match_logs, 'match-log entry', 'match-log entries'],
    [plan.webhook_deliveries, 'queued webhook delivery', 'queued webhook deliveries'],
    [plan.mails, 'mail', 'mails'],
    [plan.library_items, 'library item', 'library items'],
  ].filter(([n]) => n > 0).map(([n, one, many]) => `${n} ${n === 1 ? one : many}`);
  const removed = parts.length > 0 ? `, ${parts.join(', ')}` : '';
  return `This removes the profile${removed} and the search entry. `
    + `${plan.audit_entries} audit ${plan.audit_entries === 1 ? 'entry stays' : 'entries stay'} in the trail with the personal data removed. This cannot be undone.`;
}

