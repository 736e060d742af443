package io.github.shipmaven.context;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A Dockerfile's instructions as BuildKit's parser reads them ({@code frontend/dockerfile/parser}):
 * parser directives at the top ({@code # syntax=}, {@code # escape=}, {@code # check=}), line
 * continuations with the escape character (backslash or backtick), comment and blank lines skipped
 * (also inside a continued instruction), builder flags ({@code --name=value}) split from the
 * arguments, and heredoc bodies ({@code <<EOF}) of RUN, COPY and ADD consumed so that their lines
 * are never read as instructions.
 *
 * <p>It never throws: what the daemon's parser would refuse (a bad escape character, a repeated
 * directive, a heredoc never closed) is listed in {@link #errors()}.
 */
final class DockerfileInstructions {

  /**
   * One instruction. {@code line} is the 1-based line its text starts on; {@code keyword} is upper
   * case; {@code flags} are the leading {@code --name[=value]} words with quotes and escapes
   * removed; {@code arguments} is the rest, as written; {@code heredocs} are the heredocs it opens.
   */
  record Instruction(
      int line, String keyword, List<String> flags, String arguments, List<Heredoc> heredocs) {

    /** The value of flag {@code --name=value}, or empty if the flag is not given that way. */
    List<String> flagValues(String name) {
      List<String> values = new ArrayList<>();
      for (String flag : flags) {
        if (flag.startsWith("--" + name + "=")) {
          values.add(flag.substring(name.length() + 3));
        }
      }
      return values;
    }

    /** The names of the flags given ({@code --link} and {@code --link=true} both give "link"). */
    List<String> flagNames() {
      List<String> names = new ArrayList<>();
      for (String flag : flags) {
        int eq = flag.indexOf('=');
        names.add(flag.substring(2, eq < 0 ? flag.length() : eq));
      }
      return names;
    }

    /** Whether the arguments are the JSON (exec) form, {@code ["a", "b"]}. */
    boolean jsonForm() {
      return jsonArray(arguments) != null;
    }

    /** The argument words: the JSON form's strings, or shell words with quotes removed. */
    List<String> words() {
      List<String> json = jsonArray(arguments);
      if (json != null) {
        return json;
      }
      List<String> words = new ArrayList<>();
      for (String word : shellWords(arguments)) {
        words.add(unquote(word));
      }
      return words;
    }
  }

  /** A heredoc: its terminator word, and whether it was opened with {@code <<-} (tabs stripped). */
  record Heredoc(String name, boolean chomp) {}

  /** A parser directive at the top of the file. */
  record Directive(int line, String name, String value) {}

  /** Something the daemon's parser would refuse, at a 1-based line. */
  record Error(int line, String message) {}

  private static final Set<String> DIRECTIVES = Set.of("syntax", "escape", "check");
  private static final Set<String> HEREDOC_KEYWORDS = Set.of("RUN", "COPY", "ADD");
  private static final Pattern DIRECTIVE =
      Pattern.compile("([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*");
  private static final Pattern HEREDOC = Pattern.compile("(\\d*)<<(-?)\\s*([^<]*)");

  private final List<Instruction> instructions;
  private final List<Directive> directives;
  private final List<Error> errors;
  private final char escape;

  private DockerfileInstructions(
      List<Instruction> instructions, List<Directive> directives, List<Error> errors, char escape) {
    this.instructions = instructions;
    this.directives = directives;
    this.errors = errors;
    this.escape = escape;
  }

  List<Instruction> instructions() {
    return instructions;
  }

  List<Directive> directives() {
    return directives;
  }

  Optional<Directive> directive(String name) {
    return directives.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  List<Error> errors() {
    return errors;
  }

  /** The escape character: {@code \} unless {@code # escape=`} says otherwise. */
  char escape() {
    return escape;
  }

  static DockerfileInstructions read(String dockerfile) {
    return new Reader(dockerfile).read();
  }

  /** One pass over the lines; mirrors the order of checks in BuildKit's {@code parser.Parse}. */
  private static final class Reader {
    private final String[] lines;
    private final List<Instruction> instructions = new ArrayList<>();
    private final List<Directive> directives = new ArrayList<>();
    private final List<Error> errors = new ArrayList<>();
    private final Set<String> seenDirectives = new HashSet<>();
    private boolean directivesDone;
    private char escape = '\\';
    private int next;

    Reader(String dockerfile) {
      String text = dockerfile.startsWith("\uFEFF") ? dockerfile.substring(1) : dockerfile;
      lines = text.split("\n", -1);
    }

    DockerfileInstructions read() {
      while (next < lines.length) {
        int start = next + 1;
        String line = line(next++).stripLeading();
        directive(line, start);
        if (line.startsWith("#")) {
          continue;
        }
        boolean continued = continued(line);
        if (!continued && line.isEmpty()) {
          continue;
        }
        StringBuilder text = new StringBuilder(continued ? withoutEscape(line) : line);
        while (continued && next < lines.length) {
          String more = line(next++);
          String stripped = more.stripLeading();
          if (stripped.startsWith("#") || stripped.isEmpty()) {
            continue;
          }
          continued = continued(more);
          text.append(continued ? withoutEscape(more) : more);
        }
        instructions.add(instruction(text.toString(), start));
      }
      return new DockerfileInstructions(
          List.copyOf(instructions), List.copyOf(directives), List.copyOf(errors), escape);
    }

    private String line(int index) {
      String line = lines[index];
      int end = line.length();
      while (end > 0 && line.charAt(end - 1) == '\r') {
        end--;
      }
      return line.substring(0, end);
    }

    /** Directives count only in the leading run of {@code # name=value} lines. */
    private void directive(String line, int number) {
      if (directivesDone) {
        return;
      }
      Matcher m = line.startsWith("#") ? DIRECTIVE.matcher(line.substring(1).stripLeading()) : null;
      String name = m != null && m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
      if (name == null || !DIRECTIVES.contains(name)) {
        directivesDone = true;
        return;
      }
      if (!seenDirectives.add(name)) {
        errors.add(
            new Error(
                number,
                "a second # "
                    + name
                    + "= parser directive; keep only one, the Dockerfile parser refuses repeats"));
        return;
      }
      String value = m.group(2);
      directives.add(new Directive(number, name, value));
      if (name.equals("escape")) {
        if (value.equals("\\") || value.equals("`")) {
          escape = value.charAt(0);
        } else {
          errors.add(
              new Error(
                  number,
                  "# escape=" + value + " is not an escape character; use \\ or ` (backtick)"));
        }
      }
    }

    /**
     * Ends with the escape character (trailing blanks allowed) that is not itself escaped, or is
     * only the escape character.
     */
    private boolean continued(String line) {
      int end = endWithoutBlanks(line);
      if (end == 0 || line.charAt(end - 1) != escape) {
        return false;
      }
      return end == 1 || line.charAt(end - 2) != escape;
    }

    private String withoutEscape(String line) {
      return line.substring(0, endWithoutBlanks(line) - 1);
    }

    private static int endWithoutBlanks(String line) {
      int end = line.length();
      while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
        end--;
      }
      return end;
    }

    private Instruction instruction(String text, int start) {
      String[] split = splitCommand(text);
      String keyword = split[0].toUpperCase(Locale.ROOT);
      List<String> flags = new ArrayList<>();
      String arguments = extractFlags(split[1], flags);
      List<Heredoc> heredocs = List.of();
      if (text.contains("<<") && canContainHeredoc(keyword, arguments)) {
        heredocs = heredocs(text);
        for (Heredoc heredoc : heredocs) {
          skipBody(heredoc, start);
        }
      }
      return new Instruction(start, keyword, List.copyOf(flags), arguments, heredocs);
    }

    /** RUN, COPY and ADD in shell form, also as the trigger of an ONBUILD. */
    private boolean canContainHeredoc(String keyword, String arguments) {
      if (keyword.equals("ONBUILD")) {
        String[] inner = splitCommand(arguments);
        keyword = inner[0].toUpperCase(Locale.ROOT);
        arguments = extractFlags(inner[1], new ArrayList<>());
      }
      return HEREDOC_KEYWORDS.contains(keyword) && jsonArray(arguments) == null;
    }

    /** Consumes the body up to the terminator line; {@code <<-} also strips leading tabs. */
    private void skipBody(Heredoc heredoc, int start) {
      while (next < lines.length) {
        String line = line(next++);
        int tabs = 0;
        while (heredoc.chomp() && tabs < line.length() && line.charAt(tabs) == '\t') {
          tabs++;
        }
        if (line.substring(tabs).equals(heredoc.name())) {
          return;
        }
      }
      errors.add(
          new Error(
              start,
              "heredoc <<"
                  + heredoc.name()
                  + " is never closed; end it with a line that reads exactly "
                  + heredoc.name()));
    }

    /** The keyword and the rest, split at the first run of blanks, as {@code splitCommand}. */
    private static String[] splitCommand(String text) {
      String trimmed = text.strip();
      int i = 0;
      while (i < trimmed.length() && !isBlank(trimmed.charAt(i))) {
        i++;
      }
      return new String[] {trimmed.substring(0, i), trimmed.substring(i).strip()};
    }

    private static boolean isBlank(char c) {
      return c == ' ' || c == '\t' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /**
     * Moves the leading {@code --} words into {@code flags} (quotes dropped, escaped characters
     * kept) and returns the rest, as {@code extractBuilderFlags}; a bare {@code --} ends them.
     */
    private String extractFlags(String rest, List<String> flags) {
      int pos = 0;
      int n = rest.length();
      while (true) {
        while (pos < n && Character.isWhitespace(rest.charAt(pos))) {
          pos++;
        }
        if (pos + 1 >= n || rest.charAt(pos) != '-' || rest.charAt(pos + 1) != '-') {
          return rest.substring(pos);
        }
        StringBuilder word = new StringBuilder();
        char quote = 0;
        while (pos < n) {
          char c = rest.charAt(pos);
          if (quote == 0 && Character.isWhitespace(c)) {
            break;
          }
          pos++;
          if (quote != 0 && c == quote) {
            quote = 0;
          } else if (quote == 0 && (c == '\'' || c == '"')) {
            quote = c;
          } else if (c == escape && pos < n) {
            word.append(rest.charAt(pos++));
          } else if (c != escape) {
            word.append(c);
          }
        }
        if (word.toString().equals("--")) {
          return rest.substring(pos).strip();
        }
        flags.add(word.toString());
      }
    }
  }

  /**
   * The heredocs a line opens: every shell word of the form {@code [n]<<[-]WORD}, with WORD
   * unquoted ({@code <<"EOF"}, {@code <<'EOF'}). {@code << EOF} (blank after the arrows) and a
   * quoted {@code "<<EOF"} are not heredocs, as in BuildKit.
   */
  static List<Heredoc> heredocs(String line) {
    List<Heredoc> heredocs = new ArrayList<>();
    for (String word : shellWords(line)) {
      Matcher m = HEREDOC.matcher(word);
      if (m.matches() && !m.group(3).isEmpty()) {
        heredocs.add(new Heredoc(unquote(m.group(3)), !m.group(2).isEmpty()));
      }
    }
    return List.copyOf(heredocs);
  }

  /** Words split at blanks outside quotes; quotes and backslashes are kept as written. */
  static List<String> shellWords(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote == 0 && Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        continue;
      }
      if (word == null) {
        word = new StringBuilder();
      }
      word.append(c);
      if (c == '\\' && quote != '\'' && i + 1 < text.length()) {
        word.append(text.charAt(++i));
      } else if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  /** A shell word with its quotes and backslash escapes removed. */
  static String unquote(String word) {
    StringBuilder out = new StringBuilder(word.length());
    char quote = 0;
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote != '\'' && i + 1 < word.length()) {
        out.append(word.charAt(++i));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The strings of a JSON array of strings, or null when the text is not one. */
  static @Nullable List<String> jsonArray(String text) {
    String s = text.strip();
    if (!s.startsWith("[") || !s.endsWith("]")) {
      return null;
    }
    List<String> values = new ArrayList<>();
    int i = skipBlanks(s, 1);
    if (s.charAt(i) == ']') {
      return i == s.length() - 1 ? values : null;
    }
    while (i < s.length() && s.charAt(i) == '"') {
      StringBuilder value = new StringBuilder();
      i++;
      while (i < s.length() && s.charAt(i) != '"') {
        char c = s.charAt(i++);
        if (c == '\\' && i < s.length()) {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> value.append('\n');
            case 't' -> value.append('\t');
            case 'r' -> value.append('\r');
            case 'b' -> value.append('\b');
            case 'f' -> value.append('\f');
            case 'u' -> {
              if (i + 4 > s.length()) {
                return null;
              }
              try {
                value.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              } catch (NumberFormatException e2) {
                return null;
              }
              i += 4;
            }
            default -> value.append(e);
          }
        } else {
          value.append(c);
        }
      }
      if (i >= s.length()) {
        return null;
      }
      values.add(value.toString());
      i = skipBlanks(s, i + 1);
      if (s.charAt(i) == ']') {
        return i == s.length() - 1 ? values : null;
      }
      if (s.charAt(i) != ',') {
        return null;
      }
      i = skipBlanks(s, i + 1);
    }
    return null;
  }

  private static int skipBlanks(String s, int from) {
    int i = from;
    while (i < s.length() - 1 && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
