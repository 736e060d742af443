package io.github.shipmaven.maven;

import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipLog;
import org.apache.maven.plugin.logging.Log;

/** The core's log, written to Maven's, with every known secret masked. */
final class MavenShipLog implements ShipLog {
  private final Log log;
  private final Secrets secrets;

  MavenShipLog(Log log, Secrets secrets) {
    this.log = log;
    this.secrets = secrets;
  }

  @Override
  public void info(String message) {
    log.info(secrets.redact(message));
  }

  @Override
  public void warn(String message) {
    log.warn(secrets.redact(message));
  }

  @Override
  public void debug(String message) {
    if (log.isDebugEnabled()) {
      log.debug(secrets.redact(message));
    }
  }
}
