package io.github.shipmaven.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import io.github.shipmaven.context.FileSink;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A small HTTP/1.1 transport for docker-java over a unix socket or TCP (with TLS), one connection a
 * request.
 *
 * <p>Why not docker-java's own transports: their Apache httpclient logs every request header at
 * debug level, and {@code mvn -X} turns that on, printing {@code X-Registry-Auth}, the registry
 * password in base64. This one logs nothing. It also streams request bodies (chunked) instead of
 * buffering them.
 */
final class DockerSocketClient implements DockerHttpClient {
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final byte[] CRLF = {'\r', '\n'};

  private final URI host;
  private final SSLContext tls;

  /**
   * @param host {@code unix:///path} or {@code tcp://host:port}
   * @param tls the TLS context for TCP, or null for plain TCP
   */
  DockerSocketClient(URI host, SSLContext tls) {
    this.host = host;
    this.tls = tls;
  }

  @Override
  public Response execute(Request request) {
    if (request.hijackedInput() != null) {
      throw new IllegalArgumentException(
          "hijacked connections (attach) are not used by this plugin");
    }
    try {
      Connection connection = connect();
      try {
        writeRequest(request, connection);
        return readResponse(connection);
      } catch (IOException | RuntimeException e) {
        connection.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Pings the daemon: its Engine API version from the {@code Api-Version} header of {@code /_ping},
   * or null from a daemon too old to send it. One round trip, nothing to parse.
   */
  String ping() {
    try (Response response =
        execute(Request.builder().method(Request.Method.GET).path("/_ping").build())) {
      if (response.getStatusCode() != 200) {
        throw new IllegalStateException("/_ping answered HTTP " + response.getStatusCode());
      }
      return response.getHeader("Api-Version");
    }
  }

  @Override
  public void close() {
    // nothing pooled: each response closes its own connection
  }

  /** {@code channel} is the unix socket, which files can be sent to directly; null for TCP. */
  private record Connection(
      InputStream in, OutputStream out, WritableByteChannel channel, AutoCloseable resource) {
    void close() {
      try {
        resource.close();
      } catch (Exception ignored) {
        // closing a broken connection
      }
    }
  }

  private Connection connect() throws IOException {
    if ("unix".equals(host.getScheme())) {
      SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(host.getPath()));
      return new Connection(
          new BufferedInputStream(Channels.newInputStream(channel)),
          Channels.newOutputStream(channel),
          channel,
          channel);
    }
    Socket socket = new Socket();
    String name = DockerHost.hostName(host);
    int port = DockerHost.port(host);
    socket.connect(new InetSocketAddress(name, port), CONNECT_TIMEOUT_MILLIS);
    if (tls != null) {
      SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, name, port, true);
      // As the docker CLI does: the daemon's certificate must name the host dialled, not merely
      // be signed by the CA.
      SSLParameters parameters = secured.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      secured.setSSLParameters(parameters);
      socket = secured;
    }
    return new Connection(
        new BufferedInputStream(socket.getInputStream()), socket.getOutputStream(), null, socket);
  }

  private static void writeRequest(Request request, Connection connection) throws IOException {
    OutputStream out = new java.io.BufferedOutputStream(connection.out(), 64 * 1024);
    StringBuilder head = new StringBuilder();
    head.append(request.method()).append(' ').append(request.path()).append(" HTTP/1.1\r\n");
    head.append("Host: docker\r\nConnection: close\r\n");
    request
        .headers()
        .forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    byte[] bytes = request.bodyBytes();
    InputStream body = bytes == null ? request.body() : null;
    if (bytes != null) {
      head.append("Content-Length: ").append(bytes.length).append("\r\n");
    } else if (body != null) {
      head.append("Transfer-Encoding: chunked\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (bytes != null) {
      out.write(bytes);
    } else if (body != null) {
      // transferTo lets a body that can write itself (the build context) write straight in.
      ChunkedOutputStream chunks =
          connection.channel() == null
              ? new ChunkedOutputStream(out)
              : new ChunkedChannelOutputStream(out, connection.channel());
      try (InputStream in = body) {
        in.transferTo(chunks);
      }
      chunks.finish();
    }
    out.flush();
  }

  private static Response readResponse(Connection connection) throws IOException {
    InputStream in = connection.in();
    String status = readLine(in);
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP response from the Docker daemon: " + status);
    }
    int code = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String line; !(line = readLine(in)).isEmpty(); ) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers
            .computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
    }
    InputStream body;
    String encoding = first(headers, "Transfer-Encoding");
    String length = first(headers, "Content-Length");
    if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      body = new ChunkedInputStream(in);
    } else if (length != null) {
      body = new LimitedInputStream(in, Long.parseLong(length));
    } else if (code == 204 || code == 304) {
      body = InputStream.nullInputStream();
    } else {
      body = in; // until the daemon closes the connection
    }
    InputStream closingBody =
        new FilterInputStream(body) {
          @Override
          public void close() {
            connection.close();
          }
        };
    return new Response() {
      @Override
      public int getStatusCode() {
        return code;
      }

      @Override
      public Map<String, List<String>> getHeaders() {
        return headers;
      }

      @Override
      public InputStream getBody() {
        return closingBody;
      }

      @Override
      public void close() {
        connection.close();
      }
    };
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    for (int b; (b = in.read()) != -1; ) {
      if (b == '\n') {
        break;
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  /** HTTP/1.1 chunked transfer encoding: small writes are gathered into chunks of up to 256 kB. */
  static class ChunkedOutputStream extends OutputStream {
    final OutputStream out;
    private final byte[] buffer = new byte[256 * 1024];
    private int count;

    /**
     * @param out the connection
     */
    ChunkedOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      if (count == buffer.length) {
        flushChunk();
      }
      buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (length > buffer.length - count) {
        flushChunk();
      }
      if (length >= buffer.length) {
        chunk(bytes, offset, length);
      } else {
        System.arraycopy(bytes, offset, buffer, count, length);
        count += length;
      }
    }

    @Override
    public void flush() throws IOException {
      flushChunk();
      out.flush();
    }

    @Override
    public void close() throws IOException {
      flush(); // the socket stays open for the response
    }

    /** Sends what is gathered and the last chunk, which ends the body. */
    void finish() throws IOException {
      flushChunk();
      out.write(new byte[] {'0', '\r', '\n', '\r', '\n'});
      out.flush();
    }

    final void flushChunk() throws IOException {
      if (count > 0) {
        chunk(buffer, 0, count);
        count = 0;
      }
    }

    private void chunk(byte[] bytes, int offset, int length) throws IOException {
      chunkHeader(length);
      out.write(bytes, offset, length);
      out.write(CRLF);
    }

    final void chunkHeader(long length) throws IOException {
      out.write(Long.toHexString(length).getBytes(StandardCharsets.ISO_8859_1));
      out.write(CRLF);
    }
  }

  /**
   * Chunked encoding over a unix socket: a file is one chunk whose bytes the kernel sends
   * (sendfile), never copied through the heap.
   */
  static final class ChunkedChannelOutputStream extends ChunkedOutputStream implements FileSink {
    private final WritableByteChannel channel;

    /**
     * @param out the connection
     * @param channel the same connection as a channel
     */
    ChunkedChannelOutputStream(OutputStream out, WritableByteChannel channel) {
      super(out);
      this.channel = channel;
    }

    @Override
    public void transferFrom(FileChannel file, long length) throws IOException {
      flushChunk();
      if (length == 0) {
        return; // a zero-length chunk would end the body
      }
      chunkHeader(length);
      out.flush();
      for (long sent = 0; sent < length; ) {
        long n = file.transferTo(sent, length - sent, channel);
        if (n == 0 && sent >= file.size()) {
          throw new EOFException("file ended before its stat'ed size");
        }
        sent += n;
      }
      out.write(CRLF);
    }
  }

  /** HTTP/1.1 chunked transfer decoding. */
  static final class ChunkedInputStream extends InputStream {
    private final InputStream in;
    private long remaining;
    private boolean done;

    ChunkedInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (done) {
        return -1;
      }
      if (remaining == 0) {
        String size = readLine(in);
        int extension = size.indexOf(';');
        remaining =
            Long.parseLong((extension >= 0 ? size.substring(0, extension) : size).trim(), 16);
        if (remaining == 0) {
          for (String trailer; !(trailer = readLine(in)).isEmpty(); ) {
            // trailers carry nothing the client needs
          }
          done = true;
          return -1;
        }
      }
      int n = in.read(buffer, offset, (int) Math.min(length, remaining));
      if (n == -1) {
        throw new IOException("the Docker daemon closed the connection inside a chunk");
      }
      remaining -= n;
      if (remaining == 0) {
        readLine(in); // the CRLF after each chunk
      }
      return n;
    }
  }

  /** A body of known length. */
  static final class LimitedInputStream extends InputStream {
    private final InputStream in;
    private long remaining;

    LimitedInputStream(InputStream in, long length) {
      this.in = in;
      this.remaining = length;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b != -1) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(buffer, offset, (int) Math.min(length, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }
}
