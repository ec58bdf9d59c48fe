// The cards forms live in, written once: the "New …" card a list page opens from its header,
// the card of a record's page whose header button opens a form over its list (schedule an
// interview, add a slot), and the box that shows a one-time secret (an API key's token, a
// webhook's signing secret).

import { api } from './api.js';
import { card, confirmDialog, copyText, h, icon, mount, toast } from './dom.js';

const FIRST_INPUT = 'input:not([type="hidden"]), select, textarea';

/**
 * The "New …" card: a header button (`button` label, `buttonId`) opens and closes a card
 * holding `form(close)`. `open` shows it from the start (`?new=1`, or an empty list); its first
 * input then takes the page's focus. Closing returns focus to the button.
 *
 *   const creator = newCard({id: 'job-form-card', title: 'New job', button: 'New job',
 *     buttonId: 'new-job-button', form: (close) => jobForm({onSaved, onCancel: close})});
 *   pageHeader('Jobs', '…', creator.button), creator.card
 */
export function newCard({ id, title, description, button, buttonId, form, open = false }) {
  const node = card(title, description);
  node.id = id;
  const toggle = h('button', { type: 'button', class: 'btn btn-primary', id: buttonId, 'aria-controls': id }, icon('plus'), button);
  const setOpen = (next, { focus = true } = {}) => {
    node.hidden = !next;
    toggle.setAttribute('aria-expanded', String(next));
    if (!focus) return;
    if (next) node.querySelector(FIRST_INPUT)?.focus();
    else toggle.focus();
  };
  toggle.addEventListener('click', () => setOpen(node.hidden));
  node.querySelector('.card-body').append(form(() => setOpen(false)));
  setOpen(open, { focus: false });
  if (open) node.querySelector(FIRST_INPUT)?.setAttribute('data-autofocus', '');
  return { card: node, button: toggle, setOpen };
}

/**
 * A card whose header button (`buttonLabel`, `buttonId`) opens `makeForm(close)` inside it,
 * above its list (`listSlot`); `countText` is the sentence under its title. Without
 * `makeForm` (someone who may only read) there is no button.
 */
export function sectionWithForm({ id, title, description, buttonId, buttonLabel, makeForm }) {
  const formSlot = h('div', { class: 'section-form', id: `${id}-form-slot`, hidden: true });
  const listSlot = h('div', { id: `${id}-list` });
  const countText = h('p', { class: 'card-description' }, description);
  let toggle = null;
  const setOpen = (open) => {
    formSlot.hidden = !open;
    toggle?.setAttribute('aria-expanded', String(open));
    if (open) {
      if (formSlot.childElementCount === 0) mount(formSlot, makeForm(() => setOpen(false)));
      formSlot.querySelector('select, input:not([type="hidden"])')?.focus();
    } else {
      formSlot.replaceChildren();
      toggle?.focus();
    }
  };
  if (makeForm) {
    toggle = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', id: buttonId, 'aria-controls': `${id}-form-slot`, 'aria-expanded': 'false' },
      icon('plus', 'icon icon-sm'), buttonLabel);
    toggle.addEventListener('click', () => setOpen(formSlot.hidden));
  }
  const node = h('section', { class: 'card', 'aria-labelledby': `${id}-title`, id },
    h('header', { class: 'card-header card-header-row' },
      h('div', {}, h('h2', { class: 'card-title', id: `${id}-title` }, title), countText),
      toggle),
    h('div', { class: 'card-body stack-sm' }, formSlot, listSlot));
  return { node, listSlot, countText, close: () => setOpen(false) };
}

/**
 * A record page's Edit and Delete. `edit(close)` makes the edit form, shown in a card under the
 * header (`slot`) until saved or cancelled; `remove` is `{path, confirm: {title, message,
 * confirmLabel}, done()}`: asked, deleted, then `done()`. Either may be left out (not allowed).
 * `buttons()` makes the header's buttons (again on every redraw of the header).
 */
export function editAndDelete({ id, what, edit, remove }) {
  const slot = h('div', {});
  let editButton = null;
  const close = () => {
    slot.replaceChildren();
    editButton?.focus();
  };
  const open = () => {
    const form = edit(close);
    const box = card(`Edit ${what}`, 'Only the fields you change are saved.', form);
    box.id = `${id}-edit-card`;
    mount(slot, box);
    form.querySelector('input')?.focus();
  };
  const buttons = () => {
    const made = [];
    if (edit) {
      editButton = h('button', { type: 'button', class: 'btn btn-secondary', id: `edit-${id}-button`, 'aria-controls': `${id}-edit-card` }, 'Edit');
      editButton.addEventListener('click', () => (slot.childElementCount === 0 ? open() : close()));
      made.push(editButton);
    }
    if (remove) {
      const button = h('button', { type: 'button', class: 'btn btn-danger-ghost', id: `delete-${id}-button` }, 'Delete');
      button.addEventListener('click', async () => {
        if (!(await confirmDialog({ ...remove.confirm, danger: true }))) return;
        try {
          await api('DELETE', remove.path);
        } catch (error) {
          toast(error.detail || String(error), 'danger');
          return;
        }
        remove.done();
      });
      made.push(button);
    }
    return made;
  };
  return { slot, buttons, close };
}

/**
 * A one-time secret, with a copy button and a warning that it will not be shown again.
 * `id` prefixes the ids (`${id}-title`, `${id}-value`, `${id}-copy`); `onDismiss` runs on
 * "I have stored it". Focus it after mounting (`box.focus()`) so screen readers read it.
 */
export function secretBox({ id, valueId, copyId, title, secret, what, warning, usage, onDismiss }) {
  const value = h('code', { id: valueId || `${id}-value`, class: 'token-value' }, secret);
  const copy = h('button', { type: 'button', class: 'btn btn-secondary', id: copyId || `${id}-copy` }, icon('copy'), h('span', {}, 'Copy'));
  copy.addEventListener('click', async () => {
    const copied = await copyText(secret, value);
    toast(copied ? `The ${what} is on your clipboard.` : `Select the ${what} and copy it by hand.`, copied ? 'success' : 'info');
  });
  const done = h('button', { type: 'button', class: 'btn btn-ghost' }, 'I have stored it');
  done.addEventListener('click', onDismiss);
  return h('section', { class: 'token-box', 'aria-labelledby': `${id}-title`, tabindex: '-1', id },
    h('h2', { id: `${id}-title`, class: 'token-title' }, icon('lock'), title),
    h('p', { class: 'token-warning' }, h('strong', {}, 'Copy it now: it will not be shown again. '), warning),
    h('div', { class: 'token-row' }, value, copy),
    usage && h('p', { class: 'muted small' }, usage),
    h('div', { class: 'token-actions' }, done));
}

/**
 * After a create that returns a one-time secret: closes the "New …" card (`creator`) and shows
 * `secretBox(options)` in `slot` until it is dismissed; focus then returns to the card's button.
 */
export function revealSecret(creator, slot, options) {
  const box = secretBox({
    ...options,
    onDismiss: () => {
      slot.replaceChildren();
      creator.button.focus();
    },
  });
  mount(slot, box);
  creator.setOpen(false, { focus: false });
  box.focus();
}
