package io.github.shipmaven.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.dircache.DirCacheTree;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.submodule.SubmoduleWalk.IgnoreSubmoduleMode;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The tracked paths with uncommitted changes, staged or not; untracked and ignored files do not
 * count. A clean tree is proven the way git proves it: the index matches HEAD's tree (subtrees with
 * equal ids are skipped), and every index entry's stat data matches its file. Only when something
 * looks changed (or is racily clean) does JGit's full status, which reads contents and walks every
 * directory including untracked ones, give the exact list: a 100,000-file checkout is proven clean
 * in a fraction of a full status.
 */
final class TrackedChanges {
  /**
   * Index size from which the stat calls run on all cores. Below it they take less time than a
   * fresh JVM needs to start the fork-join pool and its stream machinery (~10 ms).
   */
  static final int PARALLEL_FROM = 2_000;

  private TrackedChanges() {}

  static List<String> of(Repository repo) throws IOException, GitAPIException {
    DirCache index = repo.readDirCache();
    if (indexDiffersFromHead(repo, index) || workTreeMayDiffer(repo, index)) {
      return fullStatus(repo);
    }
    return List.of();
  }

  private static boolean indexDiffersFromHead(Repository repo, DirCache index) throws IOException {
    ObjectId headTree = repo.resolve("HEAD^{tree}");
    // git keeps the index's tree ids (the cache-tree extension): equal root ids settle it at once.
    DirCacheTree cached = index.getCacheTree(false);
    if (cached != null && cached.isValid() && headTree.equals(cached.getObjectId())) {
      return false;
    }
    try (TreeWalk walk = new TreeWalk(repo)) {
      walk.addTree(headTree);
      walk.addTree(new DirCacheIterator(index));
      walk.setRecursive(true);
      walk.setFilter(TreeFilter.ANY_DIFF);
      while (walk.next()) {
        if (walk.getFileMode(1) != FileMode.GITLINK && walk.getFileMode(0) != FileMode.GITLINK) {
          return true;
        }
      }
      return false;
    }
  }

  private static boolean workTreeMayDiffer(Repository repo, DirCache index) throws IOException {
    Path root = repo.getWorkTree().toPath();
    Instant indexWritten = Files.getLastModifiedTime(repo.getIndexFile().toPath()).toInstant();
    boolean fileMode =
        repo.getConfig()
            .getBoolean(
                ConfigConstants.CONFIG_CORE_SECTION, ConfigConstants.CONFIG_KEY_FILEMODE, true);
    int entries = index.getEntryCount();
    try {
      if (entries < PARALLEL_FROM) {
        for (int i = 0; i < entries; i++) {
          if (mayDiffer(root, index.getEntry(i), indexWritten, fileMode)) {
            return true;
          }
        }
        return false;
      }
      return IntStream.range(0, entries)
          .parallel()
          .anyMatch(i -> mayDiffer(root, index.getEntry(i), indexWritten, fileMode));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static boolean mayDiffer(
      Path root, DirCacheEntry entry, Instant indexWritten, boolean fileMode) {
    if (entry.getStage() != DirCacheEntry.STAGE_0) {
      return true; // a conflict
    }
    FileMode mode = entry.getFileMode();
    if (mode == FileMode.GITLINK || entry.isSkipWorkTree() || entry.isAssumeValid()) {
      return false; // submodules are ignored; skip-worktree and assume-valid are git's promise
    }
    PosixFileAttributes stat;
    try {
      stat =
          Files.readAttributes(
              root.resolve(entry.getPathString()),
              PosixFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Instant modified = stat.lastModifiedTime().toInstant();
    return (mode == FileMode.SYMLINK) != stat.isSymbolicLink()
        || stat.size() != entry.getLength()
        || !modified.equals(entry.getLastModifiedInstant())
        // Racily clean: written in the same tick as the index, its content must be compared.
        || !modified.isBefore(indexWritten)
        || (fileMode
            && mode != FileMode.SYMLINK
            && (mode == FileMode.EXECUTABLE_FILE)
                != stat.permissions().contains(PosixFilePermission.OWNER_EXECUTE));
  }

  private static List<String> fullStatus(Repository repo) throws GitAPIException {
    Status status = new Git(repo).status().setIgnoreSubmodules(IgnoreSubmoduleMode.ALL).call();
    TreeSet<String> paths = new TreeSet<>();
    Stream.of(
            status.getAdded(),
            status.getChanged(),
            status.getRemoved(),
            status.getMissing(),
            status.getModified(),
            status.getConflicting())
        .forEach(paths::addAll);
    return List.copyOf(paths);
  }
}
