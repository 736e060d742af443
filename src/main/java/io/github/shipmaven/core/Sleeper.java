package io.github.shipmaven.core;

import java.time.Duration;

/** Waits between retries and polls; tests pass one that only records. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  Sleeper REAL = duration -> Thread.sleep(duration.toMillis());
}
