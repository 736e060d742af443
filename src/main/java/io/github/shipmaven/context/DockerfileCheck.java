package io.github.shipmaven.context;

import io.github.shipmaven.context.DockerfileInstructions.Heredoc;
import io.github.shipmaven.context.DockerfileInstructions.Instruction;
import io.github.shipmaven.core.ShipException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses, before the build context is uploaded, a Dockerfile the chosen builder cannot build as
 * this plugin drives it.
 *
 * <p>Under {@link Builder#BUILDKIT} every build has a BuildKit session, which serves secrets, SSH
 * agents and registry logins: nothing here reaches back into the client unserved.
 *
 * <p>Under {@link Builder#CLASSIC} (the classic builder, and Podman's builder), which has no
 * session: {@code RUN --mount=type=secret} and {@code type=ssh}, with a line that says the session
 * is what is missing; and BuildKit-only syntax: RUN's {@code --mount}, {@code --network}, {@code
 * --security}, {@code --device}; COPY's {@code --chmod}, {@code --link}, {@code --parents}, {@code
 * --exclude}; ADD's {@code --chmod}, {@code --link}, {@code --checksum}, {@code --keep-git-dir},
 * {@code --unpack}, {@code --exclude}; heredocs; ADD of a git repository; and BuildKit's automatic
 * platform arguments where BuildKit would give them a value and the classic builder gives none.
 * Depending on the Engine version the classic builder rejects these flags ("requires BuildKit",
 * "Unknown flag") or silently ignores them (Engine 23+ ignores {@code --link}, {@code --exclude},
 * {@code --checksum}...), and from Engine 23 it parses {@code RUN <<EOF} and runs nothing; either
 * way the image is not what the Dockerfile says.
 *
 * <p>Platform arguments ({@code TARGETARCH} and the like) under the classic builder: it sets none
 * of them, and an {@code ARG TARGETARCH} with no default declares an empty one, so a use fails
 * unless a value comes from an {@code ARG} default (a stage's bare {@code ARG} inherits the global
 * one's), a build arg in the POM, an {@code ENV}, or a {@code ${NAME:-fallback}}. A use inside a
 * stage that never declares the name is empty under BuildKit too, so it is not the builder's
 * difference and is not reported.
 *
 * <p>ONBUILD triggers are not checked: they run in the builds of images made FROM this one.
 *
 * <p>A {@code # syntax=} directive under the classic builder is only a warning: the classic builder
 * ignores it and uses the Engine's own parser, which builds the file correctly unless it uses
 * BuildKit-only syntax, and that is reported on its own line.
 */
public final class DockerfileCheck {

  /**
   * One finding: {@code message} is the whole line to show, starting {@code <path>:<line>:}; {@code
   * fatal} findings stop the build, the others are warnings.
   */
  public record Finding(int line, boolean fatal, String message) {}

  private static final String USE_BUILDKIT = "set <builder>buildkit</builder> (ship.builder)";
  private static final String NO_SESSION =
      " needs a BuildKit session, which the classic builder and Podman's builder do not have: set"
          + " <builder>buildkit</builder> (ship.builder) and build on a Docker engine with BuildKit";

  private static final Set<String> RUN_FLAGS = Set.of("mount", "network", "security", "device");
  private static final Set<String> COPY_FLAGS = Set.of("chmod", "link", "parents", "exclude");
  private static final Set<String> ADD_FLAGS =
      Set.of("chmod", "link", "checksum", "keep-git-dir", "unpack", "exclude");
  private static final Set<String> NOT_EXPANDED =
      Set.of("CMD", "ENTRYPOINT", "HEALTHCHECK", "ONBUILD", "MAINTAINER", "SHELL");

  private static final Pattern PLATFORM_ARG =
      Pattern.compile(
          "\\$(?:\\{(BUILD(?:PLATFORM|OS|ARCH|VARIANT)|TARGET(?:PLATFORM|OS|ARCH|VARIANT|STAGE))"
              + "([:#%/+?-][^}]*)?}"
              + "|(BUILD(?:PLATFORM|OS|ARCH|VARIANT)|TARGET(?:PLATFORM|OS|ARCH|VARIANT|STAGE))"
              + "(?![A-Za-z0-9_]))");
  private static final Pattern GIT =
      Pattern.compile(
          "(?:ssh|git)://.*|[A-Za-z0-9_-]+@[A-Za-z0-9.-]+:.*|https?://[^?#]+\\.git(?:[?#].*)?");

  private DockerfileCheck() {}

  /**
   * Throws {@link ShipException#config} naming the first line the builder cannot build (and how
   * many more there are); returns the warnings, whole lines, for the caller to log.
   *
   * @param dockerfile the path to name in messages
   * @param text the Dockerfile's content
   * @param buildArgs the build args the build will pass (they give platform arguments values)
   */
  public static List<String> check(
      Path dockerfile, String text, Builder builder, Map<String, String> buildArgs) {
    List<Finding> findings = findings(dockerfile, text, builder, buildArgs);
    List<Finding> fatal = findings.stream().filter(Finding::fatal).toList();
    if (!fatal.isEmpty()) {
      int more = fatal.size() - 1;
      String rest =
          more == 0
              ? ""
              : " (and " + more + " more problem" + (more > 1 ? "s" : "") + " in this Dockerfile)";
      throw ShipException.config(fatal.get(0).message() + rest);
    }
    return findings.stream().map(Finding::message).toList();
  }

  /** Every finding, in line order. */
  public static List<Finding> findings(
      Path dockerfile, String text, Builder builder, Map<String, String> buildArgs) {
    DockerfileInstructions parsed = DockerfileInstructions.read(text);
    List<Finding> findings = new ArrayList<>();
    String prefix = dockerfile + ":";
    for (DockerfileInstructions.Error error : parsed.errors()) {
      findings.add(new Finding(error.line(), true, prefix + error.line() + ": " + error.message()));
    }
    if (builder == Builder.CLASSIC) {
      parsed
          .directive("syntax")
          .ifPresent(
              d ->
                  findings.add(
                      new Finding(
                          d.line(),
                          false,
                          prefix
                              + d.line()
                              + ": # syntax="
                              + d.value()
                              + " is ignored by the classic builder, which always uses the"
                              + " Engine's built-in Dockerfile parser; "
                              + USE_BUILDKIT
                              + " to build with that frontend")));
      for (Instruction instruction : parsed.instructions()) {
        buildKitOnly(instruction, prefix, findings);
      }
      new PlatformArgs(parsed.escape(), buildArgs, prefix, findings).scan(parsed.instructions());
    }
    findings.sort((a, b) -> Integer.compare(a.line(), b.line()));
    return findings;
  }

  /**
   * The secret or SSH mount of a RUN line, which only a BuildKit session serves; null if it has
   * none.
   */
  private static String sessionMount(Instruction instruction) {
    if (instruction.keyword().equals("RUN")) {
      for (String mount : instruction.flagValues("mount")) {
        String type = mountType(mount);
        if (type.equals("secret") || type.equals("ssh")) {
          return type;
        }
      }
    }
    return null;
  }

  private static void buildKitOnly(Instruction instruction, String prefix, List<Finding> out) {
    String keyword = instruction.keyword();
    Set<String> buildKitFlags =
        switch (keyword) {
          case "RUN" -> RUN_FLAGS;
          case "COPY" -> COPY_FLAGS;
          case "ADD" -> ADD_FLAGS;
          default -> Set.of();
        };
    String sessionMount = sessionMount(instruction);
    for (String flag : new LinkedHashSet<>(instruction.flagNames())) {
      if (flag.equals("mount") && sessionMount != null) {
        fail(
            out,
            prefix,
            instruction,
            "RUN --mount=type="
                + sessionMount
                + (sessionMount.equals("secret")
                    ? NO_SESSION + " (the secret is served through it)"
                    : NO_SESSION + " (the SSH agent is forwarded through it)"));
      } else if (buildKitFlags.contains(flag)) {
        fail(
            out,
            prefix,
            instruction,
            keyword
                + " --"
                + flag
                + " needs BuildKit; the classic builder rejects it or, depending on the Engine"
                + " version, silently ignores it; "
                + USE_BUILDKIT
                + " or rewrite the line without --"
                + flag);
      }
    }
    if (!buildKitFlags.isEmpty()) {
      for (Heredoc heredoc : instruction.heredocs()) {
        fail(
            out,
            prefix,
            instruction,
            keyword
                + " <<"
                + (heredoc.chomp() ? "-" : "")
                + heredoc.name()
                + " is a heredoc, which needs BuildKit; the classic builder fails on it or"
                + " (Engine 23 and later) skips its content without a word; "
                + USE_BUILDKIT
                + (keyword.equals("RUN")
                    ? " or write the commands on the RUN line"
                    : " or " + keyword + " a file from the build context instead"));
      }
    }
    if (keyword.equals("ADD")) {
      for (String source : sources(instruction)) {
        if (GIT.matcher(source).matches()) {
          fail(
              out,
              prefix,
              instruction,
              "ADD "
                  + source
                  + " is a git repository, which needs BuildKit; the classic builder takes it for"
                  + " a plain URL or file; "
                  + USE_BUILDKIT
                  + " or clone it into the build context before the build");
        }
      }
    }
  }

  private static void fail(List<Finding> out, String prefix, Instruction instruction, String what) {
    out.add(new Finding(instruction.line(), true, prefix + instruction.line() + ": " + what));
  }

  /** The sources of an ADD (all words but the destination, heredocs left out). */
  private static List<String> sources(Instruction instruction) {
    List<String> words = instruction.words();
    return words.subList(0, Math.max(0, words.size() - 1)).stream()
        .filter(w -> !w.contains("<<"))
        .toList();
  }

  /** The {@code type=} of a {@code --mount} value (CSV, key case-insensitive); bind by default. */
  static String mountType(String mount) {
    for (String field : csvFields(mount)) {
      int eq = field.indexOf('=');
      if (eq > 0 && field.substring(0, eq).strip().equalsIgnoreCase("type")) {
        return field.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
      }
    }
    return "bind";
  }

  private static List<String> csvFields(String value) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }

  /**
   * Follows ARG and ENV through the global scope and each stage, as the classic builder does, and
   * reports a platform argument used where BuildKit would give it a value and the classic builder
   * gives none.
   */
  private static final class PlatformArgs {
    private final char escape;
    private final Map<String, String> buildArgs;
    private final String prefix;
    private final List<Finding> out;

    /** Declared names, and whether each has a non-empty value under the classic builder. */
    private final Map<String, Boolean> global = new HashMap<>();

    /** line:name already reported, so a name used twice on a line is reported once. */
    private final Set<String> reported = new HashSet<>();

    private Map<String, Boolean> stage;

    PlatformArgs(char escape, Map<String, String> buildArgs, String prefix, List<Finding> out) {
      this.escape = escape;
      this.buildArgs = buildArgs;
      this.prefix = prefix;
      this.out = out;
    }

    void scan(List<Instruction> instructions) {
      for (Instruction instruction : instructions) {
        String keyword = instruction.keyword();
        if (NOT_EXPANDED.contains(keyword)) {
          continue;
        }
        switch (keyword) {
          case "FROM" -> {
            stage = null; // FROM lines see only the global scope
            uses(
                instruction, String.join(" ", instruction.flags()) + " " + instruction.arguments());
            stage = new HashMap<>();
          }
          case "ARG" -> {
            for (String word : DockerfileInstructions.shellWords(instruction.arguments())) {
              String[] kv = word.split("=", 2);
              if (kv.length > 1) {
                uses(instruction, kv[1]);
              }
              declare(kv[0], kv.length > 1 ? DockerfileInstructions.unquote(kv[1]) : null);
            }
          }
          case "ENV" -> env(instruction);
          default ->
              uses(
                  instruction,
                  String.join(" ", instruction.flags()) + " " + instruction.arguments());
        }
      }
    }

    private void declare(String name, String defaultValue) {
      boolean value;
      if (buildArgs.containsKey(name)) {
        value = !buildArgs.get(name).isEmpty();
      } else if (defaultValue != null) {
        value = !defaultValue.isEmpty();
      } else {
        value = stage != null && global.getOrDefault(name, false);
      }
      (stage == null ? global : stage).put(name, value);
    }

    private void env(Instruction instruction) {
      List<String> words = instruction.words();
      if (words.isEmpty()) {
        return;
      }
      uses(instruction, instruction.arguments());
      Map<String, Boolean> scope = stage == null ? global : stage;
      if (!words.get(0).contains("=")) {
        scope.put(words.get(0), words.size() > 1);
        return;
      }
      for (String word : words) {
        String[] kv = word.split("=", 2);
        scope.put(kv[0], kv.length > 1 && !kv[1].isEmpty());
      }
    }

    private void uses(Instruction instruction, String text) {
      Matcher m = PLATFORM_ARG.matcher(text);
      while (m.find()) {
        if (m.start() > 0 && text.charAt(m.start() - 1) == escape) {
          continue;
        }
        String name = m.group(1) != null ? m.group(1) : m.group(3);
        String modifier = m.group(2) == null ? "" : m.group(2);
        if (modifier.startsWith("-") || modifier.startsWith(":-")) {
          continue;
        }
        boolean buildKitSetsIt = stage == null || stage.containsKey(name);
        boolean classicHasIt = (stage == null ? global : stage).getOrDefault(name, false);
        if (buildKitSetsIt && !classicHasIt && reported.add(instruction.line() + ":" + name)) {
          fail(
              out,
              prefix,
              instruction,
              m.group()
                  + " is empty under the classic builder (BuildKit sets "
                  + name
                  + " automatically); "
                  + USE_BUILDKIT
                  + ", or give it a value with ARG "
                  + name
                  + "=<value>"
                  + (stage == null ? " before the first FROM" : "")
                  + " or <buildArgs><"
                  + name
                  + ">…</"
                  + name
                  + "></buildArgs>");
        }
      }
    }
  }
}
