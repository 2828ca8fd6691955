/** Whether this instance takes new work. Turned off at the start of a graceful shutdown. */
export class Readiness {
  private accepting = true;

  get isAccepting(): boolean {
    return this.accepting;
  }

  stopAccepting(): void {
    this.accepting = false;
  }
}
