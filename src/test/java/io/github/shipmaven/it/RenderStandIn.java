package io.github.shipmaven.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback stand-in for Render's deploy hook and deploys API, for the integration tests and the
 * demo. Each deploy it starts walks through the given statuses, one step per poll of that deploy;
 * when one reaches {@code live}, the service's previous live deploy becomes {@code deactivated}.
 *
 * <p>Serves: the hook ({@code /deploy/srv-…?key=…&imgURL=…}, answering 200 {@code
 * {"deploy":{"id"}}}); with {@code Authorization: Bearer <apiKey>}: {@code POST
 * /v1/services/{id}/deploys} (201 with the deploy), {@code GET /v1/services/{id}/deploys} ({@code
 * status} filters, repeatable, and {@code limit}; newest first), {@code GET
 * /v1/services/{id}/deploys/{deployId}}, {@code POST /v1/services/{id}/rollback}. Options, chained
 * after {@link #start}: {@link #answerTriggersWith202()}, {@link #rateLimitFirst(int)}, {@link
 * #seedHistory(String, String)}.
 */
public final class RenderStandIn {
  private static final Map<Integer, RenderStandIn> RUNNING = new ConcurrentHashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One deploy trigger (hook or API) as received and answered; the key is checked, never kept. */
  public record TriggerCall(String serviceId, String imgUrl, boolean keyValid, int code) {}

  /**
   * Any request as received and answered. The hook's {@code key} is masked in {@code query}; the
   * Authorization header is only checked.
   */
  public record Received(
      String method, String path, String query, String body, boolean keyValid, int code) {}

  private record Answer(int code, String body, Map<String, String> headers) {
    static Answer json(int code, Object body) {
      return new Answer(code, body.toString(), Map.of());
    }

    static Answer message(int code, String message) {
      return json(code, JSON.createObjectNode().put("message", message));
    }
  }

  /** A deploy of one service; its status is the step reached in its walk, unless superseded. */
  private static final class Deploy {
    final String id;
    final String serviceId;
    final String imageRef;
    final String trigger;
    final Instant createdAt;
    final List<String> statuses;
    int step;
    boolean superseded;

    Deploy(
        String id,
        String serviceId,
        String imageRef,
        String trigger,
        Instant createdAt,
        List<String> statuses) {
      this.id = id;
      this.serviceId = serviceId;
      this.imageRef = imageRef;
      this.trigger = trigger;
      this.createdAt = createdAt;
      this.statuses = statuses;
    }

    String status() {
      return superseded ? "deactivated" : statuses.get(Math.min(step, statuses.size() - 1));
    }

    ObjectNode json() {
      ObjectNode node =
          JSON.createObjectNode()
              .put("id", id)
              .put("status", status())
              .put("trigger", trigger)
              .put("createdAt", createdAt.toString());
      if (imageRef != null) {
        ObjectNode image = node.putObject("image").put("ref", imageRef);
        int at = imageRef.indexOf('@');
        if (at > 0) {
          image.put("sha", imageRef.substring(at + 1));
        }
      }
      return node;
    }
  }

  private final HttpServer server;
  private final String key;
  private final String apiKey;
  private final List<String> statuses;
  private final List<TriggerCall> calls = new CopyOnWriteArrayList<>();
  private final List<Received> requests = new CopyOnWriteArrayList<>();
  private final List<Deploy> deploys = new ArrayList<>(); // oldest first
  private final Map<String, String> images = new ConcurrentHashMap<>();
  private int created;
  private volatile boolean answer202;
  private volatile int rateLimited;

  private RenderStandIn(int port, String key, String apiKey, List<String> statuses)
      throws IOException {
    this.key = key;
    this.apiKey = apiKey;
    this.statuses = statuses;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts a stand-in on {@code port} (0: any free port, see {@link #port()}), stopping one a
   * previous test left there.
   */
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

  public int port() {
    return server.getAddress().getPort();
  }

  /** Deploy triggers answer 202 with no body (the hook too), as Render's API may. */
  public RenderStandIn answerTriggersWith202() {
    answer202 = true;
    return this;
  }

  /**
   * The first {@code n} requests, of any kind, answer 429 with Retry-After and Ratelimit-Reset 1.
   */
  public RenderStandIn rateLimitFirst(int n) {
    rateLimited = n;
    return this;
  }

  /**
   * Gives {@code serviceId} a history of deploys of {@code image} (a repository, no tag), newest
   * first: {@code dep-live0} live, {@code dep-failed0} update_failed, {@code dep-prev0} and {@code
   * dep-old0} deactivated (so the previous live deploy is {@code dep-prev0}). Deploys of the
   * service must then be of {@code image}, as on Render (400 otherwise).
   */
  public synchronized RenderStandIn seedHistory(String serviceId, String image) {
    images.put(serviceId, image);
    Instant now = Instant.now();
    String[][] history = {
      {"dep-old0", "deactivated", "1"},
      {"dep-prev0", "deactivated", "2"},
      {"dep-failed0", "update_failed", "3"},
      {"dep-live0", "live", "4"},
    };
    for (int i = 0; i < history.length; i++) {
      String[] seed = history[i];
      deploys.add(
          new Deploy(
              seed[0],
              serviceId,
              image + "@sha256:" + seed[2].repeat(64),
              "api",
              now.minus(Duration.ofHours(history.length - i)),
              List.of(seed[1])));
    }
    return this;
  }

  /** Deploy triggers (hook or API), in order. */
  public List<TriggerCall> calls() {
    return new ArrayList<>(calls);
  }

  /** Every request, in order. */
  public List<Received> requests() {
    return new ArrayList<>(requests);
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String[] parts = path.split("/"); // "", "deploy", srv  or  "", "v1", "services", srv, ...
    boolean hook = parts.length == 3 && parts[1].equals("deploy");
    boolean keyValid =
        hook
            ? key.equals(first(query, "key"))
            : ("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"));
    Answer answer;
    if (rateLimited > 0) {
      rateLimited--;
      answer =
          new Answer(
              429,
              "{\"message\":\"rate limit exceeded\"}",
              Map.of("Retry-After", "1", "Ratelimit-Reset", "1", "Ratelimit-Remaining", "0"));
    } else if (!keyValid) {
      answer = Answer.message(401, "unauthorized");
    } else {
      answer =
          hook
              ? start(parts[2], first(query, "imgURL"), "deploy_hook", true)
              : api(method, parts, query, body);
    }
    requests.add(new Received(method, path, masked(query), body, keyValid, answer.code()));
    if (hook) {
      calls.add(new TriggerCall(parts[2], first(query, "imgURL"), keyValid, answer.code()));
    } else if (isTrigger(method, parts)) {
      calls.add(new TriggerCall(parts[3], imageUrl(body), keyValid, answer.code()));
    }
    respond(exchange, answer);
  }

  private Answer api(String method, String[] parts, Map<String, List<String>> query, String body) {
    if (parts.length < 5 || !parts[1].equals("v1") || !parts[2].equals("services")) {
      return Answer.message(404, "not found");
    }
    String serviceId = parts[3];
    if (isTrigger(method, parts)) {
      String imageUrl = imageUrl(body);
      return imageUrl == null
          ? Answer.message(400, "the stand-in deploys images only: imageUrl is required")
          : start(serviceId, imageUrl, "api", false);
    }
    if (method.equals("GET") && parts[4].equals("deploys") && parts.length == 5) {
      return list(serviceId, query);
    }
    if (method.equals("GET") && parts[4].equals("deploys") && parts.length == 6) {
      return poll(serviceId, parts[5]);
    }
    if (method.equals("POST") && parts[4].equals("rollback") && parts.length == 5) {
      return rollback(serviceId, body);
    }
    return Answer.message(404, "not found");
  }

  private static boolean isTrigger(String method, String[] parts) {
    return method.equals("POST")
        && parts.length == 5
        && parts[1].equals("v1")
        && parts[2].equals("services")
        && parts[4].equals("deploys");
  }

  private Answer start(String serviceId, String imageUrl, String trigger, boolean hook) {
    String image = images.get(serviceId);
    if (image != null && imageUrl != null && !repository(imageUrl).equals(image)) {
      return Answer.message(
          400, "imageUrl " + imageUrl + " does not match the service's image " + image);
    }
    Deploy deploy =
        new Deploy(
            "dep-standin" + ++created, serviceId, imageUrl, trigger, Instant.now(), statuses);
    deploys.add(deploy);
    if (answer202) {
      return new Answer(202, "", Map.of());
    }
    return hook
        ? Answer.json(200, "{\"deploy\":{\"id\":\"" + deploy.id + "\"}}")
        : Answer.json(201, deploy.json());
  }

  private Answer list(String serviceId, Map<String, List<String>> query) {
    List<String> wanted = query.getOrDefault("status", List.of());
    int limit = Math.min(100, Integer.parseInt(first(query, "limit", "20")));
    ArrayNode list = JSON.createArrayNode();
    for (int i = deploys.size() - 1; i >= 0 && list.size() < limit; i--) {
      Deploy deploy = deploys.get(i);
      if (deploy.serviceId.equals(serviceId)
          && (wanted.isEmpty() || wanted.contains(deploy.status()))) {
        list.addObject().put("cursor", deploy.id).set("deploy", deploy.json());
      }
    }
    return Answer.json(200, list);
  }

  private Answer poll(String serviceId, String deployId) {
    Deploy deploy = find(serviceId, deployId);
    if (deploy == null) {
      return Answer.message(404, "not found");
    }
    Answer answer = Answer.json(200, deploy.json());
    if (deploy.status().equals("live")) {
      for (Deploy other : deploys) {
        if (other != deploy && other.serviceId.equals(serviceId) && other.status().equals("live")) {
          other.superseded = true;
        }
      }
    }
    deploy.step++;
    return answer;
  }

  private Answer rollback(String serviceId, String body) {
    String targetId = field(body, "deployId");
    Deploy target = targetId == null ? null : find(serviceId, targetId);
    if (target == null) {
      return Answer.message(404, "not found");
    }
    if (!target.status().equals("deactivated")) {
      return Answer.message(
          400, "cannot roll back to deploy " + targetId + ": it is " + target.status());
    }
    Deploy deploy =
        new Deploy(
            "dep-standin" + ++created,
            serviceId,
            target.imageRef,
            "rollback",
            Instant.now(),
            statuses);
    deploys.add(deploy);
    return Answer.json(201, deploy.json());
  }

  private Deploy find(String serviceId, String deployId) {
    return deploys.stream()
        .filter(d -> d.id.equals(deployId) && d.serviceId.equals(serviceId))
        .findFirst()
        .orElse(null);
  }

  private static String imageUrl(String body) {
    return field(body, "imageUrl");
  }

  private static String field(String body, String name) {
    try {
      JsonNode value = JSON.readTree(body).path(name);
      return value.isTextual() ? value.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** {@code host/repo} of {@code host/repo:tag} or {@code host/repo@sha256:…}. */
  private static String repository(String imageUrl) {
    String name = imageUrl.contains("@") ? imageUrl.substring(0, imageUrl.indexOf('@')) : imageUrl;
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          values
              .computeIfAbsent(
                  URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                  k -> new ArrayList<>())
              .add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }

  private static String first(Map<String, List<String>> query, String name) {
    return first(query, name, null);
  }

  private static String first(Map<String, List<String>> query, String name, String fallback) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? fallback : values.get(0);
  }

  /** The query, decoded, with the hook's key masked. */
  private static String masked(Map<String, List<String>> query) {
    List<String> pairs = new ArrayList<>();
    query.forEach(
        (name, values) ->
            values.forEach(v -> pairs.add(name + "=" + (name.equals("key") ? "****" : v))));
    return String.join("&", pairs);
  }

  private static void respond(HttpExchange exchange, Answer answer) throws IOException {
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    answer.headers().forEach(exchange.getResponseHeaders()::set);
    if (bytes.length > 0) {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
    }
    exchange.sendResponseHeaders(answer.code(), bytes.length == 0 ? -1 : bytes.length);
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
      standIn.calls().forEach(c -> System.out.println("deploy trigger: " + c));
    }
  }
}
