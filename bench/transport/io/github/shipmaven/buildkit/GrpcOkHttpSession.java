package io.github.shipmaven.buildkit;

import io.github.shipmaven.context.ContextEntry;
import io.github.shipmaven.context.ContextWalker;
import io.github.shipmaven.context.DockerIgnore;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.docker.DockerDaemon;
import io.github.shipmaven.docker.UpgradedConnection;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.okhttp.OkHttpServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ServerSocketFactory;

/**
 * The other contender: grpc-java's OkHttp server transport ({@code io.grpc:grpc-okhttp}) serving
 * the session, as the prototypes of issue 20 did. The daemon connection upgraded by {@code POST
 * /session} (the plugin's own {@link DockerDaemon#upgrade}, as for the plugin's session) is handed
 * to the server through a {@link ServerSocketFactory} whose socket's {@code accept()} returns it
 * once. Methods are declared by hand with a pass-through byte marshaller (no generated code, no
 * protobuf-java); each call runs on a thread of its own behind a blocking adapter (read a message,
 * write a message, waiting on gRPC's {@code isReady} flow control), as the plugin's handlers do.
 *
 * <p>DiffCopy is the plugin's FileSync logic on that adapter: the same walk ({@link
 * ContextWalker}), the same stat encoding ({@link FileSync#stat}) and packet reader ({@link
 * FileSync.Packet}), the same 32 KiB chunks. (FileSync itself takes the plugin's {@link GrpcCall},
 * which exists only on okhttp's HTTP/2 stream; its loop is repeated here, without the symlink
 * targets of {@code followpaths}, which the bench's context has none of.)
 */
final class GrpcOkHttpSession implements TransportBench.Contender {
  private static final AtomicLong BYTES_SENT = new AtomicLong();
  private static final AtomicLong FILES_SENT = new AtomicLong();
  private static final int CHUNK = 32 * 1024;
  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final String id;
  private final Server server;
  private final UpgradedConnection connection;
  private final ExecutorService calls;

  private GrpcOkHttpSession(
      String id, Server server, UpgradedConnection connection, ExecutorService calls) {
    this.id = id;
    this.server = server;
    this.connection = connection;
    this.calls = calls;
  }

  /** A blocking handler of one call. */
  @FunctionalInterface
  interface Handler {
    void serve(BlockingCall call) throws IOException, GrpcException;
  }

  static GrpcOkHttpSession open(
      DockerDaemon daemon, String name, String sharedKey, Path context, ShipLog log)
      throws IOException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String id = Session.newId();
    headers.put("X-Docker-Expose-Session-Uuid", List.of(id));
    headers.put("X-Docker-Expose-Session-Name", List.of(name));
    headers.put("X-Docker-Expose-Session-Sharedkey", List.of(sharedKey));
    headers.put(
        "X-Docker-Expose-Session-Grpc-Method", List.of(Session.HEALTH_CHECK, FileSync.DIFF_COPY));
    UpgradedConnection connection = daemon.upgrade("/session", "h2c", headers);
    ExecutorService calls =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "grpc-session-call");
              thread.setDaemon(true);
              return thread;
            });
    OkHttpServerBuilder builder =
        OkHttpServerBuilder.forPort(0, InsecureServerCredentials.create())
            .socketFactory(new OneConnection(new UpgradedSocket(connection)));
    if (System.getProperty("bench.grpc.direct") != null) {
      builder.directExecutor();
    }
    Server server =
        builder
            .addService(
                service(
                    "grpc.health.v1.Health",
                    "Check",
                    MethodDescriptor.MethodType.UNARY,
                    calls,
                    GrpcOkHttpSession::health))
            .addService(
                service(
                    "moby.filesync.v1.FileSync",
                    "DiffCopy",
                    MethodDescriptor.MethodType.BIDI_STREAMING,
                    calls,
                    call -> {
                      TransportBench.mark("first-call");
                      diffCopy(call, context);
                    }))
            .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
    log.debug("grpc-okhttp session " + id + " open");
    return new GrpcOkHttpSession(id, server, connection, calls);
  }

  static long bytesSent() {
    return BYTES_SENT.get();
  }

  static long filesSent() {
    return FILES_SENT.get();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public void close() {
    calls.shutdownNow();
    server.shutdownNow();
    connection.close();
  }

  private static ServerServiceDefinition service(
      String service,
      String method,
      MethodDescriptor.MethodType type,
      ExecutorService calls,
      Handler handler) {
    MethodDescriptor<byte[], byte[]> descriptor =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(type)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(service, method))
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    return ServerServiceDefinition.builder(service)
        .addMethod(
            descriptor,
            (call, metadata) -> {
              BlockingCall blocking = new BlockingCall(call, metadata);
              call.request(1);
              calls.execute(() -> blocking.run(handler));
              return blocking;
            })
        .build();
  }

  /** {@code HealthCheckResponse{status: SERVING}}. */
  private static void health(BlockingCall call) throws IOException {
    call.read();
    call.write(new ProtoWire.Writer().varint(1, 1).toByteArray());
    TransportBench.mark("health");
  }

  /** FileSync.diffCopy's loop, on grpc-java's call. */
  private static void diffCopy(BlockingCall call, Path context) throws IOException, GrpcException {
    String name = call.metadata("dir-name");
    if (!"context".equals(name) && !"dockerfile".equals(name)) {
      throw new GrpcException(GrpcException.NOT_FOUND, "no access allowed to dir \"" + name + "\"");
    }
    List<String> follow = call.metadataValues("followpaths");
    List<String> patterns = call.metadataValues("include-patterns");
    List<String> includes = null;
    if (!follow.isEmpty() || !patterns.isEmpty()) {
      Set<String> all = new LinkedHashSet<>(patterns);
      all.addAll(follow);
      includes = List.copyOf(all);
    }
    DockerIgnore excludes = DockerIgnore.of(call.metadataValues("exclude-patterns"));
    List<ContextEntry> listed = new ArrayList<>();
    ContextWalker.walk(
        context,
        excludes,
        includes,
        true,
        entry -> {
          listed.add(entry);
          call.write(
              new ProtoWire.Writer()
                  .varint(1, FileSync.STAT)
                  .message(2, FileSync.stat(entry))
                  .toByteArray());
        });
    call.write(new byte[0]);
    for (byte[] message; (message = call.read()) != null; ) {
      FileSync.Packet packet = FileSync.Packet.read(message);
      switch (packet.type()) {
        case FileSync.REQ -> send(call, listed, packet.id());
        case FileSync.FIN -> {
          call.write(new ProtoWire.Writer().varint(1, FileSync.FIN).toByteArray());
          return;
        }
        case FileSync.ERR -> {
          return;
        }
        default ->
            throw new GrpcException(
                GrpcException.INVALID_ARGUMENT, "unexpected packet type " + packet.type());
      }
    }
  }

  private static void send(BlockingCall call, List<ContextEntry> listed, long id)
      throws IOException, GrpcException {
    if (id < 0 || id >= listed.size() || listed.get((int) id).kind() != ContextEntry.Kind.FILE) {
      throw new GrpcException(GrpcException.INVALID_ARGUMENT, "invalid file request " + id);
    }
    ContextEntry entry = listed.get((int) id);
    byte[] chunk = new byte[CHUNK];
    long left = entry.size();
    try (FileChannel file = FileChannel.open(entry.file(), LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buffer = ByteBuffer.wrap(chunk);
      while (left > 0) {
        buffer.clear().limit((int) Math.min(CHUNK, left));
        int n = file.read(buffer);
        if (n < 0) {
          throw new IOException(entry.file() + " shrank");
        }
        call.write(
            new ProtoWire.Writer()
                .varint(1, FileSync.DATA)
                .varint(3, id)
                .bytes(4, chunk, 0, n)
                .toByteArray());
        BYTES_SENT.addAndGet(n);
        left -= n;
      }
    }
    call.write(new ProtoWire.Writer().varint(1, FileSync.DATA).varint(3, id).toByteArray());
    FILES_SENT.incrementAndGet();
  }

  /**
   * One call as a blocking handler sees it: messages from gRPC's listener are queued for {@link
   * #read}; {@link #write} waits while the call is not ready (HTTP/2 flow control). Only the
   * handler's thread calls the ServerCall's methods after the call started.
   */
  static final class BlockingCall extends ServerCall.Listener<byte[]> {
    private static final Object END = new Object();
    private static final Object CANCELLED = new Object();

    private final ServerCall<byte[], byte[]> call;
    private final Metadata metadata;
    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final Object ready = new Object();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private boolean headersSent;

    BlockingCall(ServerCall<byte[], byte[]> call, Metadata metadata) {
      this.call = call;
      this.metadata = metadata;
    }

    String metadata(String key) {
      return metadata.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
    }

    List<String> metadataValues(String key) {
      Iterable<String> values =
          metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
      List<String> list = new ArrayList<>();
      if (values != null) {
        values.forEach(list::add);
      }
      return list;
    }

    /** The next request message, or null after the last. */
    byte[] read() throws IOException {
      Object message;
      try {
        message = messages.poll(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
      if (message == null) {
        throw new IOException("the daemon sent nothing for 60 s");
      }
      if (message == CANCELLED) {
        throw new IOException("the call was cancelled");
      }
      if (message == END) {
        return null;
      }
      call.request(1);
      return (byte[]) message;
    }

    void write(byte[] message) throws IOException {
      if (!headersSent) {
        headersSent = true;
        call.sendHeaders(new Metadata());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      synchronized (ready) {
        while (!call.isReady() && !cancelled.get()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new IOException("the daemon took nothing for 60 s");
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(ready, left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
          }
        }
      }
      if (cancelled.get()) {
        throw new IOException("the call was cancelled");
      }
      call.sendMessage(message);
    }

    void run(Handler handler) {
      try {
        handler.serve(this);
        call.close(Status.OK, new Metadata());
      } catch (GrpcException e) {
        call.close(Status.fromCodeValue(e.code()).withDescription(e.getMessage()), new Metadata());
      } catch (IOException | RuntimeException e) {
        if (!cancelled.get()) {
          call.close(Status.INTERNAL.withDescription(String.valueOf(e)), new Metadata());
        }
      }
    }

    @Override
    public void onMessage(byte[] message) {
      messages.add(message);
    }

    @Override
    public void onHalfClose() {
      messages.add(END);
    }

    @Override
    public void onCancel() {
      cancelled.set(true);
      messages.add(CANCELLED);
      onReady();
    }

    @Override
    public void onReady() {
      synchronized (ready) {
        ready.notifyAll();
      }
    }
  }

  /** A server socket that is never bound: its one connection is the upgraded daemon connection. */
  private static final class OneConnection extends ServerSocketFactory {
    private final Socket socket;

    OneConnection(Socket socket) {
      this.socket = socket;
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
      return new ServerSocket() {
        private final AtomicBoolean taken = new AtomicBoolean();
        private final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void bind(SocketAddress endpoint, int backlog) {
          // nothing to listen on: the connection exists already
        }

        @Override
        public Socket accept() throws IOException {
          if (taken.compareAndSet(false, true)) {
            return socket;
          }
          try {
            closed.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new SocketException("closed");
        }

        @Override
        public SocketAddress getLocalSocketAddress() {
          return InetSocketAddress.createUnresolved("docker-session", 0);
        }

        @Override
        public void close() {
          closed.countDown();
        }

        @Override
        public boolean isClosed() {
          return closed.getCount() == 0;
        }
      };
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return createServerSocket();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      return createServerSocket();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, java.net.InetAddress address)
        throws IOException {
      return createServerSocket();
    }
  }

  /** The upgraded connection as the {@link Socket} grpc-okhttp's transport reads and writes. */
  private static final class UpgradedSocket extends Socket {
    private final UpgradedConnection connection;
    private volatile boolean closed;

    UpgradedSocket(UpgradedConnection connection) {
      this.connection = connection;
    }

    @Override
    public InputStream getInputStream() {
      return connection.in();
    }

    @Override
    public OutputStream getOutputStream() {
      return connection.out();
    }

    @Override
    public void setTcpNoDelay(boolean on) {
      // a unix socket: nothing to set
    }

    @Override
    public boolean isConnected() {
      return true;
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
      return InetSocketAddress.createUnresolved("docker", 0);
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
      return InetSocketAddress.createUnresolved("docker-session", 0);
    }

    @Override
    public void shutdownOutput() {
      connection.close();
    }

    @Override
    public void close() {
      closed = true;
      connection.close();
    }
  }
}
