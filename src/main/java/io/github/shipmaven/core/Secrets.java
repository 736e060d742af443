package io.github.shipmaven.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The secret values known to this build and the encoded forms in which they could leak (base64 as
 * in docker's config.json {@code auth} field, URL encoding as in a query string). Everything the
 * plugin prints passes through {@link #redact(String)}: CI log masking matches only whole secrets,
 * so the plugin redacts its own output.
 */
public final class Secrets {
  private static final String MASK = "****";
  private static final int SHORTEST_SECRET = 4;

  private final Set<String> values = new LinkedHashSet<>();

  /** Registers a secret and its encoded forms. Values too short to redact safely are ignored. */
  public synchronized void add(String secret) {
    if (secret == null || secret.length() < SHORTEST_SECRET) {
      return;
    }
    values.add(secret);
    values.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
    values.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
  }

  /** Registers a username/password pair, including the base64 {@code user:password} form. */
  public synchronized void addLogin(String username, String password) {
    add(password);
    if (username != null && password != null && !password.isEmpty()) {
      add(username + ":" + password);
    }
  }

  /** Returns {@code text} with every known secret form replaced by a mask. */
  public synchronized String redact(String text) {
    if (text == null || values.isEmpty()) {
      return text;
    }
    String result = text;
    // Longest first, so a secret that contains another is masked whole.
    for (String value :
        values.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
      result = result.replace(value, MASK);
    }
    return result;
  }
}
