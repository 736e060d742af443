package io.github.shipmaven.buildkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.shipmaven.context.BuildContext;
import io.github.shipmaven.context.Builder;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.BuildRequest;
import io.github.shipmaven.docker.DockerConnector;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.docker.ImageBuilder;
import io.github.shipmaven.it.ItSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Records what a real daemon asks of the session's file sync, for {@link FileSyncTest}: builds the
 * {@link SessionContextFixture} scenarios one after another in one context directory (so the
 * rebuild's requests are a real rebuild's) and writes each DiffCopy call's metadata and every
 * packet both ways to {@code <out>/filesync-<scenario>.json}. The {@code -not-utf8} scenarios are
 * built below the plugin's build (their build fails on newer engines): their recordings add how
 * each call ended ({@code end}: {@code ok}, or the reset the session saw) and the build's answer
 * stream as it came ({@code stream}, one JSON line each). Run by hand against an engine, with the
 * scenarios to record (default: copy-src, copy-all, copy-all-rebuilt):
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) \
 *   io.github.shipmaven.buildkit.DiffCopyCapture unix:///var/run/docker.sock \
 *   src/test/resources/daemon-streams/docker-20.10 [scenario...]
 * </pre>
 *
 * The build cache records its builds made are removed afterwards (by ID, as the ITs do).
 */
public final class DiffCopyCapture {
  private DiffCopyCapture() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    Path out = Files.createDirectories(Path.of(args[1]));
    List<String> scenarios =
        args.length > 2
            ? Arrays.asList(args).subList(2, args.length)
            : List.of("copy-src", "copy-all", "copy-all-rebuilt");
    Path context =
        Files.createDirectories(Path.of("/tmp/ship-filesync-capture", UUID.randomUUID().toString()))
            .resolve("ctx");
    Set<String> cacheBefore = ItSupport.buildCacheIds(host);
    List<String> images = new ArrayList<>();
    try (DockerDaemon daemon =
        new DockerConnector(Map.of(), Path.of(System.getProperty("user.home")), ShipLog.NONE)
            .connect(host)) {
      try {
        for (String scenario : scenarios) {
          deleteTree(context);
          SessionContextFixture.create(context, scenario);
          List<Map<String, Object>> calls = new ArrayList<>();
          Map<GrpcCall, Map<String, Object>> byCall = new ConcurrentHashMap<>();
          FileSync sync = new FileSync(Map.of("context", context, "dockerfile", context));
          sync.tap(recorder(calls, byCall));
          String image = "ship-capture/filesync:" + scenario;
          images.add(image);
          ImageBuilder.Request request =
              BuildRequest.of(context).references(image).network("none").toRequest();
          Map<String, Object> file = new LinkedHashMap<>();
          file.put("engine", daemon.describe());
          file.put("scenario", scenario);
          String summary;
          if (scenario.endsWith("-not-utf8")) {
            List<String> stream = buildBelowThePlugin(daemon, request, sync, byCall);
            String id =
                stream.stream()
                    .filter(line -> line.contains("\"" + BuildKitBuild.IMAGE_ID + "\""))
                    .findFirst()
                    .orElse(null);
            file.put("calls", calls);
            file.put("stream", stream);
            summary = stream.size() + " stream lines, " + (id == null ? "no image" : id);
          } else {
            String id =
                BuildKitBuild.run(
                    daemon,
                    request,
                    BuildContext.of(context, context.resolve("Dockerfile"), Builder.BUILDKIT),
                    false,
                    List.of(),
                    sync,
                    ShipLog.NONE);
            file.put("imageId", id);
            file.put("calls", calls);
            summary = "image " + id;
          }
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValue(out.resolve("filesync-" + scenario + ".json").toFile(), file);
          System.out.println(scenario + ": " + calls.size() + " calls, " + summary);
        }
      } finally {
        for (String image : images) {
          try {
            daemon.client().removeImageCmd(image).withForce(true).exec();
          } catch (RuntimeException absent) {
            // not built (a refused context)
          }
        }
      }
    } finally {
      deleteTree(context.getParent());
      long reclaimed = ItSupport.pruneBuildCacheSince(host, cacheBefore);
      System.out.println("build cache removed: " + reclaimed + " bytes");
    }
  }

  /** Taps each call: its metadata, then every packet both ways. */
  private static Function<GrpcCall, GrpcCall.Tap> recorder(
      List<Map<String, Object>> calls, Map<GrpcCall, Map<String, Object>> byCall) {
    return call -> {
      Map<String, Object> recorded = new LinkedHashMap<>();
      List<List<String>> metadata = new ArrayList<>();
      okhttp3.Headers headers = call.allMetadata();
      for (int i = 0; i < headers.size(); i++) {
        metadata.add(List.of(headers.name(i), headers.value(i)));
      }
      recorded.put("metadata", metadata);
      List<Map<String, String>> messages = new ArrayList<>();
      recorded.put("messages", messages);
      synchronized (calls) {
        calls.add(recorded);
      }
      byCall.put(call, recorded);
      return (fromDaemon, message) -> {
        synchronized (messages) {
          messages.add(
              Map.of(
                  "from",
                  fromDaemon ? "daemon" : "session",
                  "packet",
                  Base64.getEncoder().encodeToString(message)));
        }
      };
    };
  }

  /**
   * The build as {@link BuildKitBuild#run} makes it (the same session, shared key and request),
   * with each call's end noted and the answer kept as it came; returns the answer's lines.
   */
  private static List<String> buildBelowThePlugin(
      DockerDaemon daemon,
      ImageBuilder.Request request,
      FileSync sync,
      Map<GrpcCall, Map<String, Object>> byCall)
      throws IOException {
    GrpcMethod diffCopy =
        new GrpcMethod(
            FileSync.DIFF_COPY,
            call -> {
              try {
                sync.diffCopy(call);
                byCall.get(call).put("end", "ok");
              } catch (IOException | GrpcException | RuntimeException e) {
                Map<String, Object> recorded = byCall.get(call);
                if (recorded != null) {
                  recorded.put("end", e.getClass().getSimpleName() + ": " + e.getMessage());
                }
                throw e;
              }
            });
    try (Session session =
        Session.open(
            daemon,
            request.contextDirectory().getFileName().toString(),
            BuildKitBuild.sharedKey(request.contextDirectory()),
            List.of(diffCopy),
            ShipLog.NONE)) {
      String path =
          BuildKitBuild.path(request, "Dockerfile", false)
              + "&session="
              + session.id()
              + "&remote=client-session";
      try (DockerDaemon.Answer answer = daemon.post(path, Map.of(), null)) {
        if (answer.status() != 200) {
          throw new IOException("HTTP " + answer.status());
        }
        String body = new String(answer.body().readAllBytes(), StandardCharsets.UTF_8);
        return body.lines().filter(line -> !line.isBlank()).toList();
      }
    }
  }

  private static void deleteTree(Path dir) throws Exception {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
