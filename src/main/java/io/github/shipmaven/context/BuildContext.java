package io.github.shipmaven.context;

import io.github.shipmaven.core.Bytes;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The build context as the docker CLI sends it: the context directory minus what {@code
 * .dockerignore} excludes, as an uncompressed tar, streamed to the daemon while it is written (no
 * temp file; memory use independent of the context's size). Excluded directories are not walked
 * unless an exception pattern may match inside them.
 */
public final class BuildContext {
  static final long LARGE_CONTEXT_BYTES = 100L * 1024 * 1024;
  private static final int PIPE_BYTES = 1024 * 1024;

  /** What was sent. {@code topLevel} holds bytes per top-level entry. */
  public record Summary(long bytes, long files, Map<String, Long> topLevel) {}

  private final Path root;
  private final DockerIgnore ignore;
  private final String dockerfilePath;
  private final boolean dockerfileIgnored;

  private BuildContext(
      Path root, DockerIgnore ignore, String dockerfilePath, boolean dockerfileIgnored) {
    this.root = root;
    this.ignore = ignore;
    this.dockerfilePath = dockerfilePath;
    this.dockerfileIgnored = dockerfileIgnored;
  }

  /**
   * The context of {@code root} for the classic builder, honouring its {@code .dockerignore}; the
   * Dockerfile is inside.
   */
  public static BuildContext of(Path root, Path dockerfile) {
    return of(root, dockerfile, Builder.CLASSIC);
  }

  /**
   * The context of {@code root} for {@code builder}. Both get the Dockerfile even when {@code
   * .dockerignore} excludes it: they read it from the upload. The classic builder also gets {@code
   * .dockerignore} and leaves out, as it copies, the two files if {@code .dockerignore} excludes
   * them, as the CLI expects; BuildKit, given the context as an upload, applies no {@code
   * .dockerignore} (it does so only for a context it fetches through a session), so a {@code
   * .dockerignore} that excludes itself is not sent to it.
   */
  public static BuildContext of(Path root, Path dockerfile, Builder builder) {
    Path base = root.toAbsolutePath().normalize();
    String relativeDockerfile =
        base.relativize(dockerfile.toAbsolutePath().normalize()).toString().replace('\\', '/');
    Path ignoreFile = base.resolve(".dockerignore");
    DockerIgnore ignore;
    try {
      ignore =
          Files.isRegularFile(ignoreFile)
              // read as the CLI reads it: bytes, not strict UTF-8
              ? DockerIgnore.parse(
                  new String(Files.readAllBytes(ignoreFile), StandardCharsets.UTF_8))
              : DockerIgnore.of(List.of());
    } catch (IOException e) {
      throw ShipException.config(".dockerignore in " + base + " cannot be read: " + e.getMessage());
    }
    return new BuildContext(
        base,
        ignore.keeping(relativeDockerfile, builder == Builder.CLASSIC),
        relativeDockerfile,
        ignore.excludes(relativeDockerfile));
  }

  /** The Dockerfile's path inside the context, as the daemon's {@code dockerfile} parameter. */
  public String dockerfilePath() {
    return dockerfilePath;
  }

  /**
   * Whether {@code .dockerignore} excludes the Dockerfile, which is sent all the same: under
   * BuildKit a {@code COPY} of the directory holding it then copies it too.
   */
  public boolean dockerfileIgnored() {
    return dockerfileIgnored;
  }

  /** The context as a stream for the daemon; logs its size once written. */
  public Streaming stream(ShipLog log) {
    return stream(log, () -> null);
  }

  /**
   * As {@link #stream(ShipLog)}, starting {@code headStart} on a daemon thread of its own as the
   * first bytes go out: class loading the answer's reader will need happens while the upload waits
   * on the daemon (the files go by sendfile, the CPU is free), not when the answer is waiting to be
   * read. Its result and any failure are ignored: it is only ever a head start.
   */
  public Streaming stream(ShipLog log, Callable<?> headStart) {
    return new Streaming(log, headStart);
  }

  /**
   * The context as an input stream. {@link #transferTo} writes the tar straight into the
   * destination (the transport's socket): no copy, no extra thread. A plain reader gets it through
   * a pipe from a writer thread. Either way it is written while it is sent, never held whole.
   */
  public final class Streaming extends InputStream {
    private final ShipLog log;
    private final Callable<?> headStart;
    private InputStream piped;
    private Thread writer;
    private volatile Summary summary;
    private volatile Exception failure;

    private Streaming(ShipLog log, Callable<?> headStart) {
      this.log = log;
      this.headStart = headStart;
    }

    private void startHeadStart() {
      Thread thread =
          new Thread(
              () -> {
                try {
                  headStart.call();
                } catch (Exception ignored) {
                  // only ever a head start
                }
              },
              "ship-warm-up");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
      if (piped != null) {
        return super.transferTo(out);
      }
      startHeadStart();
      summary = write(out);
      BuildContext.log(summary, log);
      return summary.bytes();
    }

    @Override
    public int read() throws IOException {
      return pipe().read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      return pipe().read(buffer, offset, length);
    }

    @Override
    public void close() throws IOException {
      if (piped != null) {
        piped.close();
      }
    }

    private synchronized InputStream pipe() throws IOException {
      if (piped == null) {
        startHeadStart();
        PipedInputStream in = new PipedInputStream(PIPE_BYTES);
        PipedOutputStream out = new PipedOutputStream(in);
        writer =
            new Thread(
                () -> {
                  try (OutputStream sink = out) {
                    summary = write(sink);
                    BuildContext.log(summary, log);
                  } catch (IOException | RuntimeException e) {
                    failure = e;
                  }
                },
                "ship-build-context");
        writer.setDaemon(true);
        writer.start();
        piped = in;
      }
      return piped;
    }

    /** What was sent; fails with the writer's error, or if nothing was sent. */
    public Summary summary() {
      if (writer != null) {
        try {
          writer.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw ShipException.failed("Interrupted while sending the build context.", e);
        }
      }
      if (failure != null) {
        throw ShipException.failed(
            "Could not send the build context: " + failure.getMessage(), failure);
      }
      if (summary == null) {
        throw ShipException.failed("The build context was not sent to the daemon.");
      }
      return summary;
    }
  }

  /** Writes the context as a tar to {@code out}. */
  public Summary write(OutputStream out) throws IOException {
    Map<String, Long> topLevel = new LinkedHashMap<>();
    long[] files = {0};
    TarWriter tar = new TarWriter(out);
    ContextWalker.walk(
        root,
        ignore,
        null,
        false,
        entry -> {
          String name = entry.path();
          String top = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
          if (entry.kind() == ContextEntry.Kind.FILE) {
            try {
              tar.write(entry);
            } catch (AccessDeniedException e) {
              throw ContextWalker.unreadable(root, name);
            }
            topLevel.merge(top, entry.size(), Long::sum);
          } else {
            tar.write(entry);
          }
          if (entry.kind() != ContextEntry.Kind.DIRECTORY) {
            files[0]++;
            topLevel.putIfAbsent(top, 0L);
          }
        });
    tar.finish();
    long bytes = topLevel.values().stream().mapToLong(Long::longValue).sum();
    return new Summary(bytes, files[0], topLevel);
  }

  /** The context directory. */
  public Path root() {
    return root;
  }

  /** What {@code .dockerignore} leaves out (with the CLI's exceptions for the upload). */
  public DockerIgnore ignore() {
    return ignore;
  }

  /** One line for the log, with the largest top-level entries of a large context. */
  private static List<String> describe(Summary summary) {
    List<String> lines = new java.util.ArrayList<>();
    lines.add(
        String.format(
            "Build context: %s in %,d files", Bytes.describe(summary.bytes()), summary.files()));
    if (summary.bytes() > LARGE_CONTEXT_BYTES) {
      lines.add(
          "Largest entries: "
              + String.join(
                  ", ",
                  summary.topLevel().entrySet().stream()
                      .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                      .limit(5)
                      .map(e -> e.getKey() + " " + Bytes.describe(e.getValue()))
                      .toList())
              + " (add what the image does not need to .dockerignore)");
    }
    return lines;
  }

  /** Warnings for what is rarely meant to be sent. */
  private static List<String> warnings(Summary summary) {
    return Stream.of("target", ".git")
        .filter(summary.topLevel()::containsKey)
        .map(
            name ->
                "The build context includes "
                    + name
                    + "/: add it to .dockerignore unless the Dockerfile needs it.")
        .toList();
  }

  /** Logs {@link #describe} and {@link #warnings}. */
  public static void log(Summary summary, ShipLog log) {
    describe(summary).forEach(log::info);
    warnings(summary).forEach(log::warn);
  }
}
