import io.github.shipmaven.it.ItSupport
ItSupport.worktree(basedir, "wt-branch")
return true
