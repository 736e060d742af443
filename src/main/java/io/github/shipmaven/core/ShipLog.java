package io.github.shipmaven.core;

/** The one logging seam from the core to the build tool's log. */
public interface ShipLog {
  void info(String message);

  void warn(String message);

  void debug(String message);

  /** A log that drops everything; for callers that do not care. */
  ShipLog NONE =
      new ShipLog() {
        @Override
        public void info(String message) {}

        @Override
        public void warn(String message) {}

        @Override
        public void debug(String message) {}
      };
}
