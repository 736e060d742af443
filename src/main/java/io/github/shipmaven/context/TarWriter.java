package io.github.shipmaven.context;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncoding;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

/**
 * Writes an uncompressed tar as the docker CLI does: ustar headers (formatted by commons-compress),
 * a PAX record for a name, link target or size that does not fit, entries owned by root with
 * whole-second times, and two zero blocks at the end. File contents go to a {@link FileSink}
 * untouched when the destination is one, else through a buffer.
 */
final class TarWriter {
  private static final int BLOCK = 512;
  private static final byte[] ZEROS = new byte[2 * BLOCK];
  private static final long MAX_OCTAL_SIZE = 077777777777L;
  private static final ZipEncoding UTF_8 = ZipEncodingHelper.getZipEncoding(StandardCharsets.UTF_8);

  private final OutputStream out;
  private final FileSink sink;
  private final byte[] header = new byte[BLOCK];
  private byte[] copyBuffer;

  TarWriter(OutputStream destination) {
    this.sink = destination instanceof FileSink fileSink ? fileSink : null;
    // A sink buffers its own small writes; anything else gets a buffer for the 512-byte headers.
    this.out = sink != null ? destination : new BufferedOutputStream(destination, 256 * 1024);
  }

  /** One entry: a header, and for a regular file its bytes (read now, as stat'ed). */
  void write(ContextEntry entry) throws IOException {
    switch (entry.kind()) {
      case DIRECTORY -> writeHeader(entry(entry.path() + "/", TarConstants.LF_DIR, entry), entry);
      case SYMLINK -> {
        TarArchiveEntry header = entry(entry.path(), TarConstants.LF_SYMLINK, entry);
        header.setLinkName(entry.linkTarget());
        writeHeader(header, entry);
      }
      case HARDLINK -> {
        // As the CLI's tar: a link to the first name of the inode, no content.
        TarArchiveEntry header = entry(entry.path(), TarConstants.LF_LINK, entry);
        header.setLinkName(entry.linkTarget());
        writeHeader(header, entry);
      }
      case FILE -> file(entry);
    }
  }

  /** A regular file of {@code size} bytes (as stat'ed); fails if it shrinks meanwhile. */
  private void file(ContextEntry entry) throws IOException {
    long size = entry.size();
    Path file = entry.file();
    TarArchiveEntry header = entry(entry.path(), TarConstants.LF_NORMAL, entry);
    header.setSize(size);
    writeHeader(header, entry);
    try (FileChannel channel = FileChannel.open(file)) {
      if (channel.size() < size) {
        throw new EOFException();
      }
      if (sink != null) {
        sink.transferFrom(channel, size);
      } else {
        copy(channel, size);
      }
    } catch (EOFException e) { // before or while it is sent, by either path
      throw new IOException(file + " shrank while the build context was sent", e);
    }
    out.write(ZEROS, 0, (int) ((BLOCK - size % BLOCK) % BLOCK));
  }

  /** The end-of-archive marker; the destination stays open. */
  void finish() throws IOException {
    out.write(ZEROS);
    out.flush();
  }

  private static TarArchiveEntry entry(String name, byte type, ContextEntry source) {
    TarArchiveEntry header = entry(name, type, source.tarMode(), source.modifiedSeconds());
    return header;
  }

  private static TarArchiveEntry entry(String name, byte type, int mode, long modifiedSeconds) {
    TarArchiveEntry entry = new TarArchiveEntry(name, type);
    entry.setMode(mode);
    // A time the header's octal field cannot hold goes in a PAX record (see writeHeader).
    entry.setModTime(fitsOctal(modifiedSeconds) ? modifiedSeconds * 1000 : 0);
    entry.setIds(0, 0);
    entry.setUserName("");
    entry.setGroupName("");
    return entry;
  }

  private static boolean fitsOctal(long seconds) {
    return seconds >= 0 && seconds <= MAX_OCTAL_SIZE;
  }

  private void writeHeader(TarArchiveEntry entry, ContextEntry source) throws IOException {
    Map<String, byte[]> pax = new LinkedHashMap<>();
    if (!fitsOctal(source.modifiedSeconds())) {
      // Go's tar (the CLI's) writes such a time as a PAX record: before 1970, or past 2242.
      pax.put("mtime", ascii(Long.toString(source.modifiedSeconds())));
    }
    byte[] rawName =
        source.kind() == ContextEntry.Kind.DIRECTORY
            ? RawNames.slash(source.rawPath())
            : source.rawPath();
    if (utf8Length(entry.getName()) >= TarConstants.NAMELEN
        || !Arrays.equals(rawName, entry.getName().getBytes(StandardCharsets.UTF_8))) {
      // Too long for the header, or not UTF-8: the name's own bytes, as the CLI sends them.
      pax.put("path", rawName);
    }
    if (utf8Length(entry.getLinkName()) >= TarConstants.NAMELEN
        || (source.rawLinkTarget() != null
            && !Arrays.equals(
                source.rawLinkTarget(), entry.getLinkName().getBytes(StandardCharsets.UTF_8)))) {
      pax.put(
          "linkpath",
          source.rawLinkTarget() != null
              ? source.rawLinkTarget()
              : entry.getLinkName().getBytes(StandardCharsets.UTF_8));
    }
    if (entry.getSize() > MAX_OCTAL_SIZE) {
      pax.put("size", ascii(Long.toString(entry.getSize())));
    }
    if (!pax.isEmpty()) {
      byte[] records = paxRecords(pax);
      TarArchiveEntry extended =
          entry(
              "PaxHeaders.0/" + entry.getName(),
              TarConstants.LF_PAX_EXTENDED_HEADER_LC,
              0100644,
              Math.max(0, entry.getModTime().getTime() / 1000));
      extended.setSize(records.length);
      block(extended);
      out.write(records);
      out.write(ZEROS, 0, (BLOCK - records.length % BLOCK) % BLOCK);
    }
    block(entry); // names too long for the header are cut there; readers take the PAX ones
  }

  private void block(TarArchiveEntry entry) throws IOException {
    entry.writeEntryHeader(header, UTF_8, false);
    out.write(header);
  }

  /** PAX records: "<length> <key>=<value>\n", the length counting itself; values as bytes. */
  static byte[] paxRecords(Map<String, byte[]> values) {
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    values.forEach(
        (key, value) -> {
          int rest = key.length() + value.length + 3; // ' ', '=', '\n'
          int length = rest + String.valueOf(rest).length();
          if (String.valueOf(length).length() > String.valueOf(rest).length()) {
            length++;
          }
          records.writeBytes(ascii(length + " " + key + "="));
          records.writeBytes(value);
          records.write('\n');
        });
    return records.toByteArray();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static int utf8Length(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  private void copy(FileChannel channel, long size) throws IOException {
    if (copyBuffer == null) {
      copyBuffer = new byte[256 * 1024];
    }
    ByteBuffer buffer = ByteBuffer.wrap(copyBuffer);
    for (long left = size; left > 0; ) {
      buffer.clear().limit((int) Math.min(copyBuffer.length, left));
      int n = channel.read(buffer);
      if (n < 0) {
        throw new EOFException();
      }
      out.write(copyBuffer, 0, n);
      left -= n;
    }
  }
}
