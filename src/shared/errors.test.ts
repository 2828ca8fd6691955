import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_CODES } from '../protocol/events.js';
import { AppError, errors, toPublicError } from './errors.js';

describe('toPublicError', () => {
  it('answers an AppError with its code, message and catalogue status, and nothing else', () => {
    const { status, body, error } = toPublicError(errors.userNotFound());
    expect(status).toBe(404);
    expect(body).toEqual({ code: 'user_not_found', message: 'User not found' });
    expect(error.code).toBe('user_not_found');
  });

  it('adds retryAfter (seconds) where the error knows it', () => {
    expect(toPublicError(errors.rateLimited(7)).body).toEqual({ code: 'rate_limited', message: 'Too many requests, retry in 7s', retryAfter: 7 });
  });

  it('turns a zod error into validation_failed naming the field', () => {
    const parsed = z.object({ name: z.string() }).safeParse({ name: 3 });
    const { status, body } = toPublicError(parsed.error);
    expect(status).toBe(400);
    expect(body.code).toBe('validation_failed');
    expect(body.message).toMatch(/^name: /);
  });

  it('turns anything else into internal_error without leaking its text, keeping it as the cause for the logs', () => {
    const secret = new Error('SELECT password_hash FROM users failed');
    const { status, body, error } = toPublicError(secret);
    expect(status).toBe(500);
    expect(body).toEqual({ code: 'internal_error', message: 'Internal server error' });
    expect(error.cause).toBe(secret);
    expect(toPublicError('a string thrown').body.code).toBe('internal_error');
    expect(toPublicError(undefined).body.code).toBe('internal_error');
  });
});

describe('the error catalogue', () => {
  it('gives every AppError the status its code has in the catalogue (parley/events)', () => {
    for (const code of ERROR_CODES) expect(new AppError(code, 'x').status).toBe(ERROR_CATALOGUE[code].status);
    expect(errors.badRequest(405).status).toBe(405); // bad_request keeps the status its source gave
  });
});
