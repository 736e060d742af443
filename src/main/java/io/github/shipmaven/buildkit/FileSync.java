package io.github.shipmaven.buildkit;

import io.github.shipmaven.context.ContextEntry;
import io.github.shipmaven.context.ContextWalker;
import io.github.shipmaven.context.DockerIgnore;
import io.github.shipmaven.core.ShipException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * BuildKit's file sync, the sending side ({@code moby.filesync.v1.FileSync/DiffCopy}, fsutil's
 * protocol): BuildKit names a directory ({@code dir-name}: {@code context} or {@code dockerfile})
 * and, in the call's metadata, what it wants of it ({@code followpaths}, {@code include-patterns},
 * {@code exclude-patterns}: the {@code .dockerignore} lines, which the frontend read through an
 * earlier call). This side sends a {@code Stat} packet per entry in {@link ContextWalker}'s order
 * and an empty one at the end; BuildKit compares them with what it kept from the last build under
 * the session's shared key and requests ({@code REQ}, by the index of the stat) only the files that
 * are new or changed, which go back in {@code DATA} packets of at most 32 KiB. Files it does not
 * request are never opened. It ends the call with {@code FIN}.
 *
 * <p>Names go as the file system's bytes, as the docker CLI sends them, although {@code Stat.path}
 * and {@code Stat.linkname} are proto3 {@code string}s. Docker 20.10's BuildKit takes a name that
 * is not UTF-8; Docker 28.5's cannot read the stat that carries one ({@code grpc: failed to
 * unmarshal the received message: string field contains invalid UTF-8}): it resets the call and
 * fails the build with those words, naming no file. So the first such name sent is noted, and
 * {@link #refusedName} turns that error into a line naming it.
 */
final class FileSync {
  static final String DIFF_COPY = "/moby.filesync.v1.FileSync/DiffCopy";
  static final int STAT = 0;
  static final int REQ = 1;
  static final int DATA = 2;
  static final int FIN = 3;
  static final int ERR = 4;
  private static final int CHUNK = 32 * 1024;

  private final Map<String, Path> directories;
  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicLong filesSent = new AtomicLong();
  private final AtomicLong entriesListed = new AtomicLong();
  private volatile @Nullable ShipException failure;
  private volatile @Nullable ContextEntry notUtf8;
  private final AtomicLong notUtf8Sent = new AtomicLong();
  private volatile Function<GrpcCall, GrpcCall.Tap> taps = call -> GrpcCall.Tap.NONE;

  /**
   * @param directories what each {@code dir-name} serves: {@code context} and {@code dockerfile}
   */
  FileSync(Map<String, Path> directories) {
    this.directories = Map.copyOf(directories);
  }

  GrpcMethod method() {
    return new GrpcMethod(DIFF_COPY, this::diffCopy);
  }

  /** Bytes of file content sent so far. */
  long bytesSent() {
    return bytesSent.get();
  }

  /** Files whose content was sent. */
  long filesSent() {
    return filesSent.get();
  }

  /** Entries listed (stat'ed) across all calls. */
  long entriesListed() {
    return entriesListed.get();
  }

  /** What could not be read, in the user's words; null if everything could. */
  @Nullable ShipException failure() {
    return failure;
  }

  /**
   * The one line for a build the daemon failed because a name sent was not UTF-8: {@code
   * daemonError} must be BuildKit's refusal (gRPC's {@code string field contains invalid UTF-8})
   * and a name that is not UTF-8 must have been sent; else null (an engine that took such names, as
   * Docker 20.10, never says so, and the refusal names no file: both are needed).
   *
   * @param engine the engine, for the message ({@code Docker 28.5.2}); null if unknown
   */
  @Nullable ShipException refusedName(String daemonError, @Nullable String engine) {
    ContextEntry entry = notUtf8;
    if (entry == null || !daemonError.contains("invalid UTF-8")) {
      return null;
    }
    String refuses = (engine == null ? "this Docker daemon" : engine) + "'s BuildKit refuses: ";
    long others = notUtf8Sent.get() - 1;
    String more =
        others == 0 ? "" : " (and " + others + " more such name" + (others == 1 ? ")" : "s)");
    if (isUtf8(entry.rawPath())) {
      return ShipException.config(
          "docker build failed: the build context has a symlink whose target is not UTF-8, which "
              + refuses
              + readable(entry.rawPath())
              + " -> "
              + readable(entry.rawLinkTarget())
              + more
              + "; point it at a UTF-8 name, or add it to .dockerignore.");
    }
    return ShipException.config(
        "docker build failed: the build context has a file name that is not UTF-8, which "
            + refuses
            + readable(entry.rawPath())
            + more
            + "; rename it, or add it to .dockerignore.");
  }

  /** Notes an entry whose name, or symlink target, is not UTF-8: the first is named on refusal. */
  private void noteNotUtf8(ContextEntry entry) {
    boolean target =
        entry.kind() == ContextEntry.Kind.SYMLINK
            && entry.rawLinkTarget() != null
            && !isUtf8(entry.rawLinkTarget());
    if (target || !isUtf8(entry.rawPath())) {
      if (notUtf8Sent.getAndIncrement() == 0) {
        notUtf8 = entry;
      }
    }
  }

  /** Whether {@code bytes} are UTF-8 as Go's {@code utf8.Valid} has it (no surrogates). */
  static boolean isUtf8(byte[] bytes) {
    boolean ascii = true;
    for (byte b : bytes) {
      ascii &= b >= 0;
    }
    if (ascii) {
      return true; // most names: no decoder for each entry listed
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /**
   * A name for one line of text, as git quotes paths: UTF-8 as it is; each byte that is not part of
   * UTF-8, and control and line-breaking characters, as a backslash and three octal digits ({@code
   * bad\377name}); a backslash doubled.
   */
  static String readable(byte[] name) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(name);
    CharBuffer out = CharBuffer.allocate(name.length + 1);
    StringBuilder text = new StringBuilder();
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      out.flip();
      while (out.hasRemaining()) {
        char c = out.get();
        int type = Character.getType(c);
        if (c == '\\') {
          text.append("\\\\");
        } else if (Character.isISOControl(c)
            || type == Character.LINE_SEPARATOR
            || type == Character.PARAGRAPH_SEPARATOR) {
          for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
            octal(text, b);
          }
        } else {
          text.append(c);
        }
      }
      out.clear();
      if (result.isError()) {
        for (int i = 0; i < result.length(); i++) {
          octal(text, in.get());
        }
      } else if (result.isUnderflow()) {
        return text.toString();
      }
    }
  }

  private static void octal(StringBuilder text, byte b) {
    String digits = Integer.toOctalString(b & 0xff);
    text.append('\\').append("000", digits.length(), 3).append(digits);
  }

  /** Taps every call (the tests' recorder of real daemons' exchanges). */
  void tap(Function<GrpcCall, GrpcCall.Tap> taps) {
    this.taps = taps;
  }

  void diffCopy(GrpcCall call) throws IOException, GrpcException {
    call.tap(taps.apply(call));
    String name = call.metadata("dir-name");
    Path root = name == null ? null : directories.get(name);
    if (root == null) {
      throw new GrpcException(GrpcException.NOT_FOUND, "no access allowed to dir \"" + name + "\"");
    }
    List<String> includes = includes(root, call);
    DockerIgnore excludes = DockerIgnore.of(call.metadataValues("exclude-patterns"));
    List<ContextEntry> listed = new ArrayList<>();
    try {
      ContextWalker.walk(
          root,
          excludes,
          includes,
          true,
          entry -> {
            listed.add(entry);
            noteNotUtf8(entry);
            call.write(packet(STAT).message(2, stat(entry)).toByteArray(), false);
          });
    } catch (ShipException e) {
      failure = e;
      throw new GrpcException(GrpcException.UNKNOWN, e.getMessage());
    }
    entriesListed.addAndGet(listed.size());
    call.write(new byte[0]); // an empty packet: the listing is complete
    for (byte[] message; (message = call.read()) != null; ) {
      Packet packet = Packet.read(message);
      switch (packet.type()) {
        case REQ -> send(call, listed, packet.id());
        case FIN -> {
          call.write(packet(FIN).toByteArray());
          return;
        }
        case ERR -> {
          return; // BuildKit gave up (the build failed or was cancelled): its error says why
        }
        default ->
            throw new GrpcException(
                GrpcException.INVALID_ARGUMENT, "unexpected packet type " + packet.type());
      }
    }
  }

  /** {@code followpaths} and {@code include-patterns}, with the targets of followed symlinks. */
  private static @Nullable List<String> includes(Path root, GrpcCall call) {
    List<String> follow = call.metadataValues("followpaths");
    List<String> patterns = call.metadataValues("include-patterns");
    if (follow.isEmpty() && patterns.isEmpty()) {
      return null;
    }
    Set<String> includes = new LinkedHashSet<>(patterns);
    for (String path : follow) {
      includes.add(path);
      // As fsutil: a followed path that is a symlink brings its target (inside the root) along.
      Path current = root.resolve(path).normalize();
      for (int hops = 0; hops < 40 && Files.isSymbolicLink(current); hops++) {
        try {
          Path target = current.resolveSibling(Files.readSymbolicLink(current)).normalize();
          if (!target.startsWith(root)) {
            break;
          }
          includes.add(root.relativize(target).toString().replace('\\', '/'));
          current = target;
        } catch (IOException unreadable) {
          break;
        }
      }
    }
    return List.copyOf(includes);
  }

  private void send(GrpcCall call, List<ContextEntry> listed, long id)
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
          throw new EOFException(entry.file() + " shrank while the build context was sent");
        }
        call.write(packet(DATA).varint(3, id).bytes(4, chunk, 0, n).toByteArray(), false);
        bytesSent.addAndGet(n);
        left -= n;
      }
    } catch (AccessDeniedException e) {
      ShipException unreadable =
          ShipException.config(
              "The build context has "
                  + entry.path()
                  + " ("
                  + entry.file()
                  + "), which cannot be read: fix its permissions, or exclude it in"
                  + " .dockerignore.");
      failure = unreadable;
      throw new GrpcException(GrpcException.PERMISSION_DENIED, unreadable.getMessage());
    } catch (NoSuchFileException | EOFException e) {
      ShipException changed =
          ShipException.failed(
              "The build context's "
                  + entry.path()
                  + " ("
                  + entry.file()
                  + ") was removed or shrank while BuildKit read the context: build again once"
                  + " nothing writes to the context.");
      failure = changed;
      throw new GrpcException(GrpcException.NOT_FOUND, changed.getMessage());
    }
    call.write(packet(DATA).varint(3, id).toByteArray()); // an empty DATA: the file is complete
    filesSent.incrementAndGet();
  }

  private static ProtoWire.Writer packet(int type) {
    return new ProtoWire.Writer().varint(1, type);
  }

  /** fsutil's {@code Stat}; owners are sent as root, as the docker CLI does. */
  static ProtoWire.Writer stat(ContextEntry entry) {
    ProtoWire.Writer stat =
        new ProtoWire.Writer()
            .bytes(1, entry.rawPath())
            .varint(2, entry.goMode() & 0xffffffffL)
            .varint(5, entry.size())
            .varint(6, entry.modifiedUnixNanos());
    if (entry.rawLinkTarget() != null) {
      stat.bytes(7, entry.rawLinkTarget());
    }
    return stat;
  }

  /** A packet as BuildKit sends them: its type and, for REQ, the index of the stat. */
  record Packet(int type, long id, String error) {
    static Packet read(byte[] message) {
      ProtoWire.Reader in = new ProtoWire.Reader(message);
      int type = STAT;
      long id = 0;
      String error = "";
      while (in.more()) {
        int tag = in.tag();
        if (tag == ProtoWire.tag(1, ProtoWire.VARINT)) {
          type = (int) in.varint();
        } else if (tag == ProtoWire.tag(3, ProtoWire.VARINT)) {
          id = in.varint();
        } else if (tag == ProtoWire.tag(4, ProtoWire.LENGTH_DELIMITED)) {
          error = in.string();
        } else {
          in.skip(tag);
        }
      }
      return new Packet(type, id, error);
    }
  }
}
