// Signed-out pages: sign in (`#/login`), create an organisation (`#/register`), and the pages
// mailed links open: confirm an email, reset a password, accept an invitation.

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
      h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'login-submit' }, 'Sign in'),
      h('p', { class: 'small' }, h('a', { href: '#/forgot-password', id: 'forgot-link' }, 'Forgot your password?')));
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

/** The `token` of a mailed link (`#/verify-email?token=…`). */
function tokenOf(ctx) {
  return (ctx.query.get('token') || '').trim();
}

function backToSignIn() {
  return h('p', { class: 'auth-switch' }, h('a', { href: '#/login' }, 'Back to sign in'));
}

/** `#/verify-email?token=…`: confirms the address as soon as the page opens. */
export const verifyEmailPage = {
  title: 'Confirm your email',
  async render(ctx) {
    const status = h('div', { id: 'verify-status', role: 'status' }, 'Confirming…');
    const resend = h('form', { class: 'form', id: 'resend-form', hidden: true },
      formAlert(),
      field({ name: 'email', label: 'Email', type: 'email', id: 'resend-email', autocomplete: 'email', required: true }),
      h('button', { type: 'submit', class: 'btn btn-secondary btn-block', id: 'resend-submit' }, 'Send a new link'));
    onSubmit(resend, {
      busyLabel: 'Sending…',
      validate: (values) => checks(values, { email: [rule.required, rule.email] }),
      submit: async (values) => {
        await api('POST', '/auth/resend-verification', { email: values.email.trim() });
        toast('If that address has an unconfirmed account, a new link is on its way.');
      },
    });
    try {
      const result = await api('POST', '/auth/verify-email', { token: tokenOf(ctx) });
      status.textContent = result.already_verified ? 'Your email was already confirmed.' : 'Thank you: your email is confirmed.';
    } catch (error) {
      status.textContent = `This link does not work: ${error.detail || error}. Ask for a new one below.`;
      resend.hidden = false;
    }
    return authCard('Confirm your email', null, status, resend, backToSignIn());
  },
};

/** `#/forgot-password`: asks for a reset link. */
export const forgotPasswordPage = {
  title: 'Forgot your password',
  render() {
    const form = h('form', { class: 'form', id: 'forgot-form' },
      formAlert(),
      field({ name: 'email', label: 'Email', type: 'email', id: 'forgot-email', autocomplete: 'username', required: true, 'data-autofocus': true }),
      h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'forgot-submit' }, 'Mail me a reset link'));
    const done = h('p', { id: 'forgot-done', role: 'status', hidden: true },
      'If an account uses that address, a link to choose a new password is on its way. It works once, for an hour.');
    onSubmit(form, {
      busyLabel: 'Sending…',
      validate: (values) => checks(values, { email: [rule.required, rule.email] }),
      submit: async (values) => {
        await api('POST', '/auth/forgot-password', { email: values.email.trim() });
        form.hidden = true;
        done.hidden = false;
      },
    });
    return authCard('Forgot your password?', 'We mail you a link to choose a new one.', form, done, backToSignIn());
  },
};

/** `#/reset-password?token=…`: a new password from a reset link. */
export const resetPasswordPage = {
  title: 'Choose a new password',
  render(ctx) {
    const form = h('form', { class: 'form', id: 'reset-form' },
      formAlert(),
      field({ name: 'password', label: 'New password', type: 'password', id: 'reset-password', autocomplete: 'new-password', required: true, 'data-autofocus': true, hint: '8 to 128 characters. You are signed out everywhere else.' }),
      h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'reset-submit' }, 'Set password'));
    onSubmit(form, {
      busyLabel: 'Saving…',
      validate: (values) => checks(values, { password: [rule.password] }),
      submit: async (values) => {
        await api('POST', '/auth/reset-password', { token: tokenOf(ctx), password: values.password });
        toast('Your password is changed. Sign in with it.');
        ctx.navigate('#/login');
      },
    });
    return authCard('Choose a new password', null, form, backToSignIn());
  },
};

/** `#/accept-invite?token=…`: the invited teammate sets a password and is signed in. */
export const acceptInvitePage = {
  title: 'Join your team',
  render(ctx) {
    const form = h('form', { class: 'form', id: 'accept-form' },
      formAlert(),
      field({ name: 'full_name', label: 'Your name', id: 'accept-name', autocomplete: 'name', maxlength: 120, 'data-autofocus': true }),
      field({ name: 'password', label: 'Password', type: 'password', id: 'accept-password', autocomplete: 'new-password', required: true, hint: '8 to 128 characters.' }),
      h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'accept-submit' }, 'Join'));
    onSubmit(form, {
      busyLabel: 'Joining…',
      validate: (values) => checks(values, { full_name: [rule.maxLength(120)], password: [rule.password] }),
      submit: async (values) => {
        await api('POST', '/auth/accept-invite', {
          token: tokenOf(ctx),
          password: values.password,
          full_name: values.full_name.trim() || null,
        });
        toast('Welcome to the team!');
        await ctx.signedIn();
      },
    });
    return authCard('Join your team', 'You were invited to hirebase. Choose your password to sign in.', form);
  },
};
