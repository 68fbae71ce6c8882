/**
 * The provider daemon: market view, bidder, persistent job engine, inference on ONNX Runtime, chain
 * adapter, metrics and HTTP status.
 */
package io.hyphae.node;
