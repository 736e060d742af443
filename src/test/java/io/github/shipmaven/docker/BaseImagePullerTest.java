package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BaseImagePullerTest {
  @ParameterizedTest
  @CsvSource({
    "alpine, alpine, latest",
    "alpine:3, alpine, 3",
    "127.0.0.1:5000/team/base, 127.0.0.1:5000/team/base, latest",
    "127.0.0.1:5000/team/base:1, 127.0.0.1:5000/team/base, 1",
    "ghcr.io/team/runtime@sha256:abc, ghcr.io/team/runtime, sha256:abc",
    "ghcr.io/team/runtime:17@sha256:abc, ghcr.io/team/runtime, sha256:abc",
  })
  void aReferenceIsPulledAsRepositoryAndTagOrDigest(
      String reference, String repository, String tag) {
    assertThat(BaseImagePuller.repositoryAndTag(reference)).containsExactly(repository, tag);
  }
}
