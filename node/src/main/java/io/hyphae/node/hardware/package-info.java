/**
 * What this machine offers: CPU cores and model, memory, and NVIDIA GPUs as {@code nvidia-smi}
 * reports them. A machine without GPUs (or without nvidia-smi) simply reports none.
 */
package io.hyphae.node.hardware;
