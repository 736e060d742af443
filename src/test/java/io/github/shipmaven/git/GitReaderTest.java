package io.github.shipmaven.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.StoredConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitReaderTest {
  @TempDir Path dir;

  private Git repoWithOneCommit() throws Exception {
    Git git = TestRepository.init(dir);
    Files.writeString(dir.resolve("a.txt"), "a");
    TestRepository.commitAll(git, "first");
    return git;
  }

  @Test
  void readsShaBranchAndCleanState() throws Exception {
    try (Git git = repoWithOneCommit()) {
      String sha = git.getRepository().resolve("HEAD").name();
      GitFacts facts = new GitReader(Map.of()).read(dir);
      assertThat(facts.sha()).isEqualTo(sha);
      assertThat(facts.shortSha()).isEqualTo(sha.substring(0, 7));
      assertThat(facts.branch()).isEqualTo("main");
      assertThat(facts.dirty()).isFalse();
      assertThat(facts.gitTag()).isNull();
    }
  }

  @Test
  void theCommitTimeIsTheCommittersNotTheAuthors() throws Exception {
    try (Git git = TestRepository.init(dir)) {
      Files.writeString(dir.resolve("a.txt"), "a");
      git.add().addFilepattern(".").call();
      Instant authored = Instant.parse("2020-01-02T03:04:05Z");
      Instant committed = Instant.parse("2024-05-06T07:08:09Z");
      git.commit()
          .setMessage("dated")
          .setAuthor(new PersonIdent("A", "a@example.invalid", authored, ZoneOffset.ofHours(2)))
          .setCommitter(
              new PersonIdent("C", "c@example.invalid", committed, ZoneOffset.ofHours(-5)))
          .setSign(false)
          .call();

      assertThat(new GitReader(Map.of()).read(dir).commitTime()).isEqualTo(committed);
    }
  }

  @Test
  void findsTheRepositoryFromAModuleSubdirectory() throws Exception {
    try (Git git = repoWithOneCommit()) {
      Path module = Files.createDirectories(dir.resolve("modules/web"));
      assertThat(new GitReader(Map.of()).read(module).branch()).isEqualTo("main");
    }
  }

  @Test
  void onADetachedHeadTheCiNamesTheBranch() throws Exception {
    try (Git git = repoWithOneCommit()) {
      String sha = git.getRepository().resolve("HEAD").name();
      git.checkout().setName(sha).call();
      GitFacts ci = new GitReader(Map.of("CIRCLECI", "true", "CIRCLE_BRANCH", "master")).read(dir);
      assertThat(ci.branch()).isEqualTo("master");
      assertThat(ci.branchSource()).isEqualTo("CircleCI CIRCLE_BRANCH");
      GitFacts none = new GitReader(Map.of()).read(dir);
      assertThat(none.branch()).isNull();
      assertThat(none.branchSource()).contains("detached HEAD");
    }
  }

  @Test
  void dirtyMeansTrackedChangesOnly() throws Exception {
    try (Git git = repoWithOneCommit()) {
      Files.writeString(dir.resolve("untracked.txt"), "u");
      assertThat(new GitReader(Map.of()).read(dir).dirty()).isFalse();
      Files.writeString(dir.resolve("a.txt"), "changed");
      GitFacts facts = new GitReader(Map.of()).read(dir);
      assertThat(facts.dirty()).isTrue();
      assertThat(facts.changedPaths()).containsExactly("a.txt");
    }
  }

  @Test
  void aLargeIndexGivesTheSameAnswerOnAllCores() throws Exception {
    try (Git git = repoWithOneCommit()) {
      for (int i = 0; i < WorkTreeChanges.PARALLEL_FROM + 100; i++) {
        Path file = dir.resolve("d" + i % 10).resolve("f" + i + ".txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "f" + i);
      }
      TestRepository.commitAll(git, "many");
      assertThat(new GitReader(Map.of()).read(dir).dirty()).isFalse();
      Files.writeString(dir.resolve("d7/f1007.txt"), "changed");
      assertThat(new GitReader(Map.of()).read(dir).changedPaths()).containsExactly("d7/f1007.txt");
    }
  }

  @Test
  void stagedChangesAreDirty() throws Exception {
    try (Git git = repoWithOneCommit()) {
      Files.writeString(dir.resolve("new.txt"), "n");
      git.add().addFilepattern("new.txt").call();
      assertThat(new GitReader(Map.of()).read(dir).changedPaths()).containsExactly("new.txt");
    }
  }

  @Test
  void findsTheExactTagAtHead() throws Exception {
    try (Git git = repoWithOneCommit()) {
      git.tag().setName("v1.0.0").setAnnotated(true).setMessage("v1").setSigned(false).call();
      assertThat(new GitReader(Map.of()).read(dir).gitTag()).isEqualTo("v1.0.0");
      Files.writeString(dir.resolve("b.txt"), "b");
      TestRepository.commitAll(git, "second");
      assertThat(new GitReader(Map.of()).read(dir).gitTag()).isNull();
    }
  }

  @Test
  void findsATagInPackedRefsWithoutReadingTagObjects() throws Exception {
    try (Git git = repoWithOneCommit()) {
      Ref annotated =
          git.tag().setName("v2.0.0").setAnnotated(true).setMessage("v2").setSigned(false).call();
      git.tag().setName("v1.0.0").setAnnotated(false).call();
      git.packRefs().setAll(true).call();
      // Without its tag object, v2.0.0 can only be matched through packed-refs' peeled line.
      String tagObject = annotated.getObjectId().name();
      Files.delete(
          dir.resolve(".git/objects/" + tagObject.substring(0, 2) + "/" + tagObject.substring(2)));
      assertThat(new GitReader(Map.of()).read(dir).gitTag()).isEqualTo("v2.0.0");
    }
  }

  @Test
  void stripsCredentialsFromTheRemote() throws Exception {
    try (Git git = repoWithOneCommit()) {
      git.getRepository()
          .getConfig()
          .setString("remote", "origin", "url", "https://user:tok3n@github.com/team/app.git");
      git.getRepository().getConfig().save();
      assertThat(new GitReader(Map.of()).read(dir).remoteUrl())
          .isEqualTo("https://github.com/team/app.git");
    }
  }

  @Test
  void stripsCredentialsOfAHostJavaCannotParse() throws Exception {
    Secrets secrets = new Secrets();
    try (Git git = repoWithOneCommit()) {
      StoredConfig config = git.getRepository().getConfig();
      config.setString(
          "remote",
          "origin",
          "url",
          "https://ci_user:Canary-tok-1@git_server.internal/team/app.git");
      config.setString("remote", "mirror", "pushurl", "https://Canary-tok-2@backup_host/app.git");
      config.save();
      assertThat(new GitReader(Map.of(), secrets).read(dir).remoteUrl())
          .isEqualTo("https://git_server.internal/team/app.git");
    }
    // Every remote's credentials are masked in whatever message might quote a raw URL.
    assertThat(secrets.redact("a Canary-tok-1 b Canary-tok-2")).isEqualTo("a **** b ****");
  }

  @Test
  void aGitDirTheJvmCannotNameIsOneLine() {
    assertThatThrownBy(() -> new GitReader(Map.of("GIT_DIR", "a\0b")).read(dir))
        .isInstanceOf(ShipException.class)
        .hasMessageStartingWith("GIT_DIR is not a path this JVM can name (")
        .hasMessageContaining("LANG=C.UTF-8");
  }

  @Test
  void aRepositoryWithoutCommitsIsAClearError() throws Exception {
    TestRepository.init(dir).close();
    assertThatThrownBy(() -> new GitReader(Map.of()).read(dir))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("has no commits yet");
  }

  @Test
  void noRepositoryNamesTheDirectory() throws Exception {
    // The temp dir may sit inside some checkout; a ceiling keeps the search inside it.
    Path lonely = Files.createDirectories(dir.resolve("lonely"));
    assertThatThrownBy(
            () -> new GitReader(Map.of("GIT_CEILING_DIRECTORIES", dir.toString())).read(lonely))
        .isInstanceOf(ShipException.class)
        .hasMessageContaining("Not a git repository: " + lonely);
  }
}
