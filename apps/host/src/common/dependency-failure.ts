const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const MESSAGE_HINTS = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request limit',
  'the database system is shutting down',
  'the database system is starting up',
  'Client has encountered a connection error',
  'Command timed out',
];

/** True when an error means a database, Redis or SMTP connection failed, not that the request was wrong. */
export function isDependencyFailure(error: unknown): boolean {
  // Duck-typed, not `instanceof Error`: socket errors are created by Node's core in another realm
  // (a VM context such as Jest's, or a worker), and the check must hold for them too.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    // PostgreSQL SQLSTATE classes 08 (connection exception) and 57P (operator intervention).
    if (/^(08|57P)/.test(code)) return true;
  }
  if (typeof message === 'string' && MESSAGE_HINTS.some((hint) => message.includes(hint))) return true;
  const cause = (error as { cause?: unknown }).cause ?? (error as { driverError?: unknown }).driverError;
  return cause !== undefined && cause !== error && isDependencyFailure(cause);
}
