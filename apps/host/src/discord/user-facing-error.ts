/** A failure whose message is shown to the Discord user as it is (plain words, no ids, no stack). */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserFacingError';
  }
}
