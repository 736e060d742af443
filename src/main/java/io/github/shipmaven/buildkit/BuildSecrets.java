package io.github.shipmaven.buildkit;

import io.github.shipmaven.core.Bytes;
import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The build secrets of {@code <secrets>}, as {@code docker build --secret} takes them: each id from
 * an environment variable or a file. Checked before the build (a missing source is one line naming
 * the id and the source); values are read only when BuildKit asks for one, kept as bytes, and
 * registered with {@link Secrets} the moment they are read, so no log line shows them.
 */
public final class BuildSecrets {
  /**
   * The largest value served: BuildKit takes at most 4 MiB in one gRPC message on Docker 20.10 to
   * 27 (16 MiB on 28), and the answer wraps the value in a field tag and a length.
   */
  static final int MAX_VALUE = 4 * 1024 * 1024 - 16;

  /**
   * One declared secret: exactly one of {@code env} (a variable's name) and {@code file}.
   *
   * @param id what {@code RUN --mount=type=secret,id=…} names
   */
  public record Source(String id, @Nullable String env, @Nullable Path file) {
    /** Where the value comes from, for messages and {@code ship:info}: never the value. */
    public String describe() {
      return env != null ? "env " + env : "file " + file;
    }
  }

  /** No secrets declared. */
  public static final BuildSecrets NONE = new BuildSecrets(Map.of(), Map.of());

  private final Map<String, Source> sources;
  private final Map<String, String> env;

  private BuildSecrets(Map<String, Source> sources, Map<String, String> env) {
    this.sources = sources;
    this.env = env;
  }

  /**
   * Checks the declared secrets: an id and exactly one source each, ids unique, every source there
   * and no larger than BuildKit takes. Reads no file.
   *
   * @param declared as the POM gives them (id, env, file; any may be null or blank)
   * @param env the process environment, where env secrets are read from
   * @throws ShipException naming the {@code <secret>}, its source and the fix
   */
  public static BuildSecrets check(List<Source> declared, Map<String, String> env) {
    Map<String, Source> sources = new LinkedHashMap<>();
    for (Source raw : declared) {
      String id = raw.id() == null ? "" : raw.id().trim();
      String variable = raw.env() == null || raw.env().isBlank() ? null : raw.env().trim();
      Path file = raw.file();
      if (id.isEmpty()) {
        throw ShipException.config(
            "<secrets> has a <secret> without an <id>"
                + (variable != null ? " (<env> " + variable + ")" : "")
                + (file != null ? " (<file> " + file + ")" : "")
                + ": add the id that RUN --mount=type=secret,id=… names.");
      }
      String which = "<secret> '" + id + "'";
      if (variable != null && file != null) {
        throw ShipException.config(
            which + " has both <env> and <file>: keep the one the value comes from.");
      }
      if (variable == null && file == null) {
        throw ShipException.config(
            which
                + " has neither <env> nor <file>: add <env>VARIABLE</env> or <file>path</file>"
                + " for its value.");
      }
      if (sources.containsKey(id)) {
        throw ShipException.config(
            "<secrets> declares " + which + " twice: keep one <secret> per id.");
      }
      Source source = new Source(id, variable, file);
      checkSource(source, env);
      sources.put(id, source);
    }
    return new BuildSecrets(Collections.unmodifiableMap(sources), env);
  }

  private static void checkSource(Source source, Map<String, String> env) {
    String which = "<secret> '" + source.id() + "'";
    if (source.env() != null) {
      String value = env.get(source.env());
      // CI systems set a secret that is not defined as an empty variable: that is missing too.
      if (value == null || value.isEmpty()) {
        throw ShipException.config(
            which
                + " comes from env "
                + source.env()
                + ", which is not set (or empty): set it (a CI secret), or point the <secret> at"
                + " another source.");
      }
      long size = value.getBytes(StandardCharsets.UTF_8).length;
      if (size > MAX_VALUE) {
        throw tooLarge(source, size);
      }
      return;
    }
    Path file = source.file();
    if (!Files.exists(file)) {
      throw ShipException.config(
          which
              + " comes from file "
              + file
              + ", which does not exist: create it, or point <file> at the secret's file.");
    }
    if (!Files.isRegularFile(file)) {
      throw ShipException.config(
          which + " comes from file " + file + ", which is not a file: point <file> at a file.");
    }
    if (!Files.isReadable(file)) {
      throw ShipException.config(
          which + " comes from file " + file + ", which cannot be read: fix its permissions.");
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw ShipException.config(
          which + " comes from file " + file + ", which cannot be read: " + e.getMessage());
    }
    if (size > MAX_VALUE) {
      throw tooLarge(source, size);
    }
  }

  private static ShipException tooLarge(Source source, long size) {
    return ShipException.config(tooLargeMessage(source, size));
  }

  static String tooLargeMessage(Source source, long size) {
    return "<secret> '"
        + source.id()
        + "' from "
        + source.describe()
        + " is "
        + size
        + " bytes, more than the "
        + MAX_VALUE
        + " BuildKit takes in one message ("
        + Bytes.describe(MAX_VALUE)
        + "): put the large file in the build"
        + " context, or mount a smaller secret (a token) that fetches it.";
  }

  /** The declared secrets, in order. */
  public List<Source> sources() {
    return List.copyOf(sources.values());
  }

  /** Whether any secret is declared. */
  public boolean isEmpty() {
    return sources.isEmpty();
  }

  /** The declared source of {@code id}, if any. */
  public Optional<Source> source(String id) {
    return Optional.ofNullable(sources.get(id));
  }

  /**
   * Reads the value of {@code id} now and registers it with {@code secrets} (whole, stripped, and
   * line by line: a {@code RUN} step's output reaches the log one line at a time).
   *
   * @return empty if {@code id} is not declared
   * @throws ValueException when the source went missing or grew too large since the check
   */
  public Optional<byte[]> read(String id, Secrets secrets) throws ValueException {
    Source source = sources.get(id);
    if (source == null) {
      return Optional.empty();
    }
    byte[] value;
    if (source.env() != null) {
      String text = env.get(source.env());
      if (text == null) {
        throw new ValueException(
            "<secret> '" + id + "' comes from env " + source.env() + ", which is not set");
      }
      value = text.getBytes(StandardCharsets.UTF_8);
    } else {
      value = readFile(source);
    }
    if (value.length > MAX_VALUE) {
      throw new ValueException(tooLargeMessage(source, value.length));
    }
    register(value, secrets);
    return Optional.of(value);
  }

  private static byte[] readFile(Source source) throws ValueException {
    try (InputStream in = Files.newInputStream(source.file())) {
      return in.readNBytes(MAX_VALUE + 1);
    } catch (NoSuchFileException e) {
      throw new ValueException(
          "<secret> '" + source.id() + "' comes from file " + source.file() + ", which is gone");
    } catch (IOException e) {
      throw new ValueException(
          "<secret> '"
              + source.id()
              + "' comes from file "
              + source.file()
              + ", which cannot be read ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  /** Masks the value in every later log line, as a whole and line by line. */
  static void register(byte[] value, Secrets secrets) {
    register(new String(value, StandardCharsets.UTF_8), secrets);
  }

  /**
   * Masks a secret value in every later log line, as a whole, stripped, and line by line: a {@code
   * RUN} step that prints it reaches the log one line at a time.
   */
  public static void register(String text, Secrets secrets) {
    secrets.add(text);
    secrets.add(text.strip());
    if (text.indexOf('\n') >= 0) {
      text.lines().map(String::strip).forEach(secrets::add);
    }
  }

  /** A declared value that could not be served; the message names the secret, not the value. */
  public static final class ValueException extends Exception {
    public ValueException(String message) {
      super(message);
    }
  }
}
