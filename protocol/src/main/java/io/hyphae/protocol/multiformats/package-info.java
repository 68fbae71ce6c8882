/**
 * The multiformats libp2p builds on: unsigned varints, multihash (identity and sha2-256), the
 * base58btc and base32 alphabets with multibase prefixes, and CIDv1. Pure functions over byte
 * arrays; every decoder has a size limit and fails with {@link
 * io.hyphae.protocol.multiformats.FormatException}.
 */
package io.hyphae.protocol.multiformats;
