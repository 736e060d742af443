package io.github.shipmaven.render;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.image.Hosts;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * A Render deploy hook URL ({@code https://api.render.com/deploy/srv-…?key=…}). The whole URL is a
 * secret: messages show only its scheme and host, and the service id.
 */
public final class DeployHook {
  private static final Pattern PATH = Pattern.compile("/deploy/(srv-[A-Za-z0-9]+)/?");

  private final HttpUrl url;
  private final String serviceId;
  private final String source;

  private DeployHook(HttpUrl url, String serviceId, String source) {
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
    HttpUrl url = raw == null ? null : HttpUrl.parse(raw.trim());
    if (url == null) {
      throw ShipException.config("The deploy hook from " + source + " is not a URL" + fix);
    }
    String where = url.scheme() + "://" + url.host();
    if (!url.isHttps() && !Hosts.isLoopback(url.host())) {
      throw ShipException.config(
          "The deploy hook from "
              + source
              + " ("
              + where
              + ") is not https: the key would travel in clear text; plain http is accepted for"
              + " loopback hosts only"
              + fix);
    }
    Matcher path = PATH.matcher(url.encodedPath());
    if (!path.matches()) {
      throw ShipException.config(
          "The deploy hook from " + source + " (" + where + ") has no /deploy/srv-… path" + fix);
    }
    String key = url.queryParameter("key");
    if (key == null || key.isBlank()) {
      throw ShipException.config(
          "The deploy hook from " + source + " (" + where + ") has no key parameter" + fix);
    }
    return new DeployHook(url, path.group(1), source);
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
    return url.queryParameter("key");
  }

  boolean isHttps() {
    return url.isHttps();
  }

  /** Scheme and host only: what messages may show. */
  public String redacted() {
    return url.scheme() + "://" + url.host();
  }

  /** The hook with {@code imgURL} set (URL-encoded): Render deploys exactly that image. */
  HttpUrl withImage(String imageUrl) {
    return url.newBuilder().setQueryParameter("imgURL", imageUrl).build();
  }

  @Override
  public String toString() {
    return "DeployHook[" + redacted() + ", " + serviceId + "]";
  }
}
