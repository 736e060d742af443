package io.github.shipmaven.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** ISO-8601 durations as the POM writes them, and as log lines say them. */
public final class Durations {
  private Durations() {}

  /**
   * A positive ISO-8601 duration ({@code PT2M}, {@code PT30S}), or a one-line error naming {@code
   * element}, e.g. {@code <timeout> (ship.render.timeout)}.
   */
  public static Duration positive(String value, String element) {
    Duration duration;
    try {
      duration = Duration.parse(value == null ? "" : value.trim());
    } catch (DateTimeParseException e) {
      throw ShipException.config(
          element + " '" + value + "' is not an ISO-8601 duration: write it like PT2M or PT30S.");
    }
    if (duration.isNegative() || duration.isZero()) {
      throw ShipException.config(
          element + " '" + value + "' must be positive: write it like PT2M or PT30S.");
    }
    return duration;
  }

  /** {@code 2 min}, {@code 1 min 30 s}, {@code 5 s}, {@code 250 ms}. */
  public static String describe(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    long seconds = duration.toSeconds();
    if (seconds < 60) {
      return millis % 1000 == 0 ? seconds + " s" : String.format("%.1f s", millis / 1000.0);
    }
    long minutes = seconds / 60;
    return minutes + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
  }
}
