// Which database errors mean "cannot answer now, try again" (503) rather than a bad request or a
// bug (500). A decision that cannot be made is unavailable, never allow (fail closed), and a
// CD controller or the Kubernetes API server retries a 503; a 500 says the service is broken.
//
// SQLSTATE classes and codes: https://www.postgresql.org/docs/15/errcodes-appendix.html

/** Node's errors for a socket that could not be opened or was lost. */
const CONNECTION_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * SQLSTATEs of a server that is up but will not do the work now:
 * - 25006 read_only_sql_transaction: a primary demoted or a standby reached after a failover;
 * - 57014 query_canceled: statement_timeout, or an operator cancelling;
 * - 55P03 lock_not_available: lock_timeout;
 * - 40001 serialization_failure and 40P01 deadlock_detected: the transaction may succeed if retried.
 */
const TRANSIENT_SQLSTATE = new Set(['25006', '57014', '55P03', '40001', '40P01']);

/**
 * Classes: 08 connection exception; 53 insufficient resources (disk full, out of memory, too many
 * connections); 58 system error (I/O error on the server); and 57P01–57P03 (administrator
 * shutdown, crash shutdown, cannot connect now).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|58)|^57P0[1-3]$/;

/** pg's messages for a connection it lost or could not get, which carry no code. */
const LOST_CONNECTION = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; severity?: unknown } | undefined;
  if (!e) return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (CONNECTION_ERRNO.has(code) || TRANSIENT_SQLSTATE.has(code) || UNAVAILABLE_SQLSTATE.test(code)) return true;
  // A FATAL (or PANIC) ends the session: whatever its code (a database closed to connections is
  // 55000, a dropped role 28000), this process cannot get an answer from that server now.
  if (e.severity === 'FATAL' || e.severity === 'PANIC') return true;
  const msg = typeof e.message === 'string' ? e.message : '';
  if (LOST_CONNECTION.test(msg)) return true;
  return e.cause !== undefined && e.cause !== err ? isDatabaseUnavailable(e.cause) : false;
}
