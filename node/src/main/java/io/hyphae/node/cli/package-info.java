/** The {@code hyphae node} subcommands for people: hardware, models, a diagnostic embed. */
package io.hyphae.node.cli;
