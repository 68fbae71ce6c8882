package io.hyphae.protocol.p2p.kad;

import java.util.List;
import java.util.Map;

/**
 * Checks DHT records before they are stored or returned, and picks the best of several values for
 * one key. {@link #namespaced} dispatches on the key's {@code /namespace/} prefix, as libp2p does;
 * keys of unknown namespaces are refused.
 */
public interface RecordValidator {
  /** Throws {@link KadException} (INVALID_RECORD) when the record must not be stored. */
  void validate(byte[] key, byte[] value);

  /** Index of the best value among valid candidates (newest, highest sequence...). */
  int select(byte[] key, List<byte[]> values);

  static RecordValidator namespaced(Map<String, RecordValidator> byNamespace) {
    Map<String, RecordValidator> copy = Map.copyOf(byNamespace);
    return new RecordValidator() {
      private RecordValidator of(byte[] key) {
        String s = new String(key, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (s.length() < 3 || s.charAt(0) != '/') {
          throw new KadException(KadException.Reason.INVALID_RECORD, "key has no namespace");
        }
        int end = s.indexOf('/', 1);
        RecordValidator v = end < 0 ? null : copy.get(s.substring(1, end));
        if (v == null) {
          throw new KadException(KadException.Reason.INVALID_RECORD, "unknown key namespace");
        }
        return v;
      }

      @Override
      public void validate(byte[] key, byte[] value) {
        of(key).validate(key, value);
      }

      @Override
      public int select(byte[] key, List<byte[]> values) {
        return of(key).select(key, values);
      }
    };
  }
}
