// `#/webhooks` (org_admin): subscriptions that receive signed events — create one (its signing
// secret is shown once), change its events, turn it off and on, delete it.
// `#/webhooks/:id`: its delivery log, newest first, with "Load older".

import { api, query } from './api.js';
import {
  accessNotice, badge, card, confirmDialog, dataTable, emptyState, h, icon, mount, pageHeader, problemNotice, time, toast,
} from './dom.js';
import { checkboxField, checks, field, formAlert, onSubmit, rule } from './forms.js';
import { newCard, revealSecret } from './form-card.js';
import { enumBadge } from './labels.js';
import { cursorTable } from './list-page.js';
import { httpUrl, textOrNull } from './recruiting.js';
import { can } from './session.js';

/** Events by what they are about: `[group, [[event, label]]]`. */
const EVENT_GROUPS = [
  ['Candidates', [['candidate.applied', 'Applied'], ['candidate.stage_changed', 'Stage changed']]],
  ['Jobs', [['job.published', 'Published']]],
  ['Interviews', [['interview.scheduled', 'Scheduled'], ['interview.completed', 'Completed']]],
  ['Offers', [['offer.sent', 'Sent'], ['offer.accepted', 'Accepted'], ['offer.declined', 'Declined']]],
];
const ALL_EVENTS = EVENT_GROUPS.flatMap(([, events]) => events.map(([e]) => e));

function adminOnly(title) {
  return accessNotice(title, 'Only organisation admins manage webhooks',
    'Webhooks send hiring events to other systems. Ask an organisation admin to set one up.');
}

/** How a new webhook's signing secret is shown (once). */
function signingSecretBox(created) {
  return {
    id: 'new-webhook-secret-box', valueId: 'new-webhook-secret', copyId: 'copy-webhook-secret', what: 'secret',
    title: ['Signing secret for ', h('span', { class: 'break' }, created.webhook.url)], secret: created.secret,
    warning: 'Your receiver uses it to check that each delivery really comes from hirebase. If you lose it, delete the webhook and create a new one.',
    usage: ['Each delivery carries ', h('code', {}, 'X-Hirebase-Signature: t=<unix>,v1=<hex>'),
      ', the HMAC-SHA256 of ', h('code', {}, '"<t>.<body>"'), ' keyed with this secret.'],
  };
}

// ---- The form (create and edit) ---------------------------------------------------------------

function eventPicker(prefix, selected) {
  const boxes = [];
  const groups = EVENT_GROUPS.map(([group, events]) => h('div', { class: 'event-group' },
    h('p', { class: 'event-group-title' }, group),
    events.map(([event, label]) => {
      const id = `${prefix}-event-${event.replace(/[._]/g, '-')}`;
      const box = h('input', { type: 'checkbox', class: 'checkbox', name: 'events', value: event, id, checked: selected.includes(event) });
      boxes.push(box);
      return h('label', { class: 'check-label event-check', for: id }, box, h('span', {}, label), h('code', { class: 'scope-name' }, event));
    })));
  const pick = (predicate) => () => { for (const box of boxes) box.checked = predicate(box.value); };
  return h('fieldset', { class: 'field fieldset', dataset: { field: 'events' } },
    h('legend', { class: 'label' }, 'Events', h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')),
    h('p', { class: 'hint' }, 'What to send. Choose at least one.'),
    h('div', { class: 'quick-picks' },
      h('button', { type: 'button', class: 'btn btn-link btn-sm', onClick: pick(() => true) }, 'All'),
      h('button', { type: 'button', class: 'btn btn-link btn-sm', onClick: pick(() => false) }, 'None')),
    h('div', { class: 'event-groups' }, groups),
    h('p', { class: 'field-error', hidden: true }));
}

function webhookForm({ webhook, onSaved, onCancel }) {
  const w = webhook || {};
  const prefix = webhook ? 'webhook-edit' : 'webhook';
  const form = h('form', { class: 'form', id: `${prefix}-form` },
    formAlert(),
    h('div', { class: 'grid-2 grid-tight' },
      field({
        name: 'url', label: 'Endpoint URL', id: `${prefix}-url`, type: 'url', required: true, maxlength: 2048, value: w.url || '',
        placeholder: 'https://hooks.example.com/hirebase', hint: 'An https:// address that answers 2xx. Private and loopback addresses are refused unless the instance allows them.',
      }),
      field({ name: 'description', label: 'Description', id: `${prefix}-description`, maxlength: 500, value: w.description || '', placeholder: 'e.g. HRIS sync' })),
    eventPicker(prefix, w.events || []),
    webhook && checkboxField({
      name: 'enabled', label: 'Enabled', id: `${prefix}-enabled`, checked: w.enabled,
      hint: w.enabled ? 'Turn off to pause deliveries.' : 'Turning it back on resets its failure count.',
    }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: `${prefix}-submit` }, webhook ? 'Save changes' : 'Create webhook'),
      onCancel && h('button', { type: 'button', class: 'btn btn-ghost', onClick: onCancel }, 'Cancel')));
  onSubmit(form, {
    busyLabel: webhook ? 'Saving…' : 'Creating…',
    validate: (values) => checks(values, {
      url: [rule.required, rule.maxLength(2048), httpUrl],
      description: [rule.maxLength(500)],
      events: [(events) => (events.length > 0 ? null : 'must name at least one event')],
    }),
    submit: async (values) => {
      const body = { url: values.url.trim(), events: values.events };
      const description = textOrNull(values.description);
      if (webhook) {
        const patch = {};
        if (body.url !== webhook.url) patch.url = body.url;
        if ([...body.events].sort().join() !== [...webhook.events].sort().join()) patch.events = body.events;
        if (description !== (webhook.description ?? null)) patch.description = description;
        const enabled = values.enabled.length > 0;
        if (enabled !== webhook.enabled) patch.enabled = enabled;
        if (Object.keys(patch).length === 0) {
          toast('Nothing changed.', 'info');
          onCancel?.();
          return;
        }
        await onSaved(await api('PATCH', `/webhooks/${webhook.id}`, patch));
      } else {
        if (description) body.description = description;
        const created = await api('POST', '/webhooks', body);
        form.reset();
        await onSaved(created);
      }
    },
  });
  return form;
}

// ---- The list ---------------------------------------------------------------------------------

function statusBadge(code) {
  if (code == null) return badge('No answer', 'danger');
  return badge(String(code), code >= 500 ? 'danger' : code >= 400 ? 'warning' : code >= 200 && code < 300 ? 'success' : 'neutral');
}

/** On, off or failing; the latest answer and the last success. */
function health(w) {
  let state;
  if (!w.enabled) state = [badge('Disabled', 'danger'), w.disabled_reason && h('span', { class: 'muted small' }, w.disabled_reason)];
  else if (w.consecutive_failures > 0) state = [badge('Failing', 'warning'), h('span', { class: 'muted small' }, `${w.consecutive_failures} ${w.consecutive_failures === 1 ? 'failure' : 'failures'} in a row`)];
  else state = [badge('Active', 'success')];
  return h('div', { class: 'stack-tight' }, state,
    w.last_status != null && h('span', { class: 'muted small' }, 'Last answer ', statusBadge(w.last_status)),
    h('span', { class: 'muted small' }, 'Last success: ', w.last_delivery_at ? time(w.last_delivery_at) : 'never'));
}

function eventChips(events) {
  if (events.length === ALL_EVENTS.length) return h('span', { class: 'chip' }, 'All events');
  const shown = events.slice(0, 3);
  return h('div', { class: 'chips', title: events.join(', ') },
    shown.map((e) => h('code', { class: 'chip' }, e)),
    events.length > shown.length && h('span', { class: 'chip chip-more' }, `+${events.length - shown.length} more`));
}

const COLUMNS = [{ label: 'Endpoint' }, { label: 'Events' }, { label: 'Status' }, { label: 'Actions', className: 'col-actions' }];

export const webhooksPage = {
  title: 'Webhooks',
  async render() {
    if (!can('webhooks_read')) return adminOnly('Webhooks');
    const managing = can('webhooks_write');

    const secretSlot = h('div', {});
    const editSlot = h('div', {});
    const listSlot = h('div', {});

    const load = async () => {
      let data;
      try {
        data = await api('GET', `/webhooks${query({ limit: 100 })}`);
      } catch (error) {
        mount(listSlot, h('div', { class: 'card-body' }, problemNotice(error)));
        return null;
      }
      mount(listSlot, data.items.length === 0
        ? emptyState('No webhooks yet', 'Create one to send hiring events to another system as they happen.')
        : dataTable({ caption: 'Webhooks of the organisation', columns: COLUMNS, rows: data.items.map(row), id: 'webhooks-table' }));
      return data;
    };

    const edit = (w) => {
      const form = webhookForm({
        webhook: w,
        onSaved: async (saved) => {
          toast('The webhook was saved.');
          editSlot.replaceChildren();
          await load();
          listSlot.querySelector(`tr[data-webhook-id="${saved.id}"] [data-action="edit"]`)?.focus();
        },
        onCancel: () => editSlot.replaceChildren(),
      });
      const editCard = card('Edit webhook', w.url, form);
      editCard.id = 'webhook-edit-card';
      mount(editSlot, editCard);
      editCard.scrollIntoView({ block: 'nearest' });
      form.querySelector('input')?.focus();
    };

    const setEnabled = async (w, enabled) => {
      try {
        await api('PATCH', `/webhooks/${w.id}`, { enabled });
        toast(enabled ? 'The webhook is on again.' : 'The webhook is paused.');
      } catch (error) {
        toast(error.detail || String(error), 'danger');
      }
      await load();
    };

    const remove = async (w) => {
      const ok = await confirmDialog({
        title: 'Delete this webhook?',
        message: `${w.url} stops receiving events; its delivery log and any queued deliveries are deleted. This cannot be undone.`,
        confirmLabel: 'Delete webhook',
        danger: true,
      });
      if (!ok) return;
      try {
        await api('DELETE', `/webhooks/${w.id}`);
        toast('The webhook was deleted.');
      } catch (error) {
        toast(error.detail || String(error), 'danger');
      }
      editSlot.replaceChildren();
      await load();
    };

    function row(w) {
      const editButton = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', dataset: { action: 'edit' }, 'aria-label': `Edit ${w.url}` }, 'Edit');
      editButton.addEventListener('click', () => edit(w));
      const onOff = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', dataset: { action: w.enabled ? 'disable' : 'enable' } }, w.enabled ? 'Pause' : 'Turn on');
      onOff.addEventListener('click', () => setEnabled(w, !w.enabled));
      const del = h('button', { type: 'button', class: 'btn btn-danger-ghost btn-sm', dataset: { action: 'delete' }, 'aria-label': `Delete ${w.url}` }, 'Delete');
      del.addEventListener('click', () => remove(w));
      return {
        className: w.enabled ? null : 'is-revoked',
        dataset: { webhookId: String(w.id) },
        cells: [
          h('div', { class: 'col-main' },
            h('a', { href: `#/webhooks/${w.id}`, class: 'row-title break' }, w.url),
            h('p', { class: 'muted small' }, w.description || 'No description', ' · created ', time(w.created_at, { withTime: false }))),
          eventChips(w.events),
          health(w),
          h('div', { class: 'row-actions' },
            h('a', { href: `#/webhooks/${w.id}`, class: 'btn btn-secondary btn-sm', 'aria-label': `Deliveries of ${w.url}` }, 'Deliveries'),
            managing && [editButton, onOff, del]),
        ],
      };
    }

    const data = await load();
    const creator = managing && newCard({
      id: 'webhook-form-card', title: 'Create a webhook', description: 'Its signing secret is shown once, right after you create it.',
      button: 'New webhook', buttonId: 'new-webhook-button', open: Boolean(data) && data.items.length === 0,
      form: (close) => webhookForm({
        onSaved: async (created) => {
          revealSecret(creator, secretSlot, signingSecretBox(created));
          await load();
        },
        onCancel: close,
      }),
    });

    return h('div', { class: 'page' },
      pageHeader('Webhooks', 'Send hiring events — applications, stage changes, interviews, offers — to your own systems as they happen.', creator && creator.button),
      secretSlot,
      creator && creator.card,
      editSlot,
      h('section', { class: 'card card-flush', 'aria-label': 'Webhooks' }, listSlot),
      h('details', { class: 'roles-help' },
        h('summary', {}, 'How deliveries work'),
        h('p', { class: 'help-text' }, 'Each event is POSTed as JSON ', h('code', {}, '{id, type, ts, tenant_id, data}'),
          '. A delivery that does not get a 2xx answer is retried after 30 seconds, 2 minutes, 10 minutes, 1 hour and 6 hours. ',
          'After 20 failures in a row the webhook is turned off; turning it on again resets the count.')));
  },
};

// ---- Deliveries of one webhook ------------------------------------------------------------------

export const webhookDeliveriesPage = {
  title: 'Webhook deliveries',
  async render(ctx) {
    if (!can('webhooks_read')) return adminOnly('Webhook deliveries');
    const id = ctx.params.id;
    const numeric = new Set([2, 5]);
    const deliveries = cursorTable({
      id: 'deliveries-table',
      caption: 'Delivery attempts, newest first',
      columns: ['When', 'Event', 'Attempt', 'Outcome', 'Status', 'Duration', 'Error'].map((text, i) => ({ label: text, className: numeric.has(i) ? 'col-num' : null })),
      path: (before) => `/webhooks/${encodeURIComponent(id)}/deliveries${query({ limit: 50, before })}`,
      moreId: 'load-older-deliveries',
      empty: () => emptyState('No deliveries yet', 'Attempts appear here, newest first, once an event is sent.'),
      row: (a) => h('tr', { dataset: { attemptId: String(a.id), outcome: a.outcome } },
        h('td', {}, time(a.at)),
        h('td', {}, h('code', {}, a.event), h('p', { class: 'muted small' }, h('code', { title: 'Event id' }, a.event_id))),
        h('td', { class: 'col-num' }, String(a.attempt)),
        h('td', {}, enumBadge('delivery_outcome', a.outcome)),
        h('td', {}, a.status_code != null ? statusBadge(a.status_code) : h('span', { class: 'muted' }, '—')),
        h('td', { class: 'col-num' }, `${a.duration_ms} ms`),
        h('td', { class: 'col-error' }, a.error || h('span', { class: 'muted' }, '—'))),
    });
    const [webhook] = await Promise.all([api('GET', `/webhooks/${encodeURIComponent(id)}`), deliveries.reload()]);

    return h('div', { class: 'page' },
      h('a', { href: '#/webhooks', class: 'back-link' }, icon('back', 'icon icon-sm'), 'All webhooks'),
      pageHeader('Deliveries', h('span', { class: 'break' }, webhook.url)),
      h('section', { class: 'card job-summary', 'aria-label': 'Webhook' },
        h('dl', { class: 'facts facts-grid' },
          h('div', {}, h('dt', {}, 'Status'), h('dd', {}, health(webhook))),
          h('div', {}, h('dt', {}, 'Events'), h('dd', {}, eventChips(webhook.events))),
          h('div', {}, h('dt', {}, 'Description'), h('dd', {}, webhook.description || h('span', { class: 'muted' }, '—'))))),
      h('section', { class: 'card card-flush', 'aria-label': 'Delivery attempts' }, deliveries.node));
  },
};
