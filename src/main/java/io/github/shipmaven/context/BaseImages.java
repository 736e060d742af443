package io.github.shipmaven.context;

import io.github.shipmaven.context.DockerfileInstructions.Instruction;
import io.github.shipmaven.image.ImageReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The images a Dockerfile pulls ({@code FROM} images and {@code COPY --from=<image>}) and their
 * registries, so a build sends the daemon only the logins it needs, not every stored password, and
 * can pull the images behind a login itself before a BuildKit build.
 */
public final class BaseImages {

  /**
   * An image the Dockerfile pulls.
   *
   * @param reference as written, build arguments substituted: {@code name[:tag][@digest]}
   * @param registry its registry host, {@code docker.io} for Docker Hub
   */
  public record BaseImage(String reference, String registry) {}

  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

  private BaseImages() {}

  /** The registries of {@link #images}, each once, in the order first named. */
  public static Set<String> registries(String dockerfile, Map<String, String> buildArgs) {
    Set<String> registries = new LinkedHashSet<>();
    images(dockerfile, buildArgs).forEach(image -> registries.add(image.registry()));
    return registries;
  }

  /**
   * The images the Dockerfile pulls, each once, in the order first named; no stages, no scratch.
   */
  public static List<BaseImage> images(String dockerfile, Map<String, String> buildArgs) {
    Map<String, String> args = new HashMap<>();
    Set<String> stages = new HashSet<>();
    Map<String, BaseImage> images = new LinkedHashMap<>();
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
          addImage(words.isEmpty() ? null : substitute(words.get(0), args), stages, images);
        }
        case "COPY", "ADD" -> {
          for (String from : instruction.flagValues("from")) {
            if (!from.matches("[0-9]+")) {
              addImage(substitute(from, args), stages, images);
            }
          }
        }
        default -> {}
      }
    }
    return new ArrayList<>(images.values());
  }

  private static void addImage(String image, Set<String> stages, Map<String, BaseImage> images) {
    if (image == null
        || image.isEmpty()
        || image.equals("scratch")
        || stages.contains(image.toLowerCase(Locale.ROOT))) {
      return;
    }
    images.putIfAbsent(image, new BaseImage(image, ImageReference.registryOf(image)));
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
