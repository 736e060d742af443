package io.github.shipmaven.maven;

import io.github.shipmaven.core.Secrets;
import io.github.shipmaven.core.ShipException;
import java.util.Optional;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/** settings.xml {@code <server>} entries, decrypted, with their passwords registered as secrets. */
final class SettingsServers {
  private final Settings settings;
  private final SettingsDecrypter decrypter;
  private final Secrets secrets;

  SettingsServers(Settings settings, SettingsDecrypter decrypter, Secrets secrets) {
    this.settings = settings;
    this.decrypter = decrypter;
    this.secrets = secrets;
  }

  Optional<Server> find(String id) {
    Server server = settings == null ? null : settings.getServer(id);
    if (server == null) {
      return Optional.empty();
    }
    secrets.add(server.getPassword()); // the encrypted form is no business of a log either
    SettingsDecryptionResult result =
        decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
    for (SettingsProblem problem : result.getProblems()) {
      if (problem.getSeverity() != SettingsProblem.Severity.WARNING) {
        throw ShipException.config(
            "settings.xml server '"
                + id
                + "': its password cannot be decrypted; check ~/.m2/settings-security.xml"
                + " (mvn --encrypt-master-password).");
      }
    }
    Server decrypted = result.getServer();
    secrets.addLogin(decrypted.getUsername(), decrypted.getPassword());
    return Optional.of(decrypted);
  }
}
