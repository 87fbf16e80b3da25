/**
 * errno values and texts, per stack: packetdrill prints `errno 104 (Connection reset by peer)` with
 * the numbers of the system it runs on, so a FreeBSD script's failure reads with FreeBSD's numbers.
 * Also the mapping from tcp-sim's error codes to errno names (one place).
 */
import type { ErrorCode } from '@synack/tcp-sim';

export type Os = 'linux' | 'freebsd';

const TEXT: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  EBADF: 'Bad file descriptor',
  EAGAIN: 'Resource temporarily unavailable',
  EINVAL: 'Invalid argument',
  EPIPE: 'Broken pipe',
  EINPROGRESS: 'Operation now in progress',
  EALREADY: 'Operation already in progress',
  ENOTSOCK: 'Socket operation on non-socket',
  ENOPROTOOPT: 'Protocol not available',
  EOPNOTSUPP: 'Operation not supported',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ECONNABORTED: 'Software caused connection abort',
  ECONNRESET: 'Connection reset by peer',
  EISCONN: 'Transport endpoint is already connected',
  ENOTCONN: 'Transport endpoint is not connected',
  ETIMEDOUT: 'Connection timed out',
  ECONNREFUSED: 'Connection refused',
};

const LINUX: Readonly<Record<string, number>> = {
  EPERM: 1,
  EBADF: 9,
  EAGAIN: 11,
  EINVAL: 22,
  EPIPE: 32,
  EINPROGRESS: 115,
  EALREADY: 114,
  ENOTSOCK: 88,
  ENOPROTOOPT: 92,
  EOPNOTSUPP: 95,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  EISCONN: 106,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
};

const FREEBSD: Readonly<Record<string, number>> = {
  EPERM: 1,
  EBADF: 9,
  EAGAIN: 35,
  EINVAL: 22,
  EPIPE: 32,
  EINPROGRESS: 36,
  EALREADY: 37,
  ENOTSOCK: 38,
  ENOPROTOOPT: 42,
  EOPNOTSUPP: 45,
  EADDRINUSE: 48,
  EADDRNOTAVAIL: 49,
  ECONNABORTED: 53,
  ECONNRESET: 54,
  EISCONN: 56,
  ENOTCONN: 57,
  ETIMEDOUT: 60,
  ECONNREFUSED: 61,
};

/** EWOULDBLOCK is EAGAIN on both systems. */
export function canonicalErrno(name: string): string {
  return name === 'EWOULDBLOCK' ? 'EAGAIN' : name;
}

export function errnoNumber(os: Os, name: string): number | undefined {
  return (os === 'freebsd' ? FREEBSD : LINUX)[canonicalErrno(name)];
}

export function errnoText(name: string): string {
  return TEXT[canonicalErrno(name)] ?? 'Unknown error';
}

/** `104 (Connection reset by peer)` */
export function describeErrno(os: Os, name: string): string {
  return `${errnoNumber(os, name) ?? -1} (${errnoText(name)})`;
}

/** tcp-sim's error codes are named as errno already; the runner uses them as they are. */
export function errnoOf(code: ErrorCode | string): string {
  return code;
}
