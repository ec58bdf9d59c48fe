// `#/settings`: the organisation's name, tagline and brand colour, and its careers page address.

import { api } from './api.js';
import { card, h, notice, pageHeader, time, toast } from './dom.js';
import { checks, field, formAlert, onSubmit, rule } from './forms.js';
import { can, updateSession } from './session.js';

const DEFAULT_ACCENT = '#4f46e5';

/** A `#rrggbb` text input kept in step with a colour picker and a swatch; empty means "none". */
function colourField(value, disabled) {
  const wrapper = field({
    name: 'brand_color', label: 'Brand colour', id: 'settings-brand-color', value: value || '', disabled,
    placeholder: DEFAULT_ACCENT, maxlength: 7, spellcheck: 'false', autocomplete: 'off',
    hint: 'A colour like #7c3aed. It tints this admin and your careers page. Leave empty for the default.',
  });
  const text = wrapper.querySelector('input');
  const picker = h('input', { type: 'color', class: 'color-picker', value: value || DEFAULT_ACCENT, 'aria-label': 'Pick the brand colour', disabled });
  const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  const clear = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', disabled }, 'Clear');

  const paint = () => {
    const valid = /^#[0-9a-fA-F]{6}$/.test(text.value.trim());
    swatch.style.backgroundColor = valid ? text.value.trim() : '';
    swatch.classList.toggle('is-empty', !valid);
    if (valid) picker.value = text.value.trim().toLowerCase();
  };
  text.addEventListener('input', paint);
  picker.addEventListener('input', () => {
    text.value = picker.value;
    paint();
  });
  clear.addEventListener('click', () => {
    text.value = '';
    paint();
    text.focus();
  });
  paint();
  const row = h('div', { class: 'color-row' });
  text.replaceWith(row);
  row.append(swatch, text, picker, clear);
  return wrapper;
}

function settingsForm(tenant, admin, onSaved) {
  const form = h('form', { class: 'form form-narrow', id: 'settings-form' },
    formAlert(),
    field({ name: 'name', label: 'Organisation name', id: 'settings-name', value: tenant.name, required: true, maxlength: 120, disabled: !admin }),
    field({ name: 'tagline', label: 'Tagline', id: 'settings-tagline', value: tenant.tagline || '', maxlength: 200, disabled: !admin, hint: 'One line under your name on the careers page. Optional.' }),
    colourField(tenant.brand_color, !admin),
    admin && h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'settings-submit' }, 'Save settings')));
  if (!admin) return form;
  onSubmit(form, {
    busyLabel: 'Saving…',
    validate: (values) => checks(values, {
      name: [rule.required, rule.maxLength(120)],
      tagline: [rule.maxLength(200)],
      brand_color: [rule.hexColor],
    }),
    submit: async (values) => {
      const updated = await api('PATCH', '/tenants/me', {
        name: values.name.trim(),
        tagline: values.tagline.trim() || null,
        brand_color: values.brand_color.trim().toLowerCase() || null,
      });
      onSaved(updated);
      toast('Organisation settings saved.');
    },
  });
  return form;
}

function careersCard(tenant) {
  const path = `/careers/${tenant.slug}`;
  return card('Careers page', 'Where candidates will find your open jobs.',
    h('dl', { class: 'facts facts-stacked' },
      h('div', {}, h('dt', {}, 'Slug'), h('dd', {}, h('code', { id: 'settings-slug' }, tenant.slug))),
      h('div', {}, h('dt', {}, 'Public address'), h('dd', {}, h('a', { href: path, target: '_blank', rel: 'noopener', class: 'break', id: 'settings-careers-link' }, `${window.location.origin}${path}`))),
      h('div', {}, h('dt', {}, 'Created'), h('dd', {}, time(tenant.created_at, { withTime: false })))),
    h('p', { class: 'muted small' }, 'The slug was made from the organisation name and stays the same when you rename it. ',
      'Jobs that are open and marked public are listed there.'));
}

export const settingsPage = {
  title: 'Organisation settings',
  async render() {
    const tenant = await api('GET', '/tenants/me');
    updateSession({ tenant });
    const admin = can('tenant_write');
    const careersSlot = h('div', {}, careersCard(tenant));
    const onSaved = (updated) => {
      updateSession({ tenant: updated });
      careersSlot.replaceChildren(careersCard(updated));
      document.title = ['Organisation settings', updated.name, 'hirebase'].join(' · ');
    };
    return h('div', { class: 'page' },
      pageHeader('Organisation settings', 'How your organisation appears to your team and to candidates.'),
      !admin && notice('info', 'Only organisation admins can change these settings.'),
      h('div', { class: 'grid-2 grid-wide-left' },
        card('Profile and branding', null, settingsForm(tenant, admin, onSaved)),
        careersSlot));
  },
};
