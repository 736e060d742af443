package io.github.shipmaven.buildkit;

import static io.github.shipmaven.core.ShipProperties.element;

import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The SSH agents of {@code <ssh>} ({@code ship.ssh}), in the docker CLI's {@code --ssh} syntax:
 * {@code default} (the agent at {@code SSH_AUTH_SOCK}), {@code default=/path/to/agent.sock}, {@code
 * id=/path/to/agent.sock}, several separated by commas. An id without a path is the agent at {@code
 * SSH_AUTH_SOCK}, as in the CLI. Every agent's socket is checked before the build.
 */
public final class SshAgents {
  /** The id a Dockerfile's {@code --mount=type=ssh} means when it names none. */
  public static final String DEFAULT_ID = "default";

  static final String AUTH_SOCK = "SSH_AUTH_SOCK";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  /**
   * One agent.
   *
   * @param id what {@code RUN --mount=type=ssh,id=…} names
   * @param socket the agent's unix socket
   * @param fromEnv whether the socket came from {@code SSH_AUTH_SOCK}
   */
  public record Agent(String id, Path socket, boolean fromEnv) {
    /** For {@code ship:info}: the id and where its agent is. */
    public String describe() {
      return id + " (" + (fromEnv ? AUTH_SOCK + " " : "") + socket + ")";
    }
  }

  /** No agents. */
  public static final SshAgents NONE = new SshAgents(Map.of());

  private final Map<String, Agent> agents;

  private SshAgents(Map<String, Agent> agents) {
    this.agents = agents;
  }

  /**
   * Parses {@code spec} and checks that each agent's socket is there.
   *
   * @param spec the {@code <ssh>} setting; null or blank for none
   * @param env the process environment, for {@code SSH_AUTH_SOCK}
   * @throws ShipException naming {@code <ssh>}, the entry and the fix
   */
  public static SshAgents parse(@Nullable String spec, Map<String, String> env) {
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    String setting = element("ssh", ShipProperties.SSH);
    Map<String, Agent> agents = new LinkedHashMap<>();
    String[] entries = spec.split(",", -1);
    for (String raw : entries) {
      if (raw.isBlank()) {
        throw ShipException.config(
            setting
                + " '"
                + spec
                + "' has an empty entry: write agents as default, default=/path/to/agent.sock"
                + " or id=/path/to/agent.sock, separated by commas.");
      }
    }
    for (String raw : entries) {
      String entry = raw.trim();
      int eq = entry.indexOf('=');
      String id = (eq < 0 ? entry : entry.substring(0, eq)).trim();
      if (!ID.matcher(id).matches()) {
        throw ShipException.config(
            setting
                + " entry '"
                + entry
                + "' does not start with an id (letters, digits, '.', '_', '-'): write it as"
                + " default, default=/path/to/agent.sock or id=/path/to/agent.sock; one agent"
                + " socket per id (key files are not taken).");
      }
      if (agents.containsKey(id)) {
        throw ShipException.config(
            setting + " names the id '" + id + "' twice: give each id one agent.");
      }
      Agent agent;
      if (eq < 0) {
        String sock = env.getOrDefault(AUTH_SOCK, "").trim();
        if (sock.isEmpty()) {
          throw ShipException.config(
              setting
                  + " '"
                  + id
                  + "' means the SSH agent at "
                  + AUTH_SOCK
                  + ", which is not set: start an agent (eval \"$(ssh-agent)\" && ssh-add), or"
                  + " write "
                  + id
                  + "=/path/to/agent.sock.");
        }
        agent = new Agent(id, Path.of(sock), true);
      } else {
        String path = entry.substring(eq + 1).trim();
        if (path.isEmpty()) {
          throw ShipException.config(
              setting
                  + " entry '"
                  + entry
                  + "' names no socket after '=': write "
                  + id
                  + "=/path/to/agent.sock, or "
                  + id
                  + " alone for the agent at "
                  + AUTH_SOCK
                  + ".");
        }
        agent = new Agent(id, Path.of(path), false);
      }
      checkSocket(agent, setting);
      agents.put(id, agent);
    }
    return new SshAgents(Collections.unmodifiableMap(agents));
  }

  private static void checkSocket(Agent agent, String setting) {
    Path socket = agent.socket();
    String what =
        setting
            + " '"
            + agent.id()
            + "': the agent socket "
            + socket
            + (agent.fromEnv() ? " (" + AUTH_SOCK + ")" : "");
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(socket, BasicFileAttributes.class);
    } catch (IOException e) {
      throw ShipException.config(
          what
              + " does not exist: start the agent (eval \"$(ssh-agent)\" && ssh-add) and name its"
              + " socket.");
    }
    if (attributes.isRegularFile()) {
      throw ShipException.config(
          what
              + " is a file, not an agent's socket (key files are not taken): load the key into"
              + " an agent with ssh-add and name the agent's socket.");
    }
    if (!isSocket(socket, attributes)) {
      throw ShipException.config(
          what + " is not a socket: name the socket of a running ssh-agent.");
    }
  }

  private static boolean isSocket(Path path, BasicFileAttributes attributes) {
    try {
      if (Files.getAttribute(path, "unix:mode") instanceof Integer mode) {
        return (mode & S_IFMT) == S_IFSOCK;
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // no unix view on this platform: fall back to "neither file, directory nor link"
    }
    return attributes.isOther();
  }

  /** The agents, in the order given. */
  public List<Agent> agents() {
    return new ArrayList<>(agents.values());
  }

  public boolean isEmpty() {
    return agents.isEmpty();
  }

  /** The agent of {@code id}; an empty id is {@value #DEFAULT_ID}, as BuildKit sends it. */
  public Optional<Agent> find(@Nullable String id) {
    return Optional.ofNullable(agents.get(id == null || id.isEmpty() ? DEFAULT_ID : id));
  }
}
