package io.github.shipmaven.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a whole run of the invoker ITs leaves on the engines of its columns, removed in one place
 * (pom.xml runs it through maven-antrun-plugin): {@code note STATE HOST...} in pre-integration-test
 * lists each engine's images and BuildKit build cache records into STATE; {@code clean STATE} in
 * post-integration-test (which runs before invoker:verify, so also after failed ITs) removes the
 * images tagged into the ITs' repositories, the untagged images made since (intermediate ones,
 * stages no tag names, tags a later build took) and the build cache records that were not there
 * before. {@code sweep HOST...} removes every image of the ITs' repositories (tagged, or untagged
 * with their digest or an IT's OCI title), made whenever: images only, since the cache records of
 * earlier runs cannot be told from other projects'.
 *
 * <p>An image that was there before keeps its tags of then; an engine that does not answer is
 * skipped with one line (its ITs fail on their own). Podman has no build cache API: images only.
 */
public final class ItCleanup {
  /**
   * The ITs' repositories: {@code it/...} on the loopback registries (5000, the stalling 5011),
   * unqualified or under Podman's {@code localhost/}, and skip-flags' {@code ghcr.io/ship-it/...}.
   */
  private static final Pattern IT_REPOSITORY =
      Pattern.compile("((127\\.0\\.0\\.1|localhost)(:\\d+)?/)?it/[^:@]+|ghcr\\.io/ship-it/[^:@]+");

  private static final ObjectMapper JSON = new ObjectMapper();

  private ItCleanup() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2 || !Set.of("note", "clean", "sweep").contains(args[0])) {
      System.err.println("usage: ItCleanup note STATE HOST... | clean STATE | sweep HOST...");
      System.exit(2);
    }
    switch (args[0]) {
      case "note" -> note(Path.of(args[1]), List.of(args).subList(2, args.length));
      case "clean" -> clean(JSON.readTree(Path.of(args[1]).toFile()));
      default -> {
        ObjectNode nothingBefore = JSON.createObjectNode();
        for (String host : List.of(args).subList(1, args.length)) {
          nothingBefore.putObject(host).putObject("images");
        }
        clean(nothingBefore);
      }
    }
  }

  private static void note(Path state, List<String> hosts) throws IOException {
    ObjectNode engines = JSON.createObjectNode();
    for (String host : hosts) {
      ObjectNode engine = engines.putObject(host);
      try {
        ObjectNode images = engine.putObject("images");
        for (JsonNode image : images(host)) {
          images.set(image.path("Id").asText(), JSON.valueToTree(tags(image)));
        }
        Set<String> cache = cacheIds(host);
        engine.set("cache", JSON.valueToTree(cache));
        engine.put("since", System.currentTimeMillis() / 1000);
        System.out.printf(
            "[it-cleanup] %s: %d images, %d build cache records before the ITs%n",
            host, images.size(), cache.size());
      } catch (IOException e) {
        engines.remove(host);
        System.out.printf("[it-cleanup] %s: not answering (%s), left out%n", host, e.getMessage());
      }
    }
    Files.createDirectories(state.toAbsolutePath().getParent());
    JSON.writerWithDefaultPrettyPrinter().writeValue(state.toFile(), engines);
  }

  /**
   * What stays (an image a container still uses, a record in use) is named in a line, not a
   * failure: the ITs' own results decide the build.
   */
  private static void clean(JsonNode engines) {
    for (Map.Entry<String, JsonNode> entry : engines.properties()) {
      String host = entry.getKey();
      try {
        cleanEngine(host, entry.getValue());
      } catch (IOException e) {
        System.out.printf("[it-cleanup] %s: not answering (%s), skipped%n", host, e.getMessage());
      }
    }
  }

  private static void cleanEngine(String host, JsonNode before) throws IOException {
    JsonNode imagesBefore = before.path("images");
    int recordsThen = records(host);
    int tagsRemoved = 0;
    int untaggedRemoved = 0;
    List<String> kept = new ArrayList<>();
    for (JsonNode image : images(host)) {
      String id = image.path("Id").asText();
      List<String> tags = tags(image);
      List<String> ours = new ArrayList<>();
      for (String tag : tags) {
        if (isIt(tag)) {
          ours.add(tag);
        }
      }
      JsonNode then = imagesBefore.get(id);
      if (then != null) {
        // Someone's image from before the run: only the IT tags it got since go, and never its
        // last tag (that would remove the image itself).
        for (JsonNode old : then) {
          ours.remove(old.asText());
        }
        if (!ours.isEmpty() && ours.size() == tags.size()) {
          kept.add(id.substring(0, Math.min(19, id.length())) + " " + ours);
          continue;
        }
      } else if (tags.isEmpty() && isItDangling(image)) {
        // Untagged (a later build took its tag) and marked as an IT's: whenever it was made.
        untaggedRemoved += remove(host, id) ? 1 : 0;
        continue;
      }
      for (String tag : ours) {
        tagsRemoved += remove(host, tag) ? 1 : 0;
      }
    }
    untaggedRemoved += removeUntaggedSince(host, imagesBefore, before.path("since").asLong(0));
    // sweep has no list of before: it leaves the build cache alone.
    long[] cache =
        before.has("cache") ? pruneCacheSince(host, before.get("cache")) : new long[] {0, 0, 0};
    List<String> left = new ArrayList<>();
    for (JsonNode image : images(host)) {
      if (imagesBefore.get(image.path("Id").asText()) == null
          && tags(image).stream().anyMatch(ItCleanup::isIt)) {
        left.add(image.path("Id").asText() + " " + tags(image));
      }
    }
    System.out.printf(
        "[it-cleanup] %s: removed %d IT tags and %d untagged images (image records %d -> %d),"
            + " %d build cache records (%d bytes; %d left)%n",
        host,
        tagsRemoved,
        untaggedRemoved,
        recordsThen,
        records(host),
        cache[0],
        cache[1],
        cacheIds(host).size());
    if (!kept.isEmpty()) {
      System.out.printf("[it-cleanup] %s: images from before the ITs kept %s%n", host, kept);
    }
    if (cache[2] > 0) {
      System.out.printf(
          "[it-cleanup] %s: %d build cache records made meanwhile are still there (in use?)%n",
          host, cache[2]);
    }
    if (!left.isEmpty()) {
      System.out.printf("[it-cleanup] %s: IT images still there: %s%n", host, left);
    }
  }

  private static boolean isIt(String reference) {
    int at = reference.indexOf('@');
    String name = at >= 0 ? reference.substring(0, at) : reference;
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      name = name.substring(0, colon);
    }
    return IT_REPOSITORY.matcher(name).matches();
  }

  /**
   * An untagged image that an IT made: its digest names one of the ITs' repositories (pushed), or
   * its OCI title is an IT's name (the plugin's label; context-matches-cli's CLI builds copy it).
   */
  private static boolean isItDangling(JsonNode image) {
    for (JsonNode digest : image.path("RepoDigests")) {
      if (isIt(digest.asText())) {
        return true;
      }
    }
    String title = image.path("Labels").path("org.opencontainers.image.title").asText("");
    return !title.isEmpty() && IT_NAMES.contains(title);
  }

  /** The ITs' names: the directories of src/it (system property it.projects names it). */
  private static final Set<String> IT_NAMES = itNames();

  private static Set<String> itNames() {
    Set<String> names = new TreeSet<>();
    java.io.File[] projects =
        new java.io.File(System.getProperty("it.projects", "src/it")).listFiles();
    for (java.io.File project : projects == null ? new java.io.File[0] : projects) {
      if (new java.io.File(project, "pom.xml").isFile()) {
        names.add(project.getName());
      }
    }
    return names;
  }

  /**
   * {@code DELETE /images/...}: the tag, or the image once its last tag goes (with the untagged
   * parents only it used: the classic builder's steps). An image a container still uses answers 409
   * and stays, named in a line; one already gone with its child answers 404.
   */
  private static boolean remove(String host, String reference) throws IOException {
    ItSupport.EngineAnswer answer =
        call(host, "DELETE /images/" + URLEncoder.encode(reference, StandardCharsets.UTF_8));
    if (answer.status() != 200 && answer.status() != 404) {
      System.out.printf(
          "[it-cleanup] %s: %s stays: %d %s%n",
          host, reference, answer.status(), answer.body().strip());
    }
    return answer.status() == 200;
  }

  /** How many image records the engine has, intermediate ones included ({@code all=true}). */
  private static int records(String host) throws IOException {
    ItSupport.EngineAnswer answer = call(host, "GET /images/json?all=true");
    if (answer.status() != 200) {
      throw new IOException("GET /images/json: " + answer.status() + " " + answer.body().strip());
    }
    return JSON.readTree(answer.body()).size();
  }

  /**
   * The build cache records not in {@code before}, pruned one ID a request (Docker 20.10 refuses a
   * filter with several values; the ID is matched as a prefix, a full one is one record), children
   * before parents, so a few rounds. Returns {records pruned, bytes, records left}.
   */
  private static long[] pruneCacheSince(String host, JsonNode before) throws IOException {
    Set<String> then = new TreeSet<>();
    before.forEach(id -> then.add(id.asText()));
    long records = 0;
    long bytes = 0;
    // A round removes the records nothing else builds on; a chain as deep as a Dockerfile's steps
    // takes as many rounds. It ends when a round removes none.
    while (true) {
      Set<String> made = new TreeSet<>(cacheIds(host));
      made.removeAll(then);
      long round = 0;
      for (String id : made) {
        String filter = URLEncoder.encode("{\"id\":{\"" + id + "\":true}}", StandardCharsets.UTF_8);
        // all=true: without it BuildKit keeps the records it shares with the image store (on
        // containerd's, a build's layers), whatever the filter says.
        ItSupport.EngineAnswer answer = call(host, "POST /build/prune?all=true&filters=" + filter);
        if (answer.status() != 200) {
          continue;
        }
        JsonNode pruned = JSON.readTree(answer.body());
        round += pruned.path("CachesDeleted").size();
        bytes += pruned.path("SpaceReclaimed").asLong();
      }
      records += round;
      if (round == 0) {
        return new long[] {records, bytes, made.size()};
      }
    }
  }

  /**
   * The untagged images that appeared since the note ({@code since}, epoch seconds; 0 in a sweep:
   * none) and were not there then: the ITs' builds' intermediate images (Podman keeps each step's,
   * tops of stages no tag names; a tag moved by a later build of the same IT). The ITs hold the
   * lock meanwhile, so nobody else builds. Removing one can leave its parent untagged and alone:
   * rounds until one removes none.
   */
  private static int removeUntaggedSince(String host, JsonNode imagesBefore, long since)
      throws IOException {
    int removed = 0;
    if (since == 0) {
      return removed;
    }
    Set<String> tried = new TreeSet<>();
    while (true) {
      int round = 0;
      for (JsonNode image : images(host)) {
        String id = image.path("Id").asText();
        if (tags(image).isEmpty()
            && imagesBefore.get(id) == null
            && image.path("Created").asLong() >= since - 1
            && tried.add(id)
            && remove(host, id)) {
          round++;
        }
      }
      removed += round;
      if (round == 0) {
        return removed;
      }
    }
  }

  private static List<JsonNode> images(String host) throws IOException {
    ItSupport.EngineAnswer answer = call(host, "GET /images/json");
    if (answer.status() != 200) {
      throw new IOException("GET /images/json: " + answer.status() + " " + answer.body().strip());
    }
    List<JsonNode> images = new ArrayList<>();
    JSON.readTree(answer.body()).forEach(images::add);
    return images;
  }

  private static List<String> tags(JsonNode image) {
    List<String> tags = new ArrayList<>();
    for (JsonNode tag : image.path("RepoTags")) {
      if (!tag.asText().startsWith("<none>")) {
        tags.add(tag.asText());
      }
    }
    return tags;
  }

  /**
   * The engine's BuildKit build cache records ({@code GET /system/df}'s "BuildCache"; none on
   * Podman). Docker 28.5's containerd image store answers 404 when a snapshot it lists goes
   * meanwhile: asked again, it answers.
   */
  private static Set<String> cacheIds(String host) throws IOException {
    ItSupport.EngineAnswer answer = call(host, "GET /system/df");
    for (int attempt = 1; answer.status() == 404 && attempt < 5; attempt++) {
      sleep();
      answer = call(host, "GET /system/df");
    }
    if (answer.status() != 200) {
      throw new IOException("GET /system/df: " + answer.status() + " " + answer.body().strip());
    }
    Set<String> ids = new TreeSet<>();
    for (JsonNode record : JSON.readTree(answer.body()).path("BuildCache")) {
      ids.add(record.path("ID").asText());
    }
    return ids;
  }

  private static void sleep() throws IOException {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * One request with no body to the engine, within {@link ItSupport#ENGINE_REQUEST_BOUND} (a hung
   * engine must not hold the build; Podman 4.3 lists slowly).
   */
  private static ItSupport.EngineAnswer call(String host, String requestLine) throws IOException {
    ItSupport.EngineAnswer answer =
        ItSupport.engineRequest(host, requestLine, "Accept: application/json");
    if (answer.head() == null) {
      throw new IOException(requestLine + ": no HTTP answer");
    }
    return answer;
  }
}
