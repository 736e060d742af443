package io.github.shipmaven.context;

import io.github.shipmaven.context.DockerfileInstructions.Instruction;
import io.github.shipmaven.image.ImageReference;
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
    for (Instruction instruction : DockerfileInstructions.read(dockerfile).instructions()) {
      List<String> words = instruction.words();
      switch (instruction.keyword()) {
        case "ARG" -> {
          if (!seenFrom) {
            for (String word : words) {
              String[] kv = word.split("=", 2);
              args.put(kv[0], buildArgs.getOrDefault(kv[0], kv.length > 1 ? kv[1] : ""));
            }
          }
        }
        case "FROM" -> {
          seenFrom = true;
          if (words.size() >= 3 && words.get(1).equalsIgnoreCase("AS")) {
            stages.add(words.get(2).toLowerCase(Locale.ROOT));
          }
          addImage(words.isEmpty() ? null : substitute(words.get(0), args), stages, registries);
        }
        case "COPY", "ADD" -> {
          for (String from : instruction.flagValues("from")) {
            if (!from.matches("[0-9]+")) {
              addImage(substitute(from, args), stages, registries);
            }
          }
        }
        default -> {}
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
}
