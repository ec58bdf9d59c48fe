// The one way the UI talks to the server: same-origin fetch with the session cookie. Bodies go
// as JSON, or as multipart when they are `FormData` (uploads); answers come back as JSON, or as
// a blob, text or a stream of lines (downloads, exports). Errors come back as RFC 9457 problem
// documents and are thrown as `ApiError`.

const BASE = '/api/v1';

/** A failed call: the server's problem document (or one made up for network failures). */
export class ApiError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || 'The request failed.');
    this.name = 'ApiError';
    this.status = problem.status ?? 0;
    this.code = problem.code || 'unknown';
    this.title = problem.title || 'Error';
    this.detail = this.message;
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.requestId = problem.request_id || null;
  }
}

let onSignedOut = null;

/** Called when a signed-in call answers 401: the session ended or expired. */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

const ACCEPT = {
  json: 'application/json, application/problem+json',
  text: 'text/*, application/json, application/problem+json',
};

/**
 * `api('GET', '/team?skip=0')`, `api('PATCH', '/users/me', {full_name})`,
 * `api('POST', '/uploads', formData)`, `api('GET', '/audit/export', undefined, {as: 'text'})`.
 *
 * `body`: a plain value is sent as JSON; `FormData` as `multipart/form-data` (the browser writes
 * the boundary); a `Blob` or `File` as itself, with its own type.
 * `as`: what the promise resolves to — `'json'` (default; null for 204), `'text'`, `'blob'`
 * (a `{blob, filename, type}` with the name from `Content-Disposition`), or `'response'` (the
 * `Response` itself, its body unread: for `lines()` or progress over a large download).
 * `signal` aborts the call. Any failure rejects with `ApiError`.
 */
export async function api(method, path, body, { as = 'json', signal } = {}) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: ACCEPT[as] || '*/*' },
    signal,
  };
  if (body instanceof FormData || body instanceof Blob) {
    init.body = body;
    if (body instanceof Blob && body.type) init.headers['Content-Type'] = body.type;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError({
      status: 0,
      code: 'network',
      title: 'Network error',
      detail: 'The server could not be reached. Check your connection and try again.',
    });
  }
  if (!response.ok) throw await failure(response, path);
  switch (as) {
    case 'response':
      return response;
    case 'text':
      return response.text();
    case 'blob':
      return { blob: await response.blob(), filename: filename(response), type: response.headers.get('Content-Type') || '' };
    default: {
      const text = response.status === 204 ? '' : await response.text();
      if (!text) return null;
      try {
        return JSON.parse(text);
      } catch {
        return null;
      }
    }
  }
}

/** The problem document of a failed response as an `ApiError` (and the sign-out hook on 401). */
async function failure(response, path) {
  let problem = {};
  try {
    const data = JSON.parse(await response.text());
    if (data && typeof data === 'object') problem = data;
  } catch {
    // Not a problem document: the status line has to do.
  }
  const error = new ApiError({
    status: response.status,
    title: problem.title || response.statusText,
    detail: problem.detail || `The server answered ${response.status} ${response.statusText}.`,
    code: problem.code,
    errors: problem.errors,
    request_id: problem.request_id || response.headers.get('X-Request-Id'),
  });
  // Sign-in and registration answer 401 for a wrong password: that is not a lost session.
  if (response.status === 401 && !path.startsWith('/auth/') && onSignedOut) onSignedOut(error);
  return error;
}

/** The file name a response suggests (`Content-Disposition: attachment; filename="a.ics"`), or null. */
function filename(response) {
  const disposition = response.headers.get('Content-Disposition') || '';
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : null;
}

/**
 * The lines of a text response as they arrive: `for await (const line of lines(response))`.
 * A large export is read a chunk at a time instead of held whole in memory.
 */
export async function* lines(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += value;
    const parts = rest.split(/\r?\n/);
    rest = parts.pop();
    yield* parts;
  }
  if (rest) yield rest;
}

/** `?skip=0&limit=20`, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
