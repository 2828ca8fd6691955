import { errors } from '../../../shared/errors.js';
import type { Identity } from '../../../shared/identity.js';
import type { User, UserRepository } from '../../users/index.js';
import type { TokenService } from '../tokens/tokens.js';
import type { Credentials } from './credentials.schemas.js';
import type { PasswordHasher } from './password-hasher.js';

export interface AuthResult {
  user: User;
  token: string;
}

export interface CredentialsServiceDeps {
  users: UserRepository;
  passwords: PasswordHasher;
  tokens: TokenService;
}

/** Who you are: registering, proving it with a password, and being looked up again. */
export function createCredentialsService({ users, passwords, tokens }: CredentialsServiceDeps) {
  async function register({ username, password }: Credentials): Promise<AuthResult> {
    const passwordHash = await passwords.hash(password);
    const user = await users.create({ username, passwordHash, createdAt: new Date() });
    return { user, token: await tokens.issue(user.id) };
  }

  async function login({ username, password }: Credentials): Promise<AuthResult> {
    const found = await users.findByUsernameWithPasswordHash(username);
    const valid = found ? await passwords.verify(found.passwordHash, password) : await passwords.verifyAgainstDecoy(password);
    if (!found || !valid) throw errors.invalidCredentials();
    const { passwordHash: _passwordHash, ...user } = found;
    return { user, token: await tokens.issue(user.id) };
  }

  async function currentUser(identity: Identity): Promise<User> {
    const user = await users.findById(identity.userId);
    if (!user) throw errors.unauthorized('User no longer exists');
    return user;
  }

  return { register, login, currentUser };
}
