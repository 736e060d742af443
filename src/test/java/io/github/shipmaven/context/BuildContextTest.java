package io.github.shipmaven.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.ShipException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tar the context becomes, read back with an independent reader. */
class BuildContextTest {
  static final String LONG_DIR = "a-directory-name-long-enough/".repeat(4);
  static final String LONG_TARGET = "../" + "x".repeat(120);

  @TempDir Path context;

  @BeforeEach
  void tree() throws IOException {
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY . /app/\n");
    Files.writeString(context.resolve(".dockerignore"), "# comment\nnode_modules\n*.log\n");
    Files.createDirectories(context.resolve("node_modules/pkg"));
    Files.writeString(context.resolve("node_modules/pkg/index.js"), "ignored");
    Files.writeString(context.resolve("debug.log"), "ignored");
    Files.createDirectories(context.resolve("empty"));
    Path run = Files.writeString(context.resolve("run.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(context.resolve(LONG_DIR));
    Files.write(context.resolve(LONG_DIR + "data.bin"), new byte[1000]);
    Files.writeString(context.resolve("grüße.txt"), "hallo");
    Files.createSymbolicLink(context.resolve("link"), Path.of(LONG_TARGET));
    Files.setLastModifiedTime(run, FileTime.fromMillis(1_700_000_000_999L));
  }

  private byte[] tarThroughAStream() throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    BuildContext.of(context, context.resolve("Dockerfile")).write(tar);
    return tar.toByteArray();
  }

  private static Map<String, TarArchiveEntry> entries(byte[] tar, Map<String, String> contents)
      throws IOException {
    Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        entries.put(e.getName(), e);
        contents.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return entries;
  }

  @Test
  void keepsWhatTheCliKeepsWithModesLinksAndLongNames() throws IOException {
    Map<String, String> contents = new LinkedHashMap<>();
    Map<String, TarArchiveEntry> entries = entries(tarThroughAStream(), contents);

    assertThat(entries.keySet())
        .containsExactly(
            ".dockerignore",
            "Dockerfile",
            "a-directory-name-long-enough/",
            "a-directory-name-long-enough/a-directory-name-long-enough/",
            "a-directory-name-long-enough/".repeat(3),
            LONG_DIR,
            LONG_DIR + "data.bin",
            "empty/",
            "grüße.txt",
            "link",
            "run.sh");
    assertThat(entries.get("run.sh").getMode()).isEqualTo(0100755);
    assertThat(entries.get("run.sh").getModTime().getTime()).isEqualTo(1_700_000_000_000L);
    assertThat(entries.get("empty/").isDirectory()).isTrue();
    assertThat(entries.get("link").isSymbolicLink()).isTrue();
    assertThat(entries.get("link").getLinkName()).isEqualTo(LONG_TARGET);
    assertThat(entries.get(LONG_DIR + "data.bin").getSize()).isEqualTo(1000);
    assertThat(contents.get("run.sh")).isEqualTo("#!/bin/sh\necho hi\n");
    assertThat(contents.get("grüße.txt")).isEqualTo("hallo");
    assertThat(entries.values())
        .allSatisfy(
            e -> {
              assertThat(e.getLongUserId()).isZero();
              assertThat(e.getLongGroupId()).isZero();
            });
  }

  @Test
  void bothBuildersGetTheIgnoredDockerfileAndOnlyTheClassicOneTheIgnoredDockerignore()
      throws IOException {
    Files.writeString(context.resolve(".dockerignore"), "Dockerfile\n.dockerignore\n*.log\n");
    Map<Builder, Map<String, TarArchiveEntry>> sent = new LinkedHashMap<>();
    for (Builder builder : Builder.values()) {
      BuildContext build = BuildContext.of(context, context.resolve("Dockerfile"), builder);
      assertThat(build.dockerfileIgnored()).isTrue();
      ByteArrayOutputStream tar = new ByteArrayOutputStream();
      build.write(tar);
      sent.put(builder, entries(tar.toByteArray(), new LinkedHashMap<>()));
    }
    // The classic daemon reads .dockerignore and leaves both out as it copies; BuildKit, given
    // an upload, reads only the Dockerfile and would copy .dockerignore like any file.
    assertThat(sent.get(Builder.CLASSIC)).containsKeys("Dockerfile", ".dockerignore");
    assertThat(sent.get(Builder.BUILDKIT))
        .containsKey("Dockerfile")
        .doesNotContainKey(".dockerignore");
    assertThat(sent.get(Builder.BUILDKIT).keySet())
        .containsExactlyElementsOf(
            sent.get(Builder.CLASSIC).keySet().stream()
                .filter(name -> !name.equals(".dockerignore"))
                .toList());
  }

  @Test
  void aDockerignoreThatKeepsItselfIsSentToBothBuilders() throws IOException {
    for (Builder builder : Builder.values()) {
      BuildContext build = BuildContext.of(context, context.resolve("Dockerfile"), builder);
      assertThat(build.dockerfileIgnored()).isFalse();
      ByteArrayOutputStream tar = new ByteArrayOutputStream();
      build.write(tar);
      assertThat(entries(tar.toByteArray(), new LinkedHashMap<>()))
          .as("%s", builder)
          .containsKeys("Dockerfile", ".dockerignore");
    }
  }

  @Test
  void aPlainReaderGetsTheSameBytesThroughThePipe() throws IOException {
    try (BuildContext.Streaming upload =
        BuildContext.of(context, context.resolve("Dockerfile")).stream(new RecordingLog())) {
      assertThat(upload.readAllBytes()).isEqualTo(tarThroughAStream());
      assertThat(upload.summary().files()).isEqualTo(6);
    }
  }

  @Test
  void aFileIsSentAtItsStatedSizeAndAShrunkOneFails() throws IOException {
    Path file = Files.writeString(context.resolve("grows.txt"), "0123456789");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarWriter tar = new TarWriter(out);
    // stat'ed at 4 bytes, grown since
    tar.write(
        new ContextEntry(
            "grows.txt",
            "grows.txt".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            ContextEntry.Kind.FILE,
            0644,
            4,
            0,
            0,
            null,
            null,
            file));
    tar.finish();
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      assertThat(in.getNextEntry().getSize()).isEqualTo(4);
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("0123");
    }
    assertThatThrownBy(
            () ->
                new TarWriter(new ByteArrayOutputStream())
                    .write(
                        new ContextEntry(
                            "f",
                            new byte[] {'f'},
                            ContextEntry.Kind.FILE,
                            0,
                            11,
                            0,
                            0,
                            null,
                            null,
                            file)))
        .isInstanceOf(IOException.class)
        .hasMessageEndingWith("grows.txt shrank while the build context was sent");
  }

  @Test
  void logsTheSizeOnceSent() throws IOException {
    RecordingLog log = new RecordingLog();
    BuildContext.Streaming upload =
        BuildContext.of(context, context.resolve("Dockerfile")).stream(log);
    upload.transferTo(OutputStream.nullOutputStream());
    assertThat(log.lines)
        .singleElement()
        .asString()
        .startsWith("Build context: ")
        .endsWith("in 6 files");
  }

  @Test
  void startsTheHeadStartOnceAsTheFirstBytesGoOutOnAThreadOfItsOwn() throws Exception {
    BuildContext build = BuildContext.of(context, context.resolve("Dockerfile"));
    Semaphore runs = new Semaphore(0);
    List<String> threads = new CopyOnWriteArrayList<>();
    Callable<Object> headStart =
        () -> {
          threads.add(Thread.currentThread().getName());
          runs.release();
          return null;
        };
    BuildContext.Streaming direct = build.stream(new RecordingLog(), headStart);
    assertThat(runs.tryAcquire(200, TimeUnit.MILLISECONDS)).as("not before sending").isFalse();
    direct.transferTo(OutputStream.nullOutputStream());
    assertThat(runs.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    try (BuildContext.Streaming piped = build.stream(new RecordingLog(), headStart)) {
      piped.read();
      piped.readAllBytes();
    }
    assertThat(runs.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    assertThat(runs.tryAcquire(200, TimeUnit.MILLISECONDS)).as("once per upload").isFalse();
    assertThat(threads).containsExactly("ship-warm-up", "ship-warm-up");
  }

  @Test
  void aFailingHeadStartLeavesTheUploadAlone() throws Exception {
    RecordingLog log = new RecordingLog();
    CountDownLatch failed = new CountDownLatch(1);
    BuildContext.Streaming upload =
        BuildContext.of(context, context.resolve("Dockerfile")).stream(
            log,
            () -> {
              failed.countDown();
              throw new IOException("no head start");
            });
    long bytes = upload.transferTo(OutputStream.nullOutputStream());
    assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(bytes).isPositive();
    assertThat(upload.summary().bytes()).isEqualTo(bytes);
    assertThat(log.lines).singleElement().asString().startsWith("Build context: ");
  }

  @Test
  void paxRecordLengthsCountThemselves() {
    assertThat(pax("a", "bc")).isEqualTo("7 a=bc\n");
    assertThat(pax("a", "bcde")).isEqualTo("9 a=bcde\n");
    assertThat(pax("a", "bcdef")).isEqualTo("11 a=bcdef\n"); // 10 would not count its own digit
    assertThat(pax("path", "v".repeat(91))).isEqualTo("101 path=" + "v".repeat(91) + "\n");
    assertThat(pax("path", "v".repeat(94))).isEqualTo("104 path=" + "v".repeat(94) + "\n");
  }

  private static String pax(String key, String value) {
    return new String(
        TarWriter.paxRecords(Map.of(key, value.getBytes(StandardCharsets.UTF_8))),
        StandardCharsets.UTF_8);
  }

  @Test
  void anUnreadableFileOrDirectoryIsOneLineNamingItAndTheFix() throws Exception {
    Path secret = Files.writeString(context.resolve("secret.txt"), "x");
    Files.setPosixFilePermissions(secret, Set.of());
    assertThat(writtenByAnUnprivilegedUser())
        .isEqualTo(
            "CONFIG: The build context has secret.txt ("
                + secret
                + "), which cannot be read: fix its permissions, or exclude it in .dockerignore.");
    Files.writeString(context.resolve(".dockerignore"), "secret.txt\n");
    Path locked = Files.createDirectories(context.resolve("locked"));
    Files.setPosixFilePermissions(locked, Set.of());
    assertThat(writtenByAnUnprivilegedUser())
        .startsWith("CONFIG: The build context has locked/ (" + locked + "), which cannot be read");
    Files.writeString(context.resolve(".dockerignore"), "secret.txt\nlocked\n");
    assertThat(writtenByAnUnprivilegedUser()).isEqualTo("written");
  }

  /**
   * The context written by a user who cannot read what its permissions forbid: this JVM's, or, when
   * it runs as root (as CI does), a JVM started as nobody.
   */
  private String writtenByAnUnprivilegedUser() throws Exception {
    if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
      try {
        BuildContext.of(context, context.resolve("Dockerfile"))
            .write(java.io.OutputStream.nullOutputStream());
        return "written";
      } catch (ShipException e) {
        return e.kind() + ": " + e.getMessage();
      }
    }
    // nobody must reach the context and the classes: copy the jars out of root's home.
    Path open = Files.createTempDirectory("ship-probe");
    List<String> classpath = new java.util.ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry);
      if (Files.isRegularFile(path)) {
        path = Files.copy(path, open.resolve(path.getFileName()));
      }
      classpath.add(path.toString());
    }
    for (Path dir = context; dir.getParent() != null; dir = dir.getParent()) {
      if (dir.startsWith(Path.of(System.getProperty("java.io.tmpdir")))) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
    Process probe =
        new ProcessBuilder(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                String.join(java.io.File.pathSeparator, classpath),
                ContextProbe.class.getName(),
                context.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(probe.waitFor()).as(out).isZero();
    return out;
  }
}
