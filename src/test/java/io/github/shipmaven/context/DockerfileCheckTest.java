package io.github.shipmaven.context;

import static io.github.shipmaven.context.Builder.BUILDKIT;
import static io.github.shipmaven.context.Builder.CLASSIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.github.shipmaven.context.DockerfileCheck.Finding;
import io.github.shipmaven.core.ShipException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DockerfileCheckTest {
  private static final Path DOCKERFILE = Path.of("app", "Dockerfile");

  /** The lines that fail, in order, for a Dockerfile under a builder with no build args. */
  private static List<Integer> failingLines(Builder builder, String dockerfile) {
    return failingLines(builder, dockerfile, Map.of());
  }

  private static List<Integer> failingLines(
      Builder builder, String dockerfile, Map<String, String> buildArgs) {
    return DockerfileCheck.findings(DOCKERFILE, dockerfile, builder, buildArgs).stream()
        .filter(Finding::fatal)
        .map(Finding::line)
        .toList();
  }

  /**
   * Rows: a Dockerfile (after a first line {@code FROM base}), the lines that fail under BuildKit,
   * the lines that fail under the classic builder.
   */
  static Stream<Arguments> rules() {
    return Stream.of(
        row("RUN --mount=type=cache,target=/root/.m2 mvn package", none(), lines(2)),
        row("RUN --mount=type=bind,target=. make", none(), lines(2)),
        row("RUN --mount=target=. make", none(), lines(2)),
        row("RUN --mount=type=tmpfs,target=/tmp make", none(), lines(2)),
        row("RUN --mount=type=secret,id=npm,target=/root/.npmrc npm ci", none(), lines(2)),
        row("RUN --mount=id=npm,TYPE=Secret,required=false npm ci", none(), lines(2)),
        row("RUN --mount=\"type=ssh\" git clone git@github.com:o/r.git", none(), lines(2)),
        row("RUN --mount=type=cache,target=/c --mount=type=ssh go mod download", none(), lines(2)),
        row("RUN --network=none make", none(), lines(2)),
        row("RUN --security=sandbox make", none(), lines(2)),
        row("RUN --device=/dev/fuse make", none(), lines(2)),
        row("RUN echo --mount=type=secret", none(), none()),
        row("COPY --chmod=755 app /app", none(), lines(2)),
        row("COPY --link app /app", none(), lines(2)),
        row("COPY --link=false app /app", none(), lines(2)),
        row("COPY --parents src/*/pom.xml /app/", none(), lines(2)),
        row("COPY --exclude=*.md . /app", none(), lines(2)),
        row("COPY --from=build --chown=app:app /out /app", none(), none()),
        row("ADD --chmod=644 app.tar /app", none(), lines(2)),
        row("ADD --checksum=sha256:abc https://example.com/a.tgz /a", none(), lines(2)),
        row("ADD --keep-git-dir https://github.com/o/r.git /src", none(), lines(2, 2)),
        row("ADD --unpack=true https://example.com/a.tgz /a", none(), lines(2)),
        row("ADD --chown=1:1 https://example.com/a.tgz /a", none(), none()),
        row("ADD https://github.com/o/r.git#v1.0 /src", none(), lines(2)),
        row("ADD git@github.com:o/r.git /src", none(), lines(2)),
        row("ADD ssh://git@example.com/o/r.git /src", none(), lines(2)),
        row("RUN <<EOF\necho hi\nEOF\nRUN true", none(), lines(2)),
        row("RUN <<-EOF\n\techo hi\n\tEOF", none(), lines(2)),
        row("RUN <<\"EOF\"\necho $HOME\nEOF", none(), lines(2)),
        row("COPY <<EOF /etc/app.conf\nkey=value\nEOF", none(), lines(2)),
        row("RUN << EOF", none(), none()),
        row("ONBUILD RUN --mount=type=secret,id=x <<EOF\necho\nEOF", none(), none()),
        row("CMD echo $TARGETARCH", none(), none()));
  }

  private static Arguments row(String body, List<Integer> buildKit, List<Integer> classic) {
    return Arguments.of(body, buildKit, classic);
  }

  private static List<Integer> lines(Integer... lines) {
    return List.of(lines);
  }

  private static List<Integer> none() {
    return List.of();
  }

  @ParameterizedTest(name = "[{0}] buildkit {1} classic {2}")
  @MethodSource("rules")
  void eachRuleUnderEachBuilder(String body, List<Integer> buildKit, List<Integer> classic) {
    String dockerfile = "FROM base\n" + body + "\n";
    assertThat(failingLines(BUILDKIT, dockerfile)).as("buildkit").isEqualTo(buildKit);
    assertThat(failingLines(CLASSIC, dockerfile)).as("classic").isEqualTo(classic);
  }

  /**
   * Rows: a Dockerfile, build args, the lines that fail under the classic builder (none of them
   * fail under BuildKit).
   */
  static Stream<Arguments> platformArgs() {
    return Stream.of(
        // FROM lines see the global scope, where BuildKit sets them with no ARG at all
        Arguments.of("FROM --platform=$BUILDPLATFORM golang\n", Map.of(), lines(1)),
        Arguments.of("FROM --platform=${BUILDPLATFORM} golang\n", Map.of(), lines(1)),
        Arguments.of("FROM golang:1-$TARGETOS\n", Map.of(), lines(1)),
        Arguments.of(
            "ARG BUILDPLATFORM=linux/amd64\nFROM --platform=$BUILDPLATFORM a\n", Map.of(), none()),
        Arguments.of("ARG BUILDPLATFORM\nFROM --platform=$BUILDPLATFORM a\n", Map.of(), lines(2)),
        Arguments.of(
            "ARG BUILDPLATFORM\nFROM --platform=$BUILDPLATFORM a\n",
            Map.of("BUILDPLATFORM", "linux/amd64"),
            none()),
        Arguments.of("FROM --platform=${BUILDPLATFORM:-linux/amd64} a\n", Map.of(), none()),
        Arguments.of("FROM --platform=${BUILDPLATFORM-linux/amd64} a\n", Map.of(), none()),
        Arguments.of("FROM a\nFROM --platform=$BUILDPLATFORM b\n", Map.of(), lines(2)),
        // in a stage BuildKit fills a bare ARG; the classic builder leaves it empty
        Arguments.of(
            "FROM a\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build\n", Map.of(), lines(3)),
        Arguments.of(
            "FROM a\nARG TARGETARCH\nRUN echo ${TARGETARCH}/$TARGETARCH\n", Map.of(), lines(3)),
        Arguments.of("FROM a\nARG TARGETARCH=amd64\nRUN echo $TARGETARCH\n", Map.of(), none()),
        Arguments.of(
            "ARG TARGETARCH=amd64\nFROM a\nARG TARGETARCH\nRUN echo $TARGETARCH\n",
            Map.of(),
            none()),
        Arguments.of(
            "FROM a\nARG TARGETARCH\nRUN echo $TARGETARCH\n",
            Map.of("TARGETARCH", "arm64"),
            none()),
        Arguments.of(
            "FROM a\nARG TARGETARCH\nRUN echo $TARGETARCH\n", Map.of("TARGETARCH", ""), lines(3)),
        Arguments.of("FROM a\nENV TARGETARCH=amd64\nRUN echo $TARGETARCH\n", Map.of(), none()),
        Arguments.of("FROM a\nARG TARGETARCH\nRUN echo ${TARGETARCH:-amd64}\n", Map.of(), none()),
        Arguments.of("FROM a\nARG TARGETARCH\nRUN echo ${TARGETARCH:+x}\n", Map.of(), lines(3)),
        Arguments.of("FROM a\nARG TARGETARCH\nRUN echo \\$TARGETARCH\n", Map.of(), none()),
        Arguments.of("FROM a\nARG TARGETARCH\nRUN echo $TARGETARCHIVE\n", Map.of(), none()),
        Arguments.of(
            "FROM a\nARG TARGETARCH\nCOPY --from=b /out/app-$TARGETARCH /app\n",
            Map.of(),
            lines(3)),
        Arguments.of("FROM a\nARG TARGETOS TARGETARCH\nENV GOOS=$TARGETOS\n", Map.of(), lines(3)),
        // not declared in the stage: empty under BuildKit too, so not the builder's difference
        Arguments.of("FROM a\nRUN echo $TARGETARCH\n", Map.of(), none()),
        // a stage's ARG does not reach the next stage
        Arguments.of(
            "FROM a\nARG TARGETARCH=amd64\nFROM b\nARG TARGETARCH\nRUN echo $TARGETARCH\n",
            Map.of(),
            lines(5)));
  }

  @ParameterizedTest(name = "[{0}] {1} -> classic fails {2}")
  @MethodSource("platformArgs")
  void platformArgumentsUnderTheClassicBuilder(
      String dockerfile, Map<String, String> buildArgs, List<Integer> classic) {
    assertThat(failingLines(CLASSIC, dockerfile, buildArgs)).isEqualTo(classic);
    assertThat(failingLines(BUILDKIT, dockerfile, buildArgs)).isEmpty();
  }

  @Test
  void messagesNameThePathTheLineAndTheFix() {
    assertThat(message(CLASSIC, "FROM a\nRUN --mount=type=secret,id=npm npm ci\n"))
        .isEqualTo(
            "app/Dockerfile:2: RUN --mount=type=secret needs a BuildKit session, which the classic"
                + " builder and Podman's builder do not have: set <builder>buildkit</builder>"
                + " (ship.builder) and build on a Docker engine with BuildKit (the secret is"
                + " served through it)");
    assertThat(message(CLASSIC, "FROM a\nRUN --mount=type=cache,target=/c --mount=type=ssh make\n"))
        .isEqualTo(
            "app/Dockerfile:2: RUN --mount=type=ssh needs a BuildKit session, which the classic"
                + " builder and Podman's builder do not have: set <builder>buildkit</builder>"
                + " (ship.builder) and build on a Docker engine with BuildKit (the SSH agent is"
                + " forwarded through it)");
    assertThat(message(CLASSIC, "FROM a\nCOPY --chmod=755 app /app\n"))
        .isEqualTo(
            "app/Dockerfile:2: COPY --chmod needs BuildKit; the classic builder rejects it or,"
                + " depending on the Engine version, silently ignores it; set"
                + " <builder>buildkit</builder> (ship.builder) or rewrite the line without"
                + " --chmod");
    assertThat(message(CLASSIC, "FROM a\nRUN <<EOF\necho hi\nEOF\n"))
        .isEqualTo(
            "app/Dockerfile:2: RUN <<EOF is a heredoc, which needs BuildKit; the classic builder"
                + " fails on it or (Engine 23 and later) skips its content without a word; set"
                + " <builder>buildkit</builder> (ship.builder) or write the commands on the RUN"
                + " line");
    assertThat(message(CLASSIC, "FROM a\nCOPY <<-EOF /x\n\tEOF\n"))
        .endsWith(
            "COPY <<-EOF is a heredoc, which needs BuildKit; the classic builder fails on it"
                + " or (Engine 23 and later) skips its content without a word; set"
                + " <builder>buildkit</builder> (ship.builder) or COPY a file from the build context"
                + " instead");
    assertThat(message(CLASSIC, "FROM a\nADD https://github.com/o/r.git /src\n"))
        .isEqualTo(
            "app/Dockerfile:2: ADD https://github.com/o/r.git is a git repository, which needs"
                + " BuildKit; the classic builder takes it for a plain URL or file; set"
                + " <builder>buildkit</builder> (ship.builder) or clone it into the build context"
                + " before the build");
    assertThat(message(CLASSIC, "FROM --platform=$BUILDPLATFORM a\n"))
        .isEqualTo(
            "app/Dockerfile:1: $BUILDPLATFORM is empty under the classic builder (BuildKit sets"
                + " BUILDPLATFORM automatically); set <builder>buildkit</builder> (ship.builder),"
                + " or give it a value with ARG BUILDPLATFORM=<value> before the first FROM or"
                + " <buildArgs><BUILDPLATFORM>…</BUILDPLATFORM></buildArgs>");
    assertThat(message(CLASSIC, "FROM a\nARG TARGETARCH\nRUN echo ${TARGETARCH}\n"))
        .isEqualTo(
            "app/Dockerfile:3: ${TARGETARCH} is empty under the classic builder (BuildKit sets"
                + " TARGETARCH automatically); set <builder>buildkit</builder> (ship.builder), or"
                + " give it a value with ARG TARGETARCH=<value> or"
                + " <buildArgs><TARGETARCH>…</TARGETARCH></buildArgs>");
  }

  private static String message(Builder builder, String dockerfile) {
    List<Finding> fatal =
        DockerfileCheck.findings(DOCKERFILE, dockerfile, builder, Map.of()).stream()
            .filter(Finding::fatal)
            .toList();
    assertThat(fatal).hasSize(1);
    return fatal.get(0).message();
  }

  @Test
  void checkThrowsTheFirstProblemWithACountOfTheRest() {
    String dockerfile =
        "FROM a\nRUN --mount=type=cache,target=/c make\nCOPY --chmod=755 a /a\nCOPY --link b /b\n";
    assertThatThrownBy(() -> DockerfileCheck.check(DOCKERFILE, dockerfile, CLASSIC, Map.of()))
        .isInstanceOf(ShipException.class)
        .hasMessageStartingWith("app/Dockerfile:2: RUN --mount needs BuildKit;")
        .hasMessageEndingWith("without --mount (and 2 more problems in this Dockerfile)")
        .satisfies(
            e -> assertThat(((ShipException) e).kind()).isEqualTo(ShipException.Kind.CONFIG));
    assertThatThrownBy(
            () ->
                DockerfileCheck.check(
                    DOCKERFILE,
                    "FROM a\nRUN --network=none a\nRUN --network=none b\n",
                    CLASSIC,
                    Map.of()))
        .hasMessageEndingWith("without --network (and 1 more problem in this Dockerfile)");
    assertThat(DockerfileCheck.check(DOCKERFILE, dockerfile, BUILDKIT, Map.of())).isEmpty();
  }

  @Test
  void aSyntaxDirectiveIsOnlyAWarningUnderTheClassicBuilder() {
    String dockerfile = "# syntax=docker/dockerfile:1\nFROM a\nRUN make\n";
    assertThat(DockerfileCheck.check(DOCKERFILE, dockerfile, CLASSIC, Map.of()))
        .containsExactly(
            "app/Dockerfile:1: # syntax=docker/dockerfile:1 is ignored by the classic builder,"
                + " which always uses the Engine's built-in Dockerfile parser; set"
                + " <builder>buildkit</builder> (ship.builder) to build with that frontend");
    assertThat(DockerfileCheck.check(DOCKERFILE, dockerfile, BUILDKIT, Map.of())).isEmpty();
  }

  @Test
  void whatTheParserRefusesFailsUnderEitherBuilder() {
    for (Builder builder : Builder.values()) {
      assertThatThrownBy(
              () -> DockerfileCheck.check(DOCKERFILE, "# escape=x\nFROM a\n", builder, Map.of()))
          .hasMessage(
              "app/Dockerfile:1: # escape=x is not an escape character; use \\ or ` (backtick)");
      assertThat(failingLines(builder, "FROM a\nRUN cat <<EOF\nno end\n")).contains(2);
    }
  }

  @Test
  void lineNumbersCountContinuationsCommentsAndHeredocBodies() {
    String dockerfile =
        """
        # syntax=docker/dockerfile:1
        # escape=\\

        FROM alpine
        # install
        RUN apk add \\
        # a comment line in the middle
              curl \\

              git
        RUN <<EOF
        echo one
        EOF
        RUN --mount=type=secret,id=token \\
            cat /run/secrets/token
        """;
    assertThat(failingLines(BUILDKIT, dockerfile)).isEmpty();
    assertThat(failingLines(CLASSIC, dockerfile)).containsExactly(11, 14);
  }

  @Test
  void backtickEscapeContinuesLinesAndNumbersFollow() {
    String dockerfile =
        """
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        RUN powershell -Command `
            $ErrorActionPreference = 'Stop'; `
            Write-Host c:\\
        COPY --chmod=755 app c:\\app\\
        """;
    assertThat(failingLines(CLASSIC, dockerfile)).containsExactly(6);
    assertThat(failingLines(BUILDKIT, dockerfile)).isEmpty();
  }

  /** The Spring Boot Docker guide's shape: a Maven cache mount in a build stage. */
  private static final String SPRING_BOOT =
      """
      # syntax=docker/dockerfile:1
      FROM eclipse-temurin:21-jdk-alpine AS build
      WORKDIR /workspace/app
      COPY mvnw .
      COPY .mvn .mvn
      COPY pom.xml .
      COPY src src
      RUN --mount=type=cache,target=/root/.m2 ./mvnw install -DskipTests
      RUN mkdir -p target/dependency && (cd target/dependency; jar -xf ../*.jar)

      FROM eclipse-temurin:21-jre-alpine
      VOLUME /tmp
      ARG DEPENDENCY=/workspace/app/target/dependency
      COPY --from=build ${DEPENDENCY}/BOOT-INF/lib /app/lib
      COPY --from=build ${DEPENDENCY}/META-INF /app/META-INF
      COPY --from=build ${DEPENDENCY}/BOOT-INF/classes /app
      ENTRYPOINT ["java", "-cp", "app:app/lib/*", "com.example.Application"]
      """;

  /** Quarkus's Dockerfile.native-micro shape: the native executable copied with a mode. */
  private static final String QUARKUS_NATIVE_MICRO =
      """
      ####
      # Builds a container that runs the Quarkus application in native (no JVM) mode.
      #   ./mvnw package -Dnative
      ####
      FROM quay.io/quarkus/quarkus-micro-image:2.0
      WORKDIR /work/
      RUN chown 1001 /work \\
          && chmod "g+rwX" /work \\
          && chown 1001:root /work
      COPY --chown=1001:root --chmod=0755 target/*-runner /work/application

      EXPOSE 8080
      USER 1001

      ENTRYPOINT ["./application", "-Dquarkus.http.host=0.0.0.0"]
      """;

  /** Docker's multi-platform Go sample shape: cross-compiling from the build platform. */
  private static final String GO_MULTI_PLATFORM =
      """
      # syntax=docker/dockerfile:1
      FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build
      WORKDIR /src
      ARG TARGETOS
      ARG TARGETARCH
      RUN --mount=target=. \\
          --mount=type=cache,target=/root/.cache/go-build \\
          --mount=type=cache,target=/go/pkg \\
          CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/example .

      FROM alpine
      COPY --from=build /out/example /bin
      """;

  @Test
  void realisticDockerfiles() {
    assertThat(DockerfileCheck.check(DOCKERFILE, SPRING_BOOT, BUILDKIT, Map.of())).isEmpty();
    assertThat(DockerfileCheck.findings(DOCKERFILE, SPRING_BOOT, CLASSIC, Map.of()))
        .extracting(Finding::line, Finding::fatal)
        .containsExactly(tuple(1, false), tuple(8, true));

    assertThat(DockerfileCheck.check(DOCKERFILE, QUARKUS_NATIVE_MICRO, BUILDKIT, Map.of()))
        .isEmpty();
    assertThatThrownBy(
            () -> DockerfileCheck.check(DOCKERFILE, QUARKUS_NATIVE_MICRO, CLASSIC, Map.of()))
        .hasMessageStartingWith("app/Dockerfile:10: COPY --chmod needs BuildKit;")
        .hasMessageNotContaining("more problem");

    assertThat(DockerfileCheck.check(DOCKERFILE, GO_MULTI_PLATFORM, BUILDKIT, Map.of())).isEmpty();
    assertThat(failingLines(CLASSIC, GO_MULTI_PLATFORM)).containsExactly(2, 6, 6, 6);
    assertThatThrownBy(
            () -> DockerfileCheck.check(DOCKERFILE, GO_MULTI_PLATFORM, CLASSIC, Map.of()))
        .hasMessageStartingWith("app/Dockerfile:2: $BUILDPLATFORM is empty under the classic")
        .hasMessageEndingWith("(and 3 more problems in this Dockerfile)");
  }

  @Test
  void aLongDockerfileIsCheckedQuickly() {
    String dockerfile = longDockerfile();
    assertThat(dockerfile.lines().count()).isGreaterThanOrEqualTo(200);
    // many passes warm the code; the bound is loose so a busy machine does not fail it
    for (int i = 0; i < 200; i++) {
      DockerfileCheck.findings(DOCKERFILE, dockerfile, CLASSIC, Map.of());
    }
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      assertThat(DockerfileCheck.findings(DOCKERFILE, dockerfile, CLASSIC, Map.of())).isNotEmpty();
      best = Math.min(best, System.nanoTime() - start);
    }
    assertThat(best / 1000).as("microseconds").isLessThan(50_000);
  }

  /** About 200 lines: stages, continuations, comments, heredocs, ARGs and mounts. */
  static String longDockerfile() {
    StringBuilder out = new StringBuilder("# syntax=docker/dockerfile:1\n");
    for (int stage = 0; stage < 11; stage++) {
      out.append("# stage ")
          .append(stage)
          .append('\n')
          .append("FROM --platform=$BUILDPLATFORM golang:1.22 AS s")
          .append(stage)
          .append('\n')
          .append("ARG TARGETOS\nARG TARGETARCH\nWORKDIR /src\n")
          .append("COPY --link go.mod go.sum ./\n")
          .append("RUN --mount=type=cache,target=/go/pkg/mod \\\n")
          .append("    go mod download \\\n    && echo done\n")
          .append("RUN <<EOF\nset -e\nGOOS=$TARGETOS GOARCH=$TARGETARCH go build ./...\nEOF\n")
          .append("ENV A=1 B=\"two words\"\n")
          .append("LABEL org.example.stage=\"")
          .append(stage)
          .append("\"\n")
          .append("COPY --from=s0 --chmod=755 /out/app /app\n")
          .append("EXPOSE 8080\nUSER 1000\n");
    }
    out.append("CMD [\"/app\"]\n");
    return out.toString();
  }
}
