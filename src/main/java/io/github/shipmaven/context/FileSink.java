package io.github.shipmaven.context;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A destination that sends a file's bytes itself: the transport hands them to the kernel (sendfile)
 * instead of copying them through the heap, which leaves the CPU to the daemon while the build
 * context is uploaded.
 */
public interface FileSink {
  /**
   * Sends the first {@code count} bytes of {@code file}; an {@link java.io.EOFException} if it has
   * fewer.
   */
  void transferFrom(FileChannel file, long count) throws IOException;
}
