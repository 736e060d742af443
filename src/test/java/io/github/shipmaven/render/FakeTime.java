package io.github.shipmaven.render;

import io.github.shipmaven.core.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A clock that only moves when something sleeps on it; records every sleep. */
final class FakeTime extends Clock implements Sleeper {
  private Instant now = Instant.parse("2026-11-24T12:00:00Z");
  final List<Duration> sleeps = new ArrayList<>();

  @Override
  public void sleep(Duration duration) {
    sleeps.add(duration);
    now = now.plus(duration);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
