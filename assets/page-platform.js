// The platform admin's console: `#/admin/organisations` (every organisation with what it
// holds, and whether anyone may create one) and `#/admin/flags` (the feature flags: rate
// limits per tier, strict or soft limiting, open registration). Flags apply at once.

import { api, query } from './api.js';
import { accessNotice, askDialog, badge, busy, card, dataTable, emptyState, h, pageHeader, time, toast } from './dom.js';
import { checkboxField, checks, field, formAlert, onSubmit } from './forms.js';
import { pageFrom, pager } from './list-page.js';
import { can } from './session.js';

const PAGE_SIZE = 25;
const MAX_RPM = 1000000;

/** The flags the page edits, in its order: name, label, hint, and `rpm` for the limits. */
const FLAGS = [
  ['rate_limit_admin_rpm', 'Platform admins', 'Requests per minute for each platform admin, per address.', 'rpm'],
  ['rate_limit_company_rpm', 'Organisation members', 'Requests per minute for each role of an organisation, per address.', 'rpm'],
  ['rate_limit_person_rpm', 'Talent and anonymous callers', 'Requests per minute per address, including the careers pages.', 'rpm'],
  ['rate_limit_key_rpm', 'API keys', 'Requests per minute for each API key, wherever it calls from.', 'rpm'],
  ['rate_limit_strict_mode', 'Strict mode', 'Refuse requests over the limit (429). Off: let them through with a warning header.'],
  ['registration_open', 'Open registration', 'Anyone who reaches this server may create an organisation.'],
];

const platformOnly = (title) => accessNotice(title, 'For the platform admin', 'Only the operator of this instance sees this page.');

function flagsForm(flags, onSaved) {
  const inputs = FLAGS.map(([name, text, hint, kind]) => (kind === 'rpm'
    ? field({ name, label: text, hint, id: `flag-${name}`, type: 'number', min: 1, max: MAX_RPM, step: 1, inputmode: 'numeric', value: flags[name], required: true })
    : checkboxField({ name, label: text, hint, id: `flag-${name}`, checked: flags[name] })));
  const form = h('form', { class: 'form form-narrow', id: 'flags-form' },
    formAlert(),
    h('fieldset', { class: 'fieldset form-group' }, h('legend', { class: 'subheading' }, 'Rate limits (requests per minute)'), inputs.slice(0, 5)),
    h('fieldset', { class: 'fieldset form-group' }, h('legend', { class: 'subheading' }, 'Organisations'), inputs.slice(5)),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'flags-submit' }, 'Save flags')));
  const rpmRule = (value) => {
    const n = Number(value);
    return Number.isInteger(n) && n >= 1 && n <= MAX_RPM ? null : `must be between 1 and ${MAX_RPM} requests per minute`;
  };
  onSubmit(form, {
    busyLabel: 'Saving…',
    validate: (values) => checks(values, Object.fromEntries(FLAGS.filter((f) => f[3] === 'rpm').map(([name]) => [name, [rpmRule]]))),
    submit: async (values) => {
      // Only what changed: a flag never set keeps following the configuration.
      const change = {};
      for (const [name, , , kind] of FLAGS) {
        const value = kind === 'rpm' ? Number(values[name]) : values[name].length > 0;
        if (value !== flags[name]) change[name] = value;
      }
      if (Object.keys(change).length === 0) {
        toast('Nothing to save: the flags are as shown.', 'info');
        return;
      }
      const saved = await api('PATCH', '/admin/flags', change);
      onSaved(saved.flags);
      toast(`Flags saved: ${Object.keys(change).join(', ')}.`);
    },
  });
  return form;
}

export const flagsPage = {
  title: 'Feature flags',
  async render() {
    if (!can('platform')) return platformOnly('Feature flags');
    const { flags } = await api('GET', '/admin/flags');
    const slot = h('div', {});
    const show = (current) => {
      slot.replaceChildren(flagsForm(current, show));
    };
    show(flags);
    return h('div', { class: 'page' },
      pageHeader('Feature flags', 'Settings of the whole instance. A change applies to the next request and is kept across restarts; every change is in the audit trail.'),
      card('Flags', 'Flags you never changed follow the configuration file ([rate_limit]).', slot));
  },
};

function registrationSwitch(open) {
  const box = checkboxField({
    name: 'registration_open', id: 'registration-open', checked: open,
    label: 'Anyone may create an organisation',
    hint: 'Off: the sign-up page and POST /api/v1/auth/register refuse new organisations; existing ones are unaffected.',
  });
  const input = box.querySelector('input');
  input.addEventListener('change', async () => {
    input.disabled = true;
    try {
      const { flags } = await api('PATCH', '/admin/flags', { registration_open: input.checked });
      input.checked = flags.registration_open;
      toast(flags.registration_open ? 'Registration is open.' : 'Registration is closed.');
    } catch (error) {
      input.checked = !input.checked;
      toast(error.detail || String(error), 'danger');
    } finally {
      input.disabled = false;
    }
  });
  return box;
}

/** Suspend (asking why) or resume one organisation, then redraw the page. */
function suspendButton(org, ctx) {
  const suspended = Boolean(org.suspended_at);
  const button = h('button', {
    type: 'button',
    class: `btn btn-sm ${suspended ? 'btn-secondary' : 'btn-danger'}`,
    dataset: { action: suspended ? 'resume' : 'suspend' },
  }, suspended ? 'Resume' : 'Suspend');
  button.addEventListener('click', async () => {
    let body = {};
    if (!suspended) {
      const answer = await askDialog({
        title: `Suspend ${org.name}?`,
        message: 'Its members, sessions and API keys are refused and its careers page and public jobs disappear until you resume it. Nothing is deleted.',
        confirmLabel: 'Suspend', danger: true, confirmId: 'suspend-confirm',
        note: { label: 'Reason (members see it when they sign in)', placeholder: 'e.g. unpaid invoice' },
      });
      if (answer === null) return;
      body = { reason: answer.note.slice(0, 500) || null };
    }
    try {
      await busy(button, suspended ? 'Resuming…' : 'Suspending…', () => api('POST', `/admin/tenants/${org.id}/${suspended ? 'resume' : 'suspend'}`, body));
      toast(suspended ? `${org.name} is active again.` : `${org.name} is suspended.`);
      ctx.refresh?.();
    } catch (error) {
      toast(error.detail || String(error), 'danger');
    }
  });
  return button;
}

export const organisationsPage = {
  title: 'Organisations',
  async render(ctx) {
    if (!can('platform')) return platformOnly('Organisations');
    const page = pageFrom(ctx.query);
    const [data, { flags }] = await Promise.all([
      api('GET', `/admin/tenants${query({ skip: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE })}`),
      api('GET', '/admin/flags'),
    ]);
    const columns = [
      { label: 'Organisation' },
      { label: 'Careers page' },
      { label: 'Members', className: 'col-num' },
      { label: 'Jobs', className: 'col-num' },
      { label: 'Candidates', className: 'col-num' },
      { label: 'Applications', className: 'col-num' },
      { label: 'Created' },
      { label: 'Status' },
      { label: 'Actions' },
    ];
    const status = (org) => {
      if (org.deletion) return 'deleting';
      return org.suspended_at ? 'suspended' : 'active';
    };
    const rows = data.items.map((org) => ({
      dataset: { orgId: String(org.id), status: status(org) },
      cells: [
        h('strong', {}, org.name),
        h('a', { href: `/careers/${org.slug}`, target: '_blank', rel: 'noopener' }, `/careers/${org.slug}`),
        String(org.members), String(org.jobs), String(org.candidates), String(org.applications),
        time(org.created_at, { withTime: false }),
        {
          // Being deleted: the rows removed so far, as its data goes in the background.
          deleting: () => h('span', { title: 'Deleted by its admin; its data is being removed' }, badge('Deleting', 'danger'), ' ',
            `${Object.values(org.deletion.removed).reduce((a, b) => a + b, 0).toLocaleString('en')} rows removed`),
          suspended: () => h('span', { title: org.suspension_reason || '' }, badge('Suspended', 'danger'), ' ', time(org.suspended_at, { withTime: false })),
          active: () => badge('Active', 'success'),
        }[status(org)](),
        org.deletion ? null : suspendButton(org, ctx),
      ],
    }));
    return h('div', { class: 'page' },
      pageHeader('Organisations', 'Every organisation on this instance and what it holds.'),
      card('Registration', null, registrationSwitch(flags.registration_open)),
      h('section', { class: 'card card-flush', 'aria-label': 'Organisations' },
        data.items.length === 0
          ? emptyState('No organisations yet', 'They appear here once someone signs up.')
          : dataTable({ caption: 'Organisations on this instance', columns, rows, id: 'organisations-table' }),
        pager({ page, pageSize: PAGE_SIZE, total: data.total, href: (n) => `#/admin/organisations?page=${n}` })));
  },
};

/** `#/admin/health`: the instance at a glance, as `GET /health` reports it. */
export const healthPage = {
  title: 'Health',
  async render(ctx) {
    if (!can('platform')) return platformOnly('Health');
    const health = await api('GET', '/health');
    const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
    const facts = (rows) => h('dl', { class: 'facts facts-grid' }, rows.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))));
    const ok = health.status === 'ok';
    return h('div', { class: 'page', id: 'health-page', dataset: { status: health.status } },
      pageHeader('Health', `hirebase ${health.version}, checked ${new Date(health.checked_at).toLocaleTimeString()}.`,
        h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => ctx.refresh?.() }, 'Check again')),
      card('Status', null,
        h('p', { id: 'health-status' }, badge(ok ? 'All good' : 'Degraded', ok ? 'success' : 'danger')),
        ok ? null : h('ul', { class: 'prose' }, health.problems.map((p) => h('li', {}, p)))),
      h('div', { class: 'grid grid-2' },
        card('Storage', null, facts([
          ['Backend', health.storage.backend], ['Probe', health.storage.ok ? `ok in ${health.storage.probe_ms.toFixed(2)} ms` : 'failed'],
          ['Database', mb(health.storage.database_bytes)], ['Schema version', String(health.storage.schema_version)],
        ])),
        card('Search index', null, facts([['Backend', health.index.backend], ['Changes not yet searchable', String(health.index.lag)]])),
        card('Mail', null, facts([
          ['Transport', health.mail.transport === 'smtp' ? 'SMTP server' : 'Outbox (no SMTP server configured)'],
          ['Queued', String(health.mail.queued)], ['Failed', String(health.mail.failed)],
        ])),
        card('Webhooks', null, facts([['Deliveries queued', String(health.webhooks.queued)]])),
        card('Assistant', null, facts([
          ['Engine', health.assistant.engine === 'endpoint' ? `Endpoint ${health.assistant.endpoint_host}` : 'Built-in, offline'],
          ['Model', health.assistant.model || '—'],
        ])),
        card('Backups and audit', null, facts([
          ['Backups', String(health.backups.count)], ['Latest backup', health.backups.latest_at ? time(health.backups.latest_at) : 'none yet'],
          ['Audit chains', String(health.audit.chains)], ['Audit entries', String(health.audit.entries)],
        ]))));
  },
};

/** A mail's text with its links clickable. */
function linkify(text) {
  return text.split(/(https?:\/\/\S+)/).map((part, i) => (i % 2 === 1 ? h('a', { href: part, class: 'mail-link' }, part) : part));
}

/** `#/admin/outbox`: the mail sent or waiting (all of it for the platform admin, the organisation's for an org admin). */
export const outboxPage = {
  title: 'Mail outbox',
  async render(ctx) {
    if (!can('outbox')) return accessNotice('Mail outbox', 'For admins', 'Only organisation admins and the platform admin read the outbox.');
    const page = pageFrom(ctx.query);
    const data = await api('GET', `/admin/outbox${query({ skip: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE })}`);
    const columns = [{ label: 'To' }, { label: 'Subject' }, { label: 'Status' }, { label: 'Queued' }, { label: 'Message' }];
    const rows = data.items.map((mail) => ({
      dataset: { mailId: String(mail.id), kind: mail.kind },
      cells: [
        mail.to,
        mail.subject,
        h('span', { class: 'badge', title: mail.last_error || '' }, mail.status),
        time(mail.created_at),
        h('details', {}, h('summary', {}, 'Show'), h('p', { class: 'prose small' }, linkify(mail.text))),
      ],
    }));
    return h('div', { class: 'page' },
      pageHeader('Mail outbox', 'Every mail hirebase sends. Without an SMTP server (mail.smtp_url) mail stays here, so nothing is lost on an offline install.'),
      h('section', { class: 'card card-flush', 'aria-label': 'Mails' },
        data.items.length === 0
          ? emptyState('No mail yet')
          : dataTable({ caption: 'Mails, newest first', columns, rows, id: 'outbox-table' }),
        pager({ page, pageSize: PAGE_SIZE, total: data.total, href: (n) => `#/admin/outbox?page=${n}` })));
  },
};
