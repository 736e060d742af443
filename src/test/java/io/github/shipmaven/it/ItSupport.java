package io.github.shipmaven.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Helpers for the invoker integration tests' setup and verify scripts. */
public final class ItSupport {
  private ItSupport() {}

  /** Makes {@code dir} a git repository on branch main with everything committed. */
  public static void gitInit(File dir) throws Exception {
    Files.writeString(dir.toPath().resolve(".gitignore"), "target/\nbuild.log\n");
    run(dir, "git", "init", "-q", "-b", "main");
    run(dir, "git", "config", "user.email", "it@example.invalid");
    run(dir, "git", "config", "user.name", "IT");
    run(dir, "git", "config", "commit.gpgsign", "false");
    run(dir, "git", "add", "-A");
    commit(dir, "it");
  }

  /** Commits a change, so that a clone of depth 1 lacks history. */
  public static void commitChange(File dir, String file) throws Exception {
    Files.writeString(dir.toPath().resolve(file), "changed " + System.nanoTime() + "\n");
    run(dir, "git", "add", "-A");
    commit(dir, "change");
  }

  /**
   * Moves the project out of {@code basedir} into a sibling repository with two commits and returns
   * it. The invoker's build.log, already open, stays.
   */
  public static File moveToOrigin(File basedir) throws Exception {
    File origin = sibling(basedir, "origin");
    moveContents(basedir, origin);
    gitInit(origin);
    commitChange(origin, "history.txt");
    return origin;
  }

  /** CI's usual checkout: a depth-1 clone, then a detached HEAD at the commit. */
  public static void shallowDetachedClone(File basedir) throws Exception {
    File origin = moveToOrigin(basedir);
    File clone = sibling(basedir, "clone");
    run(
        basedir.getParentFile(),
        "git",
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "main",
        "file://" + origin.getAbsolutePath(),
        clone.getName());
    moveContents(clone, basedir);
    run(basedir, "git", "checkout", "-q", "--detach");
  }

  /** A linked worktree: its .git is a file pointing into the origin repository. */
  public static void worktree(File basedir, String branch) throws Exception {
    File origin = moveToOrigin(basedir);
    File tree = sibling(basedir, "worktree");
    run(origin, "git", "worktree", "add", "-q", "-b", branch, tree.getAbsolutePath());
    moveContents(tree, basedir);
    run(basedir, "git", "worktree", "repair");
  }

  private static File sibling(File basedir, String suffix) throws IOException {
    File sibling = new File(basedir.getParentFile(), basedir.getName() + "-" + suffix);
    deleteTree(sibling.toPath());
    return sibling;
  }

  /** Moves every entry of {@code from} but the invoker's build.log into {@code to}. */
  private static void moveContents(File from, File to) throws IOException {
    Files.createDirectories(to.toPath());
    try (var entries = Files.list(from.toPath())) {
      for (var entry : entries.toList()) {
        if (!entry.getFileName().toString().equals("build.log")) {
          Files.move(entry, to.toPath().resolve(entry.getFileName()));
        }
      }
    }
  }

  /** Makes {@code basedir/module} a submodule of {@code basedir}; returns the module's origin. */
  public static File submodule(File basedir, String module) throws Exception {
    File origin = sibling(basedir, module + "-origin");
    Files.move(basedir.toPath().resolve(module), origin.toPath());
    gitInit(origin);
    gitInit(basedir);
    run(
        basedir,
        "git",
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        "file://" + origin.getAbsolutePath(),
        module);
    commit(basedir, "submodule");
    // As `git submodule update` leaves it, and CI checkouts do: a detached HEAD.
    run(new File(basedir, module), "git", "checkout", "-q", "--detach");
    return origin;
  }

  private static void deleteTree(java.nio.file.Path path) throws IOException {
    if (Files.exists(path)) {
      try (var walk = Files.walk(path)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * For the credential helper tests: a docker config naming the helper, the helper made executable
   * and given the login it answers with.
   */
  public static void credentialHelperSetup(
      File basedir, String helper, String configJson, String registry, String user, String password)
      throws IOException {
    Files.createDirectories(basedir.toPath().resolve("docker-config"));
    Files.writeString(basedir.toPath().resolve("docker-config/config.json"), configJson);
    Files.writeString(
        basedir.toPath().resolve("bin/login.json"),
        "{\"ServerURL\":\""
            + registry
            + "\",\"Username\":\""
            + user
            + "\",\"Secret\":\""
            + password
            + "\"}");
    basedir.toPath().resolve("bin/docker-credential-" + helper).toFile().setExecutable(true);
  }

  /**
   * The files of an image's filesystem as {@code "<mode> <path>[ -> <link>]"}, sorted: from {@code
   * docker export} of a container created (not started) from it.
   */
  public static List<String> imageFiles(String image) throws Exception {
    return imageFiles(image, false);
  }

  /**
   * The entries under {@code ctx/} of an image's file system, sorted: mode (the 12 permission bits,
   * setuid, setgid and sticky included), name, a symlink's target; with {@code details}, also the
   * modification time in seconds and a hard link's target.
   */
  public static List<String> imageFiles(String image, boolean details) throws Exception {
    String container = run(new File("."), "docker", "create", image, "/none").trim();
    try {
      Process export = new ProcessBuilder("docker", "export", container).start();
      List<String> files = new ArrayList<>();
      try (var tar =
          new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
              export.getInputStream())) {
        for (var entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
          String name = entry.getName();
          if (name.startsWith("ctx/")) {
            files.add(
                Integer.toOctalString(entry.getMode() & 07777)
                    + " "
                    + name
                    + (entry.isSymbolicLink() ? " -> " + entry.getLinkName() : "")
                    + (details && entry.isLink() ? " => " + entry.getLinkName() : "")
                    + (details && !entry.isDirectory()
                        ? " @" + Math.floorDiv(entry.getModTime().getTime(), 1000)
                        : ""));
          }
        }
      }
      export.waitFor();
      java.util.Collections.sort(files);
      return files;
    } finally {
      run(new File("."), "docker", "rm", container);
    }
  }

  /**
   * For the credential source tests: a {@code -X} build that pushed {@code it/<basedir
   * name>:latest} with credentials from {@code source}, and no form of any secret in its log.
   */
  public static void assertPushedWith(
      File basedir,
      String registry,
      String user,
      String password,
      String source,
      List<String> otherSecrets)
      throws Exception {
    File logFile = new File(basedir, "build.log");
    String log = Files.readString(logFile.toPath(), StandardCharsets.UTF_8);
    check(log.contains("[DEBUG]"), "not a debug log");
    check(log.contains("BUILD SUCCESS"), "the build failed");
    check(
        log.contains("Registry " + registry + ": credentials from " + source),
        "the debug log does not name the source " + source);
    check(
        registryDigest(registry, "it/" + basedir.getName(), "latest", user, password) != null,
        "nothing was pushed");
    List<String> secrets = new ArrayList<>(otherSecrets);
    secrets.add(password);
    List<String> leaks = secretsIn(logFile, List.of(user), secrets);
    check(leaks.isEmpty(), "secrets in the -X log: " + leaks);
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }

  /**
   * Loads into the daemon a one-file image whose config says {@code platform} ({@code os/arch}),
   * tagged {@code references}: what a build on a machine of that platform leaves. Loaded from a
   * {@code docker save} tarball written here, since Engine 20.10's import records its own
   * architecture whatever platform it is asked for.
   *
   * @return the platform the daemon then reports for the first reference
   */
  public static String loadImage(String platform, List<String> references) throws Exception {
    String[] osArch = platform.split("/");
    java.nio.file.Path dir = Files.createTempDirectory("ship-it-image");
    try {
      byte[] layer =
          tar(
              Map.of(
                  "platform.txt",
                  ("built for " + platform + "\n").getBytes(StandardCharsets.UTF_8)));
      String diffId = sha256(layer);
      String config =
          "{\"architecture\":\""
              + osArch[1]
              + "\",\"os\":\""
              + osArch[0]
              + "\",\"created\":\"2024-01-01T00:00:00Z\",\"config\":{\"Cmd\":[\"/platform.txt\"]},"
              + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
              + diffId
              + "\"]},\"history\":[{\"created\":\"2024-01-01T00:00:00Z\","
              + "\"created_by\":\"ItSupport.loadImage\"}]}";
      byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
      String configName = sha256(configBytes) + ".json";
      String manifest =
          "[{\"Config\":\""
              + configName
              + "\",\"RepoTags\":[\""
              + String.join("\",\"", references)
              + "\"],\"Layers\":[\""
              + diffId
              + "/layer.tar\"]}]";
      Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
      entries.put(configName, configBytes);
      entries.put(diffId + "/layer.tar", layer);
      entries.put("manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
      java.nio.file.Path archive = dir.resolve("image.tar");
      Files.write(archive, tar(entries));
      run(dir.toFile(), "docker", "load", "-q", "-i", archive.toString());
      return run(
              dir.toFile(),
              "docker",
              "image",
              "inspect",
              "--format",
              "{{.Os}}/{{.Architecture}}",
              references.get(0))
          .trim();
    } finally {
      deleteTree(dir);
    }
  }

  private static byte[] tar(Map<String, byte[]> files) throws IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(file.getKey());
        entry.setSize(file.getValue().length);
        entry.setMode(0644);
        tar.putArchiveEntry(entry);
        tar.write(file.getValue());
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** Commits what is staged (gitInit configured the user). */
  private static void commit(File dir, String message) throws Exception {
    run(dir, "git", "commit", "-q", "-m", message);
  }

  public static String headSha(File dir) throws Exception {
    return run(dir, "git", "rev-parse", "HEAD").trim();
  }

  public static String run(File dir, String... command) throws Exception {
    Process process = new ProcessBuilder(command).directory(dir).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  /**
   * Pushes {@code repository:tag} from the local daemon with a login, through the Engine API
   * ({@code X-Registry-Auth}) as the plugin does: {@code docker login} would write the password
   * into {@code ~/.docker/config.json}. Returns the pushed digest; fails on any error in the
   * stream.
   */
  public static String pushWithLogin(
      String repository, String tag, String registry, String user, String password)
      throws IOException {
    String auth =
        Base64.getUrlEncoder()
            .encodeToString(
                ("{\"username\":\""
                        + user
                        + "\",\"password\":\""
                        + password
                        + "\",\"serveraddress\":\""
                        + registry
                        + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
    String body =
        engineApi(
            "POST /images/"
                + URLEncoder.encode(repository, StandardCharsets.UTF_8)
                + "/push?tag="
                + URLEncoder.encode(tag, StandardCharsets.UTF_8),
            "X-Registry-Auth: " + auth);
    Matcher digest = Pattern.compile("\"Digest\":\"(sha256:[0-9a-f]{64})\"").matcher(body);
    check(
        !body.contains("\"error") && digest.find(),
        "push of " + repository + ":" + tag + " failed");
    return digest.group(1);
  }

  /** The stack's Docker 20.10, where the ITs' helpers go unless told an engine. */
  private static final String LOCAL_ENGINE = "unix:///var/run/docker.sock";

  private static String engineApi(String requestLine, String header) throws IOException {
    return engineApi(LOCAL_ENGINE, requestLine, header);
  }

  /** An engine's answer: its head ({@code null} when none came), status and body (unchunked). */
  record EngineAnswer(@Nullable String head, int status, String body) {
    String statusLine() {
      return head == null ? "" : head.lines().findFirst().orElse("");
    }
  }

  /** A bound on every request to an engine: a hung engine must not hold the build. */
  static final Duration ENGINE_REQUEST_BOUND = Duration.ofSeconds(120);

  /**
   * One request to an engine's unix socket ({@code unix:///…}, as {@code DOCKER_HOST} names it)
   * with no body, read to its end (the connection is closed after it), within {@link
   * #ENGINE_REQUEST_BOUND}: at the bound the socket is closed under the read, which then fails.
   */
  static EngineAnswer engineRequest(String engineHost, String requestLine, String header)
      throws IOException {
    if (!engineHost.startsWith("unix://")) {
      throw new IOException("not a unix socket: " + engineHost);
    }
    try (SocketChannel socket =
        SocketChannel.open(UnixDomainSocketAddress.of(engineHost.substring("unix://".length())))) {
      Thread deadline =
          new Thread(
              () -> {
                try {
                  Thread.sleep(ENGINE_REQUEST_BOUND.toMillis());
                  socket.close();
                } catch (InterruptedException | IOException done) {
                  // answered in time, or the read that follows fails either way
                }
              },
              "it-engine-request-deadline");
      deadline.setDaemon(true);
      deadline.start();
      try {
        String request =
            requestLine
                + " HTTP/1.1\r\nHost: docker\r\n"
                + header
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        socket.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
        String text =
            new String(Channels.newInputStream(socket).readAllBytes(), StandardCharsets.UTF_8);
        int headersEnd = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || headersEnd < 0) {
          return new EngineAnswer(null, 0, text);
        }
        String head = text.substring(0, headersEnd);
        String rest = text.substring(headersEnd + 4);
        return new EngineAnswer(
            head,
            Integer.parseInt(head.substring(9, 12)),
            head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")
                ? unchunk(rest)
                : rest);
      } finally {
        deadline.interrupt();
      }
    }
  }

  /**
   * {@link #engineRequest}'s body when the engine answered 200; else the IT fails, naming the
   * request and the answer.
   */
  private static String engineApi(String engineHost, String requestLine, String header)
      throws IOException {
    check(engineHost.startsWith("unix://"), "not a unix socket: " + engineHost);
    EngineAnswer answer = engineRequest(engineHost, requestLine, header);
    check(answer.head() != null, requestLine + ": no HTTP response");
    check(
        answer.statusLine().startsWith("HTTP/1.1 200"),
        requestLine
            + ": "
            + answer.statusLine()
            + " "
            + answer.body().substring(0, Math.min(300, answer.body().length())).strip());
    return answer.body();
  }

  /** A chunked HTTP body, joined (the engines' answers are JSON of ASCII text: bytes are chars). */
  static String unchunk(String rest) {
    StringBuilder body = new StringBuilder();
    while (true) {
      int lineEnd = rest.indexOf("\r\n");
      int size = Integer.parseInt(rest.substring(0, lineEnd).trim(), 16);
      if (size == 0) {
        return body.toString();
      }
      body.append(rest, lineEnd + 2, lineEnd + 2 + size);
      rest = rest.substring(lineEnd + 2 + size + 2);
    }
  }

  /**
   * The IDs of the local daemon's build cache records (BuildKit's), as {@code GET /system/df} lists
   * them. An IT notes them before it builds so that it can remove what it made afterwards.
   */
  public static java.util.Set<String> buildCacheIds() throws IOException {
    return buildCacheIds(LOCAL_ENGINE);
  }

  /** As {@link #buildCacheIds()}, on the engine at {@code engineHost} ({@code unix:///…}). */
  public static java.util.Set<String> buildCacheIds(String engineHost) throws IOException {
    String body = systemDf(engineHost);
    int start = body.indexOf("\"BuildCache\":");
    java.util.Set<String> ids = new java.util.TreeSet<>();
    if (start < 0) {
      return ids;
    }
    // Images list "Id" and containers "Id": "ID" (capital D) is the build cache record's field.
    Matcher id = Pattern.compile("\"ID\":\"([A-Za-z0-9]+)\"").matcher(body.substring(start));
    while (id.find()) {
      ids.add(id.group(1));
    }
    return ids;
  }

  /**
   * {@code GET /system/df}. Docker 28.5's containerd image store answers it 404 ("snapshot … does
   * not exist: not found") when a snapshot it is listing goes meanwhile (its garbage collection
   * after a build or a prune): asked again, it answers; so a few times, 0.2 s apart.
   */
  private static String systemDf(String engineHost) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return engineApi(engineHost, "GET /system/df", "Accept: application/json");
      } catch (AssertionError e) {
        String message = String.valueOf(e.getMessage());
        if (attempt == 5 || !message.contains(" 404 ") || !message.contains("does not exist")) {
          throw e;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * Removes the build cache records made since {@code before} was listed (the session's cached
   * contexts, source.local, and the layers COPY made of them: a 200 MB context costs 200 MB for
   * each build that copied it), through {@code POST /build/prune} filtered by ID, so other
   * projects' caches on the shared daemon stay. The images that used them must be gone first
   * (records in use are kept). Returns the bytes reclaimed.
   */
  public static long pruneBuildCacheSince(java.util.Set<String> before) throws IOException {
    return pruneBuildCacheSince(LOCAL_ENGINE, before);
  }

  /** As {@link #pruneBuildCacheSince(java.util.Set)}, on the engine at {@code engineHost}. */
  public static long pruneBuildCacheSince(String engineHost, java.util.Set<String> before)
      throws IOException {
    long reclaimed = 0;
    // One ID per request: Docker 20.10 refuses a filter with more than one value ("filters expect
    // only one value") and matches "id" as a pattern (the full ID is one record). A child record
    // goes before its parent, so the rounds repeat until none of them is left.
    // all=true: without it BuildKit keeps the records it shares with the image store (on
    // containerd's, a build's layers), whatever the filter says.
    for (int round = 0; round < 3; round++) {
      java.util.Set<String> made = new java.util.TreeSet<>(buildCacheIds(engineHost));
      made.removeAll(before);
      if (made.isEmpty()) {
        break;
      }
      for (String id : made) {
        String body =
            engineApi(
                engineHost,
                "POST /build/prune?all=true&filters="
                    + URLEncoder.encode("{\"id\":{\"" + id + "\":true}}", StandardCharsets.UTF_8),
                "Accept: application/json");
        Matcher space = Pattern.compile("\"SpaceReclaimed\":(\\d+)").matcher(body);
        if (space.find()) {
          reclaimed += Long.parseLong(space.group(1));
        }
      }
    }
    return reclaimed;
  }

  /** The total size in bytes of the build cache records not in {@code before}. */
  public static long buildCacheBytesSince(java.util.Set<String> before) throws IOException {
    return buildCacheBytesSince(LOCAL_ENGINE, before);
  }

  /** As {@link #buildCacheBytesSince(java.util.Set)}, on the engine at {@code engineHost}. */
  public static long buildCacheBytesSince(String engineHost, java.util.Set<String> before)
      throws IOException {
    String body = systemDf(engineHost);
    int start = body.indexOf("\"BuildCache\":");
    long total = 0;
    if (start < 0) {
      return total;
    }
    Matcher record =
        Pattern.compile("\\{[^{}]*\"ID\":\"([A-Za-z0-9]+)\"[^{}]*\\}")
            .matcher(body.substring(start));
    while (record.find()) {
      if (!before.contains(record.group(1))) {
        Matcher size = Pattern.compile("\"Size\":(\\d+)").matcher(record.group());
        total += size.find() ? Long.parseLong(size.group(1)) : 0;
      }
    }
    return total;
  }

  /** The manifest digest the registry serves for {@code repository:tag}, or null if none. */
  public static String registryDigest(
      String registry, String repository, String tag, String user, String password)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://" + registry + "/v2/" + repository + "/manifests/" + tag))
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .header(
                "Accept",
                "application/vnd.docker.distribution.manifest.v2+json,"
                    + "application/vnd.oci.image.manifest.v1+json")
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
            .build();
    HttpResponse<Void> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding());
    return response.statusCode() == 200
        ? response.headers().firstValue("Docker-Content-Digest").orElse(null)
        : null;
  }

  /** A manifest as the registry serves it: its digest, media type and bytes. */
  public record Manifest(String digest, String mediaType, String body) {}

  /**
   * The manifest the registry serves for {@code repository:tag}, accepting indexes too (an image
   * built with attestations is one), or null if none.
   */
  public static Manifest registryManifest(
      String registry, String repository, String tag, String user, String password)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://" + registry + "/v2/" + repository + "/manifests/" + tag))
            .header(
                "Accept",
                "application/vnd.oci.image.index.v1+json,"
                    + "application/vnd.docker.distribution.manifest.list.v2+json,"
                    + "application/vnd.docker.distribution.manifest.v2+json,"
                    + "application/vnd.oci.image.manifest.v1+json")
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200
        ? new Manifest(
            response.headers().firstValue("Docker-Content-Digest").orElse(null),
            response.headers().firstValue("Content-Type").orElse(null),
            response.body())
        : null;
  }

  /**
   * The forms of the given secrets found in {@code log}: each secret, its base64, its URL encoding,
   * and base64 of {@code user:secret} for each user. Empty means clean.
   */
  public static List<String> secretsIn(File log, List<String> users, List<String> secrets)
      throws IOException {
    String text = Files.readString(log.toPath(), StandardCharsets.UTF_8);
    List<String> found = new ArrayList<>();
    for (String secret : secrets) {
      List<String> forms = new ArrayList<>();
      forms.add(secret);
      forms.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
      forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
      for (String user : users) {
        forms.add(
            Base64.getEncoder()
                .encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8)));
      }
      for (String form : forms) {
        if (text.contains(form)) {
          found.add(form.equals(secret) ? "a secret in clear" : "an encoded secret");
        }
      }
      // A secret inside a larger base64 blob (an X-Registry-Auth header, say) has no fixed
      // encoding.
      Matcher blobs = BASE64_BLOB.matcher(text);
      while (blobs.find()) {
        if (decodes(blobs.group(), secret)) {
          found.add("a secret inside a base64 blob");
        }
      }
    }
    return found;
  }

  private static final Pattern BASE64_BLOB = Pattern.compile("[A-Za-z0-9+/_-]{16,}={0,2}");

  private static boolean decodes(String blob, String secret) {
    for (Base64.Decoder decoder : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
      try {
        if (new String(decoder.decode(blob), StandardCharsets.ISO_8859_1).contains(secret)) {
          return true;
        }
      } catch (IllegalArgumentException notBase64) {
        // not this alphabet or not padded right
      }
    }
    return false;
  }

  /** The loopback sshd's log (.ci/sshd, it.sshd.dir of stack.properties), line by line. */
  public static List<String> sshdLog() throws IOException {
    java.nio.file.Path log = java.nio.file.Path.of("/tmp/ship-stack/sshd/sshd.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  /** The SHA256 fingerprint of a public key file, as sshd logs it ({@code SHA256:…}). */
  public static String sshFingerprint(File publicKey) throws Exception {
    String base64 = Files.readString(publicKey.toPath()).trim().split("\\s+")[1];
    byte[] digest =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest(Base64.getDecoder().decode(base64));
    return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
  }
}
