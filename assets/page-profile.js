// `#/profile`: the signed-in person — who they are, their name, their password.

import { api } from './api.js';
import { badge, card, h, initials, pageHeader, time, toast } from './dom.js';
import { label } from './labels.js';
import { checks, field, formAlert, onSubmit, rule } from './forms.js';
import { can, updateSession } from './session.js';

function summary(user) {
  return h('section', { class: 'card profile-summary', 'aria-label': 'Your account' },
    h('span', { class: 'avatar avatar-lg', 'aria-hidden': 'true' }, initials(user.full_name)),
    h('div', { class: 'profile-text' },
      h('p', { class: 'profile-name', id: 'profile-name' }, user.full_name),
      h('p', { class: 'muted' }, user.email),
      h('dl', { class: 'facts' },
        h('div', {}, h('dt', {}, 'Role'), h('dd', {}, badge(label('role', user.role), 'accent'))),
        h('div', {}, h('dt', {}, 'Email'), h('dd', {}, user.email_verified ? badge('Verified', 'success') : badge('Not verified', 'warning'))),
        h('div', {}, h('dt', {}, 'Member since'), h('dd', {}, time(user.created_at, { withTime: false }))))));
}

function nameForm(user, refreshSummary) {
  const form = h('form', { class: 'form form-narrow', id: 'profile-name-form' },
    formAlert(),
    field({ name: 'full_name', label: 'Full name', id: 'profile-full-name', value: user.full_name, autocomplete: 'name', required: true, maxlength: 120 }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save name')));
  onSubmit(form, {
    busyLabel: 'Saving…',
    validate: (values) => checks(values, { full_name: [rule.required, rule.maxLength(120)] }),
    submit: async (values) => {
      const updated = await api('PATCH', '/users/me', { full_name: values.full_name.trim() });
      updateSession({ user: updated });
      refreshSummary(updated);
      toast('Your name was saved.');
    },
  });
  return form;
}

function passwordForm() {
  const form = h('form', { class: 'form form-narrow', id: 'profile-password-form' },
    formAlert(),
    field({ name: 'current_password', label: 'Current password', type: 'password', id: 'profile-current-password', autocomplete: 'current-password', required: true }),
    field({ name: 'password', label: 'New password', type: 'password', id: 'profile-new-password', autocomplete: 'new-password', required: true, hint: '8 to 128 characters.' }),
    field({ name: 'password_confirm', label: 'Repeat the new password', type: 'password', id: 'profile-confirm-password', autocomplete: 'new-password', required: true }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Change password')));
  onSubmit(form, {
    busyLabel: 'Changing…',
    validate: (values) => checks(values, {
      current_password: [rule.required],
      password: [rule.password],
      password_confirm: [(value) => (value === values.password ? null : 'does not match the new password')],
    }),
    submit: async (values) => {
      await api('PATCH', '/users/me', { password: values.password, current_password: values.current_password });
      form.reset();
      toast('Password changed. Your other sessions were signed out.');
    },
  });
  return form;
}

export const profilePage = {
  title: 'Profile',
  async render() {
    const user = await api('GET', '/users/me');
    updateSession({ user });
    const summarySlot = h('div', {}, summary(user));
    const refreshSummary = (updated) => summarySlot.replaceChildren(summary(updated));
    return h('div', { class: 'page' },
      pageHeader('Profile', can('platform') ? 'Your platform administrator account.' : 'Your account in this organisation.'),
      summarySlot,
      h('div', { class: 'grid-2' },
        card('Name', 'How teammates and candidates see you.', nameForm(user, refreshSummary)),
        card('Password', 'Changing it signs you out everywhere else.', passwordForm())));
  },
};
