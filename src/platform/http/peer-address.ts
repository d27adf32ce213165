import { isIP, isIPv4 } from 'node:net';

/** What every peer without an IP address (a unix socket, an unknown peer) counts as: one shared caller. */
const NO_ADDRESS = 'local';

/**
 * One spelling per client address, so that REST and gRPC key the same client alike: an IPv4-mapped IPv6
 * address (`::ffff:127.0.0.1`, what a dual-stack `::` listener reports for an IPv4 client) is the IPv4
 * address, and IPv6 is lower case. Anything that is not an IP address is the shared `local`.
 */
export function canonicalAddress(address: string | undefined): string {
  if (address === undefined || isIP(address) === 0) return NO_ADDRESS;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  return address.toLowerCase();
}

/**
 * The client address of a gRPC peer string, without the port (a new TCP connection must not be a new caller).
 * grpc-js 1.14 reports `${socket.remoteAddress}:${socket.remotePort}` (`127.0.0.1:54321`, `::1:54321`,
 * `::ffff:127.0.0.1:54321`: an IPv6 address unbracketed), or the bare address when there is no port, or
 * `unknown` (unix sockets have no remote address); older versions and other servers spell it with a scheme
 * and brackets (`ipv4:127.0.0.1:5000`, `ipv6:[::1]:5000`, `[::1]:5000`, `unix:/path`).
 */
export function addressOfPeer(peer: unknown): string {
  if (typeof peer !== 'string') return NO_ADDRESS;
  const unschemed = peer.replace(/^ipv[46]:/i, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(unschemed);
  if (bracketed) return canonicalAddress(bracketed[1]);
  const withPort = /^(.*):\d{1,5}$/.exec(unschemed);
  // An unbracketed IPv6 address also ends in `:<digits>`: the part before is an address only when a port was added.
  if (withPort && isIP(withPort[1]) !== 0) return canonicalAddress(withPort[1]);
  return canonicalAddress(unschemed);
}
