package io.github.shipmaven.git;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.submodule.SubmoduleWalk.IgnoreSubmoduleMode;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The tracked paths with uncommitted changes, staged or not; untracked and ignored files do not
 * count. Found the way git finds them: the index against HEAD's tree (subtrees with equal ids are
 * skipped), and every index entry's stat data against its file by git's rules, with the content
 * compared where the stat data cannot tell ({@link WorkTreeChanges}); untracked directories are
 * never walked, so a 100,000-file checkout is proven clean in a fraction of a full status.
 *
 * <p>Index paths are bytes: files are named by them (a name the locale cannot spell, or one that is
 * not UTF-8, is still found), and a sparse index ({@code git sparse-checkout --sparse-index}),
 * whose sparse-directory entries JGit cannot read, is compared tree by tree by the plugin's own
 * reader.
 */
final class TrackedChanges {
  private TrackedChanges() {}

  /**
   * @param headTree HEAD's tree
   */
  static List<String> of(Repository repo, ObjectId headTree) throws IOException, GitAPIException {
    if (!WorkTreeChanges.supported(repo.getWorkTree().toPath())) {
      return fullStatus(repo); // no ctime or inode to read (Windows): JGit's full status decides
    }
    IndexFile index = IndexFile.read(repo.getIndexFile().toPath());
    TreeSet<String> paths = new TreeSet<>(staged(repo, headTree, index));
    // JGit compares mtime and size only: a change that only ctime or inode reveals is found here.
    paths.addAll(WorkTreeChanges.of(repo, index));
    return List.copyOf(paths);
  }

  /** The paths whose index entries differ from HEAD's tree; submodules do not count. */
  private static Set<String> staged(Repository repo, ObjectId headTree, IndexFile index)
      throws IOException {
    // git keeps the index's tree ids (the cache-tree extension): equal root ids settle it at once.
    if (headTree.equals(index.treeId())) {
      return Set.of();
    }
    if (index.sparse()) {
      return SparseIndexDiff.staged(repo, headTree, index);
    }
    Set<String> paths = new TreeSet<>();
    try (TreeWalk walk = new TreeWalk(repo)) {
      walk.addTree(headTree);
      walk.addTree(new DirCacheIterator(repo.readDirCache()));
      walk.setRecursive(true);
      walk.setFilter(TreeFilter.ANY_DIFF);
      while (walk.next()) {
        if (walk.getFileMode(1) != FileMode.GITLINK && walk.getFileMode(0) != FileMode.GITLINK) {
          paths.add(walk.getPathString());
        }
      }
    }
    return paths;
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
