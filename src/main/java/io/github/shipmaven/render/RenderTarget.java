package io.github.shipmaven.render;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.image.Hosts;
import java.time.Duration;
import okhttp3.HttpUrl;
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
    HttpUrl url = HttpUrl.parse(raw == null ? "" : raw.trim());
    if (url != null && (!url.username().isEmpty() || !url.password().isEmpty())) {
      // Never echoed: what sits before the '@' is a secret, and the key has its own variable.
      throw ShipException.config(
          "<renderApiUrl> (ship.render.apiUrl) holds a user name or password (value not shown):"
              + " remove everything before the '@'; the API key comes from "
              + RenderHttp.KEY_SOURCES
              + ".");
    }
    if (url == null || !(url.isHttps() || Hosts.isLoopback(url.host()))) {
      throw ShipException.config(
          "<renderApiUrl> (ship.render.apiUrl) "
              + (raw != null && raw.contains("@") ? "(value not shown)" : "'" + raw + "'")
              + " must be an https URL (plain http only for loopback hosts).");
    }
    return url.toString();
  }

  HttpUrl api() {
    return HttpUrl.get(apiUrl);
  }

  /**
   * Whether a deploy or rollback of this target calls an https URL: the hook, or the API when there
   * is no hook or the deploy is followed. Plain http is allowed on loopback only.
   */
  boolean callsHttps() {
    boolean callsApi = hook == null || waitForLive;
    return (hook != null && hook.isHttps()) || (callsApi && api().isHttps());
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
