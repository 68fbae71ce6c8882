package io.hyphae.node.model;

/** How token vectors become one sentence vector. */
public enum Pooling {
  /** The mean of the vectors of the tokens whose attention mask is 1 (sentence-transformers). */
  MEAN,
  /** The vector of the first token ([CLS]), as BGE models are trained. */
  CLS
}
