package io.github.shipmaven.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.git.GitFacts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciLabelsTest {
  static final Instant COMMIT = Instant.parse("2026-01-02T03:04:05Z");
  static final GitFacts GIT =
      new GitFacts(
          "a".repeat(40),
          "main",
          "git",
          false,
          List.of(),
          null,
          "https://github.com/t/a.git",
          COMMIT);

  @Test
  void createdFollowsTheCommitSoRebuildsCarryTheSameLabels() {
    assertThat(OciLabels.created(Map.of(), null, GIT)).isEqualTo(COMMIT);
    assertThat(OciLabels.of(GIT, "1.0", "app", OciLabels.created(Map.of(), null, GIT)))
        .containsEntry("org.opencontainers.image.revision", "a".repeat(40))
        .containsEntry("org.opencontainers.image.source", "https://github.com/t/a.git")
        .containsEntry("org.opencontainers.image.version", "1.0")
        .containsEntry("org.opencontainers.image.title", "app")
        .containsEntry("org.opencontainers.image.created", "2026-01-02T03:04:05Z");
  }

  @Test
  void sourceDateEpochThenOutputTimestampWin() {
    assertThat(OciLabels.created(Map.of("SOURCE_DATE_EPOCH", "86400"), "2025-05-05T00:00:00Z", GIT))
        .isEqualTo(Instant.parse("1970-01-02T00:00:00Z"));
    assertThat(OciLabels.created(Map.of(), "2025-05-05T00:00:00Z", GIT))
        .isEqualTo(Instant.parse("2025-05-05T00:00:00Z"));
    assertThat(OciLabels.created(Map.of(), "10", GIT)).isEqualTo(Instant.ofEpochSecond(10));
    assertThat(OciLabels.created(Map.of(), "a", GIT)).isEqualTo(COMMIT); // Maven's "not set"
  }

  @Test
  void badTimestampsNameTheirSource() {
    assertThatThrownBy(() -> OciLabels.created(Map.of("SOURCE_DATE_EPOCH", "soon"), null, GIT))
        .hasMessageContaining("SOURCE_DATE_EPOCH");
    assertThatThrownBy(() -> OciLabels.created(Map.of(), "yesterday", GIT))
        .hasMessageContaining("project.build.outputTimestamp");
  }
}
