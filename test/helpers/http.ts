export interface ApiResponse<Body = any> {
  status: number;
  headers: Headers;
  body: Body;
  /** `connect.sid=...` when the response set the session cookie. */
  sessionCookie: string | undefined;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  token?: string;
  cookie?: string;
  headers?: Record<string, string>;
  /** Fails the request after this long (a frozen server accepts and never answers). Default 30 s. */
  timeoutMs?: number;
}

/** Real HTTP against a listening server, answering with the parsed JSON body. */
export async function request(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.cookie) headers['cookie'] = options.cookie;
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;
  const sessionCookie = response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0] as string)
    .find((cookie) => cookie.startsWith('connect.sid='));
  return { status: response.status, headers: response.headers, body: isJson ? JSON.parse(text) : text, sessionCookie };
}

let counter = 0;

/** A username no other test uses. */
export function uniqueUsername(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 6)}`;
}

export interface RegisteredUser {
  user: { id: string; username: string; createdAt: string };
  token: string;
  cookie: string;
  password: string;
}

export async function registerUser(baseUrl: string, username = uniqueUsername()): Promise<RegisteredUser> {
  const password = 'correct horse battery';
  const response = await request(baseUrl, 'POST', '/auth/register', { body: { username, password } });
  if (response.status !== 201 || !response.sessionCookie) {
    throw new Error(`register failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return { ...response.body, cookie: response.sessionCookie, password };
}
