package io.github.shipmaven.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.shipmaven.git.GitFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRecordTest {
  static final String IMAGE = "127.0.0.1:5000/team/app";
  static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  static final String DIGEST = "sha256:" + "cd".repeat(32);
  static final GitFacts GIT =
      new GitFacts(SHA, "main", "git", false, List.of(), null, null, Instant.EPOCH);

  @TempDir Path dir;

  Path file() {
    return dir.resolve("target/ship/image.json");
  }

  JsonNode written() throws Exception {
    return new ObjectMapper().readTree(file().toFile());
  }

  @Test
  void writesWhatEachStepLearntAsJacksonsPrettyPrinterDoes() throws Exception {
    ImageRecord.start(file(), IMAGE)
        .tags(List.of(SHA, "latest"))
        .git(new GitFacts(SHA, null, "none", true, List.of("a"), null, null, Instant.EPOCH))
        .imageId("sha256:" + "ab".repeat(32))
        .write();
    ImageRecord.load(file(), IMAGE)
        .digest(DIGEST)
        .deploy("dep-1", "triggered", "https://x")
        .write();

    // the same tree written by an ObjectMapper with INDENT_OUTPUT, as the record was before
    String expected =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(written());
    assertThat(Files.readString(file())).isEqualTo(expected);
    assertThat(Files.readString(file()))
        .startsWith("{")
        .contains("\"image\" : \"" + IMAGE + "\",")
        .contains("\"tags\" : [ \"" + SHA + "\", \"latest\" ]")
        .contains("\"branch\" : null")
        .contains("\"dirty\" : true")
        .contains("\"id\" : \"dep-1\"");
  }

  @Test
  void keepsFieldsItDoesNotKnowAsTheyWereWritten() throws Exception {
    Files.createDirectories(file().getParent());
    String other =
        "{\"image\":\""
            + IMAGE
            + "\",\"n\":12345678901234567890123,\"f\":1.50,\"e\":-2E+3,\"t\":true,\"z\":null,"
            + "\"list\":[1,[2,{\"a\":\"\\u00e9\\n\"}],[]],\"empty\":{},\"git\":{\"sha\":\"old\"}}";
    Files.writeString(file(), other);
    ImageRecord.load(file(), IMAGE).git(GIT).digest(DIGEST).write();

    JsonNode before = new ObjectMapper().readTree(other);
    JsonNode after = written();
    assertThat(after.get("list")).isEqualTo(before.get("list"));
    assertThat(after.get("empty")).isEqualTo(before.get("empty"));
    assertThat(after.get("t").asBoolean()).isTrue();
    assertThat(after.get("z").isNull()).isTrue();
    assertThat(Files.readString(file()))
        .contains("\"n\" : 12345678901234567890123,")
        .contains("\"f\" : 1.50,")
        .contains("\"e\" : -2E+3,");
    assertThat(after.get("git").get("sha").asText()).isEqualTo(SHA);
    assertThat(ImageRecord.load(file(), IMAGE).digestOf(SHA)).contains(DIGEST);
  }

  @Test
  void aDigestCountsOnlyForTheCommitItWasPushedFrom() throws Exception {
    ImageRecord.start(file(), IMAGE).git(GIT).digest(DIGEST).write();
    assertThat(ImageRecord.load(file(), IMAGE).digestOf(SHA)).contains(DIGEST);
    assertThat(ImageRecord.load(file(), IMAGE).digestOf("0".repeat(40))).isEmpty();
    ImageRecord.start(file(), IMAGE).digest(DIGEST).write(); // no git facts
    assertThat(ImageRecord.load(file(), IMAGE).digestOf(SHA)).isEmpty();
    Files.writeString(
        file(), "{\"image\":\"" + IMAGE + "\",\"digest\":7,\"git\":{\"sha\":\"" + SHA + "\"}}");
    assertThat(ImageRecord.load(file(), IMAGE).digestOf(SHA)).isEmpty();
  }

  @Test
  void startsAfreshForAnotherImageOrAnUnreadableFile() throws Exception {
    ImageRecord.start(file(), "team/other").git(GIT).digest(DIGEST).write();
    assertThat(ImageRecord.load(file(), IMAGE).digestOf(SHA)).isEmpty();

    for (String unreadable :
        new String[] {
          "", "[1,2]", "\"text\"", "{\"image\":\"" + IMAGE + "\",", "{\"image\":", "nul"
        }) {
      Files.writeString(file(), unreadable);
      ImageRecord.load(file(), IMAGE).digest(DIGEST).write();
      assertThat(written().toString())
          .as(unreadable)
          .isEqualTo("{\"image\":\"" + IMAGE + "\",\"digest\":\"" + DIGEST + "\"}");
    }
  }
}
