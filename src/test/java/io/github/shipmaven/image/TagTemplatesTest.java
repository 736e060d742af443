package io.github.shipmaven.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.RecordingLog;
import io.github.shipmaven.core.ShipException;
import io.github.shipmaven.core.ShipLog;
import io.github.shipmaven.git.GitFacts;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TagTemplatesTest {
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  static GitFacts facts(String branch, boolean dirty, String gitTag) {
    return new GitFacts(SHA, branch, "test", dirty, List.of(), gitTag, null, Instant.EPOCH);
  }

  @Test
  void defaultsGiveTheShaAndLatest() {
    assertThat(
            TagTemplates.render(
                TagTemplates.DEFAULT, facts("main", false, null), "1.0", ShipLog.NONE))
        .containsExactly(SHA, "latest");
  }

  @Test
  void fillsEveryPlaceholder() {
    assertThat(
            TagTemplates.render(
                List.of("{shortSha}", "{version}-{branch}", "{gitTag}"),
                facts("feature/Login_page", false, "v1.2.0"),
                "1.2.0",
                ShipLog.NONE))
        .containsExactly("0123456", "1.2.0-feature-Login_page", "v1.2.0");
  }

  @Test
  void marksShaTagsOfADirtyTree() {
    assertThat(
            TagTemplates.render(
                List.of("{sha}", "{shortSha}", "latest"),
                facts("main", true, null),
                "1",
                ShipLog.NONE))
        .containsExactly(SHA + "-dirty", "0123456-dirty", "latest");
  }

  @Test
  void dropsGitTagTemplatesWithoutATagAndSaysSo() {
    RecordingLog log = new RecordingLog();
    assertThat(
            TagTemplates.render(List.of("{sha}", "{gitTag}"), facts("main", false, null), "1", log))
        .containsExactly(SHA);
    assertThat(log.lines)
        .singleElement()
        .asString()
        .contains("{gitTag}")
        .contains("no exact git tag");
  }

  @Test
  void twoTemplatesGivingOneTagGiveItOnce() {
    assertThat(
            TagTemplates.render(
                List.of("latest", "{version}", "latest"),
                facts("main", false, null),
                "latest",
                ShipLog.NONE))
        .containsExactly("latest");
  }

  @Test
  void unknownPlaceholderNamesTheElement() {
    assertThatThrownBy(
            () ->
                TagTemplates.render(
                    List.of("{commit}"), facts("main", false, null), "1", ShipLog.NONE))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("<tags>")
        .hasMessageContaining("{commit}");
  }

  @Test
  void invalidResultNamesTheTemplate() {
    assertThatThrownBy(
            () ->
                TagTemplates.render(
                    List.of("-{sha}"), facts("main", false, null), "1", ShipLog.NONE))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("'-{sha}'")
        .hasMessageContaining("not a valid tag");
  }

  @Test
  void branchPlaceholderWithoutABranchIsAClearError() {
    assertThatThrownBy(
            () ->
                TagTemplates.render(
                    List.of("{branch}"), facts(null, false, null), "1", ShipLog.NONE))
        .hasMessageContaining("branch is unknown");
  }

  @Test
  void noTagLeftIsAnError() {
    assertThatThrownBy(
            () ->
                TagTemplates.render(
                    List.of("{gitTag}"), facts("main", false, null), "1", ShipLog.NONE))
        .hasMessageContaining("gives no tag");
  }

  @Test
  void sanitisesBranchesToTheTagGrammar() {
    assertThat(TagTemplates.sanitizeBranch("feature/x")).isEqualTo("feature-x");
    assertThat(TagTemplates.sanitizeBranch(".hidden")).isEqualTo("hidden");
    assertThat(TagTemplates.sanitizeBranch("--x")).isEqualTo("x");
    assertThat(TagTemplates.sanitizeBranch("a".repeat(200))).hasSize(128);
    assertThat(TagTemplates.sanitizeBranch("ü/x")).isEqualTo("x");
    assertThat(TagTemplates.sanitizeBranch("ü")).isEqualTo("branch");
  }

  @Test
  void sanitisesGitTagsAsBranchesAreSanitised() {
    for (String[] tagAndExpected :
        new String[][] {
          {"release/1.0", "release-1.0"},
          {"app@1.2.3", "app-1.2.3"},
          {"v1.0+build", "v1.0-build"},
          {"v1.0.0", "v1.0.0"},
          {".v1", "v1"},
          {"ü", "tag"}
        }) {
      assertThat(
              TagTemplates.render(
                  List.of("{gitTag}", "{version}-{gitTag}"),
                  facts("main", false, tagAndExpected[0]),
                  "1",
                  ShipLog.NONE))
          .containsExactly(tagAndExpected[1], "1-" + tagAndExpected[1]);
    }
    assertThat(
            TagTemplates.render(
                List.of("{gitTag}"),
                facts("main", false, "r/" + "a".repeat(200)),
                "1",
                ShipLog.NONE))
        .singleElement()
        .asString()
        .hasSize(128);
  }

  @Test
  void sanitisesTheVersionToo() {
    assertThat(
            TagTemplates.render(
                List.of("{version}", "app-{version}"),
                facts("main", false, null),
                "1.0.0+build.5",
                ShipLog.NONE))
        .containsExactly("1.0.0-build.5", "app-1.0.0-build.5");
    assertThat(
            TagTemplates.render(
                List.of("{version}"), facts("main", false, null), "1.0-SNAPSHOT", ShipLog.NONE))
        .containsExactly("1.0-SNAPSHOT");
  }
}
