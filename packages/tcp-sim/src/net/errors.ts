/**
 * Errors shaped exactly as node:net surfaces them: an `Error` whose message is
 * `<syscall> <CODE>[ <address>:<port>]` and which carries `errno` (libuv's negative number), `code`,
 * `syscall` and, for connect errors, `address` and `port`. Code that branches on `err.code` or prints
 * `err.message` sees what it would see with real sockets on Linux.
 */
import { constants } from 'node:os';
import type { ErrorCode } from '../trace/events.js';

/** A Node system error (the shape of libuv's `UVException` / `ExceptionWithHostPort`). */
export interface NetError extends Error {
  errno: number;
  code: string;
  syscall: string;
  address?: string;
  port?: number;
  hostname?: string;
}

export type Syscall = 'connect' | 'read' | 'write' | 'listen' | 'getaddrinfo';

/** libuv's error number for a POSIX code: the negated errno (as `err.errno` in Node). */
function uvErrno(code: string): number {
  const n = (constants.errno as Record<string, number | undefined>)[code];
  return n === undefined ? -1 : -n;
}

export function netError(code: string, syscall: Syscall, address?: string, port?: number): NetError {
  const where = address === undefined ? '' : port === undefined ? ` ${address}` : ` ${address}:${port}`;
  const error = new Error(`${syscall} ${code}${where}`) as NetError;
  error.errno = uvErrno(code);
  error.code = code;
  error.syscall = syscall;
  if (address !== undefined) error.address = address;
  if (port !== undefined) error.port = port;
  return error;
}

/** `listen EADDRINUSE: address already in use 10.0.0.2:80`, as net.Server reports it. */
export function listenError(code: 'EADDRINUSE', address: string, port: number): NetError {
  const error = netError(code, 'listen', address, port);
  error.message = `listen ${code}: address already in use ${address}:${port}`;
  return error;
}

/** `getaddrinfo ENOTFOUND name`, as a failed DNS lookup in net.connect reports it (libuv EAI_NONAME). */
export function notFoundError(hostname: string): NetError {
  const error = new Error(`getaddrinfo ENOTFOUND ${hostname}`) as NetError;
  error.errno = -3008;
  error.code = 'ENOTFOUND';
  error.syscall = 'getaddrinfo';
  error.hostname = hostname;
  return error;
}

/**
 * The Node error for a simulated TCP error. Which syscall Node names depends on where the socket was:
 * a failure while connecting is `connect <CODE> address:port`; later, a RST or a retry limit is seen
 * by a read (`read ECONNRESET`, `read ETIMEDOUT`); writing into a closed connection is `write EPIPE`.
 */
export function fromTcpError(
  code: ErrorCode,
  connecting: boolean,
  remoteAddress: string,
  remotePort: number,
): NetError {
  if (connecting) return netError(code, 'connect', remoteAddress, remotePort);
  if (code === 'EPIPE') return netError(code, 'write');
  return netError(code, 'read');
}
