package io.github.shipmaven.buildkit;

import io.github.shipmaven.core.ShipLog;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code moby.sshforward.v1.SSH} ({@code session/sshforward/ssh.proto}): {@code CheckAgent
 * (CheckAgentRequest {string ID = 1})} says whether an agent of that id is forwarded (empty is
 * {@code default}); {@code ForwardAgent} is one connection to the agent, a bidirectional stream of
 * {@code BytesMessage {bytes data = 1}}, the id in request metadata {@code buildkit.ssh.id}. Each
 * stream is copied to a new connection to the agent's socket and back, as the docker CLI does.
 */
final class SshService {
  static final String CHECK_AGENT = "/moby.sshforward.v1.SSH/CheckAgent";
  static final String FORWARD_AGENT = "/moby.sshforward.v1.SSH/ForwardAgent";
  static final String ID_METADATA = "buildkit.ssh.id";

  /** How long the agent may take to close its side once the daemon has closed its own. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final int CHUNK = 32 * 1024;

  private final SshAgents agents;
  private final ShipLog log;

  SshService(SshAgents agents, ShipLog log) {
    this.agents = agents;
    this.log = log;
  }

  List<GrpcMethod> methods() {
    return List.of(
        new GrpcMethod(CHECK_AGENT, call -> check(Messages.of(call))),
        new GrpcMethod(FORWARD_AGENT, call -> forward(Messages.of(call))));
  }

  void check(Messages call) throws IOException, GrpcException {
    String id = Messages.stringField(Messages.request(call), 1);
    agent(id);
    call.write(new byte[0]);
  }

  private SshAgents.Agent agent(String id) throws GrpcException {
    return agents
        .find(id)
        .orElseThrow(
            () ->
                new GrpcException(
                    GrpcException.NOT_FOUND,
                    "no SSH agent with id '"
                        + (id == null || id.isEmpty() ? SshAgents.DEFAULT_ID : id)
                        + "' in <ssh> (ship.ssh)"
                        + (agents.isEmpty()
                            ? ", which is not set"
                            : ", which has "
                                + String.join(
                                    ", ",
                                    agents.agents().stream().map(SshAgents.Agent::id).toList()))
                        + ": add it, e.g. <ssh>default</ssh> for the agent at SSH_AUTH_SOCK"));
  }

  void forward(Messages call) throws IOException, GrpcException {
    SshAgents.Agent agent = agent(call.metadata(ID_METADATA));
    SocketChannel socket;
    try {
      socket = SocketChannel.open(StandardProtocolFamily.UNIX);
      socket.connect(UnixDomainSocketAddress.of(agent.socket()));
    } catch (IOException e) {
      log.warn(
          "The SSH agent '"
              + agent.id()
              + "' at "
              + agent.socket()
              + " did not answer ("
              + e.getMessage()
              + "): is it still running?");
      throw new GrpcException(
          GrpcException.UNAVAILABLE,
          "the SSH agent '" + agent.id() + "' at " + agent.socket() + " did not answer");
    }
    log.debug("BuildKit opened a connection to the SSH agent '" + agent.id() + "'");
    AtomicReference<IOException> backFailure = new AtomicReference<>();
    Thread back =
        new Thread(() -> agentToDaemon(socket, call, backFailure), "ship-ssh-agent-" + agent.id());
    back.setDaemon(true);
    try (socket) {
      back.start();
      for (byte[] message; (message = call.read()) != null; ) {
        ByteBuffer data = ByteBuffer.wrap(Messages.bytesField(message, 1));
        while (data.hasRemaining()) {
          socket.write(data);
        }
      }
      socket.shutdownOutput(); // the client in the build is done: the agent then ends too
      back.join(CLOSE_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while forwarding the SSH agent", e);
    } finally {
      socket.close(); // ends the copy back if it is still waiting for the agent
    }
    if (backFailure.get() != null) {
      throw backFailure.get();
    }
  }

  /** Copies what the agent says back to the daemon until the agent closes. */
  private static void agentToDaemon(
      SocketChannel socket, Messages call, AtomicReference<IOException> failure) {
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
    try {
      while (socket.read(buffer) >= 0) {
        if (buffer.position() > 0) {
          call.write(
              new ProtoWire.Writer().bytes(1, buffer.array(), 0, buffer.position()).toByteArray());
          buffer.clear();
        }
      }
    } catch (IOException e) {
      if (socket.isOpen()) {
        failure.set(e);
      }
    }
  }
}
