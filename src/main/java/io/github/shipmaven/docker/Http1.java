package io.github.shipmaven.docker;

import com.github.dockerjava.transport.DockerHttpClient.Request;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import io.github.shipmaven.context.FileSink;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 framing of one request and its response on a {@link DaemonConnection}: the request head,
 * a body of known length or streamed in chunks, and the response with a chunked, sized or
 * read-to-the-end body.
 */
final class Http1 {
  private static final byte[] CRLF = {'\r', '\n'};

  private Http1() {}

  static void writeRequest(Request request, DaemonConnection connection) throws IOException {
    OutputStream out = new BufferedOutputStream(connection.out(), 64 * 1024);
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
          connection.canSendFiles()
              ? new ChunkedFileOutputStream(out, connection)
              : new ChunkedOutputStream(out);
      try (InputStream in = body) {
        in.transferTo(chunks);
      }
      chunks.finish();
    }
    out.flush();
  }

  /** Reads the response head; the body closes the connection when closed. */
  static Response readResponse(DaemonConnection connection) throws IOException {
    InputStream in = connection.in();
    String status = readLine(in);
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("[0-9]{3}")) {
      throw new IOException(
          status.isEmpty()
              ? "the Docker daemon closed the connection without an answer"
              : "not an HTTP response from the Docker daemon: " + status);
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

  /** A line without its CRLF; empty at the end of the stream. */
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
  static final class ChunkedFileOutputStream extends ChunkedOutputStream implements FileSink {
    private final DaemonConnection connection;

    /**
     * @param out the connection's buffered output
     * @param connection the same connection, for sendfile
     */
    ChunkedFileOutputStream(OutputStream out, DaemonConnection connection) {
      super(out);
      this.connection = connection;
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
        long n = connection.transfer(file, sent, length - sent);
        if (n == 0 && sent >= file.size()) {
          throw new EOFException("file ended before its stat'ed size");
        }
        sent += n;
      }
      out.write(CRLF);
    }
  }

  private static final String CUT_SHORT =
      "the Docker daemon closed the connection before the end of its answer";

  /** A response body: read in blocks (single bytes go through them); cut short is an error. */
  private abstract static class BodyInputStream extends InputStream {
    final InputStream in;

    BodyInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    /** Up to {@code length} bytes of the body, of which {@code remaining} are still to come. */
    int readSome(byte[] buffer, int offset, int length, long remaining) throws IOException {
      int n = in.read(buffer, offset, (int) Math.min(length, remaining));
      if (n == -1) {
        throw new EOFException(CUT_SHORT);
      }
      return n;
    }
  }

  /** HTTP/1.1 chunked transfer decoding. */
  static final class ChunkedInputStream extends BodyInputStream {
    private long remaining;
    private boolean done;

    ChunkedInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (done) {
        return -1;
      }
      if (remaining == 0) {
        String size = readLine(in);
        int extension = size.indexOf(';');
        String hex = (extension >= 0 ? size.substring(0, extension) : size).trim();
        if (!hex.matches("[0-9a-fA-F]{1,15}")) {
          throw new EOFException(
              hex.isEmpty() ? CUT_SHORT : "a malformed chunk from the Docker daemon: " + hex);
        }
        remaining = Long.parseLong(hex, 16);
        if (remaining == 0) {
          for (String trailer; !(trailer = readLine(in)).isEmpty(); ) {
            // trailers carry nothing the client needs
          }
          done = true;
          return -1;
        }
      }
      int n = readSome(buffer, offset, length, remaining);
      remaining -= n;
      if (remaining == 0) {
        readLine(in); // the CRLF after each chunk
      }
      return n;
    }
  }

  /** A body of known length. */
  static final class LimitedInputStream extends BodyInputStream {
    private long remaining;

    LimitedInputStream(InputStream in, long length) {
      super(in);
      this.remaining = length;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = readSome(buffer, offset, length, remaining);
      remaining -= n;
      return n;
    }
  }
}
