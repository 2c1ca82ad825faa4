/**
 * An error caused by the user's input or environment: printed as one clear line (plus an optional
 * hint saying what to do next), never as a stack trace, and exits with code 2.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
