// The console's access to the shop: the admin's token (kept for this tab only) and JSON reads.
const TOKEN_KEY = 'modular-shop-console-token';
let token = sessionStorage.getItem(TOKEN_KEY);

export const signedIn = () => Boolean(token);

export class SignedOut extends Error {}

/** POST /api/v1/auth/login; refuses a non-admin, whose token could not read the console anyway. */
export async function signIn(email, password) {
  const response = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail ?? `login failed (${response.status})`);
  token = body.accessToken;
  try {
    await getJson('/api/v1/console/overview');
  } catch (error) {
    signOut();
    throw error instanceof SignedOut ? new Error('This account is not an admin') : error;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function signOut() {
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
}

/** GET with the admin's token; a 401/403 means the session is over. */
export async function getJson(path) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (response.status === 401 || response.status === 403) throw new SignedOut(`answered ${response.status}`);
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(body?.detail ?? `${path} answered ${response.status}`);
  return body;
}

/** An element with attributes and children (strings become text: nothing is parsed as HTML). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'style') Object.assign(element.style, value);
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(
    ...children
      .flat()
      .filter((child) => child !== undefined && child !== null)
      .map(String2Node),
  );
  return element;
}

const String2Node = (child) => (child instanceof Node ? child : document.createTextNode(String(child)));

/** Replaces a table's rows; `empty` is the single row shown when there are none. */
export function fillTable(id, rows, empty) {
  const body = document.querySelector(`#${id} tbody`);
  const columns = document.querySelectorAll(`#${id} thead th`).length;
  body.replaceChildren(
    ...(rows.length > 0 ? rows : [h('tr', {}, h('td', { colspan: columns, class: 'muted' }, empty))]),
  );
}

export const num = (value, digits = 0) => (value === null || value === undefined ? '–' : Number(value).toFixed(digits));
