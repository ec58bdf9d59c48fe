// `#/team?page=N`: the organisation's members. An org_admin changes roles and removes members.

import { api, query } from './api.js';
import { badge, confirmDialog, copyText, dataTable, emptyState, h, initials, pageHeader, time, toast } from './dom.js';
import { newCard } from './form-card.js';
import { checks, field, formAlert, onSubmit, rule, selectField } from './forms.js';
import { label, options } from './labels.js';
import { pageFrom, pager } from './list-page.js';
import { can, loadSession, session } from './session.js';
import { unitOptions, unitSelect } from './structure.js';

/** Roles a member of an organisation can hold, in the order the UI offers them. */
const TENANT_ROLES = options('role', { only: ['org_admin', 'recruiter', 'hiring_manager', 'interviewer', 'agency', 'talent'] });

const PAGE_SIZE = 20;

function memberCell(member, isYou) {
  return h('div', { class: 'member' },
    h('span', { class: 'avatar avatar-sm', 'aria-hidden': 'true' }, initials(member.full_name)),
    h('div', {},
      h('p', { class: 'member-name' }, member.full_name, isYou && badge('You', 'accent')),
      h('p', { class: 'muted small' }, member.email)));
}

function roleSelect(member, ctx) {
  const select = h('select', { class: 'input select select-sm', 'aria-label': `Role of ${member.full_name}`, dataset: { memberId: String(member.id) } },
    TENANT_ROLES.map(([role, text]) => h('option', { value: role, selected: role === member.role }, text)));
  select.addEventListener('change', async () => {
    const previous = member.role;
    const role = select.value;
    const isYou = member.id === session.user.id;
    if (isYou && can('team_write')) {
      const ok = await confirmDialog({
        title: `Give up ${label('role', previous)}?`,
        message: `You will become ${label('role', role)} and may lose access to team management, API keys and organisation settings.`,
        confirmLabel: 'Change my role',
        danger: true,
      });
      if (!ok) {
        select.value = previous;
        return;
      }
    }
    select.disabled = true;
    try {
      const updated = await api('PATCH', `/team/${member.id}`, { role });
      member.role = updated.role;
      toast(`${updated.full_name} is now ${label('role', updated.role)}.`);
      if (isYou) {
        // A new role brings other permissions: ask the server for them.
        await loadSession();
        ctx.refresh();
      }
    } catch (error) {
      select.value = previous;
      toast(error.detail || String(error), 'danger');
    } finally {
      select.disabled = false;
    }
  });
  return select;
}

function removeButton(member, ctx) {
  const button = h('button', { type: 'button', class: 'btn btn-danger-ghost btn-sm' }, 'Remove');
  button.setAttribute('aria-label', `Remove ${member.full_name}`);
  button.addEventListener('click', async () => {
    const ok = await confirmDialog({
      title: `Remove ${member.full_name}?`,
      message: `${member.email} will be signed out at once and can no longer sign in to this organisation. This cannot be undone.`,
      confirmLabel: 'Remove member',
      danger: true,
    });
    if (!ok) return;
    try {
      await api('DELETE', `/team/${member.id}`);
      toast(`${member.full_name} was removed from the team.`);
      ctx.refresh();
    } catch (error) {
      toast(error.detail || String(error), 'danger');
    }
  });
  return button;
}

/**
 * Invite a teammate: email and role (and, for the agency role, which agency they work for);
 * the link is mailed, and shown here to pass on.
 */
function inviteForm(close) {
  const sent = h('div', { id: 'invite-sent', hidden: true });
  const role = selectField({ name: 'role', label: 'Role', id: 'invite-role', options: TENANT_ROLES, value: 'recruiter' });
  // Shown only with the agency role. Without agencies an agency user cannot be invited: it
  // says so, links to where agencies are added, and the form cannot be sent.
  const noAgencies = h('p', { class: 'hint', id: 'invite-no-agencies', role: 'status', hidden: true },
    'There are no agencies yet. Add the agency under ',
    h('a', { href: '#/settings', id: 'invite-add-agency' }, 'Organisation settings'),
    ', then invite its people here.');
  // The organisation's agencies once loaded (null until then).
  let agencies = null;
  const agency = unitSelect({
    kind: 'agencies', name: 'agency_id', label: 'Agency', id: 'invite-agency', none: 'Choose the agency…',
    hint: 'They see only the candidates and applications their agency submits.', onReady: (found) => { agencies = found; showAgency(); },
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'invite-submit' }, 'Send invitation');
  const showAgency = () => {
    const isAgency = role.querySelector('select').value === 'agency';
    const none = agencies !== null && agencies.length === 0;
    agency.hidden = !isAgency || !agencies?.length;
    noAgencies.hidden = !isAgency || !none;
    submit.disabled = isAgency && none;
  };
  role.querySelector('select').addEventListener('change', showAgency);
  const form = h('form', { class: 'form form-narrow', id: 'invite-form' },
    formAlert(),
    field({ name: 'email', label: 'Email', type: 'email', id: 'invite-email', autocomplete: 'off', required: true }),
    role,
    agency,
    noAgencies,
    h('div', { class: 'form-actions' },
      submit,
      h('button', { type: 'button', class: 'btn btn-secondary', onClick: close }, 'Cancel')),
    sent);
  onSubmit(form, {
    busyLabel: 'Sending…',
    validate: (values) => checks(values, {
      email: [rule.required, rule.email],
      agency_id: [(v) => (values.role === 'agency' && !v ? 'choose the agency they work for' : null)],
    }),
    submit: async (values) => {
      const body = { email: values.email.trim(), role: values.role };
      if (values.role === 'agency') body.agency_id = values.agency_id ? Number(values.agency_id) : null;
      const result = await api('POST', '/auth/invite', body);
      const link = h('code', { id: 'invite-url', class: 'break' }, result.invite_url);
      const copy = h('button', { type: 'button', class: 'btn btn-secondary btn-sm' }, 'Copy link');
      copy.addEventListener('click', () => copyText(result.invite_url, link));
      sent.replaceChildren(h('p', {}, `Invitation mailed to ${result.invite.email} as ${label('role', result.invite.role)}. The link works for 7 days:`), link, copy);
      sent.hidden = false;
      form.elements.email.value = '';
      toast(`Invitation sent to ${result.invite.email}.`);
    },
  });
  return form;
}

export const teamPage = {
  title: 'Team',
  async render(ctx) {
    const page = pageFrom(ctx.query);
    const data = await api('GET', `/team${query({ skip: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE })}`);
    const lastPage = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
    if (data.items.length === 0 && page > lastPage) {
      ctx.navigate(`#/team?page=${lastPage}`, { replace: true });
      return h('div', {});
    }
    const admin = can('team_write');
    const agencyNames = new Map(await unitOptions('agencies'));
    const columns = [
      { label: 'Member' },
      { label: 'Role' },
      { label: 'Email' },
      { label: 'Joined' },
    ];
    if (admin) columns.push({ label: 'Actions', className: 'col-actions' });
    const rows = data.items.map((member) => {
      const isYou = member.id === session.user.id;
      const cells = [
        memberCell(member, isYou),
        h('div', { class: 'stack-tight' },
          admin ? roleSelect(member, ctx) : badge(label('role', member.role)),
          member.agency_id && h('span', { class: 'muted small member-agency' }, agencyNames.get(String(member.agency_id)) || `Agency ${member.agency_id}`)),
        member.email_verified ? badge('Verified', 'success') : badge('Unverified', 'warning'),
        time(member.created_at, { withTime: false }),
      ];
      if (admin) cells.push(isYou ? h('span', { class: 'muted small' }, '—') : removeButton(member, ctx));
      return { cells, dataset: { memberId: String(member.id) } };
    });

    const inviter = admin && newCard({
      id: 'invite-card', title: 'Invite a teammate', button: 'Invite', buttonId: 'invite-button',
      description: 'They get a mail with a link to choose their password.', form: inviteForm,
    });
    return h('div', { class: 'page' },
      pageHeader('Team', admin
        ? 'Everyone who can sign in to your organisation. Invite people, change roles or remove members here.'
        : 'Everyone who can sign in to your organisation.', inviter && inviter.button),
      inviter && inviter.card,
      h('section', { class: 'card card-flush', 'aria-label': 'Members' },
        data.items.length === 0
          ? emptyState('No members yet')
          : dataTable({ caption: 'Members of the organisation', columns, rows, id: 'team-table' }),
        pager({ page, pageSize: PAGE_SIZE, total: data.total, href: (n) => `#/team?page=${n}` })),
      h('details', { class: 'roles-help' },
        h('summary', {}, 'What can each role do?'),
        h('dl', { class: 'roles-list' },
          ROLE_HELP.map(([role, text]) => h('div', {}, h('dt', {}, label('role', role)), h('dd', {}, text))))));
  },
};

const ROLE_HELP = [
  ['org_admin', 'Everything in the organisation: team, API keys, webhooks, settings, export.'],
  ['recruiter', 'Jobs, candidates, applications, interviews, offers, matching and imports.'],
  ['hiring_manager', 'Like a recruiter for jobs; reads everything; cannot delete candidates.'],
  ['interviewer', 'Sees the candidates and jobs of their interviews and writes their own scorecards.'],
  ['agency', 'Creates candidates and submits them to jobs; sees only what it submitted.'],
  ['talent', "A candidate's own account: their profile, applications and matching jobs."],
];
