/** The devnet's picocli commands: thin option classes over {@code io.hyphae.devnet.local}. */
package io.hyphae.devnet.cli;
