package io.github.shipmaven.buildkit;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.shipmaven.context.BuildContext;
import io.github.shipmaven.core.Bytes;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.DockerConnector;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.docker.ImageBuilder;
import io.github.shipmaven.docker.StreamJson;
import io.github.shipmaven.image.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One build through BuildKit over the Engine API, as the docker CLI makes it: {@code POST
 * /build?version=2&remote=client-session} naming a {@link Session} opened for it, with no body:
 * BuildKit fetches the Dockerfile and the context through the session's {@link FileSync}, only what
 * it needs. The request goes through the plugin's own transport (docker-java has no BuildKit
 * support, and its response model breaks on BuildKit's string {@code aux}). The answer is read as
 * raw JSON lines: {@code moby.buildkit.trace} status updates, {@code moby.image.id} at the end, and
 * {@code error} lines.
 */
final class BuildKitBuild {
  static final String TRACE = "moby.buildkit.trace";
  static final String IMAGE_ID = "moby.image.id";
  private static final int LONGEST_STEP_NAME = 200;
  private static final Pattern EXIT_FAILURE =
      Pattern.compile(
          "(?s)(?:executor failed running \\[.*]|process \".*\" did not complete successfully):"
              + " (.*)");
  private static final String LOAD_METADATA = "[internal] load metadata for ";

  private BuildKitBuild() {}

  /**
   * Builds through a session opened for this build; returns the image id.
   *
   * @param pull whether BuildKit itself should pull base images ({@code pull=1})
   * @param services the session's methods beside Health
   */
  static String run(
      DockerDaemon daemon,
      ImageBuilder.Request request,
      BuildContext context,
      boolean pull,
      List<GrpcMethod> services,
      ShipLog log) {
    // As the CLI: BuildKit fetches the Dockerfile from its own directory (it may lie outside the
    // context) and the context from the context directory, each as it needs them.
    Path dockerfile = request.dockerfile().toAbsolutePath().normalize();
    FileSync sync =
        new FileSync(Map.of("context", context.root(), "dockerfile", dockerfile.getParent()));
    return run(daemon, request, context, pull, services, sync, log);
  }

  /** As above, with the file sync given (the tests tap it). */
  static String run(
      DockerDaemon daemon,
      ImageBuilder.Request request,
      BuildContext context,
      boolean pull,
      List<GrpcMethod> services,
      FileSync sync,
      ShipLog log) {
    Path dockerfile = request.dockerfile().toAbsolutePath().normalize();
    List<GrpcMethod> methods = new ArrayList<>(services);
    methods.add(sync.method());
    Session session;
    try {
      session =
          Session.open(
              daemon, sessionName(request), sharedKey(request.contextDirectory()), methods, log);
    } catch (IOException e) {
      throw ShipException.failed(
          "docker build failed: the Docker daemon at "
              + daemon.where()
              + " refused a BuildKit session ("
              + DockerConnector.rootMessage(e)
              + "); set <builder> (ship.builder) to classic to build without one.",
          e);
    }
    try (session) {
      String path =
          path(request, dockerfile.getFileName().toString(), pull)
              + "&session="
              + session.id()
              + "&remote=client-session";
      headStart();
      DockerDaemon.Answer answer;
      try {
        answer = daemon.post(path, Map.of(), null);
      } catch (RuntimeException e) {
        throw ShipException.failed(
            "docker build failed: the build request could not be sent to the Docker daemon: "
                + DockerConnector.rootMessage(e),
            e);
      }
      try (answer) {
        if (answer.status() != 200) {
          throw ShipException.failed(
              "docker build failed: the Docker daemon answered HTTP "
                  + answer.status()
                  + ": "
                  + errorMessage(answer.body()));
        }
        Outcome outcome = read(answer.body(), new BuildKitProgress(log), log);
        ShipException unreadable = sync.failure();
        if (unreadable != null && outcome.imageId() == null) {
          throw unreadable; // the daemon's error is about a file it could not have: say which
        }
        if (outcome.imageId() == null && outcome.error() != null) {
          ShipException refused = sync.refusedName(outcome.error(), daemon.engine());
          if (refused != null) {
            throw refused; // the daemon's error names no file: this side knows which it sent
          }
        }
        log.info(
            String.format(
                "Build context: %s sent (%,d files, as BuildKit asked for them; %,d entries listed)",
                Bytes.describe(sync.bytesSent()), sync.filesSent(), sync.entriesListed()));
        log.debug(
            "BuildKit session: "
                + session.bytesSent()
                + " bytes sent to the daemon, "
                + session.bytesReceived()
                + " received");
        return outcome.imageId(request, session.ended());
      }
    }
  }

  /** What the daemon shows for the session: the context directory's name, as the CLI sends. */
  private static String sessionName(ImageBuilder.Request request) {
    Path name = request.contextDirectory().toAbsolutePath().normalize().getFileName();
    return name == null ? "context" : name.toString();
  }

  /**
   * The key the daemon keeps a session's context under: the same for every build of one context
   * directory on this machine, so a rebuild sends only what changed (the CLI's is a hash of its
   * node id and the directory; this one of the machine, the user and the directory).
   */
  static String sharedKey(Path contextDirectory) {
    String machine;
    try {
      machine = Files.readString(Path.of("/etc/machine-id")).strip();
    } catch (IOException | RuntimeException e) {
      machine = "";
    }
    String key =
        "ship-maven-plugin:"
            + machine
            + ":"
            + System.getProperty("user.name", "")
            + ":"
            + contextDirectory.toAbsolutePath().normalize();
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code /build?version=2&...}: every parameter BuildKit honours that the request sets. */
  static String path(ImageBuilder.Request request, String dockerfilePath, boolean pull) {
    StringBuilder path = new StringBuilder("/build?version=2");
    param(path, "dockerfile", dockerfilePath);
    request.references().forEach(reference -> param(path, "t", reference));
    if (!request.buildArgs().isEmpty()) {
      param(path, "buildargs", StreamJson.object(request.buildArgs()));
    }
    if (!request.labels().isEmpty()) {
      param(path, "labels", StreamJson.object(request.labels()));
    }
    if (!request.cacheFrom().isEmpty()) {
      param(path, "cachefrom", StreamJson.array(request.cacheFrom()));
    }
    if (request.target() != null && !request.target().isBlank()) {
      param(path, "target", request.target());
    }
    if (request.platform() != null && !request.platform().isBlank()) {
      param(path, "platform", request.platform());
    }
    if (pull) {
      param(path, "pull", "1");
    }
    if (request.noCache()) {
      param(path, "nocache", "1");
    }
    param(path, "networkmode", request.network());
    return path.toString();
  }

  private static void param(StringBuilder path, String name, String value) {
    path.append('&')
        .append(name)
        .append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  /** What the stream said: the image id, the first error, or that it broke off. */
  record Outcome(String imageId, String error, IOException broken, BuildKitProgress progress) {

    /**
     * The image id, or the one failure that explains why there is none.
     *
     * @param sessionEnded why the session ended early, or null if it lived through the build
     */
    String imageId(ImageBuilder.Request request, @Nullable String sessionEnded) {
      if (sessionEnded != null && imageId == null) {
        // The step that failed for want of the session (loading the context), else the last one.
        List<BuildKitProgress.Step> failed = progress.failedSteps();
        BuildKitProgress.Step step =
            failed.isEmpty() ? progress.lastStarted() : failed.get(failed.size() - 1);
        throw ShipException.failed(
            "docker build failed"
                + (step == null ? "" : " in step " + shortName(step.name()))
                + ": the BuildKit session ended during the build ("
                + sessionEnded
                + ")"
                + (error == null ? "" : "; the daemon said: " + error)
                + ".");
      }
      if (error != null) {
        throw failure(error, progress, request);
      }
      if (DockerDaemon.isIdleTimeout(broken)) {
        BuildKitProgress.Step step = progress.lastStarted();
        throw ShipException.failed(
            "docker build failed"
                + (step == null ? "" : " in step " + shortName(step.name()))
                + ": "
                + broken.getMessage()
                + ".",
            broken);
      }
      if (broken != null) {
        BuildKitProgress.Step step = progress.lastStarted();
        throw ShipException.failed(
            "docker build failed: the Docker daemon closed the connection during the build"
                + (step == null ? "" : ", in step " + shortName(step.name()))
                + " ("
                + DockerConnector.rootMessage(broken)
                + ").",
            broken);
      }
      if (imageId == null) {
        BuildKitProgress.Step step = progress.lastStarted();
        throw ShipException.failed(
            "docker build failed: the build output ended without the id of the image built"
                + " (no moby.image.id)"
                + (step == null ? "" : "; the last step was " + shortName(step.name()))
                + ": the Docker daemon may have stopped during the build.");
      }
      return imageId;
    }
  }

  static Outcome read(InputStream body, BuildKitProgress progress, ShipLog log) {
    String imageId = null;
    String error = null;
    boolean unreadableReported = false;
    try (JsonParser lines = StreamJson.FACTORY.createParser(body)) {
      for (Line line; (line = Line.next(lines)) != null; ) {
        if (line.error() != null) {
          error = error == null ? line.error() : error;
        } else if (TRACE.equals(line.id()) && line.aux() != null) {
          try {
            progress.accept(BuildKitTrace.decode(Base64.getDecoder().decode(line.aux())));
          } catch (IllegalArgumentException e) {
            if (!unreadableReported) {
              unreadableReported = true;
              log.warn(
                  "A BuildKit status update could not be read ("
                      + e.getMessage()
                      + "); the progress shown may be incomplete.");
            }
          }
        } else if (IMAGE_ID.equals(line.id()) && line.auxId() != null) {
          imageId = line.auxId();
        } else if (line.stream() != null) {
          line.stream()
              .lines()
              .map(String::stripTrailing)
              .filter(l -> !l.isEmpty())
              .forEach(log::info);
        }
      }
    } catch (IOException e) {
      return new Outcome(imageId, error, e, progress);
    }
    return new Outcome(imageId, error, null, progress);
  }

  /**
   * What a line of the stream says: {@code aux} is the base64 trace when a string, {@code auxId}
   * the image id of {@code aux: {"ID": …}}; {@code error} is {@code errorDetail.message}, else
   * {@code error}.
   */
  record Line(String id, String aux, String auxId, String stream, String error) {
    /**
     * The next line, read with the streaming parser (no object mapper: cheaper at a cold start).
     */
    static Line next(JsonParser parser) throws IOException {
      if (parser.nextToken() == null) {
        return null;
      }
      if (parser.currentToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(parser, "not a JSON object");
      }
      String id = null;
      String aux = null;
      String auxId = null;
      String stream = null;
      String error = null;
      String detail = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "id" -> id = text(parser, value);
          case "stream" -> stream = text(parser, value);
          case "error" -> error = text(parser, value);
          case "aux" -> {
            if (value == JsonToken.VALUE_STRING) {
              aux = parser.getText();
            } else {
              auxId = StreamJson.field(parser, "ID");
            }
          }
          case "errorDetail" -> detail = StreamJson.field(parser, "message");
          default -> parser.skipChildren();
        }
      }
      String failure = detail != null && !detail.isEmpty() ? detail : error;
      return new Line(
          id, aux, auxId, stream, failure == null || failure.isEmpty() ? null : failure);
    }

    private static String text(JsonParser parser, JsonToken value) throws IOException {
      if (value == JsonToken.VALUE_STRING) {
        return parser.getText();
      }
      parser.skipChildren();
      return null;
    }
  }

  /**
   * One message for a failed build: the step that failed, why, and its last output lines; for the
   * failures the user can fix, the fix.
   */
  static ShipException failure(
      String error, BuildKitProgress progress, ImageBuilder.Request request) {
    BuildKitProgress.Step step = failedStep(error, progress);
    String reason = step == null ? error : reason(step.error());
    String where =
        step == null
            ? "docker build failed"
            : "docker build failed in step " + shortName(step.name());
    if (error.contains("network bridge not found")) {
      return ShipException.config(
          where
              + ": "
              + reason
              + " (BuildKit runs RUN steps on the daemon's default bridge network, which this"
              + " daemon does not have, e.g. dockerd --bridge=none; <network> is "
              + request.network()
              + "): set <network> (ship.network) to host, or to none if the steps need no"
              + " network.");
    }
    String session = BuildServices.explain(where, error);
    if (session != null) {
      return ShipException.config(session);
    }
    if (error.contains("no active sessions")) {
      String image =
          step != null && step.name().startsWith(LOAD_METADATA)
              ? step.name().substring(LOAD_METADATA.length()).trim()
              : null;
      String registry = image == null ? "the registry" : ImageReference.registryOf(image);
      return ShipException.config(
          where
              + ": "
              + reason
              + " (the plugin's BuildKit session serves no registry logins yet):"
              + " give ship:build a login for "
              + registry
              + " (a settings.xml <server> with that id, or a docker login) so it pulls "
              + (image == null ? "the base image" : image)
              + " before the build, or set <builder> (ship.builder) to classic.");
    }
    StringBuilder message = new StringBuilder(where).append(": ").append(reason);
    if (step != null && !step.lastLines().isEmpty()) {
      message.append(". Its last output lines:");
      step.lastLines().forEach(line -> message.append("\n  ").append(line));
    }
    return ShipException.failed(message.toString());
  }

  /** The step the daemon's error is about: the failed one whose error it repeats, else the last. */
  private static BuildKitProgress.Step failedStep(String error, BuildKitProgress progress) {
    List<BuildKitProgress.Step> failed = progress.failedSteps();
    for (BuildKitProgress.Step step : failed) {
      if (error.contains(step.error())) {
        return step;
      }
    }
    return failed.isEmpty() ? null : failed.get(failed.size() - 1);
  }

  /** A RUN step's error without the command, which the step's name already shows. */
  private static String reason(String error) {
    Matcher m = EXIT_FAILURE.matcher(error);
    return m.matches() ? m.group(1) : error;
  }

  private static String shortName(String name) {
    return name.length() <= LONGEST_STEP_NAME
        ? name
        : name.substring(0, LONGEST_STEP_NAME - 1) + "…";
  }

  /** The {@code message} of an error body, or the body itself. */
  private static String errorMessage(InputStream body) {
    String text;
    try {
      text = new String(body.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "(the body could not be read: " + e.getMessage() + ")";
    }
    try (JsonParser parser = StreamJson.FACTORY.createParser(text)) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        String message = StreamJson.field(parser, "message");
        if (message != null) {
          return message;
        }
      }
    } catch (IOException notJson) {
      // shown as it came
    }
    return text.isEmpty() ? "(no message)" : text;
  }

  /** Runs {@link #warmUpStreamReading} on a thread of its own; only ever a head start. */
  private static void headStart() {
    Thread thread =
        new Thread(
            () -> {
              try {
                warmUpStreamReading();
              } catch (IOException | RuntimeException ignored) {
                // only ever a head start
              }
            },
            "ship-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The stream reader and the trace decoder load their classes on first use: a head start while the
   * upload goes out, not when the first update is waiting to be read.
   */
  private static BuildKitTrace warmUpStreamReading() throws IOException {
    try (JsonParser parser =
        StreamJson.FACTORY.createParser("{\"id\":\"" + TRACE + "\",\"aux\":\"CgIKAA==\"}")) {
      return BuildKitTrace.decode(Base64.getDecoder().decode(Line.next(parser).aux()));
    }
  }
}
