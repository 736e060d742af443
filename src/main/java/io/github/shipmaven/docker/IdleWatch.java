package io.github.shipmaven.docker;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs an action once when something has made no progress for a given time: a connection that moves
 * no byte, a push whose layers stop advancing. One shared daemon thread serves every watch.
 */
final class IdleWatch {
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "ship-idle-watch");
            thread.setDaemon(true);
            return thread;
          });

  private final long limitNanos;
  private final LongSupplier lastProgress;
  private final Runnable onIdle;
  private volatile boolean fired;
  private boolean stopped;
  private ScheduledFuture<?> next;

  private IdleWatch(Duration limit, LongSupplier lastProgress, Runnable onIdle) {
    this.limitNanos = limit.toNanos();
    this.lastProgress = lastProgress;
    this.onIdle = onIdle;
  }

  /**
   * Starts watching.
   *
   * @param lastProgress when progress was last made, in {@link System#nanoTime()} terms
   * @param onIdle what to do, once, when {@code limit} passes with no progress
   */
  static IdleWatch start(Duration limit, LongSupplier lastProgress, Runnable onIdle) {
    IdleWatch watch = new IdleWatch(limit, lastProgress, onIdle);
    watch.schedule(watch.limitNanos);
    return watch;
  }

  /** Whether the action ran. */
  boolean fired() {
    return fired;
  }

  synchronized void stop() {
    stopped = true;
    if (next != null) {
      next.cancel(false);
    }
  }

  private synchronized void schedule(long delayNanos) {
    if (!stopped) {
      next = TIMER.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void check() {
    long idle = System.nanoTime() - lastProgress.getAsLong();
    if (idle < limitNanos) {
      schedule(limitNanos - idle);
      return;
    }
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    fired = true;
    onIdle.run();
  }
}
