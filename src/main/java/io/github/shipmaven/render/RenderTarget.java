package io.github.shipmaven.render;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.image.Hosts;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Where a deploy or rollback goes and how it is followed, checked before anything is pushed. The
 * hook and the API key are secrets: {@link #toString()} shows neither.
 *
 * @param hook the deploy hook; null to deploy through the API with {@code serviceId}
 * @param serviceId the service, {@code srv-…}: the hook's, or {@code <renderServiceId>}
 * @param apiKey Render's API key; null when nothing needs the API
 * @param apiUrl Render's API root (https, or http on loopback)
 * @param waitForLive whether to follow the deploy until it is live
 * @param timeout how long following may take
 * @param pollInterval how often to ask
 */
public record RenderTarget(
    @Nullable DeployHook hook,
    String serviceId,
    @Nullable String apiKey,
    String apiUrl,
    boolean waitForLive,
    Duration timeout,
    Duration pollInterval) {

  /** The API root as given, if it is https (or plain http on loopback); else a one-line error. */
  public static String checkApiUrl(String raw) {
    URI url = DeployHook.httpUrl(raw == null ? "" : raw);
    if (hasLogin(raw)) {
      // Never echoed: what sits before the '@' is a secret, and the key has its own variable.
      throw ShipException.config(
          "<renderApiUrl> (ship.render.apiUrl) holds a user name or password (value not shown):"
              + " remove everything before the '@'; the API key comes from "
              + RenderHttp.KEY_SOURCES
              + ".");
    }
    if (url == null || !(DeployHook.isHttps(url) || Hosts.isLoopback(url.getHost()))) {
      throw ShipException.config(
          "<renderApiUrl> (ship.render.apiUrl) "
              + (raw != null && raw.contains("@") ? "(value not shown)" : "'" + raw + "'")
              + " must be an https URL (plain http only for loopback hosts).");
    }
    String authority = url.getRawAuthority();
    // Scheme and host lower-case, an empty path as "/": the root as Render's links spell it.
    return DeployHook.scheme(url)
        + "://"
        + authority.replace(url.getHost(), DeployHook.host(url))
        + (url.getRawPath().isEmpty() ? "/" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
  }

  /** Whether {@code raw}'s authority holds a user name or password, host valid or not. */
  private static boolean hasLogin(@Nullable String raw) {
    try {
      String authority = raw == null ? null : new URI(raw.trim()).getRawAuthority();
      return authority != null && authority.contains("@");
    } catch (URISyntaxException e) {
      return false;
    }
  }

  URI api() {
    return URI.create(apiUrl);
  }

  @Override
  public String toString() {
    return "RenderTarget["
        + (hook == null ? "API" : hook.toString())
        + ", "
        + serviceId
        + ", key "
        + (apiKey == null ? "none" : "set")
        + ", "
        + apiUrl
        + "]";
  }
}
