// The recruiting agent: `#/agent`, a chat over the organisation's jobs and candidates
// (`POST /agent/chat`), its answers rendered with links to the records they name, and the
// person's past conversations to reopen (`GET /agent/conversations`); and the
// "New job from a description" card of the jobs page (paste a description or upload a req →
// review what was read → create).

import { api, ApiError } from './api.js';
import { badge, card, h, mount, pageHeader, problemNotice, time } from './dom.js';
import { formAlert, showErrors, clearErrors } from './forms.js';
import { newCard } from './form-card.js';

// ---- The chat -------------------------------------------------------------------------------

/** The conversation survives a visit to a record and back (this tab only). */
const STORED = 'hb-agent-conversation';

function loadConversation() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORED) || 'null');
    if (saved && Array.isArray(saved.turns)) return saved;
  } catch {
    // A damaged entry starts a new conversation.
  }
  return { id: null, turns: [] };
}

function saveConversation(conversation) {
  sessionStorage.setItem(STORED, JSON.stringify(conversation));
}

const SUGGESTIONS = ['list jobs', 'show open jobs', 'list candidates', 'help'];

function href(item) {
  return item.kind === 'job' ? `#/jobs/${item.id}` : `#/candidates/${item.id}`;
}

/** One answer: its text, then the records it names as links. */
function answer(turn) {
  const items = turn.items || [];
  return h('div', { class: 'agent-bubble agent-bubble-agent' },
    h('p', { class: 'agent-text' }, turn.reply),
    items.length > 0 && h('ul', { class: 'mini-list agent-items', 'aria-label': 'Records in this answer' },
      items.map((item) => h('li', { class: 'mini-row', dataset: { kind: item.kind, id: String(item.id) } },
        h('div', { class: 'mini-main' },
          h('a', { href: href(item), class: 'row-title agent-link' }, `${item.kind === 'job' ? 'Job' : 'Candidate'} #${item.id}: ${item.label}`),
          item.detail && h('p', { class: 'muted small' }, item.detail)),
        item.score != null && badge(`score ${item.score}`, item.score >= 70 ? 'success' : 'neutral')))),
    turn.refused && h('p', { class: 'muted small' }, 'Your role does not allow this; nothing was changed.'));
}

function turnNode(turn) {
  return h('li', { class: 'agent-turn' },
    h('div', { class: 'agent-bubble agent-bubble-you' }, h('p', { class: 'agent-text' }, turn.message)),
    answer(turn));
}

/** The person's past conversations (`GET /agent/conversations`), newest first, to reopen. */
function pastConversations({ onOpen }) {
  const slot = h('div', { id: 'agent-history' }, h('p', { class: 'muted' }, 'Loading…'));
  const load = async () => {
    let page;
    try {
      page = await api('GET', '/agent/conversations?limit=20');
    } catch (error) {
      mount(slot, problemNotice(error));
      return;
    }
    mount(slot, page.items.length === 0
      ? h('p', { class: 'muted' }, 'No conversations yet.')
      : h('ul', { class: 'mini-list', id: 'agent-history-list' }, page.items.map((c) => h('li', { class: 'mini-row', dataset: { conversationId: String(c.id) } },
        h('div', { class: 'mini-main' },
          h('button', { type: 'button', class: 'btn btn-link row-title agent-history-open', onClick: () => onOpen(c.id) }, c.title || `Conversation ${c.id}`),
          h('p', { class: 'muted small' }, `${c.turns} ${c.turns === 1 ? 'message' : 'messages'} · `, time(c.updated_at)))))));
  };
  load();
  return { node: card('Past conversations', 'Reopen one to read it again or carry on where you left off.', slot), load };
}

export const agentPage = {
  title: 'Agent',
  render() {
    let conversation = loadConversation();
    const log = h('ol', { class: 'agent-log', id: 'agent-log', 'aria-live': 'polite' });
    const input = h('textarea', {
      id: 'agent-message', name: 'message', class: 'input', rows: 2, maxlength: 4000, required: true,
      placeholder: 'e.g. match candidates for job 5, summarize Jane Doe, create a new job for a senior backend engineer in NYC',
      'aria-label': 'Message to the agent',
    });
    const send = h('button', { type: 'submit', class: 'btn btn-primary', id: 'agent-send' }, 'Send');
    const form = h('form', { class: 'form agent-form', id: 'agent-form' }, formAlert(), input,
      h('div', { class: 'form-actions' }, send,
        h('button', { type: 'button', class: 'btn btn-ghost', id: 'agent-new', onClick: () => {
          conversation = { id: null, turns: [] };
          saveConversation(conversation);
          mount(log);
          input.focus();
        } }, 'New conversation')));

    const show = () => {
      mount(log, conversation.turns.map(turnNode));
      log.lastElementChild?.scrollIntoView({ block: 'end' });
    };

    const open = async (id) => {
      clearErrors(form);
      try {
        const view = await api('GET', `/agent/conversations/${id}`);
        conversation = {
          id: view.id,
          turns: view.turns.map((t) => ({ message: t.message, reply: t.reply, items: t.items, refused: t.refused })),
        };
        saveConversation(conversation);
        show();
        input.focus();
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        showErrors(form, error);
      }
    };
    const history = pastConversations({ onOpen: open });

    const ask = async (message) => {
      clearErrors(form);
      send.disabled = true;
      try {
        const reply = await api('POST', '/agent/chat', { conversation_id: conversation.id, message });
        const fresh = conversation.id !== reply.conversation_id;
        conversation.id = reply.conversation_id;
        conversation.turns.push({ message, reply: reply.reply, items: reply.items, refused: reply.refused });
        conversation.turns = conversation.turns.slice(-50);
        saveConversation(conversation);
        input.value = '';
        show();
        if (fresh) history.load();
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        // A conversation the server no longer has (erased, another sign-in) starts afresh.
        if (error.status === 404 && conversation.id != null) {
          conversation = { id: null, turns: [] };
          saveConversation(conversation);
          show();
        }
        showErrors(form, error);
      } finally {
        send.disabled = false;
        input.focus();
      }
    };

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const message = input.value.trim();
      if (message) ask(message);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    const suggestions = h('div', { class: 'agent-suggestions', 'aria-label': 'Try' },
      SUGGESTIONS.map((text) => h('button', { type: 'button', class: 'btn btn-secondary btn-sm', onClick: () => ask(text) }, text)));

    show();
    return h('div', { class: 'page' },
      pageHeader('Agent', 'Ask about your jobs and candidates: lists, summaries, matches and pipelines, or describe a job to create it.'),
      card('Conversation', 'Answers come from your organisation’s own records; “it”, “them” and “the first one” mean what you just talked about.',
        log, suggestions, form),
      history.node);
  },
};

// ---- "New job from a description" on the jobs page -----------------------------------------

/**
 * The card: paste a description or choose a req file, read it (nothing is saved), then review
 * the job in `review(draft, close, file)` — the job form, filled in — and create it there; the
 * req `file` (null for a pasted description) is kept with the job once it exists.
 */
export function descriptionCard({ open, review }) {
  return newCard({
    id: 'job-description-card', title: 'New job from a description',
    description: 'Paste a job description or upload a req; check what was read, then create the job.',
    button: 'From a description', buttonId: 'from-description-button', open,
    form: (close) => descriptionForm({ review: (draft, file) => review(draft, close, file), onCancel: close }),
  });
}

function descriptionForm({ review, onCancel }) {
  const text = h('textarea', {
    id: 'job-prompt', name: 'prompt', class: 'input', rows: 5, maxlength: 50000,
    placeholder: 'We need a Senior Backend Engineer in NYC with Python and PostgreSQL, hybrid, $150k–$190k; Kubernetes is a plus.',
  });
  const file = h('input', {
    type: 'file', id: 'job-req-file', name: 'job_req', class: 'input',
    accept: '.pdf,.docx,.odt,.rtf,.txt,application/pdf',
  });
  const notes = h('input', { id: 'job-req-notes', name: 'notes', class: 'input', maxlength: 5000 });
  const slot = h('div', { id: 'job-description-review' });
  const form = h('form', { class: 'form', id: 'job-description-form' },
    formAlert(),
    h('div', { class: 'field', dataset: { field: 'prompt' } },
      h('label', { class: 'label', for: 'job-prompt' }, 'Description'), text,
      h('p', { class: 'field-error', hidden: true })),
    h('div', { class: 'field', dataset: { field: 'job_req' } },
      h('label', { class: 'label', for: 'job-req-file' }, 'Or a req file'), file,
      h('p', { class: 'hint' }, 'PDF, DOCX, ODT, RTF or plain text. A file is read instead of the text above.'),
      h('p', { class: 'field-error', hidden: true })),
    h('div', { class: 'field', dataset: { field: 'notes' } },
      h('label', { class: 'label', for: 'job-req-notes' }, 'Your notes'), notes,
      h('p', { class: 'hint' }, 'With a file: read for what it leaves out (“This is for our New York office”).')),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-secondary', id: 'job-description-read' }, 'Read description'),
      onCancel && h('button', { type: 'button', class: 'btn btn-ghost', onClick: onCancel }, 'Cancel')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    mount(slot);
    const chosen = file.files[0];
    if (!chosen && !text.value.trim()) {
      showErrors(form, { detail: 'Paste a description or choose a file.', errors: [{ field: 'prompt', message: 'paste a description or choose a file' }] });
      return;
    }
    const button = form.querySelector('#job-description-read');
    button.disabled = true;
    let read;
    try {
      if (chosen) {
        const data = new FormData();
        data.append('job_req', chosen);
        if (notes.value.trim()) data.append('notes', notes.value.trim());
        read = await api('POST', '/agent/jobs/from_req?preview=true', data);
      } else {
        read = await api('POST', '/agent/jobs/from_prompt?preview=true', { prompt: text.value });
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showErrors(form, error);
      return;
    } finally {
      button.disabled = false;
    }
    mount(slot, h('h3', { class: 'subheading' }, 'Read from the description'),
      h('p', { class: 'muted small', id: 'job-description-summary' }, 'Check the fields, change what is wrong, then create the job.'),
      review(read.job, chosen || null));
    slot.querySelector('input')?.focus();
  });
  return h('div', {}, form, slot);
}
