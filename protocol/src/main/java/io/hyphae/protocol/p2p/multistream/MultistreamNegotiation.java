package io.hyphae.protocol.p2p.multistream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The multistream-select state machine for one side, pure. The dialer sends the header with its
 * first proposal in one write and falls back through its list on {@code na}; the listener sends its
 * header at once, answers each proposal with the protocol (accept) or {@code na}.
 */
public final class MultistreamNegotiation {
  /** The most proposals a listener answers before it gives up on the dialer. */
  public static final int MAX_PROPOSALS = 16;

  /** Where the negotiation stands. */
  public enum State {
    AWAIT_HEADER,
    AWAIT_RESPONSE,
    AWAIT_PROPOSAL,
    DONE,
    FAILED
  }

  /** What to send now, and the protocol once one is agreed. */
  public record Step(List<String> send, String selected) {
    public boolean done() {
      return selected != null;
    }
  }

  private final boolean dialer;
  private final List<String> proposals;
  private final Predicate<String> supported;
  private State state = State.AWAIT_HEADER;
  private int next;
  private int proposalsSeen;

  private MultistreamNegotiation(
      boolean dialer, List<String> proposals, Predicate<String> supported) {
    this.dialer = dialer;
    this.proposals = List.copyOf(proposals);
    this.supported = supported;
  }

  public static MultistreamNegotiation dialer(List<String> protocols) {
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException("no protocol to propose");
    }
    return new MultistreamNegotiation(true, protocols, p -> false);
  }

  public static MultistreamNegotiation listener(Predicate<String> supported) {
    return new MultistreamNegotiation(false, List.of(), supported);
  }

  public State state() {
    return state;
  }

  /** The first messages: header + first proposal (dialer), or the header (listener). */
  public Step start() {
    if (dialer) {
      next = 1;
      return new Step(List.of(MultistreamCodec.PROTOCOL_ID, proposals.get(0)), null);
    }
    return new Step(List.of(MultistreamCodec.PROTOCOL_ID), null);
  }

  /** Feeds one received message. */
  public Step onMessage(String message) throws MultistreamException {
    try {
      return dialer ? dialerMessage(message) : listenerMessage(message);
    } catch (MultistreamException e) {
      state = State.FAILED;
      throw e;
    }
  }

  private Step dialerMessage(String message) throws MultistreamException {
    switch (state) {
      case AWAIT_HEADER -> {
        checkHeader(message);
        state = State.AWAIT_RESPONSE;
        return new Step(List.of(), null);
      }
      case AWAIT_RESPONSE -> {
        String proposed = proposals.get(next - 1);
        if (message.equals(proposed)) {
          state = State.DONE;
          return new Step(List.of(), proposed);
        }
        if (!message.equals(MultistreamCodec.NA)) {
          throw new MultistreamException(
              MultistreamException.Reason.MALFORMED,
              "expected '" + proposed + "' or 'na', got '" + message + "'");
        }
        if (next >= proposals.size()) {
          throw new MultistreamException(
              MultistreamException.Reason.UNSUPPORTED, "the remote supports none of " + proposals);
        }
        return new Step(List.of(proposals.get(next++)), null);
      }
      default -> throw unexpected(message);
    }
  }

  private Step listenerMessage(String message) throws MultistreamException {
    switch (state) {
      case AWAIT_HEADER -> {
        checkHeader(message);
        state = State.AWAIT_PROPOSAL;
        return new Step(List.of(), null);
      }
      case AWAIT_PROPOSAL -> {
        if (++proposalsSeen > MAX_PROPOSALS) {
          throw new MultistreamException(
              MultistreamException.Reason.TOO_MANY_ATTEMPTS,
              "the remote proposed more than " + MAX_PROPOSALS + " protocols");
        }
        if (!message.equals("ls") && supported.test(message)) {
          state = State.DONE;
          return new Step(List.of(message), message);
        }
        List<String> reply = new ArrayList<>(1);
        reply.add(MultistreamCodec.NA);
        return new Step(reply, null);
      }
      default -> throw unexpected(message);
    }
  }

  private void checkHeader(String message) throws MultistreamException {
    if (!message.equals(MultistreamCodec.PROTOCOL_ID)) {
      throw new MultistreamException(
          MultistreamException.Reason.MALFORMED,
          "expected the multistream header, got '"
              + message
              + "'"
              + (dialer ? " (as dialer)" : " (as listener)"));
    }
  }

  private MultistreamException unexpected(String message) {
    return new MultistreamException(
        MultistreamException.Reason.MALFORMED,
        "unexpected multistream message '" + message + "' in " + state);
  }
}
