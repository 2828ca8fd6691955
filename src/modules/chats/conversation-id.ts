/** A direct conversation has one id whichever of its two users asks. */
export function directConversationId(userA: string, userB: string): string {
  return userA < userB ? `dm:${userA}:${userB}` : `dm:${userB}:${userA}`;
}
