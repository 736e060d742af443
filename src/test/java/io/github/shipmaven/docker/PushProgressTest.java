package io.github.shipmaven.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.PushResponseItem;
import io.github.shipmaven.core.RecordingLog;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Feeds the progress reader the JSON lines a real daemon streams for a push. */
class PushProgressTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  final RecordingLog log = new RecordingLog();
  final List<String> lines = log.lines;

  private PushProgress feed(String... items) throws Exception {
    PushProgress progress = new PushProgress("127.0.0.1:5000/team/app:latest", log);
    for (String item : items) {
      progress.accept(JSON.readValue(item, PushResponseItem.class));
    }
    return progress;
  }

  @Test
  void theAuxDigestIsTheProofOfSuccess() throws Exception {
    PushProgress progress =
        feed(
            "{\"status\":\"The push refers to repository [127.0.0.1:5000/team/app]\"}",
            "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"577e974730e9\"}",
            "{\"status\":\"Pushing\",\"progressDetail\":{\"current\":512,\"total\":1024},\"id\":\"577e974730e9\"}",
            "{\"status\":\"Pushing\",\"progressDetail\":{\"current\":1024,\"total\":1024},\"id\":\"577e974730e9\"}",
            "{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"577e974730e9\"}",
            "{\"status\":\"latest: digest: sha256:e17f size: 527\"}",
            "{\"progressDetail\":{},\"aux\":{\"Tag\":\"latest\",\"Digest\":\"sha256:e17f\",\"Size\":527}}");
    assertThat(progress.error()).isNull();
    assertThat(progress.digest()).isEqualTo("sha256:e17f");
    // one line per state change: Preparing, Pushing (once, not per tick), Pushed
    assertThat(lines)
        .containsExactly(
            "127.0.0.1:5000/team/app:latest: layer 577e974730e9 Preparing",
            "127.0.0.1:5000/team/app:latest: layer 577e974730e9 Pushing",
            "127.0.0.1:5000/team/app:latest: layer 577e974730e9 Pushed");
  }

  @Test
  void anErrorInsideTheHttp200StreamIsAFailure() throws Exception {
    PushProgress progress =
        feed(
            "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"577e974730e9\"}",
            "{\"errorDetail\":{\"message\":\"unauthorized: authentication required\"},"
                + "\"error\":\"unauthorized: authentication required\"}");
    assertThat(progress.error()).isEqualTo("unauthorized: authentication required");
    assertThat(progress.digest()).isNull();
  }

  @Test
  void anErrorAfterADigestStillFails() throws Exception {
    PushProgress progress =
        feed(
            "{\"progressDetail\":{},\"aux\":{\"Tag\":\"latest\",\"Digest\":\"sha256:e17f\",\"Size\":527}}",
            "{\"error\":\"received unexpected HTTP status: 503 Service Unavailable\"}");
    assertThat(progress.digest()).isNull();
    assertThat(progress.error()).contains("503");
  }

  @Test
  void aStreamThatEndsWithoutADigestHasNoDigest() throws Exception {
    PushProgress progress =
        feed(
            "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"577e974730e9\"}",
            "{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"577e974730e9\"}");
    assertThat(progress.error()).isNull();
    assertThat(progress.digest()).isNull();
  }
}
