import { describe, expect, it } from 'vitest';
import { isCommonPassword } from './common-passwords.js';

describe('isCommonPassword', () => {
  it.each(['password', '12345678', '123456789', 'qwertyuiop', 'iloveyou', 'password1', 'password123', 'sunshine', 'trustno1'])(
    'knows %s',
    (password) => {
      expect(isCommonPassword(password)).toBe(true);
    },
  );

  it.each(['PASSWORD', 'Password', 'PassWord123', 'QwertyUIOP', 'ILoveYou'])('knows %s in any letter case', (password) => {
    expect(isCommonPassword(password)).toBe(true);
  });

  it('holds the whole list, not only its head', () => {
    // Near the end of the frequency-ordered list of 49 233.
    expect(isCommonPassword('87654321vv')).toBe(true);
  });

  it.each(['correct horse battery', 'Bob_2-pässword!', 'password 123 but longer', 'pass\u200bword', ' password', 'password '])(
    'lets %j through',
    (password) => {
      expect(isCommonPassword(password)).toBe(false);
    },
  );
});
