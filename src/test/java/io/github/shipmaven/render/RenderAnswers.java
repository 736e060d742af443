package io.github.shipmaven.render;

import io.github.shipmaven.core.ShipLog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;

/**
 * Render's answers for MockWebServer, a Render that does not answer at all, and a log that keeps
 * every line, debug included.
 */
final class RenderAnswers {
  private RenderAnswers() {}

  /** A loopback port nothing listens on: a connect to it is refused. */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static MockResponse empty(int code) {
    return new MockResponse.Builder().code(code).build();
  }

  static MockResponse message(int code, String message) {
    return json(code, "{\"id\":\"e1\",\"message\":\"" + message + "\"}");
  }

  /** A deploy as Render's API shows it; {@code createdAt} may be null. */
  static String deploy(String id, String status, String sha, String createdAt) {
    return "{\"id\":\""
        + id
        + "\",\"status\":\""
        + status
        + "\",\"trigger\":\"api\""
        + (createdAt == null ? "" : ",\"createdAt\":\"" + createdAt + "\"")
        + ",\"image\":{\"ref\":\"docker.io/team/app@"
        + sha
        + "\",\"sha\":\""
        + sha
        + "\"}}";
  }

  /** A deploys list, newest first: {@code [{"deploy": …, "cursor": …}, …]}. */
  static MockResponse list(String... deploys) {
    List<String> items = new ArrayList<>();
    for (String deploy : deploys) {
      items.add("{\"deploy\":" + deploy + ",\"cursor\":\"c" + items.size() + "\"}");
    }
    return json(200, "[" + String.join(",", items) + "]");
  }

  static String sha(char c) {
    return "sha256:" + String.valueOf(c).repeat(64);
  }

  /** Keeps every line at every level, so tests can look for secrets in all of them. */
  static final class AllLines implements ShipLog {
    final List<String> lines = new ArrayList<>();

    @Override
    public void info(String message) {
      lines.add("INFO " + message);
    }

    @Override
    public void warn(String message) {
      lines.add("WARN " + message);
    }

    @Override
    public void debug(String message) {
      lines.add("DEBUG " + message);
    }
  }
}
