// Signed-out pages: sign in (`#/login`) and create an organisation (`#/register`).

import { api } from './api.js';
import { h, toast } from './dom.js';
import { checks, field, formAlert, onSubmit, rule } from './forms.js';

function authCard(title, subtitle, ...body) {
  return h('div', { class: 'auth-card' },
    h('div', { class: 'auth-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'h'), h('span', { class: 'auth-product' }, 'hirebase')),
    h('h1', { class: 'auth-title', tabindex: '-1' }, title),
    subtitle && h('p', { class: 'auth-subtitle' }, subtitle),
    body);
}

function signIn(email, password) {
  return api('POST', '/auth/login', { email: email.trim(), password });
}

export const loginPage = {
  title: 'Sign in',
  render(ctx) {
    const form = h('form', { class: 'form', id: 'login-form', 'aria-labelledby': 'login-title' },
      formAlert(),
      field({ name: 'email', label: 'Email', type: 'email', id: 'login-email', autocomplete: 'username', required: true, 'data-autofocus': true }),
      field({ name: 'password', label: 'Password', type: 'password', id: 'login-password', autocomplete: 'current-password', required: true }),
      h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'login-submit' }, 'Sign in'));
    onSubmit(form, {
      busyLabel: 'Signing in…',
      validate: (values) => checks(values, { email: [rule.required, rule.email], password: [rule.required] }),
      submit: async (values) => {
        await signIn(values.email, values.password);
        await ctx.signedIn();
      },
    });
    const card = authCard('Sign in to your workspace', 'Use the email and password of your hirebase account.',
      form,
      h('p', { class: 'auth-switch' }, 'New to hirebase? ', h('a', { href: '#/register', id: 'register-link' }, 'Create an organisation')));
    card.querySelector('h1').id = 'login-title';
    return card;
  },
};

export const registerPage = {
  title: 'Create an organisation',
  render(ctx) {
    const form = h('form', { class: 'form', id: 'register-form', 'aria-labelledby': 'register-title' },
      formAlert(),
      field({ name: 'org_name', label: 'Organisation name', id: 'register-org', autocomplete: 'organization', required: true, maxlength: 120, 'data-autofocus': true }),
      field({ name: 'full_name', label: 'Your name', id: 'register-name', autocomplete: 'name', required: true, maxlength: 120 }),
      field({ name: 'email', label: 'Work email', type: 'email', id: 'register-email', autocomplete: 'email', required: true }),
      field({ name: 'password', label: 'Password', type: 'password', id: 'register-password', autocomplete: 'new-password', required: true, hint: '8 to 128 characters. A short sentence is easy to remember and hard to guess.' }),
      h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'register-submit' }, 'Create organisation'));
    onSubmit(form, {
      busyLabel: 'Creating…',
      validate: (values) => checks(values, {
        org_name: [rule.required, rule.maxLength(120)],
        full_name: [rule.required, rule.maxLength(120)],
        email: [rule.required, rule.email],
        password: [rule.password],
      }),
      submit: async (values) => {
        const created = await api('POST', '/auth/register', {
          email: values.email.trim(),
          password: values.password,
          org_name: values.org_name.trim(),
          full_name: values.full_name.trim(),
        });
        await signIn(values.email, values.password);
        toast(`Welcome! ${created.org_name} is ready.`);
        await ctx.signedIn();
      },
    });
    const card = authCard('Create an organisation', 'You become its first organisation admin, with access to team, API keys and settings.',
      form,
      h('p', { class: 'auth-switch' }, 'Already have an account? ', h('a', { href: '#/login' }, 'Sign in')));
    card.querySelector('h1').id = 'register-title';
    return card;
  },
};

/**
 * `/setup?token=…`: the first-run page, opened from the one-time link the server prints while no
 * platform admin exists. It creates the platform admin, signs in, and opens the app.
 */
export const setupPage = {
  title: 'Set up hirebase',
  render(ctx) {
    const token = ctx.query.get('token') || '';
    const form = h('form', { class: 'form', id: 'setup-form', 'aria-labelledby': 'setup-title' },
      formAlert(),
      field({ name: 'email', label: 'Your email', type: 'email', id: 'setup-email', autocomplete: 'username', required: true, 'data-autofocus': true }),
      field({ name: 'password', label: 'Password', type: 'password', id: 'setup-password', autocomplete: 'new-password', required: true, hint: '8 to 128 characters.' }),
      field({ name: 'confirm', label: 'Password again', type: 'password', id: 'setup-confirm', autocomplete: 'new-password', required: true }),
      h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'setup-submit' }, 'Create the platform admin'));
    onSubmit(form, {
      busyLabel: 'Creating…',
      validate: (values) => checks(values, {
        email: [rule.required, rule.email],
        password: [rule.password],
        confirm: [(value) => (value === values.password ? null : 'must repeat the password')],
      }),
      submit: async (values) => {
        await api('POST', '/admin/setup', { token, email: values.email.trim(), password: values.password });
        await signIn(values.email, values.password);
        // Leave the setup address: the app proper lives at `/`.
        window.location.replace('/#/backups');
      },
    });
    const card = authCard('Set up hirebase', 'Create the platform admin: the operator of this instance, who sees organisations and takes backups.',
      token ? form : h('p', { class: 'auth-subtitle', role: 'alert' }, 'This address needs the setup link the server printed at start-up.'));
    card.querySelector('h1').id = 'setup-title';
    return card;
  },
};
