import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The 49 233 most common passwords of zxcvbn-ts (MIT; from the leaked-password frequency
 * lists zxcvbn is built on), all lower case, shipped inside the package: no download, no
 * network. Built once, at start-up (about 25 ms and 5 MB).
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common']);

/**
 * Whether the password is one of the most common ones, in any letter case ("Password",
 * "PASSWORD" and "password" alike): those fall to the first guesses of any attacker.
 */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}
