// The one way the UI talks to the server: same-origin JSON over fetch, with the session cookie.
// Errors come back as RFC 9457 problem documents and are thrown as `ApiError`.

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

/**
 * `api('GET', '/team?skip=0')`, `api('PATCH', '/users/me', {full_name})`.
 * Resolves to the parsed JSON body (null for 204), rejects with `ApiError`.
 */
export async function api(method, path, body) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json, application/problem+json' },
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch {
    throw new ApiError({
      status: 0,
      code: 'network',
      title: 'Network error',
      detail: 'The server could not be reached. Check your connection and try again.',
    });
  }
  const text = response.status === 204 ? '' : await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (response.ok) return data;

  const problem = data && typeof data === 'object' ? data : {};
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
  throw error;
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
