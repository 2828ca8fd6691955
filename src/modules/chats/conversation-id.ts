/** A direct conversation has one id whichever of its two users asks. */
export function directConversationId(userA: string, userB: string): string {
  return userA < userB ? `dm:${userA}:${userB}` : `dm:${userB}:${userA}`;
}

/**
 * The other participant of a direct conversation for `userId` (themselves in a conversation with
 * oneself), or undefined when the id is not one directConversationId writes or `userId` is not in it.
 */
export function peerIn(conversationId: string, userId: string): string | undefined {
  const match = /^dm:([^:]+):([^:]+)$/.exec(conversationId);
  if (!match) return undefined;
  const [, first, second] = match as unknown as [string, string, string];
  if (first > second) return undefined; // not in the order directConversationId writes
  if (first === userId) return second;
  if (second === userId) return first;
  return undefined;
}
