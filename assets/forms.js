// Form fields with labels, hints and inline errors, and one submit flow for every form:
// client checks first, then the call; a problem document's `errors` land next to their inputs.

import { ApiError } from './api.js';
import { busy, h, icon, uid } from './dom.js';

/**
 * A labelled input. `name` is the API field it feeds, so server errors find it.
 * Returns the wrapper; the input is `wrapper.querySelector('input')` or `form.elements[name]`.
 */
export function field({ name, label, type = 'text', value = '', hint, id, required, readonly, disabled, ...attrs }) {
  const inputId = id || uid(`f-${name}`);
  const errorId = `${inputId}-error`;
  const hintId = hint ? `${inputId}-hint` : null;
  const control = type === 'textarea'
    ? h('textarea', { id: inputId, name, class: 'input', required, readonly, disabled, ...attrs }, value)
    : h('input', { id: inputId, name, type, class: 'input', value: value ?? '', required, readonly, disabled, ...attrs });
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  return h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: inputId, class: 'label' }, label, required && h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')),
    control,
    hint && h('p', { id: hintId, class: 'hint' }, hint),
    h('p', { id: errorId, class: 'field-error', hidden: true }));
}

/** A three-letter currency code input (`EUR`). */
export function currencyField({ name, id, value, label = 'Currency', disabled }) {
  return field({
    name, label, id, value: value || '', maxlength: 3, placeholder: 'USD', autocomplete: 'off', spellcheck: 'false',
    class: 'input input-code', hint: 'ISO 4217 code.', disabled,
  });
}

/** A labelled `<select>`; `options` are `[value, label]` pairs. */
export function selectField({ name, label, options, value, hint, id, disabled }) {
  const inputId = id || uid(`f-${name}`);
  const errorId = `${inputId}-error`;
  const hintId = hint ? `${inputId}-hint` : null;
  const select = h('select', { id: inputId, name, class: 'input select', disabled },
    options.map(([optionValue, optionLabel]) => h('option', { value: optionValue, selected: optionValue === value }, optionLabel)));
  select.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  return h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: inputId, class: 'label' }, label),
    select,
    hint && h('p', { id: hintId, class: 'hint' }, hint),
    h('p', { id: errorId, class: 'field-error', hidden: true }));
}

/** A single labelled checkbox; `formValues` gives `[value]` when checked and `[]` when not. */
export function checkboxField({ name, label, checked, hint, id, value = 'true', disabled }) {
  const inputId = id || uid(`f-${name}`);
  const errorId = `${inputId}-error`;
  const hintId = hint ? `${inputId}-hint` : null;
  const box = h('input', { type: 'checkbox', id: inputId, name, value, class: 'checkbox', checked, disabled });
  box.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  return h('div', { class: 'field field-check', dataset: { field: name } },
    h('label', { for: inputId, class: 'check-label' }, box, h('span', {}, label)),
    hint && h('p', { id: hintId, class: 'hint' }, hint),
    h('p', { id: errorId, class: 'field-error', hidden: true }));
}

/**
 * Suggestions for a free-text input: `field({list: id})` plus `datalist(id, values)`; a value
 * may be a `[value, label]` pair, so the list says "Full-time" and the field gets `full_time`.
 */
export function datalist(id, values) {
  return h('datalist', { id }, values.map((v) => (Array.isArray(v) ? h('option', { value: v[0], label: v[1] }) : h('option', { value: v }))));
}

/** The place at the top of a form where its overall error goes. */
export function formAlert() {
  return h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
}

/** Every named control's value; checkboxes sharing a name give an array of the checked values. */
export function formValues(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') {
      values[el.name] = values[el.name] || [];
      if (el.checked) values[el.name].push(el.value);
    } else if (el.tagName !== 'BUTTON') {
      values[el.name] = el.value;
    }
  }
  return values;
}

export function clearErrors(form) {
  for (const wrapper of form.querySelectorAll('[data-field]')) {
    const error = wrapper.querySelector('.field-error');
    if (error) {
      error.hidden = true;
      error.textContent = '';
    }
    for (const control of wrapper.querySelectorAll('input, select, textarea')) control.removeAttribute('aria-invalid');
  }
  const alert = form.querySelector('.form-alert');
  if (alert) {
    alert.hidden = true;
    alert.replaceChildren();
  }
}

function sentence(message) {
  const text = String(message || '').trim();
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/** `scopes[2]` and `scopes.2` belong to the `scopes` field. */
function fieldName(name) {
  return String(name || '').split(/[.[]/)[0];
}

/** The server names fields in backticks (`current_password`); say them as the form labels them. */
function readableDetail(form, detail) {
  return detail.replace(/`([A-Za-z0-9_.[\]]+)`/g, (whole, name) => {
    const label = form.querySelector(`[data-field="${CSS.escape(fieldName(name))}"] :is(label, legend)`);
    return (label && (label.firstChild?.textContent.trim() || label.textContent.trim())) || name;
  });
}

/**
 * Shows a problem on a form: each `errors[]` entry beside its input, the `detail` (and any
 * error with no matching input) in the alert at the top. Focus goes to the first bad input.
 */
export function showErrors(form, problem) {
  let firstInvalid = null;
  const unmatched = [];
  for (const { field: name, message } of problem.errors || []) {
    const wrapper = form.querySelector(`[data-field="${CSS.escape(fieldName(name))}"]`);
    const error = wrapper && wrapper.querySelector('.field-error');
    if (!error) {
      unmatched.push(`${name}: ${message}`);
      continue;
    }
    error.textContent = error.textContent ? `${error.textContent} ${sentence(message)}.` : `${sentence(message)}.`;
    error.hidden = false;
    const controls = wrapper.querySelectorAll('input, select, textarea');
    for (const control of controls) control.setAttribute('aria-invalid', 'true');
    firstInvalid = firstInvalid || controls[0] || null;
  }
  const alert = form.querySelector('.form-alert');
  if (alert) {
    alert.replaceChildren(
      icon('alert', 'icon form-alert-icon'),
      h('div', {},
        h('p', {}, readableDetail(form, problem.detail || 'The request failed.')),
        unmatched.length > 0 && h('ul', {}, unmatched.map((text) => h('li', {}, text))),
        problem.requestId && problem.status >= 500 && h('p', { class: 'small' }, `Request id: ${problem.requestId}`)));
    alert.hidden = false;
  }
  (firstInvalid || alert)?.focus();
}

/**
 * Wires a form: `validate(values)` returns `[{field, message}]` found before any call;
 * `submit(values)` does the work. API errors are shown on the form, the button is busy meanwhile.
 */
export function onSubmit(form, { validate, submit, busyLabel }) {
  form.noValidate = true;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const values = formValues(form);
    const errors = validate ? validate(values) : [];
    if (errors.length > 0) {
      const detail = errors.length === 1 ? 'Please correct the highlighted field.' : `Please correct the ${errors.length} highlighted fields.`;
      showErrors(form, { detail, errors });
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    try {
      await busy(button, busyLabel, () => submit(values));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showErrors(form, error);
    }
  });
  return form;
}

// Client-side checks, worded like the server's so both read the same next to an input.
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export function checks(values, rules) {
  const errors = [];
  for (const [name, fieldRules] of Object.entries(rules)) {
    for (const rule of fieldRules) {
      const message = rule(values[name] ?? '', values);
      if (message) {
        errors.push({ field: name, message });
        break;
      }
    }
  }
  return errors;
}

export const rule = {
  required: (value) => (String(value).trim() ? null : 'must not be empty'),
  email: (value) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(value).trim()) ? null : 'must be an email address'),
  maxLength: (max) => (value) => ([...String(value)].length > max ? `must be at most ${max} characters` : null),
  password: (value) => {
    const length = [...String(value)].length;
    if (length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
    if (length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
    return null;
  },
  currency: (value) => (!String(value).trim() || /^[A-Za-z]{3}$/.test(String(value).trim()) ? null : 'must be an ISO 4217 code such as USD'),
  /** For the upper end of a range: not below the field `low` (`what` names it). */
  notBelow: (low, what) => (value, all) => (
    String(value).trim() !== '' && String(all[low] ?? '').trim() !== '' && Number(all[low]) > Number(value) ? `must not be less than ${what}` : null),
  hexColor: (value) => (!String(value).trim() || /^#[0-9a-fA-F]{6}$/.test(String(value).trim()) ? null : 'must be a colour like #7c3aed'),
};
