/**
 * A mail could not be handed over for delivery: the SMTP server could not be reached, refused
 * the message, or no mail server is configured. The caller decides whether to retry, report
 * or ignore it; `cause` keeps the original error (nodemailer's, with its `code` and SMTP
 * `responseCode` copied here when it has them).
 */
export class MailDeliveryError extends Error {
  override name = 'MailDeliveryError';
  /** nodemailer's error code, e.g. `ECONNECTION`, `ETIMEDOUT`, `EENVELOPE`, `EMESSAGE`. */
  readonly code: string | undefined;
  /** The SMTP reply code when the server answered with an error, e.g. 550. */
  readonly responseCode: number | undefined;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    const cause = options.cause as { code?: unknown; responseCode?: unknown } | undefined;
    this.code = typeof cause?.code === 'string' ? cause.code : undefined;
    this.responseCode = typeof cause?.responseCode === 'number' ? cause.responseCode : undefined;
  }
}
