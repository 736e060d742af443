package io.github.shipmaven.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.ResponseItem;
import io.github.shipmaven.core.ShipException;
import java.io.IOException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A daemon's progress stream (build output, push progress), fed item by item to a consumer. A
 * transport failure is kept for the caller: docker-java's default would also log "Error during
 * callback" with a stack trace, even when the caller handles it.
 */
final class DaemonStream<T extends ResponseItem> extends ResultCallback.Adapter<T> {
  private final Consumer<T> consumer;
  private volatile Throwable failure;

  DaemonStream(Consumer<T> consumer) {
    this.consumer = consumer;
  }

  @Override
  public void onNext(T item) {
    consumer.accept(item);
  }

  @Override
  public void onError(Throwable throwable) {
    failure = throwable;
    closeQuietly();
  }

  /** Ends the stream: closes the daemon connection, and {@link #await} returns. */
  void closeQuietly() {
    try {
      close();
    } catch (IOException ignored) {
      // the stream is already broken
    }
  }

  /** Waits for the end of the stream; returns the transport failure, or null. */
  @Nullable Throwable await(String doing) {
    try {
      awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ShipException.failed("Interrupted while " + doing + ".", e);
    }
    return failure;
  }

  /** The error an item of the stream reports (the daemon answers 200 and reports errors inline). */
  static String errorOf(ResponseItem item) {
    if (!item.isErrorIndicated()) {
      return null;
    }
    // Podman ends its messages with a newline; the user's error is one line.
    String message =
        item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
            ? item.getErrorDetail().getMessage()
            : item.getError();
    return message == null ? null : message.strip();
  }
}
