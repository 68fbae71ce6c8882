/** The {@code hyphae bench} commands: measurements, never tests. */
package io.hyphae.devnet.bench;
