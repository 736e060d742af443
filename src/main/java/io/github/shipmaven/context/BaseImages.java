package io.github.shipmaven.context;

import io.github.shipmaven.image.ImageReference;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registries a Dockerfile pulls from ({@code FROM} images and {@code COPY --from=<image>}), so
 * a build sends the daemon only the logins it needs, not every stored password.
 */
public final class BaseImages {
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

  private BaseImages() {}

  public static Set<String> registries(String dockerfile, Map<String, String> buildArgs) {
    Map<String, String> args = new HashMap<>();
    Set<String> stages = new HashSet<>();
    Set<String> registries = new LinkedHashSet<>();
    boolean seenFrom = false;
    for (String line : instructions(dockerfile)) {
      String[] words = line.trim().split("\\s+");
      String keyword = words[0].toUpperCase(Locale.ROOT);
      if (keyword.equals("ARG") && !seenFrom && words.length > 1) {
        String[] kv = words[1].split("=", 2);
        args.put(kv[0], buildArgs.getOrDefault(kv[0], kv.length > 1 ? unquote(kv[1]) : ""));
      } else if (keyword.equals("FROM")) {
        seenFrom = true;
        String image = null;
        for (int i = 1; i < words.length; i++) {
          if (words[i].startsWith("--")) {
            continue;
          }
          if (image == null) {
            image = substitute(words[i], args);
          } else if (words[i].equalsIgnoreCase("AS") && i + 1 < words.length) {
            stages.add(words[i + 1].toLowerCase(Locale.ROOT));
          }
        }
        addImage(image, stages, registries);
      } else if (keyword.equals("COPY") || keyword.equals("ADD")) {
        for (String word : words) {
          if (word.startsWith("--from=")) {
            String from = word.substring("--from=".length());
            if (!from.matches("[0-9]+")) {
              addImage(substitute(from, args), stages, registries);
            }
          }
        }
      }
    }
    return registries;
  }

  private static void addImage(String image, Set<String> stages, Set<String> registries) {
    if (image == null
        || image.isEmpty()
        || image.equals("scratch")
        || stages.contains(image.toLowerCase(Locale.ROOT))) {
      return;
    }
    registries.add(ImageReference.registryOf(image));
  }

  /** Instructions with line continuations joined, comments and blank lines dropped. */
  private static Iterable<String> instructions(String dockerfile) {
    java.util.List<String> result = new java.util.ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : dockerfile.split("\\R")) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      if (!current.toString().isBlank()) {
        result.add(current.toString());
      }
      current.setLength(0);
    }
    return result;
  }

  private static String substitute(String word, Map<String, String> args) {
    Matcher m = VARIABLE.matcher(word);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(3);
      String value = args.getOrDefault(name, "");
      if (value.isEmpty() && m.group(2) != null) {
        value = m.group(2);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String unquote(String value) {
    return value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\""))
        ? value.substring(1, value.length() - 1)
        : value;
  }
}
