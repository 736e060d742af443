package io.github.shipmaven.docker;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import io.github.shipmaven.core.ShipException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A daemon that answered: docker-java's client for what it models, the plugin's own transport for
 * what it does not (BuildKit builds, the registry's view of a tag), where it was found, and what
 * its ping said about it.
 */
public final class DockerDaemon implements AutoCloseable {
  /** {@code /info}'s DriverStatus driver-type of Docker's containerd image store. */
  private static final String CONTAINERD_SNAPSHOTTER = "io.containerd.snapshotter.v1";

  /** The ping's {@code Server}: product, then version up to Debian's {@code +dfsg} or a space. */
  private static final Pattern SERVER = Pattern.compile("(Docker|Libpod)/([0-9][^ +]*)");

  /**
   * Whether, on Docker's containerd image store, a retried push joins the upload a stalled push
   * left behind. It does not: on Docker 28.5.2 with that store (.ci/engines, 2026-12-06), the retry
   * uploaded the stalled blob anew ({@code POST}, {@code PUT}) and the registry took it, whether or
   * not the stalled connection was still open (in one run here it stayed open for 15 s after the
   * client left; in the engine matrix it closed at once).
   */
  static final boolean CONTAINERD_STORE_RETRY_JOINS = false;

  private final Supplier<DockerClient> newClient;
  private final DockerHttpClient transport;
  private final String where;
  private final Map<String, List<String>> ping;
  private DockerClient client;
  private String apiVersion;

  /**
   * @param newClient makes docker-java's client, on first use only: a BuildKit build never needs
   *     it, and its set-up costs a fresh JVM a few hundred classes
   */
  DockerDaemon(
      Supplier<DockerClient> newClient,
      DockerHttpClient transport,
      String where,
      Map<String, List<String>> ping) {
    this.newClient = newClient;
    this.transport = transport;
    this.where = where;
    this.ping = ping;
  }

  public synchronized DockerClient client() {
    if (client == null) {
      client = newClient.get();
    }
    return client;
  }

  DockerHttpClient transport() {
    return transport;
  }

  /**
   * Opens a connection upgraded from HTTP/1.1 by {@code POST path} to {@code protocol} (BuildKit's
   * session: {@code /session}, {@code h2c}).
   *
   * @throws IOException if the daemon cannot be reached or does not switch protocols
   */
  public UpgradedConnection upgrade(String path, String protocol, Map<String, List<String>> headers)
      throws IOException {
    if (!(transport instanceof DockerSocketClient socketClient)) {
      throw new IOException("this daemon's transport cannot upgrade a connection");
    }
    return socketClient.upgrade(path, protocol, headers);
  }

  /**
   * Sends {@code POST path} through the plugin's own transport (no docker-java model): with {@code
   * body} streamed in chunks, or with {@code Content-Length: 0} when it is null. The answer's body
   * is read by the caller; closing the answer closes the connection.
   *
   * @throws java.io.UncheckedIOException if the request could not be sent
   */
  public Answer post(String path, Map<String, String> headers, @Nullable InputStream body) {
    Request.Builder request = Request.builder().method(Request.Method.POST).path(path);
    headers.forEach(request::putHeader);
    if (body == null) {
      request.bodyBytes(new byte[0]);
    } else {
      request.body(body);
    }
    DockerHttpClient.Response response = transport.execute(request.build());
    return new Answer(response);
  }

  /** Whether a failure is the daemon connection's idle bound firing (nothing moved for long). */
  public static boolean isIdleTimeout(Throwable failure) {
    return failure instanceof DaemonConnection.IdleTimeoutException;
  }

  /** The daemon's answer to {@link #post}. */
  public static final class Answer implements AutoCloseable {
    private final DockerHttpClient.Response response;

    Answer(DockerHttpClient.Response response) {
      this.response = response;
    }

    public int status() {
      return response.getStatusCode();
    }

    public InputStream body() {
      return response.getBody();
    }

    @Override
    public void close() {
      response.close();
    }
  }

  /** Where it was found: {@code unix:///var/run/docker.sock (default socket)}. */
  public String where() {
    return where;
  }

  /**
   * Its Engine API version, e.g. {@code 1.41}: from the ping, or, from a daemon before API 1.25,
   * which does not ping it, from {@code /version}; null if it would not say.
   */
  public synchronized @Nullable String apiVersion() {
    if (apiVersion == null) {
      apiVersion = pingHeader("Api-Version");
    }
    if (apiVersion == null) {
      apiVersion = client().versionCmd().exec().getApiVersion();
    }
    return apiVersion;
  }

  /** A header of its {@code /_ping} answer, or null. */
  @Nullable String pingHeader(String name) {
    List<String> values = ping.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /**
   * The engine and its version as its ping's {@code Server} header names them ({@code
   * Docker/28.5.2+dfsg4 (linux)} is {@code Docker 28.5.2}, {@code Libpod/6.1.1} {@code Podman
   * 6.1.1}), for messages about what this engine refused; null if the ping did not say.
   */
  public @Nullable String engine() {
    String server = pingHeader("Server");
    Matcher named = server == null ? null : SERVER.matcher(server);
    if (named == null || !named.lookingAt()) {
      return null;
    }
    return (named.group(1).equals("Libpod") ? "Podman" : "Docker") + " " + named.group(2);
  }

  /** Whether this is Podman's Docker-compatible service rather than Docker Engine. */
  public boolean isPodman() {
    return pingHeader("Libpod-Api-Version") != null;
  }

  /**
   * What it is, for {@code ship:info}: {@code Docker Engine 20.10.24 (API 1.41, linux/amd64)} or
   * {@code Podman 4.3.1 (API 1.41, linux/amd64)}. Asks {@code /version}.
   */
  public String describe() {
    Request request = Request.builder().method(Request.Method.GET).path("/version").build();
    try (DockerHttpClient.Response response = transport.execute(request);
        InputStream body = response.getBody()) {
      JsonNode version = new ObjectMapper().readTree(body);
      String name = isPodman() ? "Podman" : "Docker Engine";
      for (JsonNode component : version.path("Components")) {
        if (component.path("Name").asText("").contains("Podman")) {
          name = "Podman";
        }
      }
      return name
          + " "
          + version.path("Version").asText("(version unknown)")
          + " (API "
          + version.path("ApiVersion").asText(apiVersion())
          + ", "
          + version.path("Os").asText("?")
          + "/"
          + version.path("Arch").asText("?")
          + ")";
    } catch (IOException | RuntimeException e) {
      return (isPodman() ? "Podman" : "Docker Engine")
          + " (API "
          + apiVersion()
          + "; /version: "
          + DockerConnector.rootMessage(e)
          + ")";
    }
  }

  /**
   * Whether a push retried after a stall would join the upload the abandoned push left in the
   * daemon, and so stall again, rather than start a new one. Found on each engine by stalling an
   * upload and pushing again (issue 19; README "Pushing, on every engine"): Docker 20.10 and 28.5
   * with the graphdriver image store keep the stalled layer upload until the registry closes the
   * connection (their distribution client writes the blob without the request's context) and a
   * retry waits on it; Docker 28.5's containerd store and Podman 4.3 and 6.1 start a new upload.
   * Docker's image store is read from {@code /info}; an engine that cannot be asked counts as
   * joining, which costs at most a retry that could have worked, never a wasted stall timeout.
   */
  public boolean retryJoinsAbandonedUpload() {
    if (isPodman()) {
      return false;
    }
    Request request = Request.builder().method(Request.Method.GET).path("/info").build();
    try (DockerHttpClient.Response response = transport.execute(request);
        InputStream body = response.getBody()) {
      for (JsonNode pair : new ObjectMapper().readTree(body).path("DriverStatus")) {
        if (pair.path(0).asText("").equals("driver-type")
            && pair.path(1).asText("").equals(CONTAINERD_SNAPSHOTTER)) {
          return CONTAINERD_STORE_RETRY_JOINS;
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  /**
   * The size of an image in the daemon in bytes (uncompressed, as {@code docker images} shows it);
   * 0 if the daemon does not say.
   */
  long imageSize(String reference) {
    Request request =
        Request.builder().method(Request.Method.GET).path("/images/" + reference + "/json").build();
    try (DockerHttpClient.Response response = transport.execute(request);
        InputStream body = response.getBody()) {
      return response.getStatusCode() == 200
          ? new ObjectMapper().readTree(body).path("Size").asLong(0)
          : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * The platform an image in the daemon was built for, {@code linux/amd64}; null if the daemon has
   * no such image.
   */
  public @Nullable String platformOf(String reference) {
    // The plugin's own transport and a streaming read of two fields: docker-java's inspectImageCmd
    // would load its client, its command tree and an object mapper for them.
    Request request =
        Request.builder().method(Request.Method.GET).path("/images/" + reference + "/json").build();
    String os = null;
    String arch = null;
    try (DockerHttpClient.Response response = transport.execute(request);
        InputStream body = response.getBody()) {
      if (response.getStatusCode() == 404) {
        return null;
      }
      if (response.getStatusCode() != 200) {
        throw new IOException(
            "HTTP "
                + response.getStatusCode()
                + ": "
                + new String(body.readAllBytes(), StandardCharsets.UTF_8).strip());
      }
      try (JsonParser parser = StreamJson.FACTORY.createParser(body)) {
        if (parser.nextToken() == JsonToken.START_OBJECT) {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_STRING && field.equals("Os")) {
              os = parser.getText();
            } else if (value == JsonToken.VALUE_STRING && field.equals("Architecture")) {
              arch = parser.getText();
            } else {
              parser.skipChildren();
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      throw ShipException.failed(
          "The Docker daemon at "
              + where
              + " could not inspect "
              + reference
              + ": "
              + DockerConnector.rootMessage(e),
          e);
    }
    return os + "/" + arch;
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      try {
        client.close();
      } catch (IOException ignored) {
        // nothing more to release: each response closes its own connection
      }
    }
  }
}
