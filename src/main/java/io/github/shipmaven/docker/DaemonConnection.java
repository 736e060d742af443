package io.github.shipmaven.docker;

import io.github.shipmaven.core.Durations;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * One connection to the daemon, dialled over a unix socket or TCP (with TLS), or carried by an ssh
 * process's stdin and stdout ({@link SshCommand}), bounded by an idle timeout: when no byte moves
 * either way for that long, the connection is closed (an ssh process stopped), which ends a blocked
 * read or write with {@link IdleTimeoutException}. A unix socket channel has no read timeout of its
 * own, no socket has a write timeout, and a pipe has neither, hence the watch. {@link #in()} and
 * {@link #out()} may be used from two threads at once (a BuildKit session reads while it writes).
 */
final class DaemonConnection implements AutoCloseable {
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final long TRANSFER_SLICE = 8L * 1024 * 1024;

  private final AutoCloseable resource;
  private final WritableByteChannel channel;
  private final InputStream in;
  private final OutputStream out;
  private final Duration idleTimeout;
  private volatile long lastActivity = System.nanoTime();
  private final IdleWatch watch;

  private DaemonConnection(
      AutoCloseable resource,
      @Nullable WritableByteChannel channel,
      InputStream in,
      OutputStream out,
      @Nullable Duration idleTimeout) {
    this.resource = resource;
    this.channel = channel;
    this.in = new BufferedInputStream(new Watched(in));
    this.out = new WatchedOutput(out);
    this.idleTimeout = idleTimeout;
    this.watch =
        idleTimeout == null ? null : IdleWatch.start(idleTimeout, () -> lastActivity, this::close);
  }

  /**
   * Dials {@code host}.
   *
   * @param host {@code unix:///path} or {@code tcp://host:port}
   * @param tls the TLS context for TCP, or null for plain TCP
   * @param idleTimeout how long no byte may move before the connection is closed; null for no bound
   */
  static DaemonConnection open(URI host, @Nullable SSLContext tls, @Nullable Duration idleTimeout)
      throws IOException {
    if ("unix".equals(host.getScheme())) {
      SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(host.getPath()));
      // Not Channels.newInputStream/newOutputStream: both lock the channel's blocking lock, so a
      // read waiting for the daemon would block every write (a BuildKit session reads and writes
      // at once).
      return new DaemonConnection(
          channel, channel, new ChannelIn(channel), new ChannelOut(channel), idleTimeout);
    }
    Socket socket = new Socket();
    String name = DockerHost.hostName(host);
    int port = DockerHost.port(host);
    try {
      socket.connect(new InetSocketAddress(name, port), CONNECT_TIMEOUT_MILLIS);
      if (tls != null) {
        SSLSocket secured =
            (SSLSocket) tls.getSocketFactory().createSocket(socket, name, port, true);
        // As the docker CLI does: the daemon's certificate must name the host dialled, not merely
        // be signed by the CA.
        SSLParameters parameters = secured.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        secured.setSSLParameters(parameters);
        socket = secured;
      }
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
    return new DaemonConnection(
        socket, null, socket.getInputStream(), socket.getOutputStream(), idleTimeout);
  }

  /**
   * A connection carried by one ssh process (see {@link SshCommand}): started here, stopped when
   * the connection closes. Nothing is read or written before the first request, so an ssh that
   * fails shows it on that request, in its own words ({@link SshCommand.SshException}).
   */
  static DaemonConnection open(SshCommand ssh, @Nullable Duration idleTimeout) throws IOException {
    SshCommand.Tunnel tunnel = ssh.start();
    return new DaemonConnection(tunnel, null, tunnel.in(), tunnel.out(), idleTimeout);
  }

  InputStream in() {
    return in;
  }

  OutputStream out() {
    return out;
  }

  /** Whether files can be sent straight to the socket (sendfile): over a unix socket, not TCP. */
  boolean canSendFiles() {
    return channel != null;
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.stop();
    }
    try {
      resource.close();
    } catch (Exception ignored) {
      // closing a broken connection
    }
  }

  private IOException translated(IOException e) {
    return watch != null && watch.fired() && !(e instanceof IdleTimeoutException)
        ? new IdleTimeoutException(idleTimeout)
        : e;
  }

  /** The daemon sent or took nothing for the idle timeout. */
  static final class IdleTimeoutException extends IOException {
    IdleTimeoutException(Duration idleTimeout) {
      super(
          "the Docker daemon sent nothing for "
              + Durations.describe(idleTimeout)
              + "; the connection was closed");
    }
  }

  private final class Watched extends FilterInputStream {
    Watched(InputStream in) {
      super(in);
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
        n = super.read(buffer, offset, length);
        lastActivity = System.nanoTime();
      } catch (IOException e) {
        throw translated(e);
      }
      // A pipe closed by the watch (an ssh process stopped) ends in EOF rather than an exception.
      if (n < 0 && watch != null && watch.fired()) {
        throw new IdleTimeoutException(idleTimeout);
      }
      return n;
    }
  }

  private final class WatchedOutput extends FilterOutputStream {
    WatchedOutput(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      try {
        out.write(bytes, offset, length);
        lastActivity = System.nanoTime();
      } catch (IOException e) {
        throw translated(e);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        throw translated(e);
      }
    }
  }

  /** Reads a socket channel directly. */
  private static final class ChannelIn extends InputStream {
    private final SocketChannel channel;

    ChannelIn(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      int n;
      do {
        n = channel.read(ByteBuffer.wrap(buffer, offset, length));
      } while (n == 0);
      return n;
    }
  }

  /** Writes a socket channel directly. */
  private static final class ChannelOut extends OutputStream {
    private final SocketChannel channel;

    ChannelOut(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
  }

  /**
   * Sends up to {@code count} bytes of {@code file} from {@code position} through the socket
   * channel (sendfile), in slices, so that the idle watch sees a large file move.
   */
  long transfer(FileChannel file, long position, long count) throws IOException {
    try {
      long n = file.transferTo(position, Math.min(count, TRANSFER_SLICE), channel);
      lastActivity = System.nanoTime();
      return n;
    } catch (IOException e) {
      throw translated(e);
    }
  }
}
