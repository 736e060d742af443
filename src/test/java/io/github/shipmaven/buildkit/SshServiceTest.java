package io.github.shipmaven.buildkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.RecordingLog;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real ssh-agent holding a throwaway key, as the docker CLI forwards one. */
class SshServiceTest {
  /** SSH_AGENTC_REQUEST_IDENTITIES: uint32 length 1, then message type 11. */
  private static final byte[] LIST_IDENTITIES = {0, 0, 0, 1, 11};

  private static final byte IDENTITIES_ANSWER = 12;

  @TempDir Path dir;
  private Process agent;
  private Path socket;
  private final RecordingLog log = new RecordingLog();

  @BeforeEach
  void startAgentWithAThrowawayKey() throws Exception {
    socket = dir.resolve("agent.sock");
    agent =
        new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
            .redirectErrorStream(true)
            .start();
    for (int i = 0; i < 100 && !Files.exists(socket); i++) {
      Thread.sleep(50);
    }
    assertThat(socket).exists();
    Path key = dir.resolve("id_ed25519");
    run(
        new ProcessBuilder(
            "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "ship-test-key",
            "-f",
            key.toString()));
    ProcessBuilder add = new ProcessBuilder("ssh-add", key.toString());
    add.environment().put("SSH_AUTH_SOCK", socket.toString());
    run(add);
  }

  private static void run(ProcessBuilder command) throws Exception {
    Process process = command.redirectErrorStream(true).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue())
        .as(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isZero();
  }

  @AfterEach
  void stopAgent() throws Exception {
    agent.destroy();
    agent.waitFor(10, TimeUnit.SECONDS);
  }

  private SshService service(String spec) {
    return new SshService(SshAgents.parse(spec, Map.of("SSH_AUTH_SOCK", socket.toString())), log);
  }

  private static byte[] bytesMessage(byte[] data) {
    return new ProtoWire.Writer().bytes(1, data).toByteArray();
  }

  @Test
  void forwardsOneConnectionToTheAgentBothWaysUntilTheDaemonEndsIt() throws Exception {
    FakeCall call = new FakeCall();
    call.metadata.put(SshService.ID_METADATA, "default");
    CompletableFuture<Void> served =
        CompletableFuture.runAsync(
            () -> {
              try {
                service("default").forward(call);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // the request split over two messages, as a stream may carry it
    call.send(bytesMessage(new byte[] {0, 0, 0}));
    call.send(bytesMessage(new byte[] {1, 11}));
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    while (reply.size() < 4
        || reply.size() < 4 + ByteBuffer.wrap(reply.toByteArray(), 0, 4).getInt()) {
      byte[] message = call.next();
      assertThat(message).as("the agent's answer, forwarded").isNotNull();
      reply.write(Messages.bytesField(message, 1));
    }
    ByteBuffer answer = ByteBuffer.wrap(reply.toByteArray());
    answer.getInt();
    assertThat(answer.get()).isEqualTo(IDENTITIES_ANSWER);
    assertThat(answer.getInt()).as("keys").isEqualTo(1);
    int blob = answer.getInt();
    answer.position(answer.position() + blob); // the key itself
    byte[] comment = new byte[answer.getInt()];
    answer.get(comment);
    assertThat(new String(comment, StandardCharsets.UTF_8)).isEqualTo("ship-test-key");
    call.end();
    served.get(20, TimeUnit.SECONDS); // ends once the daemon has closed its side
  }

  @Test
  void theIdComesFromTheCallsMetadataAndAnUnknownOneIsNotFoundNamingSsh() throws Exception {
    FakeCall call = new FakeCall();
    call.metadata.put(SshService.ID_METADATA, "deploy");
    assertThatThrownBy(() -> service("default").forward(call))
        .isInstanceOfSatisfying(
            GrpcException.class, e -> assertThat(e.code()).isEqualTo(GrpcException.NOT_FOUND))
        .hasMessage(
            "no SSH agent with id 'deploy' in <ssh> (ship.ssh), which has default: add it, e.g."
                + " <ssh>default</ssh> for the agent at SSH_AUTH_SOCK");
    // an empty id is the default one
    FakeCall noId = new FakeCall();
    CompletableFuture<Void> served =
        CompletableFuture.runAsync(
            () -> {
              try {
                service("default=" + socket).forward(noId);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    noId.send(bytesMessage(LIST_IDENTITIES));
    assertThat(noId.next()).isNotNull();
    noId.end();
    served.get(20, TimeUnit.SECONDS);
  }

  @Test
  void checkAgentAnswersForDeclaredIdsOnly() throws Exception {
    SshService service = service("default,deploy=" + socket);
    for (String id : new String[] {"", "default", "deploy"}) {
      FakeCall call = FakeCall.unary(new ProtoWire.Writer().string(1, id).toByteArray());
      service.check(call);
      assertThat(call.next()).isEmpty();
    }
    FakeCall unknown = FakeCall.unary(new ProtoWire.Writer().string(1, "gh").toByteArray());
    assertThatThrownBy(() -> service.check(unknown))
        .isInstanceOfSatisfying(
            GrpcException.class, e -> assertThat(e.code()).isEqualTo(GrpcException.NOT_FOUND))
        .hasMessageContaining(
            "no SSH agent with id 'gh' in <ssh> (ship.ssh), which has default, deploy");
    FakeCall none = FakeCall.unary(new byte[0]);
    assertThatThrownBy(() -> new SshService(SshAgents.NONE, log).check(none))
        .hasMessage(
            "no SSH agent with id 'default' in <ssh> (ship.ssh), which is not set: add it, e.g."
                + " <ssh>default</ssh> for the agent at SSH_AUTH_SOCK");
  }

  @Test
  void anAgentThatStoppedIsAWarningAndUnavailable() throws Exception {
    SshService service = service("default");
    agent.destroy();
    agent.waitFor(10, TimeUnit.SECONDS);
    Files.deleteIfExists(socket);
    FakeCall call = new FakeCall();
    assertThatThrownBy(() -> service.forward(call))
        .isInstanceOfSatisfying(
            GrpcException.class, e -> assertThat(e.code()).isEqualTo(GrpcException.UNAVAILABLE));
    assertThat(log.warnings)
        .singleElement()
        .asString()
        .startsWith("The SSH agent 'default' at " + socket + " did not answer");
  }
}
