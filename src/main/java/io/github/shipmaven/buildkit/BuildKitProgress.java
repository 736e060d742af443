package io.github.shipmaven.buildkit;

import io.github.shipmaven.core.ShipLog;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * BuildKit's status updates as lines a person can read in a CI log, in the manner of {@code docker
 * build --progress=plain}: {@code #5 [2/3] RUN ...} when a step starts, its output as {@code #5
 * ...}, then {@code #5 CACHED}, {@code #5 DONE 0.4s} or {@code #5 ERROR: ...}. The same step
 * arrives many times as it progresses, so state is kept per vertex digest; byte counts of transfers
 * become one line when the step ends, never one per tick.
 */
final class BuildKitProgress {
  /** Output lines of a step kept for the failure message. */
  static final int LAST_LINES = 10;

  private final ShipLog log;
  private final Map<String, Step> steps = new HashMap<>();
  private final List<Step> failed = new ArrayList<>();
  private Step lastStarted;
  private int numbered;

  BuildKitProgress(ShipLog log) {
    this.log = log;
  }

  /** A step's state: known from its first update, printed from its start. */
  static final class Step {
    final String digest;
    String name = "";
    int number;
    Instant started;
    boolean finished;
    String error = "";
    final Map<String, BuildKitTrace.Status> statuses = new LinkedHashMap<>();
    final Map<String, Boolean> statusPrinted = new HashMap<>();
    final Map<Long, ByteArrayOutputStream> partialLines = new HashMap<>();
    final Deque<String> lastLines = new ArrayDeque<>();

    Step(String digest) {
      this.digest = digest;
    }

    /** The step's name, e.g. {@code [2/3] RUN make}. */
    String name() {
      return name;
    }

    /** Its error, empty if none. */
    String error() {
      return error;
    }

    /** Its last output lines, oldest first, at most {@link #LAST_LINES}. */
    List<String> lastLines() {
      return List.copyOf(lastLines);
    }
  }

  /** Prints what {@code update} changed. */
  void accept(BuildKitTrace update) {
    for (BuildKitTrace.Vertex vertex : update.vertexes()) {
      Step step = step(vertex.digest());
      if (!vertex.name().isEmpty()) {
        step.name = vertex.name();
      }
      if (step.finished
          && vertex.started() != null
          && vertex.completed() == null
          && vertex.error().isEmpty()) {
        // Restarted: an image source resolves, reports done, then starts again to pull.
        step.finished = false;
        step.started = vertex.started();
      } else if (vertex.started() != null && step.started == null) {
        step.started = vertex.started();
      }
      if (vertex.started() != null || vertex.cached()) {
        announce(step);
      }
    }
    for (BuildKitTrace.Log output : update.logs()) {
      Step step = step(output.vertex());
      announce(step);
      ByteArrayOutputStream partial =
          step.partialLines.computeIfAbsent(output.stream(), s -> new ByteArrayOutputStream());
      for (byte b : output.message()) {
        if (b == '\n') {
          printLine(step, partial);
        } else {
          partial.write(b);
        }
      }
    }
    for (BuildKitTrace.Status status : update.statuses()) {
      Step step = step(status.vertex());
      step.statuses.put(status.id(), status);
      if (status.completed() != null && status.total() == 0 && status.current() == 0) {
        printStatus(step, status);
      }
    }
    for (BuildKitTrace.Warning warning : update.warnings()) {
      Step step = step(warning.vertex());
      String prefix = step.number > 0 ? "#" + step.number + " " : "";
      log.warn(prefix + "WARN: " + text(warning.summary()));
      for (byte[] detail : warning.detail()) {
        log.warn(prefix + text(detail));
      }
      if (!warning.url().isEmpty()) {
        log.warn(prefix + "More info: " + warning.url());
      }
    }
    for (BuildKitTrace.Vertex vertex : update.vertexes()) {
      Step step = step(vertex.digest());
      if (step.finished) {
        continue; // BuildKit may report a finished step again (as cached): said once is enough
      }
      if (!vertex.error().isEmpty()) {
        finish(step);
        step.error = vertex.error();
        failed.add(step);
        log.warn(prefix(step) + "ERROR: " + vertex.error());
      } else if (vertex.cached()) {
        finish(step);
        log.info(prefix(step) + "CACHED");
      } else if (vertex.completed() != null) {
        finish(step);
        log.info(prefix(step) + "DONE " + seconds(step.started, vertex.completed()));
      }
    }
  }

  /** The steps that failed, in the order they did. */
  List<Step> failedSteps() {
    return List.copyOf(failed);
  }

  /** The step that started last; null before any. */
  @Nullable Step lastStarted() {
    return lastStarted;
  }

  private Step step(String digest) {
    return steps.computeIfAbsent(digest, Step::new);
  }

  private void announce(Step step) {
    if (step.number == 0) {
      step.number = ++numbered;
      lastStarted = step;
      log.info(prefix(step) + step.name);
    }
  }

  /** Ends a step: its unfinished output line, its transfers and unfinished progress items. */
  private void finish(Step step) {
    announce(step);
    step.finished = true;
    step.partialLines.values().forEach(partial -> printLine(step, partial));
    long done = 0;
    long total = 0;
    int transfers = 0;
    for (Iterator<BuildKitTrace.Status> i = step.statuses.values().iterator(); i.hasNext(); ) {
      BuildKitTrace.Status status = i.next();
      if (status.total() > 0 || status.current() > 0) {
        done += status.current();
        total += Math.max(status.current(), status.total());
        transfers++;
        i.remove(); // summed once; a restarted step sums only what comes after
      } else {
        printStatus(step, status);
      }
    }
    if (transfers > 0) {
      log.info(
          prefix(step)
              + "transferred "
              + size(done)
              + (done < total ? " of " + size(total) : "")
              + (transfers == 1 ? "" : " in " + transfers + " transfers"));
    }
  }

  /** A progress item without byte counts (exporting layers, naming to ...), once, when done. */
  private void printStatus(Step step, BuildKitTrace.Status status) {
    if (step.statusPrinted.put(status.id(), Boolean.TRUE) != null) {
      return;
    }
    announce(step);
    log.info(
        prefix(step)
            + status.id()
            + (status.completed() != null && status.started() != null
                ? " " + seconds(status.started(), status.completed()) + " done"
                : ""));
  }

  private void printLine(Step step, ByteArrayOutputStream partial) {
    if (partial.size() == 0) {
      return;
    }
    String line = partial.toString(StandardCharsets.UTF_8);
    partial.reset();
    // A progress bar redrawn with carriage returns: a terminal would show the last drawing.
    int cr = line.stripTrailing().lastIndexOf('\r');
    line = (cr >= 0 ? line.substring(cr + 1) : line).stripTrailing();
    log.info(line.isEmpty() ? "#" + step.number : prefix(step) + line);
    step.lastLines.addLast(line);
    if (step.lastLines.size() > LAST_LINES) {
      step.lastLines.removeFirst();
    }
  }

  private static String prefix(Step step) {
    return "#" + step.number + " ";
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8).stripTrailing();
  }

  /** {@code 0.4s}, as buildx prints durations. */
  static String seconds(Instant from, Instant to) {
    if (from == null || to == null) {
      return "0.0s";
    }
    Duration elapsed = Duration.between(from, to);
    return String.format(Locale.ROOT, "%.1fs", Math.max(0, elapsed.toNanos()) / 1e9);
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    return bytes >= 1024 * 1024
        ? String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024))
        : String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
  }
}
