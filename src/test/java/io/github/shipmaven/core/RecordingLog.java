package io.github.shipmaven.core;

import java.util.ArrayList;
import java.util.List;

/** A log for tests: keeps info and warn lines (debug is dropped). */
public final class RecordingLog implements ShipLog {
  public final List<String> lines = new ArrayList<>();

  @Override
  public void info(String message) {
    lines.add(message);
  }

  @Override
  public void warn(String message) {
    lines.add(message);
  }

  @Override
  public void debug(String message) {}
}
