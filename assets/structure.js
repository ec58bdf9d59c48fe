// The organisation's structure under settings: subsidiaries, agencies and integrations, each
// a list with an "Add" form (org admins) and a remove button per row — one section made three
// times from its description.

import { api } from './api.js';
import { badge, confirmDialog, emptyState, h, toast } from './dom.js';
import { sectionWithForm } from './form-card.js';
import { checkboxField, field, formAlert, onSubmit, selectField } from './forms.js';
import { can } from './session.js';

const KINDS = [
  {
    key: 'subsidiaries', one: 'subsidiary', title: 'Subsidiaries',
    description: 'Companies of the group; jobs can belong to one.',
    fields: [
      { name: 'name', label: 'Name', required: true, maxlength: 120 },
      { name: 'location', label: 'Location', maxlength: 200 },
    ],
    facts: (u) => [u.location],
  },
  {
    key: 'agencies', one: 'agency', title: 'Agencies',
    description: 'Recruitment agencies you work with, and their fees.',
    fields: [
      { name: 'name', label: 'Name', required: true, maxlength: 120 },
      { name: 'contact_email', label: 'Contact email', type: 'email', maxlength: 254 },
      { name: 'fee_percent', label: 'Fee (% of first-year salary)', type: 'number', min: 0, max: 100, step: 0.5 },
    ],
    facts: (u) => [u.contact_email, u.fee_percent != null && `${u.fee_percent}% fee`],
  },
  {
    key: 'integrations', one: 'integration', title: 'Integrations',
    description: 'Other systems connected to hirebase (no secrets here: use API keys and webhooks).',
    fields: [
      { name: 'provider', label: 'Provider', required: true, maxlength: 64, hint: 'Lower-case letters, digits and hyphens, e.g. google-calendar.', pattern: '[a-z0-9]+(-[a-z0-9]+)*' },
      { name: 'name', label: 'Name', required: true, maxlength: 120 },
      { name: 'enabled', label: 'Enabled', checkbox: true },
    ],
    facts: (u) => [u.provider, badge(u.enabled ? 'Enabled' : 'Off', u.enabled ? 'success' : 'neutral')],
  },
];

/** The body a form's values make: blanks left out, numbers as numbers, boxes as booleans. */
function bodyOf(kind, values) {
  const body = {};
  for (const f of kind.fields) {
    if (f.checkbox) body[f.name] = (values[f.name] || '').length > 0;
    else if (values[f.name] !== '' && values[f.name] != null) body[f.name] = f.type === 'number' ? Number(values[f.name]) : values[f.name];
  }
  return body;
}

function section(kind, admin) {
  const id = `structure-${kind.key}`;
  const made = sectionWithForm({
    id, title: kind.title, description: kind.description,
    buttonId: `add-${kind.one}-button`, buttonLabel: `Add ${kind.one}`,
    makeForm: admin && ((close) => {
      const form = h('form', { class: 'form', id: `${kind.one}-form` },
        formAlert(),
        kind.fields.map((f) => (f.checkbox
          ? checkboxField({ name: f.name, label: f.label, id: `${kind.one}-${f.name}`, checked: true })
          : field({ ...f, id: `${kind.one}-${f.name}` }))),
        h('div', { class: 'form-actions' },
          h('button', { type: 'submit', class: 'btn btn-primary', id: `${kind.one}-submit` }, 'Add'),
          h('button', { type: 'button', class: 'btn btn-ghost', onClick: close }, 'Cancel')));
      onSubmit(form, {
        busyLabel: 'Adding…',
        submit: async (values) => {
          const saved = await api('POST', `/${kind.key}`, bodyOf(kind, values));
          toast(`${saved.name} added.`);
          close();
          await load();
        },
      });
      return form;
    }),
  });
  const load = async () => {
    const page = await api('GET', `/${kind.key}?limit=100`);
    made.listSlot.replaceChildren(page.items.length === 0
      ? emptyState(`No ${kind.title.toLowerCase()} yet`)
      : h('ul', { class: 'simple-list', id: `${id}-items` }, page.items.map((u) => {
        const remove = admin && h('button', { type: 'button', class: 'btn btn-danger-ghost btn-sm', dataset: { remove: String(u.id) } }, 'Remove');
        remove?.addEventListener('click', async () => {
          const ok = await confirmDialog({ title: `Remove ${u.name}?`, message: `The ${kind.one} is removed from the organisation's structure.`, confirmLabel: 'Remove', danger: true, confirmId: 'structure-remove-confirm' });
          if (!ok) return;
          try {
            await api('DELETE', `/${kind.key}/${u.id}`);
            toast(`${u.name} removed.`);
            await load();
          } catch (error) {
            toast(error.detail || String(error), 'danger');
          }
        });
        return h('li', { class: 'simple-list-item', dataset: { id: String(u.id) } },
          h('strong', {}, u.name), ' ',
          kind.facts(u).filter(Boolean).flatMap((fact) => [h('span', { class: 'muted' }, ' · '), fact]),
          remove && h('span', { class: 'list-actions' }, remove));
      })));
  };
  load().catch((error) => made.listSlot.replaceChildren(h('p', { class: 'muted' }, error.detail || String(error))));
  return made.node;
}

/**
 * The organisation's subsidiaries or agencies (`kind`: their path) as select options
 * `[[id, name]…]`, by name; none when the caller may not read them.
 */
export async function unitOptions(kind) {
  if (!can('structure_read')) return [];
  const page = await api('GET', `/${kind}?limit=100`).catch(() => ({ items: [] }));
  return page.items.map((u) => [String(u.id), u.name]);
}

/**
 * A select of the organisation's subsidiaries or agencies (`kind`) named `name`, filled once
 * they load. It stays hidden and disabled (so a form leaves it out) while there are none;
 * `onReady(options)` follows the load.
 */
export function unitSelect({ kind, name, label, id, value, none = 'None', hint, onReady }) {
  const wrapper = selectField({ name, label, id, hint, options: [['', none]], value: '', disabled: true });
  wrapper.hidden = true;
  unitOptions(kind).then((found) => {
    const select = wrapper.querySelector('select');
    const current = value == null ? '' : String(value);
    select.append(...found.map(([v, text]) => h('option', { value: v, selected: v === current }, text)));
    if (found.length > 0) {
      select.disabled = false;
      wrapper.hidden = false;
    }
    onReady?.(found);
  });
  return wrapper;
}

/** The three sections, for the settings page. */
export function structureSettings(admin) {
  return h('div', { class: 'grid-3', id: 'structure-settings' }, KINDS.map((kind) => section(kind, admin)));
}
