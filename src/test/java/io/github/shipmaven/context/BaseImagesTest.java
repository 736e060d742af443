package io.github.shipmaven.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BaseImagesTest {
  @Test
  void findsTheRegistriesOfFromAndCopyFromButNotStages() {
    String dockerfile =
        """
        # syntax=docker/dockerfile:1
        ARG BASE=ghcr.io/team/jdk:17
        FROM --platform=linux/amd64 ${BASE} AS build
        RUN echo build
        FROM build AS test
        FROM 127.0.0.1:5000/base/runtime@sha256:abc \\
            AS runtime
        COPY --from=build /app /app
        COPY --from=quay.io/tools/tini:1 /tini /tini
        COPY --from=0 /x /x
        FROM scratch
        FROM nginx
        """;
    assertThat(BaseImages.registries(dockerfile, Map.of()))
        .containsExactly("ghcr.io", "127.0.0.1:5000", "quay.io", "docker.io");
  }

  @Test
  void findsTheImagesWithTheirRegistriesEachOnce() {
    String dockerfile =
        """
        ARG BASE=127.0.0.1:5000/team/base:1
        FROM ${BASE} AS build
        COPY --from=alpine:3 /etc/os-release /
        FROM build
        COPY --from=build /app /app
        COPY --from=alpine:3 /bin/sh /bin/sh
        FROM ghcr.io/team/runtime@sha256:abc
        """;
    assertThat(BaseImages.images(dockerfile, Map.of()))
        .containsExactly(
            new BaseImages.BaseImage("127.0.0.1:5000/team/base:1", "127.0.0.1:5000"),
            new BaseImages.BaseImage("alpine:3", "docker.io"),
            new BaseImages.BaseImage("ghcr.io/team/runtime@sha256:abc", "ghcr.io"));
  }

  @Test
  void buildArgsOverrideArgDefaults() {
    assertThat(
            BaseImages.registries(
                "ARG BASE=ghcr.io/a/b\nFROM $BASE\n", Map.of("BASE", "registry.local:5000/a/b")))
        .containsExactly("registry.local:5000");
    assertThat(BaseImages.registries("FROM ${MISSING:-index.docker.io/library/alpine}\n", Map.of()))
        .containsExactly("docker.io");
  }

  @Test
  void readsTheDockerfileAsTheParserDoes() {
    String dockerfile =
        """
        # escape=`
        ARG REGISTRY=ghcr.io BASE=team/jdk:17
        FROM ${REGISTRY}/${BASE} `
            AS build
        RUN <<EOF
        FROM quay.io/not/an/instruction
        EOF
        COPY --chown=1:1 --from=registry.example.com/tools/x:1 /x /x
        """;
    assertThat(BaseImages.registries(dockerfile, Map.of()))
        .containsExactly("ghcr.io", "registry.example.com");
  }
}
