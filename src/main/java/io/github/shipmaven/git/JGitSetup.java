package io.github.shipmaven.git;

import io.github.shipmaven.core.Executables;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.errors.ConfigInvalidException;
import org.eclipse.jgit.internal.util.CleanupService;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Sets aside, once per JVM, three JGit habits that cost every build time and buy nothing here:
 *
 * <ul>
 *   <li>JGit finds git's system config by running {@code git --version} and {@code git config
 *       --system}. On Linux the file is where git's build puts it: {@code $GIT_CONFIG_SYSTEM}, else
 *       {@code <prefix>/etc/gitconfig} for the git first on PATH, {@code /etc/gitconfig} when that
 *       prefix is {@code /usr} or no git is on PATH. Elsewhere JGit keeps its own discovery.
 *   <li>When the user's JGit config has no record of a file system's timestamp resolution, as on
 *       every fresh CI machine, JGit measures it: ~3 s of probe files before the first ref is read.
 *       The facts here are read once, so JGit's conservative fallback (2 s: every recent file
 *       counts as racily clean and is compared by content) is as correct. Recorded measurements
 *       still win.
 *   <li>JGit registers a JVM shutdown hook, and registering it loads JGit's whole message bundle
 *       (~1,000 messages set by reflection, 20-60 ms in a fresh JVM) so that messages can be
 *       formatted during shutdown. The hook's listeners delete JGit's leftover lock files and end
 *       its file-system measurements; this plugin writes nothing with JGit and measures nothing
 *       (above). So JGit runs as it does under OSGi, where the host owns that cleanup: no hook.
 * </ul>
 */
final class JGitSetup {
  private static final AtomicBoolean APPLIED = new AtomicBoolean();

  private JGitSetup() {}

  static void apply(Map<String, String> env) {
    if (!APPLIED.compareAndSet(false, true)) {
      return;
    }
    new CleanupService(); // before any JGit class asks for one: no shutdown hook, see above
    if (SystemReader.getInstance().isLinux()) {
      systemConfig(env).ifPresent(FS.DETECTED::setGitSystemConfig);
    }
    SystemReader.setInstance(new FallbackFileStores(SystemReader.getInstance()));
  }

  /** git's system config for this environment; empty when PATH is unknown. */
  static Optional<File> systemConfig(Map<String, String> env) {
    String override = env.getOrDefault("GIT_CONFIG_SYSTEM", "");
    if (!override.isBlank()) {
      return Optional.of(new File(override));
    }
    if (!env.containsKey("PATH")) {
      return Optional.empty();
    }
    Path prefix =
        Executables.onPath(env, "git").map(git -> git.getParent().getParent()).orElse(null);
    return Optional.of(
        prefix == null || prefix.equals(Path.of("/usr"))
            ? new File("/etc/gitconfig")
            : prefix.resolve("etc/gitconfig").toFile());
  }

  /** JGit's config, with the fallback resolution for every file system it has not measured. */
  private static final class FallbackFileStores extends SystemReader.Delegate {
    FallbackFileStores(SystemReader delegate) {
      super(delegate);
    }

    @Override
    public FileBasedConfig openJGitConfig(Config parent, FS fs) {
      File file = super.openJGitConfig(parent, fs).getFile();
      return new FileBasedConfig(parent, file, fs) {
        @Override
        public void load() throws IOException, ConfigInvalidException {
          super.load();
          // JGit keys measurements by JVM and store: "<java.vendor>|<java.version>|<store name>".
          String jvm = System.getProperty("java.vendor") + '|' + System.getProperty("java.version");
          for (FileStore store : FileSystems.getDefault().getFileStores()) {
            String key = jvm + '|' + store.name();
            if (getString("filesystem", key, "timestampResolution") == null) {
              setString("filesystem", key, "timestampResolution", "2 seconds");
            }
          }
        }

        @Override
        public void save() {
          // The fallbacks above are this build's, never the user's file.
        }
      };
    }
  }
}
