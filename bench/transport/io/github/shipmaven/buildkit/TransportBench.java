package io.github.shipmaven.buildkit;

import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.DockerConnector;
import io.github.shipmaven.docker.DockerDaemon;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One BuildKit build through a session, in a fresh JVM, with one of two transports for the session
 * (bench/session-transport.sh runs it, alternating):
 *
 * <ul>
 *   <li>{@code okhttp}: the plugin's own {@link Session} (okhttp's internal HTTP/2 in server mode,
 *       gRPC framed by {@link GrpcCall}), serving the plugin's {@link FileSync};
 *   <li>{@code grpc}: grpc-java's OkHttp server transport on the same upgraded connection ({@link
 *       GrpcOkHttpSession}), serving Health and a DiffCopy that walks and encodes with the plugin's
 *       own pieces ({@code ContextWalker}, {@link FileSync#stat}, {@link FileSync.Packet}).
 * </ul>
 *
 * Everything else is the same code for both: the daemon connection and its upgrade ({@link
 * DockerDaemon#upgrade}), the build request, and the plugin's reader of the build's stream. It
 * prints one line: the milliseconds from the JVM's launch ({@code -Dbench.t0}, epoch nanoseconds
 * taken by the script just before {@code java}) to main, to the daemon's ping, to the session open,
 * to the first DiffCopy call reaching its handler (the daemon's gRPC client is connected: HTTP/2
 * prefaces and SETTINGS exchanged), and to the end of the build's stream; then the process CPU time
 * and what FileSync sent.
 */
public final class TransportBench {
  private static final Map<String, Long> MARKS = new LinkedHashMap<>();
  private static long t0;

  /** What the two contenders have in common: the session's id, and closing it. */
  interface Contender extends AutoCloseable {
    String id();

    @Override
    void close();
  }

  private TransportBench() {}

  public static void main(String[] args) throws Exception {
    t0 = Long.parseLong(System.getProperty("bench.t0"));
    mark("main");
    String contender = args[0];
    Path context = Path.of(args[1]).toAbsolutePath().normalize();
    String tag = args[2];
    ShipLog log = System.getProperty("bench.verbose") != null ? stderr() : ShipLog.NONE;
    boolean health = System.getProperty("bench.health") != null;

    DockerDaemon daemon =
        new DockerConnector(System.getenv(), Path.of(System.getProperty("user.home")), log)
            .connect("unix:///var/run/docker.sock");
    mark("ping");
    FileSync sync = new FileSync(Map.of("context", context, "dockerfile", context));
    String name = context.getFileName().toString();
    String sharedKey = BuildKitBuild.sharedKey(context);
    // Each branch names its class only when it runs: the okhttp run never loads a grpc class.
    Contender session =
        switch (contender) {
          case "okhttp" -> PluginSession.open(daemon, name, sharedKey, sync, health, log);
          case "grpc" -> GrpcOkHttpSession.open(daemon, name, sharedKey, context, log);
          default -> throw new IllegalArgumentException("contender: okhttp or grpc");
        };
    mark("open");
    String imageId;
    long sent;
    long files;
    try (session) {
      String path =
          "/build?version=2&dockerfile=Dockerfile&t="
              + tag
              + "&session="
              + session.id()
              + "&remote=client-session";
      try (DockerDaemon.Answer answer = daemon.post(path, Map.of(), null)) {
        if (answer.status() != 200) {
          throw new IOException("the daemon answered HTTP " + answer.status());
        }
        BuildKitBuild.Outcome outcome =
            BuildKitBuild.read(answer.body(), new BuildKitProgress(log), log);
        mark("built");
        if (outcome.imageId() == null) {
          throw new IOException("the build failed: " + outcome.error() + " " + outcome.broken());
        }
        imageId = outcome.imageId();
      }
      if (health) {
        // The daemon checks the session's health every second (20.10) or five (28.x): wait for one.
        for (int i = 0; i < 120 && !MARKS.containsKey("health"); i++) {
          Thread.sleep(100);
        }
      }
      sent = session instanceof PluginSession ? sync.bytesSent() : GrpcOkHttpSession.bytesSent();
      files = session instanceof PluginSession ? sync.filesSent() : GrpcOkHttpSession.filesSent();
    }
    daemon.close();
    long cpu =
        ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
    StringBuilder line = new StringBuilder(contender);
    for (String mark : List.of("main", "ping", "open", "first-call", "built", "health")) {
      Long at = MARKS.get(mark);
      line.append(' ').append(mark).append('=').append(at == null ? -1 : (at - t0) / 1_000_000);
    }
    line.append(" cpu=").append(cpu).append(" sent=").append(sent).append(" files=").append(files);
    line.append(" image=").append(imageId);
    System.out.println(line);
  }

  /** Notes when {@code name} first happened, in epoch nanoseconds. */
  static synchronized void mark(String name) {
    if (!MARKS.containsKey(name)) {
      Instant now = Instant.now();
      MARKS.put(name, now.getEpochSecond() * 1_000_000_000L + now.getNano());
    }
  }

  private static ShipLog stderr() {
    return new ShipLog() {
      @Override
      public void info(String message) {
        System.err.println("[info] " + message);
      }

      @Override
      public void warn(String message) {
        System.err.println("[warn] " + message);
      }

      @Override
      public void debug(String message) {
        System.err.println("[debug] " + message);
      }
    };
  }

  /** The plugin's session as ship:build opens it, with its FileSync. */
  static final class PluginSession implements Contender {
    private final Session session;

    private PluginSession(Session session) {
      this.session = session;
    }

    static PluginSession open(
        DockerDaemon daemon,
        String name,
        String sharedKey,
        FileSync sync,
        boolean health,
        ShipLog log)
        throws IOException {
      List<GrpcMethod> methods = new ArrayList<>();
      methods.add(
          new GrpcMethod(
              FileSync.DIFF_COPY,
              call -> {
                mark("first-call");
                sync.diffCopy(call);
              }));
      if (health) {
        // Only to see the daemon's Health check answered (untimed runs): the same answer as the
        // session's own, which a method of the same path replaces.
        methods.add(
            new GrpcMethod(
                Session.HEALTH_CHECK,
                call -> {
                  call.read();
                  call.write(new ProtoWire.Writer().varint(1, 1).toByteArray());
                  mark("health");
                }));
      }
      return new PluginSession(Session.open(daemon, name, sharedKey, methods, log));
    }

    @Override
    public String id() {
      return session.id();
    }

    @Override
    public void close() {
      session.close();
    }
  }
}
