package io.github.shipmaven.buildkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.shipmaven.context.BuildContext;
import io.github.shipmaven.context.Builder;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.DockerConnector;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.docker.ImageBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Records what a real daemon asks of the session's file sync, for {@link FileSyncTest}: builds the
 * {@link SessionContextFixture} scenarios one after another in one context directory (so the
 * rebuild's requests are a real rebuild's) and writes each DiffCopy call's metadata and every
 * packet both ways to {@code <out>/filesync-<scenario>.json}. Run by hand against an engine:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) \
 *   io.github.shipmaven.buildkit.DiffCopyCapture unix:///var/run/docker.sock \
 *   src/test/resources/daemon-streams/docker-20.10
 * </pre>
 */
public final class DiffCopyCapture {
  private DiffCopyCapture() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    Path out = Files.createDirectories(Path.of(args[1]));
    Path context =
        Files.createDirectories(Path.of("/tmp/ship-filesync-capture", UUID.randomUUID().toString()))
            .resolve("ctx");
    try (DockerDaemon daemon =
        new DockerConnector(Map.of(), Path.of(System.getProperty("user.home")), ShipLog.NONE)
            .connect(host)) {
      for (String scenario : List.of("copy-src", "copy-all", "copy-all-rebuilt")) {
        deleteTree(context);
        SessionContextFixture.create(context, scenario);
        List<Map<String, Object>> calls = new ArrayList<>();
        FileSync sync = new FileSync(Map.of("context", context, "dockerfile", context));
        sync.tap(
            call -> {
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
            });
        ImageBuilder.Request request =
            new ImageBuilder.Request(
                context,
                context.resolve("Dockerfile"),
                List.of("ship-capture/filesync:" + scenario),
                Map.of(),
                Map.of(),
                null,
                null,
                false,
                false,
                "none",
                List.of(),
                Map.of());
        String id =
            BuildKitBuild.run(
                daemon,
                request,
                BuildContext.of(context, context.resolve("Dockerfile"), Builder.BUILDKIT),
                false,
                List.of(),
                sync,
                ShipLog.NONE);
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("engine", daemon.describe());
        file.put("scenario", scenario);
        file.put("imageId", id);
        file.put("calls", calls);
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValue(out.resolve("filesync-" + scenario + ".json").toFile(), file);
        System.out.println(scenario + ": " + calls.size() + " calls, image " + id);
      }
      daemon.client().removeImageCmd("ship-capture/filesync:copy-src").withForce(true).exec();
      daemon.client().removeImageCmd("ship-capture/filesync:copy-all").withForce(true).exec();
      daemon
          .client()
          .removeImageCmd("ship-capture/filesync:copy-all-rebuilt")
          .withForce(true)
          .exec();
    } finally {
      deleteTree(context.getParent());
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
