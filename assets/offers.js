// Offers, shared by the candidate page and `#/offers`: the moves each status allows, the offer
// form (make and edit terms) and one offer's card with its actions.

import { api } from './api.js';
import { offerLetterButton } from './assistant.js';
import { askDialog, busy, h, icon, mount, notice, problemNotice, time, toast } from './dom.js';
import { checkboxField, checks, field, formAlert, onSubmit, rule } from './forms.js';
import { enumBadge, label, money } from './labels.js';
import { changedFields, intOrNull, textOrNull } from './recruiting.js';
import { can } from './session.js';

/** The moves the server allows from each status (others answer 422), with their buttons. */
const MOVES = {
  draft: ['sent', 'withdrawn'],
  sent: ['accepted', 'declined', 'withdrawn'],
};
const MOVE_LABELS = { sent: 'Send offer', accepted: 'Mark accepted', declined: 'Mark declined', withdrawn: 'Withdraw' };
const MOVE_CLASSES = { sent: 'btn-primary', accepted: 'btn-secondary', declined: 'btn-secondary', withdrawn: 'btn-danger-ghost' };

export function allowedMoves(status) {
  return MOVES[status] || [];
}

// ---- The form -----------------------------------------------------------------------------

const MAX_AMOUNT = 100_000_000_000;

/**
 * Makes an offer (`jobSelect` names the job), or with `offer` edits its terms (PATCH with what
 * changed). `defaults` may carry a currency (the job's).
 */
export function offerForm({ candidate, offer, jobSelect, defaults = {}, onSaved, onCancel }) {
  const o = offer || {};
  const prefix = offer ? `offer-${offer.id}` : 'offer';
  const form = h('form', { class: 'form', id: `${prefix}-form` },
    formAlert(),
    jobSelect && h('div', { class: 'field', dataset: { field: 'job_id' } },
      h('label', { class: 'label', for: jobSelect.id }, 'Job', h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')),
      jobSelect,
      h('p', { class: 'field-error', hidden: true })),
    h('div', { class: 'grid-auto' },
      field({
        name: 'base_salary', label: 'Base salary (per year)', id: `${prefix}-base`, type: 'number', min: 1, step: 1, inputmode: 'numeric', required: true,
        value: o.base_salary ?? '',
      }),
      field({
        name: 'currency', label: 'Currency', id: `${prefix}-currency`, required: true, maxlength: 3, value: o.currency || defaults.currency || '',
        placeholder: 'USD', hint: 'Three letters, ISO 4217.', class: 'input input-code', autocomplete: 'off', spellcheck: 'false',
      })),
    h('div', { class: 'grid-auto' },
      field({ name: 'bonus', label: 'Bonus', id: `${prefix}-bonus`, type: 'number', min: 0, step: 1, inputmode: 'numeric', value: o.bonus ?? '' }),
      field({ name: 'sign_on_bonus', label: 'Sign-on bonus', id: `${prefix}-sign-on`, type: 'number', min: 0, step: 1, inputmode: 'numeric', value: o.sign_on_bonus ?? '' }),
      field({ name: 'start_date', label: 'Start date', id: `${prefix}-start`, type: 'date', value: o.start_date || '' })),
    !offer && checkboxField({ name: 'send_now', label: 'Send it now (otherwise it is saved as a draft)', id: `${prefix}-send-now` }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: `${prefix}-submit` }, offer ? 'Save terms' : 'Make offer'),
      onCancel && h('button', { type: 'button', class: 'btn btn-ghost', onClick: onCancel }, 'Cancel')));

  const amount = (v) => {
    const text = String(v ?? '').trim();
    if (text === '') return null;
    const n = Number(text);
    return Number.isInteger(n) && n >= 0 && n <= MAX_AMOUNT ? null : 'must be a whole amount';
  };
  onSubmit(form, {
    busyLabel: offer ? 'Saving…' : 'Making offer…',
    validate: (values) => checks(values, {
      job_id: [(v) => (jobSelect && !v ? 'choose a job' : null)],
      base_salary: [rule.required, amount, (v) => (Number(v) > 0 ? null : 'must be a positive amount')],
      currency: [rule.required, (v) => (/^[A-Za-z]{3}$/.test(String(v).trim()) ? null : 'must be three letters, like USD')],
      bonus: [amount],
      sign_on_bonus: [amount],
    }),
    submit: async (values) => {
      const terms = {
        base_salary: Number(values.base_salary),
        currency: values.currency.trim().toUpperCase(),
        bonus: intOrNull(values.bonus),
        sign_on_bonus: intOrNull(values.sign_on_bonus),
        start_date: textOrNull(values.start_date),
      };
      let saved;
      if (offer) {
        const patch = changedFields(offer, terms);
        if (Object.keys(patch).length === 0) {
          toast('Nothing changed.', 'info');
          onCancel?.();
          return;
        }
        saved = await api('PATCH', `/offers/${offer.id}`, patch);
      } else {
        const body = { candidate_id: candidate.id, job_id: Number(values.job_id), base_salary: terms.base_salary, currency: terms.currency };
        for (const key of ['bonus', 'sign_on_bonus', 'start_date']) if (terms[key] != null) body[key] = terms[key];
        if (values.send_now.length > 0) body.status = 'sent';
        saved = await api('POST', '/offers', body);
        form.reset();
      }
      await onSaved(saved);
    },
  });
  return form;
}

// ---- Deciding -------------------------------------------------------------------------------

const MOVE_TEXT = {
  sent: ['Send this offer?', 'It is marked as sent today and the candidate moves to Offer in the pipeline.', false],
  accepted: ['Mark the offer accepted?', 'The candidate is moved to Hired and the job counts the hire.', false],
  declined: ['Mark the offer declined?', 'The offer is closed. You can make a new one later.', true],
  withdrawn: ['Withdraw this offer?', 'The offer is closed and cannot be reopened.', true],
};

// ---- One offer -----------------------------------------------------------------------------

function term(label, value) {
  return value == null || value === '' ? null : h('div', {}, h('dt', {}, label), h('dd', {}, value));
}

/**
 * One offer with its terms, dates and the actions its status allows (and "Draft letter" for
 * people who may use the assistant). `jobTitle` names the job; `personName` the candidate, for
 * the letter's title; `onChange(offer|null)` runs after a move, an edit or a delete (null).
 */
export function offerCard(initial, { jobTitle, candidateName, personName, onChange }) {
  let offer = initial;
  const node = h('li', { class: 'offer' });
  const message = h('div', { class: 'offer-message' });
  const editSlot = h('div', {});
  const letterSlot = h('div', { class: 'offer-letter', 'aria-live': 'polite' });

  const move = async (next, button) => {
    const [title, text, danger] = MOVE_TEXT[next];
    const answer = await askDialog({
      title, message: text, confirmLabel: MOVE_LABELS[next], danger, confirmId: 'offer-move-confirm',
      note: next !== 'sent' && { label: 'Note (optional)', placeholder: 'e.g. Accepted by email on Monday' },
    });
    if (!answer) return;
    message.replaceChildren();
    await busy(button, null, async () => {
      try {
        const body = { status: next };
        if (answer.note) body.decision = answer.note;
        offer = await api('PATCH', `/offers/${offer.id}`, body);
        toast(`The offer is now ${label('offer_status', offer.status).toLowerCase()}.`);
        draw();
        onChange?.(offer);
      } catch (error) {
        if (error.status !== 422) {
          mount(message, problemNotice(error));
          return;
        }
        // Someone else moved it first (or the move is not allowed): say so, and show it as it is now.
        const fresh = await api('GET', `/offers/${offer.id}`).catch(() => null);
        mount(message, notice('warning', 'That change is not allowed', h('p', {}, error.detail),
          fresh && fresh.status !== offer.status && h('p', { class: 'small' }, `The offer is ${label('offer_status', fresh.status).toLowerCase()} now.`)));
        if (fresh) {
          offer = fresh;
          draw();
          onChange?.(offer);
        }
      }
    });
  };

  const remove = async (button) => {
    const answer = await askDialog({
      title: 'Delete this offer?', message: 'It is removed from the record. Accepted offers cannot be deleted.', confirmLabel: 'Delete offer', danger: true,
    });
    if (!answer) return;
    await busy(button, null, async () => {
      try {
        await api('DELETE', `/offers/${offer.id}`);
        toast('The offer was deleted.');
        node.remove();
        onChange?.(null);
      } catch (error) {
        mount(message, error.status === 422 ? notice('warning', 'The offer cannot be deleted', h('p', {}, error.detail)) : problemNotice(error));
      }
    });
  };

  const draw = () => {
    const moves = can('offers_write') ? allowedMoves(offer.status) : [];
    const actions = moves.map((next) => {
      const button = h('button', {
        type: 'button', class: `btn btn-sm ${MOVE_CLASSES[next]}`, dataset: { move: next },
        'aria-label': `${MOVE_LABELS[next]}${jobTitle ? ` for ${jobTitle}` : ''}`,
      }, MOVE_LABELS[next]);
      button.addEventListener('click', () => move(next, button));
      return button;
    });
    if (can('offers_write') && ['draft', 'sent'].includes(offer.status)) {
      const edit = h('button', { type: 'button', class: 'btn btn-sm btn-ghost', dataset: { action: 'edit' } }, 'Edit terms');
      edit.addEventListener('click', () => {
        if (editSlot.childElementCount > 0) {
          editSlot.replaceChildren();
          return;
        }
        mount(editSlot, offerForm({
          offer,
          onSaved: (saved) => {
            offer = saved;
            toast('The offer terms were saved.');
            editSlot.replaceChildren();
            draw();
            onChange?.(offer);
          },
          onCancel: () => editSlot.replaceChildren(),
        }));
        editSlot.querySelector('input')?.focus();
      });
      actions.push(edit);
    }
    const letter = offerLetterButton(offer, { candidateName: personName || candidateName, jobTitle, result: letterSlot });
    if (letter) actions.push(letter);
    if (can('offers_delete') && offer.status !== 'accepted') {
      const del = h('button', { type: 'button', class: 'icon-btn icon-btn-sm', 'aria-label': 'Delete offer', title: 'Delete offer', dataset: { action: 'delete' } },
        icon('trash', 'icon icon-sm'));
      del.addEventListener('click', () => remove(del));
      actions.push(del);
    }
    const extras = [
      offer.bonus != null && `bonus ${money(offer.bonus, offer.currency)}`,
      offer.sign_on_bonus != null && `sign-on ${money(offer.sign_on_bonus, offer.currency)}`,
    ].filter(Boolean).join(' · ');
    node.dataset.offerId = String(offer.id);
    node.dataset.status = offer.status;
    mount(node,
      h('div', { class: 'offer-head' },
        h('div', { class: 'offer-title' },
          h('span', { class: 'offer-amount' }, money(offer.base_salary, offer.currency)),
          enumBadge('offer_status', offer.status),
          jobTitle && h('span', { class: 'muted' }, candidateName ? `${candidateName} · ${jobTitle}` : jobTitle)),
        actions.length > 0 && h('div', { class: 'offer-actions' }, actions)),
      extras && h('p', { class: 'small' }, extras),
      h('dl', { class: 'offer-dates' },
        term('Start', offer.start_date),
        term('Made', time(offer.created_at, { withTime: false })),
        term('Sent', offer.sent_at && time(offer.sent_at, { withTime: false })),
        term('Decided', offer.decided_at && time(offer.decided_at, { withTime: false }))),
      offer.decision && h('p', { class: 'offer-decision' }, h('span', { class: 'muted' }, 'Note: '), offer.decision),
      message,
      editSlot,
      letterSlot);
  };
  draw();
  return node;
}
