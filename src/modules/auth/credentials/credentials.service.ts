import { errors } from '../../../shared/errors.js';
import type { Identity } from '../../../shared/identity.js';
import type { User, UserRepository } from '../../users/index.js';
import type { TokenService } from '../tokens/tokens.js';
import { isCommonPassword } from './common-passwords.js';
import type { Credentials } from './credentials.schemas.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';

export interface CredentialsServiceDeps {
  users: UserRepository;
  passwords: PasswordHasher;
  tokens: TokenService;
  loginThrottle: LoginThrottle;
}

/**
 * Who you are: registering, proving it with a password, being looked up again. A login's token
 * is issued once its session (if one could be started) is known, so that the two are tied.
 */
export function createCredentialsService({ users, passwords, tokens, loginThrottle }: CredentialsServiceDeps) {
  async function register({ username, password }: Credentials): Promise<User> {
    // Only new passwords are checked: login still accepts a password chosen before this rule.
    if (isCommonPassword(password)) throw errors.weakPassword();
    const passwordHash = await passwords.hash(password);
    return users.create({ username, passwordHash, createdAt: new Date() });
  }

  /** `address` is the client's, for the per-account throttle: a refused attempt costs no hashing. */
  async function login({ username, password }: Credentials, address: string): Promise<User> {
    await loginThrottle.check(username, address);
    const found = await users.findByUsernameWithPasswordHash(username);
    const valid = found ? await passwords.verify(found.passwordHash, password) : await passwords.verifyAgainstDecoy(password);
    if (!found || !valid) {
      await loginThrottle.failed(username, address);
      throw errors.invalidCredentials();
    }
    await loginThrottle.succeeded(username, address);
    const { passwordHash: _passwordHash, ...user } = found;
    return user;
  }

  /**
   * The login's token; with the session the same login started, so that logging out with either
   * ends both. `issuedAt`: the login's issue instant (the revocation service's `issueInstant`).
   */
  function issueToken(userId: string, sessionId: string | undefined, issuedAt?: Date): Promise<string> {
    return tokens.issue(userId, sessionId, issuedAt);
  }

  async function currentUser(identity: Identity): Promise<User> {
    const user = await users.findById(identity.userId);
    if (!user) throw errors.unauthorized('User no longer exists');
    return user;
  }

  return { register, login, issueToken, currentUser };
}
