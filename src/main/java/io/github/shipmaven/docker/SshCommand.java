package io.github.shipmaven.docker;

import io.github.shipmaven.core.Executables;
import io.github.shipmaven.core.ShipException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * How an {@code ssh://[user@]host[:port][/socket]} daemon is reached, as the docker CLI reaches it
 * (docker/cli {@code cli/connhelper}): one {@code ssh} process per connection, running {@code
 * docker system dial-stdio} on the remote side, whose stdin and stdout carry the connection. It is
 * the user's own {@code ssh} from PATH with the user's own configuration, agent and known_hosts;
 * the plugin adds only what the CLI adds ({@code -o ConnectTimeout}, {@code -T}, {@code -l}, {@code
 * -p}, {@code --}) and {@code -o BatchMode=yes}: the CLI runs ssh without a terminal, so ssh cannot
 * prompt for a password, a passphrase or an unknown host key and fails instead; a JVM's child would
 * still find the terminal, and a prompt there would hang the build.
 */
final class SshCommand {
  /** ssh's own bound on the TCP connect and the key exchange ({@code ConnectTimeout}). */
  static final int CONNECT_TIMEOUT_SECONDS = 10;

  /** How long a failed ssh may take to exit once its stdout has ended, before it is asked why. */
  private static final long EXIT_WAIT_MILLIS = 3_000;

  private static final int STDERR_KEPT = 4_096;
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  private final List<String> command;
  private final Map<String, String> env;
  private final String shown;

  private SshCommand(List<String> command, Map<String, String> env, String shown) {
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
    this.shown = shown;
  }

  /**
   * The command that reaches {@code host}.
   *
   * @param host an {@code ssh:} URI from {@link DockerHost#parse}
   * @param env the environment ssh runs in (its PATH finds ssh)
   * @param setting where the address was configured, for the error when there is no ssh
   */
  static SshCommand of(URI host, Map<String, String> env, String setting) {
    Path ssh =
        Executables.onPath(env, "ssh")
            .orElseThrow(
                () ->
                    ShipException.config(
                        setting
                            + " is "
                            + DockerHost.shown(host)
                            + ", but there is no ssh on PATH: install OpenSSH's client (the"
                            + " docker CLI needs it for ssh:// too), or point "
                            + setting
                            + " at a unix:// or tcp:// daemon."));
    List<String> command = new ArrayList<>();
    command.add(ssh.toString());
    command.addAll(
        List.of("-o", "ConnectTimeout=" + CONNECT_TIMEOUT_SECONDS, "-T", "-o", "BatchMode=yes"));
    List<String> shownArgs = new ArrayList<>(List.of("ssh"));
    List<String> target = new ArrayList<>();
    String user = DockerHost.sshUser(host);
    if (user != null) {
      target.addAll(List.of("-l", user));
    }
    String port = DockerHost.sshPort(host);
    if (port != null) {
      target.addAll(List.of("-p", port));
    }
    target.addAll(List.of("--", DockerHost.sshHostName(host)));
    // As the CLI: a socket path after the host makes the remote docker dial that socket.
    String socket = host.getPath() == null ? "" : host.getPath();
    List<String> remote =
        socket.replace("/", "").isEmpty()
            ? List.of("docker", "system", "dial-stdio")
            : List.of("docker", quoted("--host=unix://" + socket), "system", "dial-stdio");
    command.addAll(target);
    command.addAll(remote);
    shownArgs.addAll(target);
    shownArgs.addAll(remote);
    return new SshCommand(command, env, String.join(" ", shownArgs));
  }

  /** The remote shell reads the command line: quote what it would split or expand. */
  private static String quoted(String word) {
    return SHELL_SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  /** The whole command, the first element the ssh executable. */
  List<String> command() {
    return command;
  }

  /** The command as a person would type it: {@code ssh -l me -p 2222 -- host docker …}. */
  String shown() {
    return shown;
  }

  /** Starts one ssh process: one connection to the daemon. */
  Tunnel start() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(env);
    return new Tunnel(builder.start(), shown);
  }

  /** Why ssh failed, in its own words. */
  static final class SshException extends IOException {
    SshException(String message) {
      super(message);
    }
  }

  /**
   * One running ssh: its stdout is the daemon's side of the connection, its stdin ours. When ssh
   * ends with an error before the connection does (it could not connect, the host key is unknown,
   * the login was refused, the remote has no docker), reading or writing fails with {@link
   * SshException} carrying ssh's stderr as one line.
   */
  static final class Tunnel implements AutoCloseable {
    private final Process process;
    private final String shown;
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stderrReader;
    private final InputStream in;
    private final OutputStream out;
    private volatile boolean closed;

    private Tunnel(Process process, String shown) {
      this.process = process;
      this.shown = shown;
      this.stderrReader = new Thread(this::keepStderr, "ship-ssh-stderr");
      stderrReader.setDaemon(true);
      stderrReader.start();
      this.in = new In(process.getInputStream());
      this.out = new Out(process.getOutputStream());
    }

    InputStream in() {
      return in;
    }

    OutputStream out() {
      return out;
    }

    /**
     * Ends the connection: stdin closed (the remote dial-stdio sees the end and closes its daemon
     * connection), ssh stopped, and killed if it does not stop within a few seconds.
     */
    @Override
    public void close() {
      closed = true;
      try {
        process.getOutputStream().close();
      } catch (IOException ignored) {
        // ssh is gone already
      }
      process.destroy();
      process
          .onExit()
          .orTimeout(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)
          .exceptionally(
              stuck -> {
                process.destroyForcibly();
                return process;
              });
    }

    /** Keeps the last few kB of ssh's stderr, which names why it failed. */
    private void keepStderr() {
      try (Reader reader =
          new java.io.InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)) {
        char[] buffer = new char[1024];
        for (int n; (n = reader.read(buffer)) >= 0; ) {
          synchronized (stderr) {
            stderr.append(buffer, 0, n);
            if (stderr.length() > STDERR_KEPT) {
              stderr.delete(0, stderr.length() - STDERR_KEPT);
            }
          }
        }
      } catch (IOException gone) {
        // ssh ended
      }
    }

    /**
     * When ssh has ended with an error (or ends within a few seconds), why: its stderr as one line
     * and its exit code; null while it runs or when it ended well or was closed here.
     */
    private SshException failure() {
      if (closed) {
        return null;
      }
      try {
        if (!process.waitFor(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
          return null;
        }
        stderrReader.join(EXIT_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      int exit = process.exitValue();
      if (exit == 0 || closed) {
        return null;
      }
      String words;
      synchronized (stderr) {
        words = oneLine(stderr.toString());
      }
      return new SshException(
          (words.isEmpty() ? "ssh said nothing" : words)
              + " (`"
              + shown
              + "` exited with "
              + exit
              + ")");
    }

    /** ssh's lines joined into one, without carriage returns and blank lines. */
    static String oneLine(String text) {
      return String.join(
          " ",
          text.replace("\r", "").lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }

    private final class In extends InputStream {
      private final InputStream stdout;

      In(InputStream stdout) {
        this.stdout = stdout;
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n;
        try {
          n = stdout.read(buffer, offset, length);
        } catch (IOException e) {
          SshException why = failure();
          throw why != null ? why : e;
        }
        if (n < 0) {
          SshException why = failure();
          if (why != null) {
            throw why;
          }
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        stdout.close();
      }
    }

    private final class Out extends OutputStream {
      private final OutputStream stdin;

      Out(OutputStream stdin) {
        this.stdin = stdin;
      }

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        try {
          // The process's stdin is buffered; the daemon must see each request as it is written.
          stdin.write(bytes, offset, length);
          stdin.flush();
        } catch (IOException e) {
          SshException why = failure();
          throw why != null ? why : e;
        }
      }

      @Override
      public void flush() throws IOException {
        try {
          stdin.flush();
        } catch (IOException e) {
          SshException why = failure();
          throw why != null ? why : e;
        }
      }

      @Override
      public void close() throws IOException {
        stdin.close();
      }
    }
  }
}
