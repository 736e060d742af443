package io.github.shipmaven.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.shipmaven.context.DockerfileInstructions.Directive;
import io.github.shipmaven.context.DockerfileInstructions.Error;
import io.github.shipmaven.context.DockerfileInstructions.Heredoc;
import io.github.shipmaven.context.DockerfileInstructions.Instruction;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reading rules of BuildKit's Dockerfile parser that the checks depend on. */
class DockerfileInstructionsTest {

  @Test
  void joinsContinuationsSkipsCommentsAndNumbersEachInstructionByItsFirstLine() {
    String dockerfile =
        """
        # syntax=docker/dockerfile:1

        FROM alpine AS build
        # a comment
        RUN apk add \\
            # a comment inside the instruction is dropped
        \s\s\s\s
            curl
          copy --chown=1:1 --chmod=755 a b
        CMD ["sh"]
        """;
    List<Instruction> instructions = DockerfileInstructions.read(dockerfile).instructions();
    assertThat(instructions)
        .extracting(
            Instruction::line, Instruction::keyword, Instruction::flags, Instruction::arguments)
        .containsExactly(
            tuple(3, "FROM", List.of(), "alpine AS build"),
            tuple(5, "RUN", List.of(), "apk add     curl"),
            tuple(9, "COPY", List.of("--chown=1:1", "--chmod=755"), "a b"),
            tuple(10, "CMD", List.of(), "[\"sh\"]"));
    assertThat(instructions.get(3).jsonForm()).isTrue();
    assertThat(instructions.get(3).words()).containsExactly("sh");
  }

  @Test
  void backtickEscapeDirectiveMakesBackslashesPlainAndBacktickTheContinuation() {
    String dockerfile =
        """
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        RUN dir c:\\ `
            && echo done
        COPY --from=build c:\\app\\ c:\\app\\
        """;
    DockerfileInstructions parsed = DockerfileInstructions.read(dockerfile);
    assertThat(parsed.escape()).isEqualTo('`');
    assertThat(parsed.instructions())
        .extracting(Instruction::line, Instruction::keyword, Instruction::arguments)
        .containsExactly(
            tuple(2, "FROM", "mcr.microsoft.com/windows/servercore:ltsc2022"),
            tuple(3, "RUN", "dir c:\\     && echo done"),
            tuple(5, "COPY", "c:\\app\\ c:\\app\\"));
    assertThat(parsed.instructions().get(2).flags()).containsExactly("--from=build");
  }

  @Test
  void directivesCountOnlyBeforeAnyCommentBlankLineOrInstruction() {
    String late =
        """
        # a comment first
        # escape=`
        FROM alpine
        RUN echo a `
        RUN echo b
        """;
    DockerfileInstructions parsed = DockerfileInstructions.read(late);
    assertThat(parsed.directives()).isEmpty();
    assertThat(parsed.escape()).isEqualTo('\\');
    assertThat(parsed.instructions()).extracting(Instruction::line).containsExactly(3, 4, 5);

    DockerfileInstructions spaced =
        DockerfileInstructions.read("  #SYNTAX = docker/dockerfile:1.7  \n#escape=`\nFROM a\n");
    assertThat(spaced.directives())
        .containsExactly(
            new Directive(1, "syntax", "docker/dockerfile:1.7"), new Directive(2, "escape", "`"));
    assertThat(spaced.escape()).isEqualTo('`');

    assertThat(DockerfileInstructions.read("\n# escape=`\nFROM a\n").escape()).isEqualTo('\\');
    assertThat(DockerfileInstructions.read("# unknown=x\n# escape=`\nFROM a\n").escape())
        .isEqualTo('\\');
  }

  @Test
  void aRepeatedDirectiveOrABadEscapeIsAnError() {
    assertThat(DockerfileInstructions.read("# syntax=a\n# syntax=b\nFROM x\n").errors())
        .containsExactly(
            new Error(
                2,
                "a second # syntax= parser directive; keep only one, the Dockerfile parser refuses"
                    + " repeats"));
    DockerfileInstructions bad = DockerfileInstructions.read("# escape=/\nFROM x\n");
    assertThat(bad.errors())
        .containsExactly(
            new Error(1, "# escape=/ is not an escape character; use \\ or ` (backtick)"));
    assertThat(bad.escape()).isEqualTo('\\');
  }

  /** Rows: the last line of a RUN, whether the instruction goes on to the next line. */
  @ParameterizedTest(name = "[{0}] continues: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "RUN echo a \\              | true",
        "'RUN echo a \\   \t'       | true",
        "RUN echo a\\               | true",
        "RUN echo a \\\\            | false",
        "RUN echo a \\ b            | false",
        "RUN echo a                 | false",
      })
  void continuationIsAnUnescapedEscapeAtTheEndOfTheLine(String first, boolean continues) {
    List<Instruction> instructions =
        DockerfileInstructions.read("FROM x\n" + first + "\nRUN echo b\n").instructions();
    assertThat(instructions).hasSize(continues ? 2 : 3);
  }

  @Test
  void crlfLineEndsAndAByteOrderMarkAreRead() {
    List<Instruction> instructions =
        DockerfileInstructions.read("\uFEFFFROM a\r\nRUN echo \\\r\n  b\r\n").instructions();
    assertThat(instructions)
        .extracting(Instruction::line, Instruction::keyword, Instruction::arguments)
        .containsExactly(tuple(1, "FROM", "a"), tuple(2, "RUN", "echo   b"));
  }

  @Test
  void flagsLoseTheirQuotesAndADoubleDashEndsThem() {
    Instruction run =
        DockerfileInstructions.read(
                "RUN --mount=\"type=secret,id=npm\" --network=none -- --not-a-flag\n")
            .instructions()
            .get(0);
    assertThat(run.flags()).containsExactly("--mount=type=secret,id=npm", "--network=none");
    assertThat(run.flagNames()).containsExactly("mount", "network");
    assertThat(run.flagValues("mount")).containsExactly("type=secret,id=npm");
    assertThat(run.arguments()).isEqualTo("--not-a-flag");
  }

  /**
   * Rows: a line, the heredocs it opens ({@code -} marks {@code <<-}) joined by {@code ,}, or
   * nothing.
   */
  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '^',
      value = {
        "RUN <<EOF                     | EOF",
        "RUN <<-EOF                    | -EOF",
        "RUN <<\"EOF\"                 | EOF",
        "RUN <<'EOF'                   | EOF",
        "RUN python3 <<EOF > /out      | EOF",
        "RUN 3<<EOF cat /dev/fd/3      | EOF",
        "RUN <<A cat - <<B             | A,B",
        "COPY <<EOF /etc/app.conf      | EOF",
        "COPY --chmod=755 <<EOF /x     | EOF",
        "RUN << EOF                    |",
        "RUN echo \"<<EOF\"            |",
        "RUN cat<<EOF                  |",
        "RUN [\"sh\", \"-c\", \"cat <<EOF\"] |",
        "ENV X=<<EOF                   |",
      })
  void heredocForms(String line, String expected) {
    String names = expected == null ? "" : expected;
    Instruction instruction = DockerfileInstructions.read(line + "\n").instructions().get(0);
    assertThat(
            String.join(
                ",",
                instruction.heredocs().stream()
                    .map(h -> (h.chomp() ? "-" : "") + h.name())
                    .toList()))
        .isEqualTo(names);
  }

  @Test
  void heredocBodiesAreNotReadAsInstructions() {
    String dockerfile =
        """
        FROM alpine
        RUN <<EOF
        FROM evil
        RUN --mount=type=secret,id=x true
        EOF
        RUN <<-"END" cat > /a <<TWO
        \t\tCOPY nothing
        \tEND
        TWO
        ONBUILD RUN <<EOF
        ADD --chmod=700 x y
        EOF
        CMD ["true"]
        """;
    DockerfileInstructions parsed = DockerfileInstructions.read(dockerfile);
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.instructions())
        .extracting(Instruction::line, Instruction::keyword)
        .containsExactly(
            tuple(1, "FROM"),
            tuple(2, "RUN"),
            tuple(6, "RUN"),
            tuple(10, "ONBUILD"),
            tuple(13, "CMD"));
    assertThat(parsed.instructions().get(2).heredocs())
        .containsExactly(new Heredoc("END", true), new Heredoc("TWO", false));
  }

  @Test
  void anUnclosedHeredocIsAnErrorAtItsInstruction() {
    DockerfileInstructions parsed =
        DockerfileInstructions.read("FROM a\nRUN <<EOF\necho hi\n  EOF\n");
    assertThat(parsed.errors())
        .containsExactly(
            new Error(
                2, "heredoc <<EOF is never closed; end it with a line that reads exactly EOF"));
  }

  @Test
  void wordsAreUnquotedShellWordsOrTheJsonStrings() {
    List<Instruction> instructions =
        DockerfileInstructions.read("ARG A=\"x y\" B='$z' C=a\\ b\nCOPY [\"a b\", \"/c\\u0041\"]\n")
            .instructions();
    assertThat(instructions.get(0).words()).containsExactly("A=x y", "B=$z", "C=a b");
    assertThat(instructions.get(1).words()).containsExactly("a b", "/cA");
  }
}
