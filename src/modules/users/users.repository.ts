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
  /**
   * Records when the user was last seen online (their last socket closed). Only moves forward: an
   * earlier instant than the one stored changes nothing. An unknown id changes nothing.
   */
  setLastSeen(userId: string, at: Date): Promise<void>;
  /** When each of the users among `ids` was last seen (ISO-8601 UTC); users never seen, and unknown ids, are left out. */
  lastSeen(ids: readonly string[]): Promise<Map<string, string>>;
}
