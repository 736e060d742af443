package io.github.shipmaven.render;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.image.Hosts;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A Render deploy hook URL ({@code https://api.render.com/deploy/srv-…?key=…}). The whole URL is a
 * secret: messages show only its scheme and host, and the service id.
 */
public final class DeployHook {
  private static final Pattern PATH = Pattern.compile("/deploy/(srv-[A-Za-z0-9]+)/?");

  private final URI url;
  private final String serviceId;
  private final String source;

  private DeployHook(URI url, String serviceId, String source) {
    this.url = url;
    this.serviceId = serviceId;
    this.source = source;
  }

  /**
   * Validates a hook URL.
   *
   * @param source where it came from, for messages: {@code env RENDER_DEPLOY_HOOK_URL}, ...
   */
  public static DeployHook parse(String raw, String source) {
    String fix =
        ": it must look like https://api.render.com/deploy/srv-…?key=… (copy it from the service's"
            + " Settings > Deploy Hook).";
    URI url = httpUrl(raw);
    if (url == null) {
      throw ShipException.config("The deploy hook from " + source + " is not a URL" + fix);
    }
    String where = scheme(url) + "://" + host(url);
    if (!isHttps(url) && !Hosts.isLoopback(url.getHost())) {
      throw ShipException.config(
          "The deploy hook from "
              + source
              + " ("
              + where
              + ") is not https: the key would travel in clear text; plain http is accepted for"
              + " loopback hosts only"
              + fix);
    }
    Matcher path = PATH.matcher(url.getRawPath());
    if (!path.matches()) {
      throw ShipException.config(
          "The deploy hook from " + source + " (" + where + ") has no /deploy/srv-… path" + fix);
    }
    String key = queryParameter(url, "key");
    if (key == null || key.isBlank()) {
      throw ShipException.config(
          "The deploy hook from " + source + " (" + where + ") has no key parameter" + fix);
    }
    return new DeployHook(url, path.group(1), source);
  }

  /** {@code raw} as an absolute http(s) URL with a host, or null. */
  static @Nullable URI httpUrl(@Nullable String raw) {
    if (raw == null) {
      return null;
    }
    try {
      URI url = new URI(raw.trim());
      String scheme = url.getScheme() == null ? "" : scheme(url);
      boolean http = scheme.equals("http") || scheme.equals("https");
      return http && url.getHost() != null && !url.getHost().isEmpty() ? url : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  static String scheme(URI url) {
    return url.getScheme().toLowerCase(Locale.ROOT);
  }

  static String host(URI url) {
    return url.getHost().toLowerCase(Locale.ROOT);
  }

  static boolean isHttps(URI url) {
    return scheme(url).equals("https");
  }

  /** The first value of query parameter {@code name}, decoded; null if there is none. */
  private static @Nullable String queryParameter(URI url, String name) {
    String query = url.getRawQuery();
    if (query == null) {
      return null;
    }
    for (String pair : query.split("&")) {
      if (name(pair).equals(name)) {
        String raw = rawValue(pair);
        return raw == null ? "" : decode(raw);
      }
    }
    return null;
  }

  /** The name of one {@code name=value} pair of a raw query, decoded. */
  private static String name(String pair) {
    int eq = pair.indexOf('=');
    return decode(eq < 0 ? pair : pair.substring(0, eq));
  }

  /** The value of one pair of a raw query as the URL spells it; null without an {@code =}. */
  private static @Nullable String rawValue(String pair) {
    int eq = pair.indexOf('=');
    return eq < 0 ? null : pair.substring(eq + 1);
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text; // a stray '%': taken as written
    }
  }

  public String serviceId() {
    return serviceId;
  }

  /** Where the hook came from, for messages. */
  public String source() {
    return source;
  }

  /** The secret parts, for redaction. */
  public String key() {
    return queryParameter(url, "key");
  }

  /** The key as the URL spells it (percent-escapes and all), for redaction. */
  String rawKey() {
    for (String pair : url.getRawQuery().split("&")) {
      String raw = rawValue(pair);
      if (raw != null && name(pair).equals("key")) {
        return raw;
      }
    }
    return key();
  }

  boolean isHttps() {
    return isHttps(url);
  }

  /** Scheme and host only: what messages may show. */
  public String redacted() {
    return scheme(url) + "://" + host(url);
  }

  /**
   * The hook with {@code imgURL} set (URL-encoded, replacing any the hook had): Render deploys
   * exactly that image.
   */
  URI withImage(String imageUrl) {
    StringBuilder query = new StringBuilder();
    for (String pair : url.getRawQuery().split("&")) {
      if (pair.isEmpty() || name(pair).equals("imgURL")) {
        continue;
      }
      query.append(pair).append('&');
    }
    query.append("imgURL=").append(URLEncoder.encode(imageUrl, StandardCharsets.UTF_8));
    return URI.create(scheme(url) + "://" + url.getRawAuthority() + url.getRawPath() + "?" + query);
  }

  @Override
  public String toString() {
    return "DeployHook[" + redacted() + ", " + serviceId + "]";
  }
}
