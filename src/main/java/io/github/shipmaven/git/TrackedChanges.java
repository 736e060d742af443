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
 * count. A clean tree is proven the way git proves it: the index matches HEAD's tree (subtrees with
 * equal ids are skipped), and every index entry's stat data matches its file by git's rules, with
 * the content compared where the stat data cannot tell ({@link WorkTreeChanges}). Only when
 * something changed does JGit's full status, which walks every directory including untracked ones,
 * give the exact list, with the changes only git's stat fields reveal added: a 100,000-file
 * checkout is proven clean in a fraction of a full status.
 */
final class TrackedChanges {
  private TrackedChanges() {}

  static List<String> of(Repository repo) throws IOException, GitAPIException {
    if (!WorkTreeChanges.supported(repo.getWorkTree().toPath())) {
      return fullStatus(repo); // no ctime or inode to read (Windows): JGit's full status decides
    }
    IndexFile index = IndexFile.read(repo.getIndexFile().toPath());
    boolean staged = indexDiffersFromHead(repo, index);
    // JGit compares mtime and size only: a change that only ctime or inode reveals is added here.
    Set<String> unstaged = WorkTreeChanges.of(repo, index);
    if (!staged && unstaged.isEmpty()) {
      return List.of();
    }
    TreeSet<String> paths = new TreeSet<>(fullStatus(repo));
    paths.addAll(unstaged);
    return List.copyOf(paths);
  }

  private static boolean indexDiffersFromHead(Repository repo, IndexFile index) throws IOException {
    ObjectId headTree = repo.resolve("HEAD^{tree}");
    // git keeps the index's tree ids (the cache-tree extension): equal root ids settle it at once.
    if (headTree.equals(index.treeId())) {
      return false;
    }
    try (TreeWalk walk = new TreeWalk(repo)) {
      walk.addTree(headTree);
      walk.addTree(new DirCacheIterator(repo.readDirCache()));
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
