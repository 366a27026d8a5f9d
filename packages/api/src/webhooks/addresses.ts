import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/*
 * Where webhook requests may go (SSRF). Without WEBHOOK_ALLOW_PRIVATE only globally routable unicast
 * addresses are allowed: ipaddr.js names every special range (loopback, private, link-local,
 * unique-local, carrier-grade NAT, multicast, broadcast, unspecified, reserved, documentation, 6to4,
 * Teredo, NAT64, ...) and only its `unicast` range is taken. An IPv4-mapped IPv6 address
 * (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries.
 */

/** Why a URL or an address was refused. */
export class AddressRefusedError extends Error {
  override name = 'AddressRefusedError';
}

/** Whether an IP address is globally routable unicast (false for anything that is not an address). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** The URL's host without IPv6 brackets. */
const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Names that resolve to this machine by convention, whatever DNS says (RFC 6761). */
const isLocalName = (host: string) => {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
};

/**
 * The checks a URL can pass without a DNS lookup (at create/update): an IP literal must be public, a
 * `localhost` name is refused. A name resolving to a private address is refused at send time.
 */
export function checkUrlHost(url: URL, allowPrivate: boolean): void {
  if (allowPrivate) return;
  const host = bareHost(url);
  if (isLocalName(host)) throw new AddressRefusedError(`${host} is this machine.`);
  if (isIP(host) !== 0 && !isPublicAddress(host)) {
    throw new AddressRefusedError(`${host} is not a public address.`);
  }
}

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

/**
 * The address a request to `url` connects to: every address the name resolves to must be public
 * (unless private ones are allowed), and the request then connects to the address checked here, not
 * to a second lookup's answer (DNS rebinding).
 */
export async function resolveTarget(url: URL, allowPrivate: boolean): Promise<ResolvedTarget> {
  const host = bareHost(url);
  checkUrlHost(url, allowPrivate);
  const family = isIP(host);
  if (family === 4 || family === 6) return { address: host, family };
  const addresses = await lookup(host, { all: true, verbatim: true });
  const first = addresses[0];
  if (!first) throw new Error(`${host} resolves to no address.`);
  if (!allowPrivate) {
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused)
      throw new AddressRefusedError(`${host} resolves to ${refused.address}, not a public address.`);
  }
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
