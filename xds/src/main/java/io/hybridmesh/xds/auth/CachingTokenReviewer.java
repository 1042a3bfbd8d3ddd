package io.hybridmesh.xds.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Remembers reviews for a short while, so that a sidecar opening its four or five streams at once, or
 * reconnecting, costs one TokenReview. Keyed by the token's SHA-256, never the token; bounded in entries,
 * oldest out first. A refusal is remembered too, so a caller retrying a bad token cannot make the
 * controller flood the API server.
 */
public final class CachingTokenReviewer implements TokenReviewer {

  private record Entry(TokenReview review, long expiresAtMillis) {}

  private final TokenReviewer delegate;
  private final long ttlMillis;
  private final int maxEntries;
  private final LongSupplier clockMillis;
  private final Map<String, Entry> entries;

  public CachingTokenReviewer(TokenReviewer delegate, Duration ttl, int maxEntries, LongSupplier clockMillis) {
    this.delegate = delegate;
    this.ttlMillis = ttl.toMillis();
    this.maxEntries = maxEntries;
    this.clockMillis = clockMillis;
    this.entries = new LinkedHashMap<>(16, 0.75f, false);
  }

  public CachingTokenReviewer(TokenReviewer delegate) {
    this(delegate, Duration.ofMinutes(1), 4096, System::currentTimeMillis);
  }

  @Override
  public TokenReview review(String token) {
    String key = digest(token);
    long now = clockMillis.getAsLong();
    synchronized (entries) {
      Entry e = entries.get(key);
      if (e != null && e.expiresAtMillis() > now) {
        return e.review();
      }
    }
    TokenReview review;
    try {
      review = delegate.review(token);
    } catch (RuntimeException e) {
      // Not remembered: the API server may be back on the next try.
      return TokenReview.refused("the token could not be reviewed: " + e.getMessage());
    }
    synchronized (entries) {
      entries.remove(key);
      entries.put(key, new Entry(review, now + ttlMillis));
      var it = entries.entrySet().iterator();
      while (entries.size() > maxEntries && it.hasNext()) {
        it.next();
        it.remove();
      }
    }
    return review;
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private static String digest(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JRE has SHA-256
    }
  }
}
