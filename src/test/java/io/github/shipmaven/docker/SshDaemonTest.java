package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.transport.DockerHttpClient.Request;
import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.image.ImageReference;
import io.github.shipmaven.registry.RegistryCredentials;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ssh://} daemons: the ssh command as the docker CLI builds it, and everything carried over
 * it, with a stand-in ssh ({@code src/test/resources/ssh/fake-ssh}) that records its arguments and
 * carries stdin and stdout to a scripted daemon, or replays real ssh's stderr of a failure.
 */
class SshDaemonTest extends ScriptedDaemonTestBase {
  Path args;
  Path pids;
  final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void fakeSshOnThePath() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    try (InputStream fake = getClass().getResourceAsStream("/ssh/fake-ssh")) {
      Files.copy(fake, bin.resolve("ssh"));
    }
    bin.resolve("ssh").toFile().setExecutable(true);
    args = dir.resolve("ssh-args");
    pids = dir.resolve("ssh-pids");
    env.put("PATH", bin + ":/usr/bin:/bin");
    env.put("FAKE_SSH_SOCKET", daemon.uri().getPath());
    env.put("FAKE_SSH_ARGS", args.toString());
    env.put("FAKE_SSH_PIDS", pids.toString());
  }

  /** The ssh runs so far, each as its argument list. */
  List<List<String>> sshRuns() throws Exception {
    return Files.exists(args)
        ? Files.readAllLines(args).stream().map(l -> List.of(l.split("\0"))).toList()
        : List.of();
  }

  /** ssh fails as real ssh did, with the recorded stderr and exit code. */
  void sshFailsAs(String recording) throws Exception {
    Path words = dir.resolve(recording);
    try (InputStream in = getClass().getResourceAsStream("/ssh/" + recording)) {
      Files.copy(in, words);
    }
    env.put("FAKE_SSH_STDERR", words.toString());
    env.put("FAKE_SSH_EXIT", "255");
  }

  DockerDaemon connect(String host) {
    return new DockerConnector(env, dir, ShipLog.NONE).connect(host);
  }

  @Test
  void theCommandIsTheClisWithBatchMode() throws Exception {
    try (DockerDaemon docker = connect("ssh://deploy@build-host:2222")) {
      assertThat(docker.where()).isEqualTo("ssh://deploy@build-host:2222 (<dockerHost>)");
    }
    assertThat(sshRuns())
        .containsExactly(
            List.of(
                "-o",
                "ConnectTimeout=10",
                "-T",
                "-o",
                "BatchMode=yes",
                "-l",
                "deploy",
                "-p",
                "2222",
                "--",
                "build-host",
                "docker",
                "system",
                "dial-stdio"));
  }

  @Test
  void withoutUserAndPortSshsOwnConfigurationDecides() throws Exception {
    SshCommand command = SshCommand.of(URI.create("ssh://build-box"), env, "DOCKER_HOST");
    assertThat(command.command())
        .containsExactly(
            dir.resolve("bin/ssh").toString(),
            "-o",
            "ConnectTimeout=10",
            "-T",
            "-o",
            "BatchMode=yes",
            "--",
            "build-box",
            "docker",
            "system",
            "dial-stdio");
    assertThat(command.shown()).isEqualTo("ssh -- build-box docker system dial-stdio");
  }

  @Test
  void aSocketPathAfterTheHostIsDialledByTheRemoteDocker() {
    assertThat(
            SshCommand.of(
                    DockerHost.parse("ssh://ci@box/run/user/1000/docker.sock", "DOCKER_HOST"),
                    env,
                    "DOCKER_HOST")
                .shown())
        .isEqualTo(
            "ssh -l ci -- box docker --host=unix:///run/user/1000/docker.sock system dial-stdio");
    assertThat(
            SshCommand.of(
                    DockerHost.parse("ssh://box/srv/my%20docker.sock", "DOCKER_HOST"),
                    env,
                    "DOCKER_HOST")
                .shown())
        .isEqualTo("ssh -- box docker '--host=unix:///srv/my docker.sock' system dial-stdio");
  }

  @Test
  void dockerJavaTheTransportAndThePushAllGoThroughSshOneProcessAConnection() throws Exception {
    daemon.on(
        "GET /distribution/",
        (request, reply) ->
            reply.json(
                200,
                "{\"Descriptor\":{\"digest\":\"" + ImagePusherTest.DIGEST + "\",\"size\":527}}"));
    daemon.on(
        "POST /images/",
        (request, reply) -> reply.stream(ImagePusherTest.graphdriverStream("latest")));
    RecordingLog log = new RecordingLog();
    try (DockerDaemon docker = connect("ssh://deploy@build-host")) {
      assertThat(docker.describe())
          .isEqualTo("Docker Engine 20.10.24+dfsg1 (API 1.41, linux/amd64)");
      String digest =
          new ImagePusher(docker, log, duration -> {})
              .push(
                  ImageReference.parse("127.0.0.1:5000/team/app"),
                  List.of("latest"),
                  new RegistryCredentials("shipit", "Canary-Push-Pw", false, "env"),
                  new ImagePusher.Policy(0, Duration.ofMinutes(2)));
      assertThat(digest).isEqualTo(ImagePusherTest.DIGEST);
    }
    assertThat(daemon.requests().stream().map(r -> r.line().split(" ")[0] + " " + path(r)))
        .containsExactly(
            "GET /_ping",
            "GET /version",
            "POST /images/127.0.0.1:5000%2Fteam%2Fapp/push",
            "GET /distribution/127.0.0.1%3A5000%2Fteam%2Fapp%3Alatest/json");
    // One ssh process a connection, as the CLI: ping, version, push, distribution.
    assertThat(sshRuns()).hasSize(4);
    assertThat(daemon.requests("POST /images/").get(0).header("X-Registry-Auth")).isNotBlank();
  }

  private static String path(ScriptedDaemon.Exchange request) {
    return request.line().split(" ")[1].split("\\?")[0];
  }

  @Test
  void anUnknownHostKeyIsOneLineInSshsWordsBeforeAnythingIsBuilt() throws Exception {
    sshFailsAs("host-key-unknown.stderr");
    env.put("DOCKER_HOST", "ssh://root@127.0.0.1:5022");
    assertThatThrownBy(() -> connect(null))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "The Docker daemon at ssh://root@127.0.0.1:5022 (DOCKER_HOST) could not be reached"
                + " through ssh: Host key verification failed. (`ssh -l root -p 5022 -- 127.0.0.1"
                + " docker system dial-stdio` exited with 255). `ssh -l root -p 5022 -- 127.0.0.1"
                + " docker version` must work from this shell without a prompt (a key in"
                + " ssh-agent or ~/.ssh/config, the host in known_hosts, docker on the remote"
                + " PATH).");
    assertThat(daemon.requests()).isEmpty();
  }

  @Test
  void aRefusedLoginIsOneLineInSshsWords() throws Exception {
    sshFailsAs("permission-denied.stderr");
    assertThatThrownBy(() -> connect("ssh://root@127.0.0.1:5022"))
        .isInstanceOf(ShipException.class)
        .hasMessageStartingWith(
            "The Docker daemon at ssh://root@127.0.0.1:5022 (<dockerHost>) could not be reached"
                + " through ssh: root@127.0.0.1: Permission denied (publickey). (`ssh -l root")
        .hasMessageNotContaining("\n")
        .hasMessageNotContaining("\r");
  }

  @Test
  void aDockerContextWithAnSshEndpointIsReachedThroughSsh() throws Exception {
    Path contexts = dir.resolve(".docker/contexts/meta");
    String id =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest("remote".getBytes(StandardCharsets.UTF_8)));
    Files.createDirectories(contexts.resolve(id));
    Files.writeString(
        contexts.resolve(id).resolve("meta.json"),
        "{\"Name\":\"remote\",\"Endpoints\":{\"docker\":{\"Host\":\"ssh://ci@build-box\"}}}");
    env.put("DOCKER_CONTEXT", "remote");
    try (DockerDaemon docker = connect(null)) {
      assertThat(docker.where()).isEqualTo("ssh://ci@build-box (DOCKER_CONTEXT 'remote')");
    }
    assertThat(sshRuns().get(0)).containsSequence("-l", "ci", "--", "build-box");
  }

  @Test
  void noSshOnPathIsOneLineNamingTheSetting() {
    env.put("PATH", dir.resolve("nothing-here").toString());
    assertThatThrownBy(() -> connect("ssh://build-host"))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "<dockerHost> (ship.docker.host) is ssh://build-host, but there is no ssh on PATH:"
                + " install OpenSSH's client (the docker CLI needs it for ssh:// too), or point"
                + " <dockerHost> (ship.docker.host) at a unix:// or tcp:// daemon.");
  }

  @Test
  void aDaemonSilentOverSshIsLeftAfterTheIdleBoundAndItsSshStopped() throws Exception {
    daemon.on("GET /images/", (request, reply) -> reply.holdUntilClientLeaves());
    SshCommand ssh = SshCommand.of(URI.create("ssh://build-host"), env, "DOCKER_HOST");
    DockerSocketClient client = new DockerSocketClient(ssh, Duration.ofMillis(400));
    Request request = Request.builder().method(Request.Method.GET).path("/images/x/json").build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.execute(request))
        .isInstanceOf(UncheckedIOException.class)
        .hasRootCauseInstanceOf(DaemonConnection.IdleTimeoutException.class)
        .hasMessageContaining("the Docker daemon sent nothing for 400 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    long pid = Long.parseLong(Files.readAllLines(pids).get(0).strip());
    ProcessHandle process = ProcessHandle.of(pid).orElse(null);
    if (process != null) {
      process.onExit().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void anUpgradedConnectionReadsAndWritesAtOnceOverSsh() throws Exception {
    CompletableFuture<String> received = new CompletableFuture<>();
    daemon.on(
        "POST /session",
        (request, reply) -> {
          reply.switchProtocols("h2c");
          // The daemon speaks first, as BuildKit's does, and reads while the client writes.
          reply.out().write("PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII));
          reply.out().flush();
          received.complete(new String(reply.in().readNBytes(5), StandardCharsets.US_ASCII));
          reply.out().write("bye\n".getBytes(StandardCharsets.US_ASCII));
          reply.out().flush();
          reply.holdUntilClientLeaves();
        });
    SshCommand ssh = SshCommand.of(URI.create("ssh://build-host"), env, "DOCKER_HOST");
    try (UpgradedConnection session =
        new DockerSocketClient(ssh).upgrade("/session", "h2c", Map.of())) {
      InputStream in = session.in();
      CompletableFuture<String> read =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new String(in.readNBytes(20), StandardCharsets.US_ASCII);
                } catch (java.io.IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      OutputStream out = session.out();
      out.write("hello".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
      assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("PRI * HTTP/2.0\r\nbye\n");
    }
  }

  @Test
  void theRealSshsWordsForAPortNobodyListensOn() {
    // The ssh of this machine (OpenSSH), not the stand-in: nothing listens on port 1.
    Map<String, String> realSsh = Map.of("PATH", "/usr/bin:/bin");
    assertThatThrownBy(
            () -> new DockerConnector(realSsh, dir, ShipLog.NONE).connect("ssh://127.0.0.1:1"))
        .isInstanceOf(ShipException.class)
        .hasMessage(
            "The Docker daemon at ssh://127.0.0.1:1 (<dockerHost>) could not be reached through"
                + " ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused (`ssh -p 1 --"
                + " 127.0.0.1 docker system dial-stdio` exited with 255). `ssh -p 1 -- 127.0.0.1"
                + " docker version` must work from this shell without a prompt (a key in"
                + " ssh-agent or ~/.ssh/config, the host in known_hosts, docker on the remote"
                + " PATH).");
  }
}
