import { z } from 'zod';
import { ERROR_CATALOGUE, type ErrorCode } from '../../protocol/error-codes.js';
import { errorBodySchema } from '../../shared/schemas.js';
import { authResultSchema, credentialsSchema, currentUserSchema, SESSION_COOKIE } from '../auth/index.js';
import {
  chatMessageSchema,
  conversationIdParamsSchema,
  conversationParamsSchema,
  conversationResultSchema,
  conversationSchema,
  editBodySchema,
  historyPageSchema,
  historyQuerySchema,
  inboxPageSchema,
  inboxQuerySchema,
  markBodySchema,
  messageIdParamsSchema,
  messageResultSchema,
  sendMessageSchema,
  syncPageSchema,
  syncQuerySchema,
  userIdParamsSchema,
} from '../chats/index.js';
import { healthReportSchema, livenessSchema } from '../health/index.js';
import {
  publicUserSchema,
  searchUsersQuerySchema,
  userListSchema,
  userParamsSchema,
  userResultSchema,
  userSchema,
} from '../users/index.js';
import { convertComponents, convertSchema, type JsonSchema } from './json-schema.js';

/** The parts of an OpenAPI 3.1 document that Parley's has (and the docs page reads). */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<Method, OperationObject>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, SecuritySchemeObject>;
    headers: Record<string, HeaderObject>;
  };
}

export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface OperationObject {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  security: Record<string, string[]>[];
  parameters?: ParameterObject[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, ResponseObject>;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject | { $ref: string }>;
  content?: Record<string, { schema: JsonSchema }>;
}

export interface HeaderObject {
  description: string;
  schema: JsonSchema;
}

export type SecuritySchemeObject =
  | { type: 'http'; scheme: 'bearer'; bearerFormat?: string; description: string }
  | { type: 'apiKey'; in: 'cookie'; name: string; description: string };

// --- The routes -------------------------------------------------------------------------------

type Access = 'public' | 'authenticated' | 'metrics';

interface Answer {
  description: string;
  /** A JSON answer: one of the named schemas below. */
  schema?: z.ZodType;
  /** Not JSON: the media type and what the body is. */
  other?: { type: string; description: string };
  cookie?: 'set' | 'clear';
}

interface RouteDoc {
  operationId: string;
  method: Method;
  /** OpenAPI's template: `/chats/{userId}/send` for Express's `/chats/:userId/send`. */
  path: string;
  tag: Tag;
  summary: string;
  description?: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  answers: Record<number, Answer>;
  /** The errors of this route besides those every route of its kind answers, with what they mean here ('' for the catalogue's words). */
  errors?: Partial<Record<ErrorCode, string>>;
}

const TAGS = {
  Auth: 'Register, log in and out. Tokens and the session cookie work everywhere, REST and sockets alike.',
  Users: 'Find users, see their presence, block and unblock.',
  Chats: "Send direct messages and page through a conversation's history. `:userId` must be the caller's own id.",
  Sync: 'Catch up on everything sent or received since a cursor, in commit order.',
  Messages: "Edit and delete one's own messages.",
  Conversations: 'The inbox: conversations with their last message, unread counts and read and delivered watermarks.',
  Health: 'Readiness, liveness and metrics for load balancers and monitoring. No session is needed.',
  'API documents': 'These documents and the page that shows them. No authentication.',
  'Web app': 'The browser app Parley serves when `WEB_DIR` holds a build.',
} as const;

type Tag = keyof typeof TAGS;

const UNKNOWN_USER = 'No user has this id';

const ROUTES: RouteDoc[] = [
  {
    operationId: 'register',
    method: 'post',
    path: '/auth/register',
    tag: 'Auth',
    summary: 'Register',
    description: 'Creates the user, logs them in and starts a session (the cookie).',
    access: 'public',
    body: credentialsSchema,
    answers: { 201: { description: 'Registered and logged in', schema: authResultSchema, cookie: 'set' } },
    errors: { weak_password: '', username_taken: '', rate_limited: 'AUTH_RATE_LIMIT per client address', store_unavailable: '' },
  },
  {
    operationId: 'login',
    method: 'post',
    path: '/auth/login',
    tag: 'Auth',
    summary: 'Log in',
    description: 'Answers a token and starts a fresh session (the cookie). The username may be in any letter case.',
    access: 'public',
    body: credentialsSchema,
    answers: { 200: { description: 'Logged in', schema: authResultSchema, cookie: 'set' } },
    errors: {
      invalid_credentials: '',
      rate_limited: 'AUTH_RATE_LIMIT per client address, or too many failed logins (LOGIN_FAILURES_PER_HOUR, LOGIN_FAILURES_PER_DAY)',
      store_unavailable: '',
    },
  },
  {
    operationId: 'getCurrentUser',
    method: 'get',
    path: '/auth/me',
    tag: 'Auth',
    summary: 'Who am I',
    access: 'authenticated',
    answers: { 200: { description: 'The caller', schema: currentUserSchema } },
  },
  {
    operationId: 'logout',
    method: 'post',
    path: '/auth/logout',
    tag: 'Auth',
    summary: 'Log out',
    description:
      'Ends the login this request was authenticated with (its token and its session) and the sockets opened with them, on every instance.',
    access: 'authenticated',
    answers: { 204: { description: 'Logged out', cookie: 'clear' } },
  },
  {
    operationId: 'logoutAll',
    method: 'post',
    path: '/auth/logout-all',
    tag: 'Auth',
    summary: 'Log out everywhere',
    description: 'Ends every token and session of the user issued until now, and every socket of the user on every instance.',
    access: 'authenticated',
    answers: { 204: { description: 'Logged out everywhere', cookie: 'clear' } },
  },
  {
    operationId: 'searchUsers',
    method: 'get',
    path: '/users',
    tag: 'Users',
    summary: 'Search users by username prefix',
    description: 'Any letter case, ordered by lower-cased username. Results carry no presence.',
    access: 'authenticated',
    query: searchUsersQuerySchema,
    answers: { 200: { description: 'The matching users', schema: userListSchema } },
    errors: { rate_limited: 'READ_RATE_LIMIT' },
  },
  {
    operationId: 'listBlockedUsers',
    method: 'get',
    path: '/users/me/blocked',
    tag: 'Users',
    summary: 'Whom the caller blocks',
    description: 'Most recently blocked first.',
    access: 'authenticated',
    answers: { 200: { description: 'The blocked users', schema: userListSchema } },
    errors: { rate_limited: 'READ_RATE_LIMIT' },
  },
  {
    operationId: 'blockUser',
    method: 'post',
    path: '/users/{id}/block',
    tag: 'Users',
    summary: 'Block a user',
    description: 'While either of two users blocks the other, sends between them are refused (403 `blocked`). Blocking again is a 204 too.',
    access: 'authenticated',
    params: userParamsSchema,
    answers: { 204: { description: 'Blocked' } },
    errors: { validation_failed: 'Also: the id is the caller\'s own', user_not_found: UNKNOWN_USER },
  },
  {
    operationId: 'unblockUser',
    method: 'delete',
    path: '/users/{id}/block',
    tag: 'Users',
    summary: 'Unblock a user',
    description: 'A 204 also when the user was not blocked.',
    access: 'authenticated',
    params: userParamsSchema,
    answers: { 204: { description: 'Not blocked (any more)' } },
    errors: { validation_failed: 'Also: the id is the caller\'s own', user_not_found: UNKNOWN_USER },
  },
  {
    operationId: 'getUser',
    method: 'get',
    path: '/users/{id}',
    tag: 'Users',
    summary: 'One user, with presence',
    access: 'authenticated',
    params: userParamsSchema,
    answers: { 200: { description: 'The user', schema: userResultSchema } },
    errors: { user_not_found: UNKNOWN_USER, rate_limited: 'READ_RATE_LIMIT' },
  },
  {
    operationId: 'getHistory',
    method: 'get',
    path: '/chats/{userId}/with/{withUser}',
    tag: 'Chats',
    summary: 'A page of the conversation with a user',
    description:
      'Oldest first: the newest messages older than `before`. Pass the answer\'s `nextCursor` as `before` for the older page. A `before` this server did not issue is a 400.',
    access: 'authenticated',
    params: conversationParamsSchema,
    query: historyQuerySchema,
    answers: { 200: { description: 'One page', schema: historyPageSchema } },
    errors: { forbidden: "`userId` is not the caller's id", user_not_found: '`withUser` is unknown', rate_limited: 'READ_RATE_LIMIT' },
  },
  {
    operationId: 'sendMessage',
    method: 'post',
    path: '/chats/{userId}/send',
    tag: 'Chats',
    summary: 'Send a direct message',
    description:
      'Stored once per (sender, `clientMsgId`): a retry with a used `clientMsgId` answers 200 with the original message and stores nothing. A new message is pushed live to both users\' sockets (`receive_message`, `message_sent`).',
    access: 'authenticated',
    params: userIdParamsSchema,
    body: sendMessageSchema,
    answers: {
      201: { description: 'Stored', schema: messageResultSchema },
      200: { description: 'A retry: the message stored before under this clientMsgId', schema: messageResultSchema },
    },
    errors: {
      forbidden: "`userId` is not the caller's id",
      blocked: '',
      user_not_found: 'The receiver is unknown',
      rate_limited: 'SEND_RATE_LIMIT',
      overloaded: 'Retry after Retry-After with the same clientMsgId',
    },
  },
  {
    operationId: 'sync',
    method: 'get',
    path: '/sync',
    tag: 'Sync',
    summary: 'Everything sent or received after a cursor',
    description:
      'In commit order. `hasMore: true`: sync again at once from the new cursor. A `since` this server did not issue (a history cursor included) is a 400. The socket event `sync` does the same.',
    access: 'authenticated',
    query: syncQuerySchema,
    answers: { 200: { description: 'One page', schema: syncPageSchema } },
    errors: { rate_limited: 'READ_RATE_LIMIT' },
  },
  {
    operationId: 'editMessage',
    method: 'patch',
    path: '/messages/{id}',
    tag: 'Messages',
    summary: "Edit one's own message",
    description: 'Pushes `message_updated` to both participants. Same text rules as a send.',
    access: 'authenticated',
    params: messageIdParamsSchema,
    body: editBodySchema,
    answers: { 200: { description: 'The message with its new text and `editedAt`', schema: messageResultSchema } },
    errors: {
      forbidden: "The peer's message",
      not_found: "No such message among the caller's conversations",
      edit_window_closed: '',
      message_deleted: '',
      rate_limited: 'SEND_RATE_LIMIT',
    },
  },
  {
    operationId: 'deleteMessage',
    method: 'delete',
    path: '/messages/{id}',
    tag: 'Messages',
    summary: "Delete one's own message",
    description: 'Any time. Erases the text from the store and pushes `message_updated`; deleting again answers the same tombstone.',
    access: 'authenticated',
    params: messageIdParamsSchema,
    answers: { 200: { description: 'The tombstone: `message: ""` and `deletedAt`', schema: messageResultSchema } },
    errors: { forbidden: "The peer's message", not_found: "No such message among the caller's conversations", rate_limited: 'SEND_RATE_LIMIT' },
  },
  {
    operationId: 'listConversations',
    method: 'get',
    path: '/conversations',
    tag: 'Conversations',
    summary: 'The inbox',
    description:
      'Every conversation of the caller that holds a message, newest activity first. Pass `nextCursor` as `before` for the next page; a listing is cut from a snapshot taken at its first page.',
    access: 'authenticated',
    query: inboxQuerySchema,
    answers: { 200: { description: 'One page', schema: inboxPageSchema } },
    errors: { rate_limited: 'READ_RATE_LIMIT' },
  },
  {
    operationId: 'getConversation',
    method: 'get',
    path: '/conversations/{id}',
    tag: 'Conversations',
    summary: 'One conversation',
    access: 'authenticated',
    params: conversationIdParamsSchema,
    answers: { 200: { description: 'The conversation', schema: conversationResultSchema } },
    errors: { not_found: '', rate_limited: 'READ_RATE_LIMIT' },
  },
  ...(['read', 'delivered'] as const).map(
    (watermark): RouteDoc => ({
      operationId: watermark === 'read' ? 'markRead' : 'markDelivered',
      method: 'post',
      path: `/conversations/{id}/${watermark}`,
      tag: 'Conversations',
      summary: watermark === 'read' ? 'Read up to a message' : 'A device of the caller has the messages up to one',
      description: `Moves the caller's ${watermark === 'read' ? 'read watermark (and delivered with it)' : 'delivered watermark'} forward; one at or behind it changes nothing and still answers 200. Sends \`receipt\` to both participants' sockets. The socket event \`mark_${watermark}\` does the same.`,
      access: 'authenticated',
      params: conversationIdParamsSchema,
      body: markBodySchema,
      answers: { 200: { description: 'The conversation', schema: conversationResultSchema } },
      errors: { validation_failed: 'Also: `upTo` is not a message of this conversation', not_found: '', rate_limited: 'READ_RATE_LIMIT' },
    }),
  ),
  {
    operationId: 'health',
    method: 'get',
    path: '/health',
    tag: 'Health',
    summary: 'Readiness',
    description: 'Each check times out after 2 s. 503 as soon as a graceful shutdown begins (`checks.accepting`).',
    access: 'public',
    answers: {
      200: { description: 'Every check passed', schema: healthReportSchema },
      503: { description: 'A check failed, or the instance is shutting down', schema: healthReportSchema },
    },
  },
  {
    operationId: 'liveness',
    method: 'get',
    path: '/health/live',
    tag: 'Health',
    summary: 'Liveness',
    description: 'Answers while the process answers HTTP; checks nothing.',
    access: 'public',
    answers: { 200: { description: 'Alive', schema: livenessSchema } },
  },
  {
    operationId: 'metrics',
    method: 'get',
    path: '/metrics',
    tag: 'Health',
    summary: 'Prometheus metrics',
    description: 'Served while `METRICS` is on; with `METRICS_TOKEN` set, only to `Authorization: Bearer <METRICS_TOKEN>`.',
    access: 'metrics',
    answers: { 200: { description: 'The metrics', other: { type: 'text/plain', description: "Prometheus' text exposition format" } } },
    errors: { unauthorized: 'METRICS_TOKEN is set and the request does not carry it' },
  },
  {
    operationId: 'getOpenApiDocument',
    method: 'get',
    path: '/openapi.json',
    tag: 'API documents',
    summary: 'This document (OpenAPI 3.1)',
    access: 'public',
    answers: { 200: { description: 'The REST API', other: { type: 'application/json', description: 'An OpenAPI 3.1 document' } } },
  },
  {
    operationId: 'getAsyncApiDocument',
    method: 'get',
    path: '/asyncapi.json',
    tag: 'API documents',
    summary: 'The realtime protocol (AsyncAPI 3.0)',
    access: 'public',
    answers: { 200: { description: 'The Socket.IO events', other: { type: 'application/json', description: 'An AsyncAPI 3.0 document' } } },
  },
  {
    operationId: 'getDocsPage',
    method: 'get',
    path: '/docs',
    tag: 'API documents',
    summary: 'Both documents as a page to read',
    access: 'public',
    answers: { 200: { description: 'The page', other: { type: 'text/html', description: 'An HTML page, no script' } } },
  },
  {
    operationId: 'getDocsStylesheet',
    method: 'get',
    path: '/docs/style.css',
    tag: 'API documents',
    summary: "The docs page's stylesheet",
    access: 'public',
    answers: { 200: { description: 'The stylesheet', other: { type: 'text/css', description: 'CSS' } } },
  },
  {
    operationId: 'getWebApp',
    method: 'get',
    path: '/',
    tag: 'Web app',
    summary: 'The web app',
    description: 'Served when `WEB_DIR` holds a build (`npm run build`), with a strict CSP of its own; its hashed files are under `/assets/`. Otherwise a 404 `route_not_found`.',
    access: 'public',
    answers: { 200: { description: 'The app', other: { type: 'text/html', description: 'Its index.html' } } },
  },
];

// --- Named schemas ----------------------------------------------------------------------------

const errorResponseSchema = z.object({ error: errorBodySchema });

/** What Parley accepts, by name (converted on the input side). */
const INPUT_SCHEMAS = {
  Credentials: credentialsSchema,
  SendMessageRequest: sendMessageSchema,
  EditMessageRequest: editBodySchema,
  MarkRequest: markBodySchema,
};

/** What Parley answers, by name (converted on the output side). */
const OUTPUT_SCHEMAS = {
  ErrorBody: errorBodySchema,
  ErrorResponse: errorResponseSchema,
  User: userSchema,
  PublicUser: publicUserSchema,
  ChatMessage: chatMessageSchema,
  Conversation: conversationSchema,
  AuthResult: authResultSchema,
  CurrentUser: currentUserSchema,
  UserList: userListSchema,
  UserResult: userResultSchema,
  MessageResult: messageResultSchema,
  HistoryPage: historyPageSchema,
  SyncPage: syncPageSchema,
  InboxPage: inboxPageSchema,
  ConversationResult: conversationResultSchema,
  HealthReport: healthReportSchema,
  Liveness: livenessSchema,
};

const SCHEMA_REFS = '#/components/schemas/';

function namesBySchema(...groups: Record<string, z.ZodType>[]): Map<z.ZodType, string> {
  const names = new Map<z.ZodType, string>();
  for (const group of groups) {
    for (const [name, schema] of Object.entries(group)) {
      if (names.has(schema)) throw new Error(`api-docs: ${name} and ${names.get(schema)} are one schema`);
      names.set(schema, name);
    }
  }
  return names;
}

// --- Errors -----------------------------------------------------------------------------------

const CROSS_SITE =
  "Cross-site: an unsafe request without a Bearer token, from an Origin that is neither Parley's own nor in CORS_ORIGINS, or marked Sec-Fetch-Site: cross-site";

/** Every error the route can answer: its own, and those of every route of its kind. */
function errorsOf(route: RouteDoc): Map<ErrorCode, string> {
  const errors = new Map<ErrorCode, string>();
  const add = (code: ErrorCode, when = '') => {
    const before = errors.get(code);
    errors.set(code, [before, when].filter(Boolean).join('; or: '));
  };
  const api = route.tag !== 'Health' && route.tag !== 'API documents' && route.tag !== 'Web app';
  if (route.params || route.query || route.body) add('validation_failed');
  if (route.body) {
    add('invalid_json');
    add('payload_too_large', 'Larger than BODY_LIMIT');
    add('unsupported_media_type');
  }
  if (route.access === 'authenticated') {
    add('unauthorized');
    add('session_store_unavailable');
    add('store_unavailable');
  }
  if (api && route.method !== 'get') add('forbidden', CROSS_SITE);
  for (const [code, when] of Object.entries(route.errors ?? {}) as [ErrorCode, string][]) add(code, when);
  add('internal_error');
  return errors;
}

const requestIdHeader = { $ref: '#/components/headers/X-Request-Id' };

function errorResponses(route: RouteDoc): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  const errors = errorsOf(route);
  for (const code of errors.keys()) {
    const { status } = ERROR_CATALOGUE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, ResponseObject> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retry = codes.some((code) => code === 'rate_limited' || code === 'overloaded');
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${errors.get(code) || ERROR_CATALOGUE[code].when}`).join('\n\n'),
      headers: {
        'X-Request-Id': requestIdHeader,
        ...(retry ? { 'Retry-After': { description: 'Seconds to wait (rate_limited, overloaded)', schema: { type: 'integer', minimum: 1 } } } : {}),
      },
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: `${SCHEMA_REFS}ErrorResponse` },
              { properties: { error: { properties: { code: { enum: codes } } } } },
            ],
          },
        },
      },
    };
  }
  return responses;
}

// --- The document -----------------------------------------------------------------------------

const COOKIE_HEADERS = {
  set: { description: `\`${SESSION_COOKIE}=...; HttpOnly; SameSite=Lax\` (and \`Secure\` in production): the session. Absent while the session store is unreachable (the token works alone)`, schema: { type: 'string' } },
  clear: { description: `Clears \`${SESSION_COOKIE}\` when the request came with the session cookie`, schema: { type: 'string' } },
} satisfies Record<string, HeaderObject>;

const SECURITY: Record<Access, Record<string, string[]>[]> = {
  public: [],
  authenticated: [{ bearerAuth: [] }, { sessionCookie: [] }],
  metrics: [{}, { metricsToken: [] }],
};

function parametersOf(route: RouteDoc): ParameterObject[] {
  const parameters: ParameterObject[] = [];
  const templateNames = [...route.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => name);
  for (const [location, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const converted = convertSchema(schema, { io: 'input', target: 'draft-2020-12' });
    const required = new Set(converted.required ?? []);
    for (const [name, property] of Object.entries(converted.properties ?? {})) {
      const { description, ...rest } = property as JsonSchema;
      parameters.push({
        name,
        in: location,
        required: location === 'path' || required.has(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: rest,
      });
    }
  }
  const pathNames = parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
  if (pathNames.join() !== templateNames.join()) {
    throw new Error(`api-docs: ${route.path} has path parameters ${templateNames.join()}, its schema ${pathNames.join()}`);
  }
  return parameters;
}

function operationOf(route: RouteDoc, names: Map<z.ZodType, string>): OperationObject {
  const ref = (schema: z.ZodType) => {
    const name = names.get(schema);
    if (name === undefined) throw new Error(`api-docs: ${route.operationId} uses a schema without a name`);
    return { $ref: `${SCHEMA_REFS}${name}` };
  };
  const responses: Record<string, ResponseObject> = {};
  for (const [status, answer] of Object.entries(route.answers) as [string, Answer][]) {
    responses[status] = {
      description: answer.description,
      headers: {
        'X-Request-Id': requestIdHeader,
        ...(answer.cookie ? { 'Set-Cookie': COOKIE_HEADERS[answer.cookie] } : {}),
      },
      ...(answer.schema ? { content: { 'application/json': { schema: ref(answer.schema) } } } : {}),
      ...(answer.other
        ? { content: { [answer.other.type]: { schema: { type: answer.other.type.endsWith('json') ? 'object' : 'string', description: answer.other.description } } } }
        : {}),
    };
  }
  for (const [status, response] of Object.entries(errorResponses(route))) {
    if (responses[status]) throw new Error(`api-docs: ${route.operationId} answers ${status} both ways`);
    responses[status] = response;
  }
  const parameters = parametersOf(route);
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security: SECURITY[route.access],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(route.body) } } } } : {}),
    responses,
  };
}

const DESCRIPTION = `Parley's REST API: JSON in, JSON out (UTF-8). Ids are opaque strings; times are ISO-8601 in UTC.

**Authentication.** A \`Bearer\` token (from \`/auth/register\` or \`/auth/login\`) or the session cookie \`${SESSION_COOKIE}\`. When an \`Authorization\` header is present it alone decides. Unsafe requests that may carry the cookie are refused (403 \`forbidden\`) from a foreign \`Origin\`.

**Errors** have one body everywhere: \`{ "error": { "code", "message", "retryAfter"? } }\`; \`code\` is from the catalogue in \`src/protocol/error-codes.ts\` (exported by \`parley/events\`), \`retryAfter\` (and the \`Retry-After\` header) comes with \`rate_limited\` and \`overloaded\`. Any unknown path answers 404 \`route_not_found\`.

**Correlation ids.** Every response carries \`X-Request-Id\`: the request's own when it is 1-128 characters of \`[A-Za-z0-9._:-]\`, else a new one.

**Realtime.** Socket.IO on the same port: the AsyncAPI 3.0 document at \`/asyncapi.json\`. Both documents are generated from the zod schemas Parley validates with; \`/docs\` shows them as a page.`;

/** Builds the OpenAPI 3.1 document from the routes above and the modules' zod schemas. */
export function buildOpenApiDocument({ version }: { version: string }): OpenApiDocument {
  const names = namesBySchema(INPUT_SCHEMAS, OUTPUT_SCHEMAS);
  const schemas = {
    ...convertComponents(INPUT_SCHEMAS, { io: 'input', target: 'draft-2020-12', refPrefix: SCHEMA_REFS }),
    ...convertComponents(OUTPUT_SCHEMAS, { io: 'output', target: 'draft-2020-12', refPrefix: SCHEMA_REFS }),
  };
  const paths: OpenApiDocument['paths'] = {};
  const operationIds = new Set<string>();
  for (const route of ROUTES) {
    if (operationIds.has(route.operationId)) throw new Error(`api-docs: two routes are ${route.operationId}`);
    operationIds.add(route.operationId);
    const item = (paths[route.path] ??= {});
    if (item[route.method]) throw new Error(`api-docs: ${route.method} ${route.path} twice`);
    item[route.method] = operationOf(route, names);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley REST API',
      version,
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This Parley instance' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The `token` of `/auth/register` or `/auth/login`, valid for JWT_TTL or until logged out',
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'The session cookie set by `/auth/register` and `/auth/login` (HttpOnly, SameSite=Lax)',
        },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when it is set' },
      },
      headers: {
        'X-Request-Id': {
          description: "The request's correlation id: the caller's X-Request-Id when sane, else a new one",
          schema: { type: 'string' },
        },
      },
    },
  };
}
