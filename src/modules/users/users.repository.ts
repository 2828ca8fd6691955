/** A user as every API answer shows it: never with a password hash. */
export interface User {
  id: string;
  username: string;
  createdAt: string;
}

export interface UserWithPasswordHash extends User {
  passwordHash: string;
}

export interface NewUser {
  username: string;
  passwordHash: string;
  createdAt: Date;
}

/** Storage of users; implemented by every store driver (src/store/*), held to one contract suite. */
export interface UserRepository {
  /** Throws AppError username_taken when the username exists in any letter case. */
  create(user: NewUser): Promise<User>;
  findById(id: string): Promise<User | undefined>;
  /** The users among `ids` that exist, in no particular order (unknown and malformed ids are left out). */
  findByIds(ids: readonly string[]): Promise<User[]>;
  findByUsernameWithPasswordHash(username: string): Promise<UserWithPasswordHash | undefined>;
  /** Users whose username starts with the prefix (any letter case), in username order. */
  searchByUsernamePrefix(prefix: string, limit: number): Promise<User[]>;
}
