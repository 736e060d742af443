package io.github.shipmaven.plan;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The plugin's goals, as the planner knows them. */
public enum Goal {
  BUILD,
  PUSH,
  DEPLOY,
  ROLLBACK,
  INFO;

  /** {@code build}, {@code push}, …: the goal's name after {@code ship:}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The goal named {@code id}, or null for another plugin's goal or {@code help}. */
  public static @Nullable Goal of(String id) {
    for (Goal goal : values()) {
      if (goal.id().equals(id)) {
        return goal;
      }
    }
    return null;
  }
}
