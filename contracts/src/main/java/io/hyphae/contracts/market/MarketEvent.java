package io.hyphae.contracts.market;

import java.math.BigInteger;
import java.util.Locale;

/** The market's job events, in the order the market emitted them (see {@link Market#events}). */
public sealed interface MarketEvent {

  /** The job the event belongs to. */
  BigInteger jobId();

  record JobPosted(BigInteger jobId, String requester, JobSpec spec, BigInteger escrow)
      implements MarketEvent {
    public JobPosted {
      requester = requester.toLowerCase(Locale.ROOT);
    }
  }

  record JobCancelled(BigInteger jobId, BigInteger refund) implements MarketEvent {}

  record JobAssigned(BigInteger jobId, int assignments, BigInteger cost, BigInteger refund)
      implements MarketEvent {}

  record AssignmentCreated(Assignment assignment) implements MarketEvent {
    @Override
    public BigInteger jobId() {
      return assignment.jobId();
    }
  }

  record ResultCommitted(
      BigInteger jobId, int index, String provider, Bytes32 resultRoot, long challengeDeadline)
      implements MarketEvent {
    public ResultCommitted {
      provider = provider.toLowerCase(Locale.ROOT);
    }
  }

  record AssignmentFinalized(BigInteger jobId, int index, String provider, BigInteger payment)
      implements MarketEvent {
    public AssignmentFinalized {
      provider = provider.toLowerCase(Locale.ROOT);
    }
  }

  record AssignmentReclaimed(
      BigInteger jobId, int index, String provider, BigInteger refund, BigInteger slashed)
      implements MarketEvent {
    public AssignmentReclaimed {
      provider = provider.toLowerCase(Locale.ROOT);
    }
  }

  record LeafDemanded(
      BigInteger jobId, int index, String demander, int shard, long responseDeadline)
      implements MarketEvent {
    public LeafDemanded {
      demander = demander.toLowerCase(Locale.ROOT);
    }
  }

  record LeafAnswered(
      BigInteger jobId,
      int index,
      int shard,
      Bytes32 inputLeaf,
      Bytes32 outputHash,
      long challengeDeadline)
      implements MarketEvent {}

  record LeafWithheld(
      BigInteger jobId,
      int index,
      String provider,
      int shard,
      BigInteger refund,
      BigInteger slashed)
      implements MarketEvent {
    public LeafWithheld {
      provider = provider.toLowerCase(Locale.ROOT);
    }
  }
}
