package io.github.shipmaven.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BranchFilterTest {
  @Test
  void noPatternsAllowEveryBranch() {
    assertThat(new BranchFilter(List.of()).allows("anything")).isTrue();
    assertThat(new BranchFilter(null).allows(null)).isTrue();
  }

  @Test
  void globsMatchAsDocumented() {
    BranchFilter filter = new BranchFilter(List.of("main", "release/*", "hotfix/**"));
    assertThat(filter.allows("main")).isTrue();
    assertThat(filter.allows("release/1.2")).isTrue();
    assertThat(filter.allows("release/1/2")).isFalse();
    assertThat(filter.allows("hotfix/a/b")).isTrue();
    assertThat(filter.allows("mainline")).isFalse();
    assertThat(filter.allows(null)).isFalse();
    assertThat(filter.describe()).isEqualTo("main, release/*, hotfix/**");
  }
}
