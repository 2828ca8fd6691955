/**
 * Every error code Parley answers with, over REST (`{ error }` bodies), socket acks and
 * `connect_error` alike, with its HTTP status. Clients switch on `code`; the message is for people.
 */
export const ERROR_CATALOGUE = {
  validation_failed: { status: 400, when: 'Body, query, path or socket payload failed validation; the message names the field' },
  invalid_json: { status: 400, when: 'Body is not valid JSON' },
  weak_password: { status: 400, when: 'The password is one of the most common ones (register)' },
  bad_request: { status: 400, when: 'Any other malformed request the body parser refused (with its own 4xx status)' },
  unauthorized: { status: 401, when: 'No, malformed, invalid, expired or revoked credentials' },
  invalid_credentials: { status: 401, when: 'Wrong username or password' },
  forbidden: { status: 403, when: 'Acting as another user; a cookie socket from an origin not allowed' },
  blocked: { status: 403, when: 'A send between two users while either blocks the other (nothing is stored or delivered)' },
  user_not_found: { status: 404, when: 'Unknown user id' },
  not_found: { status: 404, when: 'No such conversation among the caller\'s (one without messages, another\'s, or none at all)' },
  route_not_found: { status: 404, when: 'No such route' },
  username_taken: { status: 409, when: 'Username exists in any letter case' },
  edit_window_closed: { status: 409, when: 'An edit more than EDIT_WINDOW seconds after the message was sent' },
  message_deleted: { status: 409, when: 'An edit of a deleted message' },
  payload_too_large: { status: 413, when: 'Body larger than BODY_LIMIT' },
  unsupported_media_type: { status: 415, when: 'Unsupported body encoding or charset' },
  rate_limited: { status: 429, when: 'Auth or send rate limit hit; retryAfter (and the Retry-After header) gives the seconds' },
  too_many_connections: { status: 429, when: 'A socket handshake past MAX_SOCKETS_PER_USER open sockets of this user (connect_error)' },
  internal_error: { status: 500, when: 'Anything unexpected (logged with the cause)' },
  session_store_unavailable: { status: 503, when: 'A session cookie was sent but the session store (Redis) is unreachable' },
  store_unavailable: { status: 503, when: 'The store cannot serve now: SQLite locked past STORE_TIMEOUT or a disk error; MongoDB unreachable' },
  overloaded: { status: 503, when: 'The instance is past its capacity (work waits past OVERLOAD_DELAY_MS, or MAX_PENDING_SENDS sends are not yet committed) and sheds sends; retryAfter gives the seconds' },
} as const satisfies Record<string, { status: number; when: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/** An error as every client sees it. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Seconds to wait before trying again, where that is known (rate_limited, overloaded). */
  retryAfter?: number;
}
