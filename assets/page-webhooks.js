// `#/webhooks` (org_admin): subscriptions that receive signed events — create one (its signing
// secret is shown once), change its events, turn it off and on, delete it.
// `#/webhooks/:id`: its delivery log, newest first, with "Load older".

import { api, query } from './api.js';
import {
  badge, card, confirmDialog, copyText, dataTable, emptyState, h, icon, mount, notice, pageHeader, problemNotice, time, toast,
} from './dom.js';
import { checkboxField, checks, field, formAlert, onSubmit, rule } from './forms.js';
import { httpUrl, textOrNull } from './recruiting.js';
import { isOrgAdmin } from './session.js';

/** Events by what they are about: `[group, [[event, label]]]`. */
const EVENT_GROUPS = [
  ['Candidates', [['candidate.applied', 'Applied'], ['candidate.stage_changed', 'Stage changed']]],
  ['Jobs', [['job.published', 'Published']]],
  ['Interviews', [['interview.scheduled', 'Scheduled'], ['interview.completed', 'Completed']]],
  ['Offers', [['offer.sent', 'Sent'], ['offer.accepted', 'Accepted'], ['offer.declined', 'Declined']]],
];
const ALL_EVENTS = EVENT_GROUPS.flatMap(([, events]) => events.map(([e]) => e));

function adminOnly(title) {
  return h('div', { class: 'page' },
    pageHeader(title),
    notice('info', 'Only organisation admins manage webhooks',
      h('p', {}, 'Webhooks send hiring events to other systems. Ask an organisation admin to set one up.')));
}

// ---- The secret, shown once -------------------------------------------------------------------

function secretBox(created, onDismiss) {
  const secret = h('code', { id: 'new-webhook-secret', class: 'token-value' }, created.secret);
  const copy = h('button', { type: 'button', class: 'btn btn-secondary', id: 'copy-webhook-secret' }, icon('copy'), h('span', {}, 'Copy'));
  copy.addEventListener('click', async () => {
    const copied = await copyText(created.secret, secret);
    toast(copied ? 'The secret is on your clipboard.' : 'Select the secret and copy it by hand.', copied ? 'success' : 'info');
  });
  const done = h('button', { type: 'button', class: 'btn btn-ghost' }, 'I have stored it');
  done.addEventListener('click', onDismiss);
  return h('section', { class: 'token-box', 'aria-labelledby': 'new-webhook-title', tabindex: '-1', id: 'new-webhook-secret-box' },
    h('h2', { id: 'new-webhook-title', class: 'token-title' }, icon('lock'), 'Signing secret for ', h('span', { class: 'break' }, created.webhook.url)),
    h('p', { class: 'token-warning' }, h('strong', {}, 'Copy it now: it will not be shown again. '),
      'Your receiver uses it to check that each delivery really comes from hirebase. If you lose it, delete the webhook and create a new one.'),
    h('div', { class: 'token-row' }, secret, copy),
    h('p', { class: 'muted small' }, 'Each delivery carries ', h('code', {}, 'X-Hirebase-Signature: t=<unix>,v1=<hex>'),
      ', the HMAC-SHA256 of ', h('code', {}, '"<t>.<body>"'), ' keyed with this secret.'),
    h('div', { class: 'token-actions' }, done));
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
  nav: 'webhooks',
  async render() {
    if (!isOrgAdmin()) return adminOnly('Webhooks');

    const secretSlot = h('div', {});
    const editSlot = h('div', {});
    const listSlot = h('div', {});
    const formCard = card('Create a webhook', 'Its signing secret is shown once, right after you create it.', null);
    formCard.id = 'webhook-form-card';
    const toggle = h('button', { type: 'button', class: 'btn btn-primary', id: 'new-webhook-button', 'aria-controls': 'webhook-form-card' }, icon('plus'), 'New webhook');
    const setFormOpen = (open) => {
      formCard.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      if (open) formCard.querySelector('input')?.focus();
    };
    toggle.addEventListener('click', () => setFormOpen(formCard.hidden));

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
            editButton, onOff, del),
        ],
      };
    }

    formCard.querySelector('.card-body').append(webhookForm({
      onSaved: async (created) => {
        const box = secretBox(created, () => {
          secretSlot.replaceChildren();
          toggle.focus();
        });
        mount(secretSlot, box);
        setFormOpen(false);
        box.focus();
        await load();
      },
      onCancel: () => setFormOpen(false),
    }));
    const data = await load();
    setFormOpen(Boolean(data) && data.items.length === 0);

    return h('div', { class: 'page' },
      pageHeader('Webhooks', 'Send hiring events — applications, stage changes, interviews, offers — to your own systems as they happen.', toggle),
      secretSlot,
      formCard,
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

const OUTCOME_KINDS = { delivered: 'success', retrying: 'warning', failed: 'danger' };

export const webhookDeliveriesPage = {
  title: 'Webhook deliveries',
  nav: 'webhooks',
  async render(ctx) {
    if (!isOrgAdmin()) return adminOnly('Webhook deliveries');
    const id = ctx.params.id;
    const [webhook, first] = await Promise.all([
      api('GET', `/webhooks/${encodeURIComponent(id)}`),
      api('GET', `/webhooks/${encodeURIComponent(id)}/deliveries${query({ limit: 50 })}`),
    ]);

    const tbody = h('tbody', {});
    const more = h('button', { type: 'button', class: 'btn btn-secondary', id: 'load-older-deliveries' }, 'Load older');
    const footer = h('div', { class: 'table-footer' });
    let nextBefore = null;
    const show = (page) => {
      for (const a of page.items) {
        tbody.append(h('tr', { dataset: { attemptId: String(a.id), outcome: a.outcome } },
          h('td', {}, time(a.at)),
          h('td', {}, h('code', {}, a.event), h('p', { class: 'muted small' }, h('code', { title: 'Event id' }, a.event_id))),
          h('td', { class: 'col-num' }, String(a.attempt)),
          h('td', {}, badge(a.outcome, OUTCOME_KINDS[a.outcome] || 'neutral')),
          h('td', {}, a.status_code != null ? statusBadge(a.status_code) : h('span', { class: 'muted' }, '—')),
          h('td', { class: 'col-num' }, `${a.duration_ms} ms`),
          h('td', { class: 'col-error' }, a.error || h('span', { class: 'muted' }, '—'))));
      }
      nextBefore = page.has_more ? page.next_before : null;
      footer.replaceChildren(nextBefore ? more : h('p', { class: 'muted small' }, tbody.children.length > 0 ? 'That is everything.' : ''));
    };
    more.addEventListener('click', async () => {
      more.disabled = true;
      try {
        show(await api('GET', `/webhooks/${encodeURIComponent(id)}/deliveries${query({ limit: 50, before: nextBefore })}`));
      } catch (error) {
        toast(error.detail || String(error), 'danger');
      } finally {
        more.disabled = false;
      }
    });
    show(first);

    const table = h('div', { class: 'table-wrap' },
      h('table', { class: 'table', id: 'deliveries-table' },
        h('caption', { class: 'visually-hidden' }, `Delivery attempts to ${webhook.url}`),
        h('thead', {}, h('tr', {}, ['When', 'Event', 'Attempt', 'Outcome', 'Status', 'Duration', 'Error'].map((label, i) => h('th', { scope: 'col', class: [2, 5].includes(i) ? 'col-num' : null }, label)))),
        tbody));

    return h('div', { class: 'page' },
      h('a', { href: '#/webhooks', class: 'back-link' }, icon('back', 'icon icon-sm'), 'All webhooks'),
      pageHeader('Deliveries', h('span', { class: 'break' }, webhook.url)),
      h('section', { class: 'card job-summary', 'aria-label': 'Webhook' },
        h('dl', { class: 'facts facts-grid' },
          h('div', {}, h('dt', {}, 'Status'), h('dd', {}, health(webhook))),
          h('div', {}, h('dt', {}, 'Events'), h('dd', {}, eventChips(webhook.events))),
          h('div', {}, h('dt', {}, 'Description'), h('dd', {}, webhook.description || h('span', { class: 'muted' }, '—'))))),
      h('section', { class: 'card card-flush', 'aria-label': 'Delivery attempts' },
        first.items.length === 0 ? emptyState('No deliveries yet', 'Attempts appear here, newest first, once an event is sent.') : table,
        footer));
  },
};
