package io.hyphae.node.journal;

/** The journal refused or failed an operation; nothing of that operation was written. */
public class JournalException extends RuntimeException {
  public JournalException(String message) {
    super(message);
  }

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A move the job lifecycle does not allow. */
  public static final class InvalidTransition extends JournalException {
    public InvalidTransition(String message) {
      super(message);
    }
  }

  /** The journal's queue is full: try again later (never queued without limit). */
  public static final class Busy extends JournalException {
    public Busy(String message) {
      super(message);
    }
  }

  /** The job or shard is not in the journal. */
  public static final class NotFound extends JournalException {
    public NotFound(String message) {
      super(message);
    }
  }
}
