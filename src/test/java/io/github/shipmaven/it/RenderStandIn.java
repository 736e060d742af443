package io.github.shipmaven.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback stand-in for Render's deploy hook and deploys API, for the integration tests and the
 * demo. Each hook call creates a deploy that walks through the given statuses, one step per poll.
 */
public final class RenderStandIn {
  private static final Map<Integer, RenderStandIn> RUNNING = new ConcurrentHashMap<>();

  /** One hook call as received; the key is checked, never kept. */
  public record HookCall(String serviceId, String imgUrl, boolean keyValid) {}

  private record Deploy(String id, String imgUrl, List<String> statuses, int[] step) {}

  private final HttpServer server;
  private final String key;
  private final String apiKey;
  private final List<String> statuses;
  private final List<HookCall> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Deploy> deploys = new ConcurrentHashMap<>();

  private RenderStandIn(int port, String key, String apiKey, List<String> statuses)
      throws IOException {
    this.key = key;
    this.apiKey = apiKey;
    this.statuses = statuses;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/deploy/", this::hook);
    server.createContext("/v1/services/", this::api);
    server.start();
  }

  /** Starts a stand-in on {@code port}, stopping one a previous test left there. */
  public static synchronized RenderStandIn start(
      int port, String key, String apiKey, List<String> statuses) throws IOException {
    stop(port);
    RenderStandIn standIn = new RenderStandIn(port, key, apiKey, statuses);
    RUNNING.put(port, standIn);
    return standIn;
  }

  public static synchronized void stop(int port) {
    RenderStandIn running = RUNNING.remove(port);
    if (running != null) {
      running.server.stop(0);
    }
  }

  public static RenderStandIn on(int port) {
    return RUNNING.get(port);
  }

  public List<HookCall> calls() {
    return new ArrayList<>(calls);
  }

  private void hook(HttpExchange exchange) throws IOException {
    String serviceId = exchange.getRequestURI().getPath().substring("/deploy/".length());
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    boolean keyValid = key.equals(query.get("key"));
    calls.add(new HookCall(serviceId, query.get("imgURL"), keyValid));
    if (!keyValid) {
      respond(exchange, 401, "{\"message\":\"unauthorized\"}");
      return;
    }
    String id = "dep-standin" + (deploys.size() + 1);
    deploys.put(id, new Deploy(id, query.get("imgURL"), statuses, new int[] {0}));
    respond(exchange, 200, "{\"deploy\":{\"id\":\"" + id + "\"}}");
  }

  private void api(HttpExchange exchange) throws IOException {
    if (!("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      respond(exchange, 401, "{\"message\":\"unauthorized\"}");
      return;
    }
    String[] parts = exchange.getRequestURI().getPath().split("/");
    // /v1/services/{serviceId}/deploys/{deployId}
    Deploy deploy = parts.length == 6 ? deploys.get(parts[5]) : null;
    if (deploy == null) {
      respond(exchange, 404, "{\"message\":\"not found\"}");
      return;
    }
    int step = Math.min(deploy.step()[0]++, deploy.statuses().size() - 1);
    String imgUrl = deploy.imgUrl() == null ? "" : deploy.imgUrl();
    String sha = imgUrl.contains("@") ? imgUrl.substring(imgUrl.indexOf('@') + 1) : null;
    respond(
        exchange,
        200,
        "{\"id\":\""
            + deploy.id()
            + "\",\"status\":\""
            + deploy.statuses().get(step)
            + "\",\"image\":{\"ref\":\""
            + imgUrl
            + "\""
            + (sha == null ? "" : ",\"sha\":\"" + sha + "\"")
            + "}}");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          values.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }

  private static void respond(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  /** For the demo: {@code RenderStandIn <port> <key> <apiKey> [status...]}; runs until killed. */
  public static void main(String[] args) throws Exception {
    List<String> statuses =
        args.length > 3
            ? Arrays.asList(args).subList(3, args.length)
            : List.of("created", "update_in_progress", "live");
    RenderStandIn standIn = start(Integer.parseInt(args[0]), args[1], args[2], statuses);
    System.out.println("Render stand-in on http://127.0.0.1:" + args[0] + " walking " + statuses);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(Integer.parseInt(args[0]))));
    while (true) {
      Thread.sleep(60_000);
      standIn.calls().forEach(c -> System.out.println("hook call: " + c));
    }
  }
}
