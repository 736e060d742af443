package io.github.shipmaven.docker;

import io.github.shipmaven.core.ShipLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test against a fresh {@link ScriptedDaemon} for each test, its socket in the test's temporary
 * directory {@link #dir} (which is also the home the plugin connects from). A subclass's own
 * {@code @BeforeEach} runs once the daemon is up and its {@code @AfterEach} before it is closed.
 */
@Timeout(60) // a scripted daemon that stops answering must fail the test, not hang the build
public abstract class ScriptedDaemonTestBase {
  @TempDir protected Path dir;
  protected ScriptedDaemon daemon;

  @BeforeEach
  final void startScriptedDaemon() throws IOException {
    daemon = ScriptedDaemon.start(dir.resolve("daemon"));
  }

  @AfterEach
  final void closeScriptedDaemon() throws IOException {
    daemon.close();
  }

  /**
   * The plugin's connection to the daemon, as the goals make it: no environment, home {@link #dir}.
   */
  protected DockerDaemon connect() {
    return new DockerConnector(Map.of(), dir, ShipLog.NONE).connect(daemon.host());
  }
}
