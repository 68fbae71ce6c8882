package io.hyphae.wallet.job;

/** A contiguous range of shards: {@code [firstShard, firstShard + shardCount)}. */
public record ShardRange(int firstShard, int shardCount) {

  public ShardRange {
    if (firstShard < 0 || shardCount < 1) {
      throw new IllegalArgumentException("a shard range needs firstShard >= 0 and shardCount >= 1");
    }
  }

  public int end() {
    return firstShard + shardCount;
  }

  public boolean contains(int shard) {
    return shard >= firstShard && shard < end();
  }

  @Override
  public String toString() {
    return shardCount == 1 ? "shard " + firstShard : "shards " + firstShard + "-" + (end() - 1);
  }
}
