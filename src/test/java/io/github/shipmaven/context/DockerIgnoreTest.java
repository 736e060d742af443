package io.github.shipmaven.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.ShipException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The docker CLI's documented .dockerignore cases, and moby's patternmatcher edge cases. */
class DockerIgnoreTest {

  /** Rows: .dockerignore lines joined by {@code ;}, a path, whether it is excluded. */
  @ParameterizedTest(name = "[{0}] {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // docs: */temp*, */*/temp*, temp?
        "*/temp*                       | somedir/temporary.txt     | true",
        "*/temp*                       | somedir/temp              | true",
        "*/temp*                       | temp                      | false",
        "*/*/temp*                     | somedir/subdir/temporary.txt | true",
        "*/*/temp*                     | somedir/temporary.txt     | false",
        "temp?                         | tempa                     | true",
        "temp?                         | temp                      | false",
        "temp?                         | dir/tempa                 | false",
        // ** matches any number of directories, including none
        "**/*.go                       | main.go                   | true",
        "**/*.go                       | a/b/c.go                  | true",
        "**/*.go                       | a/b/c.gox                 | false",
        "**/*.log                      | debug.log                 | true",
        "**/foo                        | foo                       | true",
        "**/foo                        | a/foo                     | true",
        "**/foo                        | afoo                      | false",
        "foo/**                        | foo/a/b                   | true",
        "foo/**                        | foobar                    | false",
        "**                            | anything/at/all           | true",
        // exceptions: the last matching line wins
        "*.md;!README*.md;README-secret.md | README-secret.md      | true",
        "*.md;!README*.md;README-secret.md | README.md             | false",
        "*.md;!README*.md;README-secret.md | CHANGES.md            | true",
        "*.md;README-secret.md;!README*.md | README-secret.md      | false",
        // a pattern matching a parent directory excludes everything below it
        "node_modules                  | node_modules/a/b/index.js | true",
        "node_modules;!node_modules/keep.js | node_modules/keep.js | false",
        "node_modules;!node_modules/keep.js | node_modules/other.js | true",
        // comments only at the start of a line; lines trimmed; leading / and ./ cleaned
        "# secret                      | # secret                  | false",
        "' # secret'                   | # secret                  | true",
        "/build                        | build/out.jar             | true",
        "./build/                      | build/out.jar             | true",
        "  target  ;                   | target/x.class            | true",
        "a/../b                        | b/c                       | true",
        // escapes and classes
        "file\\*                       | file*                     | true",
        "file\\*                       | filex                     | false",
        "[ab].txt                      | b.txt                     | true",
        "[ab].txt                      | c.txt                     | false",
        "*.tx?                         | notes.txt                 | true",
        "a.b                           | axb                       | false",
      })
  void excludesAsTheCliDoes(String lines, String path, boolean excluded) {
    DockerIgnore ignore = DockerIgnore.parse(lines.replace(";", "\n"));
    assertThat(ignore.excludes(path)).isEqualTo(excluded);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Dockerfile;.dockerignore | Dockerfile",
        "*                        | Dockerfile",
        "docker/*                 | docker/Dockerfile",
      })
  void theDockerfileAndDockerignoreAreAlwaysSent(String lines, String dockerfile) {
    DockerIgnore ignore = DockerIgnore.parse(lines.replace(";", "\n")).keeping(dockerfile);
    assertThat(ignore.excludes(dockerfile)).isFalse();
    assertThat(ignore.excludes(".dockerignore")).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "node_modules                       | node_modules | true",
        "node_modules;!node_modules/keep.js | node_modules | false",
        "node_modules;!other/keep.js        | node_modules | true",
        // the CLI's prefix rule: an exception starting with a wildcard does not open the directory
        "node_modules;!**/keep.js           | node_modules | true",
      })
  void excludedDirectoriesAreNotWalkedUnlessAnExceptionMayMatchInside(
      String lines, String dir, boolean skip) {
    assertThat(DockerIgnore.parse(lines.replace(";", "\n")).canSkipDirectory(dir)).isEqualTo(skip);
  }

  @org.junit.jupiter.api.Test
  void aLoneExclamationMarkIsAnError() {
    assertThatThrownBy(() -> DockerIgnore.of(List.of("!")))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("illegal exclusion pattern");
  }

  @ParameterizedTest
  @CsvSource({"a//b/./c, a/b/c", "/a/../../b, /b", "../a, ../a", "a/, a", "'', ."})
  void cleansLikeGo(String path, String cleaned) {
    assertThat(DockerIgnore.clean(path)).isEqualTo(cleaned);
  }
}
