import { Agent, fetch as fetchWithDispatcher } from 'undici';
import { expect } from 'vitest';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  /** Sent as JSON (with `content-type: application/json` unless `headers` name one). */
  body?: unknown;
  /** Sent as-is (e.g. malformed JSON); overrides `body`. */
  rawBody?: string;
  /** Sent as `authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
  /** The address to send from: on Linux all of 127.0.0.0/8 is loopback, so 127.0.0.2 is another client. */
  localAddress?: string;
}

/** A call to one server; the body is the parsed JSON, the text when it is not JSON, `undefined` when empty. */
export type HttpCall = <T = any>(method: string, path: string, options?: RequestOptions) => Promise<ApiResponse<T>>;

/** The caller of the server at `baseUrl` (an in-process shop, the gateway, a spawned process). */
export const httpClient =
  (baseUrl: string): HttpCall =>
  (method, path, options) =>
    request(baseUrl, method, path, options);

/** One call to `baseUrl + path`; see {@link HttpCall}. */
export async function request<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const hasBody = options.rawBody !== undefined || options.body !== undefined;
  if (hasBody && !headers['content-type']) headers['content-type'] = 'application/json';
  const init: Init = {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  };
  const url = `${baseUrl}${path}`;
  const sent = options.localAddress ? await sendFrom(options.localAddress, url, init) : await send(url, init);
  let body: unknown = sent.text;
  try {
    body = sent.text ? JSON.parse(sent.text) : undefined;
  } catch {
    // not JSON (e.g. /metrics): keep the text
  }
  return { status: sent.status, headers: sent.headers, body: body as T };
}

interface Sent {
  status: number;
  headers: Headers;
  text: string;
}

type Init = { method: string; headers: Record<string, string>; body: string | undefined };

async function send(url: string, init: Init): Promise<Sent> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The global fetch takes no local address; undici's own fetch does, through a dispatcher of its version. */
async function sendFrom(localAddress: string, url: string, init: Init): Promise<Sent> {
  const agent = new Agent({ localAddress });
  try {
    const response = await fetchWithDispatcher(url, { ...init, dispatcher: agent });
    return { status: response.status, headers: response.headers as Headers, text: await response.text() };
  } finally {
    await agent.close();
  }
}

/**
 * Asserts an RFC 9457 problem: the status, the `code` and the problem+json media type; with `rfc9457`,
 * also the members every problem carries (`status`, `type`, `title` and the 32-hex `traceId`).
 */
export function expectProblem(
  response: ApiResponse,
  status: number,
  code: string,
  options: { rfc9457?: boolean } = {},
): void {
  expect({ status: response.status, code: response.body?.code }, JSON.stringify(response.body)).toEqual({
    status,
    code,
  });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  if (options.rfc9457)
    expect(response.body).toMatchObject({
      status,
      code,
      type: expect.any(String),
      title: expect.any(String),
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
}
