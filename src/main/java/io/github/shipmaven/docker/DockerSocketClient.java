package io.github.shipmaven.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A small HTTP/1.1 transport for docker-java over a unix socket, TCP (with TLS) or ssh, one
 * connection a request ({@link DaemonConnection} dials, {@link Http1} frames).
 *
 * <p>Why not docker-java's own transports: their Apache httpclient logs every request header at
 * debug level, and {@code mvn -X} turns that on, printing {@code X-Registry-Auth}, the registry
 * password in base64. This one logs nothing. It also streams request bodies (chunked) instead of
 * buffering them, and bounds every wait: a request whose connection moves no byte for its idle
 * timeout is abandoned.
 */
final class DockerSocketClient implements DockerHttpClient {
  /** Pings: a socket whose daemon does not answer at all should not hold the build long. */
  static final Duration PING_IDLE = Duration.ofSeconds(20);

  /** Inspect, tag, version, distribution (the daemon asks the registry): answered in seconds. */
  static final Duration API_IDLE = Duration.ofMinutes(2);

  /**
   * A build: a RUN step may legitimately print nothing for a long while (the classic builder sends
   * nothing meanwhile), so the bound is generous.
   */
  static final Duration BUILD_IDLE = Duration.ofMinutes(30);

  private static final Pattern BUILD = Pattern.compile("^(/v[0-9.]+)?/build\\b.*");
  private static final Pattern PUSH = Pattern.compile("^(/v[0-9.]+)?/images/.+/push\\b.*");

  private final @Nullable URI host;
  private final @Nullable SSLContext tls;
  private final @Nullable SshCommand ssh;
  private final Duration apiIdle;

  /**
   * @param host {@code unix:///path} or {@code tcp://host:port}
   * @param tls the TLS context for TCP, or null for plain TCP
   */
  DockerSocketClient(URI host, @Nullable SSLContext tls) {
    this(host, tls, API_IDLE);
  }

  /**
   * @param apiIdle the idle bound of ordinary API calls (and pings, if shorter); tests shorten it
   */
  DockerSocketClient(URI host, @Nullable SSLContext tls, Duration apiIdle) {
    this(host, tls, null, apiIdle);
  }

  /** A daemon reached through ssh: one ssh process a request. */
  DockerSocketClient(SshCommand ssh) {
    this(ssh, API_IDLE);
  }

  DockerSocketClient(SshCommand ssh, Duration apiIdle) {
    this(null, null, ssh, apiIdle);
  }

  private DockerSocketClient(
      @Nullable URI host, @Nullable SSLContext tls, @Nullable SshCommand ssh, Duration apiIdle) {
    this.host = host;
    this.tls = tls;
    this.ssh = ssh;
    this.apiIdle = apiIdle;
  }

  /** A new connection to the daemon, bounded by {@code idleTimeout} (null: no bound). */
  private DaemonConnection dial(@Nullable Duration idleTimeout) throws IOException {
    return ssh != null
        ? DaemonConnection.open(ssh, idleTimeout)
        : DaemonConnection.open(host, tls, idleTimeout);
  }

  @Override
  public Response execute(Request request) {
    if (request.hijackedInput() != null) {
      throw new IllegalArgumentException(
          "hijacked connections (attach) are not used by this plugin");
    }
    try {
      DaemonConnection connection = dial(idleTimeout(request.path()));
      try {
        try {
          Http1.writeRequest(request, connection);
        } catch (IOException broken) {
          // A daemon that refuses a request (431 for a head too large, 400) answers and closes
          // while the body is still being sent: its answer says more than the broken pipe.
          return earlyAnswer(connection).orElseThrow(() -> broken);
        }
        return Http1.readResponse(connection);
      } catch (IOException | RuntimeException e) {
        connection.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<Response> earlyAnswer(DaemonConnection connection) {
    try {
      return Optional.of(Http1.readResponse(connection));
    } catch (IOException | RuntimeException nothing) {
      return Optional.empty();
    }
  }

  /**
   * How long a request's connection may stay silent. A push has no bound here: the pusher watches
   * its progress, which a daemon can keep repeating while nothing moves, and ends it itself.
   */
  private Duration idleTimeout(String path) {
    if (BUILD.matcher(path).matches()) {
      return BUILD_IDLE;
    }
    if (PUSH.matcher(path).matches()) {
      return null;
    }
    if (path.endsWith("/_ping")) {
      return PING_IDLE.compareTo(apiIdle) < 0 ? PING_IDLE : apiIdle;
    }
    return apiIdle;
  }

  /**
   * Pings the daemon; returns the answer's headers: {@code Api-Version} (absent before API 1.25),
   * {@code Builder-Version}, {@code Ostype}, and Podman's {@code Libpod-Api-Version}.
   */
  Map<String, List<String>> ping() {
    try (Response response =
        execute(Request.builder().method(Request.Method.GET).path("/_ping").build())) {
      if (response.getStatusCode() != 200) {
        throw new IllegalStateException("/_ping answered HTTP " + response.getStatusCode());
      }
      return response.getHeaders();
    }
  }

  /**
   * A connection upgraded from HTTP/1.1 to {@code protocol} by {@code POST path} (see {@link
   * UpgradedConnection}); without an idle bound, which the protocol on it sets for itself.
   */
  UpgradedConnection upgrade(String path, String protocol, Map<String, List<String>> headers)
      throws IOException {
    return UpgradedConnection.open(dial(null), path, protocol, headers);
  }

  @Override
  public void close() {
    // nothing pooled: each response closes its own connection
  }
}
