package io.github.shipmaven.git;

import io.github.shipmaven.git.IndexFile.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The staged changes of a sparse index, which JGit cannot read ({@code Invalid path: b/}): HEAD's
 * tree is walked against the plugin's own reading of the index. A sparse-directory entry stands for
 * a whole tree; its id against HEAD's tree at that path settles it at once, and when they differ
 * the two trees are compared for the paths, as {@code git status} lists them.
 */
final class SparseIndexDiff {
  private static final int GITLINK = 0160000;
  private static final int TYPE_MASK = 0170000;

  private SparseIndexDiff() {}

  static Set<String> staged(Repository repo, ObjectId headTree, IndexFile index)
      throws IOException {
    Map<String, Entry> byPath = new HashMap<>();
    for (Entry entry : index.entries()) {
      if (entry.stage() == 0) { // a conflict's sides are WorkTreeChanges' to report
        byPath.put(key(entry.rawPath()), entry);
      }
    }
    Set<String> changed = new TreeSet<>();
    Set<String> seen = new HashSet<>();
    try (TreeWalk walk = new TreeWalk(repo)) {
      walk.addTree(headTree);
      walk.setRecursive(false);
      while (walk.next()) {
        String key = key(walk.getRawPath());
        FileMode mode = walk.getFileMode(0);
        if (walk.isSubtree()) {
          Entry directory = byPath.get(key + "/");
          if (directory == null) {
            walk.enterSubtree();
          } else {
            seen.add(key + "/");
            if (!directory.id().equals(walk.getObjectId(0))) {
              changed.addAll(treeDiff(repo, walk.getPathString(), walk.getObjectId(0), directory));
            }
          }
          continue;
        }
        Entry entry = byPath.get(key);
        if (entry != null) {
          seen.add(key);
        }
        if (mode == FileMode.GITLINK || (entry != null && (entry.mode() & TYPE_MASK) == GITLINK)) {
          continue; // submodules do not count
        }
        if (entry == null
            || entry.mode() != mode.getBits()
            || !entry.id().equals(walk.getObjectId(0))) {
          changed.add(walk.getPathString()); // removed from the index, or changed
        }
      }
    }
    for (Map.Entry<String, Entry> left : byPath.entrySet()) {
      Entry entry = left.getValue();
      if (!seen.contains(left.getKey()) && (entry.mode() & TYPE_MASK) != GITLINK) {
        changed.add(entry.path()); // added
      }
    }
    return changed;
  }

  /** The paths under {@code prefix} where HEAD's tree and a sparse directory's tree differ. */
  private static Set<String> treeDiff(
      Repository repo, String prefix, ObjectId headTree, Entry directory) throws IOException {
    Set<String> paths = new TreeSet<>();
    try (TreeWalk walk = new TreeWalk(repo)) {
      walk.addTree(headTree);
      walk.addTree(directory.id());
      walk.setRecursive(true);
      walk.setFilter(TreeFilter.ANY_DIFF);
      while (walk.next()) {
        if (walk.getFileMode(0) != FileMode.GITLINK && walk.getFileMode(1) != FileMode.GITLINK) {
          paths.add(prefix + "/" + walk.getPathString());
        }
      }
    }
    return paths;
  }

  /** Raw path bytes as a string key, one char per byte: names compared exactly, as git does. */
  private static String key(byte[] raw) {
    return new String(raw, StandardCharsets.ISO_8859_1);
  }
}
