package io.github.shipmaven.buildkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.shipmaven.core.ShipException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshAgentsTest {
  @TempDir Path dir;
  private Path socket;
  private Path other;
  private ServerSocketChannel listening;
  private ServerSocketChannel listeningOther;

  @BeforeEach
  void sockets() throws Exception {
    socket = dir.resolve("agent.sock");
    other = dir.resolve("deploy.sock");
    listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listening.bind(UnixDomainSocketAddress.of(socket));
    listeningOther = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listeningOther.bind(UnixDomainSocketAddress.of(other));
  }

  @AfterEach
  void close() throws Exception {
    listening.close();
    listeningOther.close();
  }

  private static String problem(String spec, Map<String, String> env) {
    try {
      SshAgents.parse(spec, env);
    } catch (ShipException e) {
      assertThat(e.kind()).isEqualTo(ShipException.Kind.CONFIG);
      return e.getMessage();
    }
    throw new AssertionError("no problem found in " + spec);
  }

  @Test
  void theCliSyntax() {
    Map<String, String> env = Map.of("SSH_AUTH_SOCK", socket.toString());
    assertThat(SshAgents.parse(null, env).isEmpty()).isTrue();
    assertThat(SshAgents.parse(" ", env).isEmpty()).isTrue();
    SshAgents agents = SshAgents.parse("default, deploy=" + other + ",gh", env);
    assertThat(agents.agents())
        .containsExactly(
            new SshAgents.Agent("default", socket, true),
            new SshAgents.Agent("deploy", other, false),
            new SshAgents.Agent("gh", socket, true));
    assertThat(agents.find("")).map(SshAgents.Agent::id).contains("default");
    assertThat(agents.find(null)).map(SshAgents.Agent::id).contains("default");
    assertThat(agents.find("deploy")).map(SshAgents.Agent::socket).contains(other);
    assertThat(agents.find("nope")).isEmpty();
    assertThat(SshAgents.parse("default=" + other, Map.of()).agents())
        .containsExactly(new SshAgents.Agent("default", other, false));
    assertThat(agents.agents().get(0).describe())
        .isEqualTo("default (SSH_AUTH_SOCK " + socket + ")");
  }

  @Test
  void malformedSpecsAndMissingAgentsAreOneLineBeforeTheBuild() throws Exception {
    assertThat(problem("default", Map.of()))
        .isEqualTo(
            "<ssh> (ship.ssh) 'default' means the SSH agent at SSH_AUTH_SOCK, which is not set:"
                + " start an agent (eval \"$(ssh-agent)\" && ssh-add), or write"
                + " default=/path/to/agent.sock.");
    assertThat(problem("default,,x=" + other, Map.of()))
        .startsWith("<ssh> (ship.ssh) 'default,,x=" + other + "' has an empty entry");
    assertThat(problem("deploy=", Map.of()))
        .isEqualTo(
            "<ssh> (ship.ssh) entry 'deploy=' names no socket after '=': write"
                + " deploy=/path/to/agent.sock, or deploy alone for the agent at SSH_AUTH_SOCK.");
    assertThat(problem("=" + other, Map.of()))
        .startsWith("<ssh> (ship.ssh) entry '=" + other + "' does not start with an id");
    // the CLI's key list (id=/key1,/key2) is not this syntax: the second path is no id
    assertThat(problem("deploy=" + other + ",/home/me/.ssh/id_ed25519", Map.of()))
        .startsWith("<ssh> (ship.ssh) entry '/home/me/.ssh/id_ed25519' does not start with an id");
    assertThat(problem("a=" + other + ",a=" + socket, Map.of()))
        .isEqualTo("<ssh> (ship.ssh) names the id 'a' twice: give each id one agent.");
    Path gone = dir.resolve("gone.sock");
    assertThat(problem("default", Map.of("SSH_AUTH_SOCK", gone.toString())))
        .isEqualTo(
            "<ssh> (ship.ssh) 'default': the agent socket "
                + gone
                + " (SSH_AUTH_SOCK) does not exist: start the agent (eval \"$(ssh-agent)\" &&"
                + " ssh-add) and name its socket.");
    Path key = Files.writeString(dir.resolve("id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----");
    assertThat(problem("deploy=" + key, Map.of()))
        .isEqualTo(
            "<ssh> (ship.ssh) 'deploy': the agent socket "
                + key
                + " is a file, not an agent's socket (key files are not taken): load the key into"
                + " an agent with ssh-add and name the agent's socket.");
    assertThat(problem("deploy=" + dir, Map.of()))
        .isEqualTo(
            "<ssh> (ship.ssh) 'deploy': the agent socket "
                + dir
                + " is not a socket: name the socket of a running ssh-agent.");
  }
}
