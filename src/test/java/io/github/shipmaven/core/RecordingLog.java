package io.github.shipmaven.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A log for tests: {@link #lines} keeps info and warn lines; each level is kept apart too. */
public final class RecordingLog implements ShipLog {
  public final List<String> lines = new CopyOnWriteArrayList<>();
  public final List<String> warnings = new ArrayList<>();
  public final List<String> debug = new ArrayList<>();

  @Override
  public void info(String message) {
    lines.add(message);
  }

  @Override
  public synchronized void warn(String message) {
    lines.add(message);
    warnings.add(message);
  }

  @Override
  public synchronized void debug(String message) {
    debug.add(message);
  }
}
