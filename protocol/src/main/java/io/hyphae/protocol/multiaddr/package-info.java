/**
 * Multiaddrs: self-describing network addresses in binary and text form. Known protocols are {@code
 * /ip4 /ip6 /tcp /dns4 /dns6 /p2p}; anything else fails with a {@link
 * io.hyphae.protocol.multiaddr.MultiaddrException} that names it.
 */
package io.hyphae.protocol.multiaddr;
